"""The FUSE share behaves as a network share between computers: no shared memory, byte-range
locks that keep nobody out (unless asked to keep them locally), several processes at once, and a
clean unmount. The sync client works over it too."""

from __future__ import annotations

import mmap
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fuse_share import mounted_share
from tests.support.sync_client import SyncClient, SyncSettings, synced_folders, write_whole

pytestmark = pytest.mark.slow  # the harness's own checks with real processes: run with the slow suite

ROOT = Path(__file__).resolve().parents[2]
TAKE_LOCK = """
import fcntl, sys
handle = open(sys.argv[1], "r+b")
try:
    fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 0)
    print("fick låset")
except OSError:
    print("låst av någon annan")
"""


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize(("locks", "second_process_says"),
                         [("ignored", "fick låset"), ("local", "låst av någon annan")])
def test_no_shared_memory_and_locks_that_keep_nobody_out(tmp_path, locks, second_process_says):
    with mounted_share(tmp_path / "lagring", locks=locks) as share:
        path = share / "Mottagningen 2026.granskning"
        path.write_bytes(b"\0" * 4096)
        with open(path, "r+b") as handle:
            with pytest.raises(OSError):
                mmap.mmap(handle.fileno(), 4096)  # what SQLite's WAL index needs
            import fcntl

            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 0)
            assert _python(TAKE_LOCK, str(path)).stdout.strip() == second_process_says
    assert not os.path.ismount(share)
    assert (tmp_path / "lagring" / path.name).read_bytes() == b"\0" * 4096


HOLD_EXCLUSIVE = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("håller", flush=True)
sys.stdin.readline()
"""
TRY_EXCLUSIVE = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
try:
    connection.execute("BEGIN EXCLUSIVE")
    print("fick skrivlåset")
except sqlite3.OperationalError as error:
    print(error)
"""


@pytest.mark.parametrize(("locks", "second_writer_gets"), [("ignored", "fick skrivlåset"),
                                                          ("local", "database is locked")])
def test_sqlite_s_write_lock_keeps_nobody_out_on_the_share(tmp_path, locks, second_writer_gets):
    """What two computers writing one SQLite file on such a share would meet: both get the lock."""
    with mounted_share(tmp_path / "lagring", locks=locks) as share:
        path = share / "gemensam.granskning"
        setup = sqlite3.connect(path)
        setup.execute("CREATE TABLE answers (x)")
        setup.commit()
        setup.close()
        holder = subprocess.Popen([sys.executable, "-c", HOLD_EXCLUSIVE, str(path)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "håller"
            assert _python(TRY_EXCLUSIVE, str(path)).stdout.strip() == second_writer_gets
        finally:
            holder.communicate("\n", timeout=30)


WRITER = """
import sys
from pathlib import Path
from tests.support.sync_client import write_whole
folder, me = Path(sys.argv[1]), sys.argv[2]
whole = vanished = 0
for n in range(25):
    write_whole(folder / f"{me}.granskning", f"{me} {n}".encode() * 500)
    for other in folder.glob("*.granskning"):
        try:
            data = other.read_bytes()
        except FileNotFoundError:  # replaced between listing and opening (path-based FUSE, like NFS)
            vanished += 1
            continue
        assert data == data[:len(data) // 500] * 500, f"{other.name} läst trasig"
        whole += 1
print("klar", whole, vanished)
"""


def test_several_processes_replace_their_own_files_whole_on_the_share(tmp_path):
    """Each process replaces its own file 25 times and reads the others' meanwhile: never torn.
    Opening a file in the instant another process renames a new one over it can fail with ENOENT
    (libfuse's high-level API resolves paths, as an NFS client can answer ESTALE): retried."""
    with mounted_share(tmp_path / "lagring") as share:
        writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(share), name], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                    env={**os.environ, "PYTHONPATH": str(ROOT)})
                   for name in ("Anna", "Bertil", "Cecilia", "David")]
        results = [w.communicate(timeout=60) for w in writers]
        assert all(w.returncode == 0 and out.startswith("klar")
                   for w, (out, _) in zip(writers, results, strict=True)), results
        reads = [tuple(map(int, out.split()[1:])) for out, _ in results]
        assert sum(whole for whole, _ in reads) >= 100
        print("hela/försvunna läsningar per process:", reads)
        names = ("Anna", "Bertil", "Cecilia", "David")
        assert sorted(p.name for p in share.iterdir()) == [f"{n}.granskning" for n in names]
    assert (tmp_path / "lagring" / "David.granskning").read_bytes() == b"David 24" * 500


def test_the_sync_client_works_between_folders_on_the_share(tmp_path):
    with mounted_share(tmp_path / "lagring") as share:
        folders = synced_folders(share, [("DATOR-ANNA", "Anna"), ("DATOR-BERTIL", "Bertil")])
        client = SyncClient(folders, SyncSettings(seed=4, still_seconds=0.2, scan_interval=0.05,
                                                  delay_seconds=(0.05, 0.3)))
        with client.running_in_thread():
            write_whole(folders[0].folder / "Anna.granskning", b"a" * 50_000)
            write_whole(folders[1].folder / "Bertil.granskning", b"b" * 50_000)
            client.wait_until_settled(timeout=20)
        for folder in folders:
            assert client.files(folder.name) == {"Anna.granskning": b"a" * 50_000, "Bertil.granskning": b"b" * 50_000}
