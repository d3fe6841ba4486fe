"""A question's own green limit (issue 16, part 6): where the law allows no exception a checklist
sets e.g. grans = 100, and every output colours and labels that question by it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from aktgranskning.checklist_files import (
    checklist_data,
    checklist_from_data,
    checklist_to_json,
    checklist_to_toml,
    load_checklist_file,
)
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, Gender
from aktgranskning.domain.errors import FileProblem
from aktgranskning.domain.matrix_import import import_matrix
from aktgranskning.domain.summary import SummaryInput, summarise, summary_warnings
from aktgranskning.domain.thresholds import FILL_COLOURS, Level, Thresholds, own_limit_note
from aktgranskning.domain.unit_data import CaseData, ChecklistRef, QuestionRef, UnitData, UnitIdentity
from aktgranskning.domain.unit_report import build_report
from aktgranskning.excel.checklist_workbook import write_checklist_workbook
from aktgranskning.excel.unit_workbook import SHARE_COLUMN
from aktgranskning.excel.unit_workbook_reader import read_unit_workbook
from aktgranskning.services.checklist_authoring import check_checklist_workbook
from aktgranskning.services.checklists import checklist_inventory
from aktgranskning.services.report import export_unit_report
from aktgranskning.services.summary import export_summary
from aktgranskning.services.unit_data import question_refs

from ..checklists.authoring import HEADER, QUESTIONS, authored_workbook

STRICT, NORMAL = "sk.skyndsam", "sk.dokumenterad"


def _checklist_data(limit: object | None = 100) -> dict:
    strict = {"id": STRICT, "text": "Gjordes skyddsbedömningen samma dag?", "svar": ["Ja", "Nej"]}
    if limit is not None:
        strict["grans"] = limit
    return {"id": "skydd", "version": "1", "titel": "Skydd", "arendetyp": "Skydd",
            "avsnitt": [{"id": "s", "rubrik": "Skyndsamhet",
                         "fragor": [strict, {"id": NORMAL, "text": "Är bedömningen dokumenterad?"}]}]}


def _unit(unit: str = "Mottagningen", limit: int | None = 100) -> UnitData:
    """20 akter: 19 Ja and 1 Nej on both questions, so each share is 95 %."""
    questions = (QuestionRef("skydd", "s", "Skyndsamhet", STRICT, "Gjordes skyddsbedömningen samma dag?", limit),
                 QuestionRef("skydd", "s", "Skyndsamhet", NORMAL, "Är bedömningen dokumenterad?"))
    cases = tuple(
        CaseData(n, "skydd", Gender.FEMALE, "18-25", CaseStatus.DONE,
                 answers={STRICT: Answer.NO if n == 1 else Answer.YES, NORMAL: Answer.NO if n == 1 else Answer.YES})
        for n in range(1, 21))
    return UnitData(UnitIdentity("Socialförvaltningen", "Område A", unit, 2026, f"uuid-{unit}"),
                    (ChecklistRef("skydd", "1", "hash", "Skydd"),), questions, cases)


def test_a_question_that_must_be_100_percent_is_not_green_at_95_while_a_normal_one_is():
    thresholds = Thresholds(good=90, fair=75)
    strict, normal = _unit().questions
    assert thresholds.for_question(strict).level(0.95) is Level.FAIR
    assert thresholds.for_question(strict).level(1.0) is Level.GOOD
    assert thresholds.for_question(normal).level(0.95) is Level.GOOD
    rows = {row.question.question_id: row for row in build_report(_unit()).blocks[0].rows}
    assert rows[STRICT].level is Level.FAIR and rows[NORMAL].level is Level.GOOD


def test_an_own_limit_below_the_yellow_one_caps_yellow():
    limits = Thresholds(good=90, fair=75).for_question(QuestionRef("c", "s", "S", "q", "t", 60))
    assert (limits.good, limits.fair) == (60, 60)
    assert limits.level(0.59) is Level.POOR and limits.level(0.60) is Level.GOOD


def test_toml_round_trip_keeps_the_limit_and_a_checklist_without_one_keeps_its_hash(tmp_path):
    checklist = checklist_from_data(_checklist_data(), source="skydd.toml")
    assert checklist.question(STRICT).green_limit == 100 and checklist.question(NORMAL).green_limit is None
    path = tmp_path / "skydd.toml"
    path.write_text(checklist_to_toml(checklist), encoding="utf-8")
    assert "grans = 100" in path.read_text(encoding="utf-8")
    again = load_checklist_file(path)
    assert again.question(STRICT).green_limit == 100 and again.content_hash == checklist.content_hash
    without = checklist_from_data(_checklist_data(limit=None), source="skydd.toml")
    assert without.content_hash != checklist.content_hash
    assert "grans" not in checklist_to_json(checklist_data(without))  # stored files keep their hashes


@pytest.mark.parametrize("limit", [101, -1, "100", 99.5, True])
def test_a_limit_that_is_no_percent_is_refused_naming_the_question(limit):
    with pytest.raises(FileProblem) as problem:
        checklist_from_data(_checklist_data(limit), source="skydd.toml")
    message = str(problem.value)
    assert "skydd.toml" in message and STRICT in message and "”grans” ska vara ett heltal mellan 0 och 100" in message


def test_excel_export_and_check_round_trip_keeps_the_limit(tmp_path):
    checklist = checklist_from_data(_checklist_data(), source="skydd.toml")
    path = write_checklist_workbook(checklist, tmp_path / "skydd.xlsx")
    sheet = openpyxl.load_workbook(path)["Frågor"]
    assert [c.value for c in sheet[1]][-1] == "grans" and sheet["I2"].value == 100 and sheet["I3"].value is None
    result = check_checklist_workbook(path, checklist_inventory())
    assert result.ok, result.lines()
    assert result.checklist is not None and result.checklist.content_hash == checklist.content_hash


def test_an_authored_workbook_reads_a_limit_typed_as_percent_and_refuses_a_word(tmp_path):
    def as_percent(_meta, sheet) -> None:
        sheet.cell(row=1, column=len(HEADER) + 1, value="Gräns")
        sheet.cell(row=2, column=len(HEADER) + 1, value=1).number_format = "0 %"  # typed "100 %"
        sheet.cell(row=4, column=len(HEADER) + 1, value="95 %")

    result = check_checklist_workbook(authored_workbook(tmp_path / "u.xlsx", as_percent), checklist_inventory())
    assert result.ok, result.lines()
    assert result.checklist is not None
    assert [result.checklist.question(row[0]).green_limit for row in QUESTIONS] == [100, None, 95]

    def a_word(_meta, sheet) -> None:
        sheet.cell(row=1, column=len(HEADER) + 1, value="grans")
        sheet.cell(row=3, column=len(HEADER) + 1, value="hundra")

    broken = check_checklist_workbook(authored_workbook(tmp_path / "b.xlsx", a_word), checklist_inventory())
    assert [(p.sheet, p.row, p.column) for p in broken.problems] == [("Frågor", 3, "grans")]
    assert "”hundra” ska vara ett heltal mellan 0 och 100" in broken.problems[0].text


def _pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())  # lines wrapped on paper read as one


def test_the_enhet_workbook_and_pdf_show_the_limit_and_the_workbook_reads_it_back(tmp_path):
    report = build_report(_unit())
    workbook, pdf = tmp_path / "enhet.xlsx", tmp_path / "enhet.pdf"
    export_unit_report(report, workbook, pdf)
    read = read_unit_workbook(workbook)
    assert read.checksum_matches
    assert {q.question_id: q.green_limit for q in read.data.questions} == {STRICT: 100, NORMAL: None}
    results = openpyxl.load_workbook(workbook)["Resultat"]
    rows = {str(row[2].value): row[0].row for row in results.iter_rows(min_row=7) if row[2].value}
    strict = rows[f"Gjordes skyddsbedömningen samma dag? {own_limit_note(report.data.questions[0])}"]
    normal = rows["Är bedömningen dokumenterad?"]
    assert "egen gräns" in str(results["A4"].value)  # the limits statement says so
    # each share cell is coloured by its own rules: green from 100 for the strict one, from 90 else
    share = get_column_letter(SHARE_COLUMN)
    green_from = {}
    for rules in results.conditional_formatting:
        for cell in (f"{share}{strict}", f"{share}{normal}"):
            if cell in rules.sqref:
                green_from[cell] = rules.rules[0].formula[0].rsplit(">=", 1)[1].rstrip(")")
    assert green_from == {f"{share}{strict}": "100", f"{share}{normal}": "90"}
    if shutil.which("pdftotext"):
        text = _pdf_text(pdf)
        assert "(grön först vid 100 %)" in text and "egen gräns" in text


def test_a_workbook_with_no_own_limits_reads_as_older_ones_do(tmp_path):
    workbook = tmp_path / "enhet.xlsx"
    export_unit_report(build_report(_unit(limit=None)), workbook, None)
    data_sheet = openpyxl.load_workbook(workbook)["Data"]
    assert not any(row[0].value == "fraga_grans" for row in data_sheet.iter_rows())
    read = read_unit_workbook(workbook)
    assert read.checksum_matches and all(q.green_limit is None for q in read.data.questions)


def test_the_summary_colours_by_the_strictest_limit_says_so_and_shows_it(tmp_path):
    summary = summarise([SummaryInput("a.xlsx", _unit("Mottagningen")),
                         SummaryInput("b.xlsx", _unit("Utredningen", limit=None))])
    assert {q.question_id: q.green_limit for q in summary.questions}[STRICT] == 100
    warnings = [str(w) for w in summary_warnings(summary)]
    assert any(STRICT in w and "a.xlsx: 100 %" in w and "b.xlsx: ingen" in w for w in warnings), warnings
    assert not any(NORMAL in w and "olika egna gränser" in w for w in warnings), warnings  # both have none
    workbook, pdf = tmp_path / "summa.xlsx", tmp_path / "summa.pdf"
    export_summary(summary, workbook, None, pdf=pdf)
    sheet = openpyxl.load_workbook(workbook)["Sammanställning"]
    rows = {str(row[1].value): row for row in sheet.iter_rows(min_row=7) if row[1].value}
    strict = rows["Gjordes skyddsbedömningen samma dag? (grön först vid 100 %)"]
    normal = rows["Är bedömningen dokumenterad?"]
    assert strict[2].value == normal[2].value  # the same 95 % ...
    assert strict[2].fill.fgColor.rgb[-6:] == FILL_COLOURS[Level.FAIR][1:]  # ... yellow for the strict one
    assert normal[2].fill.fgColor.rgb[-6:] == FILL_COLOURS[Level.GOOD][1:]
    assert "egen gräns" in str(sheet["A4"].value)
    if shutil.which("pdftotext"):
        text = _pdf_text(pdf)
        assert "(grön först vid 100 %)" in text and "egen gräns" in text


def test_a_matrix_import_keeps_the_checklists_limit():
    checklist = checklist_from_data(_checklist_data(), source="skydd.toml")
    rows = [(1, ["Skydd 2023"]), (2, ["Fråga", "A-1"]), (3, ["Gjordes skyddsbedömningen samma dag?", "Ja"]),
            (4, ["Är bedömningen dokumenterad?", "Ja"])]
    imported = import_matrix(rows, [checklist], _unit().identity)
    assert {q.question_id: q.green_limit for q in imported.data.questions} == {STRICT: 100, NORMAL: None}


def test_a_granskningsfils_checklist_gives_its_questions_their_limit():
    checklist = checklist_from_data(_checklist_data(), source="skydd.toml")
    assert [(q.question_id, q.green_limit) for q in question_refs([checklist])] == [(STRICT, 100), (NORMAL, None)]
