"""The enhetschef's views: results with filters and last year's comparison, the analysis that is
saved as it is written, and the export — checked against the file on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from aktgranskning.domain.case import Gender
from aktgranskning.domain.unit_data import CaseFilter, question_tallies
from aktgranskning.gui.activities_model import DUE_COLUMN, LINKED_COLUMN
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.settings import REVIEWER_NAME
from aktgranskning.services.unit_data import unit_data_of
from tests.enhet_db import enhet_db
from tests.gui.conftest import opened_window
from tests.gui.waiting import wait_for_background
from tests.support.demo_cache import copy_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gui-demo") / "demo"
    copy_demo(folder, installed_checklists(), year=2026)
    return folder


@pytest.fixture
def unit_files(demo, tmp_path) -> Path:
    for year in (2025, 2026):
        shutil.copy(demo / f"Mottagningen {year}.granskning", tmp_path)
    return tmp_path / "Mottagningen 2026.granskning"


@pytest.fixture
def main(qtbot, unit_files):
    window = opened_window(qtbot, unit_files)
    window.settings.set(REVIEWER_NAME, "Enhetschef AB")
    window.session.reviewer = "Enhetschef AB"
    yield window
    window.analysis.discard_unsaved()  # a test may leave a date that is no date on screen
    window.close()


def table_rows(page) -> dict[str, list[str]]:
    """Question rows of the results table by their number (F1, U3, …)."""
    rows = {}
    for r in range(page.table.rowCount()):
        first = page.table.item(r, 0)
        if first and first.text()[:1] in "FU" and first.text()[1:].isdigit():
            rows[first.text()] = [page.table.item(r, c).text() for c in range(page.table.columnCount())]
    return rows


def counted_answers(path: Path, question_id: str) -> list[str]:
    """The stored answers to an unconditional question of the akter that count (the sample and
    the reserves that replaced a dropout, dropouts left out), read from the file with plain SQL."""
    with enhet_db(path) as connection:
        return [
            answer or "" for (answer,) in connection.execute(
                "SELECT a.answer FROM cases c LEFT JOIN answers a ON a.case_id = c.id AND a.question_id = ? "
                "WHERE c.status != 'bortfall' AND (c.is_reserve = 0 OR c.replaces_case_id IS NOT NULL) "
                "AND c.case_type = 'forhandsbedomning'", (question_id,))
        ]


def test_ctrl_2_shows_the_counts_in_the_file_and_last_years_comparison(main, qtbot, unit_files):
    qtbot.keyClick(main, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert main.pages.currentWidget() is main.results
    wait_for_background(qtbot)  # last year's file is read off the GUI thread
    rows = table_rows(main.results)
    assert len(rows) == 14 + 25  # förhandsbedömning and utredning, the checklists of the sample
    assert rows["F1"][1] == "Har anmälare dokumenterats?"
    stored = counted_answers(unit_files, "fb.anmalare")
    assert rows["F1"][2:6] == [str(stored.count(a)) for a in ("Ja", "Nej", "X", "")]
    assert "2025" in main.results.comparison_label.text()
    assert rows["F1"][7] != "–" and "p.e." in rows["F1"][8]


def test_filters_by_case_type_and_gender_recount_the_cases(main, unit_files):
    page = main.results
    main.show_results()
    page.case_type.setCurrentIndex(page.case_type.findData("utredning"))
    assert all(number.startswith("U") for number in table_rows(page))
    page.case_type.setCurrentIndex(0)
    page.gender.setCurrentIndex(page.gender.findData("kvinna"))
    session = open_for_reading(unit_files)
    try:
        women = question_tallies(unit_data_of(session), CaseFilter(gender=Gender.FEMALE))
    finally:
        session.close()
    anmalare = next(t.tally for t in women if t.question.question_id == "fb.anmalare")
    assert table_rows(page)["F1"][2:4] == [str(anmalare.yes), str(anmalare.no)]
    assert "Filtret visar" in page.summary.text()


def test_changed_colour_limits_are_saved_in_the_file(main, unit_files):
    main.show_results()
    main.results.good.setValue(95)
    main.results.good.editingFinished.emit()
    with enhet_db(unit_files) as connection:
        stored = dict(connection.execute("SELECT key, value FROM review_meta WHERE key LIKE 'troskel%'"))
    assert stored == {"troskel_gron": "95", "troskel_gul": "75"}
    assert "grön ≥ 95 %" in main.results.summary.text()


def analysis_rows(path: Path) -> dict[str, str]:
    with enhet_db(path) as connection:
        return dict(connection.execute("SELECT field, value FROM analysis"))


def test_suggestions_are_shown_as_suggestions_and_saved_only_when_taken(main, qtbot, unit_files):
    qtbot.keyClick(main, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = main.analysis
    assert main.pages.currentWidget() is page
    strengths = page.fields["strengths"]
    assert strengths.toPlainText() == ""  # nothing that looks written and is not
    assert "Förslag" in strengths.placeholderText() and "• " in strengths.placeholderText()
    assert page.use_suggestion["strengths"].isVisible() and page.suggestion_note.isVisible()
    assert analysis_rows(unit_files) == {}
    field = page.fields["keep_good"]
    field.setFocus()
    qtbot.keyClicks(field, "APT varje manad")
    strengths.setFocus()  # leaving the field saves it
    assert analysis_rows(unit_files) == {"keep_good": "APT varje manad"}
    qtbot.mouseClick(page.use_suggestion["strengths"], Qt.MouseButton.LeftButton)
    assert strengths.toPlainText() == page.suggestions["strengths"]
    assert analysis_rows(unit_files)["strengths"] == page.suggestions["strengths"]
    assert not page.use_suggestion["strengths"].isVisible()
    qtbot.keyClick(strengths, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(strengths, " Bra!")
    qtbot.waitUntil(lambda: analysis_rows(unit_files)["strengths"].endswith("Bra!"), timeout=3000)  # saved on a pause


def exported_analysis(review_file: Path, target: Path) -> dict[str, str]:
    """The Analys sheet of the workbook that `aktgranskning rapport` writes, label → text."""
    import openpyxl

    from aktgranskning.cli import run_cli as cli

    assert cli(["rapport", str(review_file), "--utfil", str(target)]) == 0
    sheet = openpyxl.load_workbook(target)["Analys"]
    return {sheet.cell(r, 1).value: sheet.cell(r, 2).value or "" for r in range(3, sheet.max_row + 1)}


@pytest.mark.slow  # writes and reads back a whole report: about 2 s
def test_what_the_analysis_shows_is_what_rapport_exports(main, qtbot, unit_files, tmp_path):
    from aktgranskning.domain.analysis import ANALYSIS_FIELDS

    main.show_analysis()
    page = main.analysis
    page.fields["keep_good"].setPlainText("Fortsätt med mallen.")
    page.flush()
    shown = {ANALYSIS_FIELDS[name]: field.toPlainText() for name, field in page.fields.items()}
    assert shown["Vad fungerar bra?"] == ""  # the suggestion is a placeholder, not text
    assert {k: exported_analysis(unit_files, tmp_path / "före.xlsx")[k] for k in shown} == shown
    page.accept_suggestion("strengths")
    page.accept_suggestion("development_areas")
    shown = {ANALYSIS_FIELDS[name]: field.toPlainText() for name, field in page.fields.items()}
    assert shown["Vad fungerar bra?"].startswith("• ") and shown["Vad behöver utvecklas?"]
    assert {k: exported_analysis(unit_files, tmp_path / "efter.xlsx")[k] for k in shown} == shown


def test_last_years_activities_are_carried_over_and_their_status_saved(main, qtbot, unit_files):
    main.show_analysis()  # before last year's file has been read: the analysis gets it on arrival
    wait_for_background(qtbot)
    page = main.analysis
    assert "Förbättringsaktiviteter 2025" in page.previous_label.text()
    page.carry_over_previous()
    with enhet_db(unit_files) as connection:
        rows = connection.execute("SELECT activity, status, from_year FROM activities ORDER BY position").fetchall()
    assert len(rows) == 3 and all(year == 2025 for _, _, year in rows)
    combo = page.status_box(2)
    combo.setCurrentIndex(combo.findData("genomford"))
    with enhet_db(unit_files) as connection:
        assert connection.execute("SELECT status FROM activities WHERE position = 2").fetchone() == ("genomford",)


def set_cell(page, row: int, column: int, text: str) -> None:
    """What typing into a cell of the activities table does: the view's editor sets the model."""
    model = page.activities_model
    assert model.setData(model.index(row, column), text, Qt.ItemDataRole.EditRole)


