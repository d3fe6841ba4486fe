"""Any text a user can type or paste gives a valid workbook, pdf and JSON (issue 11, point 6):
characters a format cannot hold are replaced visibly with "�" and the user is told; the
granskningsfil keeps the text exactly as typed."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from aktgranskning.domain.analysis import Activity, Analysis
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason, Gender
from aktgranskning.domain.safe_text import (
    EXCEL_CELL_LIMIT,
    JSON,
    REPLACEMENT,
    XLSX,
    recording,
    safe_text,
)
from aktgranskning.domain.summary import SummaryInput, summarise
from aktgranskning.domain.unit_data import (
    CaseData,
    ChecklistRef,
    QuestionRef,
    UnitData,
    UnitIdentity,
)
from aktgranskning.domain.unit_report import build_report
from aktgranskning.excel.unit_workbook_reader import read_unit_workbook
from aktgranskning.services.analysis import (
    read_analysis,
    save_activities,
    save_analysis_text,
)
from aktgranskning.services.opening import open_review_file
from aktgranskning.services.report import export_unit_report
from aktgranskning.services.summary import export_summary
from tests.support.workbook_text import zip_member_texts

from .conftest import UNIT, run_cli

CATEGORIES = ["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi",
              "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"]
ANY_CHARACTER = st.characters(categories=CATEGORIES)
VERTICAL_TAB = "\x0b"
LONG_FOLLOW_UP = " ".join(f"uppföljningsord{n}" for n in range(250)) + " SLUTORD"
ARABIC = "مرحبا بالعالم"
EMOJI = "Bra jobbat 👍🏽 😀"
COMBINING = "e\u0301 a\u030a o\u0308\u0323"


def pdf_is_valid(path: Path) -> int:
    """The number of pages pdfinfo reads (or 1 without poppler, after a structural check)."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    if shutil.which("pdfinfo") is None:
        return 1
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def workbook_is_valid(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    assert book.sheetnames
    calamine = CalamineWorkbook.from_path(str(path))
    for name in calamine.sheet_names:
        calamine.get_sheet_by_name(name).to_python()


# --- the rule ----------------------------------------------------------------------------------------
def test_a_vertical_tab_from_word_is_replaced_visibly_and_counted():
    with recording() as log:
        assert safe_text(f"rad ett{VERTICAL_TAB}rad två", XLSX) == f"rad ett{REPLACEMENT}rad två"
    assert log.replaced["Excel"] == 1
    assert log.notices()[0].startswith(f"1 tecken som Excel inte kan lagra ersattes med {REPLACEMENT}")


def test_json_keeps_control_characters_but_not_lone_surrogates():
    assert safe_text("a\x00b\x0bc", JSON) == "a\x00b\x0bc"  # json.dumps escapes them
    assert safe_text("a\ud800b", JSON) == f"a{REPLACEMENT}b"


def test_a_text_longer_than_an_excel_cell_is_cut_with_a_visible_marker():
    text = "å" * (EXCEL_CELL_LIMIT + 100)
    with recording() as log:
        cut = safe_text(text, XLSX)
    assert len(cut) <= EXCEL_CELL_LIMIT and "avkortad i Excel" in cut and log.truncated["Excel"] == 1
    emoji = "😀" * EXCEL_CELL_LIMIT  # two UTF-16 units each, as Excel counts
    assert len(safe_text(emoji, XLSX).encode("utf-16-le")) // 2 <= EXCEL_CELL_LIMIT


@given(st.text(ANY_CHARACTER, max_size=60))
@settings(max_examples=200, deadline=None)
def test_the_rule_is_idempotent_and_leaves_only_what_each_format_holds(text):
    for output in (XLSX, JSON):
        once = safe_text(text, output)
        assert safe_text(once, output) == once
        assert all(output.holds(char) for char in once)
    once = safe_text(text, JSON)
    once.encode("utf-8")  # no lone surrogate left
    assert len(once) == len(text.replace("\r\n", "\n"))  # replaced one for one, nothing dropped


# --- through rapport and sammanstall, with generated text ---------------------------------------------
def unit_data(text: str, unit: str, year: int = 2026) -> UnitData:
    """A small enhet whose every free text is `text`: names, analysis, activities, a question."""
    questions = (
        QuestionRef("fb", "s1", f"Avsnitt {text[:30]}", "fb.a", "Har anmälaren dokumenterats?"),
        QuestionRef("fb", "s1", f"Avsnitt {text[:30]}", "fb.b", f"Fråga {text}"),
        QuestionRef("fb", "s2", "Beslut", "fb.c", "Finns beslutet?"),
    )
    answers = [
        {"fb.a": Answer.YES, "fb.b": Answer.NO, "fb.c": Answer.NOT_APPLICABLE},
        {"fb.a": Answer.NO, "fb.b": Answer.NO, "fb.c": None},
        {"fb.a": Answer.YES, "fb.b": None, "fb.c": None},
    ]
    statuses = [CaseStatus.DONE, CaseStatus.DONE, CaseStatus.IN_PROGRESS]
    cases = tuple(CaseData(n, "fb", Gender.FEMALE if n % 2 else Gender.MALE, "13–17 år", status, None, a)
                  for n, (status, a) in enumerate(zip(statuses, answers, strict=True), start=1))
    cases += (CaseData(4, "fb", Gender.MALE, "0–6 år", CaseStatus.DROPOUT, DropoutReason.OTHER, {}),)
    activity = Activity(activity=text, linked=text, responsible=text, due=date(2027, 3, 31), follow_up=text)
    analysis = Analysis(strengths=text, development_areas=text, keep_good=text, improvements=text,
                        dropout_comment=text, comparison_comment=text, filled_by=text, activities=(activity,))
    identity = UnitIdentity(f"Förvaltning {text}", f"Område {text}", unit, year, f"uuid-{unit}")
    return UnitData(identity, (ChecklistRef("fb", "1", "hash", f"Förhandsbedömning {text}"),), questions, cases,
                    analysis)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("text")


@pytest.mark.slow
@given(st.text(ANY_CHARACTER, max_size=80))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_gives_a_valid_workbook_pdf_and_json(out, text):
    data = unit_data(text, f"Enhet {text[:20]}")
    report = build_report(data)
    written = export_unit_report(report, out / "enhet.xlsx", out / "enhet.pdf")
    workbook_is_valid(out / "enhet.xlsx")
    pdf_is_valid(out / "enhet.pdf")
    back = read_unit_workbook(out / "enhet.xlsx")
    assert back.checksum_matches  # the Data sheet holds exactly the text its checksum was computed over
    assert back.data.analysis.strengths == safe_text(text, XLSX).strip()
    assert any("preliminärt" in notice for notice in written.notices)
    if any(not XLSX.holds(char) for char in text):
        assert any("Excel inte kan lagra" in notice for notice in written.notices)

    other = unit_data("vanlig text", "Annan enhet")
    summary = summarise([SummaryInput("enhet.xlsx", data), SummaryInput(f"{text}.xlsx", other)])
    export_summary(summary, out / "summa.xlsx", out / "summa.json", pdf=out / "summa.pdf")
    workbook_is_valid(out / "summa.xlsx")
    pdf_is_valid(out / "summa.pdf")
    loaded = json.loads((out / "summa.json").read_text(encoding="utf-8"))
    assert {level["namn"] for level in loaded["nivaer"]} >= {safe_text(f"Enhet {text[:20]}", JSON)}


# --- through the real file and the real commands -----------------------------------------------------
@pytest.fixture(scope="module")
def pasted(demo_round, tmp_path_factory) -> dict:
    """Mottagningen's file with what people paste: a vertical tab from Word, NUL, 20 000
    characters, 3 000 line breaks, emoji, Arabic, combining marks, a 250-word follow-up."""
    folder = tmp_path_factory.mktemp("inklistrat")
    source = folder / f"{UNIT} 2026.granskning"
    shutil.copy(demo_round / f"{UNIT} 2026.granskning", source)
    texts = {
        "strengths": f"Bra dokumentation{VERTICAL_TAB}från Word\x00 och {EMOJI}",
        "development_areas": ("Lång text " * 2000).strip(),
        "keep_good": "\n".join(f"rad {n}" for n in range(3000)),
        "improvements": f"{ARABIC} – {COMBINING}",
        "dropout_comment": f"Bortfall\x07 {EMOJI}",
    }
    session = open_review_file(source, reviewer="test")
    try:
        for name, text in texts.items():
            save_analysis_text(session, name, text)
        save_activities(session, [Activity(activity=f"Aktivitet{VERTICAL_TAB}{EMOJI}", linked="F1",
                                           responsible="Enhetschef", due=date(2027, 3, 31), follow_up=LONG_FOLLOW_UP)])
    finally:
        session.close()
    result = run_cli("rapport", str(source), "-o", str(folder / "r.xlsx"), "--pdf", str(folder / "r.pdf"))
    return {"source": source, "folder": folder, "texts": texts, "result": result}


def test_rapport_succeeds_and_tells_what_was_replaced(pasted):
    result = pasted["result"]
    assert result.returncode == 0, result.stderr
    assert f"tecken som Excel inte kan lagra ersattes med {REPLACEMENT}" in result.stderr
    assert f"tecken som pdf-typsnittet inte kan rita ersattes med {REPLACEMENT}" in result.stderr  # the emoji
    assert "höger-till-vänster" in result.stderr
    workbook_is_valid(pasted["folder"] / "r.xlsx")
    cells = {row[0]: row[1] for row in openpyxl.load_workbook(pasted["folder"] / "r.xlsx")["Analys"]
             .iter_rows(values_only=True) if row[0]}
    assert cells["Vad fungerar bra?"] == f"Bra dokumentation{REPLACEMENT}från Word{REPLACEMENT} och {EMOJI}"
    assert cells["Hur behåller vi goda resultat?"].count("\n") == 2999
    assert cells["Vilka förbättringsaktiviteter behöver vi vidta?"] == f"{ARABIC} – {COMBINING}"


def test_the_granskningsfil_keeps_the_text_as_typed(pasted):
    from aktgranskning.services.opening import open_for_reading

    session = open_for_reading(pasted["source"])
    try:
        analysis = read_analysis(session)
    finally:
        session.close()
    for name, text in pasted["texts"].items():
        assert analysis.text(name) == text, name
    assert analysis.activities[0].activity == f"Aktivitet{VERTICAL_TAB}{EMOJI}"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils saknas")
def test_the_long_texts_flow_across_pdf_pages(pasted):
    pages = pdf_is_valid(pasted["folder"] / "r.pdf")
    text = pdf_text(pasted["folder"] / "r.pdf")
    assert pages >= 8  # 3 000 lines and 20 000 characters do not fit on a page or two
    assert "SLUTORD" in text and "uppföljningsord0" in text
    assert "rad 2999" in text
    assert "👍" not in text and REPLACEMENT in text  # the font has no emoji: replaced, visibly


def test_a_summary_with_the_pasted_text_is_whole_in_every_format(pasted, demo_round):
    folder = pasted["folder"]
    others = [demo_round / "Utredning barn 2026.granskning", demo_round / "Utredning ungdom 2026.granskning"]
    result = run_cli("sammanstall", str(folder / "r.xlsx"), *map(str, others), "-o", str(folder / "s.xlsx"),
                     "--json", str(folder / "s.json"), "--pdf", str(folder / "s.pdf"))
    assert result.returncode == 0, result.stderr
    workbook_is_valid(folder / "s.xlsx")
    pdf_is_valid(folder / "s.pdf")
    json.loads((folder / "s.json").read_text(encoding="utf-8"))
    activities = openpyxl.load_workbook(folder / "s.xlsx")["Förbättringsaktiviteter"]
    assert any(row[6] and "SLUTORD" in row[6] for row in activities.iter_rows(values_only=True))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice saknas")
def test_libreoffice_opens_the_workbooks(pasted, tmp_path):
    folder = pasted["folder"]
    for name in ("r.xlsx", "s.xlsx"):
        if not (folder / name).exists():
            continue
        result = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                                 "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
                                 "--outdir", str(tmp_path), str(folder / name)],
                                capture_output=True, text=True, timeout=180)
        csv = tmp_path / name.replace(".xlsx", ".csv")
        assert result.returncode == 0 and csv.exists(), result.stderr
        assert "PRELIMINÄR" in csv.read_text(encoding="utf-8", errors="replace")


def test_no_text_reaches_the_workbook_xml_unreplaced(pasted):
    for name, xml in zip_member_texts(pasted["folder"] / "r.xlsx").items():
        assert VERTICAL_TAB not in xml and "\x00" not in xml and "\x07" not in xml, name


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils saknas")
def test_a_very_long_activity_is_printed_whole_after_the_table(out):
    import dataclasses

    lines = "\n".join(f"steg {n}" for n in range(3000))
    data = unit_data("text", "Enhet")
    activity = Activity(activity="Arbeta med planerna " * 300, follow_up=lines)
    data = dataclasses.replace(data, analysis=dataclasses.replace(data.analysis, activities=(activity,)))
    export_unit_report(build_report(data), None, out / "lang.pdf")
    text = pdf_text(out / "lang.pdf")
    assert pdf_is_valid(out / "lang.pdf") > 30
    flowing = " ".join(text.split())
    assert "hela texten står under tabellen: Aktivitet 1, uppföljning)" in flowing
    assert "hela texten står under tabellen: Aktivitet 1)" in flowing  # the activity's own column
    assert "steg 0" in text and "steg 2999" in text
