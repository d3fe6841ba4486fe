"""Who has a granskningsfil open for writing: a small lock file next to it.

SQLite would keep two writers consistent, but two reviewers answering the same file at the same
time through a network share is how answers get overwritten unseen. The second instance is told
who holds the file and may open it read-only.

How the lock holds:

- **Liveness is an OS lock**, not a PID. The holder keeps the lock file open for the whole session
  with an OS byte-range lock on it (Linux: an open-file-description lock, `F_OFD_SETLK`; other
  POSIX: `flock`; Windows: `msvcrt.locking`). The OS drops it when the process ends, however it
  ends, and a file server drops a dead client's locks. A lock file whose OS lock can be taken is
  therefore stale, whatever PID it names, so a reused PID neither locks the owner out nor lets a
  stranger in. OFD locks and `flock` belong to the open file, not the process, so reading the
  file again (`holder()`) never drops our own lock, as classic POSIX record locks would.
- **The locked byte lies far past the text**: SMB byte-range locks are mandatory, and the holder's
  name, computer and time must stay readable for the message.
- **Every change of the lock file's name is made by whoever holds the OS lock on the file the name
  points to** (or creates the name when it is absent). Creating: the lock is written in full to a
  unique temporary file, OS-locked, then hard-linked to the lock name (a link fails if the name
  exists), so no one ever sees a half-written or unlocked fresh lock. Taking over a stale lock:
  take its OS lock, check that the name still points to that file, then rename our temporary
  file over it; of two processes racing, only the first gets the OS lock, the second then finds
  a live lock. Releasing: only if the name still points to our file and carries our token.
  Where hard links fail (FAT, a FUSE filesystem without a link operation, some shares), and
  always on Windows (an open file cannot be renamed or removed there, which guards the name just
  as well), the lock is created exclusively and written in place under its OS lock; a crash in
  the instant between creating and writing leaves an empty lock, which counts as stale.
- **A lock from another computer** whose OS lock is free is reported, not taken over, unless the
  caller asks to (`take_over_from_other_computer`): in a folder kept in sync by OneDrive or
  similar, or on an NFS mount without lock support, OS locks do not reach the other computer, so
  a free OS lock there is no proof that the other person has stopped working.
- **Writing the lock can fail** (disk full, a folder that cannot be written): `CannotLock` says so
  in Swedish and carries the reason to open the file read-only; nothing is left behind.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path

from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.review_file import now_iso

_WINDOWS = sys.platform == "win32"
_BINARY = getattr(os, "O_BINARY", 0)
_LOCKED_BYTE = 0x7FFF_0000  # below 2 GiB: msvcrt.locking positions are 32-bit
_MAX_LOCK_TEXT = 4096
_ABANDONED_AFTER_SECONDS = 10
_ATTEMPTS = 20

_BUSY = {errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK, getattr(errno, "EDEADLOCK", errno.EDEADLK), errno.EDEADLK}
_NO_OS_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL, errno.ENOSYS}
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_NOT_WRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}


@dataclass(frozen=True)
class LockHolder:
    user: str
    host: str
    pid: int
    since: str
    token: str = ""


UNKNOWN_HOLDER = LockHolder("", "", 0, "")


class FileInUse(UserError):
    def __init__(self, path: Path, holder: LockHolder, left_behind: bool = False) -> None:
        self.path = path
        self.holder = holder
        self.left_behind = left_behind
        super().__init__(f"{path}: {_in_use_text(holder)}{_left_behind_text(path, left_behind)} "
                         "Du kan öppna den skrivskyddad och läsa, men inte svara.")


class CannotLock(FileProblem):
    """The lock file cannot be written, so the file cannot be opened for writing. The caller may
    open it read-only and show `read_only_reason` (a sentence fit for ReviewSession)."""

    def __init__(self, path: Path, problem: str, read_only_reason: str) -> None:
        super().__init__(path, problem)
        self.read_only_reason = read_only_reason


def lock_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".lås")


class _OsLock(Enum):
    TAKEN = "taken"
    BUSY = "busy"
    UNSUPPORTED = "unsupported"  # the filesystem has no locks: fall back to the PID


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = lock_path_for(path)
        self._descriptor: int | None = None
        self._token = ""

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def acquire(self, user: str, take_over_from_other_computer: bool = False) -> None:
        """Take the lock or raise FileInUse (someone holds it) or CannotLock (it cannot be written)."""
        if self._descriptor is not None:
            return
        mine = LockHolder(user, socket.gethostname(), os.getpid(), now_iso(), uuid.uuid4().hex)
        text = json.dumps(asdict(mine), ensure_ascii=False).encode("utf-8")
        try:
            if _WINDOWS:
                descriptor = self._acquire_in_place(text, take_over_from_other_computer)
            else:
                descriptor = self._acquire_by_link(text, mine.token, take_over_from_other_computer)
        except OSError as error:
            raise _cannot_lock(self.path, self.lock_path, error) from error
        self._descriptor = descriptor
        self._token = mine.token

    def holder(self) -> LockHolder | None:
        """What the lock file says (for the message), or None when there is none or it is unreadable.
        Reading opens the file anew; our own OS lock belongs to another open file and stays."""
        try:
            descriptor = os.open(self.lock_path, os.O_RDONLY | _BINARY)
        except OSError:
            return None
        try:
            return _read_holder(descriptor)
        finally:
            os.close(descriptor)

    def release(self) -> None:
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is None:
            return
        try:
            if _same_file(descriptor, self.lock_path) and _carries_token(descriptor, self._token):
                _remove_held(descriptor, self.lock_path)
                return
        except OSError:
            pass  # closing below drops the OS lock; a lock file left behind is then stale
        _close(descriptor)

    # --- taking the lock ----------------------------------------------------------------------
    def _acquire_by_link(self, text: bytes, token: str, take_over: bool) -> int:
        self._remove_abandoned_temporaries()
        temporary = self.lock_path.with_name(f".{self.lock_path.name}.{token[:16]}.tmp")
        descriptor, os_lock = _write_new_locked_file(temporary, text)
        try:
            if self._link_or_replace(temporary, take_over, os_lock):
                return descriptor
        except BaseException:
            _close(descriptor)
            raise
        finally:
            temporary.unlink(missing_ok=True)
        _close(descriptor)  # this filesystem has no hard links
        return self._acquire_in_place(text, take_over)

    def _remove_abandoned_temporaries(self) -> None:
        """A process killed between writing its temporary lock and linking it leaves that file
        behind. Its writer locks it before writing and removes the name once linked, so one that
        holds text but no OS lock is abandoned; an empty one only once it is old, since its writer
        may be between creating and locking it."""
        for leftover in self.lock_path.parent.glob(f".{self.lock_path.name}.*.tmp"):
            try:
                descriptor = os.open(leftover, os.O_RDWR | _BINARY)
            except OSError:
                continue
            try:
                abandoned = os.fstat(descriptor).st_size > 0 or (
                    time.time() - os.fstat(descriptor).st_mtime > _ABANDONED_AFTER_SECONDS)
                if abandoned and _try_os_lock(descriptor) is _OsLock.TAKEN:
                    leftover.unlink(missing_ok=True)
            except OSError:
                pass
            finally:
                _close(descriptor)

    def _link_or_replace(self, temporary: Path, take_over: bool, own_os_lock: _OsLock) -> bool:
        """Put our finished, locked file under the lock name: True when done, False when the
        filesystem has no hard links; FileInUse when someone holds the lock."""
        for _attempt in range(_ATTEMPTS):
            try:
                os.link(temporary, self.lock_path)
                return True
            except FileExistsError:
                if self._replace_if_stale(temporary, take_over, own_os_lock):
                    return True
            except OSError:
                # Our temporary file was just written here, so the folder takes files but not
                # hard links (FAT, some shares, FUSE filesystems answer EPERM, ENOTSUP, EROFS …).
                return False
        raise FileInUse(self.path, self.holder() or UNKNOWN_HOLDER)

    def _replace_if_stale(self, temporary: Path, take_over: bool, own_os_lock: _OsLock) -> bool:
        """Rename our finished lock over a stale one. False when the lock vanished or changed
        meanwhile (try again); FileInUse when it is live."""
        existing = self._open_existing()
        if existing is None:
            return False
        try:
            os_lock = _try_os_lock(existing) if own_os_lock is not _OsLock.UNSUPPORTED else _OsLock.UNSUPPORTED
            if os_lock is _OsLock.BUSY:
                raise FileInUse(self.path, _read_holder(existing) or UNKNOWN_HOLDER)
            if not _same_file(existing, self.lock_path):
                return False
            self._refuse_unless_stale(_read_holder(existing), os_lock, take_over)
            os.replace(temporary, self.lock_path)
            return True
        finally:
            _close(existing)

    def _acquire_in_place(self, text: bytes, take_over: bool) -> int:
        for _attempt in range(_ATTEMPTS):
            created = True
            try:
                descriptor = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
            except FileExistsError:
                created = False
                existing = self._open_existing()
                if existing is None:
                    continue
                descriptor = existing
            try:
                os_lock = _try_os_lock(descriptor)
                if os_lock is _OsLock.BUSY and not created:
                    raise FileInUse(self.path, _read_holder(descriptor) or UNKNOWN_HOLDER)
                # BUSY although created: someone took over our empty new file before we locked it
                ours = os_lock is not _OsLock.BUSY and _same_file(descriptor, self.lock_path)
                if ours and not created:
                    self._refuse_unless_stale(_read_holder(descriptor), os_lock, take_over)
            except BaseException:
                _close(descriptor)
                raise
            if not ours:
                _close(descriptor)
                continue
            _rewrite_held(descriptor, self.lock_path, text)
            return descriptor
        raise FileInUse(self.path, self.holder() or UNKNOWN_HOLDER)

    def _open_existing(self) -> int | None:
        try:
            return os.open(self.lock_path, os.O_RDWR | _BINARY)
        except FileNotFoundError:
            return None
        except PermissionError:
            # Another user's lock file we may not write, or (on Windows) one being removed: its
            # OS lock cannot be tested, so it counts as held while it names someone.
            holder = self.holder()
            if holder is None:
                time.sleep(0.05)
                return None
            raise FileInUse(self.path, holder) from None

    def _refuse_unless_stale(self, current: LockHolder | None, os_lock: _OsLock, take_over: bool) -> None:
        """Raise FileInUse unless the lock whose OS lock we could take (or test) is stale."""
        if current is None:
            return  # empty or unreadable, and no process holds it: left by a crash while writing
        if os_lock is _OsLock.UNSUPPORTED:
            if current.host == socket.gethostname() and not _process_alive(current.pid):
                return
            raise FileInUse(self.path, current)
        if current.host != socket.gethostname() and not take_over:
            raise FileInUse(self.path, current, left_behind=True)


# --- the OS lock ------------------------------------------------------------------------------
def _try_os_lock(descriptor: int) -> _OsLock:
    try:
        if _WINDOWS:
            import msvcrt

            os.lseek(descriptor, _LOCKED_BYTE, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            if hasattr(fcntl, "F_OFD_SETLK"):
                fcntl.fcntl(descriptor, fcntl.F_OFD_SETLK, _flock_record(fcntl.F_WRLCK))
            else:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in _BUSY:
            return _OsLock.BUSY
        if error.errno in _NO_OS_LOCKS:
            return _OsLock.UNSUPPORTED
        raise
    return _OsLock.TAKEN


def _flock_record(kind: int) -> bytes:
    """struct flock for one byte at _LOCKED_BYTE; l_pid must be 0 for OFD locks. Native layout
    (short, short, off_t, off_t, pid_t), zero-padded past the struct's size."""
    import struct

    return struct.pack("hhqqi", kind, os.SEEK_SET, _LOCKED_BYTE, 1, 0).ljust(64, b"\0")


