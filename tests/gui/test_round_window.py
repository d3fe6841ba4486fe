"""The utvecklare's round window on a real folder: a missing and an unfinished enhet are shown as
such, what is typed in the analysis is in the round file after closing, an action's questions are
chosen from the list and saved by their ids, and the suggestions fill only empty fields."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from aktgranskning.domain.round import AnalysisLevel, Round, RoundUnit
from aktgranskning.gui.question_picker import QuestionPicker
from aktgranskning.gui.round_models import STATE_COLUMN
from aktgranskning.gui.round_window import RoundWindow
from aktgranskning.services.round import load_round, save_round
from tests.gui.waiting import wait_for_background
from tests.round_files import ADMINISTRATION, make_enhet

YEAR = 2026


@pytest.fixture(scope="module")
def folder(tmp_path_factory, checklists) -> Path:
    """Five of the round's six enheter have a file; Familjeteamet has 2 of its 4 akter klara."""
    folder = tmp_path_factory.mktemp("omgang") / "enheter"
    make_enhet(folder, checklists, "Barn och unga", "Mottagningen", YEAR, done=4,
               analysis="- Anmälan dokumenteras samma dag\n- Tydliga beslut")
    make_enhet(folder, checklists, "Barn och unga", "Utredning barn", YEAR, done=4)
    make_enhet(folder, checklists, "Barn och unga", "Familjeteamet", YEAR, done=2)
    make_enhet(folder, checklists, "Vuxen", "Försörjningsstöd", YEAR, done=4)
    make_enhet(folder, checklists, "Vuxen", "Missbruk vuxen", YEAR, done=4)
    return folder


@pytest.fixture
def round_path(tmp_path, folder, checklists) -> Path:
    units = (RoundUnit("Barn och unga", "Mottagningen", 4), RoundUnit("Barn och unga", "Utredning barn", 4),
             RoundUnit("Barn och unga", "Familjeteamet", 4), RoundUnit("Vuxen", "Försörjningsstöd", 4),
             RoundUnit("Vuxen", "Missbruk vuxen", 4), RoundUnit("Vuxen", "Boendestöd", 20))
    path = tmp_path / "Omgång 2026.omgang"
    save_round(path, Round(ADMINISTRATION, YEAR, units, checklist_ids=tuple(c.id for c in checklists),
                           folder=str(folder)))
    return path


def opened(qtbot, path: Path) -> RoundWindow:
    window = RoundWindow(path, load_round(path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_the_overview_shows_the_missing_and_the_unfinished_enhet_in_words(qtbot, round_path) -> None:
    window = opened(qtbot, round_path)
    assert window.refresh() is not None
    wait_for_background(qtbot)
    model = window.overview_model
    states = {model.index(row, 1).data(): model.index(row, STATE_COLUMN).data() for row in range(model.rowCount())}
    assert states["Boendestöd"] == "Saknas – ingen fil hittades"
    assert states["Familjeteamet"] == "Pågående – 2 av 4 klara"
    assert states["Mottagningen"] == "Klar – 4 av 4 klara"
    assert "Saknas: Boendestöd" in window.state_summary.text()
    assert "Inte färdiggranskade: Familjeteamet" in window.state_summary.text()


def test_the_analysis_typed_is_in_the_round_file_after_closing(qtbot, round_path) -> None:
    window = opened(qtbot, round_path)
    window.tabs.setCurrentIndex(1)
    window.choose_level(AnalysisLevel.AREA, "Barn och unga")
    field = window.fields["keep_good"]
    field.setFocus()
    qtbot.keyClicks(field, "Arendedragning varje vecka")  # QTest types ASCII only
    field.insertPlainText(" – även på fältet")  # as pasted
    window.close()  # before the pause after typing has passed
    saved = load_round(round_path).analysis(AnalysisLevel.AREA, "Barn och unga")
    assert saved.keep_good == "Arendedragning varje vecka – även på fältet"
    assert load_round(round_path).analysis(AnalysisLevel.ADMINISTRATION, ADMINISTRATION).is_empty


def test_an_action_linked_to_two_questions_chosen_from_the_list_is_saved_with_their_ids(qtbot, round_path) -> None:
    window = opened(qtbot, round_path)
    window.tabs.setCurrentIndex(2)
    window.add_action()
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "Gemensam mall for samtal med barn")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    window.actions_table.setCurrentIndex(window.actions_model.index(0, 4))
    chosen_labels: list[str] = []

    def choose_in_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QuestionPicker)
        questions = dialog.question_items()  # the list also has a heading per checklist
        for index in (1, 3):  # the second and fourth question, ticked with the space bar as a user does
            dialog.list.setCurrentItem(questions[index])
            qtbot.keyClick(dialog.list, Qt.Key.Key_Space)
            chosen_labels.append(questions[index].text())
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, choose_in_dialog)
    window.choose_questions()
    saved = load_round(round_path).actions
    assert len(saved) == 1 and saved[0].action == "Gemensam mall for samtal med barn"
    assert len(saved[0].question_ids) == 2
    ids = [choice.question_id for choice in window.question_choices()]
    assert list(saved[0].question_ids) == [ids[1], ids[3]]
    assert window.actions_model.index(0, 4).data().split("\n") == chosen_labels


