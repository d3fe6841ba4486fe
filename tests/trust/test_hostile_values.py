"""Values no form lets a person type, from files made by hand: each is a message that names the
file and the place, never 'an unexpected error'; text stays text."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from aktgranskning.checklist_files import load_checklist_file
from aktgranskning.domain.errors import FileProblem
from aktgranskning.excel.writing import put


@pytest.mark.parametrize("content", ["a = " + "[" * 100_000 + "]" * 100_000, "a = " + "9" * 5000],
                         ids=["nested 100 000 deep", "5000-digit integer"])
def test_a_checklist_file_built_to_break_the_reader_is_a_message(tmp_path: Path, content: str) -> None:
    path = tmp_path / "djup.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileProblem) as refused:
        load_checklist_file(path)
    assert str(path) in refused.value.message and "läses inte" in refused.value.problem


def test_text_that_reads_like_an_excel_error_is_written_as_text(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    for row, text in enumerate(["#REF!", "#N/A", "#DIV/0!", "=1+1"], start=1):
        put(book.active, row, 1, text)
    path = tmp_path / "t.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert 't="e"' not in sheet and "<f>" not in sheet and "#REF!" in sheet


@pytest.mark.parametrize(("cell", "value"), [("G", "²"), ("G", "9" * 5000), ("G", "20 25")])
def test_a_hand_edited_activity_year_is_a_message_with_its_row(tmp_path: Path, cell: str, value: str) -> None:
    from openpyxl import load_workbook

    from aktgranskning.excel.unit_workbook_reader import ACTIVITIES_SHEET, read_unit_workbook
    from tests.support.demo_cache import copy_demo_workbooks

    [path] = copy_demo_workbooks(tmp_path, units=["Mottagningen"])
    book = load_workbook(path)
    sheet = book[ACTIVITIES_SHEET]
    sheet[f"{cell}{sheet.max_row + 1}"] = value
    sheet[f"A{sheet.max_row}"] = "Ny aktivitet"
    book.save(path)
    with pytest.raises(FileProblem) as refused:
        read_unit_workbook(path)
    assert str(path) in refused.value.message and "Förbättringsaktiviteter, rad" in refused.value.place
    assert "årtal" in refused.value.problem


def test_an_output_under_a_file_instead_of_a_folder_is_a_message(tmp_path: Path) -> None:
    from aktgranskning.atomic_file import build_atomically

    (tmp_path / "Omgång 2026.omgang").write_text("{}", encoding="utf-8")
    target = tmp_path / "Omgång 2026.omgang" / "sammanställning.xlsx"
    with pytest.raises(FileProblem) as refused:
        build_atomically(lambda path: path.write_bytes(b"x"), target)
    assert str(target) in refused.value.message and "kunde inte skrivas" in refused.value.problem


def test_a_wrong_answer_in_a_hand_edited_data_sheet_is_named_by_the_row_the_spreadsheet_shows(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from aktgranskning.excel import data_sheet
    from aktgranskning.excel.unit_workbook_reader import read_unit_workbook
    from tests.support.demo_cache import copy_demo_workbooks

    [path] = copy_demo_workbooks(tmp_path, units=["Mottagningen"])
    book = load_workbook(path)
    sheet = book[data_sheet.SHEET_NAME]
    header = next(row[0].row for row in sheet.iter_rows() if row[0].value == data_sheet.COLUMNS[0])
    sheet.insert_rows(header + 5, amount=30)  # blank rows in the middle of the data, as a person leaves them
    answer_column = data_sheet.COLUMNS.index("svar") + 1
    target = header + 40
    sheet.cell(row=target, column=answer_column).value = "Kanske"
    book.save(path)
    with pytest.raises(FileProblem) as refused:
        read_unit_workbook(path)
    assert refused.value.place == f"bladet Data, rad {target}"
    assert "”Kanske”" in refused.value.problem and "Ja, Nej, X" in refused.value.problem
    assert "not a valid" not in refused.value.message


def _edited_data_sheet(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from aktgranskning.excel import data_sheet
    from tests.support.demo_cache import copy_demo_workbooks

    [path] = copy_demo_workbooks(tmp_path, units=["Mottagningen"])
    book = load_workbook(path)
    edit(book[data_sheet.SHEET_NAME])
    book.save(path)
    return path


def _meta_row(sheet, key: str) -> int:  # type: ignore[no-untyped-def]
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == key)


@pytest.mark.parametrize("year", [-5, 0, 10**15, "tjugo"])
def test_a_hand_edited_year_that_is_no_year_is_refused(tmp_path: Path, year: object) -> None:
    from aktgranskning.excel.unit_workbook_reader import read_unit_workbook

    path = _edited_data_sheet(tmp_path, lambda sheet: sheet.cell(row=_meta_row(sheet, "ar"), column=2,
                                                                 value=year))
    with pytest.raises(FileProblem) as refused:
        read_unit_workbook(path)
    assert "inget rimligt årtal" in refused.value.problem and str(path) in refused.value.message


def test_a_data_sheet_without_the_enhets_name_is_refused(tmp_path: Path) -> None:
    from aktgranskning.excel.unit_workbook_reader import read_unit_workbook

    def clear_the_name(sheet) -> None:  # type: ignore[no-untyped-def]
        sheet.cell(row=_meta_row(sheet, "enhet"), column=2).value = None  # cell(value=None) would keep it

    path = _edited_data_sheet(tmp_path, clear_the_name)
    with pytest.raises(FileProblem) as refused:
        read_unit_workbook(path)
    assert "enhetens namn" in refused.value.problem


def test_answers_typed_into_an_unstarted_akt_are_refused_not_counted(tmp_path: Path) -> None:
    from aktgranskning.excel import data_sheet
    from aktgranskning.excel.unit_workbook_reader import read_unit_workbook

    status, answer = data_sheet.COLUMNS.index("status") + 1, data_sheet.COLUMNS.index("svar") + 1
    typed: list[int] = []

    def type_an_answer(sheet) -> None:  # type: ignore[no-untyped-def]
        row = next(r[0].row for r in sheet.iter_rows() if r[status - 1].value == "ej_paborjad")
        sheet.cell(row=row, column=answer, value="Ja")
        typed.append(row)

    path = _edited_data_sheet(tmp_path, type_an_answer)
    with pytest.raises(FileProblem) as refused:
        read_unit_workbook(path)
    assert refused.value.place == f"bladet Data, rad {typed[0]}" and "ej påbörjad" in refused.value.problem
