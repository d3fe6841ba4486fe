"""The reviewer's window driven from the keyboard, checked against the file on disk."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus
from aktgranskning.gui.dialogs import DropoutDialog
from aktgranskning.gui.question_row import QuestionRow
from aktgranskning.services.session import SaveFailed
from tests.enhet_db import enhet_db
from tests.gui.conftest import press
from tests.gui.waiting import wait_for_background

K = Qt.Key


def stored_answers(path, case_id):
    with enhet_db(path) as connection:
        return dict(connection.execute(
            "SELECT question_id, answer FROM answers WHERE case_id = ? AND answer IS NOT NULL", (case_id,)
        ).fetchall())


def case_status(path, case_id):
    with enhet_db(path) as connection:
        return connection.execute("SELECT status FROM cases WHERE id = ?", (case_id,)).fetchone()[0]


def focused_row() -> QuestionRow:
    widget = QApplication.focusWidget()
    assert isinstance(widget, QuestionRow), f"focus is on {widget!r}"
    return widget


def test_opening_shows_the_case_list_with_the_first_unfinished_case_focused(window, review_file):
    assert window.pages.currentWidget() is window.case_list
    assert QApplication.focusWidget() is window.case_list.table
    first = window.session.first_unfinished_case()
    assert window.case_list.selected_case_id() == first.id
    assert "Testenheten 2026" in window.windowTitle() and review_file.name in window.windowTitle()


def test_a_whole_case_by_keyboard_only(window, review_file, qtbot):
    case = window.session.first_unfinished_case()
    press(qtbot, K.Key_Return)
    assert window.pages.currentWidget() is window.review
    keystrokes = 1
    seen = []
    while isinstance(QApplication.focusWidget(), QuestionRow):
        row = focused_row()
        seen.append(row.question.id)
        press(qtbot, K.Key_N if row.question.id == "fb.anmalare" else K.Key_J)
        keystrokes += 1
    assert QApplication.focusWidget() is window.review.done_button
    press(qtbot, K.Key_Return)  # "Markera som klar"
    keystrokes += 1
    checklist = window.session.checklist_for(case)
    assert seen == checklist.question_ids()  # no conditions in förhandsbedömning: all 14 apply
    assert keystrokes == len(seen) + 2  # Enter to open, one per question, one to finish
    answers = stored_answers(review_file, case.id)
    assert answers["fb.anmalare"] == "Nej"
    assert all(answers[q] == "Ja" for q in seen[1:])
    assert case_status(review_file, case.id) == "klar"
    # finishing moves on to the next case that is not finished
    assert window.review.case.id != case.id and window.review.case.status is not CaseStatus.DONE


def _open_first_case_of_type(window, qtbot, case_type):
    case = next(c for c in window.session.cases() if c.case_type == case_type and c.in_sample)
    window.open_case(case.id)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QuestionRow))
    return case


def _focus_question(window, question_id):
    row = next(r for r in window.review.rows if r.question.id == question_id)
    row.setFocus()
    return row


def test_conditional_question_becomes_x_and_cannot_be_answered(window, review_file, qtbot):
    case = _open_first_case_of_type(window, qtbot, "utredning")
    _focus_question(window, "ut.barnet_till_tals")
    press(qtbot, K.Key_J)
    child = next(r for r in window.review.rows if r.question.id == "ut.barnet_till_tals_orsak")
    assert not child.is_applicable and child.state.answer is Answer.NOT_APPLICABLE
    assert not any(button.isEnabled() for button in child.buttons.values())
    assert child.note_label.isVisible() and "Gäller bara när" in child.note_label.text()
    # focus skipped the child and went to the next applicable question
    assert focused_row().question.id == "ut.barnets_installning"
    child.setFocus()
    press(qtbot, K.Key_N)
    assert "ut.barnet_till_tals_orsak" not in stored_answers(review_file, case.id)
    # answering the parent Nej makes the child applicable and focus goes to it
    _focus_question(window, "ut.barnet_till_tals")
    press(qtbot, K.Key_N)
    assert focused_row().question.id == "ut.barnet_till_tals_orsak"
    press(qtbot, K.Key_3)
    assert stored_answers(review_file, case.id)["ut.barnet_till_tals_orsak"] == "X"


def test_undo_restores_the_previous_answer_in_the_file(window, review_file, qtbot):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    press(qtbot, K.Key_J)  # question 1: Ja
    press(qtbot, K.Key_Up)
    press(qtbot, K.Key_2)  # question 1: Nej
    assert stored_answers(review_file, case.id)["fb.anmalare"] == "Nej"
    press(qtbot, K.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)
    assert stored_answers(review_file, case.id)["fb.anmalare"] == "Ja"
    press(qtbot, K.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)
    assert "fb.anmalare" not in stored_answers(review_file, case.id)
    assert focused_row().question.id == "fb.anmalare"


def test_dropout_with_a_reserve(window, review_file, qtbot):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    reserve = window.session.unused_reserves()[0]

    def fill_in_dialog():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DropoutDialog)
        assert dialog.use_reserve.isChecked() and f"nr {reserve.sequence}" in dialog.use_reserve.text()
        dialog.reason.setCurrentIndex(1)  # Akten saknas
        dialog.text.setText("Akten hittades inte")
        dialog.accept()

    QTimer.singleShot(0, fill_in_dialog)
    window.review.dropout_button.click()
    with enhet_db(review_file) as connection:
        rows = dict((r[0], r[1:]) for r in connection.execute(
            "SELECT id, status, dropout_reason, dropout_text, replaces_case_id FROM cases"))
    assert rows[case.id] == ("bortfall", "akten_saknas", "Akten hittades inte", None)
    assert rows[reserve.id][3] == case.id
    # the replacement opens for review; both are visible in the list
    assert window.review.case.id == reserve.id
    window.show_case_list()
    statuses = {s.case.id: s for s in window.case_list.model._rows}
    assert statuses[case.id].case.status is CaseStatus.DROPOUT
    assert statuses[reserve.id].case.in_sample


def test_a_failed_save_keeps_the_answer_on_screen(window, review_file, qtbot, monkeypatch):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    real_set_answer = window.session.set_answer

    def disk_full(*args, **kwargs):
        raise SaveFailed(f"{review_file}: svaret kunde inte sparas (database or disk is full).")

    monkeypatch.setattr(window.session, "set_answer", disk_full)
    press(qtbot, K.Key_J)
    row = focused_row()  # focus stays on the question that was not saved
    assert row.question.id == "fb.anmalare"
    assert row.buttons[Answer.YES].isChecked()
    assert "Ej sparat" in row.note_label.text()
    assert window.review.banner.isVisible() and "kunde inte sparas" in window.review.banner.text()
    assert "fb.anmalare" not in stored_answers(review_file, case.id)
    monkeypatch.setattr(window.session, "set_answer", real_set_answer)
    window.review.retry_button.click()
    assert stored_answers(review_file, case.id)["fb.anmalare"] == "Ja"
    assert not window.review.retry_button.isVisible()


def test_an_unsaved_answer_is_not_left_behind_silently(window, review_file, qtbot, monkeypatch):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    real_set_answer = window.session.set_answer

    def disk_full(*args, **kwargs):
        raise SaveFailed(f"{review_file}: svaret kunde inte sparas (database or disk is full).")

    monkeypatch.setattr(window.session, "set_answer", disk_full)
    press(qtbot, K.Key_J)
    asked: list[list[str]] = []

    def answer(choice):
        def ask(problems, can_retry, **_where):
            asked.append(problems)
            return choice
        return ask

    monkeypatch.setattr(window, "ask_about_unsaved", answer(QMessageBox.StandardButton.Cancel))
    press(qtbot, K.Key_Right, modifier=Qt.KeyboardModifier.ControlModifier)  # next akt: asks, stays
    assert window.review.case.id == case.id
    assert asked and "Ja är inte sparat" in asked[-1][0] and f"Akt {case.sequence}" in asked[-1][0]
    monkeypatch.setattr(window.session, "set_answer", real_set_answer)
    monkeypatch.setattr(window, "ask_about_unsaved", answer(QMessageBox.StandardButton.Save))
    window.show_case_list()  # Spara: saved on the way out
    assert stored_answers(review_file, case.id)["fb.anmalare"] == "Ja"
    assert window.pages.currentWidget() is window.case_list


def test_esc_goes_back_and_ctrl_arrows_change_case(window, qtbot):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    press(qtbot, K.Key_Right, modifier=Qt.KeyboardModifier.ControlModifier)
    assert window.review.case.sequence == case.sequence + 1
    press(qtbot, K.Key_Left, modifier=Qt.KeyboardModifier.ControlModifier)
    assert window.review.case.id == case.id
    press(qtbot, K.Key_Escape)
    assert window.pages.currentWidget() is window.case_list
    assert window.case_list.selected_case_id() == case.id


def test_mark_done_with_gaps_jumps_to_the_first_gap(window, qtbot):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    press(qtbot, K.Key_J, K.Key_J)
    window.review.done_button.click()
    assert focused_row().question.id == window.session.checklist_for(case).question_ids()[2]
    assert window.session.case(case.id).status is CaseStatus.IN_PROGRESS


def test_comment_is_saved(window, review_file, qtbot):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    row = focused_row()
    press(qtbot, K.Key_K)
    assert QApplication.focusWidget() is row.comment_edit
    qtbot.keyClicks(row.comment_edit, "Oklart vem som ")  # QTest types ASCII only
    row.comment_edit.insert("anmält")
    press(qtbot, K.Key_Return)
    with enhet_db(review_file) as connection:
        comment = connection.execute(
            "SELECT comment FROM answers WHERE case_id = ? AND question_id = 'fb.anmalare'", (case.id,)).fetchone()
    assert comment == ("Oklart vem som anmält",)


def test_qt_dialog_buttons_are_swedish(window, qtbot):
    def check_and_close():
        dialog = QApplication.activeModalWidget()
        texts = [b.text() for b in dialog.findChildren(type(window.review.done_button))]
        assert any("Avbryt" in t for t in texts), texts
        dialog.reject()

    case = window.session.first_unfinished_case()
    QTimer.singleShot(0, check_and_close)
    window.record_dropout(case.id)


def test_ctrl_q_quits_without_asking(window, qtbot):
    press(qtbot, K.Key_Q, modifier=Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.session is None


def test_sampling_dialog_previews_the_spread(qtbot, tmp_path):
    from aktgranskning.gui.sampling_dialog import SamplingDialog
    from aktgranskning.services.workspace import Workspace

    export = tmp_path / "export.csv"
    rows = ["Ärendenummer;Kön;Ålder;Handläggare;Enhet"] + [
        f"K-{i};{'K' if i % 2 else 'M'};{i % 17};S{i % 6};{'Norr' if i < 40 else 'Söder'}" for i in range(70)]
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    dialog = SamplingDialog(Workspace(tmp_path))
    qtbot.addWidget(dialog)
    dialog.source.setText(str(export))
    dialog.seed.setText("5")
    dialog.preview_button.click()
    wait_for_background(qtbot)
    assert dialog.units.rowCount() == 2
    assert [dialog.units.item(r, 2).text() for r in range(2)] == ["20", "20"]
    assert dialog.strata.rowCount() > 0 and dialog.save_button.isEnabled()
    assert "Åldern i exportens kolumn för ålder användes som den står (70 ärenden)." in dialog.report.text()
    dialog.workspace.save_sample(dialog.sampling, tmp_path / "u.xlsx")
    assert (tmp_path / "u.xlsx").exists()


# --- issue 12: undo a person can predict, keyboard flow, the sample after taking a bortfall back ---

CTRL = Qt.KeyboardModifier.ControlModifier


def case_row(path, case_id):
    with enhet_db(path) as connection:
        return connection.execute(
            "SELECT status, dropout_reason, dropout_text, replaces_case_id FROM cases WHERE id = ?", (case_id,)
        ).fetchone()


def _click_and_wait_for_the_keyboard(qtbot, window, button):
    """Click a button that opens a dialog; after it closes, the main window must get the keyboard
    back by itself (a person does not click again)."""
    button.click()
    qtbot.waitUntil(lambda: window.isActiveWindow() and QApplication.focusWidget() is not None, timeout=3000)


def _answer_all_by_keyboard(qtbot):
    while isinstance(QApplication.focusWidget(), QuestionRow):
        press(qtbot, K.Key_J)


def _fill_dropout_dialog(reason_index, text="", use_reserve=True, check=None):
    def fill():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DropoutDialog)
        if check is not None:
            check(dialog)
        dialog.reason.setCurrentIndex(reason_index)
        dialog.text.setText(text)
        if dialog.use_reserve.isEnabled():
            dialog.use_reserve.setChecked(use_reserve)
        dialog.accept()
    QTimer.singleShot(0, fill)


def test_ctrl_z_never_reaches_into_the_akt_finished_before(window, review_file, qtbot):
    """The issue's case: finish akt 1, answer in the next akt, Ctrl+Z twice."""
    finished = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    _answer_all_by_keyboard(qtbot)
    press(qtbot, K.Key_Return)  # "Markera som klar": the next unfinished akt opens
    following = window.review.case
    assert following.id != finished.id and case_status(review_file, finished.id) == "klar"
    row = focused_row()
    press(qtbot, K.Key_J)
    press(qtbot, K.Key_Z, modifier=CTRL)
    assert row.question.id not in stored_answers(review_file, following.id)
    assert focused_row() is row and "Ångrat i akt" in row.feedback_label.text()
    press(qtbot, K.Key_Z, modifier=CTRL)
    assert f"inget mer att ångra i akt {following.sequence}" in window.statusBar().currentMessage()
    assert case_status(review_file, finished.id) == "klar"
    assert len(stored_answers(review_file, finished.id)) == 14
    assert window.review.case.id == following.id


