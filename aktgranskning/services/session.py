"""An open granskningsfil under review: every change is one committed transaction with an audit row."""

from __future__ import annotations

import errno
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.exc import SQLAlchemyError

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case, CaseStatus, DropoutReason
from aktgranskning.domain.changes import ChangeLog, Presence, Register
from aktgranskning.domain.checklist import (
    Applicability,
    Checklist,
    applicability,
    condition_reason,
    effective_answers,
    unanswered_question_ids,
)
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.results import Progress, progress
from aktgranskning.domain.review import (
    answered_of_applicable,
    is_complete,
    status_after_answer_change,
)
from aktgranskning.domain.review_file import AnswerRecord, AuditEntry, FileMeta, now_iso
from aktgranskning.services.conflicts import Conflict, conflicts_of
from aktgranskning.services.undo import CaseFields, Snapshot, UndoHistory, Undone, UndoStep, normalised
from aktgranskning.storage.change_recorder import change_time
from aktgranskning.storage.server_address import ServerProblem
from aktgranskning.storage.store import ReviewStore, ReviewTransaction

if TYPE_CHECKING:
    from aktgranskning.services.enhet_folder import FolderContents


class SessionLink(Protocol):
    """A writing session's tie to the others working on the same enhet: the enhet's folder
    (services/enhet_link.EnhetLink) or the server (services/server_session.ServerLink)."""

    open_case: int | None  # the akt this reviewer has open, as the others are told
    presences: list[Presence]  # the others' fresh presences
    others_read_at: datetime | None  # when the others' work was last read

    @property
    def writer(self) -> str: ...

    @property
    def offline(self) -> bool: ...

    def read(self) -> object:
        """Read the others' work (any thread; changes nothing in the session)."""

    def take_in(self, store: ReviewStore, contents: object) -> set[Register]:
        """Merge what `read` found (the thread that writes); the registers that may differ."""

    def present_in(self, case_id: int) -> list[Presence]: ...

    def notices(self) -> list[str]: ...

    def status_line(self) -> str: ...

    def close(self) -> None: ...


class ReserveHasAnswers(UserError):
    """Taking a dropout back would return a reserve that already has answers to the unused
    reserves. The caller asks the person, then calls reopen again with release_answered_reserve."""

    def __init__(self, dropout: Case, reserve: Case, answered: int) -> None:
        super().__init__(
            f"Reserv nr {reserve.sequence} ersätter akt {dropout.sequence} och har redan {answered} "
            f"{'besvarad fråga' if answered == 1 else 'besvarade frågor'}. Tar du tillbaka akt "
            f"{dropout.sequence} blir reserv nr {reserve.sequence} oanvänd igen: svaren sparas med reserven "
            "men räknas inte i resultatet."
        )
        self.dropout = dropout
        self.reserve = reserve
        self.answered = answered


class SaveFailed(UserError):
    """The file refused a write (unwritable, disk full, gone). What the user entered is not lost:
    the caller keeps it on screen and may try again."""


@dataclass(frozen=True)
class CaseSummary:
    case: Case
    answered: int
    applicable: int
    reviewers: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.answered} av {self.applicable}"


@dataclass(frozen=True)
class CaseView:
    """What a page needs to redraw an akt, read as the change that produced it committed it (on
    the server inside that transaction; in a whole file, which only this writer changes, right
    after the file holds it)."""

    case: Case
    states: list[QuestionState]


@dataclass(frozen=True)
class QuestionState:
    question_id: str
    answer: Answer | None  # what counts (X when the condition is not met)
    stored: Answer | None  # what the reviewer chose
    comment: str
    reviewer: str
    answered_at: str
    applicability: Applicability
    reason: str  # why it is X automatically, or why it waits


