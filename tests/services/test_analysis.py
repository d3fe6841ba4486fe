"""The analysis and the colour limits are kept in the granskningsfil, and an old file is upgraded."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from aktgranskning.domain.analysis import Activity, ActivityStatus, parse_due_date
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.services.analysis import (
    read_analysis,
    read_thresholds,
    save_activities,
    save_analysis_text,
    save_thresholds,
)
from aktgranskning.services.opening import open_for_reading, open_review_file
from aktgranskning.services.status import status_data
from aktgranskning.storage.migrate import head_revision
from tests.enhet_db import enhet_db

DATA = Path(__file__).resolve().parent.parent / "data"


def test_analysis_texts_and_activities_survive_reopening(session, review_file):
    save_analysis_text(session, "strengths", "Anmälningarna dokumenteras väl.")
    save_activities(session, [
        Activity("Checklista vid ärendedragning", "F7", "Enhetschef", date(2027, 2, 28), "Stickprov i mars"),
        Activity("", "", "", None, ""),  # an empty row is not kept
        Activity("Utbildning", "U16", "Metodstöd", None, "APT i maj", ActivityStatus.ONGOING, from_year=2025),
    ])
    session.close()
    again = open_review_file(review_file, reviewer="någon annan")
    try:
        analysis = read_analysis(again)
    finally:
        again.close()
    assert analysis.strengths == "Anmälningarna dokumenteras väl."
    assert [a.activity for a in analysis.activities] == ["Checklista vid ärendedragning", "Utbildning"]
    assert analysis.activities[1].status is ActivityStatus.ONGOING and analysis.activities[1].from_year == 2025
    assert analysis.activities[0].due == date(2027, 2, 28) and analysis.activities[1].due is None
    assert analysis.filled_by == "testare"
    with enhet_db(review_file) as connection:  # stored as ISO text: no schema change
        assert connection.execute("SELECT due FROM activities ORDER BY position").fetchall() == [("2027-02-28",), ("",)]


@pytest.mark.parametrize("text", ["31/1", "2027-02-30", "snart", "20270331", "2027-3-1"])
def test_a_due_date_that_is_no_iso_date_is_refused_in_swedish(text):
    with pytest.raises(UserError, match="ÅÅÅÅ-MM-DD"):
        parse_due_date(text)


def test_an_empty_due_date_is_no_date_and_an_iso_date_is_a_date():
    assert parse_due_date("  ") is None
    assert parse_due_date(" 2027-03-31 ") == date(2027, 3, 31)


def test_colour_limits_are_kept_per_file(session):
    assert read_thresholds(session) == Thresholds(90, 75)
    save_thresholds(session, Thresholds(95, 80))
    assert read_thresholds(session) == Thresholds(95, 80)


def test_a_file_from_schema_0001_is_backed_up_then_upgraded_with_nothing_lost(tmp_path):
    old = tmp_path / "Mottagningen 2025.granskning"
    shutil.copy(DATA / "schema_0001.granskning", old)
    expected = json.loads((DATA / "schema_0001.status.json").read_text(encoding="utf-8"))

    session = open_review_file(old, reviewer="test")
    try:
        assert session.meta.schema_version == head_revision() != "0001"
        assert status_data(session) == expected
        save_analysis_text(session, "keep_good", "Fortsätt med mallen.")
    finally:
        session.close()
    backups = list(tmp_path.glob("*före-uppgradering-schema-0001*"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as backup:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert backup.execute("SELECT count(*) FROM answers").fetchone() == (290,)


def test_an_old_file_can_be_read_without_being_changed(tmp_path):
    old = tmp_path / "gammal.granskning"
    shutil.copy(DATA / "schema_0001.granskning", old)
    before = old.read_bytes()
    session = open_for_reading(old)
    try:
        assert read_analysis(session).is_empty
        assert status_data(session)["akter"]["totalt"] == 21
    finally:
        session.close()
    assert old.read_bytes() == before
    assert not list(tmp_path.glob("*före-uppgradering*"))


def _exported_filler(session, tmp_path, monkeypatch, **choice) -> tuple[str, str]:
    """(the workbook's "Ifylld av" cell, the name the PDF writer was given) for one export."""
    import openpyxl

    from aktgranskning.services import report as report_service

    given = {}
    real_pdf = report_service.write_unit_pdf

    def spy(report, target, *args):  # type: ignore[no-untyped-def]
        given["filled_by"] = report.data.analysis.filled_by
        return real_pdf(report, target, *args)

    monkeypatch.setattr(report_service, "write_unit_pdf", spy)
    workbook = tmp_path / f"rapport-{len(choice)}.xlsx"
    report_service.export_unit_report(report_service.current_report(session, None), workbook,
                                      workbook.with_suffix(".pdf"), **choice)
    sheet = openpyxl.load_workbook(workbook)["Analys"]
    cells = {sheet.cell(row, 1).value: sheet.cell(row, 2).value for row in range(1, sheet.max_row + 1)}
    return cells["Ifylld av"], given["filled_by"]


def test_the_filler_is_the_reviewer_name_and_printed_only_when_chosen(session, tmp_path, monkeypatch):
    session.reviewer = "AB"
    save_analysis_text(session, "keep_good", "Fortsätt med APT.")
    assert read_analysis(session).filled_by == "AB"
    assert _exported_filler(session, tmp_path, monkeypatch) == ("–", "")  # the default: not printed
    assert _exported_filler(session, tmp_path, monkeypatch, print_filler=True) == ("AB", "AB")


def test_no_reviewer_name_set_means_no_name_never_the_computer_login(tmp_path, monkeypatch):
    import getpass

    from aktgranskning.services.settings import REVIEWER_NAME, Settings

    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    settings = Settings(tmp_path / "installningar.json")
    assert settings.reviewer() == ""
    assert settings.print_filler() is False
    settings.set(REVIEWER_NAME, "  Anna B  ")
    assert Settings(tmp_path / "installningar.json").reviewer() == "Anna B"


def test_window_places_are_kept_per_window_and_bad_values_ignored(tmp_path):
    from aktgranskning.services.settings import WINDOW_PLACES, Settings

    settings = Settings(tmp_path / "installningar.json")
    assert settings.window_place("huvudfonster") is None
    settings.set_window_place("huvudfonster", [10, 20, 900, 500, 0])
    settings.set_window_place("urval", [0, 0, 800, 480, 1])
    again = Settings(tmp_path / "installningar.json")
    assert again.window_place("huvudfonster") == [10, 20, 900, 500, 0]
    assert again.window_place("urval") == [0, 0, 800, 480, 1]
    again.set(WINDOW_PLACES, {"huvudfonster": ["x", 1, 2, 3]})
    assert again.window_place("huvudfonster") is None


def test_the_due_date_is_a_real_date_cell_in_the_workbook_and_reads_back_as_a_date(session, tmp_path):
    import datetime

    import openpyxl

    from aktgranskning.excel.unit_workbook_reader import read_unit_workbook
    from aktgranskning.services.report import current_report, export_unit_report

    save_activities(session, [Activity("Ny rutin", due=date(2027, 3, 31)), Activity("Utan datum", "F2")])
    workbook = tmp_path / "rapport.xlsx"
    export_unit_report(current_report(session, None), workbook, None)
    sheet = openpyxl.load_workbook(workbook)["Förbättringsaktiviteter"]
    header = next(row for row in range(1, 5) if sheet.cell(row, 4).value == "Klart senast")  # below the banner
    cell = sheet.cell(header + 1, 4)
    assert isinstance(cell.value, datetime.datetime) and cell.value.date() == date(2027, 3, 31)
    assert cell.number_format == "yyyy-mm-dd"
    assert sheet.cell(header + 2, 4).value in (None, "")
    read_back = read_unit_workbook(workbook).data.analysis.activities
    assert [a.due for a in read_back] == [date(2027, 3, 31), None]
