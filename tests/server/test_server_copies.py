"""`sammanfoga --server`: reviewers' copies of an enhet's file, worked on where there was no
server, bring their answers into the granskning on the server; a conflict is listed, not resolved."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.services import server
from aktgranskning.services.opening import open_for_filling
from aktgranskning.storage.server_address import ServerAddress
from tests.cli_runner import run_in_process

pytestmark = pytest.mark.postgres  # a PostgreSQL server of the run's own: CI's own step


def _answer_in(path: Path, who: str, answers: dict[int, Answer]) -> None:
    session = open_for_filling(path, reviewer=who)
    try:
        for sequence, answer in answers.items():
            case = next(c for c in session.cases() if c.sequence == sequence)
            session.set_answer(case.id, next(session.checklist_for(case).questions()).id, answer)
    finally:
        session.close()


def _answered(address: ServerAddress) -> list[tuple[int, str]]:
    session = server.open_on_server(address, "Testenheten", 2026)
    try:
        return sorted((case.sequence, record.answer.value) for case in session.cases()
                      for record in _records(session, case.id) if record.answer is not None)
    finally:
        session.close()


def _records(session, case_id: int):  # type: ignore[no-untyped-def]
    with session.reading() as tx:
        return list(tx.answer_records(case_id).values())


def test_copies_bring_their_answers_into_the_granskning_on_the_server(
        admin: ServerAddress, review_file: Path, tmp_path: Path) -> None:
    assert run_in_process("server", "initiera", admin.text).returncode == 0
    copy_a, copy_b = tmp_path / "kopia AB.granskning", tmp_path / "kopia CD.granskning"
    shutil.copy(review_file, copy_a)
    shutil.copy(review_file, copy_b)
    assert run_in_process("server", "ladda-upp", admin.text, str(review_file)).returncode == 0
    _answer_in(copy_a, "AB", {1: Answer.YES, 2: Answer.NO})
    _answer_in(copy_b, "CD", {2: Answer.YES, 3: Answer.YES})

    where = ["--server", admin.text, "--enhet", "Testenheten", "--ar", "2026"]
    result = run_in_process("sammanfoga", *where, str(copy_a), str(copy_b))
    assert result.returncode == 1, result.stderr
    assert "Förde in 2 svar i Testenheten 2026 på" in result.stdout
    assert "Konflikt: akt 2" in result.stderr and "Nej (AB" in result.stderr and "Ja (CD" in result.stderr
    assert _answered(admin) == [(1, "Ja"), (3, "Ja")]  # case 2 left for a person to decide

    again = run_in_process("sammanfoga", *where, str(copy_b), str(copy_a))
    assert "Förde in 0 svar" in again.stdout and again.stderr.count("Konflikt:") == 1
    status = json.loads(run_in_process("status", *where, "--json").stdout)
    from_file = json.loads(run_in_process("status", str(review_file), "--json").stdout)
    assert status["enhet"] == from_file["enhet"] and status != from_file  # the server has the answers, the file not


def test_sammanfoga_names_what_is_missing(admin: ServerAddress, review_file: Path) -> None:
    missing_year = run_in_process("sammanfoga", "--server", admin.text, "--enhet", "Testenheten", str(review_file))
    assert missing_year.returncode != 0 and "--ar" in missing_year.stderr
    not_prepared = run_in_process("sammanfoga", "--server", admin.text, "--enhet", "Testenheten", "--ar", "2026",
                                  str(review_file))
    assert not_prepared.returncode != 0 and "server initiera" in not_prepared.stderr
    assert "Traceback" not in missing_year.stderr + not_prepared.stderr
