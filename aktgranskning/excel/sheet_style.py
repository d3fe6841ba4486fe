"""The look every report workbook shares: header rows, column widths, A4 print setup."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from aktgranskning.excel.writing import put

HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="A0A0A0")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def header_row(sheet: Worksheet, row: int, titles: list[str], centred: bool = False) -> None:
    for column, title in enumerate(titles, start=1):
        cell = put(sheet, row, column, title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.border = GRID
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center" if centred else None)


def column_widths(sheet: Worksheet, widths: list[float]) -> None:
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
