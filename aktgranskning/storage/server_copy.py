"""A granskning's rows between a granskningsfil and its schema on the server, table by table.

Both sides are built by the same migrations, so the program's Core tables (storage/tables.py)
describe both; rows are copied through them, in the order the foreign keys need. `presence` is
never copied: it says who is working right now, which a copy cannot know.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, insert, select, text

from aktgranskning.storage.tables import METADATA, PRESENCE

_BATCH = 2000
# Tables whose integer key PostgreSQL hands out from a sequence (SERIAL): after rows with their
# own ids are copied in, the sequence must move past them or the next insert collides.
_SERIAL_TABLES = ("cases", "audit_log", "activities")


def copied_tables() -> list[Table]:
    return [table for table in METADATA.sorted_tables if table is not PRESENCE]


def copy_rows(source: Connection, target: Connection) -> dict[str, int]:
    """Every row of every table from `source` into the empty tables of `target`. Returns rows per table."""
    counts = {}
    for table in copied_tables():
        counts[table.name] = _copy_table(source, target, table)
    if target.dialect.name == "postgresql":
        for name in _SERIAL_TABLES:
            target.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
                f"FROM {name}"))
    return counts


def _copy_table(source: Connection, target: Connection, table: Table) -> int:
    result = source.execute(select(table).order_by(*table.primary_key.columns))
    copied = 0
    while True:
        rows = result.fetchmany(_BATCH)
        if not rows:
            return copied
        target.execute(insert(table), [dict(row._mapping) for row in rows])
        copied += len(rows)
