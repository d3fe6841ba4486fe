"""`aktgranskning aktiviteter`: the improvement activities of every enhet read, with their status,
as one workbook for the delårsuppföljning and the verksamhetsberättelse. Files are read as for a
summary (`services.summary.read_inputs`): one that cannot be read is named with its problem and
left out, never stopping the others."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.follow_up import ActivityStatusRow, activity_status_rows
from aktgranskning.domain.review_file import now_iso
from aktgranskning.domain.safe_text import recording
from aktgranskning.domain.summary import ExcludedFile, SummaryInput, deduplicated
from aktgranskning.excel.activities_workbook import write_activities_workbook
from aktgranskning.services.summary import read_inputs


@dataclass(frozen=True)
class ActivitiesExported:
    path: Path
    inputs: tuple[SummaryInput, ...]  # the enheter whose activities are in the workbook
    rows: tuple[ActivityStatusRow, ...]
    excluded: tuple[ExcludedFile, ...]  # files that could not be read, with why
    notices: tuple[str, ...] = ()  # characters the workbook could not hold


def export_activities(paths: Sequence[Path], target: Path, replacements: Iterable[Path] = (),
                      progress: Callable[[int, int, str], None] | None = None) -> ActivitiesExported:
    """Read the files (folders are searched), one per enhet and year, and write every activity."""
    if target.suffix.lower() != ".xlsx":
        raise FileProblem(target, "filnamnet ska sluta på .xlsx.")
    inputs, excluded = read_inputs(paths, progress)
    if not inputs:
        raise UserError("Ingen av filerna kunde läsas, så inga aktiviteter exporterades:\n"
                        + "\n".join(f"  {item.source}: {item.reason}" for item in excluded))
    units = deduplicated(inputs, [p.name for p in replacements])
    rows = activity_status_rows(u.data for u in units)
    with recording() as replaced:
        written = write_activities_workbook(rows, excluded, target, now_iso())
    return ActivitiesExported(written, tuple(units), tuple(rows), tuple(excluded), tuple(replaced.notices()))
