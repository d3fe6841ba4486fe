"""The reviewer's own file of an enhet: the only granskningsfil this program writes.

Opening an enhet for review gives the program a file of its own: a working copy on this computer
(in the user's data folder, always writable) that holds everything the reviewer has confirmed,
and a copy of it in the enhet's folder, named so that a person sees whose it is:
`Mottagningen 2026 – Anna på DATOR1 (3f2a).granskning`. Both are replaced whole and atomically.
The working copy is written before a change is reported saved; the folder's copy is written by a
background thread right after, so a slow or vanished network share never holds up a key press,
and while the folder cannot be reached the reviewer goes on and the copy is written when it can
be. Two programs on one computer never share a working copy (each holds a lock on its own).
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aktgranskning.atomic_file import replace_durably
from aktgranskning.domain.file_names import file_name_part
from aktgranskning.paths import user_data_dir
from aktgranskning.services.file_lock import FileInUse, FileLock

WORKING_FOLDER = "arbetsfiler"
RETRY_SECONDS = 2.0
QUIET_SECONDS = 0.3  # the folder's copy is written once a burst of changes has paused this long …
LONGEST_WAIT_SECONDS = 2.0  # … or this long after the first change of the burst


def computer_name() -> str:
    """The name a person knows this computer by (no network: the local host name)."""
    return os.environ.get("AKTGRANSKNING_DATORNAMN") or socket.gethostname().split(".")[0] or "datorn"


def own_file_name(enhet_path: Path, reviewer: str, computer: str, writer: str) -> str:
    return (f"{enhet_path.stem} – {file_name_part(reviewer, 'granskare')} på {file_name_part(computer, 'datorn')} "
            f"({writer[:4]}){enhet_path.suffix}")


def working_folder(file_uuid: str) -> Path:
    folder = user_data_dir() / WORKING_FOLDER / file_name_part(file_uuid, "okänd", 64)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def existing_working_folder(file_uuid: str) -> Path | None:
    """This computer's working folder for the enhet, when there is one (never created here)."""
    folder = user_data_dir() / WORKING_FOLDER / file_name_part(file_uuid, "okänd", 64)
    return folder if folder.is_dir() else None


def offline_candidates() -> list[tuple[str, Path]]:
    """Every working copy on this computer, with its enhet's file id (the folder's name)."""
    root = user_data_dir() / WORKING_FOLDER
    try:
        return [(folder.name, copy) for folder in sorted(root.iterdir()) if folder.is_dir()
                for copy in sorted(folder.glob("*.granskning"))]
    except OSError:
        return []


@dataclass
class WorkingCopy:
    """A writer's working copy on this computer, held with a lock while the program uses it."""

    path: Path
    writer: str
    lock: FileLock

    def release(self) -> None:
        self.lock.release()


def claim_working_copy(file_uuid: str, reviewer: str, is_theirs: Callable[[Path], bool]) -> WorkingCopy:
    """The reviewer's working copy of the enhet on this computer, locked: the one they used before
    for this enhet folder (`is_theirs`) when no other program on this computer has it open, else a
    new one."""
    folder = working_folder(file_uuid)
    for candidate in sorted(folder.glob("*.granskning")):
        if not is_theirs(candidate):
            continue
        lock = FileLock(candidate)
        try:
            lock.acquire(reviewer)
        except FileInUse:
            continue
        return WorkingCopy(candidate, candidate.stem, lock)
    writer = uuid.uuid4().hex
    path = folder / f"{writer}.granskning"
    lock = FileLock(path)
    lock.acquire(reviewer)
    return WorkingCopy(path, writer, lock)


class FolderPublisher:
    """Writes the newest state of the working copy to the enhet's folder, in a thread of its own;
    the newest state replaces any older one still waiting. Retries while the folder is gone.

    A change after a quiet moment is written at once; the changes of a run that follows quickly
    are written once they pause (QUIET_SECONDS), so that quick key presses are one upload for a
    sync client instead of one each, and so that this write and its flush do not compete with
    the next key press's own (which is what makes that answer durable, in the working copy)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._pending: bytes | None = None
        self._offered_at = 0.0  # when the newest state was offered (time.monotonic)
        self._first_offered_at = 0.0  # when the oldest state not yet written was offered
        self._written_at = -QUIET_SECONDS  # when the last write ended
        self._hurry = False  # flush: write now, without waiting for a pause
        self._condition = threading.Condition()
        self._stopping = False
        self.published_at: datetime | None = None
        self.failure: OSError | None = None
        self.failing_since: datetime | None = None
        self._thread = threading.Thread(target=self._run, name="publicera-egen-fil", daemon=True)
        self._thread.start()

    def offer(self, data: bytes) -> None:
        with self._condition:
            now = time.monotonic()
            if self._pending is None:
                self._first_offered_at = now
            self._pending = data
            self._offered_at = now
            self._condition.notify_all()

    @property
    def waiting(self) -> bool:
        with self._condition:
            return self._pending is not None

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until what was offered is in the folder; False when it could not be written in time."""
        deadline = time.monotonic() + timeout
        with self._condition:
            self._hurry = self._pending is not None
            self._condition.notify_all()
            while self._pending is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._condition.wait(min(left, 0.05))
        return True

    def close(self, timeout: float = 10.0) -> bool:
        """Write what is waiting, then stop. While the folder cannot be reached, do not wait: the
        working copy holds everything and the next opening publishes it."""
        written = self.flush(0.0 if self.failure is not None else timeout)
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        self._thread.join(timeout=1.0)
        return written

    def _run(self) -> None:
        while True:
            with self._condition:
                while self._pending is None and not self._stopping:
                    self._condition.wait()
                if self._pending is None:
                    return
                self._wait_for_pause()
                data = self._pending
            try:
                replace_durably(self.target, data)
            except OSError as error:
                self._failed(error)
                with self._condition:
                    if self._stopping:
                        return
                    self._condition.wait(RETRY_SECONDS)
                continue
            with self._condition:
                self._written_at = time.monotonic()
                if self._pending is data:
                    self._pending = None
                    self._hurry = False
                self.published_at = datetime.now()
                self.failure = None
                self.failing_since = None
                self._condition.notify_all()

    def _wait_for_pause(self) -> None:
        """Within a run of changes: until no new state has come for QUIET_SECONDS (at most
        LONGEST_WAIT_SECONDS), unless someone waits for the copy (flush, close). Called holding
        the condition."""
        if self._first_offered_at - self._written_at >= QUIET_SECONDS:
            return  # the first change after a quiet moment
        while not (self._hurry or self._stopping):
            now = time.monotonic()
            left = min(self._offered_at + QUIET_SECONDS, self._first_offered_at + LONGEST_WAIT_SECONDS) - now
            if left <= 0:
                return
            self._condition.wait(left)

    def _failed(self, error: OSError) -> None:
        self.failure = error
        if self.failing_since is None:
            self.failing_since = datetime.now()
