"""A result with unfinished akter says so on every page and sheet, and every output states how
many akter are klara, pågående, ej påbörjade and bortfall (issue 12, point 1)."""

from __future__ import annotations

import json
import shutil
import subprocess

import openpyxl
import pytest

from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.status import status_data
from aktgranskning.services.summary import build_summary

from .conftest import UNIT, run_cli

pytestmark = pytest.mark.slow  # whole demo rounds: runs in CI after the default suite (pytest -m slow)

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils saknas")


def pdf_pages(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return [page for page in pages if page.strip()]


@pytest.fixture(scope="module")
def status(demo_round) -> dict:
    session = open_for_reading(demo_round / f"{UNIT} 2026.granskning")
    try:
        return status_data(session)["akter"]
    finally:
        session.close()


def test_the_demo_enhet_is_the_case_of_the_issue(status):
    # 8 of 20 akter klara: the rest pågående or not started, one dropout replaced by a reserve
    assert status["klara"] == 8 and status["klara"] + status["pagaende"] + status["ej_paborjade"] == 20
    assert status["pagaende"] > 0 and status["ej_paborjade"] > 0 and status["bortfall"] == 1


@needs_poppler
def test_every_pdf_page_says_preliminär_with_the_numbers(exported, status):
    pages = pdf_pages(exported["pdf"])
    assert len(pages) >= 3
    unfinished = status["pagaende"] + status["ej_paborjade"]
    line = f"PRELIMINÄR – {unfinished} av 20 akter är inte färdiggranskade"
    for number, page in enumerate(pages, start=1):
        assert line in page, f"sidan {number} saknar raden"
        assert f"{status['klara']} klara, {status['pagaende']} pågående, {status['ej_paborjade']} ej påbörjade, " \
               f"1 bortfall" in page, number


def test_every_sheet_has_the_preliminary_banner_and_print_header(exported, status):
    book = openpyxl.load_workbook(exported["workbook"])
    unfinished = status["pagaende"] + status["ej_paborjade"]
    for sheet in book.worksheets:
        banner = str(sheet["A1"].value)
        assert banner.startswith(f"PRELIMINÄR – {unfinished} av 20 akter"), sheet.title
        assert f"{status['klara']} klara" in banner and "1 bortfall" in banner
        assert "PRELIMINÄR" in sheet.oddHeader.center.text, sheet.title
    dropouts = {row[0].value: row[1].value for row in book["Bortfall"].iter_rows() if row[0].value}
    assert (dropouts["Klara"], dropouts["Pågående"], dropouts["Ej påbörjade"], dropouts["Bortfall"]) == (
        status["klara"], status["pagaende"], status["ej_paborjade"], status["bortfall"])


def test_the_cli_says_the_report_is_preliminary(demo_round, tmp_path):
    result = run_cli("rapport", str(demo_round / f"{UNIT} 2026.granskning"), "-o", str(tmp_path / "r.xlsx"))
    assert result.returncode == 0, result.stderr
    assert "8 av 20 akter klara" in result.stdout
    assert "Obs: Resultatet är preliminärt:" in result.stderr and "akter är inte färdiggranskade" in result.stderr


def test_a_finished_enhet_is_not_marked_preliminary(demo_round, tmp_path):
    workbook = tmp_path / "klar.xlsx"
    result = run_cli("rapport", str(demo_round / f"{UNIT} 2025.granskning"), "-o", str(workbook),
                     "--pdf", str(tmp_path / "klar.pdf"))
    assert result.returncode == 0, result.stderr
    assert "preliminärt" not in result.stderr
    book = openpyxl.load_workbook(workbook)
    for sheet in book.worksheets:
        assert str(sheet["A1"].value).startswith("Alla 20 akter är färdiggranskade"), sheet.title
        assert not sheet.oddHeader.center.text
    if shutil.which("pdftotext"):
        pages = pdf_pages(tmp_path / "klar.pdf")
        assert all("PRELIMINÄR" not in page and "Alla 20 akter är färdiggranskade" in page for page in pages)


def test_the_workbook_read_back_carries_the_statuses(exported, status):
    from aktgranskning.domain.completeness import Completeness
    from aktgranskning.excel.unit_workbook_reader import read_unit_workbook

    data = read_unit_workbook(exported["workbook"]).data
    assert Completeness.of(c.status for c in data.cases).as_json() == status


@pytest.fixture(scope="module")
def summarised(demo_round, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("summa")
    names = sorted(p.name for p in demo_round.iterdir())
    files = [demo_round / name for name in names if name.endswith("2026.granskning")]
    result = run_cli("sammanstall", *map(str, files), "-o", str(out / "s.xlsx"), "--json", str(out / "s.json"),
                     "--pdf", str(out / "s.pdf"))
    assert result.returncode == 0, result.stderr
    expected = {}
    for path in files:
        session = open_for_reading(path)
        try:
            expected[session.meta.unit] = status_data(session)["akter"]
        finally:
            session.close()
    return {"out": out, "result": result, "expected": expected, "files": files}


def test_the_summary_json_has_the_akter_object_per_level(summarised):
    data = json.loads((summarised["out"] / "s.json").read_text(encoding="utf-8"))
    expected = summarised["expected"]
    levels = {(level["niva"], level["namn"]): level for level in data["nivaer"]}
    for unit, akter in expected.items():
        level = levels[("enhet", unit)]
        assert level["akter"] == akter
        assert level["preliminar"] is (akter["pagaende"] + akter["ej_paborjade"] > 0)
        assert level["bortfall"] == akter["bortfall"]
    total = next(level for level in data["nivaer"] if level["niva"] == "forvaltning")
    for key in ("totalt", "klara", "pagaende", "ej_paborjade", "bortfall"):
        assert total["akter"][key] == sum(a[key] for a in expected.values()), key
    assert data["preliminar"] is True
    for level in data["nivaer"]:
        assert set(level["akter"]) == {"totalt", "klara", "pagaende", "ej_paborjade", "bortfall", "konflikter"}


def test_the_summary_text_output_states_the_completeness_per_enhet(summarised):
    out = summarised["result"].stdout
    for unit, akter in summarised["expected"].items():
        line = next(line for line in out.splitlines() if line.startswith("Läste") and f": {unit} 2026" in line)
        assert f"{akter['klara']} av 20 akter klara" in line and "PRELIMINÄR" in line, line
    assert "PRELIMINÄR –" in out
    assert "Sammanställningen är preliminär" in summarised["result"].stderr


def test_every_summary_sheet_and_page_says_preliminär(summarised):
    book = openpyxl.load_workbook(summarised["out"] / "s.xlsx")
    for sheet in book.worksheets:
        assert str(sheet["A1"].value).startswith("PRELIMINÄR –"), sheet.title
        assert "PRELIMINÄR" in sheet.oddHeader.center.text
    cases = book["Akter och bortfall"]
    header = [c.value for c in cases[2]]
    assert header[:8] == ["Nivå", "Namn", "Område", "Akter i urvalet", "Klara", "Pågående", "Ej påbörjade", "Bortfall"]
    rows = {row[1]: row for row in cases.iter_rows(min_row=3, values_only=True)}
    for unit, akter in summarised["expected"].items():
        assert rows[unit][3:8] == (akter["totalt"], akter["klara"], akter["pagaende"], akter["ej_paborjade"],
                                   akter["bortfall"])
        assert rows[unit][9] == "PRELIMINÄR"
    heatmap_titles = [c.value for c in book["Sammanställning"][6] if c.value]  # Nr, Fråga, 1 + 3 + 4 levels
    assert len(heatmap_titles) == 2 + 8 and all("(preliminär)" in str(t) for t in heatmap_titles[2:])
    if shutil.which("pdftotext"):
        pages = pdf_pages(summarised["out"] / "s.pdf")
        assert pages and all("PRELIMINÄR –" in page for page in pages)


def test_the_summary_model_sums_the_levels(summarised):
    summary = build_summary(summarised["files"])
    for area in summary.areas():
        units = [u for u in summary.units() if u.area == area.name]
        assert area.completeness.done == sum(u.completeness.done for u in units)
    assert summary.completeness.total == sum(a["totalt"] for a in summarised["expected"].values())


def test_workbooks_written_before_the_completeness_line_are_still_read(demo_round, tmp_path):
    from aktgranskning.excel.unit_workbook_reader import read_unit_workbook

    current = tmp_path / "ny.xlsx"
    assert run_cli("rapport", str(demo_round / f"{UNIT} 2025.granskning"), "-o", str(current)).returncode == 0
    new = read_unit_workbook(current).data
    assert new.analysis.activities  # last year's analysis has activities
    book = openpyxl.load_workbook(current)
    for name in ("Förbättringsaktiviteter", "Analys"):
        book[name].delete_rows(1)  # the layout of earlier versions: no line above the header
    older = tmp_path / "äldre.xlsx"
    book.save(older)
    old = read_unit_workbook(older)
    assert old.checksum_matches and old.data.analysis.activities == new.analysis.activities
    assert old.data.cases == new.cases
