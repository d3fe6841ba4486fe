"""The sheet Uppföljning: last year's improvement activities followed up (domain.follow_up) — in
the enhet workbook, and per enhet in the summary workbook. Written only when some activity was
carried over from an earlier year."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from aktgranskning.domain.follow_up import (
    NO_QUESTIONS,
    TITLE,
    FollowUp,
    summary_follow_up,
    unit_follow_up,
)
from aktgranskning.domain.level_counts import YearComparison
from aktgranskning.domain.summary import Summary
from aktgranskning.domain.unit_report import UnitReport
from aktgranskning.excel.sheet_style import BOLD, GRID, TITLE_FONT, WRAP_TOP, column_widths, header_row, print_setup
from aktgranskning.excel.writing import put

SHEET_NAME = "Uppföljning"
HEADER_ROW = 5
CHANCE_FONT = Font(color="777777")


def add_follow_up_sheet(workbook: Workbook, report: UnitReport) -> Worksheet | None:
    """The enhet's follow-up against the earlier year the report compares with, if any."""
    follow_up = unit_follow_up(report.data, report.previous)
    if follow_up.is_empty:
        return None
    identity = report.data.identity
    sheet = workbook.create_sheet(SHEET_NAME)
    _heading(sheet, f"{TITLE} – {identity.unit} {identity.year}", follow_up)
    _write_rows(sheet, HEADER_ROW, [], follow_up)
    column_widths(sheet, [40, 8, 13, 44, 18, 18, 26])
    _finish(sheet)
    return sheet


def add_summary_follow_up_sheet(workbook: Workbook, summary: Summary,
                                comparison: YearComparison | None) -> Worksheet | None:
    """Per enhet its carried-over activities, against the earlier year's summary (--jamfor)."""
    units = summary_follow_up(summary, comparison)
    if not units:
        return None
    sheet = workbook.create_sheet(SHEET_NAME)
    _heading(sheet, f"{TITLE} – {summary.administration} {summary.year}", units[0].follow_up)
    row = HEADER_ROW
    for index, unit in enumerate(units):
        row = _write_rows(sheet, row, [unit.area, unit.unit], unit.follow_up, header=index == 0)
    column_widths(sheet, [18, 20, 40, 8, 13, 44, 18, 18, 26])
    _finish(sheet)
    return sheet


def _heading(sheet: Worksheet, title: str, follow_up: FollowUp) -> None:
    put(sheet, 2, 1, title).font = TITLE_FONT
    put(sheet, 3, 1, follow_up.note())


def headers(follow_up: FollowUp, leading: Sequence[str] = ()) -> list[str]:
    earlier = str(follow_up.previous_year) if follow_up.previous_year else "Föregående år"
    return [*leading, "Aktivitet", "Från år", "Status", "Fråga", str(follow_up.year), earlier, "Förändring"]


def _write_rows(sheet: Worksheet, row: int, leading: list[str], follow_up: FollowUp, header: bool = True) -> int:
    """One row per activity and question it targets (one row for an activity without any);
    returns the next free row."""
    if header:
        header_row(sheet, row, headers(follow_up, ["Område", "Enhet"] if leading else []))
    row += 1
    for item in follow_up.activities:
        activity = item.activity
        start: list[Any] = [*leading, activity.activity, activity.from_year, activity.status.label]
        if not item.questions:
            _cells(sheet, row, [*start, NO_QUESTIONS, "", "", ""])
            row += 1
        for question in item.questions:
            _cells(sheet, row, [*start, question.label, question.current_text,
                                question.previous_text(follow_up.comparing), question.change_text])
            if question.change is not None and question.change.within_chance:
                sheet.cell(row=row, column=len(start) + 4).font = CHANCE_FONT
            elif question.change is not None and question.change.difference:
                sheet.cell(row=row, column=len(start) + 4).font = BOLD
            row += 1
    return row


def _cells(sheet: Worksheet, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, start=1):
        cell = put(sheet, row, column, value)
        cell.alignment = WRAP_TOP
        cell.border = GRID


def _finish(sheet: Worksheet) -> None:
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    print_setup(sheet, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
