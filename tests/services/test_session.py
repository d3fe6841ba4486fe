
import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason
from aktgranskning.domain.errors import UserError
from aktgranskning.services.check import check_review_file
from aktgranskning.services.opening import open_review_file
from aktgranskning.services.session import ReserveHasAnswers
from tests.enhet_db import enhet_db

Y, N, X = Answer.YES, Answer.NO, Answer.NOT_APPLICABLE


def _first(session, case_type):
    return next(c for c in session.cases() if c.case_type == case_type and not c.is_reserve)


def _raw_answers(path):
    with enhet_db(path) as connection:
        return connection.execute("SELECT case_id, question_id, answer, reviewer FROM answers").fetchall()


def test_an_answer_is_in_the_file_before_set_answer_returns(session, review_file):
    case = _first(session, "forhandsbedomning")
    session.set_answer(case.id, "fb.anmalare", Y)
    # read with a second, independent connection while the session is still open
    assert (case.id, "fb.anmalare", "Ja", "testare") in _raw_answers(review_file)


def test_what_an_answer_returns_for_the_redraw_is_what_the_file_then_holds(session):
    """The page redraws the akt from what set_answer returns; a key press that opens or closes
    conditional questions, completes the akt or takes an answer back must return the new state."""
    case = _first(session, "utredning")
    ids = session.checklist_for(case).question_ids()
    for answer in (N, Y, X, None, Y):
        for question_id in ids:
            if question_id not in {s.question_id for s in session.question_states(case.id)
                                   if s.applicability.value == "applicable"}:
                continue
            allowed = session.checklist_for(case).question(question_id).allowed
            if answer is not None and answer not in allowed:
                continue
            view = session.set_answer(case.id, question_id, answer)
            assert view == session.case_view(case.id), question_id
    assert view.case.status is CaseStatus.IN_PROGRESS


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
    session.set_answer(case.id, "fb.anmalare", N)
    undone = session.undo(case.id)
    assert [row[2] for row in _raw_answers(review_file) if row[1] == "fb.anmalare"] == ["Ja"]
    assert undone.message == f"Ångrat i akt {case.sequence}: fråga 1 är åter Ja."
    assert (undone.case_id, undone.question_id) == (case.id, "fb.anmalare")
    undone = session.undo(case.id)
    assert "fb.anmalare" not in [row[1] for row in _raw_answers(review_file)]
    assert "åter obesvarad och akten är åter ej påbörjad" in undone.message
    assert session.case(case.id).status is CaseStatus.NOT_STARTED
    with pytest.raises(UserError, match="inget mer att ångra"):
        session.undo(case.id)


def _finish(session, case):
    checklist = session.checklist_for(case)
    while (gap := session.first_gap(case.id)) is not None:
        session.set_answer(case.id, gap, checklist.question(gap).allowed[0])
    session.mark_done(case.id)


def test_undo_never_reaches_into_another_case(session):
    """The issue's case: finish one akt, answer in another; undo twice in the second akt."""
    finished, other = [c for c in session.cases() if c.case_type == "forhandsbedomning" and not c.is_reserve][:2]
    _finish(session, finished)
    session.set_answer(other.id, "fb.anmalare", Y)
    session.undo(other.id)
    with pytest.raises(UserError, match="inget mer att ångra"):
        session.undo(other.id)
    assert session.case(finished.id).status is CaseStatus.DONE
    assert session.first_gap(finished.id) is None


def test_marking_done_and_reopening_can_be_undone(session):
    case = _first(session, "forhandsbedomning")
    _finish(session, case)
    assert "inte längre klar (åter pågående)" in session.undo(case.id).message
    assert session.case(case.id).status is CaseStatus.IN_PROGRESS
    session.mark_done(case.id)
    session.reopen(case.id)
    assert "åter klar" in session.undo(case.id).message
    assert session.case(case.id).status is CaseStatus.DONE


def test_a_dropout_and_the_reserve_it_pulled_in_are_undone_together(session):
    case = _first(session, "utredning")
    session.set_answer(case.id, "ut.anledning", Y)
    reserve = session.mark_dropout(case.id, DropoutReason.FILE_MISSING)
    undone = session.undo(reserve.id)  # Ctrl+Z on the reserve that opened after the bortfall
    assert undone.case_id == case.id
    assert undone.message == (f"Ångrat bortfallet i akt {case.sequence}: akten är åter pågående "
                              f"och reserv nr {reserve.sequence} är åter oanvänd.")
    assert session.case(case.id).status is CaseStatus.IN_PROGRESS and session.case(case.id).dropout_reason is None
    assert session.case(reserve.id).replaces_case_id is None
    assert session.progress().total == 6


