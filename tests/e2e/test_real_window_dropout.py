"""A bortfall typed into the real window (Xvfb, no window manager, xdotool): after the dialog
closes, the keys go on into the reserve that replaced the case, without a click."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from tests.e2e.test_real_window import _xdotool, pytestmark, x_display  # noqa: F401 (fixture)


def test_after_a_bortfall_the_keyboard_answers_the_reserve(x_display, review_file, tmp_path):  # noqa: F811
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb", "AKTGRANSKNING_DATAMAPP": str(tmp_path)}
    program = subprocess.Popen([sys.executable, "-m", "aktgranskning", str(review_file)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        window = ""
        deadline = time.monotonic() + 30
        while not window and time.monotonic() < deadline:
            window = _xdotool(x_display, "search", "--name", "Testenheten 2026").split("\n")[0]
            time.sleep(0.2)
        assert window, "the window did not appear"
        _xdotool(x_display, "windowfocus", "--sync", window)
        time.sleep(0.5)
        # open akt 1, Alt+B for the bortfall dialog, Enter accepts "Felaktigt urval" with the reserve;
        # then J, J answer the reserve's first two questions and Ctrl+Q quits
        for key in ("Return", "alt+b", "Return", "j", "j", "ctrl+q"):
            _xdotool(x_display, "key", "--delay", "50", key)
            time.sleep(0.6)
        program.wait(timeout=20)
    finally:
        if program.poll() is None:
            program.kill()
    assert program.returncode == 0, program.stderr.read()
    status = subprocess.run([sys.executable, "-m", "aktgranskning", "status", str(review_file), "--json"],
                            capture_output=True, text=True, env=env, check=True)
    data = json.loads(status.stdout)
    assert data["akter"]["bortfall"] == 1
    assert data["akter"]["pagaende"] == 1  # the reserve, answered from the keyboard
    answered = {(q["id"], key) for q in data["fragor"] for key in ("ja", "nej", "x") if q[key]}
    assert answered == {("fb.anmalare", "ja"), ("fb.anledning", "ja")}