def test_klar_and_taking_back_can_be_undone_on_screen(window, review_file, qtbot):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    _answer_all_by_keyboard(qtbot)
    press(qtbot, K.Key_Return)
    window.open_case(case.id)  # back to the finished akt
    assert QApplication.focusWidget() is window.review.next_button
    press(qtbot, K.Key_Z, modifier=CTRL)
    assert case_status(review_file, case.id) == "pagaende"
    assert "inte längre klar" in window.statusBar().currentMessage()


def test_a_missing_explanation_keeps_the_dropout_dialog_open(window, review_file, qtbot):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    seen = {}

    def try_without_text_then_with():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DropoutDialog)
        dialog.reason.setCurrentIndex(3)  # Annat
        dialog.use_reserve.setChecked(False)
        dialog.accept()
        seen["open"] = dialog.isVisible()
        seen["problem"] = dialog.problem.text() if dialog.problem.isVisible() else ""
        seen["focus"] = dialog.focusWidget() is dialog.text
        seen["kept"] = (dialog.reason.currentIndex(), dialog.use_reserve.isChecked())
        dialog.text.setText("Dubbelregistrerat ärende")
        dialog.accept()

    QTimer.singleShot(0, try_without_text_then_with)
    _click_and_wait_for_the_keyboard(qtbot, window, window.review.dropout_button)
    assert seen == {"open": True, "problem": "Skriv en förklaring – den krävs när orsaken är ”Annat”.",
                    "focus": True, "kept": (3, False)}
    assert case_row(review_file, case.id) == ("bortfall", "annat", "Dubbelregistrerat ärende", None)


