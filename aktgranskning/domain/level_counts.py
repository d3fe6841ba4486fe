"""This year's summary against an earlier year's, level by level: how many akter, bortfall and
enheter each level had both years (as a yearly report states them beside last year's), and the
per-question change with its test (`domain.summary.changes`).

Levels are matched by kind and name in any case ("Mottagningen" and "mottagningen" are the same
enhet). A level found only one of the years is kept and marked as such, so an enhet that stopped
taking part, or joined, is never silently dropped from the comparison.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from aktgranskning.domain.comparison import YearChange
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.results import Tally
from aktgranskning.domain.summary import LevelKind, LevelResult, Summary, changes

COMPARISON_METHOD = (
    "Förändringen anges i procentenheter (p.e.). Varje förändring prövas med Fishers exakta test på Ja och Nej "
    "de två åren: ”kan vara slumpen” betyder att skillnaden ryms inom vad slumpen förklarar med så här små urval "
    "(p ≥ 0,05), ”säkerställd” att den inte gör det (p < 0,05)."
)


class Presence(str, Enum):
    """Which of the two years a level is found in. The value is what the JSON says."""

    BOTH = "bada_aren"
    NEW = "ny_i_ar"
    GONE = "fanns_forra_aret"

    @property
    def label(self) -> str:
        return PRESENCE_LABELS[self]


PRESENCE_LABELS = {Presence.BOTH: "", Presence.NEW: "ny i år", Presence.GONE: "fanns förra året"}


@dataclass(frozen=True)
class LevelCounts:
    """A level's numbers one year."""

    name: str  # as that year's files spell it
    sample: int  # akter in the sample, bortfall included
    counted: int  # akter in the result: the sample without bortfall
    dropouts: int
    units: int | None  # enheter on the level; None for an enhet


@dataclass(frozen=True)
class LevelComparison:
    kind: LevelKind
    name: str  # this year's spelling; last year's for a level found only then
    area: str  # the område an enhet belongs to ("" for förvaltning)
    current: LevelCounts | None  # None: the level was found only last year
    previous: LevelCounts | None  # None: the level is new this year
    tallies: Mapping[str, Tally]  # this year's, by question id
    previous_tallies: Mapping[str, Tally]  # last year's
    changes: Mapping[str, YearChange]  # by question id, for the questions both years have

    @property
    def presence(self) -> Presence:
        if self.current is None:
            return Presence.GONE
        return Presence.BOTH if self.previous is not None else Presence.NEW

    def remark(self, earlier_year: int) -> str:
        """'ny i år', 'fanns förra året', or how last year's files spelt the name when they did otherwise."""
        if self.presence is not Presence.BOTH:
            return self.presence.label
        assert self.previous is not None
        return f"hette ”{self.previous.name}” {earlier_year}" if self.previous.name != self.name else ""


@dataclass(frozen=True)
class YearComparison:
    year: int
    earlier_year: int
    levels: tuple[LevelComparison, ...]  # this year's order; levels found only last year by their område
    preliminary: bool = False  # this year's result has unfinished akter
    earlier_preliminary: bool = False  # and last year's had
    reworded: tuple[tuple[str, str, str], ...] = ()  # (question id, this year's text, the earlier year's)

    def change(self, kind: LevelKind, name: str, question_id: str) -> YearChange | None:
        """The change of a level of this year's summary on a question, if both years have it."""
        return self._changes.get((kind, name.casefold(), question_id))

    @cached_property
    def _changes(self) -> dict[tuple[LevelKind, str, str], YearChange]:
        return {(level.kind, level.name.casefold(), qid): change
                for level in self.levels for qid, change in level.changes.items()}


def compare_years(current: Summary, earlier: Summary) -> YearComparison:
    """Every level of either year with its counts both years and its per-question changes.
    The earlier summary must be of an earlier year."""
    if earlier.year >= current.year:
        raise UserError(
            f"Jämförelsen ska gälla ett tidigare år än {current.year}, men filerna att jämföra med gäller "
            f"{earlier.year}. Välj filerna från ett tidigare år."
        )
    per_question = changes(current, earlier)
    per_level: dict[tuple[str, str], dict[str, YearChange]] = {}
    for level in current.levels:  # in the order of the summary's questions, as every output lists them
        per_level[(level.kind, level.name)] = {
            question.question_id: change for question in current.questions
            if (change := per_question.get((level.kind, level.name, question.question_id))) is not None
        }
    previous = _first_by_key(earlier.levels)
    seen: set[tuple[LevelKind, str]] = set()
    levels: list[LevelComparison] = []
    for level in current.levels:
        if level.missing:  # an enhet of the round without a file has no result this year; last year's is "gone"
            continue
        old = previous.get(level.year_key)
        seen.add(level.year_key)
        levels.append(LevelComparison(
            level.kind, level.name, level.area, counts_of(level, current),
            counts_of(old, earlier) if old is not None else None, level.tallies,
            old.tallies if old is not None else {}, per_level.get((level.kind, level.name), {})))
    for level in earlier.levels:
        if level.year_key not in seen:
            seen.add(level.year_key)
            gone = LevelComparison(level.kind, level.name, level.area, None, counts_of(level, earlier), {},
                                   level.tallies, {})
            levels.insert(_place_of_gone(levels, gone), gone)
    return YearComparison(current.year, earlier.year, tuple(levels), current.preliminary, earlier.preliminary,
                          reworded_questions(current, earlier))


