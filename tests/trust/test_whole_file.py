"""Every file the program writes is whole alone: a copy of the reviewer's own file (no `-wal`, no
`-journal`), taken while the program answers or right after it was killed, holds every answer the
program had confirmed (the working copy on this computer: written before an answer is confirmed)
or is a whole older state (the copy in the enhet's folder, written right after). Rounds for the
kill test: AKTGRANSKNING_KOPIERUNDOR (default 30)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from aktgranskning.atomic_file import is_leftover_of
from aktgranskning.services.check import check_review_file
from aktgranskning.services.opening import open_for_reading

pytestmark = pytest.mark.slow  # long: runs in CI after the default suite (pytest -m slow)

ROUNDS = int(os.environ.get("AKTGRANSKNING_KOPIERUNDOR", "30"))
HELPER = Path(__file__).with_name("answer_burst.py")
ROOT = Path(__file__).resolve().parents[2]


def _start(path: Path, seed: int, pause: float = 0.0, limit: int | None = None) -> subprocess.Popen[str]:
    arguments = [sys.executable, str(HELPER), str(path), str(seed), str(pause)]
    if limit is not None:
        arguments.append(str(limit))
    return subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def _parse(line: str) -> tuple[int, str, str] | None:
    parts = line.rstrip("\n").split("\t")
    return (int(parts[0]), parts[1], parts[2]) if len(parts) == 3 else None


def _own_files(child: subprocess.Popen[str]) -> tuple[Path, Path]:
    """The helper's first line: its working copy and its copy in the enhet's folder."""
    assert child.stdout is not None
    header = child.stdout.readline().rstrip("\n").split("\t")
    assert header[0] == "FIL", header
    return Path(header[1]), Path(header[2])


def _answers_in(copy: Path) -> dict[tuple[int, str], str]:
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {(c, q): a for c, q, a in connection.execute("SELECT case_id, question_id, answer FROM answers")}


def _missing(reported: list[tuple[int, str, str]], stored: dict[tuple[int, str], str]) -> int:
    return sum(1 for case_id, question_id, answer in reported if stored.get((case_id, question_id)) != answer)


def test_a_copy_of_the_file_alone_taken_while_answering_holds_every_confirmed_answer(review_file, tmp_path):
    child = _start(review_file, seed=7, pause=0.01, limit=60)
    assert child.stdout is not None
    working, shared = _own_files(child)
    confirmed: list[tuple[int, str, str]] = []
    copies: list[tuple[Path, int]] = []
    for line in child.stdout:
        answer = _parse(line)
        if answer is not None:
            confirmed.append(answer)
        if len(confirmed) % 6 == 0:
            copy = tmp_path / f"kopia-{len(copies)}.granskning"
            shutil.copyfile(working, copy)  # the file only, like a person copying it
            copies.append((copy, len(confirmed)))
            _answers_in(shared)  # the folder's copy, a moment behind, is whole too
    assert child.wait(timeout=60) == 0, child.stderr.read() if child.stderr else ""
    assert _missing(confirmed, _answers_in(shared)) == 0  # written whole when the program closed
    assert len(confirmed) == 60 and len(copies) >= 9
    for copy, known in copies:
        assert not copy.with_name(copy.name + "-wal").exists()
        assert _missing(confirmed[:known], _answers_in(copy)) == 0, copy
    # the program reads such a copy as a granskningsfil, and kontrollera finds it whole
    last_copy, known = copies[-1]
    session = open_for_reading(last_copy)
    try:
        with session.reading() as tx:
            stored = tx.all_answers()
        assert sum(1 for answers in stored.values() for value in answers.values() if value is not None) >= known
    finally:
        session.close()
    assert check_review_file(last_copy).ok


def test_a_copy_of_the_file_alone_after_sigkill_holds_every_confirmed_answer(review_file, tmp_path):
    rng = random.Random(20261201)
    lost = total = hot_journals = 0
    for round_number in range(ROUNDS):
        child = _start(review_file, seed=100 + round_number)
        assert child.stdout is not None
        working, shared = _own_files(child)
        first = child.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        rest, errors = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, errors
        reported = [a for a in map(_parse, (first + rest).splitlines(keepends=True)) if a is not None]
        copy = tmp_path / f"efter-kill-{round_number}.granskning"
        shutil.copyfile(working, copy)  # before anything opens the original again
        hot_journals += any(is_leftover_of(working.name, p.name) for p in working.parent.iterdir())
        lost += _missing(reported, _answers_in(copy))
        if shared.exists():
            _answers_in(shared)  # whole, whatever moment the kill hit
        total += len(reported)
    print(f"\nKopia efter SIGKILL: {ROUNDS} rundor ({hot_journals} dödade mitt i en publicering), {total} bekräftade "
          f"svar, saknas i kopian: {lost}")
    assert lost == 0


def test_copies_taken_back_to_back_while_answering_at_full_speed_are_all_whole(review_file, tmp_path):
    """Writing in place, 14 of 1 197 such copies were torn (pages of a change half written).
    Published whole, none may be: every copy is a sound database holding every answer confirmed
    before the copy began."""
    child = _start(review_file, seed=11, pause=0.0, limit=150)
    assert child.stdout is not None
    working, shared = _own_files(child)
    confirmed: list[tuple[int, str, str]] = []
    reader = threading.Thread(target=lambda: confirmed.extend(
        a for a in map(_parse, child.stdout) if a is not None), daemon=True)  # type: ignore[union-attr]
    reader.start()
    copies = torn = 0
    copy = tmp_path / "kopia.granskning"
    behind = tmp_path / "mappens-kopia.granskning"
    while child.poll() is None:
        known = list(confirmed)
        shutil.copyfile(working, copy)
        copies += 1
        try:
            if _missing(known, _answers_in(copy)):
                torn += 1
            if shared.exists():
                shutil.copyfile(shared, behind)
                _answers_in(behind)  # the folder's copy may be behind, never torn
        except (AssertionError, sqlite3.DatabaseError):
            torn += 1
    reader.join(timeout=30)
    assert child.returncode == 0
    print(f"\n{copies} kopior tagna i följd medan {len(confirmed)} svar sparades: {torn} trasiga")
    assert len(confirmed) >= 50 and copies >= 50 and torn == 0