def test_after_a_bortfall_the_reserve_takes_the_keyboard_and_ctrl_z_undoes_both(window, review_file, qtbot):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    press(qtbot, K.Key_J)
    reserve = window.session.next_reserve(case.id)
    _fill_dropout_dialog(1, "Akten hittades inte")
    _click_and_wait_for_the_keyboard(qtbot, window, window.review.dropout_button)
    assert window.review.case.id == reserve.id
    assert f"Reserv nr {reserve.sequence} ersätter den" in window.review.banner.text()
    row = focused_row()  # the keyboard works at once, without a click
    press(qtbot, K.Key_N)
    assert stored_answers(review_file, reserve.id) == {row.question.id: "Nej"}
    press(qtbot, K.Key_Z, modifier=CTRL)  # the answer in the reserve
    assert stored_answers(review_file, reserve.id) == {}
    press(qtbot, K.Key_Z, modifier=CTRL)  # the bortfall, with the reserve it pulled in
    assert case_row(review_file, case.id) == ("pagaende", None, "", None)
    assert case_row(review_file, reserve.id)[3] is None
    assert window.review.case.id == case.id
    assert "Ångrat bortfallet" in window.statusBar().currentMessage()
    assert focused_row().question.id == window.session.checklist_for(case).question_ids()[1]  # its first gap


