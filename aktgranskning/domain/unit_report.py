"""What an enhet's report shows, computed once for the results view, the workbook and the PDF."""

from __future__ import annotations

from dataclasses import dataclass

from aktgranskning.domain.comparison import YearChange, compare
from aktgranskning.domain.completeness import Completeness
from aktgranskning.domain.results import Tally, sum_tallies
from aktgranskning.domain.thresholds import Level
from aktgranskning.domain.unit_data import (
    ALL_CASES,
    CaseFilter,
    ChecklistRef,
    QuestionRef,
    QuestionTally,
    SectionTally,
    UnitData,
    counted_by_type,
    question_numbers,
    question_tallies,
    ranked,
    section_tallies,
)

# Strongest/weakest lists ignore questions with fewer Ja/Nej than this: 1 av 1 is no strength.
MIN_ASSESSED_FOR_RANKING = 3


@dataclass(frozen=True)
class ReportRow:
    number: str  # 'F1', 'U12'
    question: QuestionRef
    tally: Tally
    level: Level
    previous: Tally | None = None
    change: YearChange | None = None


@dataclass(frozen=True)
class ChecklistBlock:
    checklist: ChecklistRef
    cases: int  # cases of this type that count (and pass the filter)
    rows: tuple[ReportRow, ...]

    @property
    def total(self) -> Tally:
        return sum_tallies(row.tally for row in self.rows)


@dataclass(frozen=True)
class UnitReport:
    data: UnitData
    previous: UnitData | None
    blocks: tuple[ChecklistBlock, ...]
    sections: tuple[SectionTally, ...]
    case_filter: CaseFilter

    @property
    def completeness(self) -> Completeness:
        """Klara, pågående, ej påbörjade and bortfall of the whole enhet (the filter aside)."""
        return Completeness.of((case.status for case in self.data.cases), self.data.conflicts)

    @property
    def rows(self) -> list[ReportRow]:
        return [row for block in self.blocks for row in block.rows]

    def question_tallies(self) -> list[QuestionTally]:
        return [QuestionTally(row.question, row.tally) for row in self.rows]

    def strongest(self, count: int = 3) -> list[ReportRow]:
        """The best results at the green level, best first."""
        return [row for row in self._ranked() if row.level is Level.GOOD][:count]

    def weakest(self, count: int = 3) -> list[ReportRow]:
        """The poorest results below the green level, poorest first."""
        return [row for row in reversed(self._ranked()) if row.level in (Level.POOR, Level.FAIR)][:count]

    def _ranked(self) -> list[ReportRow]:
        by_id = {row.question.question_id: row for row in self.rows}
        order = ranked(
            self.question_tallies(),
            minimum_assessed=MIN_ASSESSED_FOR_RANKING,
        )
        return [by_id[item.question.question_id] for item in order]


def build_report(data: UnitData, previous: UnitData | None = None, case_filter: CaseFilter = ALL_CASES) -> UnitReport:
    tallies = question_tallies(data, case_filter)
    previous_tallies = (
        {t.question.question_id: t.tally for t in question_tallies(previous, case_filter)} if previous else {}
    )
    numbers = question_numbers(data.questions, {c.id: c.title for c in data.checklists})
    counted = counted_by_type(data, case_filter)
    blocks = []
    for checklist in data.checklists:
        rows = []
        for item in tallies:
            if item.question.checklist_id != checklist.id:
                continue
            before = previous_tallies.get(item.question.question_id)
            rows.append(
                ReportRow(
                    number=numbers[item.question.question_id],
                    question=item.question,
                    tally=item.tally,
                    level=data.thresholds.for_question(item.question).level(item.tally.share),
                    previous=before,
                    change=compare(item.tally, before) if before is not None else None,
                )
            )
        if rows:
            blocks.append(ChecklistBlock(checklist, len(counted.get(checklist.id, ())), tuple(rows)))
    return UnitReport(data, previous, tuple(blocks), tuple(section_tallies(tallies)), case_filter)


SUGGESTED_QUESTIONS = 6


def suggest_strengths(report: UnitReport) -> str:
    """A starting point for 'Vad fungerar bra?': the strongest green results."""
    return _bullets(report.strongest(SUGGESTED_QUESTIONS), "Ingen fråga nådde den gröna nivån med minst "
                    f"{MIN_ASSESSED_FOR_RANKING} bedömda akter.")


def suggest_development_areas(report: UnitReport) -> str:
    """A starting point for 'Vad behöver utvecklas?': the weakest results below green."""
    return _bullets(report.weakest(SUGGESTED_QUESTIONS), "Ingen fråga låg under den gröna nivån.")


def _bullets(rows: list[ReportRow], when_none: str) -> str:
    if not rows:
        return when_none
    return "\n".join(f"• {row.number} {row.question.text} – {row.tally.describe()}" for row in rows)
