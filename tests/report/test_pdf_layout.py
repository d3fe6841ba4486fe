"""What a printed report must never do: run text off the page, break a header word inside
("Pågåen de"), or leave a per cent sign alone at the start of a line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from reportlab.graphics.shapes import String
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from aktgranskning.domain.unit_report import build_report
from aktgranskning.paths import resources_dir
from aktgranskning.pdf.fonts import register_fonts
from aktgranskning.pdf.layout import CELL_PADDING, header_words_fit, paragraph
from aktgranskning.pdf.unit_report import results_chart
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.unit_data import unit_data_of


@pytest.fixture(scope="module", autouse=True)
def fonts() -> None:
    register_fonts(resources_dir() / "fonts")


@pytest.mark.parametrize("title", ["Förhandsbedömning med omedelbar skyddsbedömning",
                                   "Utredning enligt 11 kap. 1 § SoL om barns behov av skydd eller stöd " * 4,
                                   "Ett_enda_ord_utan_mellanslag_" * 8])
def test_a_charts_heading_stays_inside_the_page_however_long_the_checklists_title(demo_round: Path,
                                                                                  title: str) -> None:
    session = open_for_reading(demo_round / "Mottagningen 2026.granskning")
    try:
        report = build_report(unit_data_of(session))
    finally:
        session.close()
    block = report.blocks[0]
    block = dataclasses.replace(block, checklist=dataclasses.replace(block.checklist, title=title))
    drawing = results_chart(block)
    strings = [shape for shape in drawing.contents if isinstance(shape, String)]
    assert strings
    for shape in strings:
        right = shape.x + stringWidth(shape.text, shape.fontName, shape.fontSize)
        assert right <= drawing.width + 0.5, shape.text
        assert shape.y < drawing.height
    heading = " ".join(s.text for s in strings)
    assert "andel Ja per fråga" in heading and "inga Ja/Nej" in heading


def test_each_header_word_fits_its_column_and_the_table_keeps_its_width() -> None:
    header = [paragraph(text, "cell_bold") for text in ("Nivå", "Namn", "Pågående", "Ej påbörjade", "Bortfall")]
    widths = [20 * mm, 100 * mm, 12 * mm, 12 * mm, 10 * mm]
    fitted = header_words_fit(header, widths)
    assert sum(fitted) == pytest.approx(sum(widths))
    for cell, width in zip(header, fitted, strict=True):
        longest = max(stringWidth(w, cell.style.fontName, cell.style.fontSize) for w in cell.text.split())
        assert longest + CELL_PADDING <= width + 0.01, cell.text
    assert fitted[0] == widths[0]  # a column that fitted is left as it was


def test_a_table_with_no_room_to_give_is_left_as_it_is() -> None:
    header = [paragraph(text, "cell_bold") for text in ("Förvaltningsgemensamma", "Utvecklingsområden")]
    widths = [10 * mm, 10 * mm]
    assert header_words_fit(header, widths) == widths


def test_a_number_and_its_per_cent_sign_stay_on_one_line() -> None:
    assert "100\u00a0%" in paragraph("Har beslut fattats av behörig delegat? (grön först vid 100 %)").text
    assert "(100\u00a0%)" in paragraph("10 av 10 (100 %)").text
