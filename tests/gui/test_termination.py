"""The system ends the program (SIGTERM at logout or shutdown, SIGHUP, Ctrl+C) just after the
person typed: what they typed is in the file, and the program ends by itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from aktgranskning.services.analysis import read_analysis
from aktgranskning.services.opening import open_for_reading
from tests.support.demo_cache import copy_demo

# Opens the file in the real window, types into the analysis and says so; then waits in the
# event loop until the parent's signal ends it (or gives up after 20 s, exit code 9).
_CHILD = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from aktgranskning.gui.launch import create_application, run_gui
from aktgranskning.gui.main_window import MainWindow
from aktgranskning.services.settings import REVIEWER_NAME

app = create_application()

def type_in_the_analysis():
    window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
    window.settings.set(REVIEWER_NAME, "AB")  # the first edit would otherwise ask for the name
    window.show_analysis()
    field = window.analysis.fields["development_areas"]
    field.setFocus()
    QTest.keyClicks(field, "Skrivet ")  # typed: QTest types ASCII only
    field.insertPlainText(sys.argv[2])  # the rest as a paste
    print("SKRIVET", flush=True)

QTimer.singleShot(0, type_in_the_analysis)  # the first moment of the loop: the file is open
QTimer.singleShot(20000, lambda: app.exit(9))
sys.exit(run_gui([sys.argv[1]]))
"""

PASTED = "precis innan utloggningen – åäö"


def _development_areas_in(path: Path) -> str:
    """What the enhet's file says, as anyone reading it gets it."""
    session = open_for_reading(path)
    try:
        return read_analysis(session).development_areas
    finally:
        session.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["TERM", "HUP", "INT"])
def test_text_typed_just_before_the_system_ends_the_program_is_saved(tmp_path: Path, number: int,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = next(p for p in copy_demo(tmp_path / "demo") if p.name == "Mottagningen 2026.granskning")
    data_folder = tmp_path / "data"
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AKTGRANSKNING_DATAMAPP": str(data_folder)}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), PASTED], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=environment)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # the child gives up after 20 s
        assert line.strip() == "SKRIVET", child.stderr.read() if child.stderr else ""
        child.send_signal(number)  # well inside the 0.7 s the analysis waits before it saves
        returncode = child.wait(timeout=15)
    finally:
        if child.poll() is None:
            child.kill()
    assert returncode == 0, child.stderr.read() if child.stderr else ""
    monkeypatch.setenv("AKTGRANSKNING_DATAMAPP", str(tmp_path / "en annan dator"))  # the file alone
    assert _development_areas_in(path) == "Skrivet " + PASTED


def test_the_session_managers_request_saves_what_waits_in_every_window_at_once(qtbot, review_file: Path) -> None:
    from aktgranskning.gui.termination import save_every_window
    from aktgranskning.services.settings import REVIEWER_NAME
    from tests.gui.conftest import opened_window

    window = opened_window(qtbot, review_file)
    try:
        window.settings.set(REVIEWER_NAME, "AB")
        window.show_analysis()
        field = window.analysis.fields["strengths"]
        field.setFocus()
        field.insertPlainText("Tydliga bedömningar")
        assert read_analysis(window.session).strengths == ""  # waiting for its 0.7 s
        save_every_window()  # what logging out asks for (QGuiApplication.commitDataRequest)
        assert read_analysis(window.session).strengths == "Tydliga bedömningar"
        assert window.isVisible()  # saving is all it does: the session may still be cancelled
    finally:
        window.close()