def cell_text(page, row: int, column: int) -> str:
    return page.activities_model.index(row, column).data()


def activity_rows(path: Path) -> list[tuple[str, str, str]]:
    with enhet_db(path) as connection:
        return connection.execute("SELECT activity, linked, due FROM activities ORDER BY position").fetchall()


def test_the_due_date_is_chosen_with_a_date_picker_and_stored_as_a_date(main, qtbot, unit_files):
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDateEdit

    main.show_analysis()
    page = main.analysis
    page.add_activity()
    set_cell(page, 0, 0, "Ny rutin")
    page.activities.setCurrentIndex(page.activities_model.index(0, DUE_COLUMN))
    page.activities.edit(page.activities_model.index(0, DUE_COLUMN))
    editor = page.activities.findChild(QDateEdit)
    assert editor is not None and editor.calendarPopup() and editor.displayFormat() == "yyyy-MM-dd"
    editor.setDate(QDate(2027, 3, 31))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell_text(page, 0, DUE_COLUMN) == "2027-03-31")
    assert activity_rows(unit_files) == [("Ny rutin", "", "2027-03-31")]
    page.activities.setCurrentIndex(page.activities_model.index(0, DUE_COLUMN))
    qtbot.keyClick(page.activities, Qt.Key.Key_Delete)  # Delete removes the date
    assert activity_rows(unit_files) == [("Ny rutin", "", "")]


