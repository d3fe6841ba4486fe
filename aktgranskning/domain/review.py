"""Rules for a case under review: when it is finished, and what its status becomes after a change."""

from __future__ import annotations

from collections.abc import Mapping

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus
from aktgranskning.domain.checklist import (
    Checklist,
    applicable_question_ids,
    unanswered_question_ids,
)


def is_complete(checklist: Checklist, stored: Mapping[str, Answer | None]) -> bool:
    return not unanswered_question_ids(checklist, stored)


def answered_of_applicable(checklist: Checklist, stored: Mapping[str, Answer | None]) -> tuple[int, int]:
    applicable = applicable_question_ids(checklist, stored)
    answered = sum(1 for qid in applicable if stored.get(qid) is not None)
    return answered, len(applicable)


def status_after_answer_change(
    current: CaseStatus, checklist: Checklist, stored: Mapping[str, Answer | None]
) -> CaseStatus:
    """A finished case stays finished only while it is complete; a dropout stays a dropout."""
    if current is CaseStatus.DROPOUT:
        return current
    if current is CaseStatus.DONE and is_complete(checklist, stored):
        return current
    if any(answer is not None for answer in stored.values()):
        return CaseStatus.IN_PROGRESS
    return CaseStatus.NOT_STARTED
