"""What storage tells the services about a granskningsfil it reads: every failure of SQLite on
the file becomes a FileProblem that names the file and says in Swedish what is wrong, so that
the services never handle the driver's own errors (an import-linter contract keeps `sqlite3` out
of `services/`).

The checks: a snapshot taken and checked as an untrusted file, the schema revision, an older
file brought into the rollback journal before it is written, and SQLite's integrity check."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from aktgranskning.domain.errors import FileProblem
from aktgranskning.storage.engine import connect_file, convert_to_rollback_journal
from aktgranskning.storage.migrate import known_revisions, revision_of
from aktgranskning.storage.snapshot import Snapshot, is_wal_mode, read_header, take_snapshot
from aktgranskning.storage.untrusted import check_database

DAMAGED = "filen är skadad och kan inte läsas"


def read_checked_snapshot(path: Path) -> Snapshot:
    """The file's content at this moment, in memory, after `check_database` accepted it."""
    try:
        return take_snapshot(path, check=lambda connection: check_database(connection, path))
    except sqlite3.DatabaseError as exc:
        raise FileProblem(path, f"{DAMAGED} ({exc}).") from exc
    except OSError as exc:
        raise FileProblem(path, f"filen kunde inte läsas ({exc.strerror or exc}).") from exc


def checked_revision(path: Path, connection: sqlite3.Connection) -> str:
    """The file's schema revision, which this version of the program must know."""
    try:
        revision = revision_of(connection)
    except Exception as exc:
        raise FileProblem(path, f"{DAMAGED} ({driver_reason(exc)}).") from exc
    if revision is None:
        raise FileProblem(path, "filen är en SQLite-databas men ingen granskningsfil (schemaversion saknas).")
    if revision not in known_revisions():
        raise FileProblem(
            path,
            f"filen är skapad med en nyare version av Aktgranskning (schemaversion {revision}). "
            "Uppdatera programmet för att öppna den.",
        )
    return revision


def prepare_for_writing(path: Path) -> str:
    """Bring a file from an older version into the rollback journal, check it as an untrusted
    file before anything else reads it, and return its schema revision."""
    try:
        if is_wal_mode(read_header(path)):
            convert_to_rollback_journal(path)
            path.with_name(path.name + "-shm").unlink(missing_ok=True)
        connection = connect_file(path)
        try:
            check_database(connection, path)
            return checked_revision(path, connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise FileProblem(path, f"{DAMAGED} ({exc}).") from exc


def driver_reason(exc: BaseException) -> str:
    """SQLite's own words for a failure raised by the driver or through SQLAlchemy (which keeps
    the driver's error as `orig`); otherwise only the kind of failure, never a stack."""
    original = getattr(exc, "orig", exc)
    if isinstance(original, sqlite3.DatabaseError):
        return str(original)
    return type(exc).__name__


@dataclass(frozen=True)
class Integrity:
    """SQLite's verdict on the file's pages and indexes, and its foreign keys."""

    problems: tuple[str, ...]  # empty when PRAGMA integrity_check says ok
    broken_references: int

    def ok(self) -> bool:
        return not self.problems


def integrity_of(path: Path, connection: sqlite3.Connection) -> Integrity:
    try:
        result = connection.execute("PRAGMA integrity_check").fetchall()
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise FileProblem(path, f"filen är ingen läsbar databas ({exc}).") from exc
    problems = () if result == [("ok",)] else tuple(str(row[0]) for row in result)
    return Integrity(problems, len(foreign))
