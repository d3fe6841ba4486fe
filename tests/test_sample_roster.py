"""The urval workbook knows the round: its sheet Enheter (område, enhet, akter, reserver) is read
back as the round's roster, and older workbooks without it from their case sheets. Read as
untrusted input: a bad cell is named by sheet and row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from aktgranskning.domain.errors import FileProblem
from aktgranskning.excel.sample_workbook import UNITS_SHEET, write_sample_workbook
from aktgranskning.excel.sample_workbook_reader import read_sample_roster
from aktgranskning.services.sampling import SamplingOptions, draw_round

TODAY = date(2026, 9, 1)


def write_urval(path: Path) -> Path:
    """An urval of 3 akter + 1 reserve from Mottagningen (Barn och familj) and 3 from
    Öppenvården (Område #1: all 3 of its cases, no reserve), drawn from a small case list."""
    rows = ["Ärendenummer;Kön;Ålder;Handläggare;Ärendetyp;Enhet;Område"]
    rows += [f"M-{n};{'F' if n % 2 else 'M'};{5 + n};H{n % 3};utredning;Mottagningen;Barn och familj"
             for n in range(10)]
    rows += [f"Ö-{n};{'F' if n % 2 else 'M'};{20 + n};H{n % 2};utredning;Öppenvården;Område #1" for n in range(3)]
    source = path.with_name("export.csv")
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    sampling = draw_round(source, SamplingOptions(per_unit=3, reserves=1, seed=7), today=TODAY)
    return write_sample_workbook(sampling, path)


def test_the_urval_workbook_has_a_sheet_of_enheter_read_back_as_the_roster(tmp_path):
    urval = write_urval(tmp_path / "URVAL.xlsx")
    assert load_workbook(urval, read_only=True).sheetnames[-1] == UNITS_SHEET
    roster = read_sample_roster(urval)
    assert [(u.area, u.unit, u.cases, u.reserves) for u in roster.units] == [
        ("Barn och familj", "Mottagningen", 3, 1), ("Område #1", "Öppenvården", 3, 0)]
    assert roster.drawn_on == TODAY and roster.notices == ()


def test_an_older_urval_workbook_gives_enheter_from_its_case_sheets_without_omrade(tmp_path):
    urval = write_urval(tmp_path / "URVAL.xlsx")
    book = load_workbook(urval)
    del book[UNITS_SHEET]
    book.save(urval)
    roster = read_sample_roster(urval)
    assert [(u.area, u.unit, u.cases, u.reserves) for u in roster.units] == [
        ("", "Mottagningen", 3, 1), ("", "Öppenvården", 3, 0)]
    assert "område" in roster.notices[0]


@pytest.mark.parametrize(("row", "place", "problem"), [
    (["Ö", "", 3, 1], "blad Enheter, rad 3", "namn saknas"),
    (["Ö", "X", "tjugo", 1], "blad Enheter, rad 3, Akter i urvalet", "heltal"),
    (["Ö", "mottagningen", 3, 1], "blad Enheter, rad 3", "två gånger"),
])
def test_a_bad_row_of_the_enheter_sheet_is_named(tmp_path, row, place, problem):
    book = Workbook()
    sheet = book.active
    sheet.title = UNITS_SHEET
    sheet.append(["Område", "Enhet", "Akter i urvalet", "Reserver"])
    sheet.append(["Barn", "Mottagningen", 20, 5])
    sheet.append(row)
    book.save(tmp_path / "u.xlsx")
    with pytest.raises(FileProblem) as caught:
        read_sample_roster(tmp_path / "u.xlsx")
    assert caught.value.place == place and problem in caught.value.problem


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 trasig", "Område;Enhet\n".encode()])
def test_a_file_that_is_no_urval_workbook_is_refused_by_name(tmp_path, content):
    path = tmp_path / "URVAL.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileProblem) as caught:
        read_sample_roster(path)
    assert caught.value.path == str(path)


def test_a_workbook_without_enheter_or_case_sheets_is_not_an_urval(tmp_path):
    book = Workbook()
    book.active.append(["Något", "annat"])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(FileProblem, match="ingen urvalsbok"):
        read_sample_roster(tmp_path / "x.xlsx")
