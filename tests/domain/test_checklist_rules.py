import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus
from aktgranskning.domain.checklist import (
    Applicability,
    applicability,
    applicable_question_ids,
    effective_answers,
)
from aktgranskning.domain.review import (
    answered_of_applicable,
    is_complete,
    status_after_answer_change,
)

Y, N, X = Answer.YES, Answer.NO, Answer.NOT_APPLICABLE


def test_child_question_waits_for_parent_then_applies_only_on_nej(checklists_by_id):
    utredning = checklists_by_id["utredning"]
    child = utredning.question("ut.barnet_till_tals_orsak")
    assert applicability(child, {}) is Applicability.UNDETERMINED
    assert applicability(child, {"ut.barnet_till_tals": Y}) is Applicability.NOT_APPLICABLE
    assert applicability(child, {"ut.barnet_till_tals": X}) is Applicability.NOT_APPLICABLE
    assert applicability(child, {"ut.barnet_till_tals": N}) is Applicability.APPLICABLE


def test_unmet_condition_makes_the_answer_x_whatever_was_stored(checklists_by_id):
    utredning = checklists_by_id["utredning"]
    effective = effective_answers(utredning, {"ut.polisanmalan": Y, "ut.polisanmalan_stallningstagande": N})
    assert effective["ut.polisanmalan_stallningstagande"] is X
    effective = effective_answers(utredning, {"ut.polisanmalan": N, "ut.polisanmalan_stallningstagande": N})
    assert effective["ut.polisanmalan_stallningstagande"] is N


def test_applicable_questions_grow_when_parent_is_nej(checklists_by_id):
    utredning = checklists_by_id["utredning"]
    base = len(applicable_question_ids(utredning, {}))
    assert len(applicable_question_ids(utredning, {"ut.samtycke": N})) == base + 1
    assert len(applicable_question_ids(utredning, {"ut.samtycke": Y})) == base


def test_complete_only_when_every_applicable_question_is_answered(checklists_by_id):
    fb = checklists_by_id["forhandsbedomning"]
    answers = {qid: Y for qid in fb.question_ids()}
    assert is_complete(fb, answers)
    del answers["fb.aterkoppling"]
    assert not is_complete(fb, answers)
    assert answered_of_applicable(fb, answers) == (len(answers), len(answers) + 1)


@pytest.mark.parametrize(
    ("current", "answers", "expected"),
    [
        (CaseStatus.NOT_STARTED, {"fb.anmalare": Y}, CaseStatus.IN_PROGRESS),
        (CaseStatus.IN_PROGRESS, {"fb.anmalare": None}, CaseStatus.NOT_STARTED),
        (CaseStatus.DONE, {"fb.anmalare": Y, "fb.anledning": None}, CaseStatus.IN_PROGRESS),
        (CaseStatus.DROPOUT, {"fb.anmalare": Y}, CaseStatus.DROPOUT),
    ],
)
def test_status_after_a_change(checklists_by_id, current, answers, expected):
    assert status_after_answer_change(current, checklists_by_id["forhandsbedomning"], answers) is expected
