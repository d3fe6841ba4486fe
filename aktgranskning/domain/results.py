"""Ja/Nej/X/unanswered counts (Tally) and the compliance share; the cases' progress.

The counting itself is `domain.unit_data.question_tallies`, the one place that decides which
cases and answers count; everything that shows a count adds Tallies from there.

The share is Ja / (Ja + Nej). X (not applicable) and dropouts are left out, and the share is
never shown without its counts, because with 20 cases one case moves it by five points.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case
from aktgranskning.domain.completeness import Completeness

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
        counts = Counter(answers)  # counted in C: a summary tallies some 30 000 questions
        yes, no, na = counts[Answer.YES], counts[Answer.NO], counts[Answer.NOT_APPLICABLE]
        return cls(yes, no, na, counts.total() - yes - no - na)


def format_percent(share: float | None) -> str:
    if share is None:
        return "–"
    return f"{round(share * 100)} %"


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
    """Klara, pågående, ej påbörjade and bortfall of the sample (unused reserves left out),
    counted as `Completeness` counts them everywhere else."""
    counts = Completeness.of(case.status for case in cases if case.in_sample)
    return Progress(
        total=counts.total,
        done=counts.done,
        in_progress=counts.in_progress,
        not_started=counts.not_started,
        dropouts=counts.dropouts,
    )


def sum_tallies(tallies: Iterable[Tally]) -> Tally:
    """Tallies added up: a section of its questions, a level of its enheter (pooled counts)."""
    total = Tally()
    for tally in tallies:
        total = total + tally
    return total
