"""Crash safety: a process answering at full speed is killed with SIGKILL at random moments.
Every answer it had reported as saved must be in the file, and the file must pass
PRAGMA integrity_check. Rounds: 50 by default, AKTGRANSKNING_KRASCHRUNDOR for more."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.enhet_db import enhet_db

pytestmark = pytest.mark.slow  # long: runs in CI after the default suite (pytest -m slow)

ROUNDS = int(os.environ.get("AKTGRANSKNING_KRASCHRUNDOR", "50"))
HELPER = Path(__file__).with_name("answer_burst.py")
ROOT = Path(__file__).resolve().parents[2]


def _run_and_kill(path: Path, seed: int, delay: float) -> list[tuple[int, str, str]]:
    child = subprocess.Popen([sys.executable, str(HELPER), str(path), str(seed)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout is not None
    child.stdout.readline()  # the helper names its own files first
    first = child.stdout.readline()  # wait until answers are flowing
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    rest, errors = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, errors
    reported = []
    for line in (first + rest).splitlines():
        parts = line.split("\t")
        if len(parts) == 3:  # a line cut off by the kill was never fully reported
            reported.append((int(parts[0]), parts[1], parts[2]))
    return reported


def _written_files(review_file: Path) -> list[Path]:
    from aktgranskning.paths import user_data_dir

    return [*review_file.parent.glob("*.granskning"), *(user_data_dir() / "arbetsfiler").glob("*/*.granskning")]


def test_no_reported_answer_is_lost_when_the_process_is_killed(review_file):
    rng = random.Random(20261122)
    lost = 0
    total = 0
    for round_number in range(ROUNDS):
        reported = _run_and_kill(review_file, seed=round_number, delay=rng.uniform(0.0, 0.08))
        assert reported, "the helper reported nothing before it was killed"
        for written in _written_files(review_file):  # every file the program writes is whole
            with sqlite3.connect(written) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok", written
        with enhet_db(review_file) as connection:  # the enhet as every reader here sees it
            stored = {(c, q): a for c, q, a in connection.execute("SELECT case_id, question_id, answer FROM answers")}
        lost += sum(1 for case_id, question_id, answer in reported if stored.get((case_id, question_id)) != answer)
        total += len(reported)
    print(f"\nKraschtest: {ROUNDS} rundor, {total} rapporterat sparade svar, förlorade svar: {lost}")
    assert lost == 0
