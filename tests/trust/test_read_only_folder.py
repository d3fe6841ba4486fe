"""Reading needs no write access and is never stale: a file in a folder nobody can write to (a
read-only bind mount: even root gets EROFS) whose newest answers are still in its `-wal`, as an
older version left it, is read with those answers, and nothing is written there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aktgranskning.services.check import check_review_file
from aktgranskning.services.opening import open_for_reading, open_review_file
from tests.trust.test_side_files import _answer_count, _answer_some, _wal_state

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def read_only_folder(review_file: Path, tmp_path: Path) -> Iterator[Path]:
    _answer_some(review_file, 5)
    source = tmp_path / "källa"
    source.mkdir()
    _wal_state(review_file, source / "Gammal 2025.granskning", extra_answers=4)
    mounted = tmp_path / "skrivskyddad"
    mounted.mkdir()
    bound = subprocess.run(["mount", "--bind", str(source), str(mounted)], capture_output=True, text=True)
    if bound.returncode != 0:
        pytest.skip(f"en skrivskyddad mapp kan inte monteras här ({bound.stderr.strip()})")
    try:
        remounted = subprocess.run(["mount", "-o", "remount,ro,bind", str(mounted)], capture_output=True, text=True)
        if remounted.returncode != 0:
            pytest.skip(f"en skrivskyddad mapp kan inte monteras här ({remounted.stderr.strip()})")
        yield mounted
    finally:
        subprocess.run(["umount", str(mounted)], capture_output=True)


def test_a_file_in_a_read_only_folder_is_read_with_the_answers_in_its_wal(read_only_folder):
    path = read_only_folder / "Gammal 2025.granskning"
    with pytest.raises(OSError):
        (read_only_folder / "prov").write_text("x")  # the folder really cannot be written
    before = sorted(os.listdir(read_only_folder))

    reader = open_for_reading(path)
    try:
        assert _answer_count(reader) == 9  # the old immutable=1 path showed 5: last week's result
    finally:
        reader.close()
    window = open_review_file(path, reviewer="t")  # what the window does: read-only, says why
    try:
        assert window.read_only and "går inte att skriva i" in window.read_only_reason
        assert _answer_count(window) == 9
        assert any("4 svar finns bara i sidofilen" in note for note in window.notes)
    finally:
        window.close()
    status = subprocess.run([sys.executable, "-m", "aktgranskning", "status", str(path), "--json"],
                            capture_output=True, text=True, encoding="utf-8", timeout=60, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert sum(q["ja"] + q["nej"] for q in data["fragor"]) == 9
    assert "finns bara i sidofilen" in status.stderr
    assert any("finns bara i sidofilen" in p for p in check_review_file(path).problems)
    assert sorted(os.listdir(read_only_folder)) == before