def reworded_questions(current: Summary, earlier: Summary) -> tuple[tuple[str, str, str], ...]:
    """The questions both years have (matched by id) whose wording differs, in this year's order:
    their results are compared, and the reader must know the question may have changed."""
    before = {question.question_id: question.text for question in earlier.questions}
    return tuple(
        (question.question_id, question.text, before[question.question_id])
        for question in current.questions
        if question.question_id in before and _wording(before[question.question_id]) != _wording(question.text)
    )


def _wording(text: str) -> str:
    return " ".join(text.split())


def reworded_note(comparison: YearComparison) -> str:
    """'Frågor med annan formulering än 2025 (jämförda på sitt id): ut.tid ”…” (2025: ”…”). …', or ''."""
    if not comparison.reworded:
        return ""
    listed = "; ".join(f"{question_id} ”{now}” ({comparison.earlier_year}: ”{before}”)"
                       for question_id, now, before in comparison.reworded)
    return (f"Frågor med annan formulering än {comparison.earlier_year} (jämförda på sitt id): {listed}. "
            "Kontrollera att de frågar efter samma sak innan förändringen tolkas.")


def preliminary_note(comparison: YearComparison) -> str:
    """What a reader must know when either year's result is preliminary, or ''."""
    years = [year for year, preliminary in ((comparison.year, comparison.preliminary),
                                            (comparison.earlier_year, comparison.earlier_preliminary)) if preliminary]
    if not years:
        return ""
    which = " och ".join(str(year) for year in years)
    return (f"Resultatet för {which} är preliminärt (alla akter är inte färdiggranskade), så förändringarna "
            "kan bli andra när granskningen är klar.")


def comparison_text(comparison: YearComparison) -> str:
    """'Jämförs med 2025: 2 enheter finns båda åren, 1 är ny i år och 2 fanns bara förra året.'"""
    units = [level.presence for level in comparison.levels if level.kind is LevelKind.UNIT]
    both, new, gone = (units.count(presence) for presence in (Presence.BOTH, Presence.NEW, Presence.GONE))
    text = (f"Jämförs med {comparison.earlier_year}: {_units(both)} finns båda åren, {new} "
            f"{'är ny' if new == 1 else 'är nya'} i år och {gone} fanns bara förra året.")
    if comparison.reworded:
        count = len(comparison.reworded)
        text += f" {count} {'fråga har' if count == 1 else 'frågor har'} ändrad formulering."
    return text


def _units(count: int) -> str:
    return "1 enhet" if count == 1 else f"{count} enheter"


def counts_of(level: LevelResult, summary: Summary) -> LevelCounts:
    return LevelCounts(level.name, level.completeness.total, level.cases, level.dropouts, _units_on(level, summary))


def _units_on(level: LevelResult, summary: Summary) -> int | None:
    if level.kind is LevelKind.UNIT:
        return None
    found = [unit for unit in summary.units() if not unit.missing]  # an enhet of the round without a file took no part
    if level.kind is LevelKind.ADMINISTRATION:
        return len(found)
    return sum(1 for unit in found if unit.area == level.name)


def _first_by_key(levels: Sequence[LevelResult]) -> dict[tuple[LevelKind, str], LevelResult]:
    result: dict[tuple[LevelKind, str], LevelResult] = {}
    for level in levels:
        result.setdefault(level.year_key, level)
    return result


def _place_of_gone(levels: Sequence[LevelComparison], gone: LevelComparison) -> int:
    """Where a level found only last year goes: an enhet after the last level of its område when
    that område is there, anything else at the end (an område before its enheter, as last year)."""
    if gone.kind is not LevelKind.UNIT:
        return len(levels)
    area = gone.area.casefold()
    places = [index for index, level in enumerate(levels)
              if (level.kind is LevelKind.AREA and level.name.casefold() == area)
              or (level.kind is LevelKind.UNIT and level.area.casefold() == area)]
    return places[-1] + 1 if places else len(levels)
