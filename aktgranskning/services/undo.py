"""The undo history of an open granskningsfil, kept per case.

Each change the review session makes is remembered as the state of what it touched before and
after: the case rows (status, dropout, which dropout a reserve replaces) and the answer rows. A
change that touched two cases (a bortfall and the reserve it pulled in) is in both cases' history
and can be undone only while it is the latest change of both, so undoing never reaches into an
akt past changes made there later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aktgranskning.domain.case import Case, CaseStatus, DropoutReason
from aktgranskning.domain.review_file import AnswerRecord

HISTORY_LIMIT = 500  # per case; older steps are forgotten


@dataclass(frozen=True)
class CaseFields:
    """The part of a case row that the review changes."""

    status: CaseStatus
    replaces_case_id: int | None
    dropout_reason: DropoutReason | None
    dropout_text: str

    @classmethod
    def of(cls, case: Case) -> CaseFields:
        return cls(case.status, case.replaces_case_id, case.dropout_reason, case.dropout_text)


@dataclass(frozen=True)
class Snapshot:
    """Case rows and answer rows as they were at one moment. An answer row without answer and
    comment is the same as no row."""

    cases: tuple[tuple[int, CaseFields], ...]
    answers: tuple[tuple[int, str, AnswerRecord | None], ...] = ()

    @property
    def case_ids(self) -> frozenset[int]:
        return frozenset(case_id for case_id, _ in self.cases) | frozenset(a[0] for a in self.answers)


def normalised(record: AnswerRecord | None) -> AnswerRecord | None:
    """What a person changed in an answer row: the answer and the comment. Who and when are the
    file's bookkeeping (merged from the change log) and do not make a row differ."""
    if record is None or (record.answer is None and not record.comment):
        return None
    return AnswerRecord(record.question_id, record.answer, record.comment)


@dataclass(frozen=True, eq=False)  # steps are told apart by identity
class UndoStep:
    case_id: int  # the case the person acted on
    question_id: str | None  # where the eye goes after undoing, when it is a question
    before: Snapshot
    after: Snapshot
    undone_text: str  # said after undoing, in Swedish

    @property
    def case_ids(self) -> frozenset[int]:
        return self.before.case_ids | self.after.case_ids


@dataclass(frozen=True)
class Undone:
    """What an undo did: the message to show and where to show it."""

    message: str
    case_id: int
    question_id: str | None


@dataclass
class UndoHistory:
    _steps: dict[int, list[UndoStep]] = field(default_factory=dict)

    def push(self, step: UndoStep) -> None:
        for case_id in step.case_ids:
            stack = self._steps.setdefault(case_id, [])
            stack.append(step)
            del stack[:-HISTORY_LIMIT]

    def latest(self, case_id: int) -> UndoStep | None:
        stack = self._steps.get(case_id)
        return stack[-1] if stack else None

    def changed_later(self, step: UndoStep) -> list[int]:
        """The cases (other than those where it is the latest) changed after `step`."""
        return sorted(case_id for case_id in step.case_ids if self.latest(case_id) is not step)

    def remove(self, step: UndoStep) -> None:
        for case_id in step.case_ids:
            stack = self._steps.get(case_id, [])
            if step in stack:
                stack.remove(step)

    def forget(self, case_ids: set[int]) -> None:
        """Changes made outside the history (imports) end the history of the cases they touched."""
        for case_id in case_ids:
            for step in list(self._steps.get(case_id, [])):
                self.remove(step)
            self._steps.pop(case_id, None)

    def clear(self) -> None:
        self._steps.clear()
