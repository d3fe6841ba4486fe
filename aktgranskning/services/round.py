"""The förvaltning's round (omgång): made from the urval or from the enheter's files, saved as the
utvecklare's own file, its state read from the round's folder, and the summary made from it so
that an enhet without a file or with an unfinished review is always shown as such."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aktgranskning.domain.completeness import Completeness
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.round import Round, RoundUnit, UnitState, carry_over_actions, state_of
from aktgranskning.domain.summary import (
    DuplicateUnit,
    ExcludedFile,
    Summary,
    SummaryInput,
    deduplicated,
    summarise_round,
    unit_completeness,
)
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.services.summary import REVIEW_SUFFIX, read_inputs
from aktgranskning.services.unit_data import WORKBOOK_SUFFIXES
from aktgranskning.storage.round_file import ROUND_SUFFIX, read_round_file, write_round_file

Progress = Callable[[int, int, str], None]
UNKNOWN_AREA = "Okänt område"
DEFAULT_EXPECTED = 20


@dataclass(frozen=True)
class UnitStatus:
    """Where one enhet of the round stands, from the files found for it in the round's folder."""

    unit: RoundUnit
    state: UnitState
    completeness: Completeness | None  # None: no file found
    source: str | None  # the file the state is read from
    analysed: bool  # the enhet's analysis is not empty
    submitted: bool  # the enhet's workbook (from rapport) is in the folder
    thresholds: Thresholds | None  # the file's colour limits, when they differ from the round's
    workbook: str | None = None  # the name of that workbook


@dataclass(frozen=True)
class UnknownFile:
    """A file in the round's folder whose enhet is not in the round."""

    source: str
    unit: str
    area: str
    year: int


@dataclass(frozen=True)
class RoundStatus:
    folder: Path
    units: tuple[UnitStatus, ...]  # in the round's order
    unknown: tuple[UnknownFile, ...] = ()
    excluded: tuple[ExcludedFile, ...] = ()  # files that could not be read, with the reason
    notices: tuple[str, ...] = field(default=())  # Swedish: folder missing, two files for an enhet, …

    def of(self, unit: RoundUnit) -> UnitStatus:
        return next(status for status in self.units if status.unit.key == unit.key)

    def count(self, state: UnitState) -> int:
        return sum(1 for status in self.units if status.state is state)


# --- the file ------------------------------------------------------------------------------------

def load_round(path: Path) -> Round:
    return read_round_file(path)


def save_round(path: Path, round_: Round) -> Path:
    return write_round_file(path, round_)


def round_folder(path: Path, round_: Round) -> Path:
    """The folder of the enheter's files: as stored when absolute, else beside the round file."""
    stored = Path(round_.folder) if round_.folder else Path(".")
    return stored if stored.is_absolute() else path.parent / stored


def stored_folder(target: Path, folder: Path) -> str:
    """The folder as the round file keeps it: relative to the round file when it is inside or
    beside it (so the pair can be moved together), else absolute."""
    absolute = Path(os.path.abspath(folder))
    try:
        relative = Path(os.path.relpath(absolute, os.path.abspath(target.parent)))
    except ValueError:  # another drive on Windows
        return str(absolute)
    return relative.as_posix() if relative.parts.count("..") <= 1 else str(absolute)


# --- making a round -----------------------------------------------------------------------------

