"""Broken and hostile imports: never an unhandled exception, always a message naming the file.

The fuzz tests count the inputs they tried; `AKTGRANSKNING_FUZZ` sets the count (40 per reader in
the default run; the slow run, as CI runs it, reruns them with 600)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aktgranskning.domain.errors import FileProblem
from aktgranskning.excel import tables
from aktgranskning.excel.case_list import read_case_list
from aktgranskning.excel.sample_list import read_sample_list
from tests.support.many_examples import examples, rerun_with_many_examples

EXAMPLES = examples(40)
HEADERS = ["Ärendenummer", "Kön", "Ålder", "Personnummer", "Handläggare", "Ärendetyp", "Enhet", "Inkom", "Födelseår",
           "Reserv", "Namn", "", "x"]
CELLS = st.one_of(st.sampled_from(["", "K", "M", "7", "abc", "20150304-1234", "2026-02-30", "=1+1", "\"", ";", ","]),
                  st.text(max_size=12))


@st.composite
def csv_files(draw):
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=6))
    rows = draw(st.lists(st.lists(CELLS, max_size=7), max_size=6))
    text = "\n".join(delimiter.join(r) for r in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


def _never_crashes(read, path: Path) -> None:
    try:
        read(path)
    except FileProblem as problem:
        assert str(path) in problem.message


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_files())
def test_fuzz_case_list_csv(tmp_path, data):
    path = tmp_path / "lista.csv"
    path.write_bytes(data)
    _never_crashes(read_case_list, path)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_files())
def test_fuzz_sample_list_csv(tmp_path, data):
    path = tmp_path / "urval.csv"
    path.write_bytes(data)
    _never_crashes(read_sample_list, path)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".xlsx", ".csv"]))
def test_fuzz_random_bytes(tmp_path, data, suffix):
    path = tmp_path / f"fil{suffix}"
    path.write_bytes(data)
    _never_crashes(read_case_list, path)


def _xlsx_with_sheet_xml(path: Path, sheet_xml: str) -> Path:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode("utf-8")
            target.writestr(item, data)
    return path


def test_external_entity_is_refused(tmp_path):
    secret = tmp_path / "hemlig.txt"
    secret.write_text("HEMLIGT", encoding="utf-8")
    xml = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>')
    path = _xlsx_with_sheet_xml(tmp_path / "xxe.xlsx", xml)
    with pytest.raises(FileProblem) as caught:
        read_case_list(path)
    assert str(path) in caught.value.message and "HEMLIGT" not in caught.value.message


def test_entity_expansion_is_refused(tmp_path):
    xml = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
           '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData></worksheet>')
    path = _xlsx_with_sheet_xml(tmp_path / "bomb.xlsx", xml)
    with pytest.raises(FileProblem, match="kunde inte läsas"):
        read_case_list(path)


def test_zip_bomb_is_refused_before_unpacking(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_UNPACKED_BYTES", 20 * 1024 * 1024)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    with pytest.raises(FileProblem, match="packas upp till 40 MB"):
        read_case_list(path)


def test_formulas_are_never_evaluated(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Ärendenummer", "Kön"])
    workbook.active.append(["=HYPERLINK(\"http://example.invalid\")", "K"])
    path = tmp_path / "formel.xlsx"
    workbook.save(path)
    with pytest.raises(FileProblem, match="rad 2, kolumn Ärendenummer"):
        read_case_list(path)  # no cached value: the cell is empty, not the formula's result


def test_ragged_rows_are_read(tmp_path):
    path = tmp_path / "ojamn.csv"
    path.write_text("Ärendenummer;Kön;Ålder\nA-1\nA-2;K;5;extra;fler\n", encoding="utf-8")
    result = read_case_list(path)
    assert [c.case_number for c in result.cases] == ["A-1", "A-2"]


MATRIX_CELLS = st.one_of(
    st.sampled_from(["", "Ja", "nej", "X", "x", "Nej*", "Ja**", "*", "(1)", "?", "Förhandsbedömningar 2023",
                     "Utredningar", "Har anmälare dokumenterats?", "1. Framgår anledning till anmälan",
                     "2023-0101", "=1+1", "* Uppgift saknas"]),
    st.text(max_size=10),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(MATRIX_CELLS, max_size=6), max_size=12))
def test_fuzz_result_matrix(tmp_path, rows):
    from aktgranskning.services.matrix_import import read_matrix

    path = tmp_path / "matris.csv"
    path.write_text("\n".join(";".join(cell.replace(";", ",").replace("\n", " ") for cell in row) for row in rows),
                    encoding="utf-8")
    _never_crashes(lambda p: read_matrix(p, "F", "O", "E", 2023), path)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_fuzz_result_matrix_and_enhet_workbook_random_bytes(tmp_path, data):
    from aktgranskning.excel.unit_workbook_reader import read_unit_workbook
    from aktgranskning.services.matrix_import import read_matrix

    path = tmp_path / "fil.xlsx"
    path.write_bytes(data)
    _never_crashes(lambda p: read_matrix(p, "F", "O", "E", 2023), path)
    _never_crashes(read_unit_workbook, path)


def test_a_workbook_that_is_no_enhet_report_is_refused_by_name(tmp_path):
    from openpyxl import Workbook

    from aktgranskning.excel.unit_workbook_reader import read_unit_workbook

    path = tmp_path / "något annat.xlsx"
    book = Workbook()
    book.active.title = "Data"
    book.active["A1"] = "inte vår data"
    book.save(path)
    with pytest.raises(FileProblem) as problem:
        read_unit_workbook(path)
    assert "något annat.xlsx" in problem.value.message


@pytest.fixture(scope="module")
def enhet_workbook(tmp_path_factory) -> Path:
    from aktgranskning.services.checklists import installed_checklists
    from aktgranskning.services.opening import open_for_reading
    from aktgranskning.services.report import export_unit_report, unit_report
    from tests.support.demo_cache import copy_demo

    folder = tmp_path_factory.mktemp("hand")
    copy_demo(folder / "demo", installed_checklists(), year=2026)
    session = open_for_reading(folder / "demo" / "Mottagningen 2025.granskning")
    try:
        path = export_unit_report(unit_report(session), folder / "M.xlsx", None)[0]
    finally:
        session.close()
    return path


# Text a person can type into a cell (control characters cannot be stored in xlsx at all).
TYPED = st.one_of(MATRIX_CELLS.filter(lambda t: t.isprintable()),
                  st.sampled_from(["Ja", "Nej", "X", "klar", "bortfall", "akten_saknas", "kvinna", "1", "2026"]))


@settings(max_examples=max(20, EXAMPLES // 8), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.slow
@given(edits=st.lists(st.tuples(st.integers(1, 60), st.integers(1, 12), TYPED), min_size=1, max_size=6))
def test_fuzz_hand_edited_enhet_workbooks(tmp_path, enhet_workbook, edits):
    """Cells of the Data sheet changed by hand, anywhere: read with a message or flagged, never a crash."""
    from openpyxl import load_workbook

    from aktgranskning.excel.unit_workbook_reader import read_unit_workbook

    path = tmp_path / "handändrad.xlsx"
    path.write_bytes(enhet_workbook.read_bytes())
    book = load_workbook(path)
    for row, column, value in edits:
        book["Data"].cell(row=row, column=column).value = value or None
    book.save(path)
    try:
        read_unit_workbook(path)
    except FileProblem as problem:
        assert "handändrad.xlsx" in problem.message


@pytest.mark.slow
def test_the_fuzzers_with_many_examples():
    rerun_with_many_examples(__file__, "fuzz", 600)
