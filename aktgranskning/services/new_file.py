"""Turning a prepared sample list into a new granskningsfil."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aktgranskning.domain.case import Case, Gender
from aktgranskning.domain.checklist import Checklist, find_checklist
from aktgranskning.domain.errors import FileProblem
from aktgranskning.domain.people import (
    DEFAULT_AGE_BANDS,
    UNKNOWN_AGE_GROUP,
    AgeBand,
    age_group_of,
    age_on,
    age_reference_date,
    parse_age_bands,
    parse_personnummer,
)
from aktgranskning.excel.sample_list import SampleListRow, read_sample_list, sheet_for_unit
from aktgranskning.services.opening import NewFileInfo, create_review_file


@dataclass(frozen=True)
class NewFileReport:
    path: Path
    cases: int
    reserves: int
    unknown_columns: list[str]


def create_from_sample_list(
    target: Path,
    sample_list: Path,
    info: NewFileInfo,
    checklists: Sequence[Checklist],
    today: date | None = None,
) -> NewFileReport:
    listing = read_sample_list(sample_list, sheet=sheet_for_unit(sample_list, info.unit))
    today = today or date.today()
    bands = parse_age_bands(DEFAULT_AGE_BANDS)
    coder = CaseworkerCoder()
    cases: list[Case] = []
    sample_rows = [r for r in listing.rows if not r.reserve]
    reserve_rows = [r for r in listing.rows if r.reserve]
    for sequence, row in enumerate(sample_rows + reserve_rows, start=1):
        checklist = _checklist_for(row, checklists, sample_list)
        gender, age_group = _gender_and_age_group(row, today, bands)
        cases.append(
            Case.drawn(sequence, row.case_number, checklist.id, gender, age_group, coder.code(row.caseworker),
                       row.reserve)
        )
    create_review_file(target, info, checklists, cases)
    return NewFileReport(target, len(sample_rows), len(reserve_rows), listing.unknown_columns)


def _checklist_for(row: SampleListRow, checklists: Sequence[Checklist], path: Path) -> Checklist:
    checklist = find_checklist(row.case_type, checklists)
    if checklist is not None:
        return checklist
    known = ", ".join(c.case_type for c in checklists)
    raise FileProblem(
        path,
        f"ärendetypen ”{row.case_type}” har ingen checklista (kända ärendetyper: {known}).",
        f"rad {row.row_number}",
    )


def _gender_and_age_group(row: SampleListRow, today: date, bands: tuple[AgeBand, ...]) -> tuple[Gender, str]:
    facts = parse_personnummer(row.personnummer, today) if row.personnummer else None
    gender = Gender.parse(row.gender) if row.gender else (facts.gender if facts else Gender.UNKNOWN)
    if row.age_group:
        return gender, row.age_group
    on = age_reference_date(_iso_date(row.start_date), today)
    age: int | None = None
    if row.age.isdigit():
        age = int(row.age)
    elif row.birth_year.isdigit():
        age = on.year - int(row.birth_year)
    elif (birth := _iso_date(row.birth_date)) is not None:
        age = age_on(birth, on)
    elif facts is not None:
        age = age_on(facts.birth_date, on)
    return gender, age_group_of(age, bands) if age is not None else UNKNOWN_AGE_GROUP


def _iso_date(text: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


class CaseworkerCoder:
    """Keeps short codes (signatures) as they are; turns anything that looks like a name into a
    stable code H01, H02 … so that no caseworker's name is stored."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def code(self, value: str) -> str:
        cleaned = value.strip()
        if not cleaned:
            return ""
        if re.fullmatch(r"[A-Za-zÅÄÖåäö0-9]{1,8}", cleaned) and not _looks_like_a_name(cleaned):
            return cleaned.upper()
        key = cleaned.casefold()
        if key not in self._codes:
            self._codes[key] = f"H{len(self._codes) + 1:02d}"
        return self._codes[key]


def _looks_like_a_name(text: str) -> bool:
    return len(text) > 4 and text[0].isupper() and text[1:].islower()

