"""What the window needs from the core, in one object: open, create, demo."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aktgranskning.services.opening import NewFileInfo, open_review_file
from aktgranskning.services.session import ReviewSession

if TYPE_CHECKING:  # imported where used: the window's start path needs only `open`
    from aktgranskning.services.new_file import NewFileReport
    from aktgranskning.services.sampling import SamplingOptions, SamplingRound


class Workspace:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def open(self, path: Path, reviewer: str, read_only: bool = False) -> ReviewSession:
        return open_review_file(path, reviewer=reviewer, read_only=read_only)

    def fresh_demo(self) -> Path:
        """Write a new demo into the user's data folder and return this year's first file."""
        from aktgranskning.services.checklists import installed_checklists
        from aktgranskning.services.demo import DEMO_UNITS, demo_file_name, write_demo

        folder = self.data_dir / "demo" / datetime.now().strftime("%Y-%m-%d_%H%M%S")
        base, suffix = folder, 1
        while folder.exists():
            suffix += 1
            folder = base.with_name(f"{base.name}-{suffix}")
        year = date.today().year
        write_demo(folder, installed_checklists(), year=year)
        return folder / demo_file_name(DEMO_UNITS[0].unit, year)

    def create_from_sample_list(
        self, target: Path, sample_list: Path, administration: str, area: str, unit: str, year: int
    ) -> NewFileReport:
        from aktgranskning.services.checklists import installed_checklists
        from aktgranskning.services.new_file import create_from_sample_list

        info = NewFileInfo(administration, area, unit, year)
        return create_from_sample_list(target, sample_list, info, installed_checklists())

    def draw_sample(self, case_list: Path, options: SamplingOptions) -> SamplingRound:
        from aktgranskning.services.sampling import draw_round

        return draw_round(case_list, options)

    def save_sample(self, sampling: SamplingRound, target: Path) -> Path:
        from aktgranskning.excel.sample_workbook import write_sample_workbook

        return write_sample_workbook(sampling, target)

    def create_review_files(self, sampling: SamplingRound, folder: Path, administration: str, year: int) -> list[Path]:
        from aktgranskning.services.checklists import installed_checklists
        from aktgranskning.services.sampling import review_files_for_round

        return review_files_for_round(sampling, folder, administration, year, installed_checklists())
