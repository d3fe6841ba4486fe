"""Two reviewers on one enhet at once, as the window shows it (issue 19): the other's answers
arrive without taking the keyboard away, who else is where, conflicts with a choice, offline.

The window is Anna on one "computer"; Bertil is a session of the services on another (a data
folder and a computer name of his own), writing his own file into the same enhet folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import DropoutReason
from aktgranskning.gui.case_model import CONFLICTS_COLUMN, PRESENCE_COLUMN
from aktgranskning.paths import user_config_dir
from aktgranskning.services.opening import (
    NewFileInfo,
    create_review_file,
    open_for_filling,
    open_for_reading,
    open_review_file,
)
from aktgranskning.services.session import ReviewSession
from aktgranskning.services.settings import REVIEWER_NAME, Settings
from tests.conftest import make_cases
from tests.gui.conftest import opened_window, press
from tests.support.computers import acting_as


@pytest.fixture
def enhet(tmp_path: Path, checklists) -> Path:
    path = tmp_path / "delad" / "Testenheten 2026.granskning"
    path.parent.mkdir()
    create_review_file(path, NewFileInfo("Testförvaltningen", "Testområdet", "Testenheten", 2026),
                       checklists, make_cases())
    return path


@pytest.fixture
def anna(qtbot, enhet: Path, monkeypatch):
    monkeypatch.setenv("AKTGRANSKNING_DATORNAMN", "DATOR1")
    Settings(user_config_dir() / "installningar.json").set(REVIEWER_NAME, "Anna")
    main = opened_window(qtbot, enhet)
    yield main
    main.close()


@pytest.fixture
def bertil(anna, enhet: Path, tmp_path: Path) -> Iterator[ReviewSession]:
    folder = tmp_path / "bertils-dator"
    with acting_as(folder, "DATOR2"):
        other = open_review_file(enhet, reviewer="Bertil")
    other.computer_folder = folder  # type: ignore[attr-defined]
    yield other
    with acting_as(folder, "DATOR2"):
        other.close()


def refresh_as_bertil(bertil: ReviewSession) -> None:
    with acting_as(bertil.computer_folder, "DATOR2"):  # type: ignore[attr-defined]
        bertil.refresh_from_folder()


def publish(session: ReviewSession) -> None:
    assert session.link is not None and session.link.publisher.flush()


def question_ids(session: ReviewSession, case_id: int) -> list[str]:
    return [state.question_id for state in session.question_states(case_id)]


def first_case(window) -> int:
    return window.session.cases()[0].id


def cell(window, case_id: int, column: int) -> str:
    model = window.case_list.model
    return str(model.index(model.row_of_case(case_id), column).data())


def test_the_others_answer_appears_in_the_open_akt_without_taking_the_keyboard(qtbot, anna, bertil):
    case_id = first_case(anna)
    anna.open_case(case_id)
    review = anna.review
    scroll = review.questions_scroll.verticalScrollBar()
    scroll.setValue(scroll.maximum() // 3)
    typing_in = review.rows[0]
    typing_in.setFocus()
    press(qtbot, Qt.Key.Key_K)
    qtbot.keyClicks(QApplication.focusWidget(), "Skrivs just nu")
    focus, at = QApplication.focusWidget(), scroll.value()
    assert focus is typing_in.comment_edit
    late = review.rows[5]
    bertil.set_answer(case_id, late.question.id, Answer.NO)
    publish(bertil)
    anna.watch.read_now()
    qtbot.waitUntil(lambda: late.buttons[Answer.NO].isChecked(), timeout=5000)
    assert QApplication.focusWidget() is focus and typing_in.comment_edit.text() == "Skrivs just nu"
    assert scroll.value() == at
    anna.show_case_list()
    assert "Bertil" in cell(anna, case_id, 7)  # who answered in the akt


def test_the_list_shows_who_else_is_in_an_akt_and_the_akt_says_so(qtbot, anna, bertil):
    second = anna.session.cases()[1].id
    bertil.set_presence(second)
    publish(bertil)
    anna.watch.read_now()
    qtbot.waitUntil(lambda: cell(anna, second, PRESENCE_COLUMN) == "Bertil granskar", timeout=5000)
    assert "Bertil (akt 2)" in anna.case_list.together.text()
    assert cell(anna, first_case(anna), PRESENCE_COLUMN) == ""
    anna.open_case(second)
    notice = anna.review.notices
    assert notice.isVisible() and "Bertil har också den här akten öppen just nu." in notice.text()
    assert anna.pages.currentWidget() is anna.review  # told, not forbidden
    anna.show_case_list()
    publish(anna.session)
    refresh_as_bertil(bertil)
    assert [p.who for p in bertil.link.presences] == ["Anna"] and bertil.link.presences[0].case_id is None


def test_a_conflict_is_shown_on_the_question_and_in_the_list_and_a_choice_clears_it(qtbot, anna, bertil):
    case_id = first_case(anna)
    anna.open_case(case_id)
    row = anna.review.rows[0]
    row.setFocus()
    press(qtbot, Qt.Key.Key_J)  # Anna: Ja, Bertil has not seen it
    bertil.set_answer(case_id, row.question.id, Answer.NO)
    publish(bertil)
    anna.watch.read_now()
    qtbot.waitUntil(lambda: row.conflict_box.isVisible(), timeout=5000)
    shown = row.conflict_box.findChildren(type(anna.review.notices))[0].text()
    assert "Anna: Ja (" in shown and "Bertil: Nej (" in shown
    choices = [b.text() for b in row.conflict_buttons]
    assert choices == ["Välj Anna: Ja", "Välj Bertil: Nej"]
    anna.show_case_list()
    assert cell(anna, case_id, CONFLICTS_COLUMN) == "⚠ 1 konflikt"
    assert "1 konflikt i akt 1:" in anna.case_list.together.text()
    anna.open_case(case_id)
    row.conflict_buttons[1].click()
    assert not row.conflict_box.isVisible() and row.buttons[Answer.NO].isChecked()
    assert anna.session.conflicts() == []
    anna.show_case_list()
    assert cell(anna, case_id, CONFLICTS_COLUMN) == ""
    publish(anna.session)
    refresh_as_bertil(bertil)
    assert bertil.conflicts() == []  # decided for everyone once the file arrives


@pytest.mark.slow  # waits for the folder watch to notice twice: about 3 s
def test_the_offline_notice_comes_when_the_folder_goes_and_leaves_when_it_is_back(qtbot, anna, bertil, enhet):
    bertil.set_presence(None)
    publish(bertil)
    anna.watch.read_now()
    qtbot.waitUntil(lambda: "Arbetar i enheten just nu: Bertil" in anna.case_list.together.text(), timeout=5000)
    anna.open_case(first_case(anna))
    away = enhet.parent.with_name("borta")
    enhet.parent.rename(away)
    try:
        anna.watch.read_now()
        qtbot.waitUntil(lambda: "går inte att nå" in anna.review.notices.text(), timeout=5000)
        assert anna.review.notices.isVisible()
        assert "Andras svar hämtade kl." in anna.review.notices.text()
        anna.show_case_list()
        assert "går inte att nå" in anna.case_list.notices.text() and anna.case_list.notices.isVisible()
        assert "arbetade: Bertil (ingen akt öppen)" in anna.case_list.together.text()  # not "just nu"
    finally:
        away.rename(enhet.parent)
    anna.watch.read_now()
    qtbot.waitUntil(lambda: not anna.case_list.notices.isVisible(), timeout=5000)
    assert "andras svar hämtade" in anna.shared_label.text()
    assert "Arbetar i enheten just nu: Bertil" in anna.case_list.together.text()


def test_a_conflict_about_the_akt_itself_is_shown_in_its_header_with_a_choice(qtbot, anna, bertil):
    case_id = first_case(anna)
    anna.session.mark_dropout(case_id, DropoutReason.FILE_MISSING, use_reserve=False)
    bertil.mark_dropout(case_id, DropoutReason.WRONG_SAMPLE, use_reserve=False)
    publish(bertil)
    anna.watch.read_now()
    qtbot.waitUntil(lambda: cell(anna, case_id, CONFLICTS_COLUMN) == "⚠ 1 konflikt", timeout=5000)
    anna.open_case(case_id)
    bar = anna.review.conflict_bar
    assert bar.isVisible() and len(bar.shown) == 1
    assert [b.text() for b in bar.buttons] == ["Välj Anna: bortfall (Akten saknas)",
                                               "Välj Bertil: bortfall (Felaktigt urval)"]
    assert not any(row.conflict_box.isVisible() for row in anna.review.rows)
    bar.buttons[1].click()
    assert not bar.isVisible() and anna.session.conflicts() == []
    assert anna.session.case(case_id).dropout_reason is DropoutReason.WRONG_SAMPLE
    assert "felaktigt urval" in anna.review.details.text()


def test_answering_a_conflicted_question_with_a_key_decides_it(qtbot, anna, bertil):
    case_id = first_case(anna)
    anna.open_case(case_id)
    row = anna.review.rows[0]
    row.setFocus()
    press(qtbot, Qt.Key.Key_J)
    bertil.set_answer(case_id, row.question.id, Answer.NO)
    publish(bertil)
    anna.watch.read_now()
    qtbot.waitUntil(lambda: row.conflict_box.isVisible(), timeout=5000)
    row.setFocus()
    press(qtbot, Qt.Key.Key_X if Answer.NOT_APPLICABLE in row.question.allowed else Qt.Key.Key_N)
    assert not row.conflict_box.isVisible() and anna.session.conflicts() == []


def test_a_presence_whose_program_went_silent_leaves_the_list_and_a_heartbeat_keeps_ones_own(
        qtbot, anna, bertil, monkeypatch):
    assert anna.watch.running
    second = anna.session.cases()[1].id
    bertil.set_presence(second)
    publish(bertil)
    anna.watch.read_now()
    qtbot.waitUntil(lambda: cell(anna, second, PRESENCE_COLUMN) == "Bertil granskar", timeout=5000)
    publish(anna.session)
    refresh_as_bertil(bertil)
    first_beat = bertil.link.presences[0].heartbeat
    monkeypatch.setattr("aktgranskning.services.enhet_link.PRESENCE_SECONDS", 0.3)
    qtbot.wait(400)  # Bertil's program says nothing more, as when it was killed
    anna.watch.read_now()
    qtbot.waitUntil(lambda: cell(anna, second, PRESENCE_COLUMN) == "", timeout=5000)
    assert "Bertil" not in anna.case_list.together.text()
    anna.watch.heartbeat.emit()  # what the 30 s timer does
    publish(anna.session)
    refresh_as_bertil(bertil)
    assert [p.who for p in bertil.link.presences] == ["Anna"] and bertil.link.presences[0].heartbeat > first_beat


def test_a_conflict_in_the_analysis_is_shown_on_the_case_list_with_a_choice(qtbot, anna, bertil):
    from aktgranskning.services.analysis import read_analysis, save_analysis_text

    save_analysis_text(anna.session, "strengths", "Tydliga utredningar")
    save_analysis_text(bertil, "strengths", "Snabba beslut")
    publish(bertil)
    anna.watch.read_now()
    bar = anna.case_list.conflict_bar
    qtbot.waitUntil(lambda: bar.isVisible(), timeout=5000)
    assert [b.text() for b in bar.buttons] == ["Välj Anna: ”Tydliga utredningar”", "Välj Bertil: ”Snabba beslut”"]
    bar.buttons[1].click()
    assert not bar.isVisible() and read_analysis(anna.session).strengths == "Snabba beslut"


def test_a_merge_that_fails_is_told_in_the_status_bar_and_done_at_the_next_read(qtbot, anna, bertil, monkeypatch):
    case_id = first_case(anna)
    real, calls = anna.session.take_in, []

    def fails_once(contents):
        calls.append(contents)
        if len(calls) == 1:
            raise RuntimeError("en trasig disk")
        return real(contents)

    monkeypatch.setattr(anna.session, "take_in", fails_once)
    bertil.set_answer(case_id, question_ids(bertil, case_id)[0], Answer.YES)
    publish(bertil)
    anna.watch.read_now()
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=5000)
    assert "kunde inte tas in just nu" in anna.statusBar().currentMessage()
    assert QApplication.activeModalWidget() is None
    anna.watch.read_now()
    qtbot.waitUntil(lambda: cell(anna, case_id, 6).startswith("1 av"), timeout=5000)


def test_a_conflict_marked_above_the_view_does_not_move_the_question_in_focus(qtbot, anna, bertil):
    case_id = first_case(anna)
    anna.open_case(case_id)
    review = anna.review
    top, focused = review.rows[0], review.rows[-1]
    anna.session.set_answer(case_id, top.question.id, Answer.YES)
    bertil.set_answer(case_id, top.question.id, Answer.NO)
    review.focus_row(focused)
    scroll = review.questions_scroll.verticalScrollBar()
    qtbot.wait(20)
    scroll.setValue(scroll.maximum())
    assert scroll.value() > top.y() + top.height()  # the first question is out of view
    on_screen = focused.y() - scroll.value()
    publish(bertil)
    anna.watch.read_now()
    qtbot.waitUntil(lambda: top.conflict_box.isVisible(), timeout=5000)
    qtbot.wait(50)
    assert focused.hasFocus() and focused.y() - scroll.value() == on_screen


def test_a_read_only_window_shows_a_conflict_but_offers_no_choice(qtbot, anna, bertil, enhet, tmp_path):
    case_id = first_case(anna)
    question = question_ids(bertil, case_id)[0]
    anna.session.set_answer(case_id, question, Answer.YES)
    bertil.set_answer(case_id, question, Answer.NO)
    publish(anna.session)
    publish(bertil)
    assert anna.open_file(enhet, read_only=True)
    assert anna.session.read_only and not anna.watch.running  # nothing of its own to share
    anna.open_case(case_id)
    row = anna.review.rows[0]
    assert row.conflict_box.isVisible() and row.conflict_buttons
    assert not any(button.isEnabled() for button in row.conflict_buttons)


def test_the_case_list_takes_in_the_others_work_keeping_selection_and_focus(qtbot, anna, bertil):
    cases = anna.session.cases()
    chosen, changed = cases[2].id, cases[4].id
    anna.case_list.select_case(chosen)
    anna.case_list.focus_table()
    qtbot.waitUntil(lambda: anna.case_list.table.hasFocus())
    bertil.set_answer(changed, question_ids(bertil, changed)[0], Answer.YES)
    publish(bertil)
    anna.watch.read_now()
    qtbot.waitUntil(lambda: cell(anna, changed, 6).startswith("1 av"), timeout=5000)
    assert anna.case_list.selected_case_id() == chosen and anna.case_list.table.hasFocus()
    assert cell(anna, changed, 5) == "Pågående" and "Bertil" in cell(anna, changed, 7)


# --- Arkiv → Samla enhetens filer i en fil… and Arkiv → För in kopior… -----------------------
def _told(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    said: list[str] = []
    for kind in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, kind, lambda _parent, _title, text, *a: said.append(text))
    return said


def test_collecting_asks_about_open_conflicts_and_writes_the_whole_enhet(anna, bertil, enhet, tmp_path, monkeypatch):
    case = anna.session.cases()[0]
    question = anna.session.question_states(case.id)[0].question_id
    anna.session.set_answer(case.id, question, Answer.YES)
    bertil.set_answer(case.id, question, Answer.NO)
    publish(bertil)
    publish(anna.session)
    target = tmp_path / "ut" / "Samlad.granskning"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    said = _told(monkeypatch)
    asked: list[str] = []

    def no(_parent, _title, text, *_a):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", no)
    anna.collect_files()
    assert asked and "1 konflikt" in asked[0] and not target.exists()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    anna.collect_files()
    assert target.exists() and "ur 3 filer" in said[-1] and "1 konflikter står kvar" in said[-1]
    reader = open_for_reading(target)
    try:
        assert reader.sources == 1 and len(reader.conflicts()) == 1
    finally:
        reader.close()


def test_copies_from_an_older_version_are_brought_in_and_shown(anna, enhet, tmp_path, monkeypatch):
    copy = tmp_path / "kopia" / enhet.name
    copy.parent.mkdir()
    shutil.copyfile(enhet, copy)
    filled = open_for_filling(copy, reviewer="CD")  # an older version wrote answers into the copy itself
    try:
        case = filled.cases()[1]
        question = filled.question_states(case.id)[0].question_id
        filled.apply_answers({case.id: {question: Answer.NO}}, "CD", "2026-10-01T10:00:00+02:00")
    finally:
        filled.close()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(copy)], ""))
    said = _told(monkeypatch)
    anna.bring_in_copies()
    assert said and said[-1].startswith("Förde in 1 svar")
    states = {s.question_id: s.stored for s in anna.session.question_states(case.id)}
    assert states[question] is Answer.NO
    assert not anna.session.read_only and anna.session.link is not None
