"""The look every report workbook shares: header rows, column widths, A4 print setup."""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from aktgranskning.domain.completeness import Completeness
from aktgranskning.domain.thresholds import (
    FINAL_TEXT,
    PRELIMINARY_BACKGROUND,
    PRELIMINARY_TEXT,
    Level,
    fill_colour,
)
from aktgranskning.excel.writing import excel_text, put

HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="A0A0A0")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
PRELIMINARY_FONT = Font(bold=True, color=PRELIMINARY_TEXT.lstrip("#"), size=12)
PRELIMINARY_FILL = PatternFill("solid", fgColor=PRELIMINARY_BACKGROUND.lstrip("#"))
FINAL_FONT = Font(italic=True, color=FINAL_TEXT.lstrip("#"))
CENTRE_TOP = Alignment(horizontal="center", vertical="top")
BANNER_ROW = 1  # every report sheet starts with the completeness line


class CellStyles:
    """Styles for the thousands of cells of a summary workbook, one instance per workbook.

    openpyxl hashes a style object every time one is assigned to a cell, which was most of the
    time a summary workbook took to write. Here each combination of font, fill, border and
    alignment is assigned in full to the first cell that uses it, so the workbook registers it
    exactly as before, and every later cell gets a copy of that cell's style indices."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[int, int, int, int], Any] = {}
        self._kept: list[object] = []  # the style objects keyed by id() stay alive

    def apply(self, cell: Any, font: Font | None = None, fill: PatternFill | None = None,
              border: Border | None = None, alignment: Alignment | None = None) -> Any:
        key = (id(font), id(fill), id(border), id(alignment))
        array = self._arrays.get(key)
        if array is None:
            for name, value in (("border", border), ("alignment", alignment), ("fill", fill), ("font", font)):
                if value is not None:
                    setattr(cell, name, value)
            self._arrays[key] = copy(cell._style)
            self._kept.append((font, fill, border, alignment))
            return cell
        own = cell._style  # None until a style is set; a date value sets its number format
        style = array.__copy__()  # copy.copy's dispatch, skipped: this runs for every cell
        style.numFmtId = own.numFmtId if own is not None else 0
        cell._style = style
        return cell


def level_fill(level: Level) -> PatternFill:
    """The cell background of a level, from the product's one palette."""
    if level is Level.NONE:
        return PatternFill(fill_type=None)
    return PatternFill("solid", fgColor=fill_colour(level).lstrip("#"))


def completeness_banner(sheet: Worksheet, completeness: Completeness, text: str | None = None,
                        columns: int = 9, marked: bool | None = None) -> None:
    """Row 1 of the sheet states how many akter are klara, pågående, ej påbörjade and bortfall;
    a preliminary result is marked in red, on screen and in the printed page header. `marked`
    decides that mark when it rests on more than the akter (an enhet of the round missing)."""
    banner = text or completeness.banner()
    cell = put(sheet, BANNER_ROW, 1, banner)
    if completeness.preliminary if marked is None else marked:
        cell.font = PRELIMINARY_FONT
        for column in range(1, columns + 1):
            sheet.cell(row=BANNER_ROW, column=column).fill = PRELIMINARY_FILL
        header = sheet.oddHeader.center
        # '&' starts a header code in Excel; a literal one is written twice. Excel keeps 255 characters.
        header.text = excel_text(banner).replace("&", "&&")[:250]
        header.color = PRELIMINARY_TEXT.lstrip("#")
        header.size = 11
    else:
        cell.font = FINAL_FONT


def header_row(sheet: Worksheet, row: int, titles: list[str], centred: bool = False) -> None:
    styles = CellStyles()  # a summary's header has a column per enhet
    alignment = Alignment(wrap_text=True, vertical="center", horizontal="center" if centred else None)
    for column, title in enumerate(titles, start=1):
        styles.apply(put(sheet, row, column, title), font=BOLD, fill=HEADER_FILL, border=GRID, alignment=alignment)


def column_widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def print_setup(sheet: Worksheet, landscape: bool, title_rows: str | None = None) -> None:
    """A4, fitted to the page width, page numbers in the footer, header rows repeated."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.oddFooter.center.text = "Sida &P av &N"
    sheet.oddFooter.left.text = "&A"
    if title_rows:
        sheet.print_title_rows = title_rows
