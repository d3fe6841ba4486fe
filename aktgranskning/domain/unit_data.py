"""An enhet's result as data that identifies no case: what the workbook's Data sheet holds,
what the results view, the reports and the summaries are computed from.

Each case is known only by its löpnummer, type, gender and age group; answers are the effective
ones (a question whose condition is not met counts as X).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain

from aktgranskning.domain.analysis import Analysis
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason, Gender
from aktgranskning.domain.results import Tally, sum_tallies
from aktgranskning.domain.thresholds import Thresholds


@dataclass(frozen=True)
class ChecklistRef:
    id: str
    version: str
    content_hash: str
    title: str


@dataclass(frozen=True)
class QuestionRef:
    checklist_id: str
    section_id: str
    section_title: str
    question_id: str
    text: str
    green_limit: int | None = None  # the checklist's own green limit for this question (percent)


@dataclass(frozen=True)
class CaseData:
    sequence: int  # löpnummer
    case_type: str
    gender: Gender
    age_group: str
    status: CaseStatus
    dropout_reason: DropoutReason | None = None
    answers: Mapping[str, Answer | None] = field(default_factory=dict)

    @property
    def counts(self) -> bool:
        return self.status is not CaseStatus.DROPOUT


@dataclass(frozen=True)
class UnitIdentity:
    administration: str  # förvaltning
    area: str  # område
    unit: str  # enhet
    year: int
    file_uuid: str
    app_version: str = ""

    @property
    def display_name(self) -> str:
        return f"{self.unit} {self.year}"


@dataclass(frozen=True)
class UnitData:
    identity: UnitIdentity
    checklists: tuple[ChecklistRef, ...]
    questions: tuple[QuestionRef, ...]
    cases: tuple[CaseData, ...]
    analysis: Analysis = field(default_factory=Analysis)
    thresholds: Thresholds = field(default_factory=Thresholds)
    conflicts: int = 0  # reviewers' conflicts not yet decided (the result is preliminary until they are)

    def checklist_title(self, checklist_id: str) -> str:
        return next((c.title for c in self.checklists if c.id == checklist_id), checklist_id)

    @property
    def counted(self) -> int:
        """Cases that count in the results: in the sample and not dropouts."""
        return sum(1 for case in self.cases if case.counts)

    @property
    def reviewed(self) -> int:
        """Cases whose review is finished (klar)."""
        return sum(1 for case in self.cases if case.status is CaseStatus.DONE)

    def describe_cases(self) -> str:
        """'20 akter granskade, 1 bortfall' or, during the review, '8 av 20 akter klara (…), 1 bortfall'."""
        dropouts = len(self.dropouts)
        tail = f"{dropouts} bortfall"
        if self.reviewed == self.counted:
            return f"{self.reviewed} akter granskade, {tail}"
        ongoing = sum(1 for c in self.cases if c.status is CaseStatus.IN_PROGRESS)
        waiting = sum(1 for c in self.cases if c.status is CaseStatus.NOT_STARTED)
        return (f"{self.reviewed} av {self.counted} akter klara ({ongoing} pågående, {waiting} ej påbörjade), "
                f"{tail}")

    @property
    def dropouts(self) -> tuple[CaseData, ...]:
        return tuple(case for case in self.cases if not case.counts)

    def dropout_reasons(self) -> list[tuple[DropoutReason | None, int]]:
        counter = Counter(case.dropout_reason for case in self.dropouts)
        return sorted(counter.items(), key=lambda item: -item[1])

    def genders(self) -> list[Gender]:
        present = {case.gender for case in self.cases}
        return [g for g in Gender if g in present]


@dataclass(frozen=True)
class CaseFilter:
    case_type: str | None = None
    gender: Gender | None = None
    age_group: str | None = None

    def admits(self, case: CaseData) -> bool:
        return (self.case_type is None or case.case_type == self.case_type) and (
            self.gender is None or case.gender is self.gender
        ) and (self.age_group is None or case.age_group == self.age_group)


ALL_CASES = CaseFilter()


@dataclass(frozen=True)
class QuestionTally:
    question: QuestionRef
    tally: Tally


@dataclass(frozen=True)
class SectionTally:
    checklist_id: str
    section_id: str
    title: str
    tally: Tally
    questions: tuple[QuestionTally, ...]


def question_tallies(
    data: UnitData, case_filter: CaseFilter = ALL_CASES, *, with_empty_checklists: bool = False
) -> list[QuestionTally]:
    """The one count of Ja/Nej/X/unanswered in the product: per question, the effective answers
    of the cases that count (sample without dropouts) and pass the filter. Status, the results
    view, the enhet workbook and PDF and the summaries all count through here.

    Questions of a checklist none of whose cases pass the filter are left out, unless
    `with_empty_checklists` asks for them (with zero counts, as the status lists them)."""
    return _tallies(data.questions, counted_by_type(data, case_filter), with_empty_checklists)


def question_tallies_by_group(data: UnitData, group_of: Callable[[CaseData], str]) -> dict[str, list[QuestionTally]]:
    """`question_tallies` once per group of the cases that count, the groups being what `group_of`
    gives (a kön, an åldersgrupp), as a filter per group would give them; the cases are sorted
    into their groups in one pass. Only groups with cases are returned."""
    groups: dict[str, dict[str, list[CaseData]]] = {}
    for case in data.cases:
        if case.status is not CaseStatus.DROPOUT:  # CaseData.counts, inline
            groups.setdefault(group_of(case), {}).setdefault(case.case_type, []).append(case)
    return {group: _tallies(data.questions, by_type, False) for group, by_type in groups.items()}


def _tallies(questions: Iterable[QuestionRef], by_type: Mapping[str, list[CaseData]],
             with_empty_checklists: bool) -> list[QuestionTally]:
    # Each case's answers are counted once, in C, as (question id, answer) pairs per case type; a
    # summary counts 300 enheter three times over. What is neither Ja, Nej nor X is unanswered.
    pairs = {
        case_type: Counter(chain.from_iterable(case.answers.items() for case in cases))
        for case_type, cases in by_type.items()
    }
    tallies = []
    for q in questions:
        cases = by_type.get(q.checklist_id)
        if cases is None:
            if with_empty_checklists:
                tallies.append(QuestionTally(q, Tally()))
            continue
        counts, question_id = pairs[q.checklist_id], q.question_id
        yes, no = counts[(question_id, Answer.YES)], counts[(question_id, Answer.NO)]
        not_applicable = counts[(question_id, Answer.NOT_APPLICABLE)]
        tallies.append(QuestionTally(q, Tally(yes, no, not_applicable, len(cases) - yes - no - not_applicable)))
    return tallies


def counted_by_type(data: UnitData, case_filter: CaseFilter = ALL_CASES) -> dict[str, list[CaseData]]:
    """The cases that count in the results and pass the filter, by case type (checklist id)."""
    by_type: dict[str, list[CaseData]] = {}
    case_type, gender, age_group = case_filter.case_type, case_filter.gender, case_filter.age_group
    for case in data.cases:  # CaseData.counts and CaseFilter.admits, inline: a summary runs this 900 times
        if case.status is not CaseStatus.DROPOUT and (case_type is None or case.case_type == case_type) and (
            gender is None or case.gender is gender
        ) and (age_group is None or case.age_group == age_group):
            by_type.setdefault(case.case_type, []).append(case)
    return by_type


def section_tallies(rows: Iterable[QuestionTally]) -> list[SectionTally]:
    sections: dict[tuple[str, str], list[QuestionTally]] = {}
    for row in rows:
        sections.setdefault((row.question.checklist_id, row.question.section_id), []).append(row)
    return [
        SectionTally(checklist_id, section_id, members[0].question.section_title,
                     sum_tallies(member.tally for member in members), tuple(members))
        for (checklist_id, section_id), members in sections.items()
    ]


def ranked(rows: Iterable[QuestionTally], minimum_assessed: int = 1) -> list[QuestionTally]:
    """Questions with a share, best first; ties broken by more cases assessed, then order."""
    usable = [r for r in rows if r.tally.assessed >= minimum_assessed]
    return sorted(usable, key=lambda r: (-(r.tally.share or 0.0), -r.tally.assessed))


def question_numbers(questions: Iterable[QuestionRef], titles: Mapping[str, str]) -> dict[str, str]:
    """Short labels 'F1', 'F2', … 'U1', … for tables and chart axes: the checklist's initial and
    the question's place in it. Two checklists with the same initial get two letters."""
    by_checklist: dict[str, list[QuestionRef]] = {}
    for question in questions:
        by_checklist.setdefault(question.checklist_id, []).append(question)
    prefixes: dict[str, str] = {}
    for checklist_id in by_checklist:
        title = titles.get(checklist_id, checklist_id) or checklist_id
        prefix = title[:1].upper()
        if prefix in prefixes.values():
            prefix = title[:2].capitalize()
        prefixes[checklist_id] = prefix
    return {
        q.question_id: f"{prefixes[checklist_id]}{number}"
        for checklist_id, members in by_checklist.items()
        for number, q in enumerate(members, start=1)
    }
