"""The checklists an utvecklare has installed (the `checklists/` folder)."""

from __future__ import annotations

from pathlib import Path

from aktgranskning.checklist_files import load_checklist_folder
from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.errors import FileProblem
from aktgranskning.paths import checklists_dir


def installed_checklists(folder: Path | None = None) -> list[Checklist]:
    folder = folder or checklists_dir()
    if not folder.is_dir():
        raise FileProblem(folder, "mappen med checklistor finns inte.")
    checklists = load_checklist_folder(folder)
    if not checklists:
        raise FileProblem(folder, "mappen innehåller inga checklistor (*.toml).")
    return checklists
