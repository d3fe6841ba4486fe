"""Reading a granskningsfil without touching it: a private snapshot in memory.

A reader never opens the user's file through SQLite in place. It copies the file (and a side file
only when that provably belongs to it) into a private temporary folder, lets SQLite roll back a
hot journal or apply the WAL there, and copies the result into an in-memory database that is
then only read. So reading needs no write access to the user's folder, never leaves a stray file
there, never applies another file's `-wal` or `-journal`, and never blocks on a named pipe.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from aktgranskning.domain.errors import FileProblem
from aktgranskning.storage.engine import SQLITE_MAGIC, plain_file_name
from aktgranskning.storage.hardening import harden_connection

MAX_FILE_BYTES = 200 * 1024 * 1024
COPY_ATTEMPTS = 5
# Up to this size a file without side files is read straight into memory; a larger one is copied
# and checked on disk first, so a hostile giant is refused before it is ever held in memory.
READ_WHOLE_BYTES = 8 * 1024 * 1024
HEADER_BYTES = 100
WAL_MAGICS = (0x377F0682, 0x377F0683)
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
_COMPARE_STEPS = 5_000_000  # SQLite VM steps allowed for the side-file comparison


@dataclass(frozen=True)
class SideFile:
    """A `-wal` or `-journal` next to a granskningsfil and whether it belongs to it."""

    path: Path
    kind: str  # "wal" or "journal"
    regular: bool
    belongs: bool
    reason: str  # why it does not belong (Swedish), '' when it does


@dataclass
class Snapshot:
    connection: sqlite3.Connection  # in memory, query_only
    applied: list[SideFile] = field(default_factory=list)
    foreign: list[SideFile] = field(default_factory=list)
    answers_only_in_wal: int = 0  # answers that a copy of the main file alone would lack

    def notes(self) -> list[str]:
        """What the user must be told about side files, in Swedish."""
        said = [f"sidofilen {side.path.name} hör inte till filen och användes inte ({side.reason})."
                for side in self.foreign]
        if self.answers_only_in_wal:
            wal = next(side for side in self.applied if side.kind == "wal")
            said.append(
                f"{self.answers_only_in_wal} svar finns bara i sidofilen {wal.path.name}; en kopia av enbart "
                ".granskning-filen saknar dem. Öppna filen en gång för granskning i Aktgranskning (då förs de "
                "in i filen) innan den kopieras eller skickas."
            )
        if any(side.kind == "journal" for side in self.applied):
            said.append("filen hade en ofullbordad ändring (sidofilen -journal: någon skrev i filen just då, eller "
                        "ett program avbröts mitt i); det som lästes är filen utan den ändringen.")
        return said


# --- headers and side files ---------------------------------------------------------------------

def regular_file_size(path: Path) -> int:
    """The size of a regular file; anything else (a folder, a named pipe, a device) is refused
    without being opened, since opening a pipe would wait for ever."""
    try:
        status = os.stat(path)
    except FileNotFoundError as exc:
        raise FileProblem(path, "filen finns inte.") from exc
    except OSError as exc:
        raise FileProblem(path, f"filen kunde inte läsas ({exc.strerror}).") from exc
    if stat.S_ISDIR(status.st_mode):
        raise FileProblem(path, "det här är en mapp, inte en granskningsfil.")
    if not stat.S_ISREG(status.st_mode):
        raise FileProblem(path, "det här är ingen vanlig fil (t.ex. en namngiven rörledning eller en enhet) "
                                "och kan inte vara en granskningsfil.")
    return status.st_size


def read_header(path: Path) -> bytes:
    """The first 100 bytes, read without ever blocking (O_NONBLOCK, regular files only)."""
    with _open_regular(path) as handle:
        return handle.read(HEADER_BYTES)


def is_wal_mode(header: bytes) -> bool:
    return len(header) >= 20 and header[18] == 2 and header[19] == 2


def page_size(header: bytes) -> int:
    value = int.from_bytes(header[16:18], "big")
    return 65536 if value == 1 else value


def side_files(path: Path) -> list[SideFile]:
    """The `-wal` and `-journal` next to the file that SQLite would look at, with a verdict on
    each: a WAL belongs only when the main file's header says WAL mode and the page sizes match;
    a journal only when its magic and page size are valid. Empty ones are left out: SQLite ignores
    them."""
    header = read_header(path)
    found = []
    for kind in ("wal", "journal"):
        side = path.with_name(f"{path.name}-{kind}")
        try:
            status = os.lstat(side)
        except FileNotFoundError:
            continue
        except OSError as exc:
            found.append(SideFile(side, kind, False, False, f"kunde inte läsas: {exc.strerror}"))
            continue
        if not stat.S_ISREG(status.st_mode):
            found.append(SideFile(side, kind, False, False, "den är ingen vanlig fil"))
            continue
        if status.st_size == 0:
            continue
        with _open_regular(side) as handle:
            side_header = handle.read(32)
        reason = _wal_mismatch(header, side_header) if kind == "wal" else _journal_mismatch(header, side_header)
        if reason is None:
            continue  # a journal SQLite would not replay
        found.append(SideFile(side, kind, True, reason == "", reason))
    return found


def _wal_mismatch(header: bytes, wal: bytes) -> str:
    if not is_wal_mode(header):
        return "filen själv är inte i WAL-läge"
    if len(wal) < 32 or int.from_bytes(wal[0:4], "big") not in WAL_MAGICS:
        return "den är ingen giltig WAL-fil"
    if int.from_bytes(wal[8:12], "big") != page_size(header):
        return "sidstorleken stämmer inte med filens"
    return ""


def _journal_mismatch(header: bytes, journal: bytes) -> str | None:
    if not journal or journal[0] == 0:
        return None  # not hot: SQLite ignores it
    if journal[:8] != JOURNAL_MAGIC or len(journal) < 28:
        return "den är ingen giltig journalfil"
    if int.from_bytes(journal[24:28], "big") != page_size(header):
        return "sidstorleken stämmer inte med filens"
    return ""


# --- the snapshot -------------------------------------------------------------------------------

def take_snapshot(path: Path, check: Callable[[sqlite3.Connection], None]) -> Snapshot:
    """Copy the file (and side files that belong) privately, let `check` look at it before
    anything else reads it, and return its content in memory, read-only."""
    size = regular_file_size(path)
    if size > MAX_FILE_BYTES:
        raise FileProblem(path, f"filen är {size // (1024 * 1024)} MB, mer än de {MAX_FILE_BYTES // (1024 * 1024)} MB "
                                "en granskningsfil kan vara. Den är ingen granskningsfil eller har fyllts på utifrån.")
    whole = _read_alone(path) if size <= READ_WHOLE_BYTES else None
    if whole is not None:
        return _snapshot_of_bytes(path, whole, check)
    with tempfile.TemporaryDirectory(prefix="aktgranskning-") as folder:
        copy = Path(folder) / "kopia.granskning"
        sides = _copy_stable(path, copy)
        applied = [side for side in sides if side.belongs]
        foreign = [side for side in sides if not side.belongs]
        alone = Path(folder) / "ensam" / "kopia.granskning"
        if any(side.kind == "wal" for side in applied):
            alone.parent.mkdir()
            shutil.copyfile(copy, alone)
        connection = _open_copy(path, copy)
        try:
            check(connection)
            memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            try:
                connection.backup(memory)
            except sqlite3.DatabaseError as exc:
                memory.close()
                raise FileProblem(path, f"filen är skadad och kan inte läsas ({exc}).") from exc
            only_in_wal = _answers_missing_from(alone, connection) if alone.exists() else 0
        finally:
            connection.close()
    harden_connection(memory)
    memory.execute("PRAGMA foreign_keys=ON")
    memory.execute("PRAGMA query_only=ON")
    return Snapshot(memory, applied, foreign, only_in_wal)


def _read_alone(path: Path) -> bytes | None:
    """The file's bytes when SQLite would read it alone: no `-wal` or `-journal` beside it and
    not in WAL mode (every file the program publishes). Read again if it changed meanwhile, as
    `_copy_stable` copies. None when it has side files: those need the copy in a folder."""
    for _attempt in range(COPY_ATTEMPTS):
        before = _fingerprint(path)
        if before[1] is not None or before[2] is not None:
            return None
        data = _read_regular(path)
        if len(data) > READ_WHOLE_BYTES:  # it grew since its size was taken
            return None
        if _fingerprint(path) == before:
            return None if is_wal_mode(data[:HEADER_BYTES]) else data
    raise FileProblem(path, "filen ändrades hela tiden medan den lästes (någon skriver i den just nu). "
                            "Försök igen om en stund.")


def _read_regular(path: Path) -> bytes:
    try:
        with _open_regular(path) as reader:
            return reader.read(READ_WHOLE_BYTES + 1)
    except OSError as exc:
        raise FileProblem(path, f"filen kunde inte läsas ({exc.strerror}).") from exc


def _snapshot_of_bytes(path: Path, data: bytes, check: Callable[[sqlite3.Connection], None]) -> Snapshot:
    """A file without side files is opened straight from its bytes in memory (`deserialize`),
    hardened before `check` reads anything, as the copy in a folder is: the same checks, without
    a temporary folder, a copy on disk and a second copy into memory."""
    _refuse_non_database(path, data[: len(SQLITE_MAGIC)])
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        try:
            memory.deserialize(data)
        except sqlite3.DatabaseError as exc:
            raise FileProblem(path, f"filen är skadad och kan inte läsas ({exc}).") from exc
        harden_connection(memory)
        check(memory)
        memory.execute("PRAGMA foreign_keys=ON")
        memory.execute("PRAGMA query_only=ON")
    except BaseException:
        memory.close()
        raise
    return Snapshot(memory, [], [], 0)


def _copy_stable(path: Path, copy: Path) -> list[SideFile]:
    """Copy the main file and its belonging side files; again if any changed meanwhile (the
    size, modification time or the header's change counter), so the copy is one moment's file."""
    for _attempt in range(COPY_ATTEMPTS):
        before = _fingerprint(path)
        sides = side_files(path)
        _copy_regular(path, copy)
        total = copy.stat().st_size
        for side in sides:
            if side.belongs:
                _copy_regular(side.path, copy.with_name(f"{copy.name}-{side.kind}"))
                total += side.path.stat().st_size
        if total > MAX_FILE_BYTES:
            raise FileProblem(path, f"filen med sina sidofiler är större än {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        if _fingerprint(path) == before:
            return sides
        for leftover in copy.parent.glob(f"{copy.name}*"):
            leftover.unlink()
    raise FileProblem(path, "filen ändrades hela tiden medan den lästes (någon skriver i den just nu). "
                            "Försök igen om en stund.")


def _fingerprint(path: Path) -> tuple[object, ...]:
    parts: list[object] = []
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")):
        try:
            status = os.lstat(candidate)
        except FileNotFoundError:
            parts.append(None)
            continue
        parts.append((status.st_size, status.st_mtime_ns, status.st_mode))
    parts.append(read_header(path)[24:28])  # the file change counter
    return tuple(parts)


@contextmanager
def _open_regular(path: Path) -> Iterator[BinaryIO]:
    """A file opened for reading only if it is a regular file (checked on the open descriptor,
    so a file swapped for a pipe after a stat still cannot block)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise FileProblem(path, f"filen kunde inte läsas ({exc.strerror}).") from exc
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise FileProblem(path, "det här är ingen vanlig fil och kan inte vara en granskningsfil.")
    with os.fdopen(descriptor, "rb") as handle:
        yield handle


def _copy_regular(source: Path, target: Path) -> None:
    try:
        with _open_regular(source) as reader, open(target, "wb") as writer:
            shutil.copyfileobj(reader, writer, 1024 * 1024)
    except OSError as exc:
        raise FileProblem(source, f"filen kunde inte läsas ({exc.strerror}).") from exc


def _open_copy(path: Path, copy: Path) -> sqlite3.Connection:
    with _open_regular(copy) as handle:
        _refuse_non_database(path, handle.read(len(SQLITE_MAGIC)))
    connection = sqlite3.connect(plain_file_name(copy), isolation_level=None, check_same_thread=False)
    harden_connection(connection)
    return connection


def _refuse_non_database(path: Path, header: bytes) -> None:
    if not header:
        raise FileProblem(path, "filen är tom (0 byte) och är ingen granskningsfil.")
    if header != SQLITE_MAGIC:
        raise FileProblem(path, "filen är ingen granskningsfil (den är inte en SQLite-databas).")


def _answers_missing_from(alone: Path, full: sqlite3.Connection) -> int:
    """How many answers the main file alone lacks (or holds differently) compared with the file
    read together with its WAL. Bounded work; a file this cannot compare counts as 0."""
    other = sqlite3.connect(plain_file_name(alone), isolation_level=None)
    try:
        harden_connection(other)
        steps = [0]

        def bounded() -> int:
            steps[0] += 1
            return 1 if steps[0] > _COMPARE_STEPS // 1000 else 0

        query = "SELECT case_id, question_id, answer, comment FROM answers WHERE answer IS NOT NULL OR comment != ''"
        for connection in (other, full):
            connection.set_progress_handler(bounded, 1000)
        try:
            with_wal = set(full.execute(query).fetchall())
            without = set(other.execute(query).fetchall())
        except sqlite3.DatabaseError:
            return 0
        finally:
            full.set_progress_handler(None, 0)
        return len(with_wal - without)
    finally:
        other.close()
