"""Which first word runs a command: every subcommand, whatever is in the current directory."""

from __future__ import annotations

import argparse
import json

import pytest

from aktgranskning import app, cli
from aktgranskning.services.demo import DEMO_UNITS


def _parser_commands() -> set[str]:
    action = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


def test_every_subcommand_of_the_parser_runs_as_a_command_and_has_a_handler():
    assert set(cli.SUBCOMMANDS) == _parser_commands()
    assert all(app.wants_cli([command]) for command in cli.SUBCOMMANDS)


def test_every_command_names_what_it_was_doing_when_it_fails():
    assert set(cli._COMMAND_STEPS) == set(cli.SUBCOMMANDS)


@pytest.fixture
def no_window(monkeypatch):
    def window_opened(arguments):
        raise AssertionError(f"fönstret öppnades för {arguments}")

    monkeypatch.setattr(app, "start_window", window_opened)


def test_a_folder_named_like_a_command_does_not_open_the_window(tmp_path, monkeypatch, no_window, capsys):
    monkeypatch.chdir(tmp_path)
    assert app.main(["demo", "sammanstall", "--ar", "2026"]) == cli.EXIT_OK
    assert (tmp_path / "sammanstall").is_dir()
    capsys.readouterr()

    this_year = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "sammanstall").glob("* 2026.granskning"))

    code = app.main(["sammanstall", *this_year, "--json", "sammanstallning.json"])

    out = capsys.readouterr().out
    assert code == cli.EXIT_OK, out
    assert "Skrev sammanstallning.json" in out
    summary = json.loads((tmp_path / "sammanstallning.json").read_text(encoding="utf-8"))
    assert len(this_year) == len(DEMO_UNITS) and str(summary["ar"]) == "2026", summary.keys()


@pytest.mark.parametrize("command", sorted(set(cli.SUBCOMMANDS) - {"sammanstall"}))
def test_any_command_with_a_folder_of_its_name_in_the_cwd_goes_to_the_cli(command, tmp_path, monkeypatch,
                                                                          no_window, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / command).mkdir()
    with pytest.raises(SystemExit) as exited:
        app.main([command, "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"Användning: aktgranskning {command} ")
