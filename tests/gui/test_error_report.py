"""An unexpected error in a slot: a Swedish dialog naming the open file, no traceback, the stack in
the log, and the window keeps working."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from aktgranskning.domain.steps import work_step
from aktgranskning.gui import error_report
from aktgranskning.gui.error_report import (
    WindowState,
    install_error_reporter,
    unexpected_error_text,
)
from aktgranskning.logging_setup import LOG_NAME

SECRET = "".join(["MOT", "-", "9", "1", "7", "3"])


def close_the_dialog_and_read_it(seen: list[str]) -> None:
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        seen.append(f"{box.windowTitle()}\n{box.text()}")
        box.accept()
    else:
        QTimer.singleShot(20, lambda: close_the_dialog_and_read_it(seen))


def menu_action(window, text: str) -> QAction:
    return next(action for action in window.findChildren(QAction) if action.text() == text)


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_shows_the_open_file_and_the_window_goes_on(qtbot, window, review_file, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_error_reporter(window)

    def broken_report(*args, **kwargs):
        raise KeyError(f"akt {SECRET}")

    monkeypatch.setattr("aktgranskning.gui.results_page.current_report", broken_report)
    seen: list[str] = []
    QTimer.singleShot(0, lambda: close_the_dialog_and_read_it(seen))
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # Visa → Resultat
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)

    text = seen[0]
    assert text.startswith("Ett oväntat fel inträffade")
    assert "KeyError" in text and str(review_file) in text and "Programmet fortsätter" in text
    assert "inträffade i ärendelistan, när du valde ”Resultat”" in text
    assert "Traceback" not in text and SECRET not in text
    log = (Path(os.environ["AKTGRANSKNING_DATAMAPP"]) / "logg" / LOG_NAME).read_text(encoding="utf-8")
    assert "broken_report" in log and SECRET not in log

    monkeypatch.undo()  # the window still works: the case list and the results page open
    menu_action(window, "Ä&rendelistan").trigger()
    assert window.pages.currentWidget() is window.case_list
    menu_action(window, "&Resultat").trigger()
    assert window.pages.currentWidget() is window.results and window.session is not None


def test_the_dialog_names_the_step_when_one_was_marked(tmp_path):
    target = tmp_path / "Enhet.xlsx"
    try:
        with work_step("skriva rapporten", target):
            raise OSError("x")
    except OSError as error:
        text = unexpected_error_text(error, WindowState(tmp_path / "Enhet 2026.granskning", "på resultatsidan"), None)
    assert text.startswith(f"Programmet kunde inte skriva rapporten {target} på resultatsidan: oväntat fel (OSError).")
    assert f"Öppen granskningsfil: {tmp_path / 'Enhet 2026.granskning'}" in text
    assert "Loggen kunde inte skrivas." in text


def test_a_second_error_while_the_dialog_is_shown_is_only_logged(qtbot, monkeypatch):
    shown: list[str] = []
    reporter = error_report.ErrorReporter(lambda: WindowState(None, "i fönstret"), lambda: None)

    def exec_and_fail_again(box: QMessageBox) -> int:
        shown.append(box.text())
        reporter.report(RuntimeError("igen"))  # e.g. a paint event failing under the dialog
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_and_fail_again)
    reporter.report(ValueError("först"))
    assert len(shown) == 1 and "ValueError" in shown[0] and "Ingen granskningsfil var öppen." in shown[0]
