from datetime import date

import pytest

from aktgranskning.domain.analysis import ActivityStatus
from aktgranskning.domain.completeness import Completeness
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.round import (
    AnalysisLevel,
    LevelAnalysis,
    Round,
    RoundUnit,
    SharedAction,
    UnitState,
    carry_over_actions,
    state_of,
)


@pytest.mark.parametrize(("completeness", "state"), [
    (None, UnitState.MISSING),
    (Completeness(not_started=20), UnitState.NOT_STARTED),
    (Completeness(in_progress=1, not_started=19), UnitState.IN_PROGRESS),
    (Completeness(done=19, dropouts=1), UnitState.DONE),
    (Completeness(done=20, conflicts=1), UnitState.IN_PROGRESS),
    (Completeness(), UnitState.NOT_STARTED),
])
def test_an_enhet_state_follows_from_its_akter(completeness: Completeness | None, state: UnitState) -> None:
    assert state_of(completeness) is state


def test_a_round_names_each_enhet_once_whatever_the_case() -> None:
    with pytest.raises(UserError, match=r"(?i)mottagningen.*två gånger"):
        Round("Soc", 2026, (RoundUnit("Barn", "Mottagningen"), RoundUnit("Vuxen", "mottagningen")))
    with pytest.raises(UserError, match="minst 1"):
        Round("Soc", 2026, (RoundUnit("Barn", "Mottagningen", expected_cases=0),))


def test_areas_keep_their_order_and_an_empty_analysis_is_not_kept() -> None:
    units = (RoundUnit("Vuxen", "A"), RoundUnit("Barn", "B"), RoundUnit("Vuxen", "C"))
    omgang = Round("Soc", 2026, units)
    assert omgang.areas() == ["Vuxen", "Barn"]
    assert [u.unit for u in omgang.units_in("Vuxen")] == ["A", "C"]
    written = omgang.with_analysis(LevelAnalysis(AnalysisLevel.AREA, "Vuxen", strengths="Bra dokumentation"))
    assert written.analysis(AnalysisLevel.AREA, "Vuxen").strengths == "Bra dokumentation"
    assert written.with_analysis(LevelAnalysis(AnalysisLevel.AREA, "Vuxen")).analyses == ()


def test_actions_carried_into_next_year_remember_their_first_year() -> None:
    actions = (SharedAction("Rutin för skyndsamhet", 2, "Områdeschef", date(2027, 3, 1), ("ut.tid",),
                            ActivityStatus.ONGOING),
               SharedAction("Utbildning i BBIC", 1, from_year=2024, status=ActivityStatus.DONE))
    carried = carry_over_actions(actions, 2025)
    assert [(a.action, a.from_year, a.question_ids) for a in carried] == [
        ("Rutin för skyndsamhet", 2025, ("ut.tid",)), ("Utbildning i BBIC", 2024, ())]
    assert [a.priority for a in Round("Soc", 2026, (), actions=carried).actions_by_priority()] == [1, 2]
