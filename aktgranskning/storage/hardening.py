"""Hardening every SQLite connection the program opens on a granskningsfil, read or write.

Kept apart from the schema check in `untrusted.py` because the engine needs it on every connection
and must not import the check (which imports the engine's migrations)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# --- limits --------------------------------------------------------------------------------------
# Far above anything a real file holds (a comment of 20 000 characters, long analysis texts, a
# checklist definition of some tens of kB), far below what could exhaust memory or time.
MAX_VALUE_BYTES = 16_000_000
LIMITS: dict[int, int] = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 1_000_000,
    sqlite3.SQLITE_LIMIT_COLUMN: 200,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 20,
    sqlite3.SQLITE_LIMIT_VDBE_OP: 250_000,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 16,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,  # also forbids VACUUM [INTO] (SQLite attaches internally); backup() works
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 0,  # the schema has no triggers: any that fires fails
}


def harden_connection(connection: sqlite3.Connection) -> None:
    """Applied to every connection on a granskningsfil, read or write: functions in the schema
    must be innocuous (trusted_schema=OFF), cell sizes are checked on every read, and limits
    stop oversized values, statements and trigger recursion. SQLITE_DBCONFIG_DEFENSIVE and the
    switches that turn triggers and views off are set when the driver exposes setconfig
    (Python 3.12+); on 3.11 the schema check in `check_database` refuses them instead."""
    connection.execute("PRAGMA trusted_schema=OFF")
    connection.execute("PRAGMA cell_size_check=ON")
    for limit, value in LIMITS.items():
        connection.setlimit(limit, value)
    setconfig: Callable[[int, bool], bool] | None = getattr(connection, "setconfig", None)
    if setconfig is None:
        return
    for name, enabled in (("SQLITE_DBCONFIG_DEFENSIVE", True), ("SQLITE_DBCONFIG_TRUSTED_SCHEMA", False),
                          ("SQLITE_DBCONFIG_ENABLE_TRIGGER", False), ("SQLITE_DBCONFIG_ENABLE_VIEW", False)):
        option = getattr(sqlite3, name, None)
        if option is not None:
            setconfig(option, enabled)
