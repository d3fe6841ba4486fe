"""The granskningsfil works on a filesystem with byte-range locks but no shared memory, as a network
share between computers: a FUSE passthrough mounted with direct_io (mmap fails there, so SQLite's
WAL index cannot be shared). The old WAL mode fails there; the rollback journal works for the
whole cycle. The test mounts and unmounts its own filesystem; it is skipped only where FUSE cannot
mount at all (no /dev/fuse, no libfuse, no fusermount: .ci/run installs fuse3 and libfuse2)."""

from __future__ import annotations

import json
import mmap
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.services.opening import (
    NewFileInfo,
    create_review_file,
    open_for_reading,
    open_review_file,
)
from aktgranskning.storage.migrate import head_revision
from tests.conftest import make_cases
from tests.support.fuse_share import mounted_share

pytestmark = pytest.mark.slow  # long: runs in CI after the default suite (pytest -m slow)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.fixture
def share(tmp_path: Path) -> Iterator[Path]:
    """The share: a passthrough with direct_io (no shared memory); locks are kept by this
    machine's kernel, so processes here exclude each other as on one SMB client."""
    backing = tmp_path / "lagring"
    backing.mkdir()
    with mounted_share(backing, tmp_path / "delad", locks="local") as mountpoint:
        yield mountpoint


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aktgranskning", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_the_share_has_no_shared_memory_and_the_old_wal_mode_fails_there(share):
    with open(share / "prov", "wb") as handle:
        handle.write(b"\0" * 4096)
    with open(share / "prov", "r+b") as handle, pytest.raises(OSError):
        mmap.mmap(handle.fileno(), 4096)  # what SQLite's WAL index needs
    connection = sqlite3.connect(share / "gammal.granskning")
    try:
        with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
            connection.execute("PRAGMA journal_mode=WAL")  # as the engine of the old version did
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("CREATE TABLE answers (x)")
            connection.commit()
    finally:
        connection.close()


def test_the_whole_cycle_works_on_the_share(share, checklists):
    path = share / "Område #1" / "Enhet 2026.granskning"
    create_review_file(path, NewFileInfo("F", "O", "Enheten på nätverket", 2026), checklists, make_cases())
    session = open_review_file(path, reviewer="nät")
    try:
        pairs = [(c.id, q.id) for c in session.cases() if c.in_sample
                 for q in session.checklist_for(c).questions() if q.condition is None][:12]
        for case_id, question_id in pairs:
            session.set_answer(case_id, question_id, Answer.YES)
    finally:
        session.close()
    session = open_review_file(path, reviewer="nät igen")  # reopen for writing
    try:
        assert all(session.question_states(c)[0].answer is not None for c, _ in pairs[:1])
        session.set_answer(pairs[0][0], pairs[0][1], Answer.NO)
    finally:
        session.close()
    status = _cli("status", str(path), "--json")
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert data["enhet"] == "Enheten på nätverket"
    assert sum(q["ja"] + q["nej"] for q in data["fragor"]) == 12
    check = _cli("kontrollera", str(path))
    assert check.returncode == 0 and "hel och konsekvent" in check.stdout, check.stdout + check.stderr
    own = sorted(p.name for p in path.parent.iterdir() if p.name != path.name)
    assert own == ["Enheten på nätverket 2026 – nät igen på " + own[0].split(" på ")[-1],
                   "Enheten på nätverket 2026 – nät på " + own[1].split(" på ")[-1]]  # the reviewers' own files
    assert all(name.endswith(").granskning") for name in own)


def test_an_old_wal_file_with_answers_in_its_wal_is_read_and_converted_on_the_share(share, tmp_path):
    local = tmp_path / "lokal"
    local.mkdir()
    old = local / "Mottagningen 2025.granskning"
    shutil.copyfile(DATA / "schema_0001.granskning", old)
    connection = sqlite3.connect(old, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")
    connection.execute("UPDATE answers SET comment = 'bara i wal' WHERE rowid IN (SELECT rowid FROM answers LIMIT 3)")
    target = share / old.name
    shutil.copyfile(old, target)  # as the old version left it when the computer died
    shutil.copyfile(old.with_name(old.name + "-wal"), target.with_name(target.name + "-wal"))
    connection.close()

    reader = open_for_reading(target)
    try:
        with reader.reading() as tx:
            comments = [r.comment for records in (tx.answer_records(c.id) for c in tx.cases())
                        for r in records.values()]
        assert comments.count("bara i wal") == 3
    finally:
        reader.close()
    session = open_review_file(target, reviewer="nät")  # WAL → rollback journal, then the upgrade
    try:
        assert session.meta.schema_version == head_revision()
    finally:
        session.close()
    assert not target.with_name(target.name + "-wal").exists()
    check = sqlite3.connect(share / old.name)
    try:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert check.execute("SELECT count(*) FROM answers WHERE comment = 'bara i wal'").fetchone()[0] == 3
    finally:
        check.close()
