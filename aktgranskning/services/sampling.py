"""Urval: from the case system's export to one stratified sample per enhet."""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from aktgranskning.domain.case import Case
from aktgranskning.domain.checklist import Checklist, find_checklist
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.file_names import file_name_part
from aktgranskning.domain.people import DEFAULT_AGE_BANDS, age_group_of, parse_age_bands
from aktgranskning.domain.sampling import Candidate, SampleResult, draw_sample
from aktgranskning.excel.case_list import CaseListImport, ImportedCase, read_case_list
from aktgranskning.services.new_file import CaseworkerCoder
from aktgranskning.services.opening import NewFileInfo, create_review_file

NO_UNIT = "Enheten"


@dataclass(frozen=True)
class SamplingOptions:
    per_unit: int = 20
    reserves: int = 5
    seed: int | None = None
    age_bands: str = DEFAULT_AGE_BANDS
    case_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class UnitSample:
    unit: str
    area: str
    result: SampleResult
    cases: dict[int, ImportedCase]  # by candidate key
    codes: dict[int, str]  # caseworker code by candidate key

    def case_of(self, candidate: Candidate) -> ImportedCase:
        return self.cases[candidate.key]


@dataclass(frozen=True)
class SamplingRound:
    source: CaseListImport
    options: SamplingOptions
    seed: int
    drawn_on: date
    units: list[UnitSample]
    filtered_out: int
    warnings: list[str] = field(default_factory=list)


def draw_round(path: Path, options: SamplingOptions, mapping: dict[str, str] | None = None,
               today: date | None = None) -> SamplingRound:
    today = today or date.today()
    try:
        bands = parse_age_bands(options.age_bands)
    except ValueError as error:
        raise UserError(str(error)) from error
    source = read_case_list(path, mapping, today)
    kept = [case for case in source.cases if _passes_filters(case, options)]
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(1, 10**9)
    coder = CaseworkerCoder()
    by_unit: dict[str, list[tuple[int, ImportedCase]]] = defaultdict(list)
    for key, case in enumerate(kept):
        by_unit[case.unit or NO_UNIT].append((key, case))
    units: list[UnitSample] = []
    warnings: list[str] = []
    for unit in sorted(by_unit):
        members = by_unit[unit]
        codes = {key: coder.code(case.caseworker) for key, case in members}
        population = [
            Candidate(key, case.case_number, (case.gender.value, age_group_of(case.age, bands)), codes[key])
            for key, case in members
        ]
        result = draw_sample(population, options.per_unit, options.reserves, seed=_unit_seed(seed, unit))
        warnings += [f"{unit}: {w}" for w in result.warnings]
        area = next((case.area for _, case in members if case.area), "")
        units.append(UnitSample(unit, area, result, dict(members), codes))
    if not units:
        raise UserError(f"{path}: inga ärenden finns kvar efter filtren (ärendetyp och datum).")
    return SamplingRound(source, options, seed, today, units, len(source.cases) - len(kept), warnings)


def _unit_seed(seed: int, unit: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{unit}".encode()).digest()[:8], "big")


def _passes_filters(case: ImportedCase, options: SamplingOptions) -> bool:
    if options.case_type and case.case_type.casefold() != options.case_type.casefold():
        return False
    if options.date_from and (case.case_date is None or case.case_date < options.date_from):
        return False
    if options.date_to and (case.case_date is None or case.case_date > options.date_to):
        return False
    return True


@dataclass(frozen=True)
class PlannedFile:
    path: Path
    info: NewFileInfo
    cases: list[Case]


def review_files_for_round(
    sampling: SamplingRound, folder: Path, administration: str, year: int, checklists: Sequence[Checklist]
) -> list[Path]:
    """One granskningsfil per enhet, ready for review: the sample, then the ordered reserves.
    All of them or none: see `plan_review_files` and `write_review_files`."""
    return write_review_files(plan_review_files(sampling, folder, administration, year, checklists), checklists)


def plan_review_files(
    sampling: SamplingRound, folder: Path, administration: str, year: int, checklists: Sequence[Checklist]
) -> list[PlannedFile]:
    """What `write_review_files` will write, checked before anything is: every akt has a
    checklist, and no file is there already or named twice. The enhet's name comes from the
    case list, so it names a file in `folder` and never another folder."""
    planned = []
    taken: dict[str, str] = {}
    for unit in sampling.units:
        cases = []
        entries = [(c, False) for c in unit.result.chosen] + [(c, True) for c in unit.result.reserves]
        for sequence, (candidate, is_reserve) in enumerate(entries, start=1):
            imported = unit.case_of(candidate)
            checklist = _checklist_for(imported, checklists, sampling)
            cases.append(
                Case.drawn(sequence, imported.case_number, checklist.id, imported.gender, candidate.stratum[1],
                           candidate.caseworker, is_reserve)
            )
        path = folder / f"{file_name_part(unit.unit, 'Enheten', 120)} {year}.granskning"
        other = taken.setdefault(path.name.casefold(), unit.unit)
        if other != unit.unit:
            raise FileProblem(path, f"enheterna ”{other}” och ”{unit.unit}” skulle få samma filnamn. Byt namn på "
                                    "den ena i ärendelistan. Inga granskningsfiler har skapats.")
        if path.exists():
            raise FileProblem(path, "filen finns redan. Välj en annan mapp eller ta bort den gamla filen först. "
                                    "Inga granskningsfiler har skapats.")
        planned.append(PlannedFile(path, NewFileInfo(administration, unit.area, unit.unit, year), cases))
    return planned


def write_review_files(planned: Sequence[PlannedFile], checklists: Sequence[Checklist]) -> list[Path]:
    """Each planned file, or none: when one cannot be written, those already written are removed."""
    written: list[Path] = []
    try:
        for item in planned:
            create_review_file(item.path, item.info, checklists, item.cases)
            written.append(item.path)
    except BaseException:
        remove_written(written)
        raise
    return written


def remove_written(paths: Sequence[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _checklist_for(case: ImportedCase, checklists: Sequence[Checklist], sampling: SamplingRound) -> Checklist:
    wanted = case.case_type or sampling.options.case_type or ""
    checklist = find_checklist(wanted, checklists)
    if checklist is not None:
        return checklist
    known = ", ".join(c.case_type for c in checklists)
    raise UserError(
        f"{sampling.source.path} (rad {case.row_number}): ärendetypen ”{wanted or '(tom)'}” har ingen checklista "
        f"(kända: {known}). Ange --arendetyp eller lägg till en checklista."
    )
