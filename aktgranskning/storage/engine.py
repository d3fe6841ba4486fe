"""Opening a granskningsfil: the SQLite pragmas that make every commit durable and whole.

The file is written with a rollback journal (journal_mode=DELETE, synchronous=EXTRA): a commit
is in the main file itself once it returns, so the `.granskning` alone, copied by any means at any
moment, holds every confirmed answer. EXTRA also syncs the folder after the journal is deleted,
so the commit survives power loss. WAL would keep answers in `-wal` until a checkpoint and needs
shared memory, which network filesystems do not share between computers.

Files are opened by their plain absolute path through `sqlite3.connect` (never a `file:` URI
built from the name), so `#`, `?`, `%` and friends in a file or folder name mean themselves.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool, StaticPool

from aktgranskning.domain.errors import FileProblem
from aktgranskning.storage.hardening import harden_connection

SQLITE_MAGIC = b"SQLite format 3\x00"
JOURNAL_MODE = "delete"
SYNCHRONOUS = "EXTRA"
SYNCHRONOUS_LEVEL = 3  # what PRAGMA synchronous reports for EXTRA
MAX_PATH_BYTES = 512  # SQLite's unix VFS refuses longer full path names (MAX_PATHNAME)


def plain_file_name(path: Path) -> str:
    """The name handed to sqlite3.connect: absolute, so it can never start with `file:` and be
    taken for a URI (this SQLite is built with SQLITE_USE_URI)."""
    name = os.path.abspath(path)
    if os.name == "posix" and len(os.fsencode(name)) + len("-journal") >= MAX_PATH_BYTES:
        raise FileProblem(path, f"sökvägen är för lång ({len(os.fsencode(name))} byte); SQLite klarar högst "
                                f"{MAX_PATH_BYTES - 10}. Flytta filen till en mapp med kortare namn.")
    return name


def connect_file(path: Path) -> sqlite3.Connection:
    """A DB-API connection to a granskningsfil on disk, hardened, in the program's journal mode.
    Autocommit at the driver level: SQLAlchemy emits BEGIN itself (see `_begin_explicitly`), so
    schema changes are transactional too, which pysqlite's own transaction handling is not."""
    connection = sqlite3.connect(plain_file_name(path), isolation_level=None, check_same_thread=False)
    try:
        harden_connection(connection)
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA busy_timeout=5000")
        _use_rollback_journal(connection)
        connection.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
    except BaseException:
        connection.close()
        raise
    return connection


def open_engine(path: Path) -> Engine:
    """An engine that writes one file on disk."""
    engine = create_engine("sqlite://", creator=lambda: connect_file(path), poolclass=QueuePool)
    event.listen(engine, "begin", _begin_explicitly)
    return engine


def engine_over(connection: sqlite3.Connection) -> Engine:
    """An engine over one already open connection (the in-memory snapshot a reader uses)."""
    return create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)


def writer_engine_over(connection: sqlite3.Connection) -> Engine:
    """An engine over the writer's in-memory copy (`storage.whole_file`), with explicit BEGIN
    so a change and its audit row commit together, and every text made storable."""
    engine = create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)
    event.listen(engine, "begin", _begin_explicitly)
    event.listen(engine, "before_cursor_execute", _storable_parameters, retval=True)
    return engine


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: object) -> object:
    """A text SQLite can hold as UTF-8: a lone surrogate (from a broken paste, or a file name
    decoded with surrogateescape) becomes a visible U+FFFD instead of failing the save."""
    if isinstance(value, str) and not value.isascii() and _LONE_SURROGATE.search(value):
        return _LONE_SURROGATE.sub("\ufffd", value)
    return value


def _storable_parameters(_connection: object, _cursor: object, statement: str, parameters: object,
                         _context: object, executemany: bool) -> tuple[str, object]:
    def clean(one: object) -> object:
        if isinstance(one, dict):
            return {key: storable(value) for key, value in one.items()}
        if isinstance(one, list | tuple):
            return type(one)(storable(value) for value in one)
        return one

    if executemany and isinstance(parameters, list | tuple):
        return statement, type(parameters)(clean(one) for one in parameters)
    return statement, clean(parameters)


def _begin_explicitly(connection: Connection) -> None:
    # on the driver connection: through exec_driver_sql the BEGIN alone costs some 30 µs of
    # SQLAlchemy's bookkeeping, and every transaction (each key press) starts with one
    connection.connection.driver_connection.execute("BEGIN")  # type: ignore[union-attr]


def convert_to_rollback_journal(path: Path) -> None:
    """Bring a file written by an older version (WAL mode) into the rollback journal: its WAL is
    checkpointed into the main file and deleted. Exclusive locking first, so SQLite keeps the
    WAL index in heap memory and this works where shared memory does not (network shares)."""
    connection = sqlite3.connect(plain_file_name(path), isolation_level=None)
    try:
        harden_connection(connection)
        connection.execute("PRAGMA busy_timeout=5000")
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        _use_rollback_journal(connection)
    finally:
        connection.close()


def _use_rollback_journal(connection: sqlite3.Connection) -> None:
    mode = connection.execute(f"PRAGMA journal_mode={JOURNAL_MODE}").fetchone()[0]
    if str(mode).lower() != JOURNAL_MODE:
        raise sqlite3.OperationalError(f"journal_mode {mode} kunde inte ändras till {JOURNAL_MODE}")
