"""The case list: every sampled case with its status, filterable, and the enhet's progress."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.gui.case_model import (
    CASE_ID_ROLE,
    FILTERS,
    CaseFilterModel,
    CaseTableModel,
)
from aktgranskning.services.session import ReviewSession


class CaseTable(QTableView):
    open_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid():
                self.open_requested.emit(int(index.data(CASE_ID_ROLE)))
                return
        super().keyPressEvent(event)


class CaseListPage(QWidget):
    open_case = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: ReviewSession | None = None
        self.model = CaseTableModel()
        self.proxy = CaseFilterModel()
        self.proxy.setSourceModel(self.model)

        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("caseDetails")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Enhetens framsteg")
        self.filter = QComboBox()
        self.filter.addItems([label for label, _ in FILTERS])
        self.filter.setAccessibleName("Visa akter")
        self.filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.filter.currentIndexChanged.connect(self._filter_changed)
        filter_label = QLabel("&Visa:")
        filter_label.setBuddy(self.filter)

        self.table = CaseTable()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName("Akter i urvalet")
        # Every column as wide as its text, the last one takes what is left: on a narrow screen
        # (150 % on 1366×768) the table scrolls sideways instead of cutting the status to "Bortfall: …".
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.open_requested.connect(self.open_case.emit)
        self.table.doubleClicked.connect(self._double_clicked)

        self.notices = QLabel()
        self.notices.setObjectName("fileNotices")
        self.notices.setWordWrap(True)
        self.notices.setTextFormat(Qt.TextFormat.PlainText)
        self.notices.setAccessibleName("Att känna till om filen")
        self.notices.setStyleSheet("QLabel#fileNotices { background: #fff4ce; border: 1px solid #d8b600;"
                                   " padding: 6px; }")
        self.notices.hide()

        self.open_button = QPushButton("Granska vald akt (Enter)")
        self.open_button.setAccessibleName("Granska vald akt")
        self.open_button.clicked.connect(self._open_selected)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(filter_label)
        top.addWidget(self.filter)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.progress)
        layout.addWidget(self.notices)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        QWidget.setTabOrder(self.table, self.filter)
        QWidget.setTabOrder(self.filter, self.open_button)

    def show_session(self, session: ReviewSession) -> None:
        self.session = session
        self.show_notices(session.notices())
        self.reload()

    def show_notices(self, notices: list[str]) -> None:
        """What opening the file found (side files not used, a synced folder, a read-only view):
        kept on the page while the file is open, not in a dialog that is gone after one click."""
        self.notices.setText("\n".join(f"• {notice}" for notice in notices))
        self.notices.setVisible(bool(notices))

    def reload(self) -> None:
        assert self.session is not None
        selected = self.selected_case_id()
        titles = {c.id: c.case_type for c in self.session.checklists.values()}
        self.model.set_summaries(self.session.case_summaries(), titles)
        progress = self.session.progress()
        meta = self.session.meta
        self.heading.setText(f"{meta.unit} {meta.year} – {meta.area}, {meta.administration}")
        reviewable = progress.total - progress.dropouts
        self.progress.setMaximum(max(reviewable, 1))
        self.progress.setValue(progress.done)
        self.progress.setFormat(f"{progress.done} av {reviewable} akter klara")
        reserves = len(self.session.unused_reserves())
        self.summary.setText(
            f"{progress.in_progress} pågående · {progress.not_started} ej påbörjade · "
            f"{progress.dropouts} bortfall · {reserves} oanvända reserver"
        )
        if selected is not None:
            self.select_case(selected)

    def selected_case_id(self) -> int | None:
        index = self.table.currentIndex()
        return int(index.data(CASE_ID_ROLE)) if index.isValid() else None

    def select_case(self, case_id: int) -> None:
        row = self.model.row_of_case(case_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)

    def focus_table(self) -> None:
        self.table.setFocus()

    def _filter_changed(self, index: int) -> None:
        self.proxy.set_filter(index)

    def _open_selected(self) -> None:
        case_id = self.selected_case_id()
        if case_id is not None:
            self.open_case.emit(case_id)

    def _double_clicked(self, index: QModelIndex) -> None:
        self.open_case.emit(int(index.data(CASE_ID_ROLE)))
