"""Merging enheter into område and förvaltning results.

Totals are pooled: Tally objects are added, so the share of a level is (sum of Ja) / (sum of
Ja + Nej) over its enheter — not the mean of their shares. Questions are matched by their stable
ids. The result does not depend on the order the files were given in, and giving the very same
enhet file twice changes nothing; two different files for the same enhet and year are refused
unless the user says which one replaces the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from aktgranskning.domain.analysis import Activity
from aktgranskning.domain.breakdown import BREAKDOWN_GENDERS as BREAKDOWN_GENDERS  # re-exported: moved there
from aktgranskning.domain.breakdown import SUPPRESS_BELOW as SUPPRESS_BELOW
from aktgranskning.domain.breakdown import suppressed as suppressed
from aktgranskning.domain.comparison import YearChange, compare
from aktgranskning.domain.completeness import Completeness
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.results import Tally, format_percent
from aktgranskning.domain.round import Round, UnitState, state_of
from aktgranskning.domain.thresholds import Level, Thresholds
from aktgranskning.domain.unit_data import (
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
    state: UnitState | None = None  # an enhet's: saknas, ej påbörjad, pågående, klar
    expected: int | None = None  # an enhet of a round: the akter it is to review
    units_missing: int = 0  # enheter of the round at or below this level without a file
    source: str | None = None  # an enhet's: the file its result was read from

    @property
    def preliminary(self) -> bool:
        """Akter unfinished, conflicts undecided, or an enhet of the round missing below it."""
        return self.completeness.preliminary or self.units_missing > 0

    @property
    def missing(self) -> bool:
        return self.state is UnitState.MISSING

    def state_text(self) -> str:
        """An enhet's state as every output shows it: 'Saknas', 'Pågående 12/20', 'Klar 20/20';
        '' for område and förvaltning."""
        if self.state is None:
            return ""
        if self.state is UnitState.MISSING:
            return self.state.label
        planned = self.completeness.to_review or self.expected or 0
        return f"{self.state.label} {self.completeness.done}/{planned}"

    def tally(self, question_id: str) -> Tally | None:
        return self.tallies.get(question_id)

    @property
    def year_key(self) -> tuple[LevelKind, str]:
        """What matches this level with the same level another year: its kind and its name in any case."""
        return (self.kind, self.name.casefold())


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
    excluded: tuple[ExcludedFile, ...] = ()  # files that could not be read: the result is without them
    round: Round | None = None  # the round the summary was made from, if any
    other_limits: tuple[tuple[str, Thresholds], ...] = ()  # (file, its limits) where they differ from `thresholds`
    not_in_round: tuple[tuple[str, str], ...] = ()  # (file, enhet) of the round's year but not in the round

    @property
    def administration_level(self) -> LevelResult:
        return self.levels[0]

    @property
    def completeness(self) -> Completeness:
        return self.administration_level.completeness

    @property
    def preliminary(self) -> bool:
        """Unfinished akter, undecided conflicts, or an enhet of the round without a file."""
        return self.administration_level.preliminary

    def preliminary_units(self) -> list[LevelResult]:
        """The enheter with a file whose result is not final (missing ones are counted apart)."""
        return [level for level in self.units() if level.preliminary and not level.missing]

    def missing_units(self) -> list[LevelResult]:
        return [level for level in self.units() if level.missing]

    def banner(self, short: bool = False) -> str:
        """The line on every page and sheet: how complete the förvaltning's result is, how many
        enheter are not finished and how many of the round's have no file. `short` leaves out
        the counts per status, for a line that must fit one printed line."""
        text = self.state_text(short)
        return f"PRELIMINÄR – {text}" if self.preliminary else text

    def state_text(self, short: bool = False) -> str:
        c = self.completeness
        if c.total == 0 and self.missing_units():
            text = "Inga akter har lästs in"
        elif not short:
            text = c.state_text()
        elif c.unfinished:
            text = f"{c.unfinished} av {c.to_review} akter är inte färdiggranskade{c.conflicts_text()}"
        else:
            text = f"Alla {c.to_review} akter är färdiggranskade{c.conflicts_text()}"
        unfinished = self.preliminary_units()
        if unfinished:
            text += f"; {len(unfinished)} av {len(self.units())} enheter är inte färdiggranskade"
        missing = self.missing_units()
        if missing:
            text += f"; {len(missing)} {'enhet' if len(missing) == 1 else 'enheter'} saknas"
        return text

    def limits_text(self) -> str:
        """The colour limits, and whose they are, as every output states them."""
        whose = "omgångens gränser" if self.round is not None else "gränserna"
        return f"Färger ({whose}): {self.thresholds.describe_for(self.questions)}"

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
    warnings += [
        SummaryWarning("Varning", f"enheten {level.name}{f' ({level.area})' if level.area else ''} ingår i "
                                  "omgången men ingen fil hittades; den visas som Saknas.")
        for level in summary.missing_units()
    ]
    warnings += [
        SummaryWarning("Obs", f"{source}: enheten ”{unit}” ingår inte i omgången och finns inte med i "
                              "sammanställningen.")
        for source, unit in summary.not_in_round
    ]
    used = "omgångens" if summary.round is not None else "sammanställningens"
    warnings += [
        SummaryWarning("Obs", f"{source}: filen har färggränserna {limits.describe()}; "
                              f"färgerna här följer {used}: {summary.thresholds.describe()}.")
        for source, limits in summary.other_limits
    ]
    warnings += [SummaryWarning("Obs", text) for text in own_limit_disagreements(summary)]
    return warnings


def own_limit_disagreements(summary: Summary) -> list[str]:
    """Questions whose own green limit differs between the files; the strictest one is used."""
    seen_by_question: dict[str, set[tuple[str, int | None]]] = {}
    for unit in summary.inputs:  # one pass: 300 files × 54 questions, not that again per question
        for ref in unit.data.questions:
            seen_by_question.setdefault(ref.question_id, set()).add((unit.source, ref.green_limit))
    texts = []
    for question in summary.questions:
        seen = seen_by_question.get(question.question_id, set())
        if len({limit for _, limit in seen}) > 1:
            listed = ", ".join(f"{source}: {f'{limit} %' if limit is not None else 'ingen'}"
                               for source, limit in sorted(seen, key=lambda item: item[0]))
            texts.append(f"frågan {question.question_id} har olika egna gränser i filerna ({listed}); "
                         f"den strängaste används: grön först vid {question.green_limit} %.")
    return texts


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
        id(u): _unit_level(u, u.data.identity.unit, u.data.identity.area, per_unit[id(u)]) for u in units
    }
    area_levels = [
        _pooled(LevelKind.AREA, area, area, [unit_levels[id(u)] for u in members]) for area, members in areas.items()
    ]
    total = _pooled(LevelKind.ADMINISTRATION, units[0].data.identity.administration, "", area_levels)
    levels.append(total)
    for area_level, (_, members) in zip(area_levels, areas.items(), strict=True):
        levels.append(area_level)
        levels += [unit_levels[id(u)] for u in members]
    return _assembled(total.name, years[0], [(u, unit_levels[id(u)]) for u in units], questions, unmatched,
                      renamed, levels, units[0].data.thresholds)


def _assembled(administration: str, year: int, read: Sequence[tuple[SummaryInput, LevelResult]],
               questions: Sequence[QuestionRef], unmatched: Sequence[tuple[str, str, str]],
               renamed: Sequence[tuple[str, str, str]], levels: Sequence[LevelResult], thresholds: Thresholds,
               excluded: Sequence[ExcludedFile] = (), round_: Round | None = None,
               not_in_round: Sequence[tuple[str, str]] = ()) -> Summary:
    """The Summary of the levels made from the inputs read, each with its enhet's level."""
    inputs = [item for item, _ in read]
    return Summary(
        administration=administration,
        year=year,
        inputs=tuple(inputs),
        questions=tuple(questions),
        levels=tuple(levels),
        thresholds=thresholds,
        unmatched=tuple(unmatched),
        renamed=tuple(renamed),
        edited=tuple(u.source for u in inputs if u.checksum_matches is False),
        shared_areas=tuple(_shared_areas(questions, [level for _, level in read], thresholds)),
        activities=tuple(UnitActivity(level.name, level.area, a) for item, level in read
                         for a in item.data.analysis.activities),
        other_limits=_other_limits(inputs, thresholds),
        excluded=tuple(excluded),
        round=round_,
        not_in_round=tuple(not_in_round),
    )


