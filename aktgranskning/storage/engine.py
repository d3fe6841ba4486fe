"""Opening a granskningsfil: the SQLite pragmas that make every commit durable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

SQLITE_MAGIC = b"SQLite format 3\x00"


def open_engine(path: Path, read_only: bool = False, immutable: bool = False) -> Engine:
    """An engine for one file. WAL keeps readers and the writer apart; synchronous=FULL makes
    a commit survive power loss, which is what "saved the moment it is given" means.
    `immutable` is for a file in a folder nobody may write to (SQLite cannot even create its
    shared-memory file there); it is only read."""
    if immutable:
        url = f"sqlite:///file:{path.resolve().as_posix()}?immutable=1&uri=true"
    elif read_only:
        url = f"sqlite:///file:{path.resolve().as_posix()}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{path.resolve().as_posix()}"
    engine = create_engine(url)
    event.listen(engine, "connect", _set_pragmas(read_only))
    return engine


def _set_pragmas(read_only: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        from aktgranskning.storage.untrusted import harden_connection  # TEMP wiring

        harden_connection(dbapi_connection)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return on_connect
