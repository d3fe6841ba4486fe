"""Shared rules for every workbook the product writes: text never becomes a formula, characters
Excel cannot store are replaced visibly (domain.safe_text), and a file appears only when it is
complete (written beside the target, then renamed into place)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aktgranskning.atomic_file import build_atomically
from aktgranskning.domain.safe_text import XLSX, safe_text


def put(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write a value; text that a spreadsheet would run as a formula is stored as plain text."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        # Bound as openpyxl binds text (Cell._bind_value), without its check_string: excel_text
        # has already left only what that check accepts (XML characters, at most 32 767), and a
        # summary puts tens of thousands of cells. A text that starts like a formula stays text,
        # and so does one that reads like an error value ("#REF!"): openpyxl would store that as
        # Excel's error, not as what someone typed.
        text = excel_text(value)
        cell._value = text
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def excel_text(text: str) -> str:
    """Text as a workbook can hold it (cells, chart titles, properties)."""
    return safe_text(text, XLSX)


def sheet_title(name: str, taken: set[str]) -> str:
    """A legal, unique sheet name (31 characters, none of []:*?/\\)."""
    cleaned = "".join("_" if ch in '[]:*?/\\' else ch for ch in excel_text(name)).strip() or "Blad"
    title = cleaned[:31]
    counter = 2
    while title.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({counter})"
        title = cleaned[: 31 - len(suffix)] + suffix
        counter += 1
    taken.add(title)
    return title


def save_atomically(workbook: Any, target: Path) -> Path:
    return build_atomically(workbook.save, target)