class ReviewSession:
    def __init__(self, store: ReviewStore, reviewer: str, on_close: Callable[[], None] | None = None,
                 known_checklists: dict[str, Checklist] | None = None) -> None:
        self.store = store
        self._on_close = on_close
        self._closed = False
        self.reviewer = reviewer or "okänd"
        revision = store.schema_revision() or ""  # its own connection: not inside the transaction below
        with self.reading() as tx:
            self.meta: FileMeta = replace(tx.read_meta(), schema_version=revision)
            self.checklists: dict[str, Checklist] = tx.checklists(known_checklists)
        self.last_saved_at: str | None = None
        self._history = UndoHistory()
        self.read_only_reason = ""  # set when the file itself cannot be written
        self.folder_warning = ""  # set when a sync client (OneDrive, Dropbox, …) keeps the folder
        self.notes: list[str] = []  # what opening found and did (side files, an upgrade), in Swedish
        self.enhet_path: Path | None = None  # the enhet's file, when the store is the reviewer's own file
        self.link: SessionLink | None = None  # the enhet's folder: own file there, others' files read from there
        self.sources: int = 1  # how many files the enhet was read from

    @property
    def path(self) -> Path:
        return self.enhet_path or self.store.path

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    def notices(self) -> list[str]:
        """Everything a person should know about the file while it is open, in Swedish."""
        linked = self.link.notices() if self.link is not None else []
        return [*self.notes, *linked, *([self.folder_warning] if self.folder_warning else [])]

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.link is not None:
            try:
                self.set_presence(None, leaving=True)
            except UserError:
                pass  # the working copy could not be written: the presence expires by itself
            self.link.close()
        self.store.close()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    # --- reading ------------------------------------------------------------------------------
    def cases(self) -> list[Case]:
        with self.reading() as tx:
            return tx.cases()

    def case(self, case_id: int) -> Case:
        with self.reading() as tx:
            return tx.case(case_id)

    def checklist_for(self, case: Case) -> Checklist:
        return self.checklists[case.case_type]

    def case_summaries(self) -> list[CaseSummary]:
        with self.reading() as tx:
            cases = tx.cases()
            answers = tx.all_answers()
            reviewers = tx.reviewers_by_case()
        summaries = []
        for case in cases:
            answered, applicable = answered_of_applicable(
                self.checklist_for(case), answers.get(case.id, {})
            )
            summaries.append(CaseSummary(case, answered, applicable, tuple(reviewers.get(case.id, ()))))
        return summaries

    def question_states(self, case_id: int) -> list[QuestionState]:
        with self.reading() as tx:
            return self._states_in(tx, tx.case(case_id))

    def case_view(self, case_id: int) -> CaseView:
        with self.reading() as tx:
            return self._view_now(tx, case_id)

    def _states_in(self, tx: ReviewTransaction, case: Case) -> list[QuestionState]:
        records = tx.answer_records(case.id)
        checklist = self.checklist_for(case)
        stored = {qid: record.answer for qid, record in records.items()}
        effective = effective_answers(checklist, stored)
        states = []
        for question in checklist.questions():
            record = records.get(question.id, AnswerRecord(question.id, None))
            state = applicability(question, effective)
            reason = condition_reason(question, checklist) if state is not Applicability.APPLICABLE else ""
            states.append(
                QuestionState(
                    question_id=question.id,
                    answer=effective[question.id],
                    stored=record.answer,
                    comment=record.comment,
                    reviewer=record.reviewer,
                    answered_at=record.answered_at,
                    applicability=state,
                    reason=reason,
                )
            )
        return states

    def progress(self) -> Progress:
        return progress(self.cases())

    def first_unfinished_case(self) -> Case | None:
        for case in self.cases():
            if case.in_sample and case.status in (CaseStatus.NOT_STARTED, CaseStatus.IN_PROGRESS):
                return case
        return None

    def audit_entries(self, case_id: int | None = None) -> list[AuditEntry]:
        """The file's own log, then every change from the change log (all reviewers)."""
        with self.reading() as tx:
            entries = tx.audit_entries(case_id)
        from aktgranskning.services.change_history import audit_of_changes

        return entries + audit_of_changes(self.change_log(), case_id, {c.id: c.sequence for c in self.cases()})

    # --- writing ------------------------------------------------------------------------------
    def set_answer(self, case_id: int, question_id: str, answer: Answer | None) -> CaseView:
        """Record an answer (None clears it). Committed before this returns, in one transaction
        that also reads what the page needs to redraw the akt."""
        views: list[CaseView] = []
        with self.writing() as tx:
            tx.finishing.append(lambda: views.append(self._view_now(tx, case_id)))
            case = tx.case(case_id)
            checklist = self.checklist_for(case)
            question = checklist.question(question_id)
            records = tx.answer_records(case_id)
            self._ensure_answerable_in(case, checklist, question_id, answer, records)
            old = records.get(question_id, AnswerRecord(question_id, None))
            if old.answer is answer:
                return self._view_now(tx, case_id)  # the same key again changes nothing, not even who
            at = now_iso()
            new = replace(old, answer=answer, reviewer=self.reviewer, answered_at=at)
            tx.put_answer(case_id, new)
            tx.audit(AuditEntry(at, self.reviewer, case_id, question.id, "svar", _text(old.answer), _text(answer)))
            stored = {qid: r.answer for qid, r in records.items()} | {question_id: answer}
            status = status_after_answer_change(case.status, checklist, stored)
            self._update_status(tx, case, status, at)
        # what the two rows held before and hold now, from what was read and written above
        before = _answer_snapshot(case, question_id, records.get(question_id))
        after = _answer_snapshot(replace(case, status=status), question_id, new)
        again = f"åter {_answer_word(old.answer)}"
        if status is not case.status:
            again += f" och akten är åter {case.status.label.lower()}"
        self._remember(case, question_id, before, after,
                       f"Ångrat i akt {case.sequence}: fråga {self._number(case, question_id)} är {again}.")
        return views[0]

    def _view_now(self, tx: ReviewTransaction, case_id: int) -> CaseView:
        case = tx.case(case_id)
        return CaseView(case, self._states_in(tx, case))

    def set_comment(self, case_id: int, question_id: str, comment: str) -> None:
        with self.writing() as tx:
            case = tx.case(case_id)
            self.checklist_for(case).question(question_id)
            old = tx.answer_records(case_id).get(question_id, AnswerRecord(question_id, None))
            if old.comment == comment:
                return
            before = self._snapshot(tx, {case_id}, {(case_id, question_id)})
            at = now_iso()
            tx.put_answer(case_id, replace(old, comment=comment, reviewer=self.reviewer, answered_at=at))
            tx.audit(AuditEntry(at, self.reviewer, case_id, question_id, "kommentar", old.comment, comment))
            tx.delete_answers_without_content(case_id)
            after = self._snapshot(tx, {case_id}, {(case_id, question_id)})
        restored = "återställd" if old.comment else "borttagen"
        self._remember(case, question_id, before, after,
                       f"Ångrat i akt {case.sequence}: kommentaren till fråga {self._number(case, question_id)} "
                       f"är {restored}.")

    def first_gap(self, case_id: int) -> str | None:
        """The first applicable question without an answer, or None when the case is complete."""
        with self.reading() as tx:
            case = tx.case(case_id)
            stored = {qid: r.answer for qid, r in tx.answer_records(case_id).items()}
        gaps = unanswered_question_ids(self.checklist_for(case), stored)
        return gaps[0] if gaps else None

    def mark_done(self, case_id: int) -> None:
        with self.writing() as tx:
            case = tx.case(case_id)
            stored = {qid: r.answer for qid, r in tx.answer_records(case_id).items()}
            if case.status is CaseStatus.DROPOUT:
                raise UserError(f"Akt {case.sequence} är markerad som bortfall och kan inte markeras som klar.")
            if not case.in_sample:
                raise UserError(f"Akt {case.sequence} är en oanvänd reserv och kan inte markeras som klar.")
            if not is_complete(self.checklist_for(case), stored):
                raise UserError(f"Akt {case.sequence} har obesvarade frågor och kan inte markeras som klar.")
            before = self._snapshot(tx, {case_id})
            self._update_status(tx, case, CaseStatus.DONE, now_iso())
            after = self._snapshot(tx, {case_id})
        self._remember(case, None, before, after,
                       f"Ångrat i akt {case.sequence}: akten är inte längre klar "
                       f"(åter {case.status.label.lower()}).")

    def reopen(self, case_id: int, release_answered_reserve: bool = False) -> Case | None:
        """Take a finished case or a dropout back into review.

        A dropout's reserve leaves the sample again and is returned, so the sample keeps its size.
        A reserve that already has answers keeps them (they do not count while it is unused), but
        only when the caller says so with `release_answered_reserve`; otherwise ReserveHasAnswers
        tells how many there are."""
        with self.writing() as tx:
            case = tx.case(case_id)
            if not case.in_sample:
                raise UserError(f"Akt {case.sequence} är en oanvänd reserv; den tas in i urvalet bara som "
                                "ersättare för ett bortfall.")
            reserve = self._replacement_of(tx, case) if case.status is CaseStatus.DROPOUT else None
            if reserve is not None:
                self._ensure_releasable(tx, case, reserve, release_answered_reserve)
            touched = {case_id} | ({reserve.id} if reserve else set())
            before = self._snapshot(tx, touched)
            stored = {qid: r.answer for qid, r in tx.answer_records(case_id).items()}
            status = CaseStatus.IN_PROGRESS if any(stored.values()) else CaseStatus.NOT_STARTED
            at = now_iso()
            if case.status is CaseStatus.DROPOUT:
                tx.update_case(case_id, at, dropout_reason=None, dropout_text="")
                tx.audit(AuditEntry(at, self.reviewer, case_id, None, "bortfall", _reason(case.dropout_reason), None))
            if reserve is not None:
                tx.update_case(reserve.id, at, replaces_case_id=None)
                tx.audit(AuditEntry(at, self.reviewer, reserve.id, None, "reserv",
                                    f"ersätter akt {case.sequence}", None))
            self._update_status(tx, case, status, at)
            after = self._snapshot(tx, touched)
        if case.status is CaseStatus.DROPOUT:
            again = f"åter bortfall ({case.dropout_reason.label.lower() if case.dropout_reason else 'utan orsak'})"
            if reserve is not None:
                again += f" och reserv nr {reserve.sequence} ersätter den igen"
        else:
            again = f"åter {case.status.label.lower()}"
        self._remember(case, None, before, after, f"Ångrat i akt {case.sequence}: akten är {again}.")
        return reserve

    def mark_dropout(
        self, case_id: int, reason: DropoutReason, text: str = "", use_reserve: bool = True
    ) -> Case | None:
        """Mark a case as bortfall. With `use_reserve`, the next unused reserve — of the same case
        type when one is left — replaces it and is returned; both stay visible."""
        if reason is DropoutReason.OTHER and not text.strip():
            raise UserError("Skriv en förklaring när orsaken till bortfallet är ”Annat”.")
        with self.writing() as tx:
            case = tx.case(case_id)
            if not case.in_sample:
                raise UserError(f"Akt {case.sequence} är en oanvänd reserv och kan inte bli bortfall.")
            reserve = None
            if use_reserve and self._replacement_of(tx, case) is None:
                reserve = _reserve_for(case, tx.cases())
            touched = {case_id} | ({reserve.id} if reserve else set())
            before = self._snapshot(tx, touched)
            at = now_iso()
            tx.update_case(case_id, at, dropout_reason=reason.value, dropout_text=text.strip())
            tx.audit(AuditEntry(at, self.reviewer, case_id, None, "bortfall",
                                _reason(case.dropout_reason), reason.value))
            self._update_status(tx, case, CaseStatus.DROPOUT, at)
            if reserve is not None:
                tx.update_case(reserve.id, at, replaces_case_id=case_id)
                tx.audit(AuditEntry(at, self.reviewer, reserve.id, None, "reserv", None,
                                    f"ersätter akt {case.sequence}"))
            after = self._snapshot(tx, touched)
        if case.status is CaseStatus.DROPOUT:
            undone = f"Ångrat i akt {case.sequence}: bortfallets orsak är åter {_reason_word(case.dropout_reason)}"
        else:
            undone = f"Ångrat bortfallet i akt {case.sequence}: akten är åter {case.status.label.lower()}"
        undone += f" och reserv nr {reserve.sequence} är åter oanvänd." if reserve else "."
        self._remember(case, None, before, after, undone)
        return replace(reserve, replaces_case_id=case_id) if reserve else None

    def next_reserve(self, case_id: int) -> Case | None:
        """The reserve a bortfall of this case would take: same case type first."""
        with self.reading() as tx:
            case = tx.case(case_id)
            if self._replacement_of(tx, case) is not None:
                return None
            return _reserve_for(case, tx.cases())

    # --- several reviewers ----------------------------------------------------------------------
    def change_log(self) -> ChangeLog:
        if self.store.recorder is not None:
            return self.store.recorder.log
        with self.reading() as tx:
            return ChangeLog(tx.changes()) if "changes" in tx.table_names() else ChangeLog()

    def conflicts(self) -> list[Conflict]:
        """Registers where reviewers gave different values from the same earlier state."""
        log = self.change_log()
        if not log.conflicts():
            return []
        return conflicts_of(log, self.cases(), self.checklists)

    def conflicts_in(self, case_id: int) -> list[Conflict]:
        return [c for c in self.conflicts() if c.case_id == case_id]

    def decide(self, register: Register, value: object) -> None:
        """A person's decision of a conflict (or of any register): a change that replaces every
        version, so the conflict is gone on every computer that gets this file."""
        with self.writing() as tx:
            tx.decide(register, value)
        if register.case_id is not None:
            self._history.forget({register.case_id})

    def set_presence(self, case_id: int | None, leaving: bool = False) -> None:
        """Say in the own file which akt this reviewer has open (None: none); `leaving` removes
        the presence (the program closes the file)."""
        if self.link is None or self.read_only:
            return
        self.link.open_case = case_id
        presence = None if leaving else Presence(self.link.writer, self.reviewer, case_id, change_time())
        with self.writing() as tx:
            tx.set_presence(presence)

    def heartbeat(self) -> None:
        if self.link is not None and not self.read_only:
            self.set_presence(self.link.open_case)

    def read_folder(self) -> FolderContents | object | None:
        """Read the others' work: the enhet's folder, or the server (safe in a worker thread)."""
        return self.link.read() if self.link is not None else None

    def take_in(self, contents: FolderContents | object) -> set[int]:
        """Merge what `read_folder` found; return the ids of the akter whose content may have changed
        (every akt when a non-akt register, such as the activities, changed: -1 is among them)."""
        if self.link is None:
            return set()
        try:
            touched = self.link.take_in(self.store, contents)
        except (SQLAlchemyError, OSError) as error:  # the working copy could not be written
            raise _save_failed(self.path, error) from error
        return {r.case_id if r.case_id is not None else -1 for r in touched}

    def refresh_from_folder(self) -> set[int]:
        contents = self.read_folder()
        return self.take_in(contents) if contents is not None else set()

    def others_in(self, case_id: int) -> list[Presence]:
        return self.link.present_in(case_id) if self.link is not None else []

    # --- undo ---------------------------------------------------------------------------------
    def can_undo(self, case_id: int) -> bool:
        return self._history.latest(case_id) is not None

    def undo(self, case_id: int) -> Undone:
        """Undo the latest change in this case (and only what that change did). Raises UserError
        with what to do instead when it cannot be undone."""
        step = self._history.latest(case_id)
        if step is None:
            raise UserError(f"Det finns inget mer att ångra i akt {self._sequence(case_id)}.")
        later = [other for other in self._history.changed_later(step) if other != case_id]
        if later:
            names = " och ".join(f"akt {self._sequence(other)}" for other in later)
            raise UserError(
                f"Det senaste i akt {self._sequence(case_id)} kan inte ångras, eftersom {names} har ändrats "
                "efter det. Ångra först där, eller ta tillbaka bortfallet med knappen "
                "”Ta tillbaka akten till granskning”."
            )
        with self.writing() as tx:
            current = self._snapshot_like(tx, step.after)
            changed_elsewhere = current != step.after
            if not changed_elsewhere:
                self._restore(tx, current, step.before, now_iso())
        self._history.remove(step)
        if changed_elsewhere:
            raise UserError(f"Ändringen i akt {self._sequence(case_id)} kan inte ångras: akten har ändrats "
                            "på annat sätt sedan dess.")
        return Undone(step.undone_text, step.case_id, step.question_id)

    def apply_answers(self, answers: dict[int, dict[str, Answer]], reviewer: str, at: str) -> None:
        """Record many answers in one transaction (imports and the demo), with audit rows,
        and bring each case's status up to date. Not undoable with Ctrl+Z."""
        with self.writing() as tx:
            tx.author = (reviewer, at)
            for case_id, by_question in answers.items():
                case = tx.case(case_id)
                checklist = self.checklist_for(case)
                records = tx.answer_records(case_id)
                for question_id, answer in by_question.items():
                    self._ensure_answerable_in(case, checklist, question_id, answer, records)
                    old = records.get(question_id, AnswerRecord(question_id, None))
                    new = replace(old, answer=answer, reviewer=reviewer, answered_at=at)
                    tx.put_answer(case_id, new)
                    records[question_id] = new
                    tx.audit(AuditEntry(at, reviewer, case_id, question_id, "svar", _text(old.answer), _text(answer)))
                stored = {qid: r.answer for qid, r in records.items()}
                self._update_status(tx, case, status_after_answer_change(case.status, checklist, stored), at, reviewer)
        self._history.forget(set(answers))

    def unused_reserves(self) -> list[Case]:
        return [c for c in self.cases() if c.is_reserve and c.replaces_case_id is None]

    # --- helpers ------------------------------------------------------------------------------
    def _ensure_answerable_in(
        self,
        case: Case,
        checklist: Checklist,
        question_id: str,
        answer: Answer | None,
        records: dict[str, AnswerRecord],
    ) -> None:
        question = checklist.question(question_id)
        if case.status is CaseStatus.DROPOUT:
            raise UserError(f"Akt {case.sequence} är bortfall; ta tillbaka den innan du svarar.")
        if not case.in_sample:
            raise UserError(f"Akt {case.sequence} är en oanvänd reserv och granskas inte.")
        if answer is not None and answer not in question.allowed:
            allowed = ", ".join(a.value for a in question.allowed)
            raise UserError(f"Frågan ”{question.text}” kan bara besvaras med {allowed}.")
        if question.condition is not None and answer is not None:
            stored = {qid: r.answer for qid, r in records.items()}
            state = applicability(question, effective_answers(checklist, stored))
            if state is not Applicability.APPLICABLE:
                raise UserError(f"Frågan ”{question.text}” gäller inte: {condition_reason(question, checklist)}")

    def _update_status(
        self, tx: ReviewTransaction, case: Case, status: CaseStatus, at: str, who: str | None = None
    ) -> None:
        if status is case.status:
            return
        who = who or self.reviewer
        tx.update_case(case.id, at, status=status.value, reviewer=who)
        tx.audit(AuditEntry(at, who, case.id, None, "status", case.status.value, status.value))

    @staticmethod
    def _replacement_of(tx: ReviewTransaction, case: Case) -> Case | None:
        return next((c for c in tx.cases() if c.replaces_case_id == case.id), None)

    @staticmethod
    def _ensure_releasable(tx: ReviewTransaction, case: Case, reserve: Case, release_answered: bool) -> None:
        if reserve.status is CaseStatus.DROPOUT:
            raise UserError(
                f"Akt {case.sequence} ersätts av reserv nr {reserve.sequence}, som själv är bortfall. "
                f"Ta först tillbaka reserv nr {reserve.sequence} till granskning."
            )
        answered = sum(1 for r in tx.answer_records(reserve.id).values() if r.answer is not None)
        if answered and not release_answered:
            raise ReserveHasAnswers(case, reserve, answered)

    def _snapshot(self, tx: ReviewTransaction, case_ids: AbstractSet[int],
                  answer_keys: AbstractSet[tuple[int, str]] = frozenset()) -> Snapshot:
        cases = tuple((case_id, CaseFields.of(tx.case(case_id))) for case_id in sorted(case_ids))
        records = {case_id: tx.answer_records(case_id) for case_id in {key[0] for key in answer_keys}}
        answers = tuple(
            (case_id, question_id, normalised(records[case_id].get(question_id)))
            for case_id, question_id in sorted(answer_keys)
        )
        return Snapshot(cases, answers)

    def _snapshot_like(self, tx: ReviewTransaction, shape: Snapshot) -> Snapshot:
        return self._snapshot(tx, {case_id for case_id, _ in shape.cases},
                              {(case_id, question_id) for case_id, question_id, _ in shape.answers})

    def _restore(self, tx: ReviewTransaction, current: Snapshot, target: Snapshot, at: str) -> None:
        """Write `target` over `current` (same shape), with audit rows as for any change."""
        now_cases = dict(current.cases)
        for case_id, fields in target.cases:
            self._restore_case(tx, case_id, now_cases[case_id], fields, at)
        now_answers = {(c, q): record for c, q, record in current.answers}
        for case_id, question_id, record in target.answers:
            old = now_answers[(case_id, question_id)] or AnswerRecord(question_id, None)
            new = record or AnswerRecord(question_id, None, "", self.reviewer, at)
            tx.put_answer(case_id, new)
            if old.answer is not new.answer:
                tx.audit(AuditEntry(at, self.reviewer, case_id, question_id, "svar", _text(old.answer),
                                    _text(new.answer)))
            if old.comment != new.comment:
                tx.audit(AuditEntry(at, self.reviewer, case_id, question_id, "kommentar", old.comment, new.comment))
            if record is None:
                tx.delete_answers_without_content(case_id)

    def _restore_case(self, tx: ReviewTransaction, case_id: int, old: CaseFields, new: CaseFields, at: str) -> None:
        if old == new:
            return
        tx.update_case(
            case_id, at, status=new.status.value, replaces_case_id=new.replaces_case_id,
            dropout_reason=new.dropout_reason.value if new.dropout_reason else None, dropout_text=new.dropout_text,
        )
        if old.dropout_reason is not new.dropout_reason:
            tx.audit(AuditEntry(at, self.reviewer, case_id, None, "bortfall",
                                _reason(old.dropout_reason), _reason(new.dropout_reason)))
        if old.replaces_case_id != new.replaces_case_id:
            tx.audit(AuditEntry(at, self.reviewer, case_id, None, "reserv",
                                _replaces(tx, old.replaces_case_id), _replaces(tx, new.replaces_case_id)))
        if old.status is not new.status:
            tx.audit(AuditEntry(at, self.reviewer, case_id, None, "status", old.status.value, new.status.value))

    def _remember(self, case: Case, question_id: str | None, before: Snapshot, after: Snapshot, text: str) -> None:
        if before != after:
            self._history.push(UndoStep(case.id, question_id, before, after, text))

    def _number(self, case: Case, question_id: str) -> int:
        return self.checklist_for(case).question_ids().index(question_id) + 1

    def _sequence(self, case_id: int) -> int:
        return self.case(case_id).sequence

    def reading(self) -> AbstractContextManager[ReviewTransaction]:
        return self.store.transaction()

    def writing(self) -> AbstractContextManager[ReviewTransaction]:
        """One durable write; database failures become SaveFailed with a Swedish message."""
        if self.read_only:
            raise UserError(f"{self.path} är öppnad skrivskyddad; ändringar kan inte sparas.")
        return _GuardedWrite(self)