def _unlock_windows(descriptor: int) -> None:
    import msvcrt

    try:
        os.lseek(descriptor, _LOCKED_BYTE, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    except OSError:
        pass  # closing the file drops it too


# --- the lock file ----------------------------------------------------------------------------
def _write_new_locked_file(path: Path, text: bytes) -> tuple[int, _OsLock]:
    """A new file holding `text` in full, synced, with our OS lock on it; removed again on failure."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
    try:
        os_lock = _try_os_lock(descriptor)
        _write_all(descriptor, text)
        os.fsync(descriptor)
        return descriptor, os_lock
    except BaseException:
        _close(descriptor)
        path.unlink(missing_ok=True)
        raise


def _rewrite_held(descriptor: int, lock_path: Path, text: bytes) -> None:
    """Write our text into a lock file whose OS lock we hold; on failure remove and close it, so
    neither an empty nor a half-written lock stays behind."""
    try:
        os.ftruncate(descriptor, 0)
        _write_all(descriptor, text)
        os.fsync(descriptor)
    except BaseException:
        _remove_held(descriptor, lock_path)
        raise


def _write_all(descriptor: int, text: bytes) -> None:
    os.lseek(descriptor, 0, os.SEEK_SET)
    view = memoryview(text)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _read_holder(descriptor: int) -> LockHolder | None:
    try:
        os.lseek(descriptor, 0, os.SEEK_SET)
        raw = os.read(descriptor, _MAX_LOCK_TEXT)
        data = json.loads(raw.decode("utf-8"))
        return LockHolder(str(data["user"]), str(data["host"]), int(data["pid"]), str(data["since"]),
                          str(data.get("token", "")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _carries_token(descriptor: int, token: str) -> bool:
    holder = _read_holder(descriptor)
    return holder is not None and holder.token == token


def _same_file(descriptor: int, path: Path) -> bool:
    """Does the name still point to the file we have open? On Windows an open file cannot be
    removed or renamed, so it always does."""
    if _WINDOWS:
        return True
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _remove_held(descriptor: int, lock_path: Path) -> None:
    """Remove the lock file whose OS lock we hold. On POSIX the name goes while we still hold the
    lock; on Windows it can only go once closed, and fails harmlessly if someone has opened it."""
    if _WINDOWS:
        _close(descriptor)
        try:
            lock_path.unlink(missing_ok=True)
        except PermissionError:
            pass  # opened meanwhile by someone about to take it over
        return
    try:
        lock_path.unlink(missing_ok=True)
    finally:
        _close(descriptor)


def _close(descriptor: int) -> None:
    if _WINDOWS:
        _unlock_windows(descriptor)
    try:
        os.close(descriptor)
    except OSError:
        pass


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


# --- messages ---------------------------------------------------------------------------------
def _in_use_text(holder: LockHolder) -> str:
    if not holder.user and not holder.host:
        return "filen är redan öppen för granskning i ett annat fönster eller på en annan dator."
    since = holder.since.replace("T", " ")[:16]
    return (f"filen är redan öppen för granskning av {holder.user or 'okänd granskare'} på datorn "
            f"{holder.host or 'okänd'} (sedan {since}).")


def _left_behind_text(path: Path, left_behind: bool) -> str:
    if not left_behind:
        return ""
    return (" Inget program håller låset nu, men från en annan dator går det inte att se säkert att "
            "filen är stängd där. Om du vet att den är stängd kan du ta bort låsfilen "
            f"{lock_path_for(path)}.")


def _cannot_lock(path: Path, lock_path: Path, error: OSError) -> CannotLock:
    reason = error.strerror or type(error).__name__
    if error.errno in _DISK_FULL:
        return CannotLock(
            path,
            f"disken är full, så låsfilen {lock_path.name} kunde inte skrivas och filen kan inte öppnas "
            "för granskning. Frigör utrymme och försök igen; skrivskyddad kan filen läsas.",
            "Disken är full, så filen öppnas bara för läsning. Frigör utrymme för att kunna ändra.",
        )
    if error.errno in _NOT_WRITABLE:
        return CannotLock(
            path,
            f"mappen {path.parent} går inte att skriva i ({reason}), så låsfilen {lock_path.name} kunde "
            "inte skapas och filen kan bara öppnas skrivskyddad.",
            "Mappen som filen ligger i går inte att skriva i, så filen öppnas bara för läsning.",
        )
    return CannotLock(
        path,
        f"låsfilen {lock_path.name} kunde inte skrivas ({reason}), så filen kan bara öppnas skrivskyddad.",
        f"Låsfilen kunde inte skrivas ({reason}), så filen öppnas bara för läsning.",
    )
