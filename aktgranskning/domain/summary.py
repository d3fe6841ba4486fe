"""Merging enheter into område and förvaltning results.

Totals are pooled: Tally objects are added, so the share of a level is (sum of Ja) / (sum of
Ja + Nej) over its enheter — not the mean of their shares. Questions are matched by their stable
ids. The result does not depend on the order the files were given in, and giving the very same
enhet file twice changes nothing; two different files for the same enhet and year are refused
unless the user says which one replaces the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from aktgranskning.domain.analysis import Activity
from aktgranskning.domain.breakdown import BREAKDOWN_GENDERS as BREAKDOWN_GENDERS  # re-exported: moved there
from aktgranskning.domain.breakdown import SUPPRESS_BELOW as SUPPRESS_BELOW
from aktgranskning.domain.breakdown import suppressed as suppressed
from aktgranskning.domain.case import Gender
from aktgranskning.domain.comparison import YearChange, compare
from aktgranskning.domain.completeness import Completeness
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.results import Tally, format_percent
from aktgranskning.domain.thresholds import Level, Thresholds
from aktgranskning.domain.unit_data import (
    CaseFilter,
    QuestionRef,
    UnitData,
    question_tallies,
)


class LevelKind(str, Enum):
    """A level of the summary. The value is what the JSON and the files say."""

    ADMINISTRATION = "forvaltning"
    AREA = "omrade"
    UNIT = "enhet"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {LevelKind.ADMINISTRATION: "Förvaltning", LevelKind.AREA: "Område", LevelKind.UNIT: "Enhet"}
METHOD = ("Andel Ja = summan av Ja / summan av (Ja + Nej) över enheterna på nivån (poolad andel), inte "
          "medelvärdet av enheternas andelar. X (ej tillämplig), obesvarade och bortfall räknas inte.")


def cell_text(tally: Tally | None) -> str:
    """A summary cell: '89 % (17/19)', '–' without Ja/Nej, '' when the level has no such cases."""
    if tally is None:
        return ""
    if not tally.assessed:
        return "–"
    return f"{format_percent(tally.share)} ({tally.yes}/{tally.assessed})"


@dataclass(frozen=True)
class SummaryInput:
    """One enhet's result as read from a file."""

    source: str  # the file name, for messages
    data: UnitData
    checksum_matches: bool | None = None  # None for a granskningsfil (no checksum)

    @property
    def key(self) -> tuple[str, int]:
        return (self.data.identity.unit.casefold(), self.data.identity.year)


class DuplicateUnit(UserError):
    def __init__(self, first: SummaryInput, second: SummaryInput) -> None:
        identity = first.data.identity
        super().__init__(
            f"{identity.unit} {identity.year} finns i två filer: {first.source} och {second.source}. "
            "Ange vilken som ska gälla (--ersatt FIL) eller ta bort den ena."
        )
        self.first = first
        self.second = second


@dataclass(frozen=True)
class ExcludedFile:
    """A file that could not be read and is therefore not in the summary, and why (Swedish)."""

    source: str  # the file name
    reason: str


@dataclass(frozen=True)
class LevelResult:
    """One row of the summary's levels: förvaltning, an område or an enhet."""

    kind: LevelKind
    name: str
    area: str
    tallies: Mapping[str, Tally]  # by question id
    cases: int  # counted cases (sample without dropouts)
    dropouts: int
    completeness: Completeness = Completeness()  # klara, pågående, ej påbörjade, bortfall

    @property
    def preliminary(self) -> bool:
        return self.completeness.preliminary

    def tally(self, question_id: str) -> Tally | None:
        return self.tallies.get(question_id)


@dataclass(frozen=True)
class SharedArea:
    question: QuestionRef
    units: tuple[str, ...]  # enheter below the green level on this question


@dataclass(frozen=True)
class UnitActivity:
    unit: str
    area: str
    activity: Activity


