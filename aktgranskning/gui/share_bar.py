"""Paints a share as a horizontal bar in its level's colour, with '17 av 19 (89 %)' on it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from aktgranskning.domain.thresholds import Level

SHARE_ROLE = Qt.ItemDataRole.UserRole + 10
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 11

LEVEL_COLOURS = {
    Level.GOOD.value: QColor("#8fd19e"),
    Level.FAIR.value: QColor("#f5d36b"),
    Level.POOR.value: QColor("#ef8f8f"),
    Level.NONE.value: QColor("#d0d0d0"),
}


class ShareBarDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        share = index.data(SHARE_ROLE)
        level = index.data(LEVEL_ROLE)
        if level is None:
            super().paint(painter, option, index)
            return
        painter.save()
        rect: QRect = option.rect.adjusted(2, 3, -2, -3)
        painter.fillRect(rect, QColor("#f4f4f4"))
        if share is not None:
            filled = QRect(rect.left(), rect.top(), int(rect.width() * float(share)), rect.height())
            painter.fillRect(filled, LEVEL_COLOURS[str(level)])
        painter.setPen(QColor("#1a1a1a"))
        painter.drawText(rect.adjusted(6, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, str(index.data() or ""))
        painter.restore()
