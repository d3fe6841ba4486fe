"""Enhet files for round tests, made quickly: a granskningsfil with a number of klara akter,
optionally with other colour limits, an analysis text or its workbook beside it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.checklist import Applicability, Checklist, applicability, effective_answers
from aktgranskning.domain.round import Round, RoundUnit
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.services.analysis import save_analysis_text, save_thresholds
from aktgranskning.services.opening import NewFileInfo, create_review_file, open_for_filling, open_for_reading
from aktgranskning.services.report import export_unit_report, unit_report
from aktgranskning.storage.round_file import write_round_file
from tests.conftest import make_cases

ADMINISTRATION = "Socialförvaltningen Provkommun"
YEAR = 2026
OTHER_LIMITS = Thresholds(80, 60)


def round_of_six(folder_name: str = "filer") -> Round:
    return Round(ADMINISTRATION, YEAR, (
        RoundUnit("Barn och familj", "Mottagningen", 4),
        RoundUnit("Barn och familj", "Utredning barn", 4),
        RoundUnit("Område #1", "Öppenvården", 4),
        RoundUnit("Område #1", "Familjebehandling", 20),
        RoundUnit("Ungdom och vuxna", "Utredning ungdom", 4),
        RoundUnit("Ungdom och vuxna", "Socialjouren", 4, file="jouren.granskning"),
    ), folder=folder_name)


@pytest.fixture(scope="session", name="round_of_six_path")
def six_enheter_round(tmp_path_factory, checklists) -> Path:  # type: ignore[no-untyped-def]
    """A round of 6 enheter: one klar and submitted, one unfinished, one not started (its file
    names the enhet in other case), one without a file, one with other colour limits and one
    named by its file; plus a file of an enhet not in the round and one that cannot be read."""
    base = tmp_path_factory.mktemp("omgang")
    folder = base / "filer"
    done = make_enhet(folder, checklists, "Barn och familj", "Mottagningen", YEAR, done=4, analysis="Bra flöde.")
    session = open_for_reading(done)
    try:
        export_unit_report(unit_report(session), folder / "Mottagningen 2026.xlsx", None)
    finally:
        session.close()
    make_enhet(folder, checklists, "Barn och familj", "Utredning barn", YEAR, done=1)
    make_enhet(folder, checklists, "Fel område", "ÖPPENVÅRDEN", YEAR, done=0)
    make_enhet(folder, checklists, "Ungdom och vuxna", "Utredning ungdom", YEAR, done=4, thresholds=OTHER_LIMITS)
    make_enhet(folder, checklists, "Ungdom och vuxna", "Jour", YEAR, done=4, name="jouren.granskning")
    make_enhet(folder, checklists, "Barn och familj", "Annan enhet", YEAR, done=0)
    (folder / "trasig.granskning").write_bytes(b"inte en databas" * 10)
    path = base / "Omgång 2026.omgang"
    write_round_file(path, round_of_six())
    return path



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