@dataclass(frozen=True)
class Summary:
    administration: str
    year: int
    inputs: tuple[SummaryInput, ...]
    questions: tuple[QuestionRef, ...]
    levels: tuple[LevelResult, ...]  # förvaltning first, then each område followed by its enheter
    thresholds: Thresholds
    unmatched: tuple[tuple[str, str, str], ...]  # (file, question id, text) missing in some enheter
    renamed: tuple[tuple[str, str, str], ...]  # (question id, text used, other wording seen)
    edited: tuple[str, ...]  # files whose Data sheet no longer matches its checksum
    shared_areas: tuple[SharedArea, ...]
    activities: tuple[UnitActivity, ...]
    gender: Mapping[str, Mapping[Gender, Tally]] = field(default_factory=dict)  # förvaltning level
    excluded: tuple[ExcludedFile, ...] = ()  # files that could not be read: the result is without them

    @property
    def administration_level(self) -> LevelResult:
        return self.levels[0]

    @property
    def completeness(self) -> Completeness:
        return self.administration_level.completeness

    def preliminary_units(self) -> list[LevelResult]:
        return [level for level in self.units() if level.preliminary]

    def banner(self) -> str:
        """The line on every page and sheet: how complete the förvaltning's result is, and
        how many enheter are not finished."""
        return f"PRELIMINÄR – {self.state_text()}" if self.completeness.preliminary else self.state_text()

    def state_text(self) -> str:
        text = self.completeness.state_text()
        unfinished = self.preliminary_units()
        if unfinished:
            text += f"; {len(unfinished)} av {len(self.units())} enheter är inte färdiggranskade"
        return text

    def units(self) -> list[LevelResult]:
        return [level for level in self.levels if level.kind is LevelKind.UNIT]

    def areas(self) -> list[LevelResult]:
        return [level for level in self.levels if level.kind is LevelKind.AREA]


@dataclass(frozen=True)
class SummaryWarning:
    """Something the reader of a summary must know about its inputs, worded once for every
    output (terminal, window, PDF): `severity` is "Varning" or "Obs"."""

    severity: str
    text: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.text}"


def summary_warnings(summary: Summary) -> list[SummaryWarning]:
    """Hand-edited Data sheets, questions some enheter's files lack, and question ids whose
    wording differs between files (matched on the id), in that order."""
    warnings = [
        SummaryWarning("Varning",
                       f"{source}: Data-bladet stämmer inte med sin kontrollsumma – det har ändrats för hand.")
        for source in summary.edited
    ]
    warnings += [
        SummaryWarning("Varning", f"{source}: frågan {question_id} ”{text}” saknas i filen.")
        for source, question_id, text in summary.unmatched
    ]
    warnings += [
        SummaryWarning("Obs", f"frågan {question_id} har olika formulering: ”{used}” / ”{other}” (matchad på id).")
        for question_id, used, other in summary.renamed
    ]
    return warnings


def deduplicated(inputs: Iterable[SummaryInput], replacements: Iterable[str] = ()) -> list[SummaryInput]:
    """One input per enhet and year, in a fixed order. The very same file content twice is kept
    once; two different ones are refused unless one of them is named in `replacements`."""
    chosen: dict[tuple[str, int], SummaryInput] = {}
    replacing = set(replacements)
    for item in sorted(inputs, key=_order):
        other = chosen.get(item.key)
        if other is None or _same_content(other, item):
            chosen.setdefault(item.key, item)
            continue
        if item.source in replacing and other.source not in replacing:
            chosen[item.key] = item
        elif other.source in replacing and item.source not in replacing:
            continue
        else:
            raise DuplicateUnit(other, item)
    return sorted(chosen.values(), key=_order)


def _order(item: SummaryInput) -> tuple[str, str, int, str, str]:
    identity = item.data.identity
    return (identity.area.casefold(), identity.unit.casefold(), identity.year, identity.file_uuid, item.source)


def _same_content(a: SummaryInput, b: SummaryInput) -> bool:
    return a.data.identity.file_uuid == b.data.identity.file_uuid and a.data.cases == b.data.cases


def summarise(inputs: Sequence[SummaryInput], replacements: Iterable[str] = ()) -> Summary:
    units = deduplicated(inputs, replacements)
    if not units:
        raise UserError("Inga enheter att sammanställa.")
    years = sorted({u.data.identity.year for u in units})
    if len(years) > 1:
        per_year = "; ".join(
            f"{year}: " + ", ".join(u.source for u in units if u.data.identity.year == year) for year in years
        )
        raise UserError(
            f"Filerna gäller olika år ({per_year}). Sammanställ ett år i taget och ange tidigare år med --jamfor."
        )
    questions, unmatched, renamed = _matched_questions(units)
    per_unit = {id(u): _unit_tallies(u.data) for u in units}
    levels: list[LevelResult] = []
    areas: dict[str, list[SummaryInput]] = {}
    for unit in units:
        areas.setdefault(unit.data.identity.area, []).append(unit)
    unit_levels = {
        id(u): LevelResult(LevelKind.UNIT, u.data.identity.unit, u.data.identity.area, per_unit[id(u)],
                      u.data.counted, len(u.data.dropouts), unit_completeness(u.data))
        for u in units
    }
    area_levels = [
        _pooled(LevelKind.AREA, area, area, [unit_levels[id(u)] for u in members]) for area, members in areas.items()
    ]
    total = _pooled(LevelKind.ADMINISTRATION, units[0].data.identity.administration, "", area_levels)
    levels.append(total)
    for area_level, (_, members) in zip(area_levels, areas.items(), strict=True):
        levels.append(area_level)
        levels += [unit_levels[id(u)] for u in members]
    thresholds = units[0].data.thresholds
    return Summary(
        administration=total.name,
        year=years[0],
        inputs=tuple(units),
        questions=tuple(questions),
        levels=tuple(levels),
        thresholds=thresholds,
        unmatched=tuple(unmatched),
        renamed=tuple(renamed),
        edited=tuple(u.source for u in units if u.checksum_matches is False),
        shared_areas=tuple(_shared_areas(questions, [unit_levels[id(u)] for u in units], thresholds)),
        activities=tuple(
            UnitActivity(u.data.identity.unit, u.data.identity.area, a)
            for u in units for a in u.data.analysis.activities
        ),
        gender=_gender_breakdown(units, questions),
    )


