"""Colours of the window that come from the product's one palette (domain.thresholds)."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QTableWidgetItem

from aktgranskning.domain.comparison import YearChange
from aktgranskning.domain.thresholds import FINAL_TEXT, PRELIMINARY_BACKGROUND, PRELIMINARY_TEXT

CHANCE_COLOUR = QColor("#777777")


def completeness_style(preliminary: bool) -> str:
    """The style sheet of a completeness line: marked in red while the result is preliminary,
    as row 1 of every sheet and the top line of every PDF page are."""
    if preliminary:
        return (f"color: {PRELIMINARY_TEXT.lower()}; background: {PRELIMINARY_BACKGROUND.lower()}; "
                "font-weight: bold; padding: 4px;")
    return f"color: {FINAL_TEXT.lower()};"


def mark_change(item: QTableWidgetItem, change: YearChange | None) -> None:
    """A change from an earlier year in grey when chance can explain it, in bold when it cannot,
    with the reason as tooltip (the results table and the follow-up alike)."""
    if change is None or not change.difference:
        return
    if change.within_chance:
        item.setForeground(QBrush(CHANCE_COLOUR))
        item.setToolTip("Förändringen kan förklaras av slumpen med så här få akter.")
    else:
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
        item.setToolTip("Förändringen är större än vad slumpen förklarar (p < 0,05).")