def test_opening_the_date_picker_by_mistake_leaves_the_cell_empty(main, qtbot, unit_files):
    from PySide6.QtWidgets import QDateEdit

    main.show_analysis()
    page = main.analysis
    page.add_activity()
    set_cell(page, 0, 0, "Ny rutin")
    page.activities.setCurrentIndex(page.activities_model.index(0, DUE_COLUMN))
    page.activities.edit(page.activities_model.index(0, DUE_COLUMN))
    assert page.activities.findChild(QDateEdit) is not None
    page.activities.setCurrentIndex(page.activities_model.index(0, LINKED_COLUMN))  # moves away without choosing a date
    qtbot.wait(50)
    page.flush()
    assert cell_text(page, 0, DUE_COLUMN) == ""
    assert activity_rows(unit_files) == [("Ny rutin", "", "")]


def test_a_date_that_is_no_date_is_marked_where_it_is_and_the_rest_of_the_row_is_saved(main, unit_files):
    main.show_analysis()
    page = main.analysis
    page.add_activity()
    set_cell(page, 0, 0, "Ny rutin")
    set_cell(page, 0, DUE_COLUMN, "2027-03-31")
    assert activity_rows(unit_files) == [("Ny rutin", "", "2027-03-31")]
    set_cell(page, 0, DUE_COLUMN, "snart")  # e.g. pasted: the picker itself cannot make this
    cell = page.activities_model.index(0, DUE_COLUMN)
    assert "ÅÅÅÅ-MM-DD" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#fde2e2"
    assert page.activity_problems.isVisible()
    assert "Rad 1" in page.activity_problems.text() and "2027-03-31" in page.activity_problems.text()
    set_cell(page, 0, LINKED_COLUMN, "F7")  # later edits in the row are still saved
    assert activity_rows(unit_files) == [("Ny rutin", "F7", "2027-03-31")]
    set_cell(page, 0, DUE_COLUMN, "2027-04-30")
    assert activity_rows(unit_files) == [("Ny rutin", "F7", "2027-04-30")]
    assert not page.activity_problems.isVisible() and not cell.data(Qt.ItemDataRole.ToolTipRole)


