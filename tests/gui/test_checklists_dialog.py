"""The utvecklare's checklists window: the installed list with sources, a workbook checked with its
problems marked on the sheet's cells, installed, exported and removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktgranskning.checklist_files import load_checklist_file
from aktgranskning.gui.checklists_dialog import PROBLEM_FILL, ChecklistsDialog
from aktgranskning.paths import checklists_dir
from tests.checklists.authoring import authored_workbook
from tests.gui.waiting import wait_for_background


@pytest.fixture
def organisation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "org"
    monkeypatch.setenv("AKTGRANSKNING_CHECKLISTOR", str(folder))
    return folder


def _column(table, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_a_workbook_is_checked_installed_exported_and_removed(qtbot, tmp_path: Path, organisation: Path) -> None:
    dialog = ChecklistsDialog()
    qtbot.addWidget(dialog)
    assert sorted(_column(dialog.installed, 1)) == sorted(_built_in())
    assert _column(dialog.installed, 4) == ["inbyggd"] * len(_built_in())
    assert not dialog.choose_folder_button.isEnabled()  # the variable decides

    def broken(meta, questions) -> None:  # type: ignore[no-untyped-def]
        questions["G3"] = "uf.plan = X"

    dialog.check_file(authored_workbook(tmp_path / "fel.xlsx", broken))
    wait_for_background(qtbot)
    assert not dialog.install_button.isEnabled()
    assert dialog.sheet.verticalHeaderItem(1).text() == "3"  # Excel's row number
    marked = dialog.sheet.item(1, 6)
    assert marked.background().color() == PROBLEM_FILL and "kan inte besvaras X" in marked.toolTip()
    assert dialog.findings.item(0).text().startswith("Fel: Blad Frågor, rad 3, kolumn villkor:")

    dialog.check_file(authored_workbook(tmp_path / "uppfoljning.xlsx"))
    wait_for_background(qtbot)
    assert dialog.install_button.isEnabled()
    dialog.install_checked()
    wait_for_background(qtbot)
    assert (organisation / "uppfoljning.toml").is_file()
    assert sorted(_column(dialog.installed, 1)) == sorted([*_built_in(), "uppfoljning"])
    sources = dict(zip(_column(dialog.installed, 1), _column(dialog.installed, 4), strict=True))
    assert sources["uppfoljning"] == str(organisation / "uppfoljning.toml")
    assert dialog.selected_id() == "uppfoljning" and dialog.remove_button.isEnabled()

    dialog.export_selected(tmp_path / "export.xlsx")
    wait_for_background(qtbot)
    assert (tmp_path / "export.xlsx").is_file()
    dialog.remove_selected(confirm=False)
    assert sorted(_column(dialog.installed, 1)) == sorted(_built_in())
    dialog.select("utredning")
    assert not dialog.remove_button.isEnabled()


def test_the_chosen_folder_is_saved(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AKTGRANSKNING_CHECKLISTOR", raising=False)
    dialog = ChecklistsDialog()
    qtbot.addWidget(dialog)
    dialog.set_folder(tmp_path / "vald")
    assert str(tmp_path / "vald") in dialog.folder_label.text()
    again = ChecklistsDialog()
    qtbot.addWidget(again)
    assert "inställningen i fönstret" in again.folder_label.text()


def test_arkiv_checklistor_opens_the_dialog(qtbot, monkeypatch: pytest.MonkeyPatch, organisation: Path) -> None:
    from aktgranskning.gui.launch import build_main_window

    shown: list[ChecklistsDialog] = []
    monkeypatch.setattr(ChecklistsDialog, "exec", lambda self: shown.append(self) or 0)
    main = build_main_window()
    qtbot.addWidget(main)
    arkiv = next(a.menu() for a in main.menuBar().actions() if a.text() == "&Arkiv")
    next(a for a in arkiv.actions() if a.text() == "&Checklistor…").trigger()
    assert len(shown) == 1 and shown[0].installed.rowCount() == len(_built_in())


def _built_in() -> list[str]:
    return [load_checklist_file(path).id for path in checklists_dir().glob("*.toml")]
