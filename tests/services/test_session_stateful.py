"""Random sequences of what reviewers do — answers, comments, klar, reopen, bortfall with and
without a reserve, taking a bortfall back, undo — driven through ReviewSession. After every step
the file must pass `kontrollera` (services.check.check_review_file) and the sample must keep its
size; undoing the latest change must give back exactly the file as it was before it.

CI runs a few hundred steps. A longer run: AKTGRANSKNING_HYPOTES=lang pytest tests/services/test_session_stateful.py
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.review import is_complete
from aktgranskning.services.check import check_review_file
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.opening import (
    NewFileInfo,
    create_review_file,
    open_review_file,
)
from aktgranskning.services.session import ReserveHasAnswers
from aktgranskning.services.undo import CaseFields, normalised
from tests.conftest import make_cases

settings.register_profile("ci", max_examples=20, stateful_step_count=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("lang", max_examples=400, stateful_step_count=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile(os.environ.get("AKTGRANSKNING_HYPOTES", "ci"))

ORIGINAL = 4
RESERVES = 3


@functools.cache
def _template() -> Path:
    """One new file, copied for every example: creating a file costs more than a whole example.
    Made on first use, not at import: every xdist worker imports this module while collecting."""
    path = Path(tempfile.mkdtemp(prefix="tillstand-mall-")) / "Slumpenheten 2026.granskning"
    info = NewFileInfo("Förvaltningen", "Området", "Slumpenheten", 2026)
    create_review_file(path, info, installed_checklists(), make_cases(ORIGINAL, RESERVES))
    open_review_file(path, reviewer="mall").close()  # leaves one self-contained file
    assert not path.with_name(path.name + "-wal").exists()
    atexit.register(shutil.rmtree, path.parent, ignore_errors=True)
    return path


ANSWERS = st.sampled_from([Answer.YES, Answer.NO, Answer.NOT_APPLICABLE, None])
CASE_INDEX = st.integers(0, ORIGINAL + RESERVES - 1)
QUESTION_INDEX = st.integers(0, 60)
REASONS = st.sampled_from(list(DropoutReason))
TEXTS = st.sampled_from(["", "  ", "Akten hittades inte", "Fel typ av ärende"])


class ReviewSessionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="tillstand-"))
        template = _template()
        self.path = self.folder / template.name
        shutil.copy(template, self.path)
        self.session = open_review_file(self.path, reviewer="maskinen")
        self.previous: tuple[int, object] | None = None  # (case id, whole file state before the latest change)
        self.last_checked: object = None

    def teardown(self) -> None:
        self.session.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- the file as a comparable value -------------------------------------------------------
    def state(self) -> dict[int, tuple[CaseFields, tuple]]:
        with self.session.reading() as tx:
            cases = tx.cases()
            return {
                c.id: (CaseFields.of(c), tuple(sorted(
                    (qid, record) for qid, r in tx.answer_records(c.id).items()
                    if (record := normalised(r)) is not None
                )))
                for c in cases
            }

    def case_at(self, index: int):  # type: ignore[no-untyped-def]
        return self.session.cases()[index]

    def attempt(self, case_id: int, action) -> bool:  # type: ignore[no-untyped-def]
        """Run one change. A refused change must leave the file untouched."""
        before = self.state()
        try:
            action()
        except UserError:
            assert self.state() == before, "a refused change altered the file"
            return False
        if self.state() != before:
            self.previous = (case_id, before)
        return True

    # --- what reviewers do --------------------------------------------------------------------
    @rule(index=CASE_INDEX, question=QUESTION_INDEX, answer=ANSWERS)
    def answer(self, index: int, question: int, answer: Answer | None) -> None:
        case = self.case_at(index)
        ids = self.session.checklist_for(case).question_ids()
        views = []
        self.attempt(case.id, lambda: views.append(self.session.set_answer(case.id, ids[question % len(ids)], answer)))
        if views:  # what the page redraws from is what the file holds
            assert views[0] == self.session.case_view(case.id)

    @rule(index=CASE_INDEX, data=st.data())
    def answer_every_gap(self, index: int, data: st.DataObject) -> None:
        """Answer what is left (conditional questions included as they become applicable)."""
        case = self.case_at(index)
        for _ in range(60):
            gap = self.session.first_gap(case.id)
            if gap is None:
                return
            allowed = list(self.session.checklist_for(case).question(gap).allowed)
            choice = data.draw(st.sampled_from(allowed))
            if not self.attempt(case.id, lambda g=gap, a=choice: self.session.set_answer(case.id, g, a)):
                return

    @rule(data=st.data(), answer=ANSWERS)
    def answer_on_a_reserve_that_replaced_a_dropout(self, data: st.DataObject, answer: Answer | None) -> None:
        """What a reviewer does right after a bortfall: review the reserve that came in."""
        reserves = [c for c in self.session.cases() if c.is_reserve and c.in_sample]
        if not reserves:
            return
        case = data.draw(st.sampled_from(reserves))
        question = self.session.first_gap(case.id) or self.session.checklist_for(case).question_ids()[0]
        self.attempt(case.id, lambda: self.session.set_answer(case.id, question, answer))

    @rule(index=CASE_INDEX, question=QUESTION_INDEX, text=TEXTS)
    def comment(self, index: int, question: int, text: str) -> None:
        case = self.case_at(index)
        ids = self.session.checklist_for(case).question_ids()
        self.attempt(case.id, lambda: self.session.set_comment(case.id, ids[question % len(ids)], text.strip()))

    @rule(index=CASE_INDEX)
    def mark_done(self, index: int) -> None:
        case = self.case_at(index)
        done = self.attempt(case.id, lambda: self.session.mark_done(case.id))
        if done:
            event("klar")
            assert self.session.case(case.id).status is CaseStatus.DONE

    @rule(index=CASE_INDEX, release=st.booleans(), data=st.data())
    def take_back(self, index: int, release: bool, data: st.DataObject) -> None:
        """Take a case (mostly a dropout) back into review; a reserve with answers is released only
        when the person agrees (`release`)."""
        dropouts = [c for c in self.session.cases() if c.status is CaseStatus.DROPOUT]
        case = data.draw(st.sampled_from(dropouts)) if dropouts and index % 4 else self.case_at(index)
        reserve_before = next((c for c in self.session.cases() if c.replaces_case_id == case.id), None)

        def take_back_asking() -> None:
            try:
                self.session.reopen(case.id)
            except ReserveHasAnswers as busy:
                event("tillbaka: reserven har svar, " + ("släpps" if release else "avböjt"))
                assert reserve_before is not None and busy.reserve.id == reserve_before.id and busy.answered > 0
                if not release:
                    raise
                self.session.reopen(case.id, release_answered_reserve=True)

        if self.attempt(case.id, take_back_asking) and reserve_before is not None:
            assert self.session.case(reserve_before.id).replaces_case_id is None
            assert reserve_before.id in {c.id for c in self.session.unused_reserves()}

    @rule(index=CASE_INDEX, reason=REASONS, text=TEXTS, use_reserve=st.booleans())
    def dropout(self, index: int, reason: DropoutReason, text: str, use_reserve: bool) -> None:
        case = self.case_at(index)
        unused_types = {c.case_type for c in self.session.unused_reserves()}
        chosen = []
        self.attempt(case.id, lambda: chosen.append(self.session.mark_dropout(case.id, reason, text, use_reserve)))
        reserve = chosen[0] if chosen else None
        if reserve is not None:
            event("bortfall med reserv" + ("" if reserve.case_type == case.case_type else " av annan typ"))
            assert reserve.case_type == case.case_type or case.case_type not in unused_types

    @precondition(lambda self: self.previous is not None)
    @rule()
    def undo_latest_change(self) -> None:
        case_id, before = self.previous  # type: ignore[misc]
        self.previous = None
        self.session.undo(case_id)
        assert self.state() == before, "undo did not give back the file as it was"

    @rule(index=CASE_INDEX)
    def undo_in_any_case(self, index: int) -> None:
        case = self.case_at(index)
        before = self.state()
        replacing = {c.id for c in self.session.cases() if c.replaces_case_id == case.id}
        partners = {case.id, case.replaces_case_id} | replacing
        try:
            undone = self.session.undo(case.id)
        except UserError as refused:
            event("ångra: vägrat (" + ("inget att ångra" if "inget mer" in refused.message else "ändrat efteråt") + ")")
            assert "på annat sätt" not in refused.message
            assert self.state() == before
            return
        self.previous = None
        event("ångra: " + undone.message.split(":")[1].split()[0] if ":" in undone.message else "ångra")
        after = self.state()
        partners |= {after[undone.case_id][0].replaces_case_id, undone.case_id}
        partners |= {cid for cid, (fields, _) in after.items() if fields.replaces_case_id == case.id}
        changed = {cid for cid in before if before[cid] != after[cid]}
        assert changed <= partners, f"undo in akt {case.sequence} changed other cases: {changed - partners}"

    # --- what must always hold ----------------------------------------------------------------
    @invariant()
    def kontrollera_finds_the_file_consistent(self) -> None:
        state = self.state()
        if state == self.last_checked:  # the same file content gives the same verdict
            return
        report = check_review_file(self.path)
        assert report.ok, report.problems
        self.last_checked = state

    @invariant()
    def the_sample_keeps_its_size(self) -> None:
        cases = self.session.cases()
        by_id = {c.id: c for c in cases}
        replacing = [c for c in cases if c.replaces_case_id is not None]
        replaced = [c.replaces_case_id for c in replacing]
        assert len(replaced) == len(set(replaced)), "a dropout is replaced by more than one reserve"
        assert all(c.is_reserve for c in replacing)
        assert all(by_id[r].status is CaseStatus.DROPOUT for r in replaced)
        progress = self.session.progress()
        assert progress.total == ORIGINAL + len(replacing)

    @invariant()
    def klar_only_when_complete(self) -> None:
        with self.session.reading() as tx:
            answers = tx.all_answers()
        for case in self.session.cases():
            if case.status is CaseStatus.DONE:
                assert is_complete(self.session.checklist_for(case), answers.get(case.id, {}))


ReviewSessionMachine.TestCase.settings = PROFILE
test_review_session_under_random_sequences = pytest.mark.slow(ReviewSessionMachine.TestCase)
