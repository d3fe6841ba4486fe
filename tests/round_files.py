"""Enhet files for round tests, made quickly: a granskningsfil with a number of klara akter,
optionally with other colour limits, an analysis text or its workbook beside it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.checklist import Applicability, Checklist, applicability, effective_answers
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.services.analysis import save_analysis_text, save_thresholds
from aktgranskning.services.opening import NewFileInfo, create_review_file, open_for_filling
from tests.conftest import make_cases

ADMINISTRATION = "Socialförvaltningen Provkommun"


def make_enhet(folder: Path, checklists: Sequence[Checklist], area: str, unit: str, year: int, done: int,
               cases: int = 4, thresholds: Thresholds | None = None, analysis: str = "",
               name: str | None = None) -> Path:
    """A granskningsfil `<unit> <year>.granskning` (or `name`) whose first `done` akter are klar."""
    path = folder / (name or f"{unit} {year}.granskning")
    folder.mkdir(parents=True, exist_ok=True)
    create_review_file(path, NewFileInfo(ADMINISTRATION, area, unit, year), checklists, make_cases(cases, 1))
    if not done and thresholds is None and not analysis:
        return path
    by_id = {c.id: c for c in checklists}
    session = open_for_filling(path, reviewer="test")
    try:
        chosen = [c for c in session.cases() if c.counts_in_results][:done]
        session.apply_answers({c.id: _all_yes(by_id[c.case_type]) for c in chosen}, reviewer="AB",
                              at=f"{year}-10-05T10:00:00+02:00")
        for case in chosen:
            session.mark_done(case.id)
        if thresholds is not None:
            save_thresholds(session, thresholds)
        if analysis:
            save_analysis_text(session, "strengths", analysis)
    finally:
        session.close()
    return path


def _all_yes(checklist: Checklist) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for question in checklist.questions():
        if applicability(question, effective_answers(checklist, answers)) is Applicability.APPLICABLE:
            answers[question.id] = Answer.YES
    return answers
