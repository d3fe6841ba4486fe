"""`aktgranskning checklista …`: kontrollera (exit 0 / 1), installera, exportera, lista."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checklists.authoring import authored_workbook
from tests.cli_runner import run_in_process


@pytest.fixture(autouse=True)
def organisation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "org"
    monkeypatch.setenv("AKTGRANSKNING_CHECKLISTOR", str(folder))
    return folder


def test_kontrollera_says_every_problem_and_exits_1(tmp_path: Path) -> None:
    def broken(meta, questions) -> None:  # type: ignore[no-untyped-def]
        questions["A3"] = "Fel id"
        questions["G4"] = "uf.plan = Kanske"

    result = run_in_process("checklista", "kontrollera", str(authored_workbook(tmp_path / "fel.xlsx", broken)))
    assert result.returncode == 1
    assert result.stdout.splitlines()[:3] == [
        "fel.xlsx: 2 fel att rätta innan checklistan kan installeras:",
        "  Fel: Blad Frågor, rad 3, kolumn id: frågans id ”Fel id” får bara innehålla små bokstäver a–z, siffror, "
        "punkt, bindestreck och understreck (inga å, ä, ö eller mellanslag).",
        "  Fel: Blad Frågor, rad 4, kolumn villkor: svaret ”Kanske” i villkoret finns inte; tillåtna svar är Ja, "
        "Nej och X."]


def test_installera_lista_exportera(tmp_path: Path, organisation: Path) -> None:
    workbook = authored_workbook(tmp_path / "uppfoljning.xlsx")
    assert run_in_process("checklista", "kontrollera", str(workbook)).returncode == 0
    installed = run_in_process("checklista", "installera", str(workbook))
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.splitlines()[-1] == (
        f"Checklistan uppfoljning version 2026.1 är installerad ({organisation / 'uppfoljning.toml'}).")
    listing = run_in_process("checklista", "lista")
    assert listing.returncode == 0
    path = organisation / "uppfoljning.toml"
    line = f"  uppfoljning  version 2026.1  ”Uppföljning av familjehemsplacering”  3 frågor  {path}"
    assert line in listing.stdout.splitlines()
    exported = run_in_process("checklista", "exportera", "uppfoljning", "-o", str(tmp_path / "ut.xlsx"))
    assert exported.returncode == 0 and (tmp_path / "ut.xlsx").is_file()
    again = run_in_process("checklista", "installera", str(tmp_path / "ut.xlsx"))
    assert "är redan installerad" in again.stdout
    missing = run_in_process("checklista", "exportera", "finns-inte", "-o", str(tmp_path / "x.xlsx"))
    assert missing.returncode == 1 and "Det finns ingen installerad checklista med id finns-inte" in missing.stderr
