"""`urval --granskningsfiler` with names and numbers from someone else's case list: every file
lands in the folder that was chosen, under a name every system can hold; nothing is written
unless everything can be; and no personnummer is ever stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli_runner import run_in_process as run
from tests.support.case_lists import write_case_list


def _case_list(tmp_path: Path, units: list[str], case_number: str = "U-{i}") -> Path:
    return write_case_list(tmp_path / "lista.csv", (
        (case_number.format(i=100 * index + i), "K" if i % 2 else "M", i % 18, f"H{i % 5}", "Utredning", unit, "Norr")
        for index, unit in enumerate(units) for i in range(30)))


def _urval(tmp_path: Path, case_list: Path, folder: Path):  # type: ignore[no-untyped-def]
    return run("urval", str(case_list), "-o", str(tmp_path / "urval.xlsx"), "--seed", "3",
               "--granskningsfiler", str(folder), "--forvaltning", "F", "--ar", "2026")


def _every_file_under(root: Path) -> set[Path]:
    return {Path(folder, name) for folder, _dirs, names in os.walk(root) for name in names}


def test_an_enhet_named_like_a_path_gets_a_file_in_the_chosen_folder(tmp_path):
    units = ["../../utanför/Mottagningen", f"{tmp_path}/absolut/Utredning barn", "CON", "Barn: ”Öst” | 1?"]
    folder = tmp_path / "a" / "b" / "filer"
    before = _every_file_under(tmp_path)
    result = _urval(tmp_path, _case_list(tmp_path, units), folder)
    assert result.returncode == 0, result.stderr
    created = _every_file_under(tmp_path) - before
    granskningsfiler = {p for p in created if p.suffix == ".granskning"}
    assert len(granskningsfiler) == 4 and all(p.parent == folder for p in granskningsfiler), created
    names = {p.name for p in granskningsfiler}
    assert {"utanför Mottagningen 2026.granskning", "Enheten 2026.granskning",
            "Barn ”Öst” 1 2026.granskning"} < names  # "CON" would be a device on Windows
    assert any(n.endswith(" absolut Utredning barn 2026.granskning") for n in names), names
    status = run("status", str(folder / "Barn ”Öst” 1 2026.granskning"), "--json")
    assert '"enhet": "Barn: ”Öst” | 1?"' in status.stdout  # the file keeps the enhet's own name


@pytest.mark.parametrize("problem", ["same name", "file already there"])
def test_nothing_is_written_unless_every_file_can_be(tmp_path, problem):
    folder = tmp_path / "filer"
    folder.mkdir()
    if problem == "same name":
        units = ["Enhet A", "Enhet/A", "Enhet B"]
    else:
        units = ["Enhet A", "Enhet B", "Enhet C"]
        (folder / "Enhet B 2026.granskning").write_bytes(b"den gamla")
    before = _every_file_under(tmp_path)
    result = _urval(tmp_path, _case_list(tmp_path, units), folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Inga granskningsfiler har skapats" in result.stderr
    assert _every_file_under(tmp_path) - before == {tmp_path / "lista.csv"}  # not even the urval workbook
    if problem == "file already there":
        assert (folder / "Enhet B 2026.granskning").read_bytes() == b"den gamla"


def test_a_case_list_whose_case_numbers_are_personnummer_is_refused_with_the_row(tmp_path):
    case_list = _case_list(tmp_path, ["Enhet A"], case_number="19671028-8215")
    before = _every_file_under(tmp_path)
    result = _urval(tmp_path, case_list, tmp_path / "filer")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert str(case_list) in result.stderr and "rad 2" in result.stderr and "personnummer" in result.stderr
    assert _every_file_under(tmp_path) == before
