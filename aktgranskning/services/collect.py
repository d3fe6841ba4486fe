"""`aktgranskning samla` / Arkiv → Samla enhetens filer i en fil: the enhet's folder (its file and
every reviewer's own file) folded into one self-contained granskningsfil, for e-mail, an archive
or next year's comparison."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.services.conflicts import Conflict
from aktgranskning.services.opening import open_for_reading
from aktgranskning.storage.collected import write_collected


@dataclass(frozen=True)
class Collected:
    path: Path
    sources: int  # files the enhet was read from
    conflicts: tuple[Conflict, ...]  # left open in the new file (only when asked to keep them)


class ConflictsRemain(UserError):
    def __init__(self, path: Path, conflicts: list[Conflict]) -> None:
        listed = "; ".join(conflict.describe() for conflict in conflicts[:5]) + (" …" if len(conflicts) > 5 else "")
        super().__init__(
            f"{path}: {len(conflicts)} {'konflikt' if len(conflicts) == 1 else 'konflikter'} mellan granskarnas svar "
            f"är inte avgjord{'' if len(conflicts) == 1 else 'a'} ({listed}). Välj i akten vad som gäller, eller "
            "samla ändå och låt konflikterna stå kvar öppna i den nya filen."
        )
        self.conflicts = conflicts


def collect_enhet(path: Path, target: Path, keep_conflicts: bool = False) -> Collected:
    """Write the whole enhet as one new file. Refused while conflicts remain, unless
    `keep_conflicts`: then they stay open in the new file, to be decided there."""
    if target.exists():
        raise FileProblem(target, "filen finns redan. Välj ett annat namn; en befintlig fil skrivs aldrig över.")
    session = open_for_reading(path)
    try:
        conflicts = session.conflicts()
        if conflicts and not keep_conflicts:
            raise ConflictsRemain(path, conflicts)
        write_collected(session.store, target)
        return Collected(target, session.sources, tuple(conflicts))
    finally:
        session.close()
