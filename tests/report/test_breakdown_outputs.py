"""The breakdown by kön and åldersgrupp as the user gets it: the enhet workbook and PDF, and the
summary workbook and PDF at förvaltning and område level, with suppressed cells, read back with a
second reader (python-calamine, pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from aktgranskning.domain.breakdown import SUPPRESSION_RULE, UNITS_NOT_SHOWN
from aktgranskning.domain.summary import SummaryInput, summarise
from aktgranskning.domain.unit_report import build_report
from aktgranskning.excel.summary_workbook import write_summary_workbook
from aktgranskning.excel.unit_workbook import write_unit_workbook
from aktgranskning.paths import resources_dir
from aktgranskning.pdf.summary_report import write_summary_pdf
from aktgranskning.pdf.unit_report import write_unit_pdf
from tests.domain.test_breakdown import F, M, N, Y, cases, unit

SMALL = unit(cases(3, F, Y, age="0–5 år"), cases(12, M, Y, age="6–12 år"), name="Lilla")
LARGE = unit(cases(10, F, N, age="13–17 år"), cases(10, M, Y, age="6–12 år"), name="Stora")
SOUTH = unit(cases(10, F, Y, age="0–5 år"), cases(10, M, N, age="13–17 år"), name="Södra", area="Söder")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils saknas")


def sheet_rows(path: Path, name: str) -> list[list[str]]:
    book = CalamineWorkbook.from_path(str(path))
    return [[str(value) for value in row] for row in book.get_sheet_by_name(name).to_python()]


def row_of(rows: list[list[str]], after: str, number: str) -> list[str]:
    """The row numbered `number` in the first table after the row that starts with `after`."""
    start = next(i for i, row in enumerate(rows) if row[0] == after)
    return next(row for row in rows[start:] if row[0] == number)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_text(path: Path) -> str:
    return flat(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout)


def test_the_enhet_workbook_has_the_breakdown_with_small_cells_hidden(tmp_path):
    small = write_unit_workbook(build_report(SMALL), tmp_path / "Lilla 2026.xlsx", "2026-11-01T10:00", "test")
    rows = sheet_rows(small, "Kön och ålder")
    assert rows[1][0] == "Kön och ålder – Lilla 2026" and rows[2][0] == SUPPRESSION_RULE
    # F1: 3 girls (hidden) and 12 boys, hidden too since "Alla" minus the boys would give the girls.
    assert row_of(rows, "Enhet Lilla", "F1")[2:5] == ["100 % (15/15)", "<5", "dold"]
    assert row_of(rows, "Per åldersgrupp", "F1")[2:5] == ["100 % (15/15)", "<5", "dold"]
    large = write_unit_workbook(build_report(LARGE), tmp_path / "Stora 2026.xlsx", "2026-11-01T10:00", "test")
    rows = sheet_rows(large, "Kön och ålder")
    assert row_of(rows, "Enhet Stora", "F1")[2:7] == ["50 % (10/20)", "0 % (0/10)", "100 % (10/10)", "<5", "<5"]
    assert row_of(rows, "Per åldersgrupp", "")[:1] == [""]  # the checklist's own row comes first
    assert [c for c in rows[row_index(rows, "Per åldersgrupp") + 1][2:] if c] == ["Alla", "6–12 år", "13–17 år"]
    assert not any("TEST-" in cell or "uuid" in cell for row in rows for cell in row), "nothing identifies an akt"


def row_index(rows: list[list[str]], first: str) -> int:
    return next(i for i, row in enumerate(rows) if row[0] == first)


def summary_of_three():
    return summarise([SummaryInput(f"{d.identity.unit} 2026.xlsx", d) for d in (SMALL, LARGE, SOUTH)])


def test_the_summary_workbook_breaks_down_the_forvaltning_and_each_omrade_but_no_enhet(tmp_path):
    path = write_summary_workbook(summary_of_three(), tmp_path / "s.xlsx")
    assert "Kön" not in CalamineWorkbook.from_path(str(path)).sheet_names
    rows = sheet_rows(path, "Kön och ålder")
    firsts = [row[0] for row in rows]
    assert UNITS_NOT_SHOWN in firsts and SUPPRESSION_RULE in firsts
    assert [f for f in firsts if f.startswith(("Förvaltning ", "Område ", "Enhet "))] == [
        "Förvaltning Förvaltningen", "Område Norr", "Område Söder"]
    # Norr's 13 girls are hidden: minus Stora's 10 they would give Lilla's 3.
    assert row_of(rows, "Område Norr", "F1")[2:5] == ["71 % (25/35)", "dold", "100 % (22/22)"]
    assert row_of(rows, "Område Söder", "F1")[2:5] == ["50 % (10/20)", "100 % (10/10)", "0 % (0/10)"]
    assert row_of(rows, "Förvaltning Förvaltningen", "F1")[2:4] == ["64 % (35/55)", "dold"]


@needs_pdftotext
def test_the_enhet_pdf_has_the_section(tmp_path):
    path = write_unit_pdf(build_report(LARGE), tmp_path / "Stora.pdf", "2026-11-01T10:00", resources_dir() / "fonts")
    text = pdf_text(path)
    assert "Kön och ålder" in text and flat(SUPPRESSION_RULE) in text
    assert re.search(r"F1 Fråga ett\? 50 % \(10/20\) 0 % \(0/10\) 100 % \(10/10\) <5 <5", text), text


@needs_pdftotext
def test_the_summary_pdf_has_the_forvaltning_and_each_omrade(tmp_path):
    path = write_summary_pdf(summary_of_three(), tmp_path / "s.pdf", resources_dir() / "fonts")
    text = pdf_text(path)
    section = text[text.index("Kön och ålder"):]
    assert flat(UNITS_NOT_SHOWN) in section
    assert "Förvaltning Förvaltningen" in section and "Område Norr" in section and "Område Söder" in section
    assert "Enhet Lilla" not in section
    assert re.search(r"F1 Fråga ett\? 71 % \(25/35\) dold 100 % \(22/22\)", section), section
