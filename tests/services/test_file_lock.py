import errno
import json
import multiprocessing
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.services import file_lock
from aktgranskning.services.file_lock import (
    CannotLock,
    FileInUse,
    FileLock,
    lock_path_for,
)
from aktgranskning.services.opening import open_for_reading, open_review_file
from aktgranskning.services.status import status_data

DEAD_PID = 2**22 + 12345

HOLD_SCRIPT = """
import sys
from pathlib import Path
from aktgranskning.services.file_lock import FileLock
lock = FileLock(Path(sys.argv[1]))
lock.acquire(sys.argv[2])
print("held", flush=True)
sys.stdin.read()
lock.release()
"""

TRY_SCRIPT = """
import sys
from pathlib import Path
from aktgranskning.services.file_lock import FileInUse, FileLock
try:
    FileLock(Path(sys.argv[1])).acquire("Provare")
except FileInUse as busy:
    print(busy.holder.user)
    sys.exit(3)
"""


def write_lock_text(path: Path, user: str, host: str | None = None, pid: int = DEAD_PID) -> None:
    lock_path_for(path).write_text(json.dumps(
        {"user": user, "host": host or socket.gethostname(), "pid": pid, "since": "2026-10-05T10:00:00"}
    ), encoding="utf-8")


def lock_token(path: Path) -> str:
    return json.loads(lock_path_for(path).read_text(encoding="utf-8"))["token"]


@pytest.fixture
def holder_process(tmp_path: Path) -> Iterator:
    """Start another process that takes the lock and holds it until stopped."""
    started: list[subprocess.Popen] = []

    def start(path: Path, user: str) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(path), user],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        started.append(process)
        assert process.stdout is not None and process.stdout.readline().strip() == "held"
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.communicate("", timeout=20)


def stop(process: subprocess.Popen) -> None:
    process.communicate("", timeout=20)


