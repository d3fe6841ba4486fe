"""An open granskningsfil under review: every change is one committed transaction with an audit row."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case, CaseStatus, DropoutReason
from aktgranskning.domain.checklist import (
    Applicability,
    Checklist,
    applicability,
    condition_reason,
    effective_answers,
    unanswered_question_ids,
)
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.results import (
    ChecklistResult,
    Progress,
    checklist_result,
    progress,
)
from aktgranskning.domain.review import (
    answered_of_applicable,
    is_complete,
    status_after_answer_change,
)
from aktgranskning.domain.review_file import AnswerRecord, AuditEntry, FileMeta, now_iso
from aktgranskning.storage.store import ReviewStore, ReviewTransaction


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
class QuestionState:
    question_id: str
    answer: Answer | None  # what counts (X when the condition is not met)
    stored: Answer | None  # what the reviewer chose
    comment: str
    reviewer: str
    answered_at: str
    applicability: Applicability
    reason: str  # why it is X automatically, or why it waits


@dataclass(frozen=True)
class Change:
    """One undoable change: the answer to a question before and after."""

    case_id: int
    question_id: str
    before: Answer | None
    after: Answer | None


class ReviewSession:
    def __init__(self, store: ReviewStore, reviewer: str, on_close: Callable[[], None] | None = None) -> None:
        self.store = store
        self._on_close = on_close
        self.reviewer = reviewer or "okänd"
        with self.reading() as tx:
            self.meta: FileMeta = replace(tx.read_meta(), schema_version=store.schema_revision() or "")
            self.checklists: dict[str, Checklist] = tx.checklists()
        self.last_saved_at: str | None = None
        self.read_only_reason = ""  # set when the file itself cannot be written
        self.folder_warning = ""  # set when a sync client (OneDrive, Dropbox, …) keeps the folder
        self.notes: list[str] = []  # what opening found and did (side files, an upgrade), in Swedish

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    def close(self) -> None:
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
            case = tx.case(case_id)
            records = tx.answer_records(case_id)
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

    def results(self) -> list[ChecklistResult]:
        with self.reading() as tx:
            cases = tx.cases()
            answers = tx.all_answers()
        return [checklist_result(checklist, cases, answers) for checklist in self.checklists.values()]

    def first_unfinished_case(self) -> Case | None:
        for case in self.cases():
            if case.in_sample and case.status in (CaseStatus.NOT_STARTED, CaseStatus.IN_PROGRESS):
                return case
        return None

    def audit_entries(self, case_id: int | None = None) -> list[AuditEntry]:
        with self.reading() as tx:
            return tx.audit_entries(case_id)

    # --- writing ------------------------------------------------------------------------------
    def set_answer(self, case_id: int, question_id: str, answer: Answer | None) -> Change:
        """Record an answer (None clears it). Committed before this returns."""
        with self.writing() as tx:
            case = tx.case(case_id)
            checklist = self.checklist_for(case)
            question = checklist.question(question_id)
            records = tx.answer_records(case_id)
            self._ensure_answerable_in(case, checklist, question_id, answer, records)
            old = records.get(question_id, AnswerRecord(question_id, None))
            at = now_iso()
            tx.put_answer(case_id, replace(old, answer=answer, reviewer=self.reviewer, answered_at=at))
            tx.audit(AuditEntry(at, self.reviewer, case_id, question.id, "svar", _text(old.answer), _text(answer)))
            stored = {qid: r.answer for qid, r in records.items()} | {question_id: answer}
            self._update_status(tx, case, status_after_answer_change(case.status, checklist, stored), at)
        return Change(case_id, question_id, old.answer, answer)

    def set_comment(self, case_id: int, question_id: str, comment: str) -> None:
        with self.writing() as tx:
            case = tx.case(case_id)
            self.checklist_for(case).question(question_id)
            old = tx.answer_records(case_id).get(question_id, AnswerRecord(question_id, None))
            if old.comment == comment:
                return
            at = now_iso()
            tx.put_answer(case_id, replace(old, comment=comment, reviewer=self.reviewer, answered_at=at))
            tx.audit(AuditEntry(at, self.reviewer, case_id, question_id, "kommentar", old.comment, comment))
            tx.delete_answers_without_content(case_id)

    def undo(self, change: Change) -> Change:
        return self.set_answer(change.case_id, change.question_id, change.before)

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
            if not is_complete(self.checklist_for(case), stored):
                raise UserError(f"Akt {case.sequence} har obesvarade frågor och kan inte markeras som klar.")
            self._update_status(tx, case, CaseStatus.DONE, now_iso())

    def reopen(self, case_id: int) -> None:
        """Take a finished case or a dropout back into review."""
        with self.writing() as tx:
            case = tx.case(case_id)
            stored = {qid: r.answer for qid, r in tx.answer_records(case_id).items()}
            status = CaseStatus.IN_PROGRESS if any(stored.values()) else CaseStatus.NOT_STARTED
            at = now_iso()
            if case.status is CaseStatus.DROPOUT:
                tx.update_case(case_id, at, dropout_reason=None, dropout_text="")
            self._update_status(tx, case, status, at)

    def mark_dropout(
        self, case_id: int, reason: DropoutReason, text: str = "", use_reserve: bool = True
    ) -> Case | None:
        """Mark a case as bortfall. With `use_reserve`, the next unused reserve replaces it and is
        returned; both stay visible."""
        if reason is DropoutReason.OTHER and not text.strip():
            raise UserError("Skriv en förklaring när orsaken till bortfallet är ”Annat”.")
        with self.writing() as tx:
            case = tx.case(case_id)
            if not case.in_sample:
                raise UserError(f"Akt {case.sequence} är en oanvänd reserv och kan inte bli bortfall.")
            at = now_iso()
            tx.update_case(case_id, at, dropout_reason=reason.value, dropout_text=text.strip())
            self._update_status(tx, case, CaseStatus.DROPOUT, at)
            if not use_reserve or self._already_replaced(tx, case_id):
                return None
            reserve = next((c for c in tx.cases() if c.is_reserve and c.replaces_case_id is None), None)
            if reserve is None:
                return None
            tx.update_case(reserve.id, at, replaces_case_id=case_id)
            tx.audit(AuditEntry(at, self.reviewer, reserve.id, None, "reserv", None, f"ersätter akt {case.sequence}"))
            return replace(reserve, replaces_case_id=case_id)

    def apply_answers(self, answers: dict[int, dict[str, Answer]], reviewer: str, at: str) -> None:
        """Record many answers in one transaction (imports and the demo), with audit rows,
        and bring each case's status up to date."""
        with self.writing() as tx:
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
    def _already_replaced(tx: ReviewTransaction, case_id: int) -> bool:
        return any(c.replaces_case_id == case_id for c in tx.cases())

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
        self._context = session.store.transaction()

    def __enter__(self) -> ReviewTransaction:
        try:
            return self._context.__enter__()
        except SQLAlchemyError as exc:
            raise _save_failed(self.session.path, exc) from exc

    def __exit__(self, exc_type, exc, tb) -> bool:  # type: ignore[no-untyped-def]
        try:
            suppressed = self._context.__exit__(exc_type, exc, tb)
        except SQLAlchemyError as error:
            raise _save_failed(self.session.path, error) from error
        if exc_type is None:
            self.session.last_saved_at = now_iso()
        elif isinstance(exc, SQLAlchemyError):
            raise _save_failed(self.session.path, exc) from exc
        return bool(suppressed)


def _save_failed(path: Path, exc: Exception) -> SaveFailed:
    detail = str(getattr(exc, "orig", exc))
    return SaveFailed(
        f"{path}: svaret kunde inte sparas ({detail}). Svaret finns kvar på skärmen; "
        "kontrollera att filen går att skriva till (nätverksenhet, diskutrymme) och försök igen."
    )


def _text(answer: Answer | None) -> str | None:
    return answer.value if answer else None


__all__ = ["CaseSummary", "Change", "FileProblem", "QuestionState", "ReviewSession", "SaveFailed"]
