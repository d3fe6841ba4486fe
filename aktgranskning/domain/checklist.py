"""A checklist: sections of control questions, some of them conditional on another answer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    # The question's own green limit in percent (e.g. 100 where the law allows no exception);
    # None keeps the round's limits.
    green_limit: int | None = None


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
        wanted = matching_name(text)
        names = (self.id, self.case_type, self.title, *self.aliases)
        return any(wanted == matching_name(name) for name in names)


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


# --- the installed set: versions, and names and ids that must not be shared ------------------

BUILT_IN = "inbyggd"


@dataclass(frozen=True)
class InstalledChecklist:
    """A checklist with where it comes from: `origin` is "inbyggd" or the file's path, as the
    messages name it; `path` is the file it was read from (None when it was not read from one)."""

    checklist: Checklist
    origin: str
    built_in: bool
    path: str | None = None

    def describe(self) -> str:
        return f"”{self.checklist.title}” (id {self.checklist.id}, {self.origin})"


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """Orders versions as people number them: '2026.10' after '2026.9', numbers before words."""
    parts = [p for p in version.replace("-", ".").split(".") if p]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts)


def matching_name(text: str) -> str:
    """How a case type is compared: without case, spaces around it or doubled spaces inside."""
    return " ".join(text.split()).casefold()


def names_for_matching(checklist: Checklist) -> list[tuple[str, str]]:
    """(kind, name) of every name `find_checklist` matches a case type against, each name once."""
    named = [("id", checklist.id), ("ärendetyp", checklist.case_type), ("titel", checklist.title)]
    named += [("alias", alias) for alias in checklist.aliases]
    seen: set[str] = set()
    result = []
    for kind, name in named:
        key = matching_name(name)
        if key and key not in seen:
            seen.add(key)
            result.append((kind, name))
    return result


@dataclass(frozen=True)
class InstalledSet:
    """What is in force after versions are resolved, and what must be put right first."""

    checklists: tuple[InstalledChecklist, ...]
    replaced: tuple[tuple[InstalledChecklist, InstalledChecklist], ...]  # (older, the one in force)
    problems: tuple[str, ...]


def resolve_installed(candidates: Iterable[InstalledChecklist]) -> InstalledSet:
    """The checklists in force: of the same id the highest version wins (an update, not a
    clash); the same id and version with different content, a question id in two checklists, or
    a case type, title or alias (compared by `matching_name`) in two, is a problem naming both."""
    by_id: dict[str, list[InstalledChecklist]] = {}
    for candidate in candidates:
        by_id.setdefault(candidate.checklist.id, []).append(candidate)
    chosen: list[InstalledChecklist] = []
    replaced: list[tuple[InstalledChecklist, InstalledChecklist]] = []
    problems: list[str] = []
    for group in by_id.values():
        ordered = sorted(group, key=lambda c: (version_key(c.checklist.version), c.built_in), reverse=True)
        winner = ordered[0]
        chosen.append(winner)
        for other in ordered[1:]:
            if version_key(other.checklist.version) != version_key(winner.checklist.version):
                replaced.append((other, winner))
            elif other.checklist.content_hash != winner.checklist.content_hash:
                problems.append(
                    f"Checklistan {winner.checklist.id} version {winner.checklist.version} finns i två "
                    f"utföranden med olika innehåll: {winner.describe()} och {other.describe()}. "
                    "Höj versionen på den som ska gälla, eller ta bort den andra."
                )
    problems += shared_ids_and_names(chosen)
    return InstalledSet(tuple(chosen), tuple(replaced), tuple(problems))


def shared_ids_and_names(checklists: Sequence[InstalledChecklist]) -> list[str]:
    """Question ids and case-type names that two different checklists both use, each named once."""
    problems: list[str] = []
    question_owner: dict[str, InstalledChecklist] = {}
    name_owner: dict[str, tuple[InstalledChecklist, str, str]] = {}
    for entry in checklists:
        for question_id in entry.checklist.question_ids():
            first = question_owner.setdefault(question_id, entry)
            if first is not entry:
                problems.append(
                    f"Frågans id ”{question_id}” finns i två checklistor: {first.describe()} och "
                    f"{entry.describe()}. En frågas id måste vara unikt bland alla installerade "
                    "checklistor, annars läggs olika frågors svar ihop i sammanställningen."
                )
        for kind, name in names_for_matching(entry.checklist):
            owner = name_owner.setdefault(matching_name(name), (entry, kind, name))
            if owner[0] is not entry:
                problems.append(
                    f"”{name}” ({kind}) i {entry.describe()} används redan som {owner[1]} ”{owner[2]}” i "
                    f"{owner[0].describe()}. En ärendetyp, titel eller ett alias får bara höra till en "
                    "checklista (stora och små bokstäver räknas som samma), annars avgör filordningen "
                    "vilken checklista ett ärende får."
                )
    return problems
