"""Shared look of the PDF reports: A4, styles in DejaVu Sans, colours for the levels, text made
drawable (domain.safe_text with the embedded font's glyphs), a line at the top of every page
saying how complete the result is, and a footer with 'Sida N av M' (drawn in a second pass,
when the page count is known)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table

from aktgranskning.domain.completeness import Completeness
from aktgranskning.domain.safe_text import OutputFormat, pdf_format, safe_text
from aktgranskning.domain.thresholds import PRELIMINARY_TEXT, Level, bar_colour, fill_colour
from aktgranskning.pdf.fonts import BOLD, REGULAR

PAGE = A4
MARGIN = 16 * mm
LEVEL_COLOURS = {level: colors.HexColor(fill_colour(level)) for level in Level}
BAR_COLOURS = {level: colors.HexColor(bar_colour(level)) for level in Level}
HEADER_BACKGROUND = colors.HexColor("#DDE4EE")
PRELIMINARY_COLOUR = colors.HexColor(PRELIMINARY_TEXT)


@cache
def _pdf_output() -> OutputFormat:
    """What the embedded fonts can draw (both weights), read from their character maps."""
    covered = set(pdfmetrics.getFont(REGULAR).face.charToGlyph)
    covered &= set(pdfmetrics.getFont(BOLD).face.charToGlyph)
    frozen = frozenset(covered)
    return pdf_format(lambda code_point: code_point in frozen)


def pdf_text(text: str) -> str:
    """Text as the pdf can draw it; call after register_fonts."""
    return safe_text(text, _pdf_output())


def table(rows: list[list[Any]], widths: list[float], repeat_rows: int = 1) -> Table:
    """A table whose rows may split across pages, so a long text in a cell flows on, and whose
    header words are never broken inside ("Pågåen de"): see `header_words_fit`."""
    if rows and repeat_rows:
        widths = header_words_fit(rows[0], widths)
    return Table(rows, colWidths=widths, repeatRows=repeat_rows, splitInRow=1)


def wrapped_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of `text` no wider than `width`, broken at spaces, and inside a word only when the
    word alone is wider than the line (a drawing's text does not wrap by itself)."""
    lines: list[str] = []
    for line in simpleSplit(text, font, size, width):
        while pdfmetrics.stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


CELL_PADDING = 12  # reportlab's default left and right padding of a table cell, in points


def header_words_fit(header: list[Any], widths: list[float]) -> list[float]:
    """The widths with each column at least as wide as the longest word of its header (a
    Paragraph), the width added taken from the widest columns, the total unchanged. A word is
    never broken inside while another column has room to give."""
    needed = [_longest_word(cell) + CELL_PADDING for cell in header] + [0.0] * (len(widths) - len(header))
    fitted = list(widths)
    for index, need in enumerate(needed):
        missing = need - fitted[index]
        while missing > 0.01:
            donor = max((i for i in range(len(fitted)) if fitted[i] - needed[i] > 0.01 and i != index),
                        key=lambda i: fitted[i] - needed[i], default=None)
            if donor is None:
                break
            given = min(missing, fitted[donor] - needed[donor])
            fitted[donor] -= given
            fitted[index] += given
            missing -= given
    return fitted


def _longest_word(cell: Any) -> float:
    if not isinstance(cell, Paragraph):
        return 0.0
    words = re.sub(r"<[^>]*>", " ", cell.text).split()
    style = cell.style
    return max((pdfmetrics.stringWidth(word, style.fontName, style.fontSize) for word in words), default=0.0)


@cache
def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("brödtext", fontName=REGULAR, fontSize=9.5, leading=12.5, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("liten", parent=base, fontSize=8, leading=10),
        "preliminary": ParagraphStyle("preliminär", parent=base, fontName=BOLD, fontSize=11, leading=14,
                                      textColor=PRELIMINARY_COLOUR, spaceAfter=6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=9.8),
        "cell_bold": ParagraphStyle("cell_fet", parent=base, fontName=BOLD, fontSize=8, leading=9.8),
        "title": ParagraphStyle("titel", parent=base, fontName=BOLD, fontSize=20, leading=25, spaceAfter=4),
        "subtitle": ParagraphStyle("undertitel", parent=base, fontSize=11, leading=14, spaceAfter=10),
        "h1": ParagraphStyle("rubrik1", parent=base, fontName=BOLD, fontSize=14, leading=18,
                             spaceBefore=6, spaceAfter=6),
        "h2": ParagraphStyle("rubrik2", parent=base, fontName=BOLD, fontSize=11, leading=14,
                             spaceBefore=8, spaceAfter=4),
    }


