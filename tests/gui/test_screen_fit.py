"""The window fits a common municipal laptop: 1366×768 at 100, 125 and 150 % scaling (a 150 %
screen leaves about 911×512 logical pixels). Each scale runs in its own process, because Qt fixes
the scale factor when it starts; the offscreen platform is given the screen by a JSON config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize

from aktgranskning.gui.screen_fit import (
    fit_to_available_screen,
    frame_fits,
    remembered_place,
)

ROOT = Path(__file__).resolve().parents[2]
SCREEN = {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "dpr": 1}


def probe(scale: str, tmp_path: Path) -> dict:
    config = tmp_path / "skarm.json"
    config.write_text(json.dumps({"screens": [SCREEN]}), encoding="utf-8")
    environment = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": scale}
    done = subprocess.run([sys.executable, "-m", "tests.gui.screen_probe"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def inside(rect: list[int], area: list[int]) -> bool:
    return QRect(*area).contains(QRect(*rect))


@pytest.mark.slow
@pytest.mark.parametrize("scale, room", [("1", (1366, 768)), ("1.25", (1093, 614)), ("1.5", (911, 512))])
def test_the_window_and_its_controls_fit_the_screen(scale, room, tmp_path):
    seen = probe(scale, tmp_path)
    assert tuple(seen["available"][2:]) == room  # the offscreen screen really is 1366×768 at this scale
    assert inside(seen["frame"], seen["available"]), seen
    assert inside(seen["frame_after_pages"], seen["available"]), "a page made the window grow off screen"
    assert seen["minimum"][0] <= room[0] and seen["minimum"][1] <= room[1]
    assert seen["pages"] == {"startsida": [], "ärendelista": [], "granskning": [], "resultat": [], "analys": []}
    case_list = seen["case_list"]
    assert case_list["filter_visible"] and case_list["open_visible"]
    assert not any(case_list["status_cut"]), "a column of the case list is cut"
    assert case_list["rows_shown"] >= 5
    assert inside(seen["sampling_dialog"]["frame"], seen["available"]) and seen["sampling_dialog"]["off"] == []
    preview = seen["sampling_preview"]
    assert preview["units"] == 2 and inside(preview["frame"], seen["available"]) and preview["off"] == []
    assert seen["sampling_dialog_again"] == seen["sampling_dialog"]["frame"]  # remembered where it was closed
    assert seen["reopened_at"] == seen["left_at"]  # the main window too


def test_a_window_comes_back_where_it_was_left_but_never_off_screen(qtbot):
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    fit_to_available_screen(widget, QSize(5000, 5000))
    widget.show()
    assert frame_fits(widget)  # a preferred size larger than the screen is shrunk
    fit_to_available_screen(widget, QSize(400, 300), [30, 40, 500, 350, 0])
    assert (widget.pos().x(), widget.pos().y(), widget.width(), widget.height()) == (30, 40, 500, 350)
    assert remembered_place(widget)[:4] == [30, 40, 500, 350]
    fit_to_available_screen(widget, QSize(400, 300), [-4000, -4000, 500, 350, 0])  # a screen that is gone
    assert frame_fits(widget) and widget.size() == QSize(400, 300)
    fit_to_available_screen(widget, QSize(400, 300), [100, 100, 9000, 9000, 0])  # was on a larger screen
    assert frame_fits(widget)