def test_quitting_with_a_date_that_is_no_date_asks_and_cancel_keeps_the_window(main, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    main.show_analysis()
    page = main.analysis
    page.add_activity()
    set_cell(page, 0, 0, "Ny rutin")
    set_cell(page, 0, DUE_COLUMN, "snart")
    asked = []

    def answer(problems, can_retry, **_where):  # type: ignore[no-untyped-def]
        asked.append((problems, can_retry))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(main, "ask_about_unsaved", answer)
    qtbot.keyClick(main, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert main.isVisible() and main.session is not None
    assert asked and "”snart” i Klart senast" in asked[0][0][0] and asked[0][1] is False
    main.show_case_list()  # leaving the page asks as well
    assert len(asked) == 2 and main.pages.currentWidget() is page
    monkeypatch.setattr(main, "ask_about_unsaved", lambda *a, **k: QMessageBox.StandardButton.Discard)
    main.show_case_list()
    assert main.pages.currentWidget() is main.case_list


def test_the_question_names_spara_spara_inte_avbryt_in_swedish(main, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen = []

    def look_and_cancel() -> None:
        box = QApplication.activeModalWidget()
        seen.extend(sorted(b.text().replace("&", "") for b in box.buttons()))
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, look_and_cancel)
    assert main.ask_about_unsaved(["”Vad fungerar bra?”: disken är full"], True) == QMessageBox.StandardButton.Cancel
    assert seen == ["Avbryt", "Spara", "Spara inte"]


def test_text_typed_just_before_quitting_is_saved_without_asking(main, qtbot, unit_files, monkeypatch):
    main.show_analysis()
    field = main.analysis.fields["keep_good"]
    field.setFocus()
    qtbot.keyClicks(field, "Sista tanken")
    monkeypatch.setattr(main, "ask_about_unsaved", lambda *a, **k: pytest.fail("nothing to ask: the text can be saved"))
    main.close()
    assert analysis_rows(unit_files)["keep_good"] == "Sista tanken"


def test_a_text_the_file_refused_is_kept_and_quitting_asks_to_try_again(main, qtbot, unit_files, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from aktgranskning.gui import analysis_page
    from aktgranskning.services.session import SaveFailed

    main.show_analysis()
    page = main.analysis
    real_save = analysis_page.save_analysis_text

    def full_disk(*args):  # type: ignore[no-untyped-def]
        raise SaveFailed("disken är full")

    monkeypatch.setattr(analysis_page, "save_analysis_text", full_disk)
    page.fields["keep_good"].setPlainText("Viktig text")
    page.flush()
    assert page.save_problem.isVisible() and "disken är full" in page.save_problem.text()
    answers = [QMessageBox.StandardButton.Save]
    monkeypatch.setattr(main, "ask_about_unsaved", lambda problems, can_retry, **k: answers.pop(0))
    monkeypatch.setattr(analysis_page, "save_analysis_text", real_save)  # the disk has room again
    main.close()
    assert analysis_rows(unit_files)["keep_good"] == "Viktig text"
    assert main.session is None


def test_opening_another_file_first_saves_the_analysis_of_this_one(main, qtbot, unit_files):
    main.show_analysis()
    field = main.analysis.fields["keep_good"]
    field.setFocus()
    qtbot.keyClicks(field, "Innan bytet")
    assert main.open_file(unit_files.with_name("Mottagningen 2025.granskning"))
    assert analysis_rows(unit_files)["keep_good"] == "Innan bytet"


def test_the_first_edit_without_a_reviewer_name_asks_for_one_and_records_it(main, qtbot, unit_files, monkeypatch):
    from aktgranskning.gui import (
        dialogs,  # main_window imports its dialogs when they are opened
    )

    main.settings.set(REVIEWER_NAME, "")

    class Answering:
        asked = 0

        def __init__(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

        def exec(self) -> bool:
            Answering.asked += 1
            return True

        def chosen(self) -> str:
            return "AB"

    monkeypatch.setattr(dialogs, "ReviewerDialog", Answering)
    main.show_analysis()
    field = main.analysis.fields["keep_good"]
    field.setFocus()
    qtbot.keyClicks(field, "Text")
    assert main.settings.reviewer() == "AB"  # asked at the first key press, before anything was saved
    main.analysis.flush()
    with enhet_db(unit_files) as connection:
        assert connection.execute("SELECT updated_by FROM analysis WHERE field = 'keep_good'").fetchone() == ("AB",)
    assert "av AB" in main.analysis.filled.text()
    main.analysis.activities_model.set_activities([])
    main.analysis.add_activity()
    set_cell(main.analysis, 0, 0, "Ny rutin")  # asked once only: no second dialog
    with enhet_db(unit_files) as connection:
        assert connection.execute("SELECT DISTINCT updated_by FROM analysis").fetchall() == [("AB",)]
    assert Answering.asked == 1


def test_export_writes_the_workbook_and_the_pdf_beside_it(main, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "rapporter" / "Mottagningen 2026.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    main.export_report()
    wait_for_background(qtbot)
    assert target.exists() and target.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


def test_a_cell_still_being_typed_in_is_saved_when_quitting(main, qtbot, unit_files, monkeypatch):
    from PySide6.QtWidgets import QApplication, QLineEdit

    main.show_analysis()
    page = main.analysis
    page.add_activity()  # opens the editor of the new row's first cell
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "Rutin for akter")  # ASCII: QTest types no å, ä, ö
    monkeypatch.setattr(main, "ask_about_unsaved", lambda *a, **k: pytest.fail("nothing to ask: the cell can be saved"))
    qtbot.keyClick(main, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert main.session is None
    assert activity_rows(unit_files) == [("Rutin for akter", "", "")]


def test_the_filler_is_printed_in_the_export_only_when_the_user_chooses(main, qtbot, tmp_path, monkeypatch):
    import openpyxl
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    main.show_analysis()
    main.analysis.fields["keep_good"].setPlainText("Fortsätt.")
    main.analysis.flush()

    def exported_filler(name: str) -> str:
        target = tmp_path / f"{name}.xlsx"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        main.export_report()
        wait_for_background(qtbot)
        sheet = openpyxl.load_workbook(target)["Analys"]
        return next(sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)
                    if sheet.cell(r, 1).value == "Ifylld av")

    assert not main.print_filler_action.isChecked()
    assert exported_filler("utan") == "–"
    main.print_filler_action.trigger()
    assert main.settings.print_filler()
    assert exported_filler("med") == "Enhetschef AB"


def test_questions_are_chosen_from_the_files_list_and_saved_as_ids(main, qtbot, unit_files):
    from aktgranskning.gui.activities_model import QUESTIONS_COLUMN

    main.show_analysis()
    page = main.analysis
    page.add_activity()
    set_cell(page, 0, 0, "Mall för skyddsbedömning")
    page.activities.setCurrentIndex(page.activities_model.index(0, QUESTIONS_COLUMN))
    qtbot.keyClick(page.activities, Qt.Key.Key_Return)  # Enter on the cell opens the list
    picker = page.question_picker
    assert picker is not None and picker.isVisible()
    labels = [item.text() for item in picker.question_items()]
    assert "F3 Har skyddsbedömning genomförts skyndsamt?" in labels  # number and text, as the report shows them
    assert not any(label.startswith(("fb.", "ut.")) for label in labels)
    picker.filter.setText("skyddsbedömning")
    assert all("skyddsbedömning" in i.text().casefold() for i in picker.question_items() if not i.isHidden())
    picker.set_checked("fb.skydd_skyndsamt", True)
    picker.set_checked("ut.kommunicering", True)
    picker.accept()
    with enhet_db(unit_files) as connection:
        assert connection.execute("SELECT question_ids FROM activities").fetchall() == [
            ('["fb.skydd_skyndsamt", "ut.kommunicering"]',)]
    shown = page.activities_model.index(0, QUESTIONS_COLUMN).data()
    assert shown.splitlines()[0].startswith("F3 Har skyddsbedömning") and shown.splitlines()[1].startswith("U")
    page.choose_questions(0)
    assert page.question_picker.chosen_ids() == ("fb.skydd_skyndsamt", "ut.kommunicering")
    page.question_picker.reject()  # cancelling changes nothing
    assert page.activities_model.activities()[0].question_ids == ("fb.skydd_skyndsamt", "ut.kommunicering")


def test_the_results_page_follows_up_last_years_activities_against_last_years_file(main, qtbot, unit_files):
    main.show_analysis()
    wait_for_background(qtbot)
    main.analysis.carry_over_previous()
    main.show_results()
    wait_for_background(qtbot)
    view = main.results.follow_up
    assert view.isVisible() and view.follow_up.previous_year == 2025
    rows = [row for row in view.rows() if row[0].startswith("Mall för ställningstagande om polisanmälan")]
    previous = unit_data_of_file(unit_files.with_name("Mottagningen 2025.granskning"))
    current = unit_data_of_file(unit_files)
    from aktgranskning.domain.follow_up import labels_of

    numbers = [labels_of(current)[q].split()[0] for q in ("ut.polisanmalan", "ut.polisanmalan_stallningstagande")]
    assert [row[2].split()[0] for row in rows] == numbers  # the activity's two questions
    tallies = {t.question.question_id: t.tally for t in question_tallies(current)}
    earlier = {t.question.question_id: t.tally for t in question_tallies(previous)}
    from aktgranskning.domain.comparison import compare

    for row, question_id in zip(rows, ["ut.polisanmalan", "ut.polisanmalan_stallningstagande"], strict=True):
        assert row[1] == "Planerad"
        assert row[3:] == [tallies[question_id].describe(), earlier[question_id].describe(),
                           compare(tallies[question_id], earlier[question_id]).describe()]
    main.results.set_comparison(None)
    assert view.isVisible() and not view.follow_up.comparing
    assert "Ange fjolårets fil" in view.note.text()


def unit_data_of_file(path: Path):
    session = open_for_reading(path)
    try:
        return unit_data_of(session)
    finally:
        session.close()


def test_a_pasted_text_of_pages_keeps_its_row_within_the_window_and_the_picker_names_it_briefly(main, qtbot):
    from aktgranskning.gui.analysis_page import MAX_ROW_LINES
    from aktgranskning.gui.question_picker import QuestionPicker

    main.show_analysis()
    page = main.analysis
    page.add_activity()
    long_text = "Rutinen för anmälningar ses över och dokumenteras i verksamhetssystemet. " * 70  # ~5000
    set_cell(page, 0, 0, long_text)
    page.add_activity()
    set_cell(page, 1, 0, "Kort")
    page.show_session(main.session, page.previous)  # as when the file is opened again
    tallest = page.activities.fontMetrics().lineSpacing() * MAX_ROW_LINES + 8
    assert page.activities.rowHeight(0) <= tallest < main.height()
    assert page.activities.rowHeight(1) < tallest  # a short one is as tall as its text
    assert cell_text(page, 0, 0).startswith("Rutinen") and len(cell_text(page, 0, 0)) > 4900  # all of it kept
    picker = QuestionPicker(page.question_choices, [], long_text, "okänd fråga", page)
    intro = picker.findChildren(type(page.heading))[0].text()
    assert len(intro) < 400 and "Rutinen för anmälningar" in intro and "…" in intro
    picker.close()
