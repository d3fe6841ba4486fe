"""A table cell holding a date as ÅÅÅÅ-MM-DD, edited with a date picker (a calendar pops up).

The cell keeps the date as ISO text, so what the table shows is exactly what is stored. Leaving
the editor without choosing anything keeps the cell as it was: opening an empty cell by mistake
never puts today's date in it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QDateEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

DISPLAY_FORMAT = "yyyy-MM-dd"  # Swedish standard date format (SS-ISO 8601)
_CHOSEN = "dateChosen"  # editor property: the user changed or confirmed the date


class DateDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = QDateEdit(parent)
        editor.setCalendarPopup(True)
        editor.setDisplayFormat(DISPLAY_FORMAT)
        editor.setAccessibleName("Klart senast (datum)")
        editor.setToolTip("Välj ett datum i kalendern (Alt+↓) eller skriv ÅÅÅÅ-MM-DD.")
        editor.setProperty(_CHOSEN, False)
        editor.dateChanged.connect(lambda _d: editor.setProperty(_CHOSEN, True))
        editor.calendarWidget().clicked.connect(lambda _d: editor.setProperty(_CHOSEN, True))
        editor.installEventFilter(self)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QDateEdit)
        current = iso_date(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.blockSignals(True)
        editor.setDate(QDate(current.year, current.month, current.day) if current else QDate.currentDate())
        editor.blockSignals(False)
        editor.setProperty(_CHOSEN, False)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QDateEdit)
        if not editor.property(_CHOSEN):
            return
        model.setData(index, editor.date().toString(Qt.DateFormat.ISODate), Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter confirms the date shown, even if it was not changed (e.g. today's date).
        if (isinstance(watched, QDateEdit) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):  # type: ignore[attr-defined]
            watched.setProperty(_CHOSEN, True)
        return super().eventFilter(watched, event)


def iso_date(text: str) -> date | None:
    """The date in a cell's text, or None when it is empty or no ISO date."""
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None
