"""The summary window shows a file it could not read among the warnings, names why, and still
shows the result of the others."""

from __future__ import annotations

import shutil
from pathlib import Path

from aktgranskning.gui.summary_dialog import SummaryDialog
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.report import export_unit_report, unit_report
from tests.gui.waiting import wait_for_background
from tests.trust.hostile_files import BY_NAME, base_file, make_hostile


def test_a_bad_file_is_listed_with_its_reason_and_the_others_are_summarised(qtbot, tmp_path):
    base = base_file(tmp_path / "Testenheten 2026.granskning")
    folder = tmp_path / "enheter"
    folder.mkdir()
    shutil.copyfile(base, folder / base.name)
    session = open_for_reading(base)
    try:
        export_unit_report(unit_report(session), tmp_path / "rapport.xlsx", None)
    finally:
        session.close()
    (folder / "Trasig 2026.xlsx").write_bytes((tmp_path / "rapport.xlsx").read_bytes()[:2000])
    make_hostile(base, folder / "Fientlig 2026.granskning", BY_NAME["view_shadowing_answers"])
    dialog = SummaryDialog()
    qtbot.addWidget(dialog)
    dialog.add_paths([Path(folder)])
    assert dialog.files.count() == 3
    assert dialog.run() is not None
    wait_for_background(qtbot)
    log = dialog.log.toPlainText()
    assert "omfattar inte 2 fil(er) som inte kunde läsas" in log
    assert "✗ Fientlig 2026.granskning: lästes inte och ingår inte – filen innehåller en vy (view)" in log
    assert "✗ Trasig 2026.xlsx: lästes inte och ingår inte – " in log
    assert log.count("✓") == 1 and "oväntat fel" not in log
    assert dialog.heatmap.model().columnCount() == 3  # förvaltning, område, the one enhet
