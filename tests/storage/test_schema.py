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


def test_every_change_replaces_the_file_whole_with_no_side_file(session, review_file):
    """The writer works in memory and renames a complete database over the file after each
    change (storage/whole_file.py): the file is a new whole file, in rollback-journal mode, and
    nothing but it and its lock is in the folder."""
    from aktgranskning.domain.answers import Answer

    before = review_file.stat().st_ino
    case = next(c for c in session.cases() if not c.is_reserve)
    question = next(session.checklist_for(case).questions()).id
    session.set_answer(case.id, question, Answer.YES)
    assert review_file.stat().st_ino != before
    assert review_file.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, never WAL
    assert sorted(p.name for p in review_file.parent.iterdir()) == sorted([review_file.name, review_file.name + ".lås"])
    with sqlite3.connect(review_file) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert connection.execute("SELECT answer FROM answers WHERE case_id = ? AND question_id = ?",
                                  (case.id, question)).fetchone() == ("Ja",)
    with session.store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
