"""The window reviewing on the server beside another reviewer's program (a service session): each
sees the other's answers and where the other is, read from the server off the GUI thread."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus
from aktgranskning.gui.main_window import MainWindow, _open_server_granskning
from aktgranskning.services import server
from aktgranskning.services.session import ReviewSession
from aktgranskning.storage.server_address import ServerAddress
from tests.gui.conftest import press, shown_window
from tests.support.demo_cache import copy_demo

pytestmark = pytest.mark.postgres  # a PostgreSQL server of the run's own: CI's own step

YEAR = 2026


@pytest.fixture
def unit(admin: ServerAddress, tmp_path: Path, checklists) -> str:
    demo = copy_demo(tmp_path / "demo", checklists, year=YEAR)
    path = next(p for p in demo if p.name.endswith(f"{YEAR}.granskning"))
    server.initialise_server(admin)
    return server.upload_file(admin, path).granskning.unit


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    main = shown_window(qtbot)
    yield main
    main.close()


@pytest.fixture
def bo(admin: ServerAddress, unit: str) -> Iterator[ReviewSession]:
    session = _open_server_granskning(admin, unit, YEAR, "Bo")
    yield session
    session.close()


def _open_question(session: ReviewSession) -> tuple[int, str]:
    for case in session.cases():
        if case.in_sample and case.status is CaseStatus.NOT_STARTED:
            question = session.first_gap(case.id)
            if question is not None and Answer.NO in session.checklist_for(case).question(question).allowed:
                return case.id, question
    raise AssertionError("no unstarted akt in the demo")


def _where_others_are(session: ReviewSession) -> list[tuple[str, int | None]]:
    session.take_in(session.read_folder())
    assert session.link is not None
    return [(p.who, p.case_id) for p in session.link.presences]


def _answered_in_list(window: MainWindow, case_id: int) -> int:
    row = window.case_list.model.row_of_case(case_id)
    assert row is not None
    return window.case_list.model.summary(row).answered


def test_the_window_and_another_reviewer_see_each_others_answers_and_presence(
        qtbot, window: MainWindow, admin: ServerAddress, unit: str, bo: ReviewSession) -> None:
    window.show_server_session(_open_server_granskning(admin, unit, YEAR, "Anna"), admin)
    anna = window.session
    assert anna is not None and not anna.read_only and window.watch.running
    case_id, question = _open_question(bo)
    before = _answered_in_list(window, case_id)

    bo.set_presence(case_id)
    bo.set_answer(case_id, question, Answer.NO)

    qtbot.waitUntil(lambda: _answered_in_list(window, case_id) == before + 1, timeout=10_000)
    qtbot.waitUntil(lambda: [p.who for p in anna.others_in(case_id)] == ["Bo"], timeout=10_000)
    assert window.shared_label.text().startswith("Hämtat från servern kl. ")

    window.open_case(case_id)  # Anna opens the akt: Bo is told there, and she answers by keyboard
    qtbot.waitUntil(lambda: "Bo" in window.review.notices.text(), timeout=10_000)
    other = next(s.question_id for s in anna.question_states(case_id)
                 if s.stored is None and s.question_id != question and s.applicability.name == "APPLICABLE")
    row = next(r for r in window.review.rows if r.question.id == other)
    row.setFocus()
    press(qtbot, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: _where_others_are(bo) == [("Anna", case_id)], timeout=10_000)
    bo.take_in(bo.read_folder())
    stored = {s.question_id: s.stored for s in bo.question_states(case_id)}
    assert (stored[question], stored[other]) == (Answer.NO, Answer.YES)
    assert bo.conflicts() == [] and anna.conflicts() == []
