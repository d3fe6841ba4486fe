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
    assert (meta.administration, meta.area, meta.unit, meta.year) == (
        "Testförvaltningen", "Testområdet", "Testenheten", 2026)
    assert len(meta.file_uuid) == 36
    assert meta.schema_version == head_revision()
    used = {case.case_type for case in session.cases()}  # only the checklists the sample uses are stored
    assert {c.id: c.content_hash for c in session.checklists.values()} == {
        c.id: c.content_hash for c in checklists if c.id in used}


def test_a_write_protected_file_opens_read_only_says_why_and_stays_unchanged(review_file):
    import os
    import stat as stat_module

    from aktgranskning.domain.answers import Answer
    from aktgranskning.domain.errors import UserError

    os.chmod(review_file, stat_module.S_IRUSR | stat_module.S_IRGRP)
    before = review_file.read_bytes()
    try:
        session = open_review_file(review_file, reviewer="test")
        try:
            assert session.read_only and "skrivskyddad" in session.read_only_reason
            case = session.cases()[0]
            with pytest.raises(UserError, match="skrivskyddad"):
                session.set_answer(case.id, next(session.checklist_for(case).questions()).id, Answer.YES)
            assert session.progress().total > 0  # and it can be read
        finally:
            session.close()
        assert review_file.read_bytes() == before
        assert not review_file.with_name(review_file.name + ".lås").exists()
    finally:
        os.chmod(review_file, stat_module.S_IRUSR | stat_module.S_IWUSR)


def test_while_an_enhet_is_open_for_writing_its_folder_holds_only_its_file_and_the_reviewers_own(review_file):
    from aktgranskning.domain.answers import Answer

    session = open_review_file(review_file, reviewer="test")
    try:
        case = session.cases()[0]
        session.set_answer(case.id, next(session.checklist_for(case).questions()).id, Answer.YES)
        assert session.link.publisher.flush()
        own = session.link.shared_path
        assert sorted(p.name for p in review_file.parent.iterdir()) == sorted([review_file.name, own.name])
        from urllib.request import pathname2url

        uri = f"file:{pathname2url(str(own))}?mode=ro&immutable=1"  # the own file alone, escaped
        with sqlite3.connect(uri, uri=True) as alone:
            assert alone.execute("SELECT count(*) FROM answers WHERE answer = 'Ja'").fetchone() == (1,)
        alone.close()
    finally:
        session.close()
    assert sorted(p.name for p in review_file.parent.iterdir()) == sorted([review_file.name, own.name])


def test_a_folder_that_would_block_reading_is_refused_at_once(tmp_path):
    folder = tmp_path / "mapp.granskning"
    folder.mkdir()
    _open_fails(folder, "mapp")
