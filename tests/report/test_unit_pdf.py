"""The APT PDF: Swedish text that a PDF reader can extract, fonts embedded, pages numbered."""

from __future__ import annotations

import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils saknas (apt-get install poppler-utils)"
)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_has_summary_results_analysis_and_numbered_pages(exported):
    text = pdf_text(exported["pdf"])
    pages = text.split("\f")
    pages = [page for page in pages if page.strip()]
    assert "Mottagningen 2026" in pages[0] and "Starkaste resultat" in pages[0] and "Svagaste resultat" in pages[0]
    assert "Jämfört med 2025" in pages[0]
    assert "Resultat per fråga" in text and "Har anmälare dokumenterats?" in text
    assert "Förbättringsaktiviteter" in text and "Bortfall" in text
    for number, page in enumerate(pages, start=1):
        assert f"Sida {number} av {len(pages)}" in page


def test_every_font_is_embedded_so_å_ä_ö_print_everywhere(exported):
    listing = subprocess.run(["pdffonts", str(exported["pdf"])], capture_output=True, text=True, check=True).stdout
    fonts = listing.strip().splitlines()[2:]
    assert fonts, listing
    for line in fonts:
        assert "DejaVuSans" in line and " yes " in line, line  # emb column
    assert "Förhandsbedömning" in pdf_text(exported["pdf"])
