"""The same Alembic revisions build the same logical schema in a granskningsfil and in a
granskning's schema on PostgreSQL: tables, columns, types, keys, references, uniques, indexes and
checks. A migration that only works on one of them fails here."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import Boolean, Engine, Integer, String, Text, inspect
from sqlalchemy import create_engine as make_engine

from aktgranskning.services import server
from aktgranskning.storage.migrate import upgrade_to_head
from aktgranskning.storage.server_address import ServerAddress

pytestmark = pytest.mark.postgres  # a PostgreSQL server of the run's own: CI's own step


def _kind(column_type: Any) -> str:
    for generic, name in ((Boolean, "boolean"), (Integer, "integer"), (Text, "text"), (String, "text")):
        if isinstance(column_type, generic):
            return name
    return type(column_type).__name__


def _logical_schema(engine: Engine, schema: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    with engine.connect() as connection:
        inspector = inspect(connection)
        for table in sorted(inspector.get_table_names(schema=schema)):
            found[table] = {
                "columns": [(c["name"], _kind(c["type"]), bool(c["nullable"]))
                            for c in inspector.get_columns(table, schema=schema)],
                "primary_key": inspector.get_pk_constraint(table, schema=schema)["constrained_columns"],
                "foreign_keys": sorted((tuple(fk["constrained_columns"]), fk["referred_table"],
                                        tuple(fk["referred_columns"]))
                                       for fk in inspector.get_foreign_keys(table, schema=schema)),
                "unique": sorted(tuple(u["column_names"])
                                 for u in inspector.get_unique_constraints(table, schema=schema)),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in inspector.get_indexes(table, schema=schema)
                                  if not i.get("duplicates_constraint")),
                "checks": sorted(c["name"] for c in inspector.get_check_constraints(table, schema=schema)),
            }
    return found


def test_file_and_server_have_the_same_schema(admin: ServerAddress) -> None:
    memory = sqlite3.connect(":memory:")
    file_engine = make_engine("sqlite://", creator=lambda: memory)
    upgrade_to_head(file_engine)
    in_file = _logical_schema(file_engine)

    server.initialise_server(admin)
    schema = "g_0123456789abcdef01234567"
    with server.on_server(admin) as connection:
        from aktgranskning.storage.server_catalog import create_granskning_schema

        create_granskning_schema(connection, schema)
    engine = server.engine_for(admin)
    try:
        on_server = _logical_schema(engine, schema)
    finally:
        engine.dispose()

    assert set(in_file) == {"alembic_version", "review_meta", "checklists", "cases", "answers", "audit_log",
                            "analysis", "activities", "changes", "presence"}
    assert in_file["cases"]["checks"] == ["ck_cases_status"]
    assert on_server == in_file
