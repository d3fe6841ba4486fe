"""The utvecklare's summary window: a dropped folder is read with progress, warnings are shown by
file name, the heatmap has every question × level, and the summary is saved."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog

from aktgranskning.gui.summary_dialog import SummaryDialog
from aktgranskning.services.demo import DEMO_UNITS
from aktgranskning.services.summary import build_summary
from tests.gui.waiting import wait_for_background
from tests.support.demo_cache import copy_demo_workbooks


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("sammanstallning")
    out = base / "enheter"
    copy_demo_workbooks(out, 2026)
    book = openpyxl.load_workbook(out / "Utredning barn 2026.xlsx")
    for row in book["Data"].iter_rows():
        if row[10].value == "Nej":
            row[10].value = "Ja"
            break
    book.save(out / "Utredning barn 2026.xlsx")
    return out


def test_a_folder_is_read_with_warnings_and_the_heatmap_has_every_level(qtbot, workbooks, tmp_path, monkeypatch):
    dialog = SummaryDialog()
    qtbot.addWidget(dialog)
    dialog.add_paths([workbooks])
    assert dialog.files.count() == len(DEMO_UNITS)
    assert dialog.run() is not None
    wait_for_background(qtbot)
    model = dialog.heatmap.model()
    # förhandsbedömning, utredning and ekonomiskt bistånd × förvaltning, 3 områden, 4 enheter
    assert model.rowCount() == 14 + 25 + 15 and model.columnCount() == 8
    expected = build_summary([workbooks])
    first = expected.questions[0].question_id
    assert model.index(0, 0).data().endswith(
        f"({expected.levels[0].tally(first).yes}/{expected.levels[0].tally(first).assessed})")
    log = dialog.log.toPlainText()
    assert "Utredning barn 2026.xlsx: Data-bladet är ändrat för hand" in log
    assert log.count("✓") == len(DEMO_UNITS)
    target = tmp_path / "Sammanställning.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.save_workbook()
    wait_for_background(qtbot)
    assert openpyxl.load_workbook(target).sheetnames[0] == "Sammanställning"
