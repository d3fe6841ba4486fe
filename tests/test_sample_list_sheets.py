"""A sample workbook holds one sheet per enhet; a new granskningsfil takes its enhet's sheet."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from aktgranskning.excel.sample_list import sheet_for_unit
from aktgranskning.services.new_file import create_from_sample_list
from aktgranskning.services.opening import NewFileInfo, open_for_reading


def _workbook_with_a_sheet_per_unit(path: Path) -> Path:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Mottagningen"
    first.append(["Ärendenummer", "Ärendetyp"])
    first.append(["M-1", "Utredning"])
    second = workbook.create_sheet("Barn och unga, utredningsgrupp")  # 30 characters, Excel's limit is 31
    second.append(["Ärendenummer", "Ärendetyp"])
    second.append(["U-1", "Utredning"])
    second.append(["U-2", "Förhandsbedömning"])
    workbook.save(path)
    return path


def test_the_new_file_takes_the_sheet_named_after_its_unit(tmp_path, checklists):
    listing = _workbook_with_a_sheet_per_unit(tmp_path / "URVAL.xlsx")
    target = tmp_path / "Utredning 2026.granskning"
    info = NewFileInfo("F", "O", "barn och unga, utredningsgrupp", 2026)
    create_from_sample_list(target, listing, info, checklists)
    session = open_for_reading(target)
    try:
        assert [c.case_number for c in session.cases()] == ["U-1", "U-2"]
    finally:
        session.close()


def test_without_a_sheet_of_its_name_the_first_sheet_is_read(tmp_path):
    listing = _workbook_with_a_sheet_per_unit(tmp_path / "URVAL.xlsx")
    assert sheet_for_unit(listing, "Mottagningen") == "Mottagningen"
    assert sheet_for_unit(listing, "Familjehemsenheten") is None
    assert sheet_for_unit(tmp_path / "urval.csv", "Mottagningen") is None
    (tmp_path / "trasig.xlsx").write_bytes(b"inte en arbetsbok")
    assert sheet_for_unit(tmp_path / "trasig.xlsx", "Mottagningen") is None
