"""A summary made from a round carries the område and förvaltning analyses and the shared actions,
in the workbook (read back with python-calamine) and the PDF (its text read back)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from aktgranskning.services.summary import export_summary
from tests.round.data import realistic_round_summary, six_unit_summary


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("omgang")
    export_summary(realistic_round_summary(), folder / "Sammanställning.xlsx", None, None,
                   folder / "Sammanställning.pdf")
    return folder / "Sammanställning.xlsx", folder / "Sammanställning.pdf"


def test_the_workbook_has_each_levels_analysis_and_the_actions_by_priority(written) -> None:
    book = CalamineWorkbook.from_path(str(written[0]))
    analyses = book.get_sheet_by_name("Analys område och förvaltning").to_python()
    assert analyses[0][0].startswith("PRELIMINÄR")  # the banner, as on every sheet
    rows = {(row[0], row[1]): row[2:5] for row in analyses[4:]}
    assert rows[("Förvaltning", "Socialförvaltningen")] == [
        "(inte ifylld)", "Beslutens motivering och barnets röst i utredningen.", "(inte ifylld)"]
    assert rows[("Område", "Barn och unga")][2] == "Gemensamma ärendedragningar en gång i månaden."
    assert rows[("Område", "Vuxen")] == ["(inte ifylld)"] * 3
    actions = book.get_sheet_by_name("Gemensamma åtgärder").to_python()
    assert actions[3] == ["Prioritet", "Åtgärd", "Ansvarig (roll)", "Klart senast", "Frågor", "Status",
                          "Uppföljning", "Från år"]
    first, second = actions[4], actions[5]
    assert (first[0], first[3], first[4], first[5]) == (1, date(2027, 3, 31), "F3 Har barnet fått komma till tals?",
                                                        "Pågående")
    assert second[4] == "F4 Framgår beslutet och dess motivering?\nF2 Har en skyddsbedömning gjorts?"
    assert (second[5], second[7]) == ("Planerad", 2025)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils saknas")
def test_the_pdf_prints_the_analyses_and_the_actions(written) -> None:
    pages = subprocess.run(["pdftotext", str(written[1]), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(pages.split())  # a cell's text wraps onto several lines
    assert "Analys på område- och förvaltningsnivå" in text
    assert "Område: Barn och unga" in text and "Dokumentationen av anmälan är stabil." in text
    assert "Förvaltningsgemensamma förbättringsåtgärder" in text
    assert "Förvaltningens kvalitetsutvecklare" in text and "F3 Har barnet fått komma till tals?" in text


def test_a_summary_of_loose_files_has_no_round_sheets(tmp_path) -> None:
    export_summary(six_unit_summary(), tmp_path / "s.xlsx", None)
    names = CalamineWorkbook.from_path(str(tmp_path / "s.xlsx")).sheet_names
    assert "Gemensamma åtgärder" not in names and "Analys område och förvaltning" not in names
