"""The förvaltning's round (omgång): which enheter take part and how many akter each is to
review, the checklists and colour limits of the year, the rutin's timetable, the analyses above
the enhet (område and förvaltning) and the förvaltningsgemensamma åtgärder.

The round is the utvecklare's own file. A summary made from it knows which enheter were expected,
so an enhet without a file, or with an unfinished review, is shown as such and never left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum

from aktgranskning.domain.analysis import ActivityStatus
from aktgranskning.domain.completeness import Completeness
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.thresholds import Thresholds


class UnitState(str, Enum):
    """Where an enhet of the round stands. The value is what `omgang status --json` and the
    summary JSON say."""

    MISSING = "saknas"  # no file found for the enhet
    NOT_STARTED = "ej_paborjad"
    IN_PROGRESS = "pagaende"
    DONE = "klar"  # every akt klar or bortfall, no open conflict

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    UnitState.MISSING: "Saknas",
    UnitState.NOT_STARTED: "Ej påbörjad",
    UnitState.IN_PROGRESS: "Pågående",
    UnitState.DONE: "Klar",
}


def state_of(completeness: Completeness | None) -> UnitState:
    """The state of an enhet from its akter; None when the round found no file for it."""
    if completeness is None:
        return UnitState.MISSING
    if completeness.to_review == 0 and completeness.dropouts == 0:
        return UnitState.NOT_STARTED
    if not completeness.preliminary:
        return UnitState.DONE
    if completeness.done == 0 and completeness.in_progress == 0:
        return UnitState.NOT_STARTED
    return UnitState.IN_PROGRESS


@dataclass(frozen=True)
class RoundUnit:
    """One enhet of the round. `file` is the name of its granskningsfil or workbook in the
    round's folder when the utvecklare has named one; otherwise the round finds it by enhet and
    year."""

    area: str  # område
    unit: str  # enhet
    expected_cases: int = 20
    file: str = ""

    @property
    def key(self) -> str:
        return self.unit.casefold()


@dataclass(frozen=True)
class Milestone:
    """A date of the rutin's timetable, e.g. 'Enheternas analys klar' 2026-11-15."""

    step: str
    due: date | None = None


# The rutin's steps in order; a new round starts with these, without dates.
DEFAULT_TIMETABLE: tuple[str, ...] = (
    "Urval och granskningsfiler klara",
    "Granskningen klar",
    "Enheternas analys klar (APT)",
    "Områdets analys klar",
    "Förvaltningens sammanställning till förvaltningsledningen",
    "Förvaltningsgemensamma åtgärder beslutade",
)


class AnalysisLevel(str, Enum):
    AREA = "omrade"
    ADMINISTRATION = "forvaltning"


# The same questions as the enhet's analysis template.
LEVEL_ANALYSIS_FIELDS: dict[str, str] = {
    "strengths": "Vad fungerar bra?",
    "development_areas": "Vad behöver utvecklas?",
    "keep_good": "Hur behåller vi goda resultat?",
}


@dataclass(frozen=True)
class LevelAnalysis:
    """The analysis of one område, or of the förvaltning (name = the förvaltning's)."""

    level: AnalysisLevel
    name: str
    strengths: str = ""
    development_areas: str = ""
    keep_good: str = ""

    def text(self, name: str) -> str:
        if name not in LEVEL_ANALYSIS_FIELDS:
            raise KeyError(name)
        return str(getattr(self, name))

    @property
    def is_empty(self) -> bool:
        return not any(self.text(name).strip() for name in LEVEL_ANALYSIS_FIELDS)


@dataclass(frozen=True)
class SharedAction:
    """A förvaltningsgemensam förbättringsåtgärd: prioritised (1 first), with an owner (a role,
    never a name), a due date, the questions it targets by stable id, status and follow-up."""

    action: str
    priority: int = 1
    owner: str = ""
    due: date | None = None
    question_ids: tuple[str, ...] = ()
    status: ActivityStatus = ActivityStatus.PLANNED
    follow_up: str = ""
    from_year: int | None = None  # set when carried over from an earlier round

    @property
    def is_empty(self) -> bool:
        return not any((self.action.strip(), self.owner.strip(), self.follow_up.strip())) and self.due is None


@dataclass(frozen=True)
class Round:
    administration: str  # förvaltning
    year: int
    units: tuple[RoundUnit, ...]
    checklist_ids: tuple[str, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)
    timetable: tuple[Milestone, ...] = tuple(Milestone(step) for step in DEFAULT_TIMETABLE)
    folder: str = ""  # where the enheter's files are; relative to the round file when not absolute
    analyses: tuple[LevelAnalysis, ...] = ()
    actions: tuple[SharedAction, ...] = ()

    def __post_init__(self) -> None:
        check_units(self.units)

    def areas(self) -> list[str]:
        """The round's områden in the order their first enhet appears."""
        return list(dict.fromkeys(unit.area for unit in self.units))

    def units_in(self, area: str) -> list[RoundUnit]:
        return [unit for unit in self.units if unit.area == area]

    def unit(self, name: str) -> RoundUnit | None:
        return next((unit for unit in self.units if unit.key == name.casefold()), None)

    def analysis(self, level: AnalysisLevel, name: str) -> LevelAnalysis:
        """The saved analysis of the level, or an empty one."""
        return next((a for a in self.analyses if a.level is level and a.name == name), LevelAnalysis(level, name))

    def with_analysis(self, analysis: LevelAnalysis) -> Round:
        others = tuple(a for a in self.analyses if (a.level, a.name) != (analysis.level, analysis.name))
        return replace(self, analyses=(*others, analysis) if not analysis.is_empty else others)

    def actions_by_priority(self) -> list[SharedAction]:
        return sorted(self.actions, key=lambda a: a.priority)


def check_units(units: Sequence[RoundUnit]) -> None:
    """A round names each enhet once (compared without case), each with a name and a positive
    number of expected akter."""
    seen: dict[str, RoundUnit] = {}
    for unit in units:
        if not unit.unit.strip():
            raise UserError(f"En enhet i området ”{unit.area}” saknar namn.")
        if unit.expected_cases < 1:
            raise UserError(f"{unit.unit}: antalet akter som ska granskas måste vara minst 1 "
                            f"(inte {unit.expected_cases}).")
        if unit.key in seen:
            raise UserError(f"Enheten ”{unit.unit}” finns två gånger i omgången "
                            f"(i ”{seen[unit.key].area}” och ”{unit.area}”).")
        seen[unit.key] = unit


def carry_over_actions(previous: Iterable[SharedAction], previous_year: int) -> tuple[SharedAction, ...]:
    """Last year's actions for this year's round, to be followed up: each keeps its text, owner,
    targeted questions and status, and remembers the year it came from (the first year, when it
    is carried again)."""
    return tuple(replace(action, from_year=action.from_year or previous_year) for action in previous)
