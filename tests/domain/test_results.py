"""The one tally engine (`question_tallies` over UnitData) and the share rule."""

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case, CaseStatus, DropoutReason, Gender
from aktgranskning.domain.results import Tally, progress, sum_tallies
from aktgranskning.domain.unit_data import (
    CaseData,
    CaseFilter,
    ChecklistRef,
    QuestionRef,
    UnitData,
    UnitIdentity,
    counted_by_type,
    question_tallies,
    section_tallies,
)
from aktgranskning.domain.unit_report import build_report

Y, N, X = Answer.YES, Answer.NO, Answer.NOT_APPLICABLE


def _case(case_id: int, status: CaseStatus = CaseStatus.IN_PROGRESS, reserve: bool = False,
          replaces: int | None = None) -> Case:
    return Case(case_id, case_id, f"A{case_id}", "t", Gender.UNKNOWN, "okänd", "H1", status,
                is_reserve=reserve, replaces_case_id=replaces,
                dropout_reason=DropoutReason.FILE_MISSING if status is CaseStatus.DROPOUT else None)


def _data(*cases: CaseData) -> UnitData:
    questions = (
        QuestionRef("t", "a", "A", "q1", "Fråga 1"),
        QuestionRef("t", "a", "A", "q2", "Fråga 2"),
        QuestionRef("t", "b", "B", "q3", "Om nej?"),
        QuestionRef("u", "c", "C", "u1", "Utredningsfråga"),
    )
    return UnitData(UnitIdentity("Förv", "Område", "Enheten", 2026, "uuid"),
                    (ChecklistRef("t", "1", "h", "Test"), ChecklistRef("u", "1", "h", "Utredning")),
                    questions, cases)


def _counted(sequence: int, answers: dict, gender: Gender = Gender.FEMALE,
             status: CaseStatus = CaseStatus.DONE) -> CaseData:
    return CaseData(sequence, "t", gender, "6–12 år", status, answers=answers)


def _dropout(sequence: int) -> CaseData:
    return CaseData(sequence, "t", Gender.FEMALE, "6–12 år", CaseStatus.DROPOUT, DropoutReason.FILE_MISSING)


def test_share_is_yes_over_yes_plus_no_and_ignores_x():
    tally = Tally.of([Y] * 17 + [N] * 2 + [X] * 3 + [None])
    assert (tally.yes, tally.no, tally.not_applicable, tally.unanswered) == (17, 2, 3, 1)
    assert tally.assessed == 19
    assert tally.share == 17 / 19
    assert tally.describe() == "17 av 19 (89 %)"


def test_share_is_none_when_nothing_was_assessed():
    tally = Tally.of([X, X, None])
    assert tally.share is None
    assert tally.describe() == "– inga Ja/Nej"


def test_dropouts_are_left_out_and_every_answer_kind_is_counted():
    data = _data(_counted(1, {"q1": Y, "q2": Y, "q3": X}), _counted(2, {"q1": N, "q2": None, "q3": Y}),
                 _dropout(3))
    by_id = {t.question.question_id: t.tally for t in question_tallies(data)}
    assert by_id == {"q1": Tally(yes=1, no=1), "q2": Tally(yes=1, unanswered=1), "q3": Tally(yes=1, not_applicable=1)}
    assert [len(cases) for cases in counted_by_type(data).values()] == [2]


def test_a_checklist_without_counted_cases_is_left_out_unless_every_question_is_asked_for():
    data = _data(_counted(1, {"q1": Y}))
    assert "u1" not in {t.question.question_id for t in question_tallies(data)}
    every = {t.question.question_id: t.tally for t in question_tallies(data, with_empty_checklists=True)}
    assert list(every) == ["q1", "q2", "q3", "u1"] and every["u1"] == Tally()


def test_the_filter_recounts_only_the_cases_it_admits():
    data = _data(_counted(1, {"q1": Y}), _counted(2, {"q1": N}, gender=Gender.MALE))
    women = {t.question.question_id: t.tally for t in question_tallies(data, CaseFilter(gender=Gender.FEMALE))}
    assert women["q1"] == Tally(yes=1)
    assert question_tallies(data, CaseFilter(case_type="u")) == []


def test_sections_and_report_blocks_add_up_the_question_tallies():
    data = _data(_counted(1, {"q1": Y, "q2": N, "q3": Y}), _counted(2, {"q1": Y, "q2": X, "q3": N}), _dropout(3))
    tallies = question_tallies(data)
    sections = {s.section_id: s.tally for s in section_tallies(tallies)}
    assert sections == {"a": Tally(yes=2, no=1, not_applicable=1), "b": Tally(yes=1, no=1)}
    assert sum_tallies(t.tally for t in tallies) == Tally(yes=3, no=2, not_applicable=1)
    report = build_report(data)
    assert [(block.checklist.id, block.cases) for block in report.blocks] == [("t", 2)]
    assert [row.tally for row in report.rows] == [t.tally for t in tallies]


def test_progress_counts_the_sample_without_unused_reserves():
    cases = [
        _case(1, CaseStatus.DONE),
        _case(2, CaseStatus.DROPOUT),
        _case(3, CaseStatus.NOT_STARTED),
        _case(4, CaseStatus.IN_PROGRESS, reserve=True, replaces=2),
        _case(5, CaseStatus.NOT_STARTED, reserve=True),
    ]
    p = progress(cases)
    assert (p.total, p.done, p.in_progress, p.not_started, p.dropouts) == (4, 1, 1, 1, 1)
    assert p.reviewed == 1