def _unit_level(item: SummaryInput, name: str, area: str, tallies: Mapping[str, Tally],
                expected: int | None = None) -> LevelResult:
    completeness = unit_completeness(item.data)
    return LevelResult(LevelKind.UNIT, name, area, tallies, item.data.counted, len(item.data.dropouts),
                       completeness, state_of(completeness), expected, source=item.source)


def _other_limits(units: Sequence[SummaryInput], thresholds: Thresholds) -> tuple[tuple[str, Thresholds], ...]:
    return tuple((u.source, u.data.thresholds) for u in units if u.data.thresholds != thresholds)


def summarise_round(round_: Round, found: Mapping[str, SummaryInput], excluded: Sequence[ExcludedFile] = (),
                    not_in_round: Sequence[tuple[str, str]] = ()) -> Summary:
    """The summary of a round: every enhet of the round is a level, in the round's order of
    områden and enheter, named as the round names it. `found` holds the input chosen for an
    enhet by `RoundUnit.key`; an enhet without one is a level with state saknas, no numbers and
    its expected akter. The round's colour limits are used; files with other limits are listed."""
    chosen = [found[unit.key] for unit in round_.units if unit.key in found]
    questions, unmatched, renamed = _matched_questions(chosen)
    unit_levels: dict[str, LevelResult] = {}
    for unit in round_.units:
        item = found.get(unit.key)
        if item is None:
            unit_levels[unit.key] = LevelResult(LevelKind.UNIT, unit.unit, unit.area, {}, 0, 0, Completeness(),
                                                UnitState.MISSING, unit.expected_cases, units_missing=1)
        else:
            unit_levels[unit.key] = _unit_level(item, unit.unit, unit.area, _unit_tallies(item.data),
                                                unit.expected_cases)
    levels: list[LevelResult] = []
    area_levels = []
    for area in round_.areas():
        members = [unit_levels[unit.key] for unit in round_.units_in(area)]
        area_levels.append((_pooled(LevelKind.AREA, area, area, members), members))
    total = _pooled(LevelKind.ADMINISTRATION, round_.administration, "", [level for level, _ in area_levels])
    levels.append(total)
    for area_level, members in area_levels:
        levels.append(area_level)
        levels += members
    read = [(found[unit.key], unit_levels[unit.key]) for unit in round_.units if unit.key in found]
    return _assembled(round_.administration, round_.year, read, questions, unmatched, renamed, levels,
                      round_.thresholds, excluded, round_, not_in_round)


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
                       completeness, units_missing=sum(p.units_missing for p in parts))


