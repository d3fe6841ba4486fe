"""Who has a granskningsfil open for writing: a small lock file next to it.

SQLite would keep two writers consistent, but two reviewers answering the same file at the same
time through a network share is how answers get overwritten unseen. The second instance is told
who holds the file and may open it read-only. A lock left by a process that died on this computer
is taken over; one from another computer is reported with its time so a person can judge it.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from aktgranskning.domain.errors import UserError
from aktgranskning.domain.review_file import now_iso


@dataclass(frozen=True)
class LockHolder:
    user: str
    host: str
    pid: int
    since: str


class FileInUse(UserError):
    def __init__(self, path: Path, holder: LockHolder) -> None:
        self.path = path
        self.holder = holder
        since = holder.since.replace("T", " ")[:16]
        super().__init__(
            f"{path}: filen är redan öppen för granskning av {holder.user} på datorn {holder.host} "
            f"(sedan {since}). Du kan öppna den skrivskyddad och läsa, men inte svara."
        )


def lock_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".lås")


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = lock_path_for(path)
        self._held = False

    def acquire(self, user: str) -> None:
        holder = LockHolder(user, socket.gethostname(), os.getpid(), now_iso())
        for _attempt in range(2):
            try:
                descriptor = os.open(self.lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                current = self.holder()
                if current is not None and not _is_stale(current):
                    raise FileInUse(self.path, current) from None
                self.lock_path.unlink(missing_ok=True)
                continue
            except OSError:
                return  # a folder we cannot write a lock into: SQLite's own locking still applies
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(holder.__dict__, handle, ensure_ascii=False)
            self._held = True
            return

    def holder(self) -> LockHolder | None:
        try:
            data = json.loads(self.lock_path.read_text(encoding="utf-8"))
            return LockHolder(str(data["user"]), str(data["host"]), int(data["pid"]), str(data["since"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def release(self) -> None:
        if self._held:
            self.lock_path.unlink(missing_ok=True)
            self._held = False


def _is_stale(holder: LockHolder) -> bool:
    if holder.host != socket.gethostname():
        return False
    if holder.pid == os.getpid():
        return False
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
