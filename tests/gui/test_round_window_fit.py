"""The round window on a 1366×768 laptop at 100 and 150 % scaling: inside the available screen area
with every button and choice on it, on each tab, and the whole roster of a small round in view."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "round_window_shots.py"


@pytest.mark.slow
@pytest.mark.parametrize("scale", ["1.0", "1.5"])
def test_the_round_window_fits_a_small_laptop_screen(scale):
    result = subprocess.run([sys.executable, str(SCRIPT), scale], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["available"][2] == pytest.approx(1366 / float(scale), abs=1)
    assert measured["inside"] and measured["inside_after"], measured
    assert measured["off"] == {"översikt": [], "analys": [], "åtgärder": []}
    assert measured["rows_visible"] >= measured["rows"] == 6
