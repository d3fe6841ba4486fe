"""The machine-readable Data sheet of an enhet workbook: its layout and its checksum.

Layout: a metadata block of key/value rows (checklists take one row each with id, version, hash
and title), a blank row, a header row, then one row per case × question. A dropout is one row
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
CHECKSUM_KEY = "kontrollsumma"
META_KEYS = ("format", "forvaltning", "omrade", "enhet", "ar", "fil_uuid", "appversion", "exporterad",
             "troskel_gron", "troskel_gul")
COLUMNS = ("lopnummer", "arendetyp", "kon", "aldersgrupp", "status", "bortfallsorsak",
           "avsnitt", "avsnittsrubrik", "fraga_id", "fraga", "svar")


def checksum(meta_rows: Iterable[Sequence[object]], data_rows: Iterable[Sequence[object]]) -> str:
    digest = hashlib.sha256()
    for block in (meta_rows, data_rows):
        for row in block:
            cells = [cell_text(v) for v in row]  # the text any reader gives back
            while cells and cells[-1] == "":
                cells.pop()
            # U+001F (unit separator) cannot be typed into a cell, so the join is unambiguous.
            digest.update(("\x1f".join(cells) + "\n").encode("utf-8"))
        digest.update(b"--\n")
    return digest.hexdigest()