def unit_completeness(data: UnitData) -> Completeness:
    return Completeness.of((case.status for case in data.cases), data.conflicts)


def _matched_questions(
    units: Sequence[SummaryInput],
) -> tuple[list[QuestionRef], list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """The union of the questions by id, in the order first seen; questions some enheter lack,
    and ids whose wording differs between files. A question id under two checklists is refused:
    adding those results up would mix two different questions."""
    by_id: dict[str, QuestionRef] = {}
    first_source: dict[str, str] = {}
    wordings: dict[str, set[str]] = {}
    for unit in units:
        for question in unit.data.questions:
            known = by_id.setdefault(question.question_id, question)
            first_source.setdefault(question.question_id, unit.source)
            if known.checklist_id != question.checklist_id:
                raise UserError(
                    f"Frågans id ”{question.question_id}” hör till checklistan {known.checklist_id} i "
                    f"{first_source[question.question_id]} men till checklistan {question.checklist_id} i "
                    f"{unit.source}. Olika frågor med samma id kan inte sammanställas utan att svar blandas "
                    "ihop; sammanställ dem var för sig."
                )
            wordings.setdefault(question.question_id, set()).add(question.text)
    unmatched = []
    for unit in units:
        present = {q.question_id for q in unit.data.questions}
        reviewed = {q.checklist_id for q in unit.data.questions}
        for question_id, question in by_id.items():
            if question.checklist_id in reviewed and question_id not in present:
                unmatched.append((unit.source, question_id, question.text))
    for unit in units:  # the strictest own green limit any file sets for a question
        for question in unit.data.questions:
            known = by_id[question.question_id]
            if question.green_limit is not None and (known.green_limit or -1) < question.green_limit:
                by_id[question.question_id] = replace(known, green_limit=question.green_limit)
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
            and thresholds.for_question(question).level(tally.share) in (Level.POOR, Level.FAIR)
        )
        if len(below) >= 2:
            shared.append(SharedArea(question, below))
    return sorted(shared, key=lambda s: -len(s.units))


def changes(current: Summary, earlier: Summary) -> dict[tuple[str, str, str], YearChange]:
    """Per (level kind, level name, question id) the change from an earlier year's summary."""
    before = {level.year_key: level for level in reversed(earlier.levels)}  # the first of a name wins
    result: dict[tuple[str, str, str], YearChange] = {}
    for level in current.levels:
        old = before.get(level.year_key)
        if old is None:
            continue
        for question_id, tally in level.tallies.items():
            previous = old.tally(question_id)
            if previous is not None:
                result[(level.kind, level.name, question_id)] = compare(tally, previous)
    return result
