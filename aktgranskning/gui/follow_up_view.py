"""The results page's follow-up of last year's improvement activities (domain.follow_up): each
activity carried over, its status, and for each question it targets this year's result against
the year compared with. Hidden while no activity has been carried over."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.follow_up import NO_QUESTIONS, TITLE, FollowUp, unit_follow_up
from aktgranskning.domain.unit_report import UnitReport
from aktgranskning.gui.colours import mark_change

MAX_TABLE_HEIGHT = 220  # px: the results table above keeps most of the page


class FollowUpView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.follow_up: FollowUp | None = None
        title = QLabel(TITLE)
        title.setObjectName("sectionTitle")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setAccessibleName(TITLE)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        for column, sample in {1: "Ej genomförd", 3: "14 av 17 (82 %)", 4: "14 av 17 (82 %)",
                               5: "+22 p.e. (kan vara slumpen)"}.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 20)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        self.hide()

    def show_report(self, report: UnitReport) -> None:
        """The follow-up of the report's enhet against the year it is compared with, if any."""
        follow_up = unit_follow_up(report.data, report.previous)
        self.follow_up = follow_up
        self.setVisible(not follow_up.is_empty)
        if follow_up.is_empty:
            return
        self.note.setText(follow_up.note())
        earlier = str(follow_up.previous_year) if follow_up.previous_year else "Föregående år"
        self.table.setHorizontalHeaderLabels(["Aktivitet", "Status", "Fråga", str(follow_up.year), earlier,
                                              "Förändring"])
        self.table.setRowCount(0)
        for item in follow_up.activities:
            if not item.questions:
                self._add_row([item.title, item.activity.status.label, NO_QUESTIONS, "", "", ""])
            for question in item.questions:
                cells = self._add_row([item.title, item.activity.status.label, question.label,
                                       question.current_text, question.previous_text(follow_up.comparing),
                                       question.change_text])
                mark_change(cells[5], question.change)
        self._fit_height()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_height)  # once the table has its new width, its rows wrap anew

    def _fit_height(self) -> None:
        """As tall as its rows, up to MAX_TABLE_HEIGHT: no empty band under a short list."""
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        frame = 2 * self.table.frameWidth() + self.table.horizontalHeader().sizeHint().height()
        bar = self.table.horizontalScrollBar()
        scroll = bar.sizeHint().height() if bar.isVisible() else 0
        self.table.setFixedHeight(min(MAX_TABLE_HEIGHT, rows + frame + scroll + 2))

    def _add_row(self, values: list[str]) -> list[QTableWidgetItem]:
        row = self.table.rowCount()
        self.table.insertRow(row)
        items = []
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            self.table.setItem(row, column, item)
            items.append(item)
        return items

    def rows(self) -> list[list[str]]:
        """What the table shows, row by row (for a reader of the page and for tests)."""
        return [[item.text() if (item := self.table.item(r, c)) is not None else ""
                 for c in range(self.table.columnCount())] for r in range(self.table.rowCount())]
