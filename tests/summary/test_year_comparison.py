"""The summary against last year in every output: per level the akter, bortfall and enheter both
years, levels found only one year marked, an enhet whose name changed case matched, and the
per-question change with its test — in the workbook, the PDF and the JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from aktgranskning.domain.comparison import fisher_exact
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.level_counts import Presence, compare_years, comparison_text, preliminary_note
from aktgranskning.domain.summary import LevelKind, summarise
from aktgranskning.services.summary import export_summary, summary_json
from tests.cli_runner import run_in_process
from tests.summary.two_years import (
    ADMINISTRATION,
    last_year,
    last_year_units,
    this_year,
    this_year_units,
    unit,
    write_workbooks,
)


def test_every_level_of_either_year_is_counted_and_marked():
    comparison = compare_years(this_year(), last_year())
    rows = [(level.kind, level.name, level.presence,
             None if level.current is None else (level.current.sample, level.current.counted,
                                                 level.current.dropouts, level.current.units),
             None if level.previous is None else (level.previous.sample, level.previous.counted,
                                                  level.previous.dropouts, level.previous.units))
            for level in comparison.levels]
    assert rows == [
        (LevelKind.ADMINISTRATION, ADMINISTRATION, Presence.BOTH, (51, 50, 1, 3), (63, 60, 3, 4)),
        (LevelKind.AREA, "Norr", Presence.BOTH, (41, 40, 1, 2), (41, 40, 1, 2)),
        (LevelKind.UNIT, "mottagningen", Presence.BOTH, (20, 20, 0, None), (21, 20, 1, None)),
        (LevelKind.UNIT, "Utredning", Presence.BOTH, (21, 20, 1, None), (20, 20, 0, None)),
        (LevelKind.AREA, "Söder", Presence.BOTH, (10, 10, 0, 1), (12, 10, 2, 1)),
        (LevelKind.UNIT, "Nya enheten", Presence.NEW, (10, 10, 0, None), None),
        (LevelKind.UNIT, "Gamla enheten", Presence.GONE, None, (12, 10, 2, None)),
        (LevelKind.AREA, "Väster", Presence.GONE, None, (10, 10, 0, 1)),
        (LevelKind.UNIT, "Västerenheten", Presence.GONE, None, (10, 10, 0, None)),
    ]
    remarks = {level.name: level.remark(2025) for level in comparison.levels}
    assert remarks["mottagningen"] == "hette ”Mottagningen” 2025"
    assert (remarks["Utredning"], remarks["Nya enheten"], remarks["Gamla enheten"]) == (
        "", "ny i år", "fanns förra året")
    assert comparison_text(comparison) == (
        "Jämförs med 2025: 2 enheter finns båda åren, 1 är ny i år och 2 fanns bara förra året.")


def test_an_enhet_renamed_in_case_is_compared_question_by_question():
    comparison = compare_years(this_year(), last_year())
    change = comparison.change(LevelKind.UNIT, "mottagningen", "fb.q1")
    assert change is not None
    assert (change.current.yes, change.current.no, change.previous.yes, change.previous.no) == (4, 16, 18, 2)
    assert change.describe() == "−70 p.e. (säkerställd)"
    assert comparison.change(LevelKind.UNIT, "mottagningen", "fb.q2").describe() == "+5 p.e. (kan vara slumpen)"
    new = next(level for level in comparison.levels if level.name == "Nya enheten")
    assert new.changes == {} and comparison.change(LevelKind.UNIT, "Nya enheten", "fb.q1") is None


def test_a_preliminary_year_is_said_beside_the_comparison():
    finished_this_year = summarise(this_year_units()[:2])  # without Nya enheten, the one unfinished
    assert preliminary_note(compare_years(finished_this_year, last_year())) == ""
    unfinished_last_year = summarise([unit("Norr", "Mottagningen", 2025, (18, 2), (10, 10), unfinished=1)])
    assert preliminary_note(compare_years(this_year(), unfinished_last_year)).startswith(
        "Resultatet för 2026 och 2025 är preliminärt")


def test_the_year_to_compare_with_must_be_earlier():
    with pytest.raises(UserError, match=r"tidigare år än 2026.*gäller 2026"):
        compare_years(this_year(), this_year())


def test_the_json_gains_jamforelse_and_keeps_its_keys():
    current, earlier = this_year(), last_year()
    plain = summary_json(current)
    compared = summary_json(current, compare_years(current, earlier))
    assert "jamforelse" not in plain
    assert {key: value for key, value in compared.items() if key != "jamforelse"} == plain
    levels = {(level["niva"], level["namn"]): level for level in compared["jamforelse"]["nivaer"]}
    assert (compared["jamforelse"]["ar"], compared["jamforelse"]["preliminar_forra_aret"]) == (2025, False)
    assert levels[("enhet", "mottagningen")] == {
        "niva": "enhet", "namn": "mottagningen", "omrade": "Norr", "finns": "bada_aren",
        "akter": 20, "akter_i_resultatet": 20, "bortfall": 0, "enheter": None,
        "forra_aret": {"namn": "Mottagningen", "akter": 21, "akter_i_resultatet": 20, "bortfall": 1,
                       "enheter": None},
        "fragor": [
            {"id": "fb.q1", "andel": 0.2, "andel_forra_aret": 0.9, "skillnad_pe": -70.0,
             "p_varde": fisher_exact(4, 16, 18, 2), "kan_vara_slumpen": False},
            {"id": "fb.q2", "andel": 0.55, "andel_forra_aret": 0.5, "skillnad_pe": 5.0,
             "p_varde": fisher_exact(11, 9, 10, 10), "kan_vara_slumpen": True},
        ],
    }
    assert fisher_exact(4, 16, 18, 2) < 0.001 and fisher_exact(11, 9, 10, 10) == pytest.approx(1.0)
    assert levels[("enhet", "Nya enheten")]["finns"] == "ny_i_ar"
    assert levels[("enhet", "Nya enheten")]["forra_aret"] is None
    assert levels[("enhet", "Nya enheten")]["fragor"] == []
    gone = levels[("omrade", "Väster")]
    assert (gone["finns"], gone["akter"], gone["enheter"], gone["forra_aret"]["enheter"]) == (
        "fanns_forra_aret", None, None, 1)
    total = levels[("forvaltning", ADMINISTRATION)]
    assert (total["enheter"], total["forra_aret"]["enheter"], total["bortfall"], total["forra_aret"]["bortfall"]) == (
        3, 4, 1, 3)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("jamforelse")
    export_summary(this_year(), folder / "summa.xlsx", folder / "summa.json", last_year(), folder / "summa.pdf")
    return folder


def test_the_workbook_has_the_counts_against_last_year(exported):
    book = CalamineWorkbook.from_path(str(exported / "summa.xlsx"))
    assert book.sheet_names.index("Antal mot förra året") == book.sheet_names.index("Jämförelse") + 1
    rows = book.get_sheet_by_name("Antal mot förra året").to_python()
    assert rows[3] == ["Nivå", "Namn", "Område", "Akter i urvalet 2026", "Akter i urvalet 2025",
                       "Akter i resultatet 2026", "Akter i resultatet 2025", "Bortfall 2026", "Bortfall 2025",
                       "Enheter 2026", "Enheter 2025", "Anmärkning"]
    by_name = {row[1]: row for row in rows[4:]}
    assert by_name["mottagningen"] == ["Enhet", "mottagningen", "Norr", 20, 21, 20, 20, 0, 1, "", "",
                                       "hette ”Mottagningen” 2025"]
    assert by_name["Nya enheten"] == ["Enhet", "Nya enheten", "Söder", 10, "", 10, "", 0, "", "", "", "ny i år"]
    assert by_name["Väster"] == ["Område", "Väster", "Väster", "", 10, "", 10, "", 0, "", 1, "fanns förra året"]
    assert by_name[ADMINISTRATION][3:11] == [51, 63, 50, 60, 1, 3, 3, 4]
    changes = book.get_sheet_by_name("Jämförelse").to_python()
    column = changes[3].index("Enhet\nmottagningen")
    row = next(r for r in changes if r[1] == "Har anmälan dokumenterats?")
    assert row[column] == "−70 p.e. (säkerställd)"
    assert "Fishers exakta test" in changes[1][0]
    assert changes[2][0] == ("Resultatet för 2026 är preliminärt (alla akter är inte färdiggranskade), så "
                             "förändringarna kan bli andra när granskningen är klar.")


def test_the_json_file_carries_the_comparison(exported):
    data = json.loads((exported / "summa.json").read_text(encoding="utf-8"))
    names = [(level["niva"], level["namn"], level["finns"]) for level in data["jamforelse"]["nivaer"]]
    assert ("enhet", "Gamla enheten", "fanns_forra_aret") in names and len(names) == 9


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler) is not installed")
def test_the_pdf_has_the_comparison_section(exported):
    text = subprocess.run(["pdftotext", str(exported / "summa.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    section = " ".join(text[text.index("Jämförelse med 2025"):text.index("Gemensamma utvecklingsområden")].split())
    assert "Fishers exakta test" in section and "Antal per nivå" in section
    assert "Resultatet för 2026 är preliminärt" in section
    assert "hette ”Mottagningen” 2025" in section and "fanns förra året" in section and "ny i år" in section
    assert "−70 p.e. (säkerställd)" in section and "+5 p.e. (kan vara slumpen)" in section
    assert "Enhet mottagningen 2026 2025 Förändring" in section


@pytest.fixture(scope="module")
def workbook_folders(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("tva_ar")
    return write_workbooks(base / "2026", this_year_units()), write_workbooks(base / "2025", last_year_units())


def test_sammanstall_jamfor_writes_the_comparison_to_all_three_files(workbook_folders, tmp_path):
    current, earlier = workbook_folders
    result = run_in_process("sammanstall", str(current), "-o", str(tmp_path / "s.xlsx"), "--pdf",
                            str(tmp_path / "s.pdf"), "--json", str(tmp_path / "s.json"), "--jamfor", str(earlier))
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert [(level["namn"], level["finns"]) for level in data["jamforelse"]["nivaer"]] == [
        (ADMINISTRATION, "bada_aren"), ("Norr", "bada_aren"), ("mottagningen", "bada_aren"),
        ("Utredning", "bada_aren"), ("Söder", "bada_aren"), ("Nya enheten", "ny_i_ar"),
        ("Gamla enheten", "fanns_forra_aret"), ("Väster", "fanns_forra_aret"), ("Västerenheten", "fanns_forra_aret")]
    assert "Antal mot förra året" in CalamineWorkbook.from_path(str(tmp_path / "s.xlsx")).sheet_names


def test_sammanstall_jamfor_with_the_same_year_writes_nothing(workbook_folders, tmp_path):
    current, _ = workbook_folders
    result = run_in_process("sammanstall", str(current), "-o", str(tmp_path / "s.xlsx"), "--json",
                            str(tmp_path / "s.json"), "--jamfor", str(current))
    assert result.returncode != 0
    assert "Jämförelsen ska gälla ett tidigare år än 2026" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_questions_whose_wording_changed_are_listed_beside_the_comparison(tmp_path):
    from dataclasses import replace

    from aktgranskning.domain.level_counts import reworded_note

    current, earlier = this_year(), last_year()
    first, *rest = current.questions
    reworded = replace(current, questions=(replace(first, text="Har anmälan  dokumenterats samma dag?"), *rest))
    spaced = replace(current, questions=(replace(first, text=f"  {first.text.replace(' ', '  ')} "), *rest))
    assert compare_years(spaced, earlier).reworded == ()  # only spacing differs: the same wording
    comparison = compare_years(reworded, earlier)
    assert comparison.reworded == (("fb.q1", "Har anmälan  dokumenterats samma dag?", first.text),)
    assert "fb.q1" in reworded_note(comparison) and "1 fråga har ändrad formulering" in comparison_text(comparison)
    assert summary_json(reworded, comparison)["jamforelse"]["omformulerade"] == [
        {"id": "fb.q1", "text": "Har anmälan  dokumenterats samma dag?", "text_forra_aret": first.text}]
    assert reworded_note(compare_years(current, earlier)) == ""
    workbook = tmp_path / "s.xlsx"
    export_summary(reworded, workbook, None, earlier)
    rows = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name("Jämförelse").to_python()
    assert any("Frågor med annan formulering än 2025" in str(cell) and "fb.q1" in str(cell)
               for row in rows for cell in row)
