"""Next year, last year's activities are followed up: an activity linked to two questions shows,
in the enhet workbook (read back with calamine) and the PDF, its status and both questions'
change from last year; the workbook reads its questions back from the Data sheet."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from aktgranskning.domain.analysis import carry_over
from aktgranskning.domain.comparison import compare
from aktgranskning.domain.follow_up import unit_follow_up
from aktgranskning.excel.unit_workbook_reader import read_unit_workbook
from aktgranskning.services.analysis import read_analysis, save_activities
from aktgranskning.services.opening import open_for_reading, open_review_file
from aktgranskning.services.unit_data import unit_data_of
from tests.report.conftest import UNIT, run_cli

TWO_QUESTIONS = "Mall för ställningstagande om polisanmälan enligt 10 kap. 21 § OSL"


@pytest.fixture(scope="module")
def followed_up(demo_round: Path, tmp_path_factory) -> dict:
    """This year's file with last year's activities carried over, and its report against last year."""
    out = tmp_path_factory.mktemp("uppfoljning")
    source = out / f"{UNIT} 2026.granskning"
    shutil.copy(demo_round / f"{UNIT} 2026.granskning", source)
    last_year = demo_round / f"{UNIT} 2025.granskning"
    earlier = open_for_reading(last_year)
    try:
        previous = unit_data_of(earlier)
    finally:
        earlier.close()
    session = open_review_file(source, reviewer="Enhetschef")
    try:
        save_activities(session, carry_over([], previous.analysis.activities, 2025))
        current = unit_data_of(session)
    finally:
        session.close()
    workbook, pdf = out / "rapport.xlsx", out / "rapport.pdf"
    result = run_cli("rapport", str(source), "-o", str(workbook), "--pdf", str(pdf), "--jamfor", str(last_year))
    assert result.returncode == 0, result.stderr
    return {"current": current, "previous": previous, "workbook": workbook, "pdf": pdf, "source": source}


def test_the_follow_up_compares_both_linked_questions_with_last_year(followed_up):
    follow_up = unit_follow_up(followed_up["current"], followed_up["previous"])
    item = next(a for a in follow_up.activities if a.activity.activity == TWO_QUESTIONS)
    assert [q.question_id for q in item.questions] == ["ut.polisanmalan", "ut.polisanmalan_stallningstagande"]
    for question in item.questions:
        assert question.current is not None and question.previous is not None
        assert question.change == compare(question.current, question.previous)
    assert follow_up.previous_year == 2025 and item.activity.from_year == 2025


def _rows(path: Path, sheet: str) -> list[list[str]]:
    return [[str(c) for c in row] for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()]


def test_the_workbook_has_the_follow_up_sheet_with_each_question_and_its_change(followed_up):
    follow_up = unit_follow_up(followed_up["current"], followed_up["previous"])
    item = next(a for a in follow_up.activities if a.activity.activity == TWO_QUESTIONS)
    rows = _rows(followed_up["workbook"], "Uppföljning")
    header = next(i for i, row in enumerate(rows) if row[:1] == ["Aktivitet"])
    assert rows[header][:7] == ["Aktivitet", "Från år", "Status", "Fråga", "2026", "2025", "Förändring"]
    mine = [row for row in rows[header + 1:] if row[0] == TWO_QUESTIONS]
    assert len(mine) == 2
    for row, question in zip(mine, item.questions, strict=True):
        assert row[2] == "Planerad" and row[3] == question.label
        assert row[4:7] == [question.current.describe(), question.previous.describe(), question.change.describe()]
    assert any("slumpen" in cell for row in rows for cell in row)


def test_the_workbook_reads_back_each_activitys_questions(followed_up):
    data = read_unit_workbook(followed_up["workbook"])
    assert data.checksum_matches
    by_text = {a.activity: a.question_ids for a in data.data.analysis.activities}
    assert by_text[TWO_QUESTIONS] == ("ut.polisanmalan", "ut.polisanmalan_stallningstagande")
    assert by_text["Utbildning i kommunicering enligt FL 25 §"] == ("ut.kommunicering",)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils saknas")
def test_the_pdf_shows_the_follow_up_with_the_change_of_both_questions(followed_up):
    text = subprocess.run(["pdftotext", str(followed_up["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Uppföljning av tidigare års förbättringsaktiviteter" in text
    section = text.split("Uppföljning av tidigare års förbättringsaktiviteter", 1)[1]
    follow_up = unit_follow_up(followed_up["current"], followed_up["previous"])
    item = next(a for a in follow_up.activities if a.activity.activity == TWO_QUESTIONS)
    assert f"{TWO_QUESTIONS} (från 2025) – Planerad" in " ".join(section.split())
    for question in item.questions:
        assert question.change.describe().split(" (")[0] in section


def test_a_file_without_carried_activities_has_no_follow_up(demo_round):
    session = open_for_reading(demo_round / f"{UNIT} 2026.granskning")
    try:
        assert not read_analysis(session).activities
        assert unit_follow_up(unit_data_of(session), None).is_empty
    finally:
        session.close()


def test_the_summary_follows_up_each_enhets_activities_against_the_earlier_year(followed_up, demo_round, tmp_path):
    workbook, pdf = tmp_path / "sammanstallning.xlsx", tmp_path / "sammanstallning.pdf"
    result = run_cli("sammanstall", str(followed_up["source"]), "-o", str(workbook), "--pdf", str(pdf),
                     "--jamfor", str(demo_round / f"{UNIT} 2025.granskning"))
    assert result.returncode == 0, result.stderr
    follow_up = unit_follow_up(followed_up["current"], followed_up["previous"])
    item = next(a for a in follow_up.activities if a.activity.activity == TWO_QUESTIONS)
    rows = _rows(workbook, "Uppföljning")
    mine = [row for row in rows if row[2:3] == [TWO_QUESTIONS]]
    assert [row[:2] for row in mine] == [["Barn och familj", UNIT]] * 2
    assert [row[5:9] for row in mine] == [[q.label, q.current.describe(), q.previous.describe(), q.change.describe()]
                                          for q in item.questions]
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())
        assert "Uppföljning av tidigare års förbättringsaktiviteter" in text
        assert f"{TWO_QUESTIONS} (från 2025) – Planerad" in text


def test_the_activity_export_lists_every_enhets_activities_and_names_a_file_it_cannot_read(followed_up, demo_round,
                                                                                           tmp_path):
    hostile = tmp_path / "Trasig 2026.granskning"
    hostile.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    target = tmp_path / "aktiviteter.xlsx"
    result = run_cli("aktiviteter", str(followed_up["source"]), str(demo_round / "Utredning barn 2025.granskning"),
                     str(hostile), "-o", str(target))
    assert result.returncode == 3, result.stderr
    assert "Trasig 2026.granskning" in result.stderr and "lästes inte" in result.stderr
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("Aktiviteter").to_python()
    header = next(i for i, row in enumerate(rows) if row[:1] == ["Område"])
    assert rows[header] == ["Område", "Enhet", "År", "Aktivitet", "Frågor", "Ansvarig (roll)", "Klart senast",
                            "Status", "Uppföljning", "Från år"]
    listed = [row for row in rows[header + 1:] if row[0]]
    assert {(row[1], int(row[2])) for row in listed} == {(UNIT, 2026), ("Utredning barn", 2025)}
    mine = next(row for row in listed if row[1] == UNIT and row[3] == TWO_QUESTIONS)
    from aktgranskning.domain.follow_up import labels_of

    numbers = [labels_of(followed_up["current"])[q].split()[0]
               for q in ("ut.polisanmalan", "ut.polisanmalan_stallningstagande")]
    assert [line.split()[0] for line in mine[4].splitlines()] == numbers
    assert mine[5:] == ["Gruppledare", date(2026, 6, 30), "Planerad", "Nästa års aktgranskning", 2025.0]
    read_log = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("Inläsning").to_python()
    assert any(row[0] == hostile.name and "LÄSTES INTE" in row[1] for row in read_log)


def test_a_workbook_without_the_question_rows_reads_and_moved_rows_keep_their_questions(followed_up, tmp_path):
    import openpyxl

    from aktgranskning.excel import data_sheet

    book = openpyxl.load_workbook(followed_up["workbook"])
    activities = book["Förbättringsaktiviteter"]
    first, third = ([c.value for c in activities[row]] for row in (3, 5))
    for column, (a, b) in enumerate(zip(first, third, strict=True), start=1):  # swap two activities
        activities.cell(3, column).value, activities.cell(5, column).value = b, a
    moved = tmp_path / "flyttade.xlsx"
    book.save(moved)
    by_text = {a.activity: a.question_ids for a in read_unit_workbook(moved).data.analysis.activities}
    assert by_text[TWO_QUESTIONS] == ("ut.polisanmalan", "ut.polisanmalan_stallningstagande")

    sheet = book[data_sheet.SHEET_NAME]
    for row in reversed(range(1, sheet.max_row + 1)):  # as a workbook from before these rows
        if sheet.cell(row, 1).value == data_sheet.ACTIVITY_KEY:
            sheet.delete_rows(row)
    activities.delete_cols(8)
    older = tmp_path / "äldre.xlsx"
    book.save(older)
    read = read_unit_workbook(older).data.analysis.activities
    assert len(read) == 3 and all(a.question_ids == () for a in read) and read[0].from_year == 2025
