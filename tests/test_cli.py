"""The CLI as a user runs it: Swedish messages, exit codes, no tracebacks. The commands run in
this process (`run`), through the same entry point as `python -m aktgranskning`, so the suite stays
fast; `run_process` starts a real process where that is what is tested."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runner import run_in_process
from tests.support.case_lists import write_case_list


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_in_process(*args, cwd=cwd)


def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aktgranskning", *args],
        capture_output=True, text=True, encoding="utf-8", cwd=cwd, timeout=120,
    )


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "demo"
    result = run("demo", str(folder), "--ar", "2026")
    assert result.returncode == 0, result.stderr
    return folder


def test_version_and_swedish_help():
    version = run_process("--version")  # a real process, as a user starts it
    assert version.returncode == 0 and version.stdout.startswith("Aktgranskning ")
    help_text = run_process("--help").stdout
    assert "Användning:" in help_text and "kommandon" in help_text and "visa den här hjälpen" in help_text
    assert "usage:" not in help_text and "show this help" not in help_text


def test_demo_writes_four_units_in_three_areas_and_last_year(demo_folder):
    names = sorted(p.name for p in demo_folder.glob("*.granskning"))
    assert len([n for n in names if "2026" in n]) == 4
    assert len([n for n in names if "2025" in n]) == 4
    areas = set()
    for path in demo_folder.glob("*.granskning"):
        data = json.loads(run("status", str(path), "--json").stdout)
        areas.add(data["omrade"])
        assert data["akter"]["bortfall"] >= (1 if data["ar"] == 2025 else 0)
        sample = [a for a in data["arenden"] if not a["reserv"]]
        assert len(sample) == 20
        other_verksamhet = data["enhet"] == "Ekonomiskt bistånd"
        wanted = {"ekonomiskt_bistand"} if other_verksamhet else {"forhandsbedomning", "utredning"}
        assert {a["arendetyp"] for a in sample} == wanted
        assert {q["checklista"] for q in data["fragor"]} == wanted  # no empty checklist beside them
        assert len({a["kon"] for a in sample}) >= 2 and len({a["handlaggare"] for a in sample}) >= 4
        assert all(a["arendenummer"].startswith("DEMO-") for a in data["arenden"])
    assert len(areas) == 3


def test_status_json_agrees_with_the_file(demo_folder):
    path = demo_folder / "Mottagningen 2026.granskning"
    data = json.loads(run("status", str(path), "--json").stdout)
    assert set(data) == {"forvaltning", "omrade", "enhet", "ar", "akter", "fragor", "konflikter", "arenden"}
    assert data["konflikter"] == []
    akter = data["akter"]
    assert akter["totalt"] == akter["klara"] + akter["pagaende"] + akter["ej_paborjade"] + akter["bortfall"]
    assert akter["bortfall"] == 1 and akter["klara"] > 0 and akter["pagaende"] > 0
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT c.case_type, a.question_id, a.answer FROM answers a JOIN cases c ON c.id = a.case_id "
            "WHERE c.status != 'bortfall' AND (c.is_reserve = 0 OR c.replaces_case_id IS NOT NULL)"
        ).fetchall()
        in_results = connection.execute(
            "SELECT case_type, COUNT(*) FROM cases WHERE status != 'bortfall' "
            "AND (is_reserve = 0 OR replaces_case_id IS NOT NULL) GROUP BY case_type"
        ).fetchall()
    cases_per_type = dict(in_results)
    for question in data["fragor"]:
        stored = [r[2] for r in rows if r[1] == question["id"]]
        total = question["ja"] + question["nej"] + question["x"] + question["obesvarad"]
        assert total == cases_per_type[question["checklista"]]
        assert question["ja"] == stored.count("Ja")
        assert question["nej"] == stored.count("Nej")
        assert question["x"] >= stored.count("X")  # plus conditional questions that became X
        if question["ja"] + question["nej"]:
            assert question["andel"] == pytest.approx(question["ja"] / (question["ja"] + question["nej"]))
        else:
            assert question["andel"] is None
    ids = [q["id"] for q in data["fragor"] if q["checklista"] == "forhandsbedomning"]
    assert ids[0] == "fb.anmalare" and ids[-1] == "fb.aterkoppling"


def test_status_text_is_swedish(demo_folder):
    result = run("status", str(demo_folder / "Utredning barn 2025.granskning"))
    assert result.returncode == 0
    assert "klara" in result.stdout and " av " in result.stdout


def test_kontrollera_says_the_file_is_whole(demo_folder):
    result = run("kontrollera", str(demo_folder / "Mottagningen 2026.granskning"))
    assert result.returncode == 0, result.stdout
    assert "Databasens integritet: ok" in result.stdout
    assert "Bedömning: filen är hel och konsekvent." in result.stdout


def test_kontrollera_finds_an_answer_to_a_question_that_does_not_exist(demo_folder, tmp_path):
    path = tmp_path / "ändrad.granskning"
    path.write_bytes((demo_folder / "Utredning barn 2026.granskning").read_bytes())
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO answers VALUES (1, 'fb.finns_inte', 'Ja', '', 'x', '')")
    result = run("kontrollera", str(path))
    assert result.returncode == 1
    assert "fb.finns_inte" in result.stdout and "som inte finns i checklistan" in result.stdout


def test_kontrollera_lists_every_inconsistency_in_plain_swedish(demo_folder, tmp_path):
    path = tmp_path / "trasig.granskning"
    path.write_bytes((demo_folder / "Utredning barn 2026.granskning").read_bytes())
    with sqlite3.connect(path) as connection:
        ids = dict(connection.execute("SELECT sequence, id FROM cases"))
        types = dict(connection.execute("SELECT sequence, case_type FROM cases"))
        utredning = next(seq for seq, kind in types.items() if kind == "utredning" and seq <= 20)
        connection.execute("UPDATE cases SET status = 'klar' WHERE sequence = 20")  # not finished
        connection.execute("UPDATE cases SET status = 'bortfall', dropout_reason = NULL WHERE sequence = 19")
        connection.execute("UPDATE cases SET replaces_case_id = ? WHERE sequence IN (21, 22)", (ids[18],))
        connection.execute("INSERT OR REPLACE INTO answers VALUES (?, 'ut.skyndsamt', 'Ja', '', 'x', '')",
                           (ids[utredning],))
        connection.execute("UPDATE cases SET status = 'ej_paborjad' WHERE id = ?", (ids[utredning],))
    result = run("kontrollera", str(path))
    assert result.returncode == 1
    out = result.stdout
    assert "akt 20 är markerad som klar men har obesvarade frågor" in out
    assert "akt 19 är bortfall utan angiven orsak" in out
    assert "akt 21 ersätter akt 18, som inte är bortfall" in out
    assert "akt 18 ersätts av flera reserver (21 och 22)" in out
    assert f"akt {utredning} är markerad som ej påbörjad men har svar" in out
    assert "Traceback" not in result.stderr


def test_kontrollera_reads_a_file_from_an_older_schema_without_changing_it(tmp_path):
    old = tmp_path / "gammal.granskning"
    old.write_bytes((Path(__file__).parent / "data" / "schema_0001.granskning").read_bytes())
    before = old.read_bytes()
    result = run("kontrollera", str(old))
    assert result.returncode == 0, result.stdout
    assert "Schemaversion: 0001" in result.stdout
    assert old.read_bytes() == before


def test_ny_creates_a_file_from_a_csv_sample_list(tmp_path):
    sample = tmp_path / "urval.csv"
    sample.write_text(
        "Ärendenummer;Ärendetyp;Kön;Ålder;Handläggare;Reserv\n"
        "A-1;Förhandsbedömning;Flicka;7;AB1;\n"
        "A-2;Utredning;Pojke;14;CD2;\n"
        "A-3;Utredning;;;CD2;ja\n",
        encoding="utf-8-sig",
    )
    target = tmp_path / "Enhet 2026.granskning"
    result = run("ny", str(target), "--forvaltning", "F", "--omrade", "O", "--enhet", "Enhet", "--ar", "2026",
                 "--urval", str(sample))
    assert result.returncode == 0, result.stderr
    data = json.loads(run("status", str(target), "--json").stdout)
    assert data["akter"]["totalt"] == 2
    assert [(a["arendenummer"], a["kon"], a["aldersgrupp"], a["reserv"]) for a in data["arenden"]] == [
        ("A-1", "kvinna", "6–12 år", False),
        ("A-2", "man", "13–17 år", False),
        ("A-3", "okänt", "okänd", True),
    ]


def test_ny_with_an_unknown_case_type_names_file_and_row(tmp_path):
    sample = tmp_path / "urval.csv"
    sample.write_text("Ärendenummer,Ärendetyp\nA-1,Utredning\nA-2,Familjerätt\n", encoding="utf-8")
    result = run("ny", str(tmp_path / "x.granskning"), "--forvaltning", "F", "--omrade", "O", "--enhet", "E",
                 "--ar", "2026", "--urval", str(sample))
    assert result.returncode == 1
    assert str(sample) in result.stderr and "rad 3" in result.stderr and "Familjerätt" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.granskning").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["status", "finns-inte.granskning"],
        ["kontrollera", "finns-inte.granskning"],
        ["status"],
        ["okänt-kommando-som-inte-finns"],
    ],
)
def test_errors_are_swedish_with_nonzero_exit_and_no_traceback(args, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "fel" in result.stderr.casefold()


def test_status_of_a_file_that_is_not_a_review_file(tmp_path):
    path = tmp_path / "brev.xlsx"
    path.write_bytes(b"PK\x03\x04 inte en granskningsfil")
    result = run("status", str(path))
    assert result.returncode == 1
    assert f"Fel: {path}: filen är ingen granskningsfil" in result.stderr


def _export(tmp_path: Path) -> Path:
    return write_case_list(tmp_path / "export.csv", (
        (f"U-{i}", "K" if i % 2 else "M", i % 18, f"Handläggare {i % 7}",
         "Utredning" if i % 3 else "Förhandsbedömning", "Enhet A" if i < 60 else "Enhet B", "Norr")
        for i in range(90)))


def test_urval_writes_a_reproducible_workbook_and_review_files(tmp_path):
    export = _export(tmp_path)
    first = run("urval", str(export), "-o", str(tmp_path / "a.xlsx"), "--seed", "11",
                "--granskningsfiler", str(tmp_path / "filer"), "--forvaltning", "F", "--ar", "2026")
    assert first.returncode == 0, first.stderr
    assert "Enhet A: 20 av 60 ärenden, 5 reserver, 7 olika handläggare" in first.stdout
    assert "Enhet B: 20 av 30 ärenden" in first.stdout
    second = run("urval", str(export), "-o", str(tmp_path / "b.xlsx"), "--seed", "11")
    from python_calamine import CalamineWorkbook

    def cases(path):
        book = CalamineWorkbook.from_path(str(path))
        return {name: [row[1] for row in book.get_sheet_by_name(name).to_python()[1:26]] for name in book.sheet_names}

    assert cases(tmp_path / "a.xlsx") == cases(tmp_path / "b.xlsx")
    data = json.loads(run("status", str(tmp_path / "filer" / "Enhet A 2026.granskning"), "--json").stdout)
    assert data["akter"]["totalt"] == 20 and sum(a["reserv"] for a in data["arenden"]) == 5
    assert data["omrade"] == "Norr"
    assert {a["handlaggare"] for a in data["arenden"]} <= {f"H{n:02d}" for n in range(1, 8)}
    assert second.returncode == 0


def test_urval_with_an_unknown_column_mapping_is_a_swedish_error(tmp_path):
    export = _export(tmp_path)
    result = run("urval", str(export), "-o", str(tmp_path / "u.xlsx"), "--kolumn", "arendenummer=Finns inte")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert str(export) in result.stderr and "”Finns inte”" in result.stderr
    assert "som angavs för ärendenummer finns inte" in result.stderr and "case_number" not in result.stderr
    assert not (tmp_path / "u.xlsx").exists()


# --- argparse's own words in Swedish --------------------------------------------------------

ENGLISH_PHRASES = (
    "usage:", "positional arguments", "options:", "optional arguments", "show this help", "show program's",
    "version number", "error:", "the following arguments are required", "invalid choice", "choose from",
    "unrecognized arguments", "expected one argument", "expected at", "invalid int value", "ambiguous option",
    "subcommands", "not allowed with", "ignored explicit argument", "unexpected option",
)


def _english_in(text: str) -> list[str]:
    import re

    from aktgranskning.cli_text import english_msgids

    phrases = set(ENGLISH_PHRASES)
    for msgid in english_msgids():  # every fragment of argparse's texts long enough to be telling
        phrases |= {part.strip() for part in re.split(r"%(?:\(\w+\))?[sr]", msgid) if len(part.strip()) >= 12}
    return sorted(phrase for phrase in phrases if phrase in text)


def _subcommands() -> list[str]:
    import argparse

    from aktgranskning.cli import build_parser

    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def test_every_help_text_is_swedish():
    commands = _subcommands()
    assert len(commands) >= 9
    for command in ["", *commands]:
        result = run(*([command] if command else []), "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout.startswith("Användning: aktgranskning"), command
        assert "flaggor:" in result.stdout and "visa den här hjälpen och avsluta" in result.stdout
        assert _english_in(result.stdout + result.stderr) == [], command
    assert "visa programmets version och avsluta" in run("--help").stdout
    window = run("--demo", "--help")  # the window's own arguments
    assert window.returncode == 0 and window.stdout.startswith("Användning: aktgranskning")
    assert _english_in(window.stdout) == []


@pytest.mark.parametrize(
    ("args", "swedish"),
    [
        (["ny"], "följande argument krävs"),
        (["okänt-kommando"], "ogiltigt val"),
        (["status", "a", "b"], "okända argument: b"),
        (["ny", "x.granskning", "--ar", "tjugo"], "argumentet --ar: ogiltigt värde: 'tjugo'"),
        (["urval", "lista.csv", "-o"], "ett värde behövs"),
        (["status", "--json=ja", "fil"], "flaggan tar inget värde"),
        (["importera-resultat", "m.xlsx", "-o", "u.xlsx", "--forvaltning", "F", "--omrade", "O", "--enhet", "E",
          "--ar", "2023", "--markering", "ja"], "ogiltigt val: 'ja' (välj bland 'obesvarad', 'x')"),
    ],
)
def test_argparse_errors_are_swedish(args, swedish):
    result = run(*args)
    assert result.returncode == 2 and swedish in result.stderr, result.stderr
    assert "Användning: aktgranskning" in result.stderr and ": fel: " in result.stderr
    assert _english_in(result.stderr) == []


def test_the_demos_round_shows_its_four_enheter_and_the_one_without_a_file(demo_folder):
    result = run("omgang", "status", str(demo_folder / "Omgång 2026.omgang"), "--json")
    assert result.returncode == 0, result.stderr
    states = {e["enhet"]: e["status"] for e in json.loads(result.stdout)["enheter"]}
    assert len(states) == 5 and states.pop("Familjebehandling") == "saknas"
    assert set(states.values()) <= {"pagaende", "ej_paborjad"}  # this year's demo is under way
