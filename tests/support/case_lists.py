"""Case lists as the case system exports them (csv, UTF-8, ';'), for the urval tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

HEADER = ("Ärendenummer", "Kön", "Ålder", "Handläggare", "Ärendetyp", "Enhet", "Område")


def write_case_list(path: Path, rows: Iterable[Sequence[object]]) -> Path:
    """A csv with HEADER and `rows` (one value per column of HEADER)."""
    lines = [";".join(HEADER), *(";".join(str(value) for value in row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
