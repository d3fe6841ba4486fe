"""Reads the case system's export (Viva, Lifecare, Treserva …): one row per case.

Columns are recognised by their headers (see excel/columns.py) or given explicitly. A
personnummer column is read only to derive gender and age, in memory; client names are never
read. Every problem names the file, the row and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aktgranskning.domain.case import Gender
from aktgranskning.domain.errors import FileProblem
from aktgranskning.domain.people import (
    CASE_NUMBER_IS_PERSONNUMMER,
    AgeBasis,
    age_on,
    age_reference_date,
    parse_personnummer,
)
from aktgranskning.excel.columns import (
    COLUMN_NAMES,
    IGNORED_NAMES,
    START_DATE_FALLBACKS,
    field_label,
    map_columns,
    normalise_header,
    require_columns,
)
from aktgranskning.excel.tables import read_table


@dataclass(frozen=True)
class ImportedCase:
    row_number: int
    case_number: str
    case_type: str
    unit: str
    area: str
    gender: Gender
    age: int | None
    caseworker: str  # as in the export (a name or a signature); coded before it is stored
    case_date: date | None
    start_date: date | None = None  # when the case began; the day its age is counted on


@dataclass(frozen=True)
class CaseListImport:
    path: Path
    cases: list[ImportedCase]
    used_columns: dict[str, str]  # field → header
    unknown_columns: list[str]
    ignored_columns: list[str]  # recognised as names and never read
    derived_from_personnummer: bool
    age_basis: AgeBasis | None = None


FIELD_ALIASES = {
    "arendenummer": "case_number", "arendetyp": "case_type", "kon": "gender", "alder": "age",
    "fodelsear": "birth_year", "fodelsedatum": "birth_date", "personnummer": "personnummer",
    "handlaggare": "caseworker", "enhet": "unit", "omrade": "area", "datum": "date",
    "startdatum": "start_date", "inledningsdatum": "start_date",
}


def parse_mapping(items: list[str]) -> dict[str, str]:
    """'--kolumn arendenummer="Akt nr"' → {"case_number": "Akt nr"}."""
    mapping: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise ValueError(f"Kolumnvalet ”{item}” ska skrivas som fält=Rubrik, t.ex. arendenummer=Aktnr.")
        name, header = item.split("=", 1)
        field = FIELD_ALIASES.get(name.strip().casefold())
        if field is None:
            raise ValueError(f"Okänt fält ”{name}” (kända fält: {', '.join(sorted(FIELD_ALIASES))}).")
        mapping[field] = header.strip()
    return mapping


def read_case_list(path: Path, mapping: dict[str, str] | None = None, today: date | None = None) -> CaseListImport:
    today = today or date.today()
    table = read_table(path)
    columns, unknown = map_columns(table.header)
    for field, header in (mapping or {}).items():
        wanted = normalise_header(header)
        index = next((i for i, h in enumerate(table.header) if normalise_header(h) == wanted), None)
        if index is None:
            raise FileProblem(path, f"kolumnen ”{header}” som angavs för {field_label(field)} finns inte.",
                              f"rubrikraden, rad {table.header_row}")
        columns[field] = index
        unknown = [u for u in unknown if normalise_header(u) != wanted]
    ignored = [u for u in unknown if normalise_header(u) in {normalise_header(n) for n in IGNORED_NAMES}]
    unknown = [u for u in unknown if u not in ignored]
    require_columns(path, columns, ("case_number",), table.header_row)

    def cell(cells: list[str], field: str) -> str:
        index = columns.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    start_field = _start_field(columns, table.header)
    cases: list[ImportedCase] = []
    used_pnr = False
    counted: dict[str, int] = {"start": 0, "draw": 0, "stated": 0}
    for number, cells in table.rows:
        place = _Place(path, number, table.header, columns)
        case_number = cell(cells, "case_number")
        if not case_number:
            raise FileProblem(path, "ärendenummer saknas.", place.of("case_number"))
        if parse_personnummer(case_number, today) is not None:
            raise FileProblem(path, CASE_NUMBER_IS_PERSONNUMMER, place.of("case_number"))
        start = _date(cell(cells, start_field), place, field=start_field) if start_field else None
        gender, age, from_pnr, basis = _gender_and_age(cells, cell, place, today, start)
        used_pnr = used_pnr or from_pnr
        if basis:
            counted[basis] += 1
        cases.append(
            ImportedCase(
                row_number=number,
                case_number=case_number,
                case_type=cell(cells, "case_type"),
                unit=cell(cells, "unit"),
                area=cell(cells, "area"),
                gender=gender,
                age=age,
                caseworker=cell(cells, "caseworker"),
                case_date=_date(cell(cells, "date"), place),
                start_date=start,
            )
        )
    if not cases:
        raise FileProblem(path, "listan innehåller inga ärenden under rubrikraden.", f"rad {table.header_row}")
    used = {field: table.header[index] for field, index in columns.items() if field != "personnummer"}
    start_header = table.header[columns[start_field]] if start_field else ""
    age_basis = AgeBasis(today, start_header, counted["start"], counted["draw"], counted["stated"])
    return CaseListImport(path, cases, used, unknown, ignored, used_pnr, age_basis)


def _start_field(columns: dict[str, int], header: list[str]) -> str | None:
    """The field holding the case's start date: its own column, or an arrival date column."""
    if "start_date" in columns:
        return "start_date"
    if "date" in columns and normalise_header(header[columns["date"]]) in START_DATE_FALLBACKS:
        return "date"
    return None


