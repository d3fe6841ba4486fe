"""The program started for real, as a user would, in a window on a virtual X screen (Xvfb),
typed at with xdotool: Enter, J, J, N, X, Ctrl+Q. The file must hold exactly those answers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,  # long: runs in CI after the default suite (pytest -m slow)
    pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool")),
                       reason="Xvfb och xdotool behövs (Debian-paketen xvfb och xdotool)"),
]


def _free_display() -> int:
    for number in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture
def x_display():
    number = _free_display()
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    while not _xdotool(f":{number}", "getdisplaygeometry"):  # the socket is there: wait until it answers
        assert time.monotonic() < deadline, "Xvfb did not answer"
        time.sleep(0.05)
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def _xdotool(display: str, *args: str) -> str:
    result = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display},
                            capture_output=True, text=True, timeout=30)
    return result.stdout.strip()


def type_into_real_window(x_display: str, review_file: Path, data_folder: Path, keys: tuple[str, ...],
                          pause: float) -> dict:
    """Start the program on `review_file` in a real window, type `keys` with xdotool (the last one
    should quit), and return `status --json` of the file afterwards."""
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb", "AKTGRANSKNING_DATAMAPP": str(data_folder)}
    program = subprocess.Popen([sys.executable, "-m", "aktgranskning", str(review_file)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        window = ""
        deadline = time.monotonic() + 30
        while not window and time.monotonic() < deadline and program.poll() is None:
            window = _xdotool(x_display, "search", "--name", "Testenheten 2026").split("\n")[0]
            time.sleep(0.2)
        if not window:
            if program.poll() is None:
                program.kill()
            _out, err = program.communicate(timeout=10)
            raise AssertionError(f"the window did not appear (exit code {program.returncode}): {err[-2000:]}")
        _xdotool(x_display, "windowfocus", "--sync", window)
        time.sleep(0.5)
        for key in keys:
            _xdotool(x_display, "key", "--delay", "50", key)
            time.sleep(pause)
        program.wait(timeout=20)
    finally:
        if program.poll() is None:
            program.kill()
    assert program.returncode == 0, program.stderr.read()
    status = subprocess.run([sys.executable, "-m", "aktgranskning", "status", str(review_file), "--json"],
                            capture_output=True, text=True, env=env, check=True)
    return json.loads(status.stdout)


def test_keys_typed_into_the_real_window_land_in_the_file(x_display, review_file, tmp_path):
    data = type_into_real_window(x_display, review_file, tmp_path, ("Return", "j", "j", "n", "x", "ctrl+q"), 0.25)
    answered = {(q["id"], key) for q in data["fragor"] for key in ("ja", "nej", "x") if q[key]}
    # the first open case is a förhandsbedömning; its first four questions have no conditions
    assert answered == {
        ("fb.anmalare", "ja"),
        ("fb.anledning", "ja"),
        ("fb.skydd_skyndsamt", "nej"),
        ("fb.skydd_namn_befattning", "x"),
    }
    assert data["akter"]["pagaende"] == 1