class _GuardedWrite:
    """A write transaction whose database failures become a SaveFailed with a Swedish message."""

    def __init__(self, session: ReviewSession) -> None:
        self.session = session
        self._context = session.store.transaction(writing=True)

    def __enter__(self) -> ReviewTransaction:
        try:
            tx = self._context.__enter__()
        except (SQLAlchemyError, ServerProblem) as exc:
            raise _save_failed(self.session.path, exc) from exc
        tx.author = (self.session.reviewer, None)
        return tx

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> bool:
        try:
            suppressed = self._context.__exit__(exc_type, exc, tb)
        except (SQLAlchemyError, OSError, ServerProblem) as error:  # OSError: writing the file failed
            raise _save_failed(self.session.path, error) from error
        if exc_type is None:
            self.session.last_saved_at = now_iso()
        elif isinstance(exc, SQLAlchemyError):
            raise _save_failed(self.session.path, exc) from exc
        return bool(suppressed)


_OS_REASONS = {
    errno.ENOSPC: "disken är full",
    errno.EROFS: "mappen går bara att läsa",
    errno.EACCES: "filen eller mappen går inte att skriva i",
    errno.EPERM: "filen eller mappen går inte att skriva i",
    errno.ENOENT: "mappen finns inte längre (är nätverksenheten borta?)",
    errno.EIO: "ett in- eller utmatningsfel, t.ex. en nätverksenhet som försvann",
}


