"""A checklist: sections of control questions, some of them conditional on another answer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from aktgranskning.domain.answers import Answer


@dataclass(frozen=True)
class Condition:
    """The question applies only when `question_id` was answered `answer`."""

    question_id: str
    answer: Answer


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help_text: str = ""
    legal_basis: str = ""
    allowed: tuple[Answer, ...] = (Answer.YES, Answer.NO, Answer.NOT_APPLICABLE)
    condition: Condition | None = None


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Checklist:
    id: str
    version: str
    title: str
    case_type: str
    sections: tuple[Section, ...]
    aliases: tuple[str, ...] = ()
    content_hash: str = ""
    _by_id: dict[str, Question] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for question in self.questions():
            self._by_id[question.id] = question

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def question(self, question_id: str) -> Question:
        return self._by_id[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._by_id

    def question_ids(self) -> list[str]:
        return [question.id for question in self.questions()]

    def section_of(self, question_id: str) -> Section:
        for section in self.sections:
            if any(q.id == question_id for q in section.questions):
                return section
        raise KeyError(question_id)

    def matches_case_type(self, text: str) -> bool:
        wanted = text.strip().casefold()
        names = (self.id, self.case_type, self.title, *self.aliases)
        return any(wanted == name.casefold() for name in names)


def find_checklist(case_type: str, checklists: Iterable[Checklist]) -> Checklist | None:
    """The checklist whose id, case type, title or alias matches a case type as people write it."""
    return next((c for c in checklists if case_type and c.matches_case_type(case_type)), None)


class Applicability(Enum):
    APPLICABLE = "applicable"
    NOT_APPLICABLE = "not_applicable"  # condition not met: the answer is X automatically
    UNDETERMINED = "undetermined"  # the question it depends on is not answered yet


def applicability(question: Question, answers: Mapping[str, Answer | None]) -> Applicability:
    if question.condition is None:
        return Applicability.APPLICABLE
    parent = answers.get(question.condition.question_id)
    if parent is None:
        return Applicability.UNDETERMINED
    if parent is question.condition.answer:
        return Applicability.APPLICABLE
    return Applicability.NOT_APPLICABLE


def condition_reason(question: Question, checklist: Checklist) -> str:
    """Swedish explanation shown next to a question that became X automatically."""
    if question.condition is None:
        return ""
    parent = checklist.question(question.condition.question_id)
    return (
        f"Gäller bara när ”{parent.text}” besvarats {question.condition.answer.value}."
    )


def effective_answers(
    checklist: Checklist, stored: Mapping[str, Answer | None]
) -> dict[str, Answer | None]:
    """The answers that count: a question whose condition is not met is X, whatever was stored.

    Conditions are resolved in checklist order, so a chain of conditions works as long as a
    question only depends on one that comes before it (the checklist loader enforces that).
    """
    result: dict[str, Answer | None] = {}
    for question in checklist.questions():
        state = applicability(question, result)
        if state is Applicability.NOT_APPLICABLE:
            result[question.id] = Answer.NOT_APPLICABLE
        elif state is Applicability.UNDETERMINED:
            result[question.id] = None
        else:
            result[question.id] = stored.get(question.id)
    return result


def applicable_question_ids(checklist: Checklist, stored: Mapping[str, Answer | None]) -> list[str]:
    """Questions a reviewer must answer now (condition met or no condition), in order."""
    effective = effective_answers(checklist, stored)
    return [
        q.id
        for q in checklist.questions()
        if applicability(q, effective) is Applicability.APPLICABLE
    ]


def unanswered_question_ids(checklist: Checklist, stored: Mapping[str, Answer | None]) -> list[str]:
    return [qid for qid in applicable_question_ids(checklist, stored) if stored.get(qid) is None]
