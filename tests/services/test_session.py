import sqlite3

import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason
from aktgranskning.domain.errors import UserError
from aktgranskning.services.opening import open_review_file

Y, N, X = Answer.YES, Answer.NO, Answer.NOT_APPLICABLE


def _first(session, case_type):
    return next(c for c in session.cases() if c.case_type == case_type and not c.is_reserve)


def _raw_answers(path):
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT case_id, question_id, answer, reviewer FROM answers").fetchall()


def test_an_answer_is_in_the_file_before_set_answer_returns(session, review_file):
    case = _first(session, "forhandsbedomning")
    session.set_answer(case.id, "fb.anmalare", Y)
    # read with a second, independent connection while the session is still open
    assert (case.id, "fb.anmalare", "Ja", "testare") in _raw_answers(review_file)


def test_an_answer_survives_closing_and_reopening(session, review_file):
    case = _first(session, "utredning")
    session.set_answer(case.id, "ut.anledning", N)
    session.set_comment(case.id, "ut.anledning", "Anledningen saknas i akten.")
    session.close()
    reopened = open_review_file(review_file, reviewer="någon annan")
    try:
        state = {s.question_id: s for s in reopened.question_states(case.id)}["ut.anledning"]
        assert state.answer is N
        assert state.comment == "Anledningen saknas i akten."
        assert state.reviewer == "testare"
        assert reopened.case(case.id).status is CaseStatus.IN_PROGRESS
    finally:
        reopened.close()


def test_every_change_is_audited_with_who_and_old_and_new(session):
    case = _first(session, "forhandsbedomning")
    session.set_answer(case.id, "fb.anmalare", Y)
    session.set_answer(case.id, "fb.anmalare", N)
    entries = [e for e in session.audit_entries(case.id) if e.field == "svar"]
    assert [(e.old_value, e.new_value, e.who) for e in entries] == [(None, "Ja", "testare"), ("Ja", "Nej", "testare")]


def test_conditional_question_cannot_be_answered_when_its_condition_is_unmet(session):
    case = _first(session, "utredning")
    session.set_answer(case.id, "ut.barnet_till_tals", Y)
    with pytest.raises(UserError, match="gäller inte"):
        session.set_answer(case.id, "ut.barnet_till_tals_orsak", N)
    state = {s.question_id: s for s in session.question_states(case.id)}["ut.barnet_till_tals_orsak"]
    assert state.answer is X and state.stored is None and "Nej" in state.reason


def test_answer_not_allowed_by_the_question_is_refused(session):
    case = _first(session, "utredning")
    with pytest.raises(UserError, match="kan bara besvaras med Ja, Nej"):
        session.set_answer(case.id, "ut.behorig_delegat", X)


def test_undo_restores_the_previous_answer_in_the_file(session, review_file):
    case = _first(session, "forhandsbedomning")
    session.set_answer(case.id, "fb.anmalare", Y)
    change = session.set_answer(case.id, "fb.anmalare", N)
    session.undo(change)
    assert [row[2] for row in _raw_answers(review_file) if row[1] == "fb.anmalare"] == ["Ja"]


def test_mark_done_requires_every_applicable_question(session, checklists_by_id):
    case = _first(session, "forhandsbedomning")
    checklist = checklists_by_id["forhandsbedomning"]
    for qid in checklist.question_ids()[:-1]:
        session.set_answer(case.id, qid, Y)
    with pytest.raises(UserError, match="obesvarade"):
        session.mark_done(case.id)
    assert session.first_gap(case.id) == checklist.question_ids()[-1]
    session.set_answer(case.id, checklist.question_ids()[-1], X)
    session.mark_done(case.id)
    assert session.case(case.id).status is CaseStatus.DONE
    # changing an answer keeps a complete case finished; clearing one reopens it
    session.set_answer(case.id, "fb.anmalare", N)
    assert session.case(case.id).status is CaseStatus.DONE
    session.set_answer(case.id, "fb.anmalare", None)
    assert session.case(case.id).status is CaseStatus.IN_PROGRESS


def test_dropout_takes_the_next_reserve_and_both_stay_visible(session):
    case = _first(session, "forhandsbedomning")
    reserves_before = session.unused_reserves()
    replacement = session.mark_dropout(case.id, DropoutReason.WRONG_SAMPLE, "Fel ärendetyp")
    assert replacement is not None and replacement.id == reserves_before[0].id
    after = {c.id: c for c in session.cases()}
    assert after[case.id].status is CaseStatus.DROPOUT
    assert after[case.id].dropout_reason is DropoutReason.WRONG_SAMPLE
    assert after[replacement.id].replaces_case_id == case.id and after[replacement.id].in_sample
    assert len(session.unused_reserves()) == len(reserves_before) - 1
    progress = session.progress()
    assert progress.dropouts == 1 and progress.total == 7


def test_dropout_with_reason_annat_needs_a_text(session):
    case = _first(session, "utredning")
    with pytest.raises(UserError, match="förklaring"):
        session.mark_dropout(case.id, DropoutReason.OTHER, "  ")


def test_a_dropout_cannot_be_answered_until_taken_back(session):
    case = _first(session, "utredning")
    session.mark_dropout(case.id, DropoutReason.FILE_MISSING, use_reserve=False)
    with pytest.raises(UserError, match="bortfall"):
        session.set_answer(case.id, "ut.anledning", Y)
    session.reopen(case.id)
    session.set_answer(case.id, "ut.anledning", Y)
    assert session.case(case.id).status is CaseStatus.IN_PROGRESS


def test_read_only_session_refuses_changes(review_file):
    session = open_review_file(review_file, reviewer="läsare", read_only=True)
    try:
        case = session.cases()[0]
        with pytest.raises(UserError, match="skrivskyddad"):
            session.set_answer(case.id, "fb.anmalare", Y)
    finally:
        session.close()
