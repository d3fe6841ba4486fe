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
    """The writer works in memory and renames a complete database over its own file after each
    change (storage/whole_file.py), on this computer and in the enhet's folder: each is a new whole
    file, in rollback-journal mode; the enhet's file itself is not written, and nothing but the
    two files is in the folder."""
    from aktgranskning.domain.answers import Answer

    enhet_before = review_file.read_bytes()
    working = session.store.path
    before = working.stat().st_ino
    case = next(c for c in session.cases() if not c.is_reserve)
    question = next(session.checklist_for(case).questions()).id
    session.set_answer(case.id, question, Answer.YES)
    assert session.link.publisher.flush()
    assert working.stat().st_ino != before
    own = session.link.shared_path
    for path in (working, own):
        assert path.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, never WAL
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            assert connection.execute("SELECT answer FROM answers WHERE question_id = ?", (question,)).fetchone() \
                == ("Ja",)
    assert review_file.read_bytes() == enhet_before
    assert sorted(p.name for p in review_file.parent.iterdir()) == sorted([review_file.name, own.name])
    with session.store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