@dataclass(frozen=True)
class _Place:
    path: Path
    row: int
    header: list[str]
    columns: dict[str, int]

    def of(self, field: str) -> str:
        index = self.columns.get(field)
        column = f", kolumn {self.header[index]}" if index is not None else ""
        return f"rad {self.row}{column}"


def _gender_and_age(cells, cell, place: _Place, today: date,  # type: ignore[no-untyped-def]
                    start: date | None) -> tuple[Gender, int | None, bool, str]:
    """Gender, the age when the case began (at the draw date `today` when the start is unknown),
    whether a personnummer was read, and how the age was found: 'start', 'draw', 'stated' or ''."""
    on = age_reference_date(start, today)
    counted = "start" if start is not None else "draw"
    facts = None
    pnr = cell(cells, "personnummer")
    if pnr:
        facts = parse_personnummer(pnr, today)
        if facts is None:
            raise FileProblem(place.path, "personnumret är inte giltigt (fel format eller kontrollsiffra).",
                              place.of("personnummer"))
    gender_text = cell(cells, "gender")
    gender = Gender.parse(gender_text) if gender_text else (facts.gender if facts else Gender.UNKNOWN)
    age_text, birth_year, birth_date = cell(cells, "age"), cell(cells, "birth_year"), cell(cells, "birth_date")
    if age_text:
        if not re.fullmatch(r"\d{1,3}", age_text):
            raise FileProblem(place.path, f"åldern ”{age_text}” är inget heltal.", place.of("age"))
        return gender, int(age_text), facts is not None, "stated"
    if birth_year:
        if not re.fullmatch(r"(19|20)\d\d", birth_year):
            raise FileProblem(place.path, f"födelseåret ”{birth_year}” är inte ett år.", place.of("birth_year"))
        return gender, on.year - int(birth_year), facts is not None, counted
    if birth_date:
        parsed = _date(birth_date, place, field="birth_date")
        return gender, age_on(parsed, on) if parsed else None, facts is not None, counted if parsed else ""
    if facts is not None:
        return gender, age_on(facts.birth_date, on), True, counted
    return gender, None, False, ""


def _date(text: str, place: _Place, field: str = "date") -> date | None:
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})(?:[ T].*)?", text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise FileProblem(place.path, f"datumet ”{text}” kunde inte tolkas (skriv ÅÅÅÅ-MM-DD).", place.of(field))


__all__ = ["COLUMN_NAMES", "CaseListImport", "ImportedCase", "parse_mapping", "read_case_list"]
