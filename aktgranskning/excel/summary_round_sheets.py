"""The round's own part of the summary workbook: the område and förvaltning analyses and the
förvaltningsgemensamma åtgärder, with the questions each action targets by number and text."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from aktgranskning.domain.round import LEVEL_ANALYSIS_FIELDS, Round
from aktgranskning.domain.round_analysis import level_analyses, question_lines
from aktgranskning.domain.summary import Summary
from aktgranskning.excel.sheet_style import BOLD, GRID, WRAP_TOP, CellStyles, column_widths, header_row, print_setup
from aktgranskning.excel.writing import put

ANALYSIS_SHEET = "Analys område och förvaltning"
ACTIONS_SHEET = "Gemensamma åtgärder"
NOT_WRITTEN = "(inte ifylld)"
ACTION_HEADERS = ["Prioritet", "Åtgärd", "Ansvarig (roll)", "Klart senast", "Frågor", "Status", "Uppföljning",
                  "Från år"]


def add_round_sheets(workbook: Workbook, round_: Round | None, summary: Summary, styles: CellStyles) -> None:
    """The two sheets of a summary made from a round; nothing for a summary of loose files."""
    if round_ is None:
        return
    _analyses(workbook.create_sheet(ANALYSIS_SHEET), round_, styles)
    _actions(workbook.create_sheet(ACTIONS_SHEET), round_, summary, styles)


def _analyses(sheet: Worksheet, round_: Round, styles: CellStyles) -> None:
    put(sheet, 2, 1, f"Analys på område- och förvaltningsnivå {round_.year}").font = BOLD
    header_row(sheet, 4, ["Nivå", "Namn", *LEVEL_ANALYSIS_FIELDS.values()], centred=True)
    for row, (kind, analysis) in enumerate(level_analyses(round_), start=5):
        values = [kind, analysis.name, *(analysis.text(f).strip() or NOT_WRITTEN for f in LEVEL_ANALYSIS_FIELDS)]
        for column, value in enumerate(values, start=1):
            styles.apply(put(sheet, row, column, value), border=GRID, alignment=WRAP_TOP)
    column_widths(sheet, [12, 22, 50, 50, 50])
    sheet.freeze_panes = "C5"
    print_setup(sheet, True, "4:4")


def _actions(sheet: Worksheet, round_: Round, summary: Summary, styles: CellStyles) -> None:
    put(sheet, 2, 1, f"Förvaltningsgemensamma förbättringsåtgärder {round_.year}, i prioritetsordning").font = BOLD
    header_row(sheet, 4, ACTION_HEADERS, centred=True)
    actions = round_.actions_by_priority()
    for row, action in enumerate(actions, start=5):
        values = [action.priority, action.action, action.owner, action.due, "\n".join(question_lines(action, summary)),
                  action.status.label, action.follow_up, action.from_year]
        for column, value in enumerate(values, start=1):
            cell = styles.apply(put(sheet, row, column, value), border=GRID, alignment=WRAP_TOP)
            if column == 4 and action.due is not None:
                cell.number_format = "yyyy-mm-dd"
    if not actions:
        put(sheet, 5, 1, "Inga förvaltningsgemensamma åtgärder är inlagda.")
    column_widths(sheet, [10, 44, 24, 13, 46, 13, 36, 9])
    sheet.freeze_panes = "A5"
    print_setup(sheet, True, "4:4")
