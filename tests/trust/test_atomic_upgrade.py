"""The schema upgrade is atomic: a process upgrading tests/data/schema_0001.granskning (shipped with
its -wal and -shm, as the old version left it) is killed with SIGKILL before each of its steps in
turn. After every kill the file opens (old or new revision) with all its answers, a retry finishes
the upgrade, and there is exactly one backup and no leftover temporary file."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aktgranskning.services.opening import open_for_reading, open_review_file
from aktgranskning.services.status import status_data
from aktgranskning.storage.migrate import head_revision

pytestmark = pytest.mark.slow  # long: runs in CI after the default suite (pytest -m slow)

DATA = Path(__file__).resolve().parents[1] / "data"
HELPER = Path(__file__).with_name("upgrade_killer.py")
ROOT = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((DATA / "schema_0001.status.json").read_text(encoding="utf-8"))


def _old_file(folder: Path) -> Path:
    folder.mkdir()
    for source in DATA.glob("schema_0001.granskning*"):
        shutil.copyfile(source, folder / source.name.replace("schema_0001", "Mottagningen 2025"))
    return folder / "Mottagningen 2025.granskning"


def _upgrade(path: Path, kill_at: int | None = None) -> subprocess.CompletedProcess[str]:
    arguments = [sys.executable, str(HELPER), str(path)] + ([str(kill_at)] if kill_at else [])
    return subprocess.run(arguments, capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def _revision_and_answers(path: Path, scratch: Path) -> tuple[str, int]:
    """Looked at in a copy (with whatever side files are there), so looking changes nothing."""
    scratch.mkdir()
    for side in path.parent.glob(path.name + "*"):
        shutil.copyfile(side, scratch / side.name)
    with sqlite3.connect(scratch / path.name) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        answers = connection.execute("SELECT count(*) FROM answers").fetchone()[0]
    shutil.rmtree(scratch)
    return revision, answers


def test_sigkill_at_every_step_of_an_upgrade_leaves_the_old_or_the_new_file(tmp_path):
    finished = _upgrade(_old_file(tmp_path / "helt"))
    assert finished.returncode == 0, finished.stderr
    total = int(finished.stdout.split()[-1])
    assert total > 20
    seen = {"0001": 0, head_revision(): 0}
    for kill_at in range(1, total + 1):
        path = _old_file(tmp_path / f"steg-{kill_at}")
        killed = _upgrade(path, kill_at)
        assert killed.returncode == -signal.SIGKILL, (kill_at, killed.stderr)

        revision, answers = _revision_and_answers(path, tmp_path / f"titt-{kill_at}")
        assert revision in seen and answers == 290, (kill_at, revision, answers)
        seen[revision] += 1
        reader = open_for_reading(path)  # readable as it is, old or new
        try:
            assert status_data(reader) == EXPECTED
        finally:
            reader.close()

        session = open_review_file(path, reviewer="igen")  # the retry finishes the upgrade
        try:
            assert session.meta.schema_version == head_revision()
            assert status_data(session) == EXPECTED
        finally:
            session.close()
        names = sorted(p.name for p in path.parent.iterdir() if " – igen på " not in p.name)  # not the own file
        assert names == ["Mottagningen 2025.före-uppgradering-schema-0001.granskning",
                         "Mottagningen 2025.granskning"], (kill_at, names)
        backup = path.parent / names[0]
        assert _revision_and_answers(backup, tmp_path / f"kopia-{kill_at}") == ("0001", 290)
    print(f"\nUppgradering dödad före vart och ett av {total} steg: gammal fil {seen['0001']} gånger, "
          f"ny fil {seen[head_revision()]} gånger; varje gång öppningsbar med alla 290 svar och en säkerhetskopia")
    assert seen["0001"] > 0 and seen[head_revision()] > 0