def test_a_bortfall_without_reserve_leaves_the_keyboard_on_the_next_step(window, review_file, qtbot):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    _fill_dropout_dialog(0, use_reserve=False)
    _click_and_wait_for_the_keyboard(qtbot, window, window.review.dropout_button)
    assert case_row(review_file, case.id)[0] == "bortfall"
    assert QApplication.focusWidget() is window.review.next_button
    press(qtbot, K.Key_Z, modifier=CTRL)
    assert case_row(review_file, case.id)[0] == "ej_paborjad"


def test_taking_a_bortfall_back_returns_the_reserve(window, review_file, qtbot):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    reserve = window.session.next_reserve(case.id)
    _fill_dropout_dialog(0)
    _click_and_wait_for_the_keyboard(qtbot, window, window.review.dropout_button)
    window.open_case(case.id)
    assert QApplication.focusWidget() is window.review.reopen_button
    press(qtbot, K.Key_Space)  # "Ta tillbaka akten till granskning"
    assert case_row(review_file, case.id)[0] == "ej_paborjad"
    assert case_row(review_file, reserve.id)[3] is None
    assert "åter en oanvänd reserv" in window.statusBar().currentMessage()
    assert focused_row().question.id == "fb.anmalare"
    window.show_case_list()
    assert window.session.progress().total == 6
    labels = [window.case_list.model.index(r, 5).data() for r in range(window.case_list.model.rowCount())]
    assert not any("ersätter" in label for label in labels)


