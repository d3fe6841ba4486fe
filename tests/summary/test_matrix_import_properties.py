"""The same answers give the same result whether a reviewer enters them in the program or they
come from an earlier year's Excel matrix: conditions, completeness and bortfall count alike."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason
from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.matrix_import import import_matrix
from aktgranskning.domain.review import is_complete
from aktgranskning.domain.unit_data import CaseData, UnitIdentity
from aktgranskning.services.session import ReviewSession
from aktgranskning.services.unit_data import unit_data_of

pytestmark = pytest.mark.slow  # long: runs in CI after the default suite (pytest -m slow)

IDENTITY = UnitIdentity("F", "O", "Enheten", 2023, "uuid-test")
SPELLINGS = {
    Answer.YES: ["Ja", "ja", "JA", "Ja*"],
    Answer.NO: ["Nej", "nej", "Nej**", "NEJ"],
    Answer.NOT_APPLICABLE: ["X", "x", "X*"],
    None: ["", "*"],  # a bare marker counts as unanswered by default
}


@st.composite
def patterns(draw, checklist: Checklist):
    """Stored answers for every question (a follow-up's too, whatever its parent), and whether and
    why the case is a bortfall."""
    answers = {q.id: draw(st.sampled_from([*q.allowed, None])) for q in checklist.questions()}
    dropout = draw(st.sampled_from([None, None, None, *DropoutReason]))
    return answers, dropout


def enter_in_review(session: ReviewSession, case_id: int, checklist: Checklist,
                    answers: dict[str, Answer | None], dropout: DropoutReason | None) -> None:
    """As a reviewer would: a follow-up can only be answered while it applies, so its parent is
    first given the answer that opens it; the parents get their final answers last."""
    if session.case(case_id).status is CaseStatus.DROPOUT:
        session.reopen(case_id)
    for state in session.question_states(case_id):
        if state.stored is not None:
            session.set_answer(case_id, state.question_id, None)
    for question in checklist.questions():
        if question.condition is not None and answers[question.id] is not None:
            session.set_answer(case_id, question.condition.question_id, question.condition.answer)
            session.set_answer(case_id, question.id, answers[question.id])
    for question in checklist.questions():
        if question.condition is None:
            session.set_answer(case_id, question.id, answers[question.id])
    if dropout is not None:
        session.mark_dropout(case_id, dropout, "annat skäl" if dropout is DropoutReason.OTHER else "",
                             use_reserve=False)
    elif is_complete(checklist, answers):
        session.mark_done(case_id)


def import_from_matrix(checklist: Checklist, checklists: list[Checklist], answers: dict[str, Answer | None],
                       dropout: DropoutReason | None, spelling: st.DataObject) -> CaseData:
    rows: list[tuple[int, list[str]]] = [(1, [checklist.title]), (2, ["Fråga", "2023-0001"])]
    for question in checklist.questions():
        cell = spelling.draw(st.sampled_from(SPELLINGS[answers[question.id]]))
        rows.append((len(rows) + 1, [question.text, cell]))
    if dropout is not None:
        rows.append((len(rows) + 1, ["Orsak till bortfall", dropout.label]))
    result = import_matrix(rows, checklists, IDENTITY)
    assert len(result.data.cases) == 1
    return result.data.cases[0]


def _comparable(case: CaseData) -> tuple:
    return case.status, case.dropout_reason, dict(case.answers)


def test_review_and_matrix_import_count_the_same_answers_alike(session, checklists):
    by_type = {c.case_type: c for c in session.cases() if not c.is_reserve}

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from([c for c in checklists if c.id in by_type]), st.data())
    def check(checklist: Checklist, data: st.DataObject) -> None:
        answers, dropout = data.draw(patterns(checklist))
        case = by_type[checklist.id]
        enter_in_review(session, case.id, checklist, answers, dropout)
        reviewed_unit = unit_data_of(session)
        reviewed = next(c for c in reviewed_unit.cases if c.sequence == case.sequence)
        imported = import_from_matrix(checklist, checklists, answers, dropout, data)
        assert _comparable(imported) == _comparable(reviewed)

    check()
