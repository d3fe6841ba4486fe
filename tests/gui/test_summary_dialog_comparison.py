"""The summary window's comparison with an earlier year reaches every file it saves, and the window
says what was compared (or that the folder chosen is not of an earlier year)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from aktgranskning.gui.summary_dialog import SummaryDialog
from tests.gui.waiting import wait_for_background
from tests.summary.two_years import last_year_units, this_year_units, write_workbooks


@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("tva_ar")
    return write_workbooks(base / "2026", this_year_units()), write_workbooks(base / "2025", last_year_units())


def _summarised(qtbot, monkeypatch, folders: tuple[Path, Path]) -> SummaryDialog:
    current, earlier = folders
    dialog = SummaryDialog()
    qtbot.addWidget(dialog)
    dialog.add_paths([current])
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(earlier))
    dialog.choose_earlier()
    assert dialog.run() is not None
    wait_for_background(qtbot)
    return dialog


def _save(qtbot, monkeypatch, save, target: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    save()
    wait_for_background(qtbot)
    assert target.exists()


def test_the_comparison_chosen_in_the_window_reaches_the_json_and_the_pdf(qtbot, monkeypatch, two_years, tmp_path):
    dialog = _summarised(qtbot, monkeypatch, two_years)
    assert ("↔ Jämförs med 2025: 2 enheter finns båda åren, 1 är ny i år och 2 fanns bara förra året. "
            "Jämförelsen står i Excel, pdf och JSON.") in dialog.log.toPlainText()
    _save(qtbot, monkeypatch, dialog.save_json, tmp_path / "summa.json")
    data = json.loads((tmp_path / "summa.json").read_text(encoding="utf-8"))
    assert data["jamforelse"]["ar"] == 2025
    renamed = next(level for level in data["jamforelse"]["nivaer"] if level["namn"] == "mottagningen")
    assert renamed["forra_aret"]["namn"] == "Mottagningen"
    assert [q["kan_vara_slumpen"] for q in renamed["fragor"]] == [False, True]
    _save(qtbot, monkeypatch, dialog.save_pdf, tmp_path / "summa.pdf")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "summa.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Jämförelse med 2025" in text and "hette ”Mottagningen” 2025" in text


def test_a_folder_of_the_same_year_is_refused_in_the_log(qtbot, monkeypatch, two_years):
    current, _ = two_years
    dialog = _summarised(qtbot, monkeypatch, (current, current))
    assert "✗ Jämförelsen ska gälla ett tidigare år än 2026, men filerna att jämföra med gäller 2026." in (
        dialog.log.toPlainText())