def test_taking_back_a_bortfall_whose_reserve_has_answers_asks_first(window, review_file, qtbot):
    from PySide6.QtWidgets import QMessageBox

    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    reserve = window.session.next_reserve(case.id)
    _fill_dropout_dialog(0)
    _click_and_wait_for_the_keyboard(qtbot, window, window.review.dropout_button)
    press(qtbot, K.Key_J)  # an answer in the reserve
    window.open_case(case.id)
    asked = {}

    def agree():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked["text"] = box.text()
        next(b for b in box.buttons() if b.text() == f"Ta tillbaka akt {case.sequence}").click()

    QTimer.singleShot(0, agree)
    press(qtbot, K.Key_Space)
    qtbot.waitUntil(lambda: window.isActiveWindow() and QApplication.focusWidget() is not None, timeout=3000)
    assert "har redan 1 besvarad fråga" in asked["text"]
    assert case_row(review_file, case.id)[0] == "ej_paborjad"
    assert case_row(review_file, reserve.id)[3] is None
    assert stored_answers(review_file, reserve.id) == {"fb.anmalare": "Ja"}  # kept with the reserve


def test_another_case_type_is_taken_only_when_none_of_the_same_is_left(window, review_file, qtbot):
    utredningar = [c for c in window.session.cases() if c.case_type == "utredning" and not c.is_reserve]
    window.open_case(utredningar[0].id)
    _fill_dropout_dialog(0)
    _click_and_wait_for_the_keyboard(qtbot, window, window.review.dropout_button)
    assert window.review.case.case_type == "utredning"
    window.open_case(utredningar[1].id)
    texts = {}
    _fill_dropout_dialog(0, check=lambda dialog: texts.setdefault("reserve", dialog.use_reserve.text()))
    _click_and_wait_for_the_keyboard(qtbot, window, window.review.dropout_button)
    assert "ingen oanvänd reserv av typen utredning" in texts["reserve"]
    assert window.review.case.case_type == "forhandsbedomning"
    assert "ingen oanvänd reserv av typen utredning kvar" in window.review.banner.text()