def _save_failed(path: Path, exc: Exception) -> SaveFailed:
    if isinstance(exc, ServerProblem):  # names the server; the connection, not a file, failed
        return SaveFailed(f"{exc.message} Svaret är inte sparat men finns kvar på skärmen; försök igen när "
                          "servern går att nå.")
    if isinstance(exc, OSError):
        detail = _OS_REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    else:
        detail = str(getattr(exc, "orig", exc))
    return SaveFailed(
        f"{path}: svaret kunde inte sparas ({detail}). Svaret finns kvar på skärmen; "
        "kontrollera att filen går att skriva till (nätverksenhet, diskutrymme) och försök igen."
    )


def _answer_snapshot(case: Case, question_id: str, record: AnswerRecord | None) -> Snapshot:
    """An undo snapshot of one case row and one of its answer rows (what `_snapshot` reads)."""
    return Snapshot(((case.id, CaseFields.of(case)),), ((case.id, question_id, normalised(record)),))


def _text(answer: Answer | None) -> str | None:
    return answer.value if answer else None


def _answer_word(answer: Answer | None) -> str:
    return answer.value if answer else "obesvarad"


def _reason(reason: DropoutReason | None) -> str | None:
    return reason.value if reason else None


def _reason_word(reason: DropoutReason | None) -> str:
    return f"”{reason.label.lower()}”" if reason else "ingen"


def _replaces(tx: ReviewTransaction, case_id: int | None) -> str | None:
    return f"ersätter akt {tx.case(case_id).sequence}" if case_id is not None else None


def _reserve_for(case: Case, cases: list[Case]) -> Case | None:
    """The first unused reserve of the case's type; of another type only when none is left."""
    unused = [c for c in cases if c.is_reserve and c.replaces_case_id is None]
    same_type = [c for c in unused if c.case_type == case.case_type]
    return next(iter(same_type or unused), None)


__all__ = ["CaseSummary", "CaseView", "FileProblem", "QuestionState", "ReserveHasAnswers", "ReviewSession",
           "SaveFailed", "Undone"]
