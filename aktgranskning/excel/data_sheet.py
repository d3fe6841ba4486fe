"""The machine-readable Data sheet of an enhet workbook: its layout and its checksum.

Layout: a metadata block of key/value rows (checklists take one row each with id, version, hash
and title; activities that target questions one row each with number, text and the question
ids), a blank row, a header row, then one row per case × question. A dropout is one row
with no question. The checksum is SHA-256 over the metadata (except the checksum itself) and
every data row, so a reader can tell whether the sheet was edited by hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from aktgranskning.excel.tables import cell_text

FORMAT_VERSION = "1"
SHEET_NAME = "Data"
TITLE = "Aktgranskning – data för sammanställning. Bladet läses av programmet; ändra inte i det."
CHECKLIST_KEY = "checklista"
# One row per activity that targets questions: its number (1 = the first row of the sheet
# Förbättringsaktiviteter), its text and the question ids. Workbooks before these rows have none.
ACTIVITY_KEY = "aktivitet_fragor"
CHECKSUM_KEY = "kontrollsumma"
META_KEYS = ("format", "forvaltning", "omrade", "enhet", "ar", "fil_uuid", "appversion", "exporterad",
             "troskel_gron", "troskel_gul")
COLUMNS = ("lopnummer", "arendetyp", "kon", "aldersgrupp", "status", "bortfallsorsak",
           "avsnitt", "avsnittsrubrik", "fraga_id", "fraga", "svar")


def checksum(meta_rows: Iterable[Sequence[object]], data_rows: Iterable[Sequence[object]]) -> str:
    """The checksum of rows as written (any cell values): over the text any reader gives back."""
    return checksum_of_texts(
        ([cell_text(v) for v in row] for row in meta_rows),
        ([cell_text(v) for v in row] for row in data_rows),
    )


def checksum_of_texts(meta_rows: Iterable[Sequence[str]], data_rows: Iterable[Sequence[str]]) -> str:
    """The checksum of rows already read back as cell texts (`tables.cell_text`), as a reader has
    them: the same digest as `checksum`, without converting 100 000 cells a second time."""
    lines: list[str] = []
    for block in (meta_rows, data_rows):
        for row in block:
            end = len(row)
            while end and row[end - 1] == "":
                end -= 1
            # U+001F (unit separator) cannot be typed into a cell, so the join is unambiguous.
            lines.append("\x1f".join(row if end == len(row) else row[:end]) + "\n")
        lines.append("--\n")
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
