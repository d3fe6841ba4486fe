"""The stored CREATE statements that the trust check uses are the migrations' own, for every
revision: regenerated here from Alembic and compared, so a changed or added migration without
regenerated data fails."""

from __future__ import annotations

from aktgranskning.storage import untrusted
from aktgranskning.storage.migrate import known_revisions
from aktgranskning.storage.schema_statements import SCHEMA_STATEMENTS

REGENERATE = "kör python scripts/write_schema_statements.py"


def test_the_stored_statements_are_those_the_migrations_write():
    from_migrations = {revision: untrusted.statements_from_migrations(revision) for revision in known_revisions()}
    assert from_migrations == SCHEMA_STATEMENTS, REGENERATE


def test_the_expected_shape_is_that_of_a_database_the_migrations_built():
    for revision in known_revisions():
        assert untrusted.expected_shape(revision) == untrusted.shape_from_migrations(revision), revision


def test_a_new_file_has_exactly_the_schema_and_revision_the_migrations_give(tmp_path, checklists):
    """New files are built from the stored statements, not by running Alembic: what they get must
    be what the migrations would have left, object for object and statement for statement."""
    import sqlite3

    from aktgranskning.services.opening import NewFileInfo, create_review_file
    from aktgranskning.storage.migrate import head_revision
    from tests.conftest import make_cases

    path = create_review_file(tmp_path / "Ny 2026.granskning", NewFileInfo("F", "O", "Ny", 2026), checklists,
                              make_cases())
    connection = sqlite3.connect(path)
    try:
        master = [tuple(row) for row in connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid")]
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        shape = untrusted.describe(connection, master)
    finally:
        connection.close()
    assert master == untrusted._migrated_master_rows(head_revision())
    assert revision == [(head_revision(),)]
    assert shape == untrusted.shape_from_migrations(head_revision())