def create_round(target: Path, *, folder: Path, urval: Path | None = None, administration: str | None = None,
                 year: int | None = None, previous: Path | None = None) -> Round:
    """Make and write a new round file (never over an existing one). The enheter and their
    expected akter come from the urval workbook, or without one from the enhet files in
    `folder`; last year's round (`previous`) gives its colour limits and its actions, carried
    over to be followed up."""
    if target.suffix.lower() != ROUND_SUFFIX:
        raise FileProblem(target, f"filnamnet ska sluta på {ROUND_SUFFIX}.")
    if target.exists() or target.is_symlink():
        raise FileProblem(target, "filen finns redan och skrivs inte över. Välj ett annat namn.")
    earlier = load_round(previous) if previous is not None else None
    inputs = _readable_inputs(folder) if folder.is_dir() else []
    if urval is not None:
        from aktgranskning.excel.sample_workbook_reader import read_sample_roster  # openpyxl/calamine: when used

        roster = read_sample_roster(urval)
        units = tuple(RoundUnit(u.area or UNKNOWN_AREA, u.unit, max(1, u.cases)) for u in roster.units)
        drawn_year = roster.drawn_on.year if roster.drawn_on is not None else None
    else:
        units = _units_of_files(inputs, year)
        drawn_year = None
        if not units:
            raise UserError(f"Inga enhetsfiler hittades i {folder}, och ingen urvalsbok angavs. Ange --urval "
                            "URVAL.xlsx, eller lägg enheternas granskningsfiler i mappen.")
    round_year = year or max((i.data.identity.year for i in inputs), default=None) or drawn_year or (
        earlier.year + 1 if earlier is not None else None)
    if round_year is None:
        raise UserError("Omgångens år kunde inte tas fram ur filerna; ange det (--ar ÅR).")
    same_year = [i for i in inputs if i.data.identity.year == round_year]
    name = (administration or "").strip() or _most_common(i.data.identity.administration for i in same_year) or (
        earlier.administration if earlier is not None else "")
    if not name:
        raise UserError("Förvaltningens namn kunde inte tas fram ur filerna; ange det (--forvaltning F).")
    checklists = tuple(dict.fromkeys(c.id for i in same_year for c in i.data.checklists)) or (
        earlier.checklist_ids if earlier is not None else ())
    round_ = Round(
        administration=name,
        year=round_year,
        units=units,
        checklist_ids=checklists,
        thresholds=earlier.thresholds if earlier is not None else _common_limits(same_year),
        folder=stored_folder(target, folder),
        actions=carry_over_actions(earlier.actions, earlier.year) if earlier is not None else (),
    )
    write_round_file(target, round_, new=True)
    return round_


def round_notices(round_: Round) -> list[str]:
    """What the utvecklare should fix in a new round (Swedish): enheter whose område the urval
    did not know."""
    unknown = [unit.unit for unit in round_.units if unit.area == UNKNOWN_AREA]
    if not unknown:
        return []
    return [f"Urvalsboken anger inte område för {len(unknown)} {'enhet' if len(unknown) == 1 else 'enheter'} "
            f"({', '.join(unknown)}); de ligger under ”{UNKNOWN_AREA}”. Ange rätt område i omgången."]


def _readable_inputs(folder: Path) -> list[SummaryInput]:
    try:
        inputs, _ = read_inputs([folder])
    except UserError:  # no enhet files in the folder (yet)
        return []
    return inputs


def _units_of_files(inputs: Sequence[SummaryInput], year: int | None) -> tuple[RoundUnit, ...]:
    round_year = year or max((i.data.identity.year for i in inputs), default=None)
    units: dict[str, RoundUnit] = {}
    for item in sorted(inputs, key=lambda i: (i.data.identity.area.casefold(), i.data.identity.unit.casefold())):
        identity = item.data.identity
        if identity.year != round_year or identity.unit.casefold() in units:
            continue
        expected = unit_completeness(item.data).to_review or DEFAULT_EXPECTED
        units[identity.unit.casefold()] = RoundUnit(identity.area or UNKNOWN_AREA, identity.unit, expected)
    return tuple(units.values())


def _most_common(values: Iterable[str]) -> str | None:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


def _common_limits(inputs: Sequence[SummaryInput]) -> Thresholds:
    limits = {i.data.thresholds for i in inputs}
    return limits.pop() if len(limits) == 1 else Thresholds()


# --- the state of the round ---------------------------------------------------------------------

@dataclass(frozen=True)
class _Found:
    """What the folder holds for the round: the inputs per enhet, and the rest."""

    per_unit: dict[str, list[SummaryInput]]
    unknown: list[UnknownFile]
    excluded: list[ExcludedFile]
    other_years: dict[str, list[SummaryInput]]
    notices: list[str]


