"""The enhet workbook read back by two independent readers, compared with `status --json`."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from aktgranskning.excel.unit_workbook_reader import read_unit_workbook
from aktgranskning.services.analysis import save_analysis_text
from aktgranskning.services.opening import open_review_file
from aktgranskning.services.report import export_unit_report, unit_report
from tests.support.workbook_text import zip_text

from .conftest import run_cli


def expected_counts(status: dict) -> dict[str, tuple[int, int, int, int]]:
    return {q["id"]: (q["ja"], q["nej"], q["x"], q["obesvarad"]) for q in status["fragor"]}


def test_the_results_sheet_has_the_counts_of_status_json(exported):
    sheet = openpyxl.load_workbook(exported["workbook"])["Resultat"]
    texts = {(q["checklista"], q["text"]): q for q in exported["status"]["fragor"]}
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Nr")
    assert list(header[:9]) == ["Nr", "Avsnitt", "Fråga", "Ja", "Nej", "X", "Obesvarad", "Andel Ja", "Resultat"]
    seen = 0
    checklist = None
    for row in sheet.iter_rows(values_only=True):
        if row[0] and row[1] is None and " – " in str(row[0]) and "akter" in str(row[0]):
            checklist = "forhandsbedomning" if str(row[0]).startswith("Förhandsbedömning") else "utredning"
            continue
        if checklist and isinstance(row[0], str) and row[0][:1] in "FU" and row[0][1:].isdigit():
            q = texts[(checklist, re.sub(r" \(grön först vid \d+ %\)$", "", row[2]))]  # a question's own limit
            assert tuple(row[3:7]) == (q["ja"], q["nej"], q["x"], q["obesvarad"]), row[2]
            assert row[7] == pytest.approx(q["andel"]) if q["andel"] is not None else row[7] is None
            seen += 1
    assert seen == len(exported["status"]["fragor"]) == 14 + 25  # förhandsbedömning and utredning


def test_a_second_reader_recounts_the_data_sheet_to_the_same_numbers(exported):
    rows = CalamineWorkbook.from_path(str(exported["workbook"])).get_sheet_by_name("Data").to_python()
    header_index = next(i for i, r in enumerate(rows) if r and r[0] == "lopnummer")
    header = rows[header_index]
    column = {name: header.index(name) for name in header if name}
    counts: dict[str, Counter] = {}
    cases = set()
    for row in rows[header_index + 1:]:
        if not row or row[0] == "":
            continue
        cases.add(int(row[column["lopnummer"]]))
        if row[column["fraga_id"]]:
            counts.setdefault(row[column["fraga_id"]], Counter())[row[column["svar"]] or "obesvarad"] += 1
    recounted = {qid: (c["Ja"], c["Nej"], c["X"], c["obesvarad"]) for qid, c in counts.items()}
    assert recounted == expected_counts(exported["status"])
    # the 20 drawn cases (one a dropout) and the reserve that replaced it; unused reserves are left out
    assert len(cases) == exported["status"]["akter"]["totalt"] == 21 and cases == set(range(1, 22))


def test_our_reader_gives_back_the_same_results_and_a_matching_checksum(exported):
    book = read_unit_workbook(exported["workbook"])
    assert book.checksum_matches
    from aktgranskning.domain.unit_data import question_tallies

    recounted = {t.question.question_id: (t.tally.yes, t.tally.no, t.tally.not_applicable, t.tally.unanswered)
                 for t in question_tallies(book.data)}
    assert recounted == expected_counts(exported["status"])
    assert book.data.identity.unit == "Mottagningen" and book.data.identity.year == 2026
    assert {c.id for c in book.data.checklists} == {"forhandsbedomning", "utredning"}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils saknas (apt-get install poppler-utils)")
def test_no_case_number_caseworker_code_or_comment_appears_in_workbook_or_pdf(exported, tmp_path):
    secrets = {a["arendenummer"] for a in exported["status"]["arenden"]}
    secrets |= {a["handlaggare"] for a in exported["status"]["arenden"]}
    assert len(secrets) > 20
    xml = zip_text(exported["workbook"])
    pdf_text = subprocess.run(["pdftotext", str(exported["pdf"]), "-"], capture_output=True, text=True,
                              check=True).stdout
    assert "Mottagningen 2026" in pdf_text and "Förhandsbedömning" in pdf_text  # the extraction works
    for secret in secrets:
        assert secret not in xml, secret
        assert secret not in pdf_text, secret


def test_comments_never_reach_the_workbook(demo_round, tmp_path):
    source = tmp_path / "Mottagningen 2026.granskning"
    shutil.copy(demo_round / "Mottagningen 2026.granskning", source)
    session = open_review_file(source, reviewer="test")
    try:
        case = next(c for c in session.cases() if c.counts_in_results)
        first_question = next(session.checklist_for(case).questions()).id
        session.set_comment(case.id, first_question, "Mamman Kerstin Exempelsson ringde")
        written = export_unit_report(unit_report(session), tmp_path / "ut.xlsx", None)
    finally:
        session.close()
    xml = zip_text(written[0])
    assert "Exempelsson" not in xml


def test_text_that_looks_like_a_formula_is_written_as_text(demo_round, tmp_path):
    source = tmp_path / "Mottagningen 2026.granskning"
    shutil.copy(demo_round / "Mottagningen 2026.granskning", source)
    session = open_review_file(source, reviewer="test")
    try:
        save_analysis_text(session, "strengths", '=HYPERLINK("http://example.invalid","klicka")')
        save_analysis_text(session, "keep_good", "-1+2")
        target = export_unit_report(unit_report(session), tmp_path / "ut.xlsx", None)[0]
    finally:
        session.close()
    sheet = openpyxl.load_workbook(target)["Analys"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=3) if row[0].value}
    assert cells["Vad fungerar bra?"].data_type == "s"
    assert cells["Vad fungerar bra?"].value.startswith("=HYPERLINK")
    assert cells["Hur behåller vi goda resultat?"].data_type == "s"


def test_a_hand_edited_data_sheet_no_longer_matches_its_checksum(exported, tmp_path):
    edited = tmp_path / "redigerad.xlsx"
    book = openpyxl.load_workbook(exported["workbook"])
    sheet = book["Data"]
    for row in sheet.iter_rows():
        if row[10].value == "Nej":
            row[10].value = "Ja"
            break
    book.save(edited)
    assert read_unit_workbook(edited).checksum_matches is False
    untouched = tmp_path / "orörd.xlsx"
    openpyxl.load_workbook(exported["workbook"]).save(untouched)  # saved again by another program
    assert read_unit_workbook(untouched).checksum_matches is True


def test_an_interrupted_export_leaves_the_old_workbook_in_place(exported, tmp_path, monkeypatch):
    target = tmp_path / "Mottagningen 2026.xlsx"
    shutil.copy(exported["workbook"], target)
    before = target.read_bytes()
    session = open_review_file(exported["source"], reviewer="test", read_only=True)
    try:
        report = unit_report(session)
    finally:
        session.close()

    def failing_save(self, filename):  # the disk fills up half-way
        Path(filename).write_bytes(b"PK\x03\x04 halv fil")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", failing_save)
    with pytest.raises(Exception, match="kunde inte skrivas"):
        export_unit_report(report, target, None)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_print_setup_is_a4_fitted_to_width_with_repeated_headers(exported):
    book = openpyxl.load_workbook(exported["workbook"])
    assert book.sheetnames == ["Resultat", "Analys", "Förbättringsaktiviteter", "Bortfall", "Kön och ålder", "Data"]
    results = book["Resultat"]
    assert int(results.page_setup.paperSize) == 9  # A4
    assert results.page_setup.fitToWidth == 1 and results.sheet_properties.pageSetUpPr.fitToPage
    assert results.print_title_rows == "$6:$6"
    with zipfile.ZipFile(exported["workbook"]) as archive:  # openpyxl does not read charts back
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 2 and "<barChart>" in archive.read(charts[0]).decode()


def test_the_cli_refuses_to_compare_with_another_enhet(demo_round, tmp_path):
    result = run_cli("rapport", str(demo_round / "Mottagningen 2026.granskning"), "-o", str(tmp_path / "x.xlsx"),
                     "--jamfor", str(demo_round / "Utredning barn 2025.granskning"))
    assert result.returncode == 1
    assert "Utredning barn 2025.granskning" in result.stderr and "inte Mottagningen" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_comparing_with_last_years_workbook_equals_comparing_with_its_file(demo_round, tmp_path):
    last_year = tmp_path / "Mottagningen 2025.xlsx"
    assert run_cli("rapport", str(demo_round / "Mottagningen 2025.granskning"), "-o", str(last_year)).returncode == 0
    session = open_review_file(demo_round / "Mottagningen 2026.granskning", reviewer="t", read_only=True)
    try:
        from_file = unit_report(session, demo_round / "Mottagningen 2025.granskning")
        from_workbook = unit_report(session, last_year)
    finally:
        session.close()
    assert [(r.previous, r.change) for r in from_file.rows] == [(r.previous, r.change) for r in from_workbook.rows]
    assert len(from_workbook.previous.analysis.activities) == 3


@pytest.mark.slow  # starts LibreOffice: about 2 s
@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice saknas (apt-get install libreoffice-calc-nogui)")
def test_libreoffice_converts_the_workbook_cleanly(exported, tmp_path):
    result = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(exported["workbook"])],
        capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / exported["workbook"].with_suffix(".pdf").name
    assert result.returncode == 0 and pdf.exists(), result.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Mottagningen 2026 – resultat av aktgranskningen" in text
    assert "Har anmälare dokumenterats?" in text
