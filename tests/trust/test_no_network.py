"""The application never opens a network connection: CLI commands and a GUI session run with
every socket operation that could reach a network blocked by a Python audit hook, and must work
and attempt nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

BLOCKER = '''
import os, socket, sys

_LOG = os.environ["AKTGRANSKNING_NATLOGG"]
_WATCHED = {"socket.connect", "socket.getaddrinfo", "socket.sendto", "socket.sendmsg", "socket.bind",
            "socket.gethostbyname", "socket.gethostbyaddr", "urllib.Request", "http.client.connect"}

def _hook(event, args):
    if event == "socket.__new__":
        family = args[1] if len(args) > 1 else None
        if family in (socket.AF_INET, socket.AF_INET6):
            _refuse(event)
    elif event in _WATCHED:
        _refuse(event)

def _refuse(event):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(event + "\\n")
    raise OSError("nätverk blockerat i testet: " + event)

sys.addaudithook(_hook)
'''


def run_blocked(tmp_path: Path, *args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
           "AKTGRANSKNING_NATLOGG": str(tmp_path / "natlogg.txt"), "AKTGRANSKNING_DATAMAPP": str(tmp_path / "data"),
           "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "aktgranskning", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=180, cwd=tmp_path)


def test_the_blocker_itself_catches_a_connection(tmp_path):
    result = run_blocked(tmp_path, code="import socket; socket.create_connection(('127.0.0.1', 9))")
    assert result.returncode != 0
    assert (tmp_path / "natlogg.txt").read_text(encoding="utf-8").strip()


@pytest.mark.slow
def test_cli_commands_work_with_the_network_blocked(tmp_path):
    steps = [
        ("demo", str(tmp_path / "demo"), "--ar", "2026"),
        ("status", str(tmp_path / "demo" / "Mottagningen 2026.granskning"), "--json"),
        ("kontrollera", str(tmp_path / "demo" / "Utredning barn 2026.granskning")),
        ("--version",),
        ("rapport", str(tmp_path / "demo" / "Mottagningen 2026.granskning"), "-o", str(tmp_path / "r" / "M.xlsx"),
         "--pdf", str(tmp_path / "r" / "M.pdf"), "--jamfor", str(tmp_path / "demo" / "Mottagningen 2025.granskning")),
        ("sammanstall", *(str(tmp_path / "demo" / f"{u} 2026.granskning") for u in
                          ("Mottagningen", "Utredning barn", "Utredning ungdom")),
         "-o", str(tmp_path / "s.xlsx"), "--pdf", str(tmp_path / "s.pdf"), "--json", str(tmp_path / "s.json")),
    ]
    export = tmp_path / "export.csv"
    export.write_text("Ärendenummer;Kön;Ålder;Ärendetyp;Enhet\n" + "".join(
        f"N-{i};K;{i % 17};Utredning;E\n" for i in range(30)), encoding="utf-8")
    steps.append(("urval", str(export), "-o", str(tmp_path / "u.xlsx"), "--granskningsfiler", str(tmp_path / "g"),
                  "--forvaltning", "F", "--ar", "2026"))
    for step in steps:
        result = run_blocked(tmp_path, *step)
        assert result.returncode == 0, (step, result.stderr)
    assert json.loads(run_blocked(tmp_path, "status", str(tmp_path / "g" / "E 2026.granskning"), "--json").stdout)
    assert not (tmp_path / "natlogg.txt").exists()


def test_a_gui_session_works_with_the_network_blocked(tmp_path):
    code = '''
from pathlib import Path
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from aktgranskning.gui.launch import build_main_window, create_application
app = create_application()
window = build_main_window()
from aktgranskning.services.settings import REVIEWER_NAME
window.settings.set(REVIEWER_NAME, "AB")  # set once; without it the first analysis edit asks for a name
window.show()
window.open_demo()
QTest.keyClick(window.case_list.table, Qt.Key.Key_Return)
row = next(r for r in window.review.rows if r.is_applicable and r.state.stored is None)
QTest.keyClick(row, Qt.Key.Key_J)
saved = window.session.question_states(window.review.case.id)
assert any(s.question_id == row.question.id and s.stored is not None for s in saved)
window.show_results()
window.show_analysis()
QTest.keyClicks(window.analysis.fields["keep_good"], "Fortsatt sa")
window.analysis.flush()
from aktgranskning.services.analysis import read_analysis
assert read_analysis(window.session).keep_good == "Fortsatt sa"
window.close()
print("ok")
'''
    result = run_blocked(tmp_path, code=code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
    assert not (tmp_path / "natlogg.txt").exists()