def _find(path: Path, round_: Round, progress: Progress | None) -> _Found:
    folder = round_folder(path, round_)
    found = _Found({}, [], [], {}, [])
    if not folder.is_dir():
        found.notices.append(f"Omgångens mapp {folder} finns inte; inga enhetsfiler kunde läsas.")
        return found
    try:
        inputs, excluded = read_inputs([folder], progress)
    except UserError:
        return found  # no enhet files yet: every enhet is missing
    found.excluded.extend(excluded)
    by_file = {unit.file.casefold(): unit for unit in round_.units if unit.file}
    copies: list[tuple[RoundUnit, SummaryInput]] = []
    for item in inputs:
        identity = item.data.identity
        unit = by_file.get(item.source.casefold())
        if unit is None:
            unit = round_.unit(identity.unit)
            if unit is None:
                found.unknown.append(UnknownFile(item.source, identity.unit, identity.area, identity.year))
                continue
            if unit.file:  # the round names the enhet's file: another one counts only as a copy of it
                copies.append((unit, item))
                continue
            if identity.year != round_.year:
                found.other_years.setdefault(unit.key, []).append(item)
                continue
        found.per_unit.setdefault(unit.key, []).append(item)
    for unit, item in copies:
        if _same_enhet_file(item, found.per_unit.get(unit.key, [])):
            found.per_unit[unit.key].append(item)
    for unit in round_.units:
        if unit.key not in found.per_unit and unit.key in found.other_years:
            years = ", ".join(f"{i.source} ({i.data.identity.year})" for i in found.other_years[unit.key])
            found.notices.append(f"{unit.unit}: ingen fil för {round_.year} hittades, bara för andra år: {years}.")
        if unit.file and unit.key not in found.per_unit:
            found.notices.append(f"{unit.unit}: filen ”{unit.file}” som omgången anger finns inte i mappen.")
    return found


def _same_enhet_file(item: SummaryInput, matched: Sequence[SummaryInput]) -> bool:
    """A file of an enhet that the round names by file is counted with it when it is a copy of
    that file (its workbook from rapport, say): the same file id."""
    return any(other.data.identity.file_uuid == item.data.identity.file_uuid for other in matched)


def _is_workbook(item: SummaryInput) -> bool:
    return Path(item.source).suffix.lower() in WORKBOOK_SUFFIXES


def _chosen(unit: RoundUnit, candidates: Sequence[SummaryInput], replacements: Iterable[str] = ()) -> SummaryInput:
    """The file the enhet's result is read from: its granskningsfil when there is one (the
    workbook is an export of it), else its workbook. Raises DuplicateUnit when two different
    files of the same kind hold the enhet and none is named in `replacements`."""
    reviews = [c for c in candidates if Path(c.source).suffix.lower() == REVIEW_SUFFIX]
    pool = reviews or list(candidates)
    unique = deduplicated(pool, replacements)
    if len(unique) > 1:  # different names in the files, matched by the round's file name
        raise DuplicateUnit(unique[0], unique[1])
    return unique[0]


def round_status(path: Path, round_: Round, progress: Progress | None = None) -> RoundStatus:
    """Per enhet of the round: saknas, ej påbörjad, pågående (x of n klara) or klar, whether it
    is analysed and submitted; plus the folder's files of other enheter and those that could
    not be read. One bad file never stops the others."""
    found = _find(path, round_, progress)
    units = []
    notices = list(found.notices)
    for unit in round_.units:
        candidates = found.per_unit.get(unit.key, [])
        if not candidates:
            units.append(UnitStatus(unit, UnitState.MISSING, None, None, False, False, None))
            continue
        try:
            item = _chosen(unit, candidates)
        except DuplicateUnit as twice:
            item = twice.first
            notices.append(f"{unit.unit}: två olika filer för enheten ({twice.first.source} och "
                           f"{twice.second.source}); läget visas för {twice.first.source}.")
        completeness = unit_completeness(item.data)
        workbook = next((c.source for c in candidates if _is_workbook(c)), None)
        limits = item.data.thresholds if item.data.thresholds != round_.thresholds else None
        units.append(UnitStatus(unit, state_of(completeness), completeness, item.source,
                                not item.data.analysis.is_empty, workbook is not None, limits, workbook))
    return RoundStatus(round_folder(path, round_), tuple(units), tuple(found.unknown), tuple(found.excluded),
                       tuple(notices))


def build_round_summary(path: Path, round_: Round, replacements: Iterable[Path] = (),
                        progress: Progress | None = None) -> Summary:
    """The summary of the round: every enhet of the round a level, in the round's order; an
    enhet without a file is shown as saknas, an unfinished one as preliminary; the round's
    colour limits are used and files with other limits are listed."""
    found = _find(path, round_, progress)
    names = [p.name for p in replacements]
    chosen = {
        unit.key: _chosen(unit, found.per_unit[unit.key], names)
        for unit in round_.units if found.per_unit.get(unit.key)
    }
    not_in_round = [(f.source, f.unit) for f in found.unknown if f.year == round_.year]
    return summarise_round(round_, chosen, found.excluded, not_in_round)
