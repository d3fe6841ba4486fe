"""Paints a share as a horizontal bar in its level's colour, with '17 av 19 (89 %)' on it.

The colour and the bar's length come from domain.thresholds, as in the pdf and the workbook:
0 % is a short red bar, and a question without Ja/Nej is hatched grey without a bar."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from aktgranskning.domain.thresholds import Level, bar_colour, bar_fraction

SHARE_ROLE = Qt.ItemDataRole.UserRole + 10
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 11
COLOUR_ROLE = Qt.ItemDataRole.UserRole + 12  # the bar colour as '#RRGGBB', from domain.thresholds

BACKGROUND = QColor("#f4f4f4")
MINIMUM_STUB_PIXELS = 4


def set_share(item: object, share: float | None, level: Level) -> None:
    """Store what the delegate paints on a table item (QTableWidgetItem)."""
    item.setData(SHARE_ROLE, share)  # type: ignore[attr-defined]
    item.setData(LEVEL_ROLE, level.value)  # type: ignore[attr-defined]
    item.setData(COLOUR_ROLE, bar_colour(level))  # type: ignore[attr-defined]


class ShareBarDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        colour = index.data(COLOUR_ROLE)
        if colour is None:
            super().paint(painter, option, index)
            return
        share = index.data(SHARE_ROLE)
        painter.save()
        rect: QRect = option.rect.adjusted(2, 3, -2, -3)
        painter.fillRect(rect, BACKGROUND)
        fraction = bar_fraction(None if share is None else float(share))
        if fraction is None:
            painter.fillRect(rect, QBrush(QColor(str(colour)), Qt.BrushStyle.BDiagPattern))
        else:
            width = max(MINIMUM_STUB_PIXELS, int(rect.width() * fraction))
            painter.fillRect(QRect(rect.left(), rect.top(), width, rect.height()), QColor(str(colour)))
        painter.setPen(QColor("#1a1a1a"))
        painter.drawText(rect.adjusted(6, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, str(index.data() or ""))
        painter.restore()
