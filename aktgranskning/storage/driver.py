"""The DB-API connection under a SQLAlchemy one, for the statements a key press runs.

A granskningsfil is SQLite, whose sqlite3 connection takes `?` parameters. On the förvaltning's
PostgreSQL server (server mode) the same statements run on psycopg's connection, which takes
`%s`: `PsycopgStatements` translates them once and runs them in the same transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, Protocol


class DriverConnection(Protocol):
    """What sqlite3.Connection offers and the answer path uses: a cursor with fetchone, fetchall,
    iteration and rowcount."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...


class PsycopgStatements:
    """sqlite3's `execute`/`executemany` over a psycopg connection (same transaction)."""

    _translated: dict[str, str] = {}  # noqa: RUF012 - a process-wide cache of the fixed statements

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    @classmethod
    def _sql(cls, sql: str) -> str:
        translated = cls._translated.get(sql)
        if translated is None:
            translated = cls._translated[sql] = sql.replace("%", "%%").replace("?", "%s")
        return translated

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any:
        return self._connection.execute(self._sql(sql), tuple(parameters))

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Any:
        with self._connection.cursor() as cursor:
            cursor.executemany(self._sql(sql), [tuple(p) for p in parameters])


def statements_of(raw: Any) -> DriverConnection:
    """The driver connection as something that runs the program's `?` statements."""
    if isinstance(raw, sqlite3.Connection):
        return raw
    wrapped = getattr(raw, "_aktgranskning_statements", None)
    if wrapped is None:
        wrapped = PsycopgStatements(raw)
        try:
            raw._aktgranskning_statements = wrapped
        except AttributeError:  # a connection class with slots: wrap anew each time
            pass
    return wrapped