def test_suggestions_fill_only_the_empty_fields(qtbot, round_path) -> None:
    window = opened(qtbot, round_path)
    window.tabs.setCurrentIndex(1)
    window.choose_level(AnalysisLevel.AREA, "Barn och unga")
    window.fields["development_areas"].setPlainText("Det vi själva skrev.")
    assert window.fill_suggestions() is not None  # the round's summary is made first, in the background
    wait_for_background(qtbot)
    saved = load_round(round_path).analysis(AnalysisLevel.AREA, "Barn och unga")
    assert saved.development_areas == "Det vi själva skrev."
    assert saved.strengths.startswith("Starkaste frågorna:\n• F1 ")  # every akt answered all Ja
    assert "– 100 % (" in saved.strengths
    assert saved.strengths.endswith("Mottagningen: Anmälan dokumenteras samma dag\n• Mottagningen: Tydliga beslut")
    assert window.fields["strengths"].toPlainText() == saved.strengths
    assert window.fields["development_areas"].toPlainText() == "Det vi själva skrev."


@pytest.mark.slow  # the whole start path; the window's own reading is tested above
def test_a_round_file_on_the_command_line_opens_the_round_window(qtbot, round_path, monkeypatch) -> None:
    from aktgranskning.gui.launch import launch_window

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # the window installs its own; restored after
    started = launch_window([str(round_path)])
    assert started is not None
    _app, main = started
    qtbot.addWidget(main)
    wait_for_background(qtbot)
    (window,) = main.round_windows
    qtbot.addWidget(window)
    assert window.isVisible() and window.path == round_path
    assert window.overview_model.rowCount() == 6  # its folder was read
    assert main.session is None  # no granskningsfil was opened


def test_a_new_round_is_made_from_the_folder_and_opened(qtbot, tmp_path, folder) -> None:
    from aktgranskning.gui.new_round_dialog import NewRoundDialog

    dialog = NewRoundDialog()
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(folder))
    dialog.target.setText(str(tmp_path / "Ny omgång.omgang"))
    with qtbot.waitSignal(dialog.created, timeout=20_000) as created:
        assert dialog.create_round_file() is not None
    assert created.args == [tmp_path / "Ny omgång.omgang"]
    made = load_round(tmp_path / "Ny omgång.omgang")
    assert (made.administration, made.year) == (ADMINISTRATION, YEAR)
    assert {unit.unit for unit in made.units} == {"Mottagningen", "Utredning barn", "Familjeteamet",
                                                  "Försörjningsstöd", "Missbruk vuxen"}


def test_the_summary_made_from_the_round_shows_the_missing_and_the_unfinished_enhet(qtbot, round_path) -> None:
    window = opened(qtbot, round_path)
    assert window.make_summary() is not None
    wait_for_background(qtbot)
    dialog = window.summary_dialog
    qtbot.addWidget(dialog)
    log = dialog.log.toPlainText()
    assert "✗ Boendestöd (Vuxen): ingen fil hittades" in log
    assert "Familjeteamet 2026 (Barn och unga), 2 av 4 akter klara" in log and "PRELIMINÄR" in log
    model = dialog.heatmap.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    names = [level.name for level in dialog.summary.levels]  # the heatmap's columns, in order
    assert headers[names.index("Boendestöd")].endswith("\n(saknas)")
    assert headers[names.index("Familjeteamet")].endswith("\n(preliminär)")
    assert not dialog.files.isVisible()  # the round says which files count


def test_a_round_file_that_cannot_be_written_keeps_the_change_marked_and_asks_before_closing(
        qtbot, round_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from aktgranskning.domain.errors import FileProblem
    from aktgranskning.gui import round_window

    window = opened(qtbot, round_path)
    real_save = round_window.save_round

    def refused(path, round_):
        raise FileProblem(path, "mappen är skrivskyddad.")

    monkeypatch.setattr(round_window, "save_round", refused)
    window.timetable_model.setData(window.timetable_model.index(0, 1), "2026-09-30")
    assert window.save_problem.isVisibleTo(window) and "skrivskyddad" in window.save_problem.text()
    asked = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel)
    window.close()
    assert asked and window.isVisible()  # not closed: the change is still only on screen
    monkeypatch.setattr(round_window, "save_round", real_save)
    window.close()
    assert not window.isVisible()
    assert load_round(round_path).timetable[0].due.isoformat() == "2026-09-30"


@pytest.mark.slow
def test_an_enhet_and_an_omrade_added_by_hand_are_in_the_round_and_its_levels(qtbot, round_path) -> None:
    from aktgranskning.gui.round_window import RosterDialog

    window = opened(qtbot, round_path)

    def add_in_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RosterDialog)
        row = dialog.model.add()
        for column, text in enumerate(("Stöd och service", "Personligt ombud", "6")):
            dialog.model.setData(dialog.model.index(row, column), text)
        dialog.accept()

    QTimer.singleShot(0, add_in_dialog)
    window.edit_roster()
    wait_for_background(qtbot)
    saved = load_round(round_path)
    assert saved.unit("Personligt ombud") == RoundUnit("Stöd och service", "Personligt ombud", 6)
    assert window.level_box.itemText(window.level_box.count() - 1) == "Område – Stöd och service"
    model = window.overview_model
    assert model.rowCount() == 7 and model.index(6, STATE_COLUMN).data() == "Saknas – ingen fil hittades"
