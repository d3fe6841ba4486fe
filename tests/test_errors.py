"""Every unexpected error names the command, the step and the files; never a traceback, also when
the output goes to a pipe that closes early."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aktgranskning import cli
from aktgranskning.domain.steps import Step, step_of, work_step
from aktgranskning.logging_setup import LOG_NAME
from tests.cli_runner import run_in_process

SECRET = "-".join(["AKT", "2026", "774411"])  # case data, made at run time so no source line holds it


def run_module(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aktgranskning", *args], capture_output=True, text=True,
                          timeout=120, **kwargs)


def log_text() -> str:
    return (Path(os.environ["AKTGRANSKNING_DATAMAPP"]) / "logg" / LOG_NAME).read_text(encoding="utf-8")


# --- the step ------------------------------------------------------------------------------------
def test_the_innermost_step_an_error_leaves_names_it():
    with (
        pytest.raises(KeyError) as caught,
        work_step("skriva sammanställningen", Path("/ut/s.xlsx")),
        work_step("läsa enhetsfilen", Path("/in/a.xlsx")),
    ):
        raise KeyError("x")
    assert step_of(caught.value) == Step("läsa enhetsfilen", (Path("/in/a.xlsx"),))
    assert step_of(caught.value).failed_text() == "kunde inte läsa enhetsfilen /in/a.xlsx"


def test_paths_fill_the_places_in_the_action_and_many_files_are_counted():
    step = Step("föra in svaren i enhetsfilen {} från kopiorna", tuple(Path(f"/k/{n}") for n in "eabcdef"))
    assert step.failed_text() == ("kunde inte föra in svaren i enhetsfilen /k/e från kopiorna /k/a, /k/b, /k/c "
                                  "och 3 filer till")


# --- unexpected errors in a command ----------------------------------------------------------------
def test_an_unexpected_error_in_a_command_is_one_line_naming_the_step_and_file(review_file, tmp_path, monkeypatch,
                                                                               capsys):
    from aktgranskning.services import report

    def broken_export(*args, **kwargs):
        raise KeyError(f"akt {SECRET}")

    monkeypatch.setattr(report, "export_unit_report", broken_export)
    target = tmp_path / "Enhet.xlsx"
    code = cli.run_cli(["rapport", str(review_file), "-o", str(target)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_ERROR
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"Fel i kommandot rapport: kunde inte skriva rapporten ur granskningsfilen {review_file} "
                          f"till {target}: oväntat fel (KeyError).")
    assert "Detaljer finns i loggen" in err and SECRET not in err
    log = log_text()
    assert "KeyError (kommandot rapport: skriva rapporten ur granskningsfilen {} till)" in log
    assert "broken_export" in log
    assert SECRET not in log and str(target) not in log


def test_an_inner_step_is_named_before_the_commands_own(tmp_path):
    args = argparse.Namespace(kommando="sammanstall", filer=[tmp_path], utfil=tmp_path / "s.xlsx")
    try:
        with work_step("läsa enhetsfilen", tmp_path / "b.xlsx"):
            raise ValueError("något")
    except ValueError as error:
        line = cli.unexpected_error_line(args, error)
    assert line.startswith(f"Fel i kommandot sammanstall: kunde inte läsa enhetsfilen {tmp_path / 'b.xlsx'}: "
                           "oväntat fel (ValueError).")
    assert cli.command_step(args).failed_text() == f"kunde inte sammanställa enheternas filer {tmp_path}"


def test_a_command_without_a_description_still_names_its_files(tmp_path):
    args = argparse.Namespace(kommando="nytt-kommando", fil=tmp_path / "a.granskning", json=False)
    line = cli.unexpected_error_line(args, ValueError("något"))
    assert line.startswith(f"Fel i kommandot nytt-kommando: kunde inte slutföra kommandot med "
                           f"{tmp_path / 'a.granskning'}: oväntat fel (ValueError).")


def test_a_real_failure_writing_the_report_names_the_file_without_a_traceback(review_file, tmp_path):
    not_a_folder = tmp_path / "inte en mapp.txt"
    not_a_folder.write_text("", encoding="utf-8")
    target = not_a_folder / "Enhet.xlsx"
    result = run_in_process("rapport", str(review_file), "-o", str(target))
    assert result.returncode == 1
    assert str(target) in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_ctrl_c_gives_a_short_swedish_line(review_file, monkeypatch, capsys):
    from aktgranskning.services import opening

    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(opening, "open_for_reading", interrupted)
    code = cli.run_cli(["status", str(review_file)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_INTERRUPTED
    assert err == (f"Avbrutet medan programmet skulle läsa granskningsfilen {review_file}. "
                   "Ingen fil har skrivits till hälften.\n")


# --- pipes that close early ------------------------------------------------------------------------
def test_status_into_head_exits_quietly(review_file):
    result = subprocess.run(
        ["bash", "-c", 'set -o pipefail; "$0" -m aktgranskning status "$1" --json | head -1', sys.executable,
         str(review_file)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.stdout.strip() == "{"
    assert result.stderr == ""
    assert result.returncode in (0, 1)  # 1 when the pipe closed before everything was written


def test_a_pipe_closed_before_the_output_is_written_gives_no_noise(review_file):
    process = subprocess.Popen([sys.executable, "-m", "aktgranskning", "status", str(review_file), "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the program writes a byte
    errors = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=120) == 1
    assert errors == ""


SAMPLE_COMMANDS = {
    "demo": ["demo", "/d"],
    "ny": ["ny", "/a.granskning", "--forvaltning", "F", "--omrade", "O", "--enhet", "E", "--ar", "2026",
           "--urval", "/u.xlsx"],
    "status": ["status", "/a.granskning"],
    "kontrollera": ["kontrollera", "/a.granskning"],
    "urval": ["urval", "/lista.xlsx", "-o", "/urval.xlsx"],
    "rapport": ["rapport", "/a.granskning", "-o", "/r.xlsx", "--pdf", "/r.pdf"],
    "sammanstall": ["sammanstall", "/mapp", "-o", "/s.xlsx"],
    "sammanfoga": ["sammanfoga", "/a.granskning", "/k1.granskning", "/k2.granskning"],
    "importera-resultat": ["importera-resultat", "/m.xlsx", "-o", "/e.xlsx", "--forvaltning", "F", "--omrade", "O",
                           "--enhet", "E", "--ar", "2025"],
}


@pytest.mark.parametrize("command", sorted(SAMPLE_COMMANDS))
def test_every_command_describes_its_step_with_its_input_files(command):
    args = cli.build_parser().parse_args(SAMPLE_COMMANDS[command])
    text = cli.command_step(args).failed_text()
    assert "slutföra kommandot" not in text
    inputs = [word for word in SAMPLE_COMMANDS[command][1:2] if word.startswith("/")]
    assert all(str(Path(word)) in text for word in inputs), text
