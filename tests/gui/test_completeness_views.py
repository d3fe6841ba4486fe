"""The results view and the summary window say how many akter are klara, pågående, ej påbörjade
and bortfall, and mark an unfinished result as preliminary (issue 12, point 1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from aktgranskning.gui.results_page import ResultsPage
from aktgranskning.gui.summary_dialog import SummaryDialog
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.status import status_data
from tests.gui.waiting import wait_for_background
from tests.support.demo_cache import copy_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fullstandighet") / "demo"
    copy_demo(folder, installed_checklists(), year=2026)
    return folder


def counts(path: Path) -> dict:
    session = open_for_reading(path)
    try:
        return status_data(session)["akter"]
    finally:
        session.close()


def test_the_results_view_marks_an_unfinished_enhet_preliminary(qtbot, demo, tmp_path):
    path = tmp_path / "Mottagningen 2026.granskning"
    shutil.copy(demo / path.name, path)
    akter = counts(path)
    session = open_for_reading(path)
    try:
        page = ResultsPage()
        qtbot.addWidget(page)
        page.show_session(session)
        text = page.completeness.text()
    finally:
        session.close()
    unfinished = akter["pagaende"] + akter["ej_paborjade"]
    assert text.startswith(f"PRELIMINÄR – {unfinished} av 20 akter är inte färdiggranskade")
    assert (f"{akter['klara']} klara, {akter['pagaende']} pågående, {akter['ej_paborjade']} ej påbörjade, "
            f"{akter['bortfall']} bortfall") in text


def test_the_results_view_of_a_finished_enhet_says_so(qtbot, demo):
    session = open_for_reading(demo / "Mottagningen 2025.granskning")
    try:
        page = ResultsPage()
        qtbot.addWidget(page)
        page.show_session(session)
        assert page.completeness.text().startswith("Alla 20 akter är färdiggranskade")
    finally:
        session.close()


def test_the_summary_window_shows_the_completeness_per_enhet_and_level(qtbot, demo):
    dialog = SummaryDialog()
    qtbot.addWidget(dialog)
    files = sorted(demo.glob("* 2026.granskning"))
    dialog.add_paths(files)
    assert dialog.run() is not None
    wait_for_background(qtbot)
    assert dialog.completeness.text().startswith("PRELIMINÄR –")
    assert f"{len(files)} av {len(files)} enheter är inte färdiggranskade" in dialog.completeness.text()
    model = dialog.heatmap.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert all(h.endswith("(preliminär)") for h in headers)
    log = dialog.log.toPlainText()
    for path in files:
        akter = counts(path)
        line = next(line for line in log.splitlines() if line.startswith(f"✓ {path.name}"))
        assert f"{akter['klara']} av 20 akter klara" in line and line.endswith("PRELIMINÄR")


def test_the_summary_window_tells_what_an_export_replaced(qtbot, demo, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    dialog = SummaryDialog()
    qtbot.addWidget(dialog)
    dialog.add_paths(sorted(demo.glob("* 2026.granskning")))
    assert dialog.run() is not None
    wait_for_background(qtbot)
    target = tmp_path / "s.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.save_workbook()
    wait_for_background(qtbot)
    assert target.exists()
    assert any(notice.startswith("Sammanställningen är preliminär") for notice in dialog.last_notices)
    assert "ℹ Sammanställningen är preliminär" in dialog.log.toPlainText()
