"""`status` counts through the one tally engine: the sample without dropouts and unused
reserves, effective answers (an unmet condition counts as X), every checklist listed."""

from __future__ import annotations

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import DropoutReason
from aktgranskning.services.status import status_data, status_text


def _question(status: dict, question_id: str) -> tuple[int, int, int, int]:
    q = next(q for q in status["fragor"] if q["id"] == question_id)
    return q["ja"], q["nej"], q["x"], q["obesvarad"]


def test_status_counts_the_sample_without_dropouts_and_unused_reserves(session):
    cases = [c for c in session.cases() if c.case_type == "forhandsbedomning"]
    sample, reserves = [c for c in cases if not c.is_reserve], [c for c in cases if c.is_reserve]
    session.set_answer(sample[0].id, "fb.anmalare", Answer.YES)
    session.set_answer(sample[1].id, "fb.anmalare", Answer.NO)
    session.set_answer(sample[2].id, "fb.anmalare", Answer.NO)
    reserve = session.mark_dropout(sample[2].id, DropoutReason.FILE_MISSING)  # its Nej leaves the count
    assert reserve is not None and reserve.id == reserves[0].id  # … and the reserve joins the sample
    session.set_answer(reserve.id, "fb.anmalare", Answer.YES)
    status = status_data(session)
    counted = len(sample) - 1 + 1  # the dropout out, its reserve in; unused reserves never count
    assert _question(status, "fb.anmalare") == (2, 1, 0, counted - 3)
    assert status["akter"]["bortfall"] == 1
    assert "2 av 3 (67 %)" in status_text(session)


def test_every_checklist_is_listed_even_without_cases(session):
    ids = {q["checklista"] for q in status_data(session)["fragor"]}
    assert ids == set(session.checklists)
    text = status_text(session)
    for checklist in session.checklists.values():
        assert checklist.title in text
