"""The export of activity statuses per enhet (`aktgranskning aktiviteter`): every improvement
activity of the enheter read, with its questions, role, due date, status and follow-up — for the
delårsuppföljning and the verksamhetsberättelse — a count of statuses per enhet, and which files
could not be read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from aktgranskning.domain.analysis import ActivityStatus
from aktgranskning.domain.follow_up import ActivityStatusRow
from aktgranskning.domain.summary import ExcludedFile
from aktgranskning.domain.thresholds import Level, fill_colour
from aktgranskning.excel.sheet_style import GRID, TITLE_FONT, WRAP_TOP, column_widths, header_row, print_setup
from aktgranskning.excel.writing import excel_text, put, save_atomically

HEADERS = ["Område", "Enhet", "År", "Aktivitet", "Frågor", "Ansvarig (roll)", "Klart senast", "Status",
           "Uppföljning", "Från år"]
DUE_COLUMN = 7
HEADER_ROW = 4
NOT_READ = PatternFill("solid", fgColor=fill_colour(Level.POOR).lstrip("#"))


def write_activities_workbook(rows: Sequence[ActivityStatusRow], excluded: Sequence[ExcludedFile],
                              target: Path, exported_at: str) -> Path:
    workbook = Workbook()
    _activities(workbook.active, rows, exported_at)
    _per_unit(workbook.create_sheet("Per enhet"), rows)
    _read_log(workbook.create_sheet("Inläsning"), excluded)
    workbook.properties.title = excel_text("Aktgranskning – förbättringsaktiviteter")
    workbook.properties.creator = "Aktgranskning"
    return save_atomically(workbook, target)


def _activities(sheet: Worksheet, rows: Sequence[ActivityStatusRow], exported_at: str) -> None:
    sheet.title = "Aktiviteter"
    put(sheet, 1, 1, "Förbättringsaktiviteter per enhet").font = TITLE_FONT
    units = len({(r.unit.casefold(), r.year) for r in rows})
    put(sheet, 2, 1, f"{len(rows)} aktiviteter från {units} {'enhet' if units == 1 else 'enheter'}. "
        f"Exporterad {exported_at[:10]}. ”Från år” = aktiviteten följs upp från ett tidigare års analys.")
    header_row(sheet, HEADER_ROW, HEADERS)
    for number, item in enumerate(rows, start=HEADER_ROW + 1):
        a = item.activity
        values: list[Any] = [item.area, item.unit, item.year, a.activity, "\n".join(item.questions),
                             a.responsible, a.due, a.status.label, a.follow_up, a.from_year]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, number, column, value)
            cell.alignment = WRAP_TOP
            cell.border = GRID
        sheet.cell(row=number, column=DUE_COLUMN).number_format = "yyyy-mm-dd"  # a date cell: sortable
    if not rows:
        put(sheet, HEADER_ROW + 1, 1, "Inga förbättringsaktiviteter i filerna.")
    column_widths(sheet, [18, 20, 7, 40, 40, 18, 12, 13, 30, 8])
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:J{HEADER_ROW + max(len(rows), 1)}"
    print_setup(sheet, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _per_unit(sheet: Worksheet, rows: Sequence[ActivityStatusRow]) -> None:
    header_row(sheet, 2, ["Område", "Enhet", "År", *(s.label for s in ActivityStatus), "Totalt"])
    counts: dict[tuple[str, str, int], Counter[ActivityStatus]] = {}
    for item in rows:
        counts.setdefault((item.area, item.unit, item.year), Counter())[item.activity.status] += 1
    for number, ((area, unit, year), statuses) in enumerate(counts.items(), start=3):
        values: list[Any] = [area, unit, year, *(statuses[s] for s in ActivityStatus), statuses.total()]
        for column, value in enumerate(values, start=1):
            put(sheet, number, column, value).border = GRID
    column_widths(sheet, [18, 20, 7, 11, 11, 11, 13, 8])
    print_setup(sheet, landscape=False, title_rows="2:2")


def _read_log(sheet: Worksheet, excluded: Sequence[ExcludedFile]) -> None:
    header_row(sheet, 2, ["Fil", "Orsak"])
    for number, item in enumerate(excluded, start=3):
        put(sheet, number, 1, item.source).fill = NOT_READ
        reason = put(sheet, number, 2, f"LÄSTES INTE – dess aktiviteter saknas i exporten: {item.reason}")
        reason.fill = NOT_READ
        reason.alignment = WRAP_TOP
    if not excluded:
        put(sheet, 3, 1, "Alla filer lästes.")
    column_widths(sheet, [40, 100])
    print_setup(sheet, landscape=True, title_rows="2:2")
