"""Earlier years' Excel matrices: counts exactly as by hand, and every odd cell reported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

FB = [
    "Har anmälare dokumenterats?",
    "Framgår anledning till anmälan?",
    "Har förhandsbedömning genomförts skyndsamt?",
]
UT = ["Framgår anledning till utredning?", "Har utredning genomförts skyndsamt?"]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "aktgranskning", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


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
    assert "rad 5, kolumn D: ”Nej*” lästes som Nej (fotnotsmarkering)" in out
    assert "rad 6, kolumn E: ”*” (uppgift saknas) räknas som obesvarad" in out
    assert "rad 7, kolumn A: ”Har förhandsbedömningen genomförts skyndsamt?” matchades mot" in out
    assert "rad 7, kolumn C: tom cell" in out
    assert "rad 8, kolumn A: frågan känns inte igen och lästes inte: ”Hur mår personalen?”" in out
    assert "rad 9: fotnot" in out
    assert "rad 14, kolumn C: ”?” är inget Ja/Nej/X" in out
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
    import zipfile

    with zipfile.ZipFile(target) as archive:
        xml = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
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
