from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case, CaseStatus, DropoutReason, Gender
from aktgranskning.domain.checklist import Checklist, Condition, Question, Section
from aktgranskning.domain.results import Tally, checklist_result, progress

Y, N, X = Answer.YES, Answer.NO, Answer.NOT_APPLICABLE


def _checklist() -> Checklist:
    return Checklist(
        id="t",
        version="1",
        title="Test",
        case_type="Test",
        sections=(
            Section("a", "A", (Question("q1", "Fråga 1"), Question("q2", "Fråga 2"))),
            Section("b", "B", (Question("q3", "Om nej?", condition=Condition("q2", N)),)),
        ),
    )


def _case(case_id: int, status: CaseStatus = CaseStatus.IN_PROGRESS, reserve: bool = False,
          replaces: int | None = None) -> Case:
    return Case(case_id, case_id, f"A{case_id}", "t", Gender.UNKNOWN, "okänd", "H1", status,
                is_reserve=reserve, replaces_case_id=replaces,
                dropout_reason=DropoutReason.FILE_MISSING if status is CaseStatus.DROPOUT else None)


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


def test_dropouts_and_unused_reserves_are_left_out_of_results():
    checklist = _checklist()
    cases = [
        _case(1),
        _case(2, CaseStatus.DROPOUT),
        _case(3, reserve=True),  # unused reserve
        _case(4, reserve=True, replaces=2),  # reserve that replaced the dropout
    ]
    answers = {1: {"q1": Y, "q2": Y}, 2: {"q1": N, "q2": N}, 3: {"q1": N}, 4: {"q1": N, "q2": N, "q3": Y}}
    result = checklist_result(checklist, cases, answers)
    by_id = {q.question_id: q.tally for q in result.questions}
    assert result.cases_reviewed == 2
    assert by_id["q1"] == Tally(yes=1, no=1)
    assert by_id["q2"] == Tally(yes=1, no=1)
    # q3 applies only when q2 is Nej: X for case 1, Ja for case 4
    assert by_id["q3"] == Tally(yes=1, not_applicable=1)
    section_a = next(s for s in result.sections if s.section_id == "a")
    assert section_a.tally == Tally(yes=2, no=2)
    assert result.total == Tally(yes=3, no=2, not_applicable=1)


def test_conditional_answer_stored_but_condition_unmet_counts_as_x():
    checklist = _checklist()
    result = checklist_result(checklist, [_case(1)], {1: {"q1": Y, "q2": Y, "q3": N}})
    q3 = next(q for q in result.questions if q.question_id == "q3")
    assert q3.tally == Tally(not_applicable=1)


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
