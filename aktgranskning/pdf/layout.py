"""Shared look of the PDF reports: A4, styles in DejaVu Sans, colours for the levels, and a
footer with 'Sida N av M' (drawn in a second pass, when the page count is known)."""

from __future__ import annotations

from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from aktgranskning.domain.thresholds import Level
from aktgranskning.pdf.fonts import BOLD, REGULAR

PAGE = A4
MARGIN = 16 * mm
LEVEL_COLOURS = {
    Level.GOOD: colors.HexColor("#C6EFCE"),
    Level.FAIR: colors.HexColor("#FFEB9C"),
    Level.POOR: colors.HexColor("#FFC7CE"),
    Level.NONE: colors.white,
}
BAR_COLOURS = {
    Level.GOOD: colors.HexColor("#2E7D32"),
    Level.FAIR: colors.HexColor("#C49000"),
    Level.POOR: colors.HexColor("#C62828"),
    Level.NONE: colors.grey,
}
HEADER_BACKGROUND = colors.HexColor("#DDE4EE")


@cache
def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("brödtext", fontName=REGULAR, fontSize=9.5, leading=12.5, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("liten", parent=base, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=9.8),
        "cell_bold": ParagraphStyle("cell_fet", parent=base, fontName=BOLD, fontSize=8, leading=9.8),
        "title": ParagraphStyle("titel", parent=base, fontName=BOLD, fontSize=20, leading=25, spaceAfter=4),
        "subtitle": ParagraphStyle("undertitel", parent=base, fontSize=11, leading=14, spaceAfter=10),
        "h1": ParagraphStyle("rubrik1", parent=base, fontName=BOLD, fontSize=14, leading=18, spaceBefore=6, spaceAfter=6),
        "h2": ParagraphStyle("rubrik2", parent=base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4),
    }


def paragraph(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text: markup characters are escaped, line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), styles()[style])


def numbered_canvas(footer_left: str) -> type[Canvas]:
    """A canvas class that writes 'footer_left' and 'Sida N av M' at the foot of each page."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Without this reportlab starts every page in Helvetica, which is not embedded.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or REGULAR
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            width, _ = self._pagesize
            self.setFont(REGULAR, 8)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(MARGIN, 9 * mm, footer_left)
            self.drawRightString(width - MARGIN, 9 * mm, f"Sida {self._pageNumber} av {total}")

    return NumberedCanvas
