"""Reading never changes the user's folder and never applies a side file that is not the file's own;
writing moves such a side file aside and says so; kontrollera says what exists only in a side file.
A named pipe (or any non-regular file) is refused without being opened."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.errors import FileProblem
from aktgranskning.services.check import check_review_file
from aktgranskning.services.opening import open_for_filling, open_for_reading, open_review_file
from tests.cli_runner import run_in_process

ROOT = Path(__file__).resolve().parents[2]


def _answer_count(session) -> int:  # type: ignore[no-untyped-def]
    with session.reading() as tx:
        return sum(1 for answers in tx.all_answers().values() for a in answers.values() if a is not None)


def _folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _pairs(path: Path) -> list[tuple[int, str]]:
    session = open_for_reading(path)
    try:
        return [(c.id, q.id) for c in session.cases() if c.in_sample
                for q in session.checklist_for(c).questions() if q.condition is None]
    finally:
        session.close()


def _answer_some(path: Path, how_many: int) -> None:
    session = open_for_filling(path, reviewer="t")
    try:
        for case_id, question_id in _pairs(path)[:how_many]:
            session.set_answer(case_id, question_id, Answer.YES)
    finally:
        session.close()


def _wal_state(source: Path, target: Path, extra_answers: int) -> None:
    """What an older version (WAL mode) left after a crash: answers committed only in `-wal`."""
    shutil.copyfile(source, target)
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")
    answered = set(connection.execute("SELECT case_id, question_id FROM answers").fetchall())
    rows = [pair for pair in _pairs(source) if pair not in answered][:extra_answers]
    for case_id, question_id in rows:
        connection.execute("INSERT OR REPLACE INTO answers (case_id, question_id, answer, comment, reviewer, "
                           "answered_at) VALUES (?, ?, 'Nej', '', 'gammal', '2025-01-01T00:00:00')",
                           (case_id, question_id))
    crashed = target.with_name("kraschad-" + target.name)
    shutil.copyfile(target, crashed)
    shutil.copyfile(target.with_name(target.name + "-wal"), crashed.with_name(crashed.name + "-wal"))
    connection.close()
    target.unlink()
    os.replace(crashed, target)
    os.replace(crashed.with_name(crashed.name + "-wal"), target.with_name(target.name + "-wal"))


@pytest.fixture
def wal_file(review_file: Path, tmp_path: Path) -> Path:
    _answer_some(review_file, 5)
    folder = tmp_path / "gammal"
    folder.mkdir()
    target = folder / "Gammal 2025.granskning"
    _wal_state(review_file, target, extra_answers=4)
    assert target.with_name(target.name + "-wal").stat().st_size > 0
    return target


def test_reading_a_crashed_wal_file_sees_its_wal_and_changes_nothing_in_the_folder(wal_file):
    before = _folder_state(wal_file.parent)
    session = open_for_reading(wal_file)
    try:
        assert _answer_count(session) == 9
        assert any("4 svar finns bara i sidofilen" in note for note in session.notes)
    finally:
        session.close()
    assert _folder_state(wal_file.parent) == before  # no -shm, no checkpoint, no lock


def test_kontrollera_reports_answers_that_exist_only_in_the_wal(wal_file):
    report = check_review_file(wal_file)
    assert not report.ok
    assert any("4 svar finns bara i sidofilen Gammal 2025.granskning-wal" in p for p in report.problems)
    assert "Svar: 9" in report.text()


def test_opening_a_wal_file_for_writing_brings_every_answer_into_the_file_alone(wal_file, tmp_path):
    session = open_review_file(wal_file, reviewer="t")
    session.close()
    assert not wal_file.with_name(wal_file.name + "-wal").exists()
    alone = tmp_path / "ensam.granskning"
    shutil.copyfile(wal_file, alone)
    with sqlite3.connect(alone) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert connection.execute("SELECT count(*) FROM answers WHERE answer IS NOT NULL").fetchone()[0] == 9
    assert check_review_file(wal_file).ok


def test_a_wal_that_belongs_to_another_file_is_never_applied(review_file, tmp_path):
    _answer_some(review_file, 3)
    other = tmp_path / "annan"
    other.mkdir()
    _wal_state(review_file, other / "Annan.granskning", extra_answers=6)
    foreign_wal = (other / "Annan.granskning-wal").read_bytes()
    review_file.with_name(review_file.name + "-wal").write_bytes(foreign_wal)  # our file is in rollback mode

    session = open_for_reading(review_file)
    try:
        assert _answer_count(session) == 3
        assert any("hör inte till filen" in note for note in session.notes)
    finally:
        session.close()
    report = check_review_file(review_file)
    assert any("-wal hör inte till filen (filen själv är inte i WAL-läge)" in p for p in report.problems)

    session = open_review_file(review_file, reviewer="t")
    try:
        assert _answer_count(session) == 3
        assert any("flyttades till" in note for note in session.notes)
    finally:
        session.close()
    moved = [p.name for p in review_file.parent.iterdir() if "hör-inte-till-filen" in p.name]
    assert len(moved) == 1 and moved[0].startswith(review_file.name + "-wal.")
    assert (review_file.parent / moved[0]).read_bytes() == foreign_wal
    assert check_review_file(review_file).ok


def test_a_wal_with_another_page_size_is_not_applied_to_a_wal_file(wal_file, tmp_path):
    wal = wal_file.with_name(wal_file.name + "-wal")
    data = bytearray(wal.read_bytes())
    data[8:12] = (8192).to_bytes(4, "big")
    wal.write_bytes(bytes(data))
    session = open_for_reading(wal_file)
    try:
        assert _answer_count(session) == 5
        assert any("sidstorleken stämmer inte" in note for note in session.notes)
    finally:
        session.close()


def test_a_hot_journal_is_rolled_back_in_the_copy_not_in_the_users_folder(review_file, tmp_path):
    _answer_some(review_file, 2)
    folder = tmp_path / "het"
    folder.mkdir()
    target = folder / "Het.granskning"
    shutil.copyfile(review_file, target)
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("PRAGMA cache_size=1")  # spill changed pages into the main file mid-transaction
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE answers SET answer = NULL")
    connection.execute("INSERT INTO audit_log (at, who, case_id, question_id, field, old_value, new_value) "
                       "SELECT at, who, case_id, question_id, field, old_value, new_value FROM audit_log")
    crashed = folder / "kopia.granskning"
    shutil.copyfile(target, crashed)
    shutil.copyfile(target.with_name(target.name + "-journal"), crashed.with_name(crashed.name + "-journal"))
    connection.execute("ROLLBACK")
    connection.close()
    before = _folder_state(folder)
    session = open_for_reading(crashed)
    try:
        assert _answer_count(session) == 2
        assert any("ofullbordad ändring" in note for note in session.notes)
    finally:
        session.close()
    assert _folder_state(folder) == before


def test_a_journal_of_another_page_size_is_not_applied(review_file, tmp_path):
    other = tmp_path / "annan.sqlite"
    connection = sqlite3.connect(other, isolation_level=None)
    connection.execute("PRAGMA page_size=8192")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (randomblob(50000))")
    connection.execute("PRAGMA cache_size=1")
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE t SET x = randomblob(60000)")
    journal = other.with_name(other.name + "-journal").read_bytes()
    connection.execute("ROLLBACK")
    connection.close()
    _answer_some(review_file, 2)
    review_file.with_name(review_file.name + "-journal").write_bytes(journal)
    session = open_for_reading(review_file)
    try:
        assert _answer_count(session) == 2
        assert any("-journal hör inte till filen" in note and "sidstorleken stämmer inte" in note
                   for note in session.notes), session.notes
    finally:
        session.close()
    session = open_review_file(review_file, reviewer="t")  # moved aside, never replayed into the file
    session.close()
    assert not review_file.with_name(review_file.name + "-journal").exists()
    assert check_review_file(review_file).ok


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aktgranskning", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=30, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_named_pipe_is_refused_without_waiting(tmp_path):
    pipe = tmp_path / "rör.granskning"
    os.mkfifo(pipe)
    for command in ("status", "kontrollera"):
        result = _run_cli(command, str(pipe))  # would wait for ever if the pipe were opened
        assert result.returncode != 0
        assert "ingen vanlig fil" in result.stdout + result.stderr and "Traceback" not in result.stderr
    with pytest.raises(FileProblem, match="ingen vanlig fil"):
        open_review_file(pipe, reviewer="t")


def test_a_side_file_that_is_a_pipe_is_not_read_and_blocks_writing(review_file):
    os.mkfifo(review_file.with_name(review_file.name + "-wal"))
    session = open_for_reading(review_file)
    try:
        assert any("ingen vanlig fil" in note for note in session.notes)
    finally:
        session.close()
    with pytest.raises(FileProblem, match="ingen vanlig fil"):
        open_review_file(review_file, reviewer="t")
    assert not review_file.with_name(review_file.name + ".lås").exists()


def test_a_file_larger_than_any_granskningsfil_is_refused(tmp_path):
    huge = tmp_path / "stor.granskning"
    with open(huge, "wb") as handle:
        handle.write(b"SQLite format 3\x00")
        handle.truncate(201 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(FileProblem, match="201 MB"):
        open_for_reading(huge)


@pytest.fixture(params=["read whole", "copied"])
def read_step(request, monkeypatch) -> str:
    """The step that takes the file's content: read into memory (a file without side files), or
    copied into a private folder first (a file with side files, or a large one)."""
    from aktgranskning.storage import snapshot as snapshot_module

    if request.param == "copied":
        monkeypatch.setattr(snapshot_module, "READ_WHOLE_BYTES", -1)  # every file taken the copying way
        return "_copy_regular"
    return "_read_regular"


def test_a_file_that_changes_while_it_is_copied_is_copied_again(review_file, monkeypatch, read_step):
    from aktgranskning.storage import snapshot as snapshot_module

    real_step = getattr(snapshot_module, read_step)
    calls = []

    def take_while_someone_writes(source: Path, *rest: Path) -> object:
        taken = real_step(source, *rest)
        calls.append(source)
        if len(calls) == 1:
            monkeypatch.setattr(snapshot_module, read_step, real_step)  # the writer's own reads
            _answer_some(review_file, 3)  # a writer commits between our copy and our check
            monkeypatch.setattr(snapshot_module, read_step, take_while_someone_writes)
        return taken

    monkeypatch.setattr(snapshot_module, read_step, take_while_someone_writes)
    session = open_for_reading(review_file)
    try:
        assert _answer_count(session) == 3  # the copy taken after the change, not the torn first one
    finally:
        session.close()
    assert len(calls) == 2


def test_a_file_that_never_stops_changing_is_refused_with_a_message(review_file, monkeypatch, read_step):
    from aktgranskning.storage import snapshot as snapshot_module

    real_step = getattr(snapshot_module, read_step)
    counter = iter(range(1, 100))

    def take_while_someone_keeps_writing(source: Path, *rest: Path) -> object:
        taken = real_step(source, *rest)
        with sqlite3.connect(review_file) as connection:
            connection.execute("UPDATE review_meta SET value = ? WHERE key = 'app_version'", (str(next(counter)),))
        connection.close()
        return taken

    monkeypatch.setattr(snapshot_module, read_step, take_while_someone_keeps_writing)
    with pytest.raises(FileProblem, match="ändrades hela tiden"):
        open_for_reading(review_file)


def test_a_read_only_view_says_it_shows_the_file_as_it_was(review_file):
    session = open_review_file(review_file, reviewer="t", read_only=True)
    try:
        assert any("som den var kl." in note for note in session.notes)
    finally:
        session.close()


def test_status_and_rapport_tell_the_user_about_a_side_file_that_was_not_used(review_file, tmp_path):
    review_file.with_name(review_file.name + "-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\0" * 60)
    for command in (["status", str(review_file), "--json"],
                    ["rapport", str(review_file), "-o", str(tmp_path / "rapport.xlsx")]):
        result = run_in_process(*command)
        assert result.returncode == 0, result.stderr
        assert f"Obs: {review_file.name}: sidofilen {review_file.name}-wal hör inte till filen" in result.stderr
