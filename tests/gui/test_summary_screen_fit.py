"""The results page and the summary window on a 1366×768 laptop at 100, 125 and 150 % scaling
(issue 12, point 8): the summary window opens inside the available screen area with every
button on it, and every question text of the results is readable (wrapped, never cut)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screen_fit.py"


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1.0, 1.25, 1.5])
def test_the_windows_fit_a_small_laptop_screen(scale):
    result = subprocess.run([sys.executable, str(SCRIPT), str(scale)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    width, height = 1366 / scale, 768 / scale
    assert measured["available"][2] == pytest.approx(width, abs=1)
    assert measured["available"][3] == pytest.approx(height, abs=1)
    assert measured["dialog_inside"], measured
    assert measured["buttons_outside_dialog"] == []
    assert measured["question_rows_cut"] == []
    assert measured["question_column_characters"] >= 30, measured
