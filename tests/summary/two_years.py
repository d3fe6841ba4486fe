"""Two years of a small förvaltning in memory, for the comparison tests: this year one enhet's
name is typed in lower case, one enhet is new, one enhet and one område are gone."""

from __future__ import annotations

from pathlib import Path

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason, Gender
from aktgranskning.domain.summary import Summary, SummaryInput, summarise
from aktgranskning.domain.unit_data import CaseData, ChecklistRef, QuestionRef, UnitData, UnitIdentity
from aktgranskning.domain.unit_report import build_report
from aktgranskning.excel.unit_workbook import write_unit_workbook

QUESTIONS = (
    QuestionRef("forhandsbedomning", "s1", "Avsnitt", "fb.q1", "Har anmälan dokumenterats?"),
    QuestionRef("forhandsbedomning", "s1", "Avsnitt", "fb.q2", "Har barnet träffats?"),
)
CHECKLISTS = (ChecklistRef("forhandsbedomning", "1", "hash", "Förhandsbedömning"),)
ADMINISTRATION = "Socialförvaltningen"


def unit(area: str, name: str, year: int, q1: tuple[int, int], q2: tuple[int, int], dropouts: int = 0,
         unfinished: int = 0) -> SummaryInput:
    """An enhet whose Ja/Nej on the two questions are (Ja, Nej) per question, case by case."""
    answers = []
    for n in range(max(sum(q1), sum(q2))):
        answers.append({
            "fb.q1": (Answer.YES if n < q1[0] else Answer.NO) if n < sum(q1) else Answer.NOT_APPLICABLE,
            "fb.q2": (Answer.YES if n < q2[0] else Answer.NO) if n < sum(q2) else Answer.NOT_APPLICABLE,
        })
    cases = [CaseData(n, "forhandsbedomning", Gender.FEMALE if n % 2 else Gender.MALE, "13-17",
                      CaseStatus.IN_PROGRESS if n <= unfinished else CaseStatus.DONE, None, a)
             for n, a in enumerate(answers, start=1)]
    cases += [CaseData(len(cases) + n, "forhandsbedomning", Gender.FEMALE, "13-17", CaseStatus.DROPOUT,
                       DropoutReason.FILE_MISSING) for n in range(1, dropouts + 1)]
    identity = UnitIdentity(ADMINISTRATION, area, name, year, f"{name}-{year}")
    return SummaryInput(f"{name} {year}.xlsx", UnitData(identity, CHECKLISTS, QUESTIONS, tuple(cases)))


def last_year_units() -> list[SummaryInput]:
    return [
        unit("Norr", "Mottagningen", 2025, (18, 2), (10, 10), dropouts=1),
        unit("Norr", "Utredning", 2025, (15, 5), (12, 8)),
        unit("Söder", "Gamla enheten", 2025, (9, 1), (5, 5), dropouts=2),
        unit("Väster", "Västerenheten", 2025, (7, 3), (6, 4)),
    ]


def this_year_units() -> list[SummaryInput]:
    return [
        unit("Norr", "mottagningen", 2026, (4, 16), (11, 9)),  # the same enhet, its name typed in lower case
        unit("Norr", "Utredning", 2026, (16, 4), (12, 8), dropouts=1),
        unit("Söder", "Nya enheten", 2026, (8, 2), (6, 4), unfinished=3),
    ]


def last_year() -> Summary:
    return summarise(last_year_units())


def this_year() -> Summary:
    return summarise(this_year_units())


def write_workbooks(folder: Path, units: list[SummaryInput]) -> Path:
    """The enheter's workbooks, as each enhet would send them in, in a new folder."""
    folder.mkdir()
    for item in units:
        write_unit_workbook(build_report(item.data), folder / item.source, "2026-03-01 10:00", "test")
    return folder