def test_a_dropout_cannot_be_undone_past_answers_in_its_reserve(session):
    case = _first(session, "utredning")
    reserve = session.mark_dropout(case.id, DropoutReason.FILE_MISSING)
    session.set_answer(reserve.id, "ut.anledning", Y)
    with pytest.raises(UserError, match=f"akt {reserve.sequence} har ändrats efter det"):
        session.undo(case.id)
    assert session.case(case.id).status is CaseStatus.DROPOUT
    session.undo(reserve.id)  # the answer
    session.undo(case.id)  # now the bortfall
    assert session.case(reserve.id).replaces_case_id is None


def test_reserves_of_the_same_case_type_come_first(session):
    utredning = [c for c in session.cases() if c.case_type == "utredning" and not c.is_reserve]
    forhand = _first(session, "forhandsbedomning")
    reserves = session.unused_reserves()
    assert [r.case_type for r in reserves] == ["forhandsbedomning", "utredning"]
    first = session.mark_dropout(utredning[0].id, DropoutReason.FILE_MISSING)
    assert first.case_type == "utredning"
    # no utredning reserve is left: the next utredning dropout takes a förhandsbedömning
    assert session.next_reserve(utredning[1].id).case_type == "forhandsbedomning"
    assert session.next_reserve(forhand.id).case_type == "forhandsbedomning"


def test_taking_a_dropout_back_returns_its_reserve_to_the_unused(session):
    """The issue's case: after taking the bortfall back the header said "9 av 21 akter", the reserve
    still "ersätter nr 15", and kontrollera called the file wrong."""
    case = _first(session, "forhandsbedomning")
    reserve = session.mark_dropout(case.id, DropoutReason.WRONG_SAMPLE)
    assert session.progress().total == 7
    released = session.reopen(case.id)
    assert check_review_file(session.path).ok
    assert released.id == reserve.id
    assert session.case(reserve.id).replaces_case_id is None
    assert reserve.id in {r.id for r in session.unused_reserves()}
    assert session.progress().total == 6 and session.progress().dropouts == 0


def test_taking_a_dropout_back_when_its_reserve_has_answers_asks_first(session):
    case = _first(session, "forhandsbedomning")
    reserve = session.mark_dropout(case.id, DropoutReason.WRONG_SAMPLE)
    session.set_answer(reserve.id, "fb.anmalare", Y)
    with pytest.raises(ReserveHasAnswers, match="har redan 1 besvarad fråga") as asked:
        session.reopen(case.id)
    assert asked.value.reserve.id == reserve.id
    assert session.case(case.id).status is CaseStatus.DROPOUT  # nothing changed
    session.reopen(case.id, release_answered_reserve=True)
    assert session.case(reserve.id).replaces_case_id is None
    # the reserve's answer is kept with it, and does not count while it is unused
    assert {s.question_id: s.stored for s in session.question_states(reserve.id)}["fb.anmalare"] is Y
    assert session.progress().total == 6
    report = check_review_file(session.path)
    assert report.ok, report.problems
    assert any(f"akt {reserve.sequence} är en oanvänd reserv men har svar" in note for note in report.notes)
    undone = session.undo(case.id)
    assert f"reserv nr {reserve.sequence} ersätter den igen" in undone.message
    assert session.case(reserve.id).replaces_case_id == case.id


def test_a_reserve_that_is_itself_a_dropout_must_be_taken_back_first(session):
    case = _first(session, "forhandsbedomning")
    reserve = session.mark_dropout(case.id, DropoutReason.WRONG_SAMPLE, use_reserve=True)
    session.mark_dropout(reserve.id, DropoutReason.FILE_MISSING, use_reserve=False)
    with pytest.raises(UserError, match=f"Ta först tillbaka reserv nr {reserve.sequence}"):
        session.reopen(case.id)


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


def test_a_lone_surrogate_pasted_into_a_comment_is_stored_as_a_visible_replacement(session, review_file):
    """A broken paste can carry half a surrogate pair, which UTF-8 cannot hold: the save must not
    fail; the character becomes U+FFFD and the rest of the text is kept."""

    case = next(c for c in session.cases() if not c.is_reserve)
    question = next(session.checklist_for(case).questions()).id
    session.set_comment(case.id, question, "före\ud800efter\x0b och 😀")
    with enhet_db(review_file) as connection:
        stored = connection.execute("SELECT comment FROM answers WHERE case_id = ? AND question_id = ?",
                                    (case.id, question)).fetchone()[0]
    assert stored == "före\ufffdefter\x0b och 😀"
