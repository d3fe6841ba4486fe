"""The follow-up's rules on small made-up results: which activities are followed up, a question
missing in one of the years, no comparison year, and the summary per enhet."""

from __future__ import annotations

from aktgranskning.domain.analysis import Activity, ActivityStatus, Analysis
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, Gender
from aktgranskning.domain.comparison import compare
from aktgranskning.domain.follow_up import (
    NO_COMPARISON,
    NOT_EARLIER,
    NOT_THIS_YEAR,
    summary_follow_up,
    unit_follow_up,
)
from aktgranskning.domain.level_counts import compare_years
from aktgranskning.domain.summary import SummaryInput, summarise
from aktgranskning.domain.unit_data import CaseData, ChecklistRef, QuestionRef, UnitData, UnitIdentity

Q1 = QuestionRef("fb", "s", "Skydd", "fb.skydd", "Har skyddsbedömning gjorts?")
Q2 = QuestionRef("fb", "s", "Skydd", "fb.tid", "Framgår tidpunkt?")
Q_OLD = QuestionRef("fb", "s", "Skydd", "fb.gammal", "En fråga som togs bort")


def unit(year: int, questions: tuple[QuestionRef, ...], yes: int, activities: tuple[Activity, ...] = ()) -> UnitData:
    cases = tuple(
        CaseData(
            n, "fb", Gender.FEMALE, "0-12", CaseStatus.DONE,
            answers={q.question_id: Answer.YES if n <= yes else Answer.NO for q in questions})
        for n in range(1, 11))
    return UnitData(UnitIdentity("Förv", "Område", "Mottagningen", year, f"uuid-{year}"),
                    (ChecklistRef("fb", "1", "h", "Förhandsbedömning"),), questions, cases,
                    Analysis(activities=activities))


CARRIED = Activity("Mall för skyddsbedömning", from_year=2025, status=ActivityStatus.ONGOING,
                   question_ids=("fb.skydd", "fb.tid", "fb.gammal"))
NEW = Activity("Ny aktivitet i år", question_ids=("fb.skydd",))


def test_only_carried_activities_are_followed_up_each_question_against_the_earlier_year():
    current = unit(2026, (Q1, Q2), yes=10, activities=(NEW, CARRIED))
    previous = unit(2025, (Q1, Q_OLD), yes=3)
    follow_up = unit_follow_up(current, previous)
    assert [item.activity for item in follow_up.activities] == [CARRIED]
    skydd, tid, gammal = follow_up.activities[0].questions
    assert skydd.label == "F1 Har skyddsbedömning gjorts?" and skydd.change == compare(skydd.current, skydd.previous)
    assert skydd.change.describe() == "+70 p.e. (säkerställd)"
    assert tid.previous is None and tid.previous_text(True) == NOT_EARLIER and tid.change_text == "–"
    assert gammal.current is None and gammal.current_text == NOT_THIS_YEAR
    assert gammal.label == "F2 En fråga som togs bort (2025)"  # named as last year's file numbered it


def test_without_an_earlier_year_the_status_and_this_years_result_are_still_shown():
    follow_up = unit_follow_up(unit(2026, (Q1,), yes=6, activities=(CARRIED,)), None)
    question = follow_up.activities[0].questions[0]
    assert not follow_up.comparing and question.current.describe() == "6 av 10 (60 %)"
    assert question.previous_text(False) == NO_COMPARISON and "fjolårets fil" in follow_up.note()


def test_the_summary_follows_up_each_enhet_from_the_changes_against_the_earlier_summary():
    now = summarise([SummaryInput("a.granskning", unit(2026, (Q1, Q2), yes=9, activities=(CARRIED,)))])
    before = summarise([SummaryInput("b.granskning", unit(2025, (Q1, Q2), yes=5))])
    [followed] = summary_follow_up(now, compare_years(now, before))
    assert (followed.area, followed.unit, followed.follow_up.previous_year) == ("Område", "Mottagningen", 2025)
    skydd = followed.follow_up.activities[0].questions[0]
    assert skydd.change.describe() == "+40 p.e. (kan vara slumpen)"
    [without] = summary_follow_up(now, None)
    assert without.follow_up.activities[0].questions[0].previous is None


def test_a_carried_shared_action_is_followed_up_on_the_forvaltnings_pooled_result():
    from dataclasses import replace

    from aktgranskning.domain.round import Round, RoundUnit, SharedAction

    this_year = summarise([SummaryInput("a.xlsx", unit(2026, (Q1, Q2), yes=10))])
    earlier = summarise([SummaryInput("b.xlsx", unit(2025, (Q1, Q2), yes=3))])
    action = SharedAction("Gemensam mall för skyddsbedömning", owner="Förvaltningschef",
                          question_ids=("fb.skydd", "fb.tid"), status=ActivityStatus.ONGOING, from_year=2025)
    new_this_year = SharedAction("Ny åtgärd", question_ids=("fb.skydd",))
    with_round = replace(this_year, round=Round("Förv", 2026, (RoundUnit("Område", "Mottagningen", 10),),
                                                actions=(new_this_year, action)))
    shared, = summary_follow_up(with_round, compare_years(with_round, earlier))
    assert shared.unit == "Förvaltningsgemensamma åtgärder – Förv" and shared.area == ""
    followed, = shared.follow_up.activities
    assert followed.activity.activity == action.action and followed.activity.responsible == "Förvaltningschef"
    assert [q.change.describe() for q in followed.questions] == ["+70 p.e. (säkerställd)"] * 2
    assert summary_follow_up(this_year, compare_years(this_year, earlier)) == []  # no round, no shared actions
