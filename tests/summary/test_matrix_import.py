"""Earlier years' Excel matrices: counts exactly as by hand, and every odd cell reported."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.cli_runner import run_in_process

FB = [
    "Har anmälare dokumenterats?",
    "Framgår anledning till anmälan?",
    "Har förhandsbedömning genomförts skyndsamt?",
]
UT = ["Framgår anledning till utredning?", "Har utredning genomförts skyndsamt?"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_in_process(*args)


@pytest.fixture
def matrix(tmp_path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    rows = [
        ["Aktgranskning 2023, Mottagningen"],
        [],
        ["Förhandsbedömningar 2023 (4 akter)"],
        ["Fråga", "2023-0101", "2023-0102", "2023-0103", "2023-0104"],
        ["1. Har anmälare dokumenterats?", "Ja", "ja", "Nej*", "X"],
        ["Framgår  anledning till anmälan", "Ja", "Ja", "Ja", "*"],  # spacing, no '?', bare marker
        ["Har förhandsbedömningen genomförts skyndsamt?", "Nej", "", "Ja**", "Nej"],  # near wording, empty
        ["Hur mår personalen?", "Ja", "Ja", "Ja", "Ja"],  # not in the checklist
        ["* Uppgift saknas i akten.  ** Enligt muntlig uppgift."],
        [],
        ["Utredningar 2023"],
        ["", "2023-0201", "2023-0202"],
        ["Framgår anledning till utredning?", "x", "Ja"],
        ["Har utredning genomförts skyndsamt?", "Nej", "?"],
    ]
    for row in rows:
        sheet.append(row)
    path = tmp_path / "Mottagningen 2023.xlsx"
    book.save(path)
    return path


def test_the_matrix_gives_exactly_the_counts_by_hand_and_reports_every_odd_cell(matrix, tmp_path):
    target = tmp_path / "ut" / "Mottagningen 2023.xlsx"
    result = run_cli("importera-resultat", str(matrix), "-o", str(target), "--forvaltning", "F", "--omrade", "O",
                     "--enhet", "Mottagningen", "--ar", "2023")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Block: Förhandsbedömning" in out and "4 akter" in out and "2 akter" in out
    assert "rad 5, kolumn D (akt 2023-0103): ”Nej*” lästes som Nej (fotnotsmarkering)" in out
    assert "rad 6, kolumn E (akt 2023-0104): ”*” (uppgift saknas) räknas som obesvarad" in out
    assert "rad 7, kolumn A: ”Har förhandsbedömningen genomförts skyndsamt?” matchades mot" in out
    assert "rad 7, kolumn C (akt 2023-0102): tom cell" in out
    assert "rad 8, kolumn A: frågan känns inte igen och lästes inte: ”Hur mår personalen?”" in out
    assert "rad 9: fotnot" in out
    assert "rad 14, kolumn C (akt 2023-0202): ”?” är inget Ja/Nej/X" in out
    status = json.loads(run_cli("sammanstall", str(target), "--json", str(tmp_path / "s.json")).stdout and
                        (tmp_path / "s.json").read_text())
    unit = next(level for level in status["nivaer"] if level["niva"] == "enhet")
    counts = {q["id"]: (q["ja"], q["nej"], q["x"], q["obesvarad"]) for q in unit["fragor"]}
    assert counts["fb.anmalare"] == (2, 1, 1, 0)
    assert counts["fb.anledning"] == (3, 0, 0, 1)
    assert counts["fb.skyndsamt"] == (1, 2, 0, 1)
    assert counts["ut.anledning"] == (1, 0, 1, 0)
    assert counts["ut.skyndsamt"] == (0, 1, 0, 1)
    assert unit["akter"]["totalt"] == 6


def test_case_numbers_of_the_matrix_are_not_kept(matrix, tmp_path):
    target = tmp_path / "M.xlsx"
    assert run_cli("importera-resultat", str(matrix), "-o", str(target), "--forvaltning", "F", "--omrade", "O",
                   "--enhet", "M", "--ar", "2023").returncode == 0
    xml = zip_text(target)
    assert "2023-0101" not in xml and "2023-0202" not in xml


def test_a_bare_marker_can_be_counted_as_x_but_never_as_ja_or_nej(matrix, tmp_path):
    target = tmp_path / "M.xlsx"
    result = run_cli("importera-resultat", str(matrix), "-o", str(target), "--forvaltning", "F", "--omrade", "O",
                     "--enhet", "M", "--ar", "2023", "--markering", "x")
    assert result.returncode == 0 and "räknas som X" in result.stdout
    refused = run_cli("importera-resultat", str(matrix), "-o", str(target), "--forvaltning", "F", "--omrade", "O",
                      "--enhet", "M", "--ar", "2023", "--markering", "ja")
    assert refused.returncode != 0 and "ogiltigt val" in refused.stderr


def test_a_sheet_without_blocks_is_refused_with_the_file_named(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Något helt annat"])
    path = tmp_path / "fel.xlsx"
    book.save(path)
    result = run_cli("importera-resultat", str(path), "-o", str(tmp_path / "x.xlsx"), "--forvaltning", "F",
                     "--omrade", "O", "--enhet", "M", "--ar", "2023")
    assert result.returncode == 1 and "fel.xlsx" in result.stderr and "Inget block" in result.stderr


# --- the checklist's conditions and the source's bortfall, at the domain level ------------------

from aktgranskning.domain.answers import Answer  # noqa: E402
from aktgranskning.domain.case import CaseStatus, DropoutReason  # noqa: E402
from aktgranskning.domain.matrix_import import import_matrix  # noqa: E402
from aktgranskning.domain.unit_data import UnitIdentity, question_tallies  # noqa: E402
from tests.support.workbook_text import zip_text  # noqa: E402

IDENTITY = UnitIdentity("F", "O", "Enheten", 2023, "uuid-test")
TALS = "Har barnet fått komma till tals?"
TALS_ORSAK = "Om nej, har orsak dokumenterats?"


def _rows(*rows):
    return [(number, list(cells)) for number, cells in enumerate(rows, start=1)]


def _tally(result, question_id):
    return next(t.tally for t in question_tallies(result.data) if t.question.question_id == question_id)


def test_a_follow_up_answered_when_its_parent_was_ja_counts_as_x_and_is_listed(checklists):
    rows = _rows(
        ["Utredningar 2023"],
        ["Fråga", "U-1", "U-2", "U-3", "U-4"],
        [TALS, "Ja", "Nej", "", "Ja"],
        [TALS_ORSAK, "Nej", "Ja", "Ja", "X"],
    )
    result = import_matrix(rows, checklists, IDENTITY, sheet="Blad1")
    orsak = _tally(result, "ut.barnet_till_tals_orsak")
    # U-1: parent Ja → the Nej counts as X; U-2: applies → Ja; U-3: parent unanswered → unanswered;
    # U-4: X where it does not apply is simply X.
    assert (orsak.yes, orsak.no, orsak.not_applicable, orsak.unanswered) == (1, 0, 2, 1)
    listed = {(n.row, n.column, n.case) for n in result.condition_notes}
    assert listed == {(4, "B", "U-1"), (4, "D", "U-3")}
    first = next(n for n in result.condition_notes if n.case == "U-1")
    assert first.place == "blad Blad1, rad 4, kolumn B (akt U-1)"
    assert "”Har barnet fått komma till tals?” besvarats Nej" in first.message and "där står Ja" in first.message
    assert "Svaret Nej räknades som X" in first.message
    undetermined = next(n for n in result.condition_notes if n.case == "U-3")
    assert "obesvarad" in undetermined.message and "Svaret Ja räknades som obesvarat" in undetermined.message



def test_an_empty_follow_up_that_did_not_apply_is_x_without_a_note(checklists):
    rows = _rows(["Utredningar 2023"], ["Fråga", "U-1"], [TALS, "Ja"], [TALS_ORSAK, ""])
    result = import_matrix(rows, checklists, IDENTITY)
    assert result.data.cases[0].answers["ut.barnet_till_tals_orsak"] is Answer.NOT_APPLICABLE
    assert not [n for n in result.notes if n.row == 4]


def test_a_case_is_klar_only_when_a_review_could_mark_it_klar(checklists_by_id, checklists):
    utredning = checklists_by_id["utredning"]
    complete = [[q.text, "Nej" if q.condition is None else "Ja"] for q in utredning.questions()]
    missing_parent = [row if row[0] != TALS else [TALS, ""] for row in complete]
    rows = _rows(["Utredningar"], ["", "U-1"], *complete, [], ["Utredningar"], ["", "U-2"], *missing_parent)
    first, second = import_matrix(rows, checklists, IDENTITY).data.cases
    assert first.status is CaseStatus.DONE
    assert second.status is CaseStatus.IN_PROGRESS  # the parent is unanswered, so is its follow-up


def test_columns_the_source_marks_as_no_valid_case_become_bortfall_with_the_reason(checklists):
    rows = _rows(
        ["Förhandsbedömningar 2023"],
        ["Fråga", "F-1", "F-2 (felaktigt urval)", "F-3", "F-4", "F-5"],
        ["Har anmälare dokumenterats?", "Ja", "", "Ej aktuellt ärende", "Ja", "Nej"],
        ["Framgår anledning till anmälan?", "Ja", "", "", "Nej", "Ja"],
        ["Bortfall", "", "", "", "Akten saknas", ""],
        ["Kommentar", "Bra akt", "", "", "", "Tillhör annan kommun"],
    )
    result = import_matrix(rows, checklists, IDENTITY)
    cases = result.data.cases
    assert [c.status for c in cases] == [CaseStatus.DONE, *[CaseStatus.DROPOUT] * 4]
    assert [c.dropout_reason for c in cases[1:]] == [
        DropoutReason.WRONG_SAMPLE, DropoutReason.WRONG_SAMPLE, DropoutReason.FILE_MISSING, DropoutReason.OTHER_UNIT,
    ]
    assert result.data.counted == 1 and len(result.data.dropouts) == 4
    anmalare = _tally(result, "fb.anmalare")
    assert (anmalare.yes, anmalare.no) == (1, 0)  # the dropouts' answers do not count
    notes = {n.case: n.message for n in result.notes if "bortfall" in n.message}
    assert notes["F-4"] == "”Akten saknas”: akten räknas som bortfall (Akten saknas); kolumnens 2 svar räknades inte"
    assert "Felaktigt urval" in notes["F-2 (felaktigt urval)"] and "Felaktigt urval" in notes["F-3"]
    assert "annan kommun" in notes["F-5"]
    assert any(n.case == "F-1" and "kommentar, lästes inte: ”Bra akt”" in n.message for n in result.notes)


def test_ej_aktuellt_alone_is_x_not_a_bortfall(checklists):
    rows = _rows(["Förhandsbedömningar"], ["", "F-1"], ["Har anmälare dokumenterats?", "ej aktuellt"])
    case = import_matrix(rows, checklists, IDENTITY).data.cases[0]
    assert case.status is not CaseStatus.DROPOUT and case.answers["fb.anmalare"] is Answer.NOT_APPLICABLE


def test_an_answer_the_question_does_not_allow_is_not_counted(checklists):
    rows = _rows(["Förhandsbedömningar"], ["", "F-1"], ["Har beslut fattats av behörig delegat?", "X"])
    result = import_matrix(rows, checklists, IDENTITY)
    assert result.data.cases[0].answers["fb.behorig_delegat"] is None
    assert any("inte tillåtet" in n.message for n in result.notes)


def test_the_cli_lists_answers_to_questions_that_did_not_apply_and_bortfall(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Resultat 2023"
    for row in (["Utredningar 2023"], ["", "2023-0201", "2023-0202"], [TALS, "Ja", "Ja"],
                [TALS_ORSAK, "Nej", ""], ["Orsak till bortfall", "", "Felaktigt urval"]):
        book.active.append(row)
    path = tmp_path / "U 2023.xlsx"
    book.save(path)
    result = run_cli("importera-resultat", str(path), "-o", str(tmp_path / "ut.xlsx"), "--forvaltning", "F",
                     "--omrade", "O", "--enhet", "U", "--ar", "2023")
    assert result.returncode == 0, result.stderr
    assert "1 svar på en fråga som inte gällde (räknas som vid en granskning i programmet):" in result.stdout
    assert "U 2023.xlsx, blad Resultat 2023, rad 4, kolumn B (akt 2023-0201): frågan gällde inte" in result.stdout
    assert "rad 5, kolumn C (akt 2023-0202): ”Felaktigt urval”: akten räknas som bortfall" in result.stdout
    assert "1 akt räknas som bortfall enligt matrisen:" in result.stdout
    assert "(1 akt, 1 bortfall)" in result.stdout


def test_a_note_below_the_answers_naming_a_case_makes_it_a_bortfall(checklists):
    rows = _rows(
        ["Förhandsbedömningar 2023"],
        ["Fråga", "2023-0101", "2023-0102", "2023-01021"],
        ["Har anmälare dokumenterats?", "Ja", "Nej", "Ja"],
        ["* Akt 2023-0102 var ej aktuellt ärende (fel ärendetyp)."],
        ["** Uppgift saknas i akten."],
    )
    result = import_matrix(rows, checklists, IDENTITY)
    assert [c.dropout_reason for c in result.data.cases] == [None, DropoutReason.WRONG_SAMPLE, None]
    note = next(n for n in result.notes if n.case == "2023-0102")
    assert note.place == "rad 4, kolumn A (akt 2023-0102)"
    assert "akten räknas som bortfall (Felaktigt urval)" in note.message
    assert any(n.row == 5 and "fotnot eller kommentar" in n.message for n in result.notes)


def test_questions_an_earlier_year_did_not_ask_are_named_once_and_leave_its_cases_klar(checklists):
    rows = _rows(["Förhandsbedömningar 2021"], ["", "F-1", "F-2"],
                 ["Har anmälare dokumenterats?", "Ja", "Nej"], ["Framgår anledning till anmälan?", "Ja", ""])
    result = import_matrix(rows, checklists, IDENTITY)
    assert [c.status for c in result.data.cases] == [CaseStatus.DONE, CaseStatus.IN_PROGRESS]
    missing = [n for n in result.notes if "finns inte i blocket" in n.message]
    assert len(missing) == 1 and missing[0].row == 2 and "”Har skyddsbedömning genomförts skyndsamt?”" in \
        missing[0].message
    assert _tally(result, "fb.anmalare").yes == 1
