import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from aktgranskning.storage.engine import open_engine
from aktgranskning.storage.migrate import (
    head_revision,
    known_revisions,
    upgrade_to_head,
)
from aktgranskning.storage.tables import METADATA


def test_migrations_build_exactly_the_schema_the_code_expects(tmp_path):
    engine = open_engine(tmp_path / "ny.granskning")
    upgrade_to_head(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), METADATA)
    engine.dispose()
    assert differences == []


def test_revisions_are_numbered_in_order():
    revisions = known_revisions()
    assert revisions == sorted(revisions)
    assert revisions[0] == "0001"
    assert head_revision() == revisions[-1]


def test_file_uses_a_rollback_journal_and_extra_sync(session, review_file):
    with sqlite3.connect(review_file) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    with session.store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 3  # EXTRA
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
