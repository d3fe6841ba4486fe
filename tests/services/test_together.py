"""Several reviewers on one enhet, each a computer of their own (their own data folder), in one
shared folder: what each sees, what status, kontrollera, rapport and samla report, and how a
conflict is shown and decided."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from aktgranskning.cli import run_cli
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason
from aktgranskning.services.check import check_review_file
from aktgranskning.services.collect import ConflictsRemain, collect_enhet
from aktgranskning.services.opening import open_for_reading, open_review_file
from aktgranskning.services.session import ReviewSession
from aktgranskning.services.status import status_data
from tests.support.computers import acting_as

Y, N, X = Answer.YES, Answer.NO, Answer.NOT_APPLICABLE


def open_as(name: str, path: Path, tmp_path: Path) -> ReviewSession:
    with acting_as(tmp_path / f"dator-{name}"):
        return open_review_file(path, reviewer=name)


def published(*sessions: ReviewSession) -> None:
    for session in sessions:
        assert session.link is not None and session.link.publisher.flush()


def first_question(session: ReviewSession, sequence: int) -> tuple[int, str]:
    case = next(c for c in session.cases() if c.sequence == sequence)
    return case.id, next(q.id for q in session.checklist_for(case).questions() if q.condition is None)


@pytest.fixture
def two(review_file: Path, tmp_path: Path) -> Iterator[tuple[ReviewSession, ReviewSession]]:
    anna, bertil = open_as("Anna", review_file, tmp_path), open_as("Bertil", review_file, tmp_path)
    yield anna, bertil
    anna.close()
    bertil.close()


def test_each_sees_the_others_answers_once_their_file_is_written(two):
    anna, bertil = two
    case_1, question_1 = first_question(anna, 1)
    case_2, question_2 = first_question(anna, 2)
    anna.set_answer(case_1, question_1, Y)
    bertil.set_answer(case_2, question_2, N)
    published(anna, bertil)
    assert anna.refresh_from_folder() == {case_2} and bertil.refresh_from_folder() == {case_1}
    for session in two:
        states = {(c, s.question_id): s.stored for c in (case_1, case_2) for s in session.question_states(c)}
        assert states[(case_1, question_1)] is Y and states[(case_2, question_2)] is N
        assert session.conflicts() == []
    assert anna.refresh_from_folder() == set()  # reading the same files again changes nothing


def test_an_update_that_saw_the_other_answer_is_no_conflict(two):
    anna, bertil = two
    case_id, question = first_question(anna, 1)
    anna.set_answer(case_id, question, Y)
    published(anna)
    bertil.refresh_from_folder()
    bertil.set_answer(case_id, question, N)  # Bertil saw Anna's Ja and changed it
    published(bertil)
    anna.refresh_from_folder()
    assert anna.conflicts() == [] and bertil.conflicts() == []
    assert {s.question_id: s.stored for s in anna.question_states(case_id)}[question] is N


def test_a_conflict_is_listed_everywhere_and_gone_everywhere_once_decided(two, review_file):
    anna, bertil = two
    case_id, question = first_question(anna, 1)
    anna.set_answer(case_id, question, Y)
    bertil.set_answer(case_id, question, N)  # from the same earlier state: neither saw the other
    published(anna, bertil)
    anna.refresh_from_folder()
    bertil.refresh_from_folder()
    for session in (anna, bertil, reader := open_for_reading(review_file)):
        [conflict] = session.conflicts()
        assert conflict.sequence == 1 and conflict.question_id == question
        assert {(v.value, v.who) for v in conflict.versions} == {("Ja", "Anna"), ("Nej", "Bertil")}
        stored = {s.question_id: s.stored for s in session.question_states(case_id)}[question]
        assert stored is None  # an undecided answer is not counted as either
    reader.close()
    status = status_data(open_for_reading(review_file))
    assert status["konflikter"] == [{"akt": 1, "fraga": question, "falt": "svar", "svar": [
        {"svar": v["svar"], "granskare": v["granskare"], "tid": v["tid"]} for v in status["konflikter"][0]["svar"]]}]
    assert {v["granskare"] for v in status["konflikter"][0]["svar"]} == {"Anna", "Bertil"}
    report = check_review_file(review_file)
    assert not report.ok and any("svarat olika" in p for p in report.problems)

    anna.decide(conflict.register, "Nej")
    published(anna)
    bertil.refresh_from_folder()
    assert anna.conflicts() == [] == bertil.conflicts()
    assert check_review_file(review_file).ok
    assert {s.question_id: s.stored for s in bertil.question_states(case_id)}[question] is N


def test_same_answer_from_both_is_no_conflict_and_answering_an_akt_another_made_bortfall_is_none(two):
    anna, bertil = two
    case_id, question = first_question(anna, 1)
    anna.set_answer(case_id, question, Y)
    bertil.set_answer(case_id, question, Y)
    other_case, other_question = first_question(anna, 3)
    anna.mark_dropout(other_case, DropoutReason.FILE_MISSING)
    bertil.set_answer(other_case, other_question, Y)  # Bertil answered the akt Anna made a bortfall
    published(anna, bertil)
    anna.refresh_from_folder()
    bertil.refresh_from_folder()
    assert anna.conflicts() == [] == bertil.conflicts()  # same value from both: agreement
    # pågående only follows from Bertil's answer; the bortfall is Anna's decision and holds, and
    # Bertil's answer is kept with the akt (not counted while it is a bortfall)
    for session in two:
        assert session.case(other_case).status is CaseStatus.DROPOUT
        assert {s.question_id: s.stored for s in session.question_states(other_case)}[other_question] is Y


def test_status_kontrollera_rapport_and_samla_read_the_enhet_whole(two, review_file, tmp_path, capsys):
    anna, bertil = two
    case_1, question_1 = first_question(anna, 1)
    case_2, question_2 = first_question(anna, 2)
    anna.set_answer(case_1, question_1, Y)
    bertil.set_answer(case_2, question_2, N)
    bertil.set_answer(case_1, question_1, N)
    published(anna, bertil)
    assert run_cli(["status", "--json", str(review_file)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert len(status["konflikter"]) == 1 and status["konflikter"][0]["akt"] == 1
    assert run_cli(["kontrollera", str(review_file)]) == 1
    with pytest.raises(ConflictsRemain, match="1 konflikt"):
        collect_enhet(review_file, tmp_path / "samlad.granskning")
    assert not (tmp_path / "samlad.granskning").exists()
    assert run_cli(["rapport", str(review_file), "-o", str(tmp_path / "r.xlsx")]) == 0
    said = capsys.readouterr()
    assert "1 konflikt mellan granskarnas svar är inte avgjord" in said.out + said.err

    [conflict] = anna.conflicts() or (anna.refresh_from_folder(), anna.conflicts())[1]
    anna.decide(conflict.register, "Ja")
    published(anna)
    assert run_cli(["kontrollera", str(review_file)]) == 0
    collected = collect_enhet(review_file, tmp_path / "ut" / "samlad.granskning")
    assert collected.sources == 3 and collected.conflicts == ()
    # the collected file alone is the whole enhet, in any folder, with no reviewer's marks
    alone = tmp_path / "ensam"
    alone.mkdir()
    shutil.copyfile(collected.path, alone / "Testenheten 2026.granskning")
    reader = open_for_reading(alone / "Testenheten 2026.granskning")
    try:
        assert reader.sources == 1
        whole = status_data(reader)
    finally:
        reader.close()
    now = status_data(reader := open_for_reading(review_file))
    reader.close()
    assert whole["konflikter"] == [] and whole["akter"] == now["akter"] and whole["fragor"] == now["fragor"]


def test_a_torn_file_in_the_folder_is_skipped_with_a_notice_and_read_once_whole(two, review_file):
    anna, bertil = two
    case_id, question = first_question(anna, 1)
    bertil.set_answer(case_id, question, N)
    published(bertil)
    own = bertil.link.shared_path
    whole = own.read_bytes()
    own.write_bytes(whole[: len(whole) // 2])  # as a sync client that writes in place leaves it mid-way
    assert anna.refresh_from_folder() == set()
    assert any(own.name in note and "lästes inte" in note for note in anna.notices())
    own.write_bytes(whole)
    assert anna.refresh_from_folder() == {case_id}
    assert not any("lästes inte" in note for note in anna.notices())


def test_a_sync_clients_conflict_copy_is_read_and_merged_like_any_file(two, review_file):
    anna, bertil = two
    case_id, question = first_question(anna, 1)
    bertil.set_answer(case_id, question, N)
    published(bertil)
    own = bertil.link.shared_path
    copy = own.with_name(own.stem + "-DATOR2" + own.suffix)
    shutil.copyfile(own, copy)  # what OneDrive leaves when it cannot tell which version wins
    bertil.set_answer(case_id, question, Y)
    published(bertil)
    anna.refresh_from_folder()
    assert anna.conflicts() == []  # the copy holds an older state of the same file: nothing to decide
    assert {s.question_id: s.stored for s in anna.question_states(case_id)}[question] is Y


def in_a_folder_of_its_own(review_file: Path, tmp_path: Path) -> Path:
    """The enhet in a folder of its own, which a test can make disappear like a share."""
    folder = tmp_path / "delad"
    folder.mkdir()
    shared = folder / review_file.name
    shutil.copyfile(review_file, shared)
    return shared


def test_offline_work_is_kept_and_published_when_the_folder_returns(review_file, tmp_path):
    shared = in_a_folder_of_its_own(review_file, tmp_path)
    folder = shared.parent
    anna, bertil = open_as("Anna", shared, tmp_path), open_as("Bertil", shared, tmp_path)
    case_id, question = first_question(anna, 1)
    away = tmp_path / "borta"
    folder.rename(away)  # the share is gone
    try:
        anna.set_answer(case_id, question, Y)  # saved on this computer all the same
        assert not anna.link.publisher.flush(timeout=0.5)
        anna.refresh_from_folder()
        assert anna.link.offline
        assert any("går inte att nå" in note and "Andras svar hämtade" in note for note in anna.notices())
    finally:
        away.rename(folder)
    assert anna.link.publisher.flush(timeout=10)
    bertil.refresh_from_folder()
    assert {s.question_id: s.stored for s in bertil.question_states(case_id)}[question] is Y
    anna.refresh_from_folder()
    assert not anna.link.offline
    anna.close()
    bertil.close()


def test_presence_says_who_has_which_akt_open_and_goes_when_they_close(two):
    anna, bertil = two
    case_id, _question = first_question(anna, 1)
    bertil.set_presence(case_id)
    published(bertil)
    anna.refresh_from_folder()
    assert [p.who for p in anna.others_in(case_id)] == ["Bertil"]
    bertil.close()
    anna.refresh_from_folder()
    assert anna.others_in(case_id) == []


def test_lock_journal_and_temporary_files_from_another_computer_change_nothing(two, review_file):
    anna, bertil = two
    case_id, question = first_question(anna, 1)
    bertil.set_answer(case_id, question, N)
    published(bertil)
    anna.refresh_from_folder()
    before = status_data(reader := open_for_reading(review_file))
    reader.close()
    own = bertil.link.shared_path
    folder = review_file.parent
    (folder / (own.name + "-journal")).write_bytes(os.urandom(4096))  # a journal synced from elsewhere
    (folder / (review_file.name + "-journal")).write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + os.urandom(600))
    (folder / (review_file.name + ".lås")).write_text('{"user": "Erik", "host": "annan", "pid": 1}')
    (folder / f".{own.name}.1a2b3c4d.tmp").write_bytes(own.read_bytes()[:1000])  # a publication cut short
    (folder / f"~${review_file.name}").write_bytes(b"")
    (folder / "Testenheten 2026 (1).granskning").write_bytes(b"inte en databas")  # a broken "copy"
    assert anna.refresh_from_folder() == set()
    after = status_data(reader := open_for_reading(review_file))
    reader.close()
    assert after == before
    assert any("Testenheten 2026 (1).granskning lästes inte" in note for note in anna.notices())
    anna.set_answer(case_id, question, Y)  # and writing goes on as before
    published(anna)
    bertil.refresh_from_folder()
    assert {s.question_id: s.stored for s in bertil.question_states(case_id)}[question] is Y


def test_an_enhet_whose_folder_is_gone_opens_from_the_working_copy_and_is_published_later(review_file, tmp_path):
    shared = in_a_folder_of_its_own(review_file, tmp_path)
    folder = shared.parent
    anna = open_as("Anna", shared, tmp_path)
    case_id, question = first_question(anna, 1)
    anna.set_answer(case_id, question, Y)
    published(anna)
    anna.close()
    away = tmp_path / "borta"
    folder.rename(away)  # the laptop has left the office: the share is not there
    try:
        anna = open_as("Anna", shared, tmp_path)  # from the recent files, as the window does
        assert not anna.read_only and anna.link.offline
        assert {s.question_id: s.stored for s in anna.question_states(case_id)}[question] is Y
        other_case, other_question = first_question(anna, 2)
        anna.set_answer(other_case, other_question, N)
        assert any("går inte att nå" in note for note in anna.notices())
    finally:
        away.rename(folder)
    assert anna.link.publisher.flush(timeout=10)
    anna.close()
    reader = open_for_reading(shared)
    try:
        assert {s.question_id: s.stored for s in reader.question_states(other_case)}[other_question] is N
    finally:
        reader.close()


def test_sammanstall_of_the_folder_counts_the_enhet_once_with_every_reviewers_answers(two, review_file, tmp_path):
    from aktgranskning.services.summary import build_summary

    anna, bertil = two
    case_1, question_1 = first_question(anna, 1)
    case_2, question_2 = first_question(anna, 2)
    anna.set_answer(case_1, question_1, Y)
    bertil.set_answer(case_2, question_2, N)
    published(anna, bertil)
    assert len(list(review_file.parent.glob("*.granskning"))) == 3
    summary = build_summary([review_file.parent])
    assert summary.excluded == ()
    [unit] = [level for level in summary.levels if level.kind == "enhet"]
    assert unit.name == "Testenheten"
    assert unit.tallies[question_1].yes == 1 and unit.tallies[question_2].no == 1
    assert [item.source for item in summary.inputs] == [review_file.name]


@pytest.mark.parametrize("spelling", ["{name}", "./{name}", "../{folder}/{name}"])
def test_a_file_named_from_inside_its_folder_is_one_file_and_still_finds_the_others(
        review_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        spelling: str) -> None:
    monkeypatch.chdir(review_file.parent)
    relative = Path(spelling.format(name=review_file.name, folder=review_file.parent.name))
    alone = open_for_reading(relative)
    try:
        assert alone.sources == 1 and not any("läses ur" in note for note in alone.notes)
    finally:
        alone.close()
    assert run_cli(["status", str(relative)]) == 0
    said = capsys.readouterr()
    assert "läses ur" not in said.out + said.err and "2 filer" not in said.out + said.err

    anna = open_as("Anna", review_file, tmp_path)
    try:
        case_id, question = first_question(anna, 1)
        anna.set_answer(case_id, question, Y)
        published(anna)
    finally:
        anna.close()
    both = open_for_reading(relative)
    try:
        assert both.sources == 2
        assert next(s for s in both.question_states(case_id) if s.question_id == question).stored is Y
    finally:
        both.close()
