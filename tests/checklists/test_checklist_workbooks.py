"""Checklists written in Excel: every mistake named by sheet, Excel row and column, all at once;
the built-in checklists survive export → import unchanged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aktgranskning.domain.errors import FileProblem
from aktgranskning.services.checklist_authoring import check_checklist_workbook, export_checklist_workbook
from aktgranskning.services.checklists import checklist_inventory
from tests.checklists.authoring import authored_workbook


def _set(sheet_index: int, cell: str, value: object) -> Callable[[Any, Any], None]:
    def change(meta: Any, questions: Any) -> None:
        (meta, questions)[sheet_index][cell] = value
    return change


def _merge(cells: str) -> Callable[[Any, Any], None]:
    return lambda meta, questions: questions.merge_cells(cells)


def _drop_header(meta: Any, questions: Any) -> None:
    questions["C1"] = None


CHECKLISTA, FRAGOR = 0, 1
C, F = "Blad Checklista, rad ", "Blad Frågor, rad "
BROKEN = [
    ("checklistans id med å", _set(CHECKLISTA, "B1", "uppföljning"), C + "1, kolumn B (id): checklistans id"),
    ("version som inte är ett nummer", _set(CHECKLISTA, "B2", "första"), C + "2, kolumn B (version): versionen"),
    ("titel saknas", _set(CHECKLISTA, "B3", None), C + "3, kolumn B (titel): uppgiften ”titel” saknas"),
    ("alias som en inbyggd checklista har", _set(CHECKLISTA, "B5", "Utredning"),
     C + "5, kolumn B (alias): ”Utredning” (alias) används redan"),
    ("frågans id med mellanslag", _set(FRAGOR, "A3", "uf plan orsak"), F + "3, kolumn id: frågans id"),
    ("samma id två gånger", _set(FRAGOR, "A4", "uf.plan"), F + "4, kolumn id: id ”uf.plan” används redan på rad 2"),
    ("frågans id i en inbyggd checklista", _set(FRAGOR, "A4", "ut.samtycke"),
     F + "4, kolumn id: frågans id ”ut.samtycke” används redan av ”Utredning” (id utredning, inbyggd)"),
    ("text saknas", _set(FRAGOR, "C4", None), F + "4, kolumn text: frågans text saknas"),
    ("okänt svar", _set(FRAGOR, "F4", "Ja, Kanske"), F + "4, kolumn svar: svaret ”Kanske” finns inte"),
    ("bara ett svar", _set(FRAGOR, "F4", "Ja"), F + "4, kolumn svar: en fråga måste tillåta minst två svar"),
    ("villkor på en fråga längre ned", _set(FRAGOR, "G2", "uf.uppfoljd = Ja"),
     F + "2, kolumn villkor: villkoret pekar på frågan ”uf.uppfoljd”, som står längre ned (rad 4)"),
    ("villkor på en fråga som inte finns", _set(FRAGOR, "G3", "uf.saknas = Nej"),
     F + "3, kolumn villkor: villkoret pekar på frågan ”uf.saknas”, som inte finns"),
    ("villkor med ett svar frågan inte tillåter", _set(FRAGOR, "G3", "uf.plan = X"),
     F + "3, kolumn villkor: frågan ”uf.plan” (rad 2) kan inte besvaras X"),
    ("villkor som inte går att läsa", _set(FRAGOR, "G3", "om uf.plan är nej"),
     F + "3, kolumn villkor: villkoret ”om uf.plan är nej” ska skrivas som"),
    ("formel", _set(FRAGOR, "C2", '="Finns "&"plan?"'), F + "2, kolumn text: cellen innehåller en formel"),
    ("datum där versionen ska stå", _set(CHECKLISTA, "B2", __import__("datetime").date(2026, 1, 1)),
     C + "2, kolumn B (version): Excel har gjort om värdet till ett datum"),
    ("sammanfogade celler", _merge("C3:D3"), F + "3, kolumn text: sammanfogade celler (C3:D3)"),
    ("avsnitt som kommer tillbaka", _set(FRAGOR, "B4", "Planering"), None),  # continues: allowed
    ("rubrik saknas", _drop_header, F + "1, kolumn text: kolumnen saknas i rubrikraden"),
]


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _, c, e in BROKEN], ids=[n for n, _, _ in BROKEN])
def test_each_mistake_is_named_by_sheet_row_and_column(tmp_path: Path, change: Any, expected: str | None) -> None:
    workbook = authored_workbook(tmp_path / "uppfoljning.xlsx", change)
    result = check_checklist_workbook(workbook, checklist_inventory())
    problems = [str(p) for p in result.problems]
    if expected is None:
        assert result.ok, problems
        return
    assert not result.ok and result.checklist is None
    assert any(p.startswith(expected) for p in problems), problems


def test_a_section_that_comes_back_after_another_is_refused(tmp_path: Path) -> None:
    questions = [["a.1", "Ett", "Fråga ett?"], ["a.2", "Två", "Fråga två?"], ["a.3", "Ett", "Fråga tre?"]]
    workbook = authored_workbook(tmp_path / "a.xlsx", questions=questions)
    result = check_checklist_workbook(workbook, checklist_inventory())
    assert [str(p) for p in result.problems] == [
        F + "4, kolumn avsnitt: avsnittet ”Ett” började redan på rad 2; håll ett avsnitts frågor i följd."]


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    def many(meta: Any, questions: Any) -> None:
        meta["B2"] = "x"
        questions["A3"] = "Fel Id"
        questions["F4"] = "Kanske"
        questions["G3"] = "uf.finns_inte = Ja"

    result = check_checklist_workbook(authored_workbook(tmp_path / "u.xlsx", many), checklist_inventory())
    places = [(p.sheet, p.row, p.column) for p in result.problems]
    assert places == [("Checklista", 2, "B (version)"), ("Frågor", 3, "id"), ("Frågor", 3, "villkor"),
                      ("Frågor", 4, "svar")]


def test_a_correct_workbook_gives_its_checklist(tmp_path: Path) -> None:
    def extras(meta: Any, questions: Any) -> None:
        questions.parent.create_sheet("Anteckningar")["A1"] = "ignoreras"
        questions["B3"] = None  # a blank avsnitt continues the one above
        questions.merge_cells("B2:B3")

    result = check_checklist_workbook(authored_workbook(tmp_path / "u.xlsx", extras), checklist_inventory())
    assert result.ok, [str(p) for p in result.problems]
    checklist = result.checklist
    assert checklist is not None
    assert [(s.title, [q.id for q in s.questions]) for s in checklist.sections] == [
        ("Planering", ["uf.plan", "uf.plan_orsak"]), ("Uppföljning", ["uf.uppfoljd"])]
    orsak = checklist.question("uf.plan_orsak")
    assert orsak.condition is not None
    assert (orsak.condition.question_id, orsak.condition.answer.value) == ("uf.plan", "Nej")
    assert [a.value for a in checklist.question("uf.plan").allowed] == ["Ja", "Nej"]
    assert checklist.aliases == ("familjehemsuppföljningar", "placeringsuppföljning")


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04broken"])
def test_a_file_that_is_no_workbook_is_refused_with_its_name(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "trasig.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileProblem) as error:
        check_checklist_workbook(path, checklist_inventory())
    assert "trasig.xlsx" in error.value.message


def test_a_sheet_formatted_far_down_is_refused_not_read(tmp_path: Path) -> None:
    def far(meta: Any, questions: Any) -> None:
        questions["A9000"] = "x"

    result = check_checklist_workbook(authored_workbook(tmp_path / "u.xlsx", far), checklist_inventory())
    assert str(result.problems[0]).startswith("Blad Frågor: bladet når ned till rad 9000")


def test_every_built_in_checklist_survives_export_and_import(tmp_path: Path) -> None:
    inventory = checklist_inventory()
    for checklist in inventory.checklists:
        path = export_checklist_workbook(checklist.id, tmp_path / f"{checklist.id}.xlsx", inventory)
        result = check_checklist_workbook(path, inventory)
        assert result.checklist is not None, [str(p) for p in result.problems]
        assert result.checklist.content_hash == checklist.content_hash
        assert result.checklist == checklist


def test_the_exported_workbook_reads_the_same_in_a_second_reader(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    path = export_checklist_workbook("utredning", tmp_path / "u.xlsx", checklist_inventory())
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names[:2] == ["Checklista", "Frågor"]
    rows = workbook.get_sheet_by_name("Frågor").to_python()
    assert rows[0][:7] == ["id", "avsnitt", "text", "hjalptext", "lagrum", "svar", "villkor"]
    row = next(r for r in rows if r[0] == "ut.barnet_till_tals_orsak")
    assert row[6] == "ut.barnet_till_tals = Nej"