def paragraph(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text: markup characters are escaped, line breaks kept, and a number
    stays on the line of its per cent sign ("100 %" is never broken before the %)."""
    return Paragraph(_PERCENT.sub("\\1\u00a0%", escape(pdf_text(text))).replace("\n", "<br/>"), styles()[style])


_PERCENT = re.compile(r"(\d) %")


LINES_PER_PARAGRAPH = 40
CHARACTERS_PER_PARAGRAPH = 3000


def paragraphs(text: str, style: str = "body") -> list[Paragraph]:
    """A long text as several paragraphs of at most 40 lines or about 3 000 characters each
    (a longer line is broken at a space). reportlab re-wraps the rest of a paragraph at every
    page break, so one paragraph of 3 000 lines takes minutes."""
    pieces: list[str] = []
    for line in text.split("\n"):
        while len(line) > CHARACTERS_PER_PARAGRAPH:
            cut = line.rfind(" ", 0, CHARACTERS_PER_PARAGRAPH)
            cut = cut if cut > 0 else CHARACTERS_PER_PARAGRAPH
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        pieces.append(line)
    chunks: list[list[str]] = [[]]
    for piece in pieces:
        if len(chunks[-1]) >= LINES_PER_PARAGRAPH or sum(map(len, chunks[-1])) + len(piece) > CHARACTERS_PER_PARAGRAPH:
            chunks.append([])
        chunks[-1].append(piece)
    return [paragraph("\n".join(chunk), style) for chunk in chunks if chunk]


CELL_LINES = 30
CELL_CHARACTERS = 1500


class LongTexts:
    """Table cells keep the start of a very long text; the whole text follows the table as
    ordinary paragraphs. reportlab re-wraps a whole row at every page break, so a row of 3 000
    lines would take many seconds; outside the table it flows across pages at once."""

    def __init__(self) -> None:
        self.moved: list[tuple[str, str]] = []

    def cell(self, text: str, label: str) -> Paragraph:
        if len(text) <= CELL_CHARACTERS and text.count("\n") < CELL_LINES:
            return paragraph(text, "cell")
        self.moved.append((label, text))
        start = "\n".join(text[:CELL_CHARACTERS // 3].split("\n")[:CELL_LINES // 3])
        return paragraph(f"{start} … (hela texten står under tabellen: {label})", "cell")

    def story(self) -> list[Paragraph]:
        story: list[Paragraph] = []
        for label, text in self.moved:
            story.append(paragraph(label, "cell_bold"))
            story += paragraphs(text, "cell")
        return story


def numbered_canvas(footer_left: str, completeness: Completeness | None = None,
                    banner: str | None = None, marked: bool | None = None) -> type[Canvas]:
    """A canvas class that writes 'footer_left' and 'Sida N av M' at the foot of each page and
    the completeness line (red 'PRELIMINÄR – …' when akter are unfinished, or when `marked`) at
    its top."""
    footer_left = pdf_text(footer_left)
    top_line = pdf_text(banner or completeness.banner()) if completeness is not None else ""
    preliminary = completeness is not None and completeness.preliminary if marked is None else marked

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type information
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
            width, height = self._pagesize
            if top_line:
                self.setFont(BOLD if preliminary else REGULAR, 9 if preliminary else 8)
                self.setFillColor(PRELIMINARY_COLOUR if preliminary else colors.HexColor("#555555"))
                self.drawString(MARGIN, height - 10 * mm, top_line)
            self.setFont(REGULAR, 8)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(MARGIN, 9 * mm, footer_left)
            self.drawRightString(width - MARGIN, 9 * mm, f"Sida {self._pageNumber} av {total}")

    return NumberedCanvas
