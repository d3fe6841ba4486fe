"""The enhetschef's views: results with filters and last year's comparison, the analysis that is
saved as it is written, and the export — checked against the file on disk."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from aktgranskning.domain.case import Gender
from aktgranskning.domain.unit_data import CaseFilter, question_tallies
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.demo import write_demo
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.status import status_data
from aktgranskning.services.unit_data import unit_data_of
from tests.gui.conftest import opened_window


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gui-demo") / "demo"
    write_demo(folder, installed_checklists(), year=2026)
    return folder


@pytest.fixture
def unit_files(demo, tmp_path) -> Path:
    for year in (2025, 2026):
        shutil.copy(demo / f"Mottagningen {year}.granskning", tmp_path)
    return tmp_path / "Mottagningen 2026.granskning"


@pytest.fixture
def main(qtbot, unit_files):
    window = opened_window(qtbot, unit_files)
    yield window
    window.close()


def table_rows(page) -> dict[str, list[str]]:
    """Question rows of the results table by their number (F1, U3, …)."""
    rows = {}
    for r in range(page.table.rowCount()):
        first = page.table.item(r, 0)
        if first and first.text()[:1] in "FU" and first.text()[1:].isdigit():
            rows[first.text()] = [page.table.item(r, c).text() for c in range(page.table.columnCount())]
    return rows


def test_ctrl_2_shows_the_counts_of_the_file_and_last_years_comparison(main, qtbot, unit_files):
    qtbot.keyClick(main, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert main.pages.currentWidget() is main.results
    rows = table_rows(main.results)
    session = open_for_reading(unit_files)
    try:
        expected = status_data(session)["fragor"]
    finally:
        session.close()
    assert len(rows) == len(expected) == 36
    first = next(q for q in expected if q["id"] == "fb.anmalare")
    assert rows["F1"][1] == first["text"]
    assert rows["F1"][2:6] == [str(first["ja"]), str(first["nej"]), str(first["x"]), str(first["obesvarad"])]
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
    with sqlite3.connect(unit_files) as connection:
        stored = dict(connection.execute("SELECT key, value FROM review_meta WHERE key LIKE 'troskel%'"))
    assert stored == {"troskel_gron": "95", "troskel_gul": "75"}
    assert "grön ≥ 95 %" in main.results.summary.text()


def analysis_rows(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as connection:
        return dict(connection.execute("SELECT field, value FROM analysis"))


def test_suggestions_are_prefilled_but_only_saved_once_edited(main, qtbot, unit_files):
    qtbot.keyClick(main, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = main.analysis
    assert main.pages.currentWidget() is page
    assert page.fields["strengths"].toPlainText().startswith("• ")
    assert page.suggestion_note.isVisible()
    assert analysis_rows(unit_files) == {}
    field = page.fields["keep_good"]
    field.setFocus()
    qtbot.keyClicks(field, "APT varje manad")
    page.fields["strengths"].setFocus()  # leaving the field saves it
    assert analysis_rows(unit_files) == {"keep_good": "APT varje manad"}
    strengths = page.fields["strengths"]
    qtbot.keyClick(strengths, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(strengths, " Bra!")
    qtbot.waitUntil(lambda: "strengths" in analysis_rows(unit_files), timeout=3000)  # saved when typing pauses
    assert analysis_rows(unit_files)["strengths"].endswith("Bra!")


def test_last_years_activities_are_carried_over_and_their_status_saved(main, unit_files):
    main.show_results()
    main.show_analysis()
    page = main.analysis
    assert "Förbättringsaktiviteter 2025" in page.previous_label.text()
    page.carry_over_previous()
    with sqlite3.connect(unit_files) as connection:
        rows = connection.execute("SELECT activity, status, from_year FROM activities ORDER BY position").fetchall()
    assert len(rows) == 3 and all(year == 2025 for _, _, year in rows)
    combo = page.activities.cellWidget(2, 5)
    combo.setCurrentIndex(combo.findData("genomford"))
    with sqlite3.connect(unit_files) as connection:
        assert connection.execute("SELECT status FROM activities WHERE position = 2").fetchone() == ("genomford",)


def test_a_bad_due_date_is_marked_and_not_saved(main, unit_files):
    main.show_analysis()
    page = main.analysis
    page.add_activity()
    page.activities.item(0, 0).setText("Ny rutin")
    page.activities.item(0, 3).setText("snart")
    assert "ÅÅÅÅ-MM-DD" in page.activities.item(0, 3).toolTip()
    with sqlite3.connect(unit_files) as connection:  # the row was saved before the bad date, not after
        assert connection.execute("SELECT activity, due FROM activities").fetchall() == [("Ny rutin", "")]
    page.activities.item(0, 3).setText("2027-03-31")
    with sqlite3.connect(unit_files) as connection:
        assert connection.execute("SELECT activity, due FROM activities").fetchall() == [("Ny rutin", "2027-03-31")]


def test_export_writes_the_workbook_and_the_pdf_beside_it(main, tmp_path, monkeypatch):
    target = tmp_path / "rapporter" / "Mottagningen 2026.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    main.export_report()
    assert target.exists() and target.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
