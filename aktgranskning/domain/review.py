"""Rules for a case under review: when it is finished, and what its status becomes after a change."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import TypeVar

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason
from aktgranskning.domain.checklist import (
    Checklist,
    applicable_question_ids,
    unanswered_question_ids,
)

_E = TypeVar("_E", bound=Enum)


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


def merged_status(
    status: CaseStatus, reason: DropoutReason | None, checklist: Checklist, stored: Mapping[str, Answer | None]
) -> CaseStatus:
    """The status a case has once several reviewers' changes are merged: a bortfall reason makes a
    dropout; otherwise the status follows the answers by the same rule as a single change."""
    if reason is not None:
        return CaseStatus.DROPOUT
    if status is CaseStatus.DROPOUT:
        status = CaseStatus.IN_PROGRESS
    return status_after_answer_change(status, checklist, stored)


def audit_value_text(field: str, value: str | None) -> str:
    """A value from the change log as a person reads it: "pågående", "Ja", "inget svar"."""
    if field == "status":
        return _label_of(CaseStatus, value, "–", lambda status: status.label.lower())
    if field == "svar":
        return value or "inget svar"
    if field == "bortfall":
        return _label_of(DropoutReason, value, "inget bortfall", lambda reason: reason.label)
    if field == "kommentar":
        return f"”{value}”" if value else "ingen kommentar"
    if field == "reserv":
        return value or "oanvänd reserv"
    return value or "–"


def _label_of(kind: type[_E], value: str | None, empty: str, label: Callable[[_E], str]) -> str:
    if not value:
        return empty
    try:
        return label(kind(value))
    except ValueError:  # a value written by a later version: show it as it is
        return value
