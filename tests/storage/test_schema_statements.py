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
