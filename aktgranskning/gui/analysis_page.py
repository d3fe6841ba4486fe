"""The analysis template: the enhetschef's texts and the improvement activities. Every edit is
saved shortly after typing stops and when the field is left."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.analysis import (
    ANALYSIS_FIELDS,
    Activity,
    ActivityStatus,
    Analysis,
    parse_due_date,
)
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.unit_data import UnitData
from aktgranskning.domain.unit_report import (
    suggest_development_areas,
    suggest_strengths,
)
from aktgranskning.services.analysis import (
    read_analysis,
    save_activities,
    save_analysis_text,
)
from aktgranskning.services.report import current_report
from aktgranskning.services.session import ReviewSession

ACTIVITY_COLUMNS = ["Aktivitet", "Kopplad till fråga/område", "Ansvarig (roll)", "Klart senast",
                    "Uppföljning (hur och när)", "Status"]
STATUS_COLUMN = 5
SAVE_DELAY_MS = 700
ERROR_BACKGROUND = QColor("#fde2e2")


class AnalysisField(QPlainTextEdit):
    """A text field that saves itself when left (and, through its page, when typing pauses)."""

    left = Signal()

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().focusOutEvent(event)
        self.left.emit()


class AnalysisPage(QWidget):
    back_requested = Signal()
    message = Signal(str)
    saved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: ReviewSession | None = None
        self.previous: UnitData | None = None
        self._loading = False
        self.fields: dict[str, AnalysisField] = {}
        self._timers: dict[str, QTimer] = {}

        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        self.filled = QLabel()
        self.filled.setObjectName("caseDetails")
        self.suggestion_note = QLabel()
        self.suggestion_note.setObjectName("banner")
        self.suggestion_note.setWordWrap(True)
        self.suggestion_note.hide()
        back = QPushButton("← &Resultat")
        back.clicked.connect(self.back_requested)

        form = QFormLayout()
        for name, label in ANALYSIS_FIELDS.items():
            field = AnalysisField()
            field.setAccessibleName(label)
            field.setTabChangesFocus(True)
            field.setMinimumHeight(90)
            field.setMaximumHeight(130)
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(SAVE_DELAY_MS)
            timer.timeout.connect(lambda n=name: self._save_text(n))
            field.textChanged.connect(lambda n=name: self._text_changed(n))
            field.left.connect(lambda n=name: self._save_text(n))
            self.fields[name] = field
            self._timers[name] = timer
            title = QLabel(label)
            title.setBuddy(field)
            title.setWordWrap(True)
            form.addRow(title, field)

        self.activities = QTableWidget(0, len(ACTIVITY_COLUMNS))
        self.activities.setHorizontalHeaderLabels(ACTIVITY_COLUMNS)
        self.activities.setAccessibleName("Förbättringsaktiviteter")
        self.activities.setWordWrap(True)
        self.activities.setMinimumHeight(160)
        self.activities.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.activities.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.activities.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 170), (2, 140), (3, 120), (5, 130)):
            self.activities.setColumnWidth(column, width)
        self.activities.horizontalHeaderItem(3).setToolTip("Datum som ÅÅÅÅ-MM-DD, t.ex. 2027-03-31")
        self.activities.itemChanged.connect(self._activity_changed)
        add = QPushButton("&Lägg till aktivitet")
        add.clicked.connect(self.add_activity)
        remove = QPushButton("&Ta bort markerad aktivitet")
        remove.clicked.connect(self.remove_selected_activity)
        self.follow_up_button = QPushButton("&Följ upp förra årets aktiviteter")
        self.follow_up_button.clicked.connect(self.carry_over_previous)
        self.previous_label = QLabel()
        self.previous_label.setWordWrap(True)

        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(self.suggestion_note)
        inner.addLayout(form)
        activities_title = QLabel("Förbättringsaktiviteter")
        activities_title.setObjectName("sectionTitle")
        inner.addWidget(activities_title)
        inner.addWidget(self.activities)
        buttons = QHBoxLayout()
        for button in (add, remove, self.follow_up_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        inner.addLayout(buttons)
        inner.addWidget(self.previous_label)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(content)

        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.heading, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filled)
        layout.addWidget(self.scroll, 1)

    # --- loading ---------------------------------------------------------------------------------
    def show_session(self, session: ReviewSession, previous: UnitData | None) -> None:
        self.session = session
        self.previous = previous
        self._loading = True
        try:
            analysis = read_analysis(session)
            for name, field in self.fields.items():
                field.setPlainText(analysis.text(name))
                field.setReadOnly(session.read_only)
            self._fill_suggestions(analysis)
            self._fill_activities(analysis.activities)
        finally:
            self._loading = False
        meta = session.meta
        self.heading.setText(f"Analys – {meta.unit} {meta.year}")
        self._show_filled(analysis)
        self._show_previous()

    def _fill_suggestions(self, analysis: Analysis) -> None:
        """Empty strengths and development areas get suggestions from the results, not yet saved."""
        assert self.session is not None
        report = current_report(self.session, None)
        suggested = []
        if not analysis.strengths.strip():
            self.fields["strengths"].setPlainText(suggest_strengths(report))
            suggested.append("”Vad fungerar bra?”")
        if not analysis.development_areas.strip():
            self.fields["development_areas"].setPlainText(suggest_development_areas(report))
            suggested.append("”Vad behöver utvecklas?”")
        self.suggestion_note.setVisible(bool(suggested))
        self.suggestion_note.setText(
            f"Förslag från resultatet är ifyllda i {' och '.join(suggested)}. Redigera dem; de sparas när du "
            "ändrar i texten."
        )

    def _fill_activities(self, activities: tuple[Activity, ...]) -> None:
        self.activities.blockSignals(True)
        self.activities.setRowCount(0)
        for activity in activities:
            self._append_activity_row(activity)
        self.activities.blockSignals(False)
        self.activities.resizeRowsToContents()

    def _append_activity_row(self, activity: Activity) -> None:
        row = self.activities.rowCount()
        self.activities.insertRow(row)
        name = activity.activity
        values = [name, activity.linked, activity.responsible, activity.due, activity.follow_up]
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column == 0 and activity.from_year:
                item.setData(Qt.ItemDataRole.UserRole, activity.from_year)
                item.setToolTip(f"Från analysen {activity.from_year}")
            self.activities.setItem(row, column, item)
        combo = QComboBox()
        for status in ActivityStatus:
            combo.addItem(status.label, status.value)
        combo.setCurrentIndex(list(ActivityStatus).index(activity.status))
        combo.setAccessibleName("Status")
        combo.currentIndexChanged.connect(self._save_activities)
        combo.setEnabled(not (self.session and self.session.read_only))
        self.activities.setCellWidget(row, STATUS_COLUMN, combo)

    def _show_filled(self, analysis: Analysis) -> None:
        if analysis.filled_at:
            when = analysis.filled_at[:16].replace("T", " ")
            self.filled.setText(f"Senast ändrad {when} av {analysis.filled_by or 'okänd'}.")
        else:
            self.filled.setText("Analysen är inte påbörjad. Det du skriver sparas i granskningsfilen.")

    def _show_previous(self) -> None:
        previous = self.previous
        activities = previous.analysis.activities if previous else ()
        self.follow_up_button.setEnabled(bool(activities) and not (self.session and self.session.read_only))
        if previous is None:
            self.previous_label.setText("Inget tidigare år att följa upp.")
            return
        if not activities:
            self.previous_label.setText(f"Analysen {previous.identity.year} har inga förbättringsaktiviteter.")
            return
        lines = [f"Förbättringsaktiviteter {previous.identity.year}:"]
        lines += [f"• {a.activity} – {a.status.label}" + (f", klart senast {a.due}" if a.due else "") for a in activities]
        self.previous_label.setText("\n".join(lines))

    # --- editing ---------------------------------------------------------------------------------
    def _text_changed(self, name: str) -> None:
        if not self._loading:
            self._timers[name].start()

    def _save_text(self, name: str) -> None:
        self._timers[name].stop()
        if self._loading or self.session is None or self.session.read_only:
            return
        text = self.fields[name].toPlainText()
        stored = read_analysis(self.session).text(name)
        if text == stored or (not stored and not self.fields[name].document().isModified()):
            return  # unchanged, or an untouched suggestion
        try:
            save_analysis_text(self.session, name, text)
        except UserError as error:
            self.message.emit(error.message)
            return
        self._after_save()

    def add_activity(self) -> None:
        self._append_activity_row(Activity(activity=""))
        row = self.activities.rowCount() - 1
        self.activities.setCurrentCell(row, 0)
        self.activities.editItem(self.activities.item(row, 0))

    def remove_selected_activity(self) -> None:
        row = self.activities.currentRow()
        if row < 0:
            return
        self.activities.removeRow(row)
        self._save_activities()

    def carry_over_previous(self) -> None:
        if self.previous is None:
            return
        year = self.previous.identity.year
        present = {self.activities.item(r, 0).text() for r in range(self.activities.rowCount())}
        added = 0
        for activity in self.previous.analysis.activities:
            if activity.activity in present:
                continue
            carried = Activity(activity.activity, activity.linked, activity.responsible, activity.due,
                               activity.follow_up, activity.status, from_year=activity.from_year or year)
            self._append_activity_row(carried)
            added += 1
        self.activities.resizeRowsToContents()
        self._save_activities()
        self.message.emit(f"{added} aktiviteter från {year} lades till för uppföljning; uppdatera deras status.")

    def _activity_changed(self, _item: QTableWidgetItem) -> None:
        self._save_activities()

    def current_activities(self) -> list[Activity]:
        activities = []
        for row in range(self.activities.rowCount()):
            texts = [(self.activities.item(row, c).text() if self.activities.item(row, c) else "") for c in range(5)]
            combo = self.activities.cellWidget(row, STATUS_COLUMN)
            status = ActivityStatus(str(combo.currentData())) if combo else ActivityStatus.PLANNED
            first = self.activities.item(row, 0)
            from_year = first.data(Qt.ItemDataRole.UserRole) if first else None
            activities.append(Activity(*texts, status=status, from_year=int(from_year) if from_year else None))
        return activities

    def _save_activities(self) -> None:
        if self._loading or self.session is None or self.session.read_only:
            return
        self._mark_date_cells(None)
        try:
            save_activities(self.session, self.current_activities())
        except UserError as error:
            self._mark_date_cells(error.message)
            self.message.emit(f"Aktiviteterna sparades inte: {error.message}")
            return
        self._after_save()

    def _mark_date_cells(self, problem: str | None) -> None:
        self.activities.blockSignals(True)
        for row in range(self.activities.rowCount()):
            item = self.activities.item(row, 3)
            if item is None:
                continue
            bad = False
            if problem is not None:
                try:
                    parse_due_date(item.text())
                except UserError:
                    bad = True
            item.setBackground(QBrush(ERROR_BACKGROUND) if bad else QBrush())
            item.setToolTip(problem if bad else "")
        self.activities.blockSignals(False)

    def _after_save(self) -> None:
        assert self.session is not None
        analysis = read_analysis(self.session)
        self._show_filled(analysis)
        self.saved.emit(self.session.last_saved_at or "")

    def flush(self) -> None:
        """Save whatever is waiting (leaving the page, closing the window)."""
        for name, timer in self._timers.items():
            if timer.isActive():
                self._save_text(name)

