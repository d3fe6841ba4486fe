"""The round window on a 1366×768 laptop at a scaling (150 % by default), with a realistic round:
six enheter in two områden, one without a file and one unfinished. Prints what it measured as
JSON (tests/gui/test_round_window_fit.py) and with --spara saves docs/omgang-oversikt.png and
docs/omgang-analys.png.

    python scripts/round_window_shots.py 1.5 [--spara]

Runs itself in a child process, because Qt reads QT_SCALE_FACTOR once at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
YEAR = 2026
ADMINISTRATION = "Socialförvaltningen Provkommun"
# (område, enhet, akter klara of 8, a Nej in every n-th answer, the enhet's own analysis, report handed in)
UNITS = (
    ("Barn och unga", "Mottagningen", 8, 9, {
        "strengths": "- Anmälan dokumenteras samma dag\n- Skyddsbedömningen görs direkt",
        "development_areas": "- Barnets egen berättelse saknas ofta\n- Beslutsmotiveringen är kortfattad",
        "keep_good": "Ärendedragning varje vecka. Checklistan används vid varje anmälan."}, True),
    ("Barn och unga", "Utredning barn", 8, 5, {
        "development_areas": "Samtal med barnet dokumenteras inte alltid.",
        "keep_good": "- Metodstöd från BBIC-samordnaren\n- Gemensam genomgång av nya rutiner"}, False),
    ("Barn och unga", "Familjeteamet", 3, 7, {}, False),
    ("Vuxen", "Försörjningsstöd", 8, 6, {"strengths": "1. Snabb handläggning\n2. Tydliga beslut"}, True),
    ("Vuxen", "Missbruk vuxen", 8, 4, {"development_areas": "- Uppföljningen av insatser dokumenteras sällan"},
     False),
)
MISSING = ("Vuxen", "Boendestöd")


def make_folder(base: Path) -> Path:
    """The enheter's granskningsfiler, with answers and analyses, and the round file beside them."""
    sys.path.insert(0, str(ROOT))
    from aktgranskning.domain.answers import Answer
    from aktgranskning.domain.checklist import Applicability, applicability, effective_answers
    from aktgranskning.domain.round import Round, RoundUnit
    from aktgranskning.services.analysis import save_analysis_text
    from aktgranskning.services.checklists import installed_checklists
    from aktgranskning.services.opening import NewFileInfo, create_review_file, open_for_filling, open_for_reading
    from aktgranskning.services.report import export_unit_report, unit_report
    from aktgranskning.services.round import save_round
    from tests.conftest import make_cases

    checklists = installed_checklists()
    by_id = {c.id: c for c in checklists}
    folder = base / "Enheternas filer"
    folder.mkdir()
    for area, unit, done, every, analysis, handed_in in UNITS:
        path = folder / f"{unit} {YEAR}.granskning"
        create_review_file(path, NewFileInfo(ADMINISTRATION, area, unit, YEAR), checklists, make_cases(8, 2))
        session = open_for_filling(path, reviewer="demo")
        try:
            chosen = [c for c in session.cases() if c.counts_in_results][:done]
            answers = {}
            for number, case in enumerate(chosen):
                checklist = by_id[case.case_type]
                given: dict[str, Answer] = {}
                for index, question in enumerate(checklist.questions()):
                    if applicability(question, effective_answers(checklist, given)) is Applicability.APPLICABLE:
                        given[question.id] = Answer.NO if (index + number) % every == 0 else Answer.YES
                answers[case.id] = given
            session.apply_answers(answers, reviewer="AB", at=f"{YEAR}-10-05T10:00:00+02:00")
            for case in chosen:
                session.mark_done(case.id)
            for field, text in analysis.items():
                save_analysis_text(session, field, text)
        finally:
            session.close()
        if handed_in:
            report = open_for_reading(path)
            try:
                export_unit_report(unit_report(report), folder / f"{unit} {YEAR}.xlsx", None)
            finally:
                report.close()
    units = tuple(RoundUnit(area, unit, 8) for area, unit, *_ in UNITS)
    units = (*units[:5], RoundUnit(*MISSING, 8))
    path = base / f"Omgång {YEAR}.omgang"
    save_round(path, Round(ADMINISTRATION, YEAR, units, checklist_ids=tuple(by_id), folder=folder.name))
    return path


def measure(save: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as base:
        from aktgranskning.domain.round import AnalysisLevel
        from aktgranskning.gui.background import wait_until_idle
        from aktgranskning.gui.launch import create_application
        from aktgranskning.gui.round_window import open_round_window
        from tests.gui.screen_probe import controls_off_screen

        path = make_folder(Path(base))
        app = create_application()
        available = app.primaryScreen().availableGeometry()
        window = open_round_window(path)
        assert window is not None
        wait_until_idle()
        result: dict[str, object] = {
            "available": [available.x(), available.y(), available.width(), available.height()],
            "frame": list(window.frameGeometry().getRect()),
            "inside": available.contains(window.frameGeometry()),
            "rows": window.overview_model.rowCount(),
            "rows_visible": window.overview.viewport().height() // max(window.overview.rowHeight(0), 1),
        }
        off = {"översikt": controls_off_screen(window, window)}
        if save:
            window.grab().save(str(DOCS / "omgang-oversikt.png"))
        window.tabs.setCurrentIndex(1)
        window.choose_level(AnalysisLevel.AREA, "Barn och unga")
        window.fields["strengths"].setPlainText("Anmälningarna dokumenteras skyndsamt i hela området.")
        window.fields["strengths"].left.emit()  # as when the user goes on to the next field
        window.fill_suggestions()
        wait_until_idle()
        off["analys"] = controls_off_screen(window, window)
        if save:
            window.grab().save(str(DOCS / "omgang-analys.png"))
        window.tabs.setCurrentIndex(2)
        wait_until_idle()
        off["åtgärder"] = controls_off_screen(window, window)
        result["off"] = off
        result["frame_after"] = list(window.frameGeometry().getRect())
        result["inside_after"] = available.contains(window.frameGeometry())
        window.close()
        return result


def main(argv: list[str]) -> int:
    scale = next((a for a in argv if not a.startswith("-")), "1.5")
    if os.environ.get("QT_SCALE_FACTOR") != scale:
        sys.path.insert(0, str(ROOT))
        from scripts.screen_fit import environment

        with tempfile.TemporaryDirectory() as folder:
            child = subprocess.run([sys.executable, __file__, *argv],
                                   env=environment(float(scale), Path(folder)) | {"QT_SCALE_FACTOR": scale})
            return child.returncode
    sys.path.insert(0, str(ROOT))
    print(json.dumps(measure("--spara" in argv), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
