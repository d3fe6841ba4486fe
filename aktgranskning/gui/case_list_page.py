"""The case list: every sampled case with its status, filterable, and the enhet's progress."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
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

from aktgranskning.domain.changes import Presence
from aktgranskning.gui.case_model import (
    CASE_ID_ROLE,
    FILTERS,
    CaseFilterModel,
    CaseTableModel,
)
from aktgranskning.gui.conflict_bar import NOTICE_STYLE, ConflictBar, conflicts_word, joined, names_of
from aktgranskning.services.conflicts import Conflict
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
    decide_requested = Signal(object, object)  # a conflict's Register and the chosen value

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
        # Measured here once per change of the rows (_fit_columns), not by ResizeToContents: that
        # measures every cell again at each layout of the view, some three times over while the
        # window first shows the list.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(True)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.timeout.connect(self._fit_columns)
        self.proxy.modelReset.connect(self._fit_columns)
        self.proxy.layoutChanged.connect(self._fit_columns)
        for changed in (self.proxy.dataChanged, self.proxy.rowsInserted, self.proxy.rowsRemoved):
            changed.connect(self._fit_timer.start)  # a run of changes is measured once
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.open_requested.connect(self.open_case.emit)
        self.table.doubleClicked.connect(self._double_clicked)

        self.notices = QLabel()
        self.notices.setObjectName("fileNotices")
        self.notices.setWordWrap(True)
        self.notices.setTextFormat(Qt.TextFormat.PlainText)
        self.notices.setAccessibleName("Att känna till om filen")
        self.notices.setStyleSheet(f"QLabel#fileNotices {{ {NOTICE_STYLE} }}")
        self.notices.hide()
        self.together = QLabel()
        self.together.setObjectName("togetherNow")
        self.together.setWordWrap(True)
        self.together.setTextFormat(Qt.TextFormat.PlainText)
        self.together.setAccessibleName("Andra granskare i enheten just nu")
        self.together.setStyleSheet("QLabel#togetherNow { color: #1d3b5a; }")
        self.together.hide()
        self.conflict_bar = ConflictBar("Konflikt utanför akterna: två granskare har ändrat samma sak. "
                                        "Välj vilken version som gäller.")
        self.conflict_bar.chosen.connect(self.decide_requested.emit)

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
        layout.addWidget(self.conflict_bar)
        layout.addLayout(top)
        layout.addWidget(self.together)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        QWidget.setTabOrder(self.table, self.filter)
        QWidget.setTabOrder(self.filter, self.open_button)

    def show_session(self, session: ReviewSession, load: bool = True) -> None:
        """The list of `session`'s akter; `load=False` when the caller reloads it right after
        (the main window shows the page with `reload`: the list is read once, not twice)."""
        self.session = session
        self.show_notices(session.notices())
        if load:
            self.reload()
        else:
            self.model.set_summaries([], {})  # nothing of the file shown before stays

    def show_notices(self, notices: list[str]) -> None:
        """What opening the file found (side files not used, a synced folder, a read-only view):
        kept on the page while the file is open, not in a dialog that is gone after one click."""
        text = "\n".join(f"• {notice}" for notice in notices)
        if text != self.notices.text():
            self.notices.setText(text)
        self.notices.setVisible(bool(notices))

    def reload(self) -> None:
        assert self.session is not None
        selected = self.selected_case_id()
        titles = {c.id: c.case_type for c in self.session.checklists.values()}
        self.model.question_numbers = {c.id: {qid: n for n, qid in enumerate(c.question_ids(), start=1)}
                                       for c in self.session.checklists.values()}
        self.model.set_summaries(self.session.case_summaries(), titles)
        self._show_progress()
        self.show_together()
        if selected is not None:
            self.select_case(selected)

    def refresh_rows(self) -> None:
        """Another reviewer changed akter: new figures in place, without a reset of the table
        (the selection, the sort order, the scroll position and the keyboard focus stay)."""
        assert self.session is not None
        self.model.update_summaries(self.session.case_summaries())
        self._show_progress()

    def show_together(self) -> None:
        """Which akter have conflicts, who else has which akt open now, and the conflicts that
        belong to no akt (the analysis, the activities)."""
        assert self.session is not None
        conflicts = self.session.conflicts()
        by_case: dict[int, list[Conflict]] = {}
        for conflict in conflicts:
            if conflict.case_id is not None:
                by_case.setdefault(conflict.case_id, []).append(conflict)
        link = self.session.link
        presences = link.presences if link is not None else []
        # Out of reach, who works where is not known now: not "just nu" in the rows, only what
        # was last seen, said with its time.
        stale = link is not None and link.offline
        present: dict[int, list[Presence]] = {}
        for presence in [] if stale else presences:
            if presence.case_id is not None:
                present.setdefault(presence.case_id, []).append(presence)
        self.model.set_together(by_case, present)
        self.conflict_bar.show_conflicts([c for c in conflicts if c.case_id is None])
        for button in self.conflict_bar.buttons:
            button.setEnabled(not self.session.read_only)
        seen_at = link.others_read_at if stale and link is not None else None
        self._show_who_works(presences, by_case, seen_at)

    def _show_who_works(self, presences: list[Presence], conflicts: dict[int, list[Conflict]],
                        seen_at: datetime | None = None) -> None:
        sequences = {s.case.id: s.case.sequence for s in (self.model.summary(r) for r in range(self.model.rowCount()))}
        where: dict[str, list[str]] = {}
        for presence in presences:
            place = f"akt {sequences[presence.case_id]}" if presence.case_id in sequences else "ingen akt öppen"
            for name in names_of([presence]):
                if place not in where.setdefault(name, []):
                    where[name].append(place)
        parts = []
        who = joined([f"{name} ({', '.join(places)})" for name, places in where.items()]) if where else ""
        if who and seen_at is not None:
            parts.append(f"När mappen senast gick att nå (kl. {seen_at:%H:%M}) arbetade: {who}.")
        elif who:
            parts.append(f"Arbetar i enheten just nu: {who}.")
        count = sum(len(found) for found in conflicts.values())
        if count:
            numbers = sorted(sequences[case_id] for case_id in conflicts if case_id in sequences)
            akter = joined([str(n) for n in numbers]) if numbers else "?"
            parts.append(f"⚠ {conflicts_word(count)} i akt {akter}: öppna akten och välj vilket svar som gäller.")
        text = " ".join(parts)
        if text != self.together.text():
            self.together.setText(text)
        self.together.setVisible(bool(text))

    def _show_progress(self) -> None:
        assert self.session is not None
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

    def _fit_columns(self) -> None:
        """Each column as wide as `resizeColumnsToContents` makes it, measuring only the cells
        that can be the widest: Qt's own fit asks the model about every cell through Python
        (half the time it takes to show the list), while a text's width is one call."""
        self._fit_timer.stop()
        table, header = self.table, self.table.horizontalHeader()
        rows = [self.proxy.mapToSource(self.proxy.index(row, 0)).row() for row in range(self.proxy.rowCount())]
        metrics = table.fontMetrics()
        grid = 1 if table.showGrid() else 0
        for column in range(self.proxy.columnCount()):
            width = header.sectionSizeHint(column)
            for row in _widest(rows, column, self.model, metrics.horizontalAdvance):
                index = self.proxy.mapFromSource(self.model.index(row, column))
                width = max(width, table.sizeHintForIndex(index).width() + grid)
            header.resizeSection(column, width)

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


CANDIDATES = 3  # measured exactly per column and kind of cell: a text's width in whole pixels may tie


def _widest(rows: list[int], column: int, model: CaseTableModel, advance: Callable[[str], int]) -> set[int]:
    """The rows whose cell in `column` can be the widest: the widest texts, with and without
    the warning icon (only the first column has it)."""
    with_icon = [row for row in rows if column == 0 and model.has_icon(row)]
    plain = [row for row in rows if not (column == 0 and model.has_icon(row))]
    widest: set[int] = set()
    for group in (with_icon, plain):
        group.sort(key=lambda row: advance(model.shown_texts(row)[column]), reverse=True)
        widest.update(group[:CANDIDATES])
    return widest