def test_enter_saves_a_comment_and_esc_leaves_it_for_the_question(window, review_file, qtbot):
    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    row = focused_row()
    press(qtbot, K.Key_K)
    qtbot.keyClicks(row.comment_edit, "Saknas")
    press(qtbot, K.Key_Return)
    assert focused_row() is row  # back on the question: J answers it
    press(qtbot, K.Key_J)
    assert stored_answers(review_file, case.id) == {"fb.anmalare": "Ja"}
    second = focused_row()
    press(qtbot, K.Key_K)
    qtbot.keyClicks(second.comment_edit, "Oklart")
    press(qtbot, K.Key_Escape)
    assert window.pages.currentWidget() is window.review and focused_row() is second
    with enhet_db(review_file) as connection:
        comments = dict(connection.execute(
            "SELECT question_id, comment FROM answers WHERE case_id = ?", (case.id,)).fetchall())
    assert comments == {"fb.anmalare": "Saknas", second.question.id: "Oklart"}
    press(qtbot, K.Key_Escape)  # Esc on a question still goes back to the case list
    assert window.pages.currentWidget() is window.case_list


def test_opening_an_akt_scrolls_to_its_current_question(window, review_file, qtbot):
    case = next(c for c in window.session.cases() if c.case_type == "utredning")
    checklist = window.session.checklist_for(case)
    for question_id in checklist.question_ids()[:18]:
        if window.session.first_gap(case.id) == question_id:
            window.session.set_answer(case.id, question_id, Answer.YES)
    gap = window.session.first_gap(case.id)
    window.open_case(case.id)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QuestionRow))
    row = focused_row()
    assert row.question.id == gap
    viewport = window.review.questions_scroll.viewport()
    qtbot.waitUntil(lambda: viewport.rect().contains(row.mapTo(viewport, row.rect().center())))
    assert window.review.questions_scroll.verticalScrollBar().value() > 0


def test_history_uses_swedish_words(window, review_file, qtbot):
    from aktgranskning.gui.dialogs import HistoryDialog

    case = _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    _answer_all_by_keyboard(qtbot)
    window.review.mark_done()
    window.open_case(case.id)
    window.review.focus_row(window.review.rows[0])
    press(qtbot, K.Key_Delete)  # klar → pågående
    shown = {}

    def read_and_close():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, HistoryDialog)
        table = dialog.table
        shown["rows"] = [" | ".join(table.item(r, c).text() for c in (2, 4)) for r in range(table.rowCount())]
        dialog.reject()

    QTimer.singleShot(0, read_and_close)
    window.review.history_button.click()
    rows = shown["rows"]
    assert "Status | klar → pågående" in rows
    assert "Status | pågående → klar" in rows  # ej påbörjad → pågående follows from the answers: not logged
    assert "Svar | inget svar → Ja" in rows and "Svar | Ja → inget svar" in rows
    assert not any(word in " ".join(rows) for word in ("pagaende", "ej_paborjad", "None"))


def test_a_key_press_is_one_transaction_that_also_reads_what_the_page_redraws(window, qtbot, monkeypatch):
    """Issue 14: the page does not read back what it just wrote."""
    _open_first_case_of_type(window, qtbot, "forhandsbedomning")
    store = window.session.store
    opened = []
    real = store.transaction

    def counted(**options):  # type: ignore[no-untyped-def]
        opened.append(1)
        return real(**options)

    monkeypatch.setattr(store, "transaction", counted)
    row = focused_row()
    press(qtbot, K.Key_J)
    assert len(opened) == 1
    assert row.state is not None and row.state.stored is Answer.YES
