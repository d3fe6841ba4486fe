"""Counting answers: per question and per section, Ja/Nej/X/unanswered and the compliance share.

The share is Ja / (Ja + Nej). X (not applicable) and dropouts are left out, and the share is
never shown without its counts, because with 20 cases one case moves it by five points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case, CaseStatus
from aktgranskning.domain.checklist import Checklist, effective_answers

NO_SHARE_TEXT = "– inga Ja/Nej"


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    no: int = 0
    not_applicable: int = 0
    unanswered: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.yes + other.yes,
            self.no + other.no,
            self.not_applicable + other.not_applicable,
            self.unanswered + other.unanswered,
        )

    @property
    def assessed(self) -> int:
        """The denominator of the share: Ja + Nej."""
        return self.yes + self.no

    @property
    def share(self) -> float | None:
        return self.yes / self.assessed if self.assessed else None

    def describe(self) -> str:
        """'17 av 19 (89 %)', or '– inga Ja/Nej' when nothing was Ja or Nej (the same words as
        beside the bars of the charts)."""
        if not self.assessed:
            return NO_SHARE_TEXT
        return f"{self.yes} av {self.assessed} ({format_percent(self.share)})"

    @classmethod
    def of(cls, answers: Iterable[Answer | None]) -> Tally:
        yes = no = na = unanswered = 0
        for answer in answers:
            if answer is Answer.YES:
                yes += 1
            elif answer is Answer.NO:
                no += 1
            elif answer is Answer.NOT_APPLICABLE:
                na += 1
            else:
                unanswered += 1
        return cls(yes, no, na, unanswered)


def format_percent(share: float | None) -> str:
    if share is None:
        return "–"
    return f"{round(share * 100)} %"


@dataclass(frozen=True)
class QuestionResult:
    checklist_id: str
    question_id: str
    text: str
    section_id: str
    tally: Tally


@dataclass(frozen=True)
class SectionResult:
    checklist_id: str
    section_id: str
    title: str
    tally: Tally


@dataclass(frozen=True)
class ChecklistResult:
    checklist: Checklist
    cases_reviewed: int  # cases of this type in the sample, not dropouts
    questions: tuple[QuestionResult, ...]
    sections: tuple[SectionResult, ...]

    @property
    def total(self) -> Tally:
        total = Tally()
        for section in self.sections:
            total = total + section.tally
        return total


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    in_progress: int
    not_started: int
    dropouts: int

    @property
    def reviewed(self) -> int:
        """The number of cases actually reviewed: finished, dropouts excluded."""
        return self.done


def progress(cases: Iterable[Case]) -> Progress:
    in_sample = [case for case in cases if case.in_sample]
    count = {status: 0 for status in CaseStatus}
    for case in in_sample:
        count[case.status] += 1
    return Progress(
        total=len(in_sample),
        done=count[CaseStatus.DONE],
        in_progress=count[CaseStatus.IN_PROGRESS],
        not_started=count[CaseStatus.NOT_STARTED],
        dropouts=count[CaseStatus.DROPOUT],
    )


def checklist_result(
    checklist: Checklist,
    cases: Iterable[Case],
    stored_answers: Mapping[int, Mapping[str, Answer | None]],
) -> ChecklistResult:
    """Results for one checklist over the cases of its type that count (sample, no dropouts)."""
    counted = [c for c in cases if c.case_type == checklist.id and c.counts_in_results]
    effective = [effective_answers(checklist, stored_answers.get(c.id, {})) for c in counted]
    questions = tuple(
        QuestionResult(
            checklist_id=checklist.id,
            question_id=q.id,
            text=q.text,
            section_id=checklist.section_of(q.id).id,
            tally=Tally.of(answers[q.id] for answers in effective),
        )
        for q in checklist.questions()
    )
    sections = tuple(
        SectionResult(
            checklist_id=checklist.id,
            section_id=section.id,
            title=section.title,
            tally=_sum_tallies(r.tally for r in questions if r.section_id == section.id),
        )
        for section in checklist.sections
    )
    return ChecklistResult(checklist, len(counted), questions, sections)


def _sum_tallies(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total = total + tally
    return total
