"""`aktgranskning omgang ny|status` and `sammanstall --omgang`: a round of 6 enheter where one has
no file and one is unfinished gives a summary that shows both, in the workbook (read back with
calamine), the PDF (its text) and the JSON; the round's colour limits are stated everywhere."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.services.round import load_round
from aktgranskning.storage.round_file import write_round_file
from tests.cli_runner import run_in_process
from tests.round_files import ADMINISTRATION, round_of_six, six_enheter_round  # noqa: F401 (a fixture)
from tests.test_sample_roster import write_urval


@pytest.fixture(scope="module")
def six(round_of_six_path: Path) -> Path:
    return round_of_six_path


def test_omgang_status_json_has_the_issues_form(six):
    result = run_in_process("omgang", "status", str(six), "--json")
    assert result.returncode == 0, result.stderr
    enheter = json.loads(result.stdout)["enheter"]
    assert [(e["omrade"], e["enhet"], e["status"]) for e in enheter] == [
        ("Barn och familj", "Mottagningen", "klar"), ("Barn och familj", "Utredning barn", "pagaende"),
        ("Område #1", "Öppenvården", "ej_paborjad"), ("Område #1", "Familjebehandling", "saknas"),
        ("Ungdom och vuxna", "Utredning ungdom", "klar"), ("Ungdom och vuxna", "Socialjouren", "klar")]
    assert enheter[3]["akter"] == {"totalt": 0, "klara": 0, "pagaende": 0, "ej_paborjade": 0, "bortfall": 0,
                                   "konflikter": 0, "forvantade": 20}
    assert enheter[1]["akter"]["klara"] == 1 and enheter[1]["akter"]["totalt"] == 4
    assert enheter[0]["analyserad"] is True and enheter[1]["analyserad"] is False
    assert enheter[4]["trosklar"] == {"gron": 80, "gul": 60}


def test_omgang_status_text_is_a_table_in_swedish(six):
    result = run_in_process("omgang", "status", str(six))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split()[:3] == ["Område", "Enhet", "Status"]
    familj = next(line for line in lines if "Familjebehandling" in line)
    assert "Saknas" in familj and "– av 20" in familj
    assert "Pågående" in next(line for line in lines if "Utredning barn" in line)
    assert "6 enheter: 1 saknas, 1 ej påbörjad, 1 pågående, 3 klara." in lines
    assert lines[-1] == "Obs: Annan enhet 2026.granskning: enheten ”Annan enhet” (2026) ingår inte i omgången."
    assert "Varning: trasig.granskning kunde inte läsas" in result.stderr


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils saknas")
def test_the_rounds_summary_shows_the_missing_and_the_unfinished_enhet_everywhere(six, tmp_path):
    out = tmp_path / "ut"
    result = run_in_process("sammanstall", "--omgang", str(six), "-o", str(out / "s.xlsx"),
                            "--pdf", str(out / "s.pdf"), "--json", str(out / "s.json"))
    assert result.returncode == 3, result.stderr  # written, but an enhet of the round is missing
    assert "Familjebehandling (Område #1): Saknas" in result.stdout
    assert "Utredning barn (Barn och familj): Pågående 1/4" in result.stdout
    assert "1 enhet saknas" in result.stdout and "Färger (omgångens gränser): grön ≥ 90 %" in result.stdout
    assert "Utredning ungdom 2026.granskning: filen har färggränserna grön ≥ 80 %" in result.stderr

    book = CalamineWorkbook.from_path(str(out / "s.xlsx"))
    heatmap = book.get_sheet_by_name("Sammanställning").to_python()
    assert "1 enhet saknas" in heatmap[0][0] and heatmap[0][0].startswith("PRELIMINÄR")
    assert "omgångens gränser" in heatmap[3][0]
    titles = heatmap[5]
    missing_column = titles.index("Enhet\nFamiljebehandling\nSaknas")
    assert "Enhet\nUtredning barn\n(preliminär)\nPågående 1/4" in titles
    assert {row[missing_column] for row in heatmap[6:] if row[1]} == {"Saknas"}
    cases = {row[1]: row for row in book.get_sheet_by_name("Akter och bortfall").to_python()[2:]}
    assert cases["Familjebehandling"][3:10] == ["", "", "", "", "", "", "SAKNAS"]
    assert cases["Familjebehandling"][10] == "Saknas – ingen fil (20 akter väntas)"
    assert cases["Utredning barn"][10] == "Pågående 1/4" and cases["Utredning barn"][9] == "PRELIMINÄR"
    assert cases["Område #1"][9] == "PRELIMINÄR"  # an enhet below it is missing

    pages = subprocess.run(["pdftotext", str(out / "s.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout
    text = " ".join(pages.split())
    assert "Saknas – ingen fil (20 akter väntas)" in text and "Pågående 1/4" in text
    questions = sum(1 for row in heatmap[6:] if row[1])
    assert text.count("Saknas") > questions  # the missing enhet's column says so on every question
    assert "Färger (omgångens gränser): grön ≥ 90 %" in text and "1 enhet saknas" in text
    assert "filen har färggränserna grön ≥ 80 %" in text

    data = json.loads((out / "s.json").read_text(encoding="utf-8"))
    enheter = {level["namn"]: level for level in data["nivaer"] if level["niva"] == "enhet"}
    assert list(enheter) == ["Mottagningen", "Utredning barn", "Öppenvården", "Familjebehandling",
                             "Utredning ungdom", "Socialjouren"]
    assert (enheter["Familjebehandling"]["status"], enheter["Familjebehandling"]["akter"]["forvantade"]) == (
        "saknas", 20)
    assert enheter["Utredning barn"]["status"] == "pagaende" and data["preliminar"] is True
    assert data["saknas"] == ["Familjebehandling"] and data["trosklar"] == {"gron": 90, "gul": 75}


def test_sammanstall_needs_files_or_a_round_but_not_both(six, tmp_path):
    neither = run_in_process("sammanstall", "--json", str(tmp_path / "s.json"))
    both = run_in_process("sammanstall", str(six.parent / "filer"), "--omgang", str(six),
                          "--json", str(tmp_path / "s.json"))
    assert (neither.returncode, both.returncode) == (1, 1)
    assert "--omgang" in neither.stderr and "inte båda" in both.stderr
    assert not (tmp_path / "s.json").exists()


def test_omgang_ny_from_the_urval_and_last_years_round(tmp_path):
    urval = write_urval(tmp_path / "URVAL.xlsx")
    last = tmp_path / "2025.omgang"
    write_round_file(last, load_round_or(round_of_six(), thresholds=Thresholds(85, 70)))
    target = tmp_path / "Omgång 2026.omgang"
    result = run_in_process("omgang", "ny", str(target), "--urval", str(urval), "--mapp", str(tmp_path / "filer"),
                            "--forvaltning", "Socialförvaltningen Å", "--ar", "2026", "--forra", str(last))
    assert result.returncode == 0, result.stderr
    assert "2 enheter i 2 områden" in result.stdout and "grön ≥ 85 %" in result.stdout
    made = load_round(target)
    assert (made.administration, made.year, made.folder) == ("Socialförvaltningen Å", 2026, "filer")
    assert [u.unit for u in made.units] == ["Mottagningen", "Öppenvården"]
    again = run_in_process("omgang", "ny", str(target), "--urval", str(urval), "--mapp", str(tmp_path))
    assert again.returncode == 1 and "finns redan" in again.stderr


def test_a_hostile_round_file_is_named_without_a_traceback(tmp_path):
    path = tmp_path / "trasig.omgang"
    path.write_text('{"typ": "aktgranskning-omgang", "version": 1, "forvaltning": "F", "ar": 2026, '
                    '"enheter": [{"enhet": "E", "forvantade_akter": -1}]}', encoding="utf-8")
    result = run_in_process("omgang", "status", str(path))
    assert result.returncode == 1
    assert "trasig.omgang (enheter[0].forvantade_akter): ska vara ett heltal" in result.stderr
    assert "Traceback" not in result.stderr


def load_round_or(round_, **changes):
    from dataclasses import replace

    return replace(round_, year=2025, administration=ADMINISTRATION, **changes)


def test_the_rounds_summary_against_last_year_counts_only_the_enheter_that_took_part(six, tmp_path, checklists):
    from tests.round_files import make_enhet

    make_enhet(tmp_path / "2025", checklists, "Barn och familj", "Mottagningen", 2025, done=4)
    make_enhet(tmp_path / "2025", checklists, "Område #1", "Familjebehandling", 2025, done=4)
    result = run_in_process("sammanstall", "--omgang", str(six), "--jamfor", str(tmp_path / "2025"),
                            "--json", str(tmp_path / "s.json"))
    assert result.returncode == 3, result.stderr
    comparison = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["jamforelse"]
    total = comparison["nivaer"][0]
    assert (total["niva"], total["enheter"], total["forra_aret"]["enheter"]) == ("forvaltning", 5, 2)
    assert comparison["nivaer"][1]["namn"] == "Barn och familj" and comparison["nivaer"][1]["enheter"] == 2
    familj = next(level for level in comparison["nivaer"] if level["namn"] == "Familjebehandling")
    assert (familj["finns"], familj["akter"], familj["forra_aret"]["akter"]) == ("fanns_forra_aret", None, 4)
