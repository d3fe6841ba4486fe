import sqlite3

import pytest

from aktgranskning.domain.errors import FileProblem
from aktgranskning.services.opening import (
    NewFileInfo,
    create_review_file,
    open_review_file,
)
from aktgranskning.storage.migrate import head_revision


def _open_fails(path, expected):
    with pytest.raises(FileProblem) as caught:
        open_review_file(path, reviewer="t")
    assert str(path) in caught.value.message
    assert expected in caught.value.message


def test_missing_file(tmp_path):
    _open_fails(tmp_path / "saknas.granskning", "finns inte")


def test_empty_file(tmp_path):
    path = tmp_path / "tom.granskning"
    path.write_bytes(b"")
    _open_fails(path, "tom")


def test_not_a_database(tmp_path):
    path = tmp_path / "text.granskning"
    path.write_text("Det här är ett brev.", encoding="utf-8")
    _open_fails(path, "inte en SQLite-databas")
    assert path.read_text(encoding="utf-8") == "Det här är ett brev."


def test_other_sqlite_database(tmp_path):
    path = tmp_path / "annan.granskning"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    _open_fails(path, "ingen granskningsfil")


def test_file_from_a_newer_version_is_refused_unchanged(review_file):
    with sqlite3.connect(review_file) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    before = review_file.read_bytes()
    _open_fails(review_file, "nyare version")
    assert review_file.read_bytes() == before


def test_truncated_file(review_file, tmp_path):
    broken = tmp_path / "trasig.granskning"
    data = review_file.read_bytes()
    broken.write_bytes(data[: len(data) // 3])
    with pytest.raises(FileProblem) as caught:
        session = open_review_file(broken, reviewer="t")
        session.cases()
        session.close()
    assert str(broken) in caught.value.message


def test_existing_file_is_never_overwritten(review_file, checklists):
    before = review_file.read_bytes()
    with pytest.raises(FileProblem, match="finns redan"):
        create_review_file(review_file, NewFileInfo("F", "O", "E", 2026), checklists, [])
    assert review_file.read_bytes() == before


def test_new_file_leaves_no_temporary_files(review_file):
    assert sorted(p.name for p in review_file.parent.iterdir()) == [review_file.name]


def test_metadata_is_recorded(session, checklists):
    meta = session.meta
    assert (meta.administration, meta.area, meta.unit, meta.year) == ("Testförvaltningen", "Testområdet", "Testenheten", 2026)
    assert len(meta.file_uuid) == 36
    assert meta.schema_version == head_revision()
    assert {c.id: c.content_hash for c in session.checklists.values()} == {c.id: c.content_hash for c in checklists}