def _unit_tallies(data: UnitData) -> dict[str, Tally]:
    return {t.question.question_id: t.tally for t in question_tallies(data)}


def _pooled(kind: LevelKind, name: str, area: str, parts: Sequence[LevelResult]) -> LevelResult:
    tallies: dict[str, Tally] = {}
    for part in parts:
        for question_id, tally in part.tallies.items():
            tallies[question_id] = tallies.get(question_id, Tally()) + tally
    completeness = Completeness()
    for part in parts:
        completeness = completeness + part.completeness
    return LevelResult(kind, name, area, tallies, sum(p.cases for p in parts), sum(p.dropouts for p in parts),
                       completeness)


def unit_completeness(data: UnitData) -> Completeness:
    return Completeness.of((case.status for case in data.cases), data.conflicts)


def _matched_questions(
    units: Sequence[SummaryInput],
) -> tuple[list[QuestionRef], list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """The union of the questions by id, in the order first seen; questions some enheter lack,
    and ids whose wording differs between files."""
    by_id: dict[str, QuestionRef] = {}
    wordings: dict[str, set[str]] = {}
    for unit in units:
        for question in unit.data.questions:
            by_id.setdefault(question.question_id, question)
            wordings.setdefault(question.question_id, set()).add(question.text)
    unmatched = []
    for unit in units:
        present = {q.question_id for q in unit.data.questions}
        reviewed = {q.checklist_id for q in unit.data.questions}
        for question_id, question in by_id.items():
            if question.checklist_id in reviewed and question_id not in present:
                unmatched.append((unit.source, question_id, question.text))
    renamed = [
        (qid, by_id[qid].text, other)
        for qid, texts in wordings.items()
        for other in sorted(texts - {by_id[qid].text})
    ]
    return list(by_id.values()), unmatched, renamed


def _shared_areas(questions: Sequence[QuestionRef], units: Sequence[LevelResult],
                  thresholds: Thresholds) -> list[SharedArea]:
    shared = []
    for question in questions:
        below = tuple(
            unit.name for unit in units
            if (tally := unit.tally(question.question_id)) is not None
            and thresholds.level(tally.share) in (Level.POOR, Level.FAIR)
        )
        if len(below) >= 2:
            shared.append(SharedArea(question, below))
    return sorted(shared, key=lambda s: -len(s.units))


def _gender_breakdown(units: Sequence[SummaryInput],
                      questions: Sequence[QuestionRef]) -> dict[str, dict[Gender, Tally]]:
    result: dict[str, dict[Gender, Tally]] = {}
    for gender in BREAKDOWN_GENDERS:
        for unit in units:
            for t in question_tallies(unit.data, CaseFilter(gender=gender)):
                by_gender = result.setdefault(t.question.question_id, {})
                by_gender[gender] = by_gender.get(gender, Tally()) + t.tally
    return result


def changes(current: Summary, earlier: Summary) -> dict[tuple[str, str, str], YearChange]:
    """Per (level kind, level name, question id) the change from an earlier year's summary."""
    before = {(level.kind, level.name): level for level in earlier.levels}
    result: dict[tuple[str, str, str], YearChange] = {}
    for level in current.levels:
        old = before.get((level.kind, level.name))
        if old is None:
            continue
        for question_id, tally in level.tallies.items():
            previous = old.tally(question_id)
            if previous is not None:
                result[(level.kind, level.name, question_id)] = compare(tally, previous)
    return result
