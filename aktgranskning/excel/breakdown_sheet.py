"""The sheet "Kön och ålder": a level's results per kön and per åldersgrupp with suppressed cells,
the rule beside them. Shared by the enhet workbook (one enhet) and the summary workbook (the
förvaltning and each område)."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from aktgranskning.domain.breakdown import (
    ALL_COLUMN,
    READING,
    SUPPRESSION_RULE,
    UNITS_NOT_SHOWN,
    BreakdownRow,
    BreakdownTable,
    LevelBreakdown,
    summary_breakdowns,
    unit_breakdown,
)
from aktgranskning.domain.summary import Summary
from aktgranskning.domain.unit_data import UnitData
from aktgranskning.excel.sheet_style import (
    BOLD,
    CENTRE_TOP,
    GRID,
    TITLE_FONT,
    WRAP_TOP,
    CellStyles,
    column_widths,
    header_row,
    print_setup,
)
from aktgranskning.excel.writing import put

SHEET_NAME = "Kön och ålder"
LEVEL_FONT = Font(bold=True, size=12)
HIDDEN_FILL = PatternFill("solid", fgColor="EDEDED")
FIRST_ROW = 2  # row 1 is the completeness banner


def add_unit_sheet(workbook: Workbook, data: UnitData) -> Worksheet:
    """The enhet workbook's sheet."""
    identity = data.identity
    return write_breakdown_sheet(workbook.create_sheet(SHEET_NAME), f"Kön och ålder – {identity.unit} {identity.year}",
                                 [unit_breakdown(data)])


def add_summary_sheet(workbook: Workbook, summary: Summary) -> Worksheet:
    """The summary workbook's sheet: the förvaltning and each område, not the enheter."""
    return write_breakdown_sheet(workbook.create_sheet(SHEET_NAME),
                                 f"Kön och ålder – {summary.administration} {summary.year}",
                                 summary_breakdowns(summary), [UNITS_NOT_SHOWN])


def write_breakdown_sheet(sheet: Worksheet, title: str, levels: Sequence[LevelBreakdown],
                          notes: Sequence[str] = ()) -> Worksheet:
    styles = CellStyles()
    put(sheet, FIRST_ROW, 1, title).font = TITLE_FONT
    row = FIRST_ROW + 1
    for text in (SUPPRESSION_RULE, READING, *notes):
        put(sheet, row, 1, text)
        row += 1
    columns = 3
    for level in levels:
        row += 1
        put(sheet, row, 1, level.title).font = LEVEL_FONT
        row += 1
        for table in level.tables:
            row = _table(sheet, row, table, styles) + 1
            columns = max(columns, 3 + len(table.groups))
    column_widths(sheet, [6, 50, 14] + [16] * (columns - 3))
    print_setup(sheet, landscape=True)
    return sheet


def _table(sheet: Worksheet, row: int, table: BreakdownTable, styles: CellStyles) -> int:
    put(sheet, row, 1, f"Per {table.dimension.value.lower()}").font = BOLD
    row += 1
    header_row(sheet, row, ["Nr", "Fråga", ALL_COLUMN, *table.groups], centred=True)
    row += 1
    for checklist_id, checklist_title in table.checklists:
        put(sheet, row, 1, checklist_title).font = BOLD
        row += 1
        for item in table.rows_of(checklist_id):
            _row(sheet, row, item, styles)
            row += 1
    return row


def _row(sheet: Worksheet, row: int, item: BreakdownRow, styles: CellStyles) -> None:
    font = BOLD if item.is_checklist else None
    styles.apply(put(sheet, row, 1, item.number), border=GRID, font=font)
    styles.apply(put(sheet, row, 2, item.text), border=GRID, alignment=WRAP_TOP, font=font)
    styles.apply(put(sheet, row, 3, item.total_text), border=GRID, alignment=CENTRE_TOP, font=font)
    for column, cell in enumerate(item.cells, start=4):
        styles.apply(put(sheet, row, column, cell.text), border=GRID, alignment=CENTRE_TOP, font=font,
                     fill=HIDDEN_FILL if cell.hidden is not None else None)