def another_process_tries(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", TRY_SCRIPT, str(path)], capture_output=True, text=True, timeout=60)


@pytest.fixture(params=["hard link", "in place"])
def strategy(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with the normal way of writing the lock and with the one for filesystems
    without hard links (also the way Windows always takes). A FUSE filesystem without a link
    operation answers EROFS although it takes new files."""
    if request.param == "in place":
        def no_links(source: object, target: object) -> None:
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(file_lock.os, "link", no_links)
    return str(request.param)


# --- who holds the file -----------------------------------------------------------------------
def test_a_second_reviewer_works_beside_the_first_each_in_a_file_of_their_own(review_file):
    """The whole-file lock is gone: Bertil is not sent away while Anna works; each writes only
    their own file beside the enhet's, and both answers are the enhet's."""
    first = open_review_file(review_file, reviewer="Anna")
    try:
        second = open_review_file(review_file, reviewer="Bertil")
        try:
            assert not first.read_only and not second.read_only
            assert first.link.shared_path != second.link.shared_path
            assert "Anna" in first.link.shared_path.name and "Bertil" in second.link.shared_path.name
            case_a, case_b = (c for c in first.cases()[:2])
            first.set_answer(case_a.id, "fb.anmalare", Answer.YES)
            second.set_answer(case_b.id, first.checklist_for(case_b).question_ids()[0], Answer.NO)
            again = open_review_file(review_file, reviewer="Anna")  # a second window on this computer
            try:
                assert again.store.path != first.store.path  # two programs never write one file
            finally:
                again.close()
        finally:
            second.close()
    finally:
        first.close()
    assert not lock_path_for(review_file).exists()
    reader = open_for_reading(review_file)
    try:
        answered = {(r.reviewer, r.answer) for c in reader.cases() for r in reader.question_states(c.id)
                    if r.stored is not None}
    finally:
        reader.close()
    assert answered == {("Anna", Answer.YES), ("Bertil", Answer.NO)}


def test_a_lock_held_by_another_process_is_respected_and_freed_when_it_ends(tmp_path, holder_process, strategy):
    path = tmp_path / "Enhet 2026.granskning"
    process = holder_process(path, "Anna")
    with pytest.raises(FileInUse, match="Anna på datorn"):
        FileLock(path).acquire("Bertil")
    stop(process)
    lock = FileLock(path)
    lock.acquire("Bertil")
    assert lock.holder().user == "Bertil"
    lock.release()
    assert not lock_path_for(path).exists()


def test_only_the_holder_removes_its_lock(tmp_path, strategy):
    path = tmp_path / "Enhet 2026.granskning"
    first = FileLock(path)
    first.acquire("Anna")
    refused = FileLock(path)
    with pytest.raises(FileInUse):
        refused.acquire("Bertil")
    refused.release()  # the refused instance closes: Anna's lock stays
    assert lock_path_for(path).exists() and first.holder().user == "Anna"

    lock_path_for(path).unlink()  # someone removed Anna's lock by hand; Cecilia takes the file
    third = FileLock(path)
    third.acquire("Cecilia")
    cecilias = lock_token(path)
    first.release()  # Anna closes her window: Cecilia's lock is not hers to remove
    assert lock_path_for(path).exists() and lock_token(path) == cecilias
    assert another_process_tries(path).returncode == 3
    third.release()
    assert not lock_path_for(path).exists()


def test_reading_the_holder_does_not_drop_our_own_os_lock(tmp_path, strategy):
    path = tmp_path / "Enhet 2026.granskning"
    lock = FileLock(path)
    lock.acquire("Anna")
    for _ in range(3):
        assert lock.holder().user == "Anna"
        lock_path_for(path).read_bytes()  # opening and closing the file elsewhere in this process
    tried = another_process_tries(path)
    assert tried.returncode == 3 and tried.stdout.strip() == "Anna"
    lock.release()
    assert another_process_tries(path).returncode == 0


# --- stale locks -------------------------------------------------------------------------------
def test_a_working_copy_left_locked_by_a_dead_process_is_taken_up_again(review_file):
    session = open_review_file(review_file, reviewer="David")
    working, writer = session.store.path, session.link.writer
    session.close()
    write_lock_text(working, "David")  # as a program killed while it had the file open leaves it
    session = open_review_file(review_file, reviewer="David")
    try:
        assert session.store.path == working and session.link.writer == writer
        holder = json.loads(lock_path_for(working).read_text(encoding="utf-8"))
        assert holder["user"] == "David" and holder["pid"] == os.getpid()
    finally:
        session.close()


def test_a_reused_pid_does_not_lock_the_owner_out(tmp_path, strategy):
    """The stale lock names a PID that now belongs to a running process (our parent)."""
    path = tmp_path / "Enhet 2026.granskning"
    write_lock_text(path, "Anna", pid=os.getppid())
    lock = FileLock(path)
    lock.acquire("Anna")
    assert lock.holder().pid == os.getpid()
    lock.release()


def test_a_live_holder_is_respected_whatever_pid_its_file_names(tmp_path, holder_process, strategy):
    path = tmp_path / "Enhet 2026.granskning"
    process = holder_process(path, "Anna")
    with lock_path_for(path).open("r+", encoding="utf-8") as handle:  # the PID no longer says anything
        handle.truncate(0)
        handle.write(json.dumps({"user": "Anna", "host": socket.gethostname(), "pid": DEAD_PID,
                                 "since": "2026-10-05T10:00:00"}))
    with pytest.raises(FileInUse, match="Anna"):
        FileLock(path).acquire("Främling")
    stop(process)


def test_an_empty_lock_left_by_a_crash_is_taken_over(tmp_path, strategy):
    path = tmp_path / "Enhet 2026.granskning"
    lock_path_for(path).write_bytes(b"")
    lock = FileLock(path)
    lock.acquire("Anna")
    assert lock.holder().user == "Anna"
    lock.release()


def test_a_lock_on_the_enhets_file_from_another_computer_no_longer_stops_a_reviewer(review_file):
    """An older version's lock beside the enhet's file: the file itself is not written, so the
    reviewer works on (in their own file) and the lock is left for its owner."""
    write_lock_text(review_file, "Erik", host="annan-dator", pid=1)
    session = open_review_file(review_file, reviewer="Fia")
    try:
        assert not session.read_only
        session.set_answer(session.cases()[0].id, "fb.anmalare", Answer.YES)
    finally:
        session.close()
    assert lock_path_for(review_file).exists()


def test_a_left_behind_lock_from_another_computer_is_taken_over_only_when_asked(tmp_path, holder_process):
    path = tmp_path / "Enhet 2026.granskning"
    write_lock_text(path, "Erik", host="annan-dator", pid=1)
    lock = FileLock(path)
    lock.acquire("Fia", take_over_from_other_computer=True)
    assert lock.holder().user == "Fia"
    lock.release()

    process = holder_process(path, "Erik")  # held for real: never taken over
    with pytest.raises(FileInUse) as caught:
        FileLock(path).acquire("Fia", take_over_from_other_computer=True)
    assert not caught.value.left_behind
    stop(process)


# --- racing for a lock -------------------------------------------------------------------------
ROUNDS = 50
RACERS = 4
SETUPS = ("no lock", "dead pid", "reused pid", "empty")


def _race_worker(path_text: str, index: int, rounds: int, in_place: bool, barrier, results) -> None:
    if in_place:
        def no_links(source: object, target: object) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")

        file_lock.os.link = no_links  # type: ignore[assignment]
    path = Path(path_text)
    for round_number in range(rounds):
        barrier.wait()
        lock = FileLock(path)
        try:
            lock.acquire(f"racer {index}")
            results.put((round_number, index, lock._token))
        except FileInUse:
            results.put((round_number, index, ""))
        barrier.wait()  # everyone has tried while the winner still holds the lock
        lock.release()
        barrier.wait()


def _prepare_round(path: Path, round_number: int) -> str:
    setup = SETUPS[round_number % len(SETUPS)]
    if setup == "dead pid":
        write_lock_text(path, "Död", pid=DEAD_PID)
    elif setup == "reused pid":
        write_lock_text(path, "Återanvänd", pid=os.getpid())
    elif setup == "empty":
        lock_path_for(path).write_bytes(b"")
    return setup


@pytest.mark.slow
@pytest.mark.parametrize("in_place", [False, True], ids=["hard link", "in place"])
def test_processes_racing_for_a_stale_or_absent_lock_exactly_one_wins(tmp_path, in_place):
    path = tmp_path / "Enhet 2026.granskning"
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(RACERS + 1, timeout=120)
    results = context.Queue()
    workers = [context.Process(target=_race_worker, args=(str(path), index, ROUNDS, in_place, barrier, results))
               for index in range(RACERS)]
    for worker in workers:
        worker.start()
    try:
        for round_number in range(ROUNDS):
            setup = _prepare_round(path, round_number)
            barrier.wait()
            outcomes = [results.get(timeout=120) for _ in range(RACERS)]
            winners = [token for (_r, _i, token) in outcomes if token]
            assert len(winners) == 1, f"round {round_number} ({setup}): {len(winners)} holders"
            assert lock_token(path) == winners[0]
            barrier.wait()
            barrier.wait()
            assert not lock_path_for(path).exists()
            assert [p.name for p in tmp_path.iterdir()] == [], "no temporary files left"
    finally:
        for worker in workers:
            worker.join(timeout=60)
            if worker.is_alive():
                worker.terminate()


def test_a_lock_released_just_after_we_opened_it_is_not_mistaken_for_ours(tmp_path, monkeypatch, strategy):
    """The holder closes between our opening its lock file and taking the OS lock: we must not
    believe we hold the removed file, but take the lock afresh."""
    path = tmp_path / "Enhet 2026.granskning"
    first = FileLock(path)
    first.acquire("Anna")
    real_try = file_lock._try_os_lock
    calls = [0]

    def holder_closes_first(descriptor: int):
        calls[0] += 1
        if os.fstat(descriptor).st_ino == first_inode and first.held:
            first.release()
        return real_try(descriptor)

    first_inode = os.stat(lock_path_for(path)).st_ino
    monkeypatch.setattr(file_lock, "_try_os_lock", holder_closes_first)
    second = FileLock(path)
    second.acquire("Bertil")
    assert not first.held and calls[0] >= 2
    assert lock_path_for(path).exists() and second.holder().user == "Bertil"
    monkeypatch.undo()
    tried = another_process_tries(path)
    assert tried.returncode == 3 and tried.stdout.strip() == "Bertil"
    second.release()


CHURN_PROCESSES = 3
CHURN_TURNS = 30


def _churn_worker(path_text: str, index: int, in_place: bool, start, results) -> None:
    """Take the lock CHURN_TURNS times, each time doing a slow read-modify-write of a shared
    counter that only mutual exclusion keeps right."""
    import random
    import time

    if in_place:
        def no_links(source: object, target: object) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")

        file_lock.os.link = no_links  # type: ignore[assignment]
    path = Path(path_text)
    counter = path.with_name("räknare")
    inside = path.with_name("inne")
    overlaps = 0
    start.wait()
    for _turn in range(CHURN_TURNS):
        lock = FileLock(path)
        while True:
            try:
                lock.acquire(f"churn {index}")
                break
            except FileInUse:
                time.sleep(random.uniform(0, 0.002))
        try:
            os.close(os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            overlaps += 1
        value = int(counter.read_text(encoding="utf-8"))
        time.sleep(0.001)
        counter.write_text(str(value + 1), encoding="utf-8")
        inside.unlink(missing_ok=True)
        lock.release()
    results.put(overlaps)


@pytest.mark.slow  # processes racing for 30 rounds: about 3 s
@pytest.mark.parametrize("in_place", [False, True], ids=["hard link", "in place"])
def test_taking_and_releasing_in_a_crowd_keeps_one_holder_at_a_time(tmp_path, in_place):
    path = tmp_path / "Enhet 2026.granskning"
    path.with_name("räknare").write_text("0", encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(CHURN_PROCESSES, timeout=120)
    results = context.Queue()
    workers = [context.Process(target=_churn_worker, args=(str(path), index, in_place, start, results))
               for index in range(CHURN_PROCESSES)]
    for worker in workers:
        worker.start()
    try:
        overlaps = sum(results.get(timeout=300) for _ in workers)
    finally:
        for worker in workers:
            worker.join(timeout=60)
    assert overlaps == 0
    assert int(path.with_name("räknare").read_text(encoding="utf-8")) == CHURN_PROCESSES * CHURN_TURNS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["räknare"]


def test_without_os_locks_a_dead_pid_on_this_computer_is_still_taken_over(tmp_path, monkeypatch):
    """A filesystem without any locks: the PID is all there is to go on."""
    monkeypatch.setattr(file_lock, "_try_os_lock", lambda descriptor: file_lock._OsLock.UNSUPPORTED)
    path = tmp_path / "Enhet 2026.granskning"
    write_lock_text(path, "Död", pid=DEAD_PID)
    lock = FileLock(path)
    lock.acquire("Anna")
    assert lock.holder().user == "Anna"
    with pytest.raises(FileInUse, match="Anna"):
        FileLock(path).acquire("Bertil")  # our own PID is alive
    lock.release()
    assert not lock_path_for(path).exists()


# --- a full disk, a folder that cannot be written ---------------------------------------------
def _write_fails_after(monkeypatch: pytest.MonkeyPatch, good_bytes: int) -> None:
    """Writes to a lock file stop with ENOSPC after `good_bytes`, as on a full disk."""
    real_write = os.write
    budget = [good_bytes]

    def write(descriptor: int, data: bytes) -> int:
        target = os.readlink(f"/proc/self/fd/{descriptor}") if sys.platform == "linux" else ""
        if ".lås" not in target:
            return real_write(descriptor, data)
        if budget[0] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        written = real_write(descriptor, bytes(data[: budget[0]]))
        budget[0] -= written
        return written

    monkeypatch.setattr(file_lock.os, "write", write)


@pytest.mark.skipif(sys.platform != "linux", reason="finds the file written to through /proc")
@pytest.mark.parametrize("good_bytes", [0, 10])
def test_a_full_disk_leaves_no_lock_and_says_so_in_swedish(tmp_path, monkeypatch, strategy, good_bytes):
    path = tmp_path / "Enhet 2026.granskning"
    _write_fails_after(monkeypatch, good_bytes)
    with pytest.raises(CannotLock) as caught:
        FileLock(path).acquire("Anna")
    assert "disken är full" in caught.value.message and str(path) in caught.value.message
    assert "läsning" in caught.value.read_only_reason
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform != "linux", reason="finds the file written to through /proc")
def test_a_full_disk_while_taking_over_a_stale_lock_leaves_no_half_lock(tmp_path, monkeypatch, strategy):
    path = tmp_path / "Enhet 2026.granskning"
    write_lock_text(path, "Död")
    _write_fails_after(monkeypatch, 10)
    with pytest.raises(CannotLock, match="disken är full"):
        FileLock(path).acquire("Anna")
    left = [p.name for p in tmp_path.iterdir()]
    assert all(not name.startswith(".") for name in left)  # no temporary file
    if left:  # the stale lock may stay as it was, never half-written
        assert json.loads(lock_path_for(path).read_text(encoding="utf-8"))["user"] == "Död"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MiB tmpfs (needs root); skipped where it cannot be mounted."""
    mount_point = tmp_path / "liten disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("a tmpfs cannot be mounted here")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(folder: Path) -> None:
    with (folder / "fyllnad").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"x" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC


def test_a_really_full_disk_gives_a_message_and_leaves_nothing(tiny_disk):
    path = tiny_disk / "Enhet 2026.granskning"
    path.write_bytes(b"")
    fill(tiny_disk)
    with pytest.raises(CannotLock, match="disken är full"):
        FileLock(path).acquire("Anna")
    assert sorted(p.name for p in tiny_disk.iterdir()) == sorted([path.name, "fyllnad"])
    assert FileLock(path).holder() is None
    (tiny_disk / "fyllnad").unlink()
    lock = FileLock(path)
    lock.acquire("Anna")
    lock.release()


def test_a_file_on_a_full_disk_can_still_be_read_after_the_lock_failed(tiny_disk, review_file):
    path = tiny_disk / review_file.name
    path.write_bytes(review_file.read_bytes())
    expected = status_data(reader := open_for_reading(review_file))
    reader.close()
    fill(tiny_disk)
    with pytest.raises(CannotLock, match="disken är full"):
        FileLock(path).acquire("Anna")
    reader = open_for_reading(path)
    assert status_data(reader) == expected
    reader.close()


def test_a_read_only_folder_gives_the_reason_to_open_read_only(tiny_disk):
    path = tiny_disk / "Enhet 2026.granskning"
    path.write_bytes(b"")
    remounted = subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], capture_output=True)
    if remounted.returncode != 0:
        pytest.skip("the tmpfs cannot be made read-only here")
    with pytest.raises(CannotLock) as caught:
        FileLock(path).acquire("Anna")
    assert "går inte att skriva i" in caught.value.message and str(tiny_disk) in caught.value.message
    assert "bara för läsning" in caught.value.read_only_reason


def test_a_temporary_lock_left_by_a_killed_process_is_cleaned_up_but_a_fresh_empty_one_is_kept(tmp_path):
    path = tmp_path / "Enheten 2026.granskning"
    path.write_bytes(b"")
    abandoned = tmp_path / f".{lock_path_for(path).name}.0123456789abcdef.tmp"
    abandoned.write_text(json.dumps({"user": "Död", "host": socket.gethostname(), "pid": 999_999}), encoding="utf-8")
    being_written = tmp_path / f".{lock_path_for(path).name}.fedcba9876543210.tmp"
    being_written.write_bytes(b"")
    lock = FileLock(path)
    lock.acquire("Anna")
    lock.release()
    assert not abandoned.exists()
    assert being_written.exists()
