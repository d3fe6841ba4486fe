"""One bad file never stops a summary: `sammanstall` of 49 good enhet files and one hostile or
broken one writes the summary of the 49, names the bad file and why (terminal and the Inläsning
sheet), says the result is without it, and exits with code 3."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import openpyxl
import pytest

from aktgranskning import logging_setup
from aktgranskning.cli import EXIT_INCOMPLETE, run_cli
from aktgranskning.services import summary as summary_service
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.report import export_unit_report, unit_report
from aktgranskning.services.summary import build_summary
from tests.trust.hostile_files import BY_NAME, base_file, make_hostile

pytestmark = pytest.mark.slow  # 49 enheter per case: runs in CI after the default suite (pytest -m slow)

GOOD = 49
WORKBOOKS = 4  # of the 49, as enhet workbooks; the rest granskningsfiler


def _renamed_copy(base: Path, target: Path, number: int) -> Path:
    shutil.copyfile(base, target)
    with sqlite3.connect(target) as connection:
        for key, value in (("enhet", f"Enhet {number:02d}"), ("omrade", f"Område {number % 5 + 1}"),
                           ("file_uuid", str(uuid.uuid4()))):
            connection.execute("UPDATE review_meta SET value=? WHERE key=?", (value, key))
    connection.close()
    return target


@pytest.fixture(scope="module")
def round_of_49(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """49 enheter of one round: 45 granskningsfiler and 4 enhet workbooks (one hand-edited), all
    copies of one real file under other enhet names, so building them is cheap."""
    work = tmp_path_factory.mktemp("omgang")
    base = base_file(work / "Testenheten 2026.granskning")
    folder = work / "enheter"
    folder.mkdir()
    for number in range(1, GOOD - WORKBOOKS + 1):
        _renamed_copy(base, folder / f"Enhet {number:02d} 2026.granskning", number)
    for number in range(GOOD - WORKBOOKS + 1, GOOD + 1):
        source = _renamed_copy(base, work / f"Enhet {number:02d} 2026.granskning", number)
        session = open_for_reading(source)
        try:
            export_unit_report(unit_report(session), folder / f"Enhet {number:02d} 2026.xlsx", None)
        finally:
            session.close()
    edited = folder / f"Enhet {GOOD:02d} 2026.xlsx"
    book = openpyxl.load_workbook(edited)
    for row in book["Data"].iter_rows():
        if row[10].value == "Nej":
            row[10].value = "Ja"
            break
    book.save(edited)
    return {"folder": folder, "base": base, "workbook": folder / f"Enhet {GOOD - 1:02d} 2026.xlsx"}


def _hostile(round_of_49: dict[str, Path], target: Path) -> str:
    make_hostile(round_of_49["base"], target, BY_NAME["trigger"])
    return "utlösare (trigger)"


def _truncated_workbook(round_of_49: dict[str, Path], target: Path) -> str:
    data = round_of_49["workbook"].read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return "ingen giltig Excelfil"


def _random_bytes(round_of_49: dict[str, Path], target: Path) -> str:
    target.write_bytes(bytes(range(256)) * 64)
    return "ingen giltig Excelfil"


def _empty_review_file(round_of_49: dict[str, Path], target: Path) -> str:
    target.write_bytes(b"")
    return "tom (0 byte)"


BAD = {
    "hostile granskningsfil": (_hostile, "Fientlig 2026.granskning"),
    "truncated workbook": (_truncated_workbook, "Avbruten 2026.xlsx"),
    "random bytes named .xlsx": (_random_bytes, "Slump 2026.xlsx"),
    "empty granskningsfil": (_empty_review_file, "Tom 2026.granskning"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_49_good_and_one_bad_file_gives_the_summary_of_the_49(kind, round_of_49, tmp_path):
    folder = tmp_path / "enheter"
    shutil.copytree(round_of_49["folder"], folder)
    make, name = BAD[kind]
    bad = folder / name
    words = make(round_of_49, bad)
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    out = tmp_path / "Sammanställning 2026.xlsx"
    started = time.monotonic()
    json_out, pdf_out = tmp_path / "sammanstallning.json", tmp_path / "sammanstallning.pdf"
    result = subprocess.run([sys.executable, "-m", "aktgranskning", "sammanstall", str(folder), "-o", str(out),
                             "--json", str(json_out), "--pdf", str(pdf_out)],
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    elapsed = time.monotonic() - started
    print(f"{kind}: sammanstall av {GOOD}+1 filer tog {elapsed:.1f} s")
    assert result.returncode == EXIT_INCOMPLETE, result.stderr
    assert "Traceback" not in result.stderr and "oväntat fel" not in result.stderr
    warning = next(line for line in result.stderr.splitlines() if line.startswith(f"Varning: {name} "))
    assert "lästes inte och ingår inte i sammanställningen" in warning and words in warning
    assert f"omfattar {GOOD} enheter men inte 1 fil som inte kunde läsas" in result.stderr
    assert "Data-bladet stämmer inte med sin kontrollsumma" in result.stderr  # a warning, still included
    assert result.stdout.count("Läste ") == GOOD
    log = openpyxl.load_workbook(out, read_only=True)["Inläsning"]
    rows = [tuple(cell for cell in row) for row in log.iter_rows(min_row=3, max_col=5, values_only=True)]
    listed = {row[0]: row[4] for row in rows if row[0] and row[4]}
    assert listed[name].startswith("LÄSTES INTE – ingår inte i sammanställningen") and words in listed[name]
    assert sum(1 for status in listed.values() if not status.startswith("LÄSTES INTE")) == GOOD
    assert any(row[0] == "Sammanställningen omfattar inte 1 fil som inte kunde läsas (markerade ovan)." for row in rows)
    left_out = json.loads(json_out.read_text(encoding="utf-8"))["ej_inlasta"]
    assert [item["fil"] for item in left_out] == [name] and words in left_out[0]["orsak"]
    pdf_text = subprocess.run(["pdftotext", str(pdf_out), "-"], capture_output=True, text=True, check=True).stdout
    assert f"Ingår inte: {name} kunde inte läsas" in " ".join(pdf_text.split())
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before
    assert elapsed < 30, f"{elapsed:.1f} s"


def test_an_unexpected_error_in_one_file_names_the_file_and_the_step(round_of_49, monkeypatch, tmp_path):
    def broken(path: Path):  # type: ignore[no-untyped-def]
        if path.name == round_of_49["workbook"].name:
            raise ZeroDivisionError("ett fel i läsaren")
        return original(path)

    logged: list[BaseException] = []

    def log(error: BaseException) -> Path:  # the real log is set up once per process; keep it out
        logged.append(error)
        return tmp_path / "aktgranskning.log"

    original = summary_service.read_unit_file
    monkeypatch.setattr(summary_service, "read_unit_file", broken)
    monkeypatch.setattr(logging_setup, "log_unexpected", log)
    summary = build_summary([round_of_49["folder"]])
    assert [type(error) for error in logged] == [ZeroDivisionError]
    assert [item.source for item in summary.excluded] == [round_of_49["workbook"].name]
    reason = summary.excluded[0].reason
    assert "oväntat fel" in reason and "när Excelfilen lästes" in reason and "ZeroDivisionError" in reason
    assert "ett fel i läsaren" not in reason  # the message may quote data; only the type is shown
    assert len(summary.units()) == GOOD - 1


def test_when_no_file_can_be_read_nothing_is_written_and_each_is_named(round_of_49, tmp_path, capsys):
    folder = tmp_path / "trasiga"
    folder.mkdir()
    _random_bytes(round_of_49, folder / "Slump 2026.xlsx")
    _hostile(round_of_49, folder / "Fientlig 2026.granskning")
    out = tmp_path / "s.xlsx"
    assert run_cli(["sammanstall", str(folder), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Ingen av filerna kunde läsas" in err
    assert "Slump 2026.xlsx:" in err and "Fientlig 2026.granskning: filen innehåller en utlösare" in err
    assert not out.exists()


def test_a_named_pipe_in_the_folder_is_left_out_without_hanging(round_of_49, tmp_path, capsys):
    if not hasattr(__import__("os"), "mkfifo"):
        pytest.skip("named pipes need POSIX")
    import os

    folder = tmp_path / "med rör"
    folder.mkdir()
    shutil.copyfile(round_of_49["workbook"], folder / round_of_49["workbook"].name)
    os.mkfifo(folder / "Rör 2026.xlsx")
    out = tmp_path / "s.xlsx"
    assert run_cli(["sammanstall", str(folder), "-o", str(out)]) == EXIT_INCOMPLETE
    err = capsys.readouterr().err
    assert "Varning: Rör 2026.xlsx lästes inte" in err and "ingen vanlig fil" in err
    assert out.exists()
