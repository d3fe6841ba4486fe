"""A checklist workbook as an utvecklare writes one in Excel, built cell by cell with openpyxl (not
with the program's own writer), so the reader is tested against what Excel files hold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

META = [("id", "uppfoljning"), ("version", "2026.1"), ("titel", "Uppföljning av familjehemsplacering"),
        ("arendetyp", "Familjehemsuppföljning"), ("alias", "familjehemsuppföljningar, placeringsuppföljning")]
HEADER = ["id", "avsnitt", "text", "hjalptext", "lagrum", "svar", "villkor"]
QUESTIONS = [
    ["uf.plan", "Planering", "Finns en genomförandeplan?", "Ja om planen finns i akten.", "HSLF-FS 2014:5",
     "Ja, Nej", ""],
    ["uf.plan_orsak", "Planering", "Om nej, framgår varför?", "", "", "Ja, Nej, X", "uf.plan = Nej"],
    ["uf.uppfoljd", "Uppföljning", "Har insatsen följts upp?", "", "", "", ""],
]


def authored_workbook(path: Path, change: Callable[[Any, Any], None] | None = None,
                      questions: list[list[str]] | None = None) -> Path:
    """Rows 1–5 of Checklista hold META; Frågor has HEADER on row 1 and a question per row from 2."""
    from openpyxl import Workbook

    workbook = Workbook()
    meta = workbook.active
    meta.title = "Checklista"
    for label, value in META:
        meta.append([label, value])
    sheet = workbook.create_sheet("Frågor")
    sheet.append(HEADER)
    for row in questions if questions is not None else QUESTIONS:
        sheet.append(row)
    if change is not None:
        change(meta, sheet)
    workbook.save(path)
    return path
