"""The enhet's results: per section and question the counts and the share with its colour,
filters by case type and gender, the dropouts, and the change from an earlier year."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.case import Gender
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.results import Tally
from aktgranskning.domain.thresholds import Thresholds, with_own_limit
from aktgranskning.domain.unit_data import ALL_CASES, CaseFilter, UnitData
from aktgranskning.domain.unit_report import ReportRow, UnitReport
from aktgranskning.gui.background import BackgroundOperation, Job, Progress, ProgressPanel, T, run_in_background
from aktgranskning.gui.breakdown_view import with_breakdown_tab
from aktgranskning.gui.colours import mark_change
from aktgranskning.gui.follow_up_view import FollowUpView
from aktgranskning.gui.share_bar import ShareBarDelegate, set_share
from aktgranskning.services.analysis import read_thresholds, save_thresholds
from aktgranskning.services.report import comparable_previous, current_report, previous_year_search
from aktgranskning.services.session import ReviewSession
from aktgranskning.services.session_place import is_on_server
from aktgranskning.services.unit_data import unit_data_of

COLUMNS = ["Nr", "Fråga", "Ja", "Nej", "X", "Obesv.", "Andel Ja", "Föregående år", "Förändring"]
SHARE_COLUMN = 6
CHECKLIST_BACKGROUND = QColor("#dde4ee")
SECTION_BACKGROUND = QColor("#f0f3f7")

COMPARISON_FILTER = "Granskningsfil eller enhetens Excelfil (*.granskning *.xlsx);;Alla filer (*)"


class ResultsPage(QWidget):
    back_requested = Signal()
    analysis_requested = Signal()
    export_requested = Signal()
    message = Signal(str)
    previous_changed = Signal()  # the earlier year to compare with was read, or cleared

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: ReviewSession | None = None
        self.previous: UnitData | None = None
        self.previous_path: Path | None = None
        self.report: UnitReport | None = None
        self.loading: BackgroundOperation | None = None  # reading an earlier year's file, if under way
        self._loading_text = ""

        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        self.completeness = QLabel()
        self.completeness.setObjectName("completeness")
        self.completeness.setWordWrap(True)
        self.completeness.setAccessibleName("Hur många akter som är granskade")
        self.summary = QLabel()
        self.summary.setObjectName("caseDetails")
        self.summary.setWordWrap(True)
        self.comparison_label = QLabel()
        self.comparison_label.setWordWrap(True)

        self.case_type = QComboBox()
        self.case_type.setAccessibleName("Ärendetyp")
        self.gender = QComboBox()
        self.gender.setAccessibleName("Kön")
        for combo in (self.case_type, self.gender):
            # A fixed width, whatever the names (the list that opens shows them whole): sized to long
            # checklist titles it would widen the window off a 150 % screen. Narrow enough that the
            # page's minimum width leaves the window inside 911 px with its frame allowance.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(3)
        self.good = _percent_box("Grön från", 90)
        self.fair = _percent_box("Gul från", 75)
        self.case_type.currentIndexChanged.connect(self.refresh)
        self.gender.currentIndexChanged.connect(self.refresh)
        self.good.editingFinished.connect(self._thresholds_changed)
        self.fair.editingFinished.connect(self._thresholds_changed)

        self.choose_button = choose = QPushButton("Jämför med &fil…")
        choose.clicked.connect(self.choose_comparison)
        self.clear_comparison = QPushButton("&Ingen jämförelse")
        self.clear_comparison.clicked.connect(lambda: self.set_comparison(None))
        to_analysis = QPushButton("&Analys och åtgärder →")
        to_analysis.clicked.connect(self.analysis_requested)
        self.export_button = export = QPushButton("&Exportera Excel och pdf…")
        export.clicked.connect(self.export_requested)
        back = QPushButton("← Ä&rendelistan")
        back.clicked.connect(self.back_requested)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Resultat per fråga")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # The question text wraps and its row grows, so it stays readable on a small screen.
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setMinimumSectionSize(self.fontMetrics().height() + 12)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setItemDelegateForColumn(SHARE_COLUMN, ShareBarDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(36)
        # Widths from the texts they must hold, so they scale with the font and the screen's scaling.
        metrics = self.fontMetrics()
        samples = {0: "U22", 2: "Nej", 3: "Nej", 4: "Nej", 5: "Obesv.", 6: "100 av 100 (100 %)",
                   7: "14 av 17 (82 %)", 8: "+22 p.e. (kan vara"}
        for column, sample in samples.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 20)

        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.heading, 1)
        top.addWidget(export)
        top.addWidget(to_analysis)
        filters = QHBoxLayout()
        for label, widget in (("Ärendetyp:", self.case_type), ("Kön:", self.gender)):
            filters.addWidget(_buddy(label, widget))
            filters.addWidget(widget)
        filters.addSpacing(16)
        filters.addWidget(_buddy("Grön från:", self.good))
        filters.addWidget(self.good)
        filters.addWidget(_buddy("Gul från:", self.fair))
        filters.addWidget(self.fair)
        filters.addStretch(1)
        filters.addWidget(choose)
        filters.addWidget(self.clear_comparison)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.completeness)
        layout.addWidget(self.summary)
        layout.addLayout(filters)
        self.loading_progress = ProgressPanel("Läser tidigare år")
        self.loading_progress.setMaximumWidth(metrics.horizontalAdvance("x" * 40))
        comparison_row = QHBoxLayout()
        comparison_row.addWidget(self.comparison_label, 1)
        comparison_row.addWidget(self.loading_progress)  # the label says what is read
        layout.addLayout(comparison_row)
        self.tabs, self.breakdown = with_breakdown_tab(self.table)
        layout.addWidget(self.tabs, 1)
        self.follow_up = FollowUpView()  # last year's activities followed up; hidden when there are none
        layout.addWidget(self.follow_up)

    # --- session and comparison ------------------------------------------------------------------
    def show_session(self, session: ReviewSession) -> BackgroundOperation | None:
        """Show the file's results at once; last year's file beside it is looked for and read off
        the GUI thread, and the comparison appears when it has been read."""
        if self.loading is not None:
            self.loading.cancel()
        self.session = session
        self.previous_path, self.previous = None, None
        self._fill_filters()
        thresholds = read_thresholds(session)
        self.good.setValue(thresholds.good)
        self.fair.setValue(thresholds.fair)
        for box in (self.good, self.fair):
            box.setEnabled(not session.read_only)
        search = previous_year_search(session)  # a file beside it, or last year's on the same server

        def find_and_read(_progress: Progress, _cancelled: object) -> tuple[Path | None, UnitData | None, str]:
            return search()

        def read(outcome: tuple[Path | None, UnitData | None, str]) -> None:
            found, previous, problem = outcome
            if problem:
                self.message.emit(problem)
            self._use_previous(session, found if previous is not None else None, previous)

        return self._read_in_background(find_and_read, read, "Letar efter fjolårets fil bredvid granskningsfilen …")

    def choose_comparison(self) -> None:
        if self.session is None:
            return
        start = str(Path.home() if is_on_server(self.session) else self.session.path.parent)
        path, _ = QFileDialog.getOpenFileName(self, "Jämför med ett tidigare år", start, COMPARISON_FILTER)
        if path:
            self.set_comparison(Path(path))

    def set_comparison(self, path: Path | None) -> BackgroundOperation | None:
        """Compare with the earlier year in `path` (read off the GUI thread), or with none."""
        if self.session is None:
            return None
        session = self.session
        if path is None:
            if self.loading is not None:
                self.loading.cancel()
            self._use_previous(session, None, None)
            return None
        current = unit_data_of(session)

        def refused(error: UserError) -> None:
            self.message.emit(error.message)
            self._loading_text = ""
            self.refresh()
            self.comparison_label.setText(f"Jämförelsen kunde inte göras: {error.message}")

        return self._read_in_background(
            lambda _progress, _cancelled: comparable_previous(current, path),
            lambda previous: self._use_previous(session, path, previous),
            f"Läser {path.name} …", on_error=refused)

    def _read_in_background(self, job: Job[T], on_read: Callable[[T], None], text: str,
                            on_error: Callable[[UserError], None] | None = None) -> BackgroundOperation[T]:
        self._loading_text = text
        self.refresh()
        operation = run_in_background(
            job, on_success=on_read, owner=self, controls=[self.choose_button, self.clear_comparison],
            progress=self.loading_progress, text="", on_error=on_error,
        )
        operation.finished.connect(lambda: self._loading_finished(operation))
        self.loading = operation
        return operation

    def _loading_finished(self, operation: BackgroundOperation) -> None:
        if operation is not self.loading:
            return  # an earlier reading, cancelled when another one started
        self.loading = None
        if self._loading_text:  # cancelled, or an unexpected error (already reported)
            self._loading_text = ""
            if self.session is not None and not self.session.closed:
                self.refresh()

    def _use_previous(self, session: ReviewSession, path: Path | None, previous: UnitData | None) -> None:
        if session is not self.session or session.closed:
            return  # read for a file that is no longer shown
        self._loading_text = ""
        self.previous_path, self.previous = path, previous
        self.refresh()
        self.previous_changed.emit()

    # --- showing ---------------------------------------------------------------------------------
    def current_filter(self) -> CaseFilter:
        return CaseFilter(self.case_type.currentData(), _gender(self.gender.currentData()))

    def refresh(self) -> None:
        if self.session is None:
            return
        self.report = current_report(self.session, self.previous, self.current_filter())
        data = self.report.data
        self.heading.setText(f"Resultat – {data.identity.display_name}")
        self._show_completeness(self.report)
        self.summary.setText(self._summary_text(self.report))
        self.comparison_label.setText(self._comparison_text())
        self.clear_comparison.setEnabled(self.previous is not None)
        self._fill_table(self.report)
        self.breakdown.show_unit(data)
        self.follow_up.show_report(self.report)

    def _show_completeness(self, report: UnitReport) -> None:
        completeness = report.completeness
        self.completeness.setText(completeness.banner() + ("." if not completeness.preliminary else
                                  ". Resultatet gäller bara de akter som är granskade hittills."))
        style = ("color: #9c0006; background: #ffc7ce; font-weight: bold; padding: 4px;"
                 if completeness.preliminary else "color: #3a3a3a;")
        self.completeness.setStyleSheet(style)

    def _summary_text(self, report: UnitReport) -> str:
        data = report.data
        text = data.describe_cases()
        reasons = ", ".join(f"{r.label.lower() if r else 'orsak ej angiven'} {n}" for r, n in data.dropout_reasons())
        if reasons:
            text += f" (bortfall: {reasons})"
        if report.case_filter != ALL_CASES:
            shown = sum(block.cases for block in report.blocks)
            text += f". Filtret visar {shown} akter."
        return text + f". Andel Ja = Ja / (Ja + Nej). Färger: {data.thresholds.describe_for(data.questions)}."

    def _comparison_text(self) -> str:
        if self._loading_text:
            return self._loading_text
        if self.previous is None:
            return "Ingen jämförelse med tidigare år (välj fjolårets granskningsfil eller Excelfil)."
        name = self.previous_path.name if self.previous_path else self.previous.identity.display_name
        return (f"Jämförs med {self.previous.identity.year} ({name}). Förändringar som slumpen kan förklara "
                "med så här små urval visas i grått; säkerställda förändringar i fetstil (Fishers exakta test, 5 %).")

    def _fill_table(self, report: UnitReport) -> None:
        self.table.setRowCount(0)
        comparing = report.previous is not None
        self.table.setColumnHidden(7, not comparing)
        self.table.setColumnHidden(8, not comparing)
        sections = {(s.checklist_id, s.section_id): s for s in report.sections}
        for block in report.blocks:
            self._add_heading_row(f"{block.checklist.title} – {block.cases} akter", CHECKLIST_BACKGROUND)
            current_section = None
            for row in block.rows:
                key = (row.question.checklist_id, row.question.section_id)
                if key != current_section:
                    current_section = key
                    section = sections[key]
                    self._add_section_row(section.title, section.tally, report.data.thresholds)
                self._add_question_row(row)

    def _add_heading_row(self, text: str, background: QColor) -> None:
        index = self.table.rowCount()
        self.table.insertRow(index)
        item = QTableWidgetItem(text)
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
        item.setBackground(QBrush(background))
        self.table.setItem(index, 0, item)
        self.table.setSpan(index, 0, 1, len(COLUMNS))

    def _add_section_row(self, title: str, tally: Tally, thresholds: Thresholds) -> None:
        index = self.table.rowCount()
        self.table.insertRow(index)
        values = ["", title, tally.yes, tally.no, tally.not_applicable, tally.unanswered, tally.describe(), "", ""]
        for column, value in enumerate(values):
            item = _item(value)
            font = QFont(item.font())
            font.setBold(True)
            item.setFont(font)
            item.setBackground(QBrush(SECTION_BACKGROUND))
            self.table.setItem(index, column, item)
        set_share(self.table.item(index, SHARE_COLUMN), tally.share, thresholds.level(tally.share))

    def _add_question_row(self, row: ReportRow) -> None:
        index = self.table.rowCount()
        self.table.insertRow(index)
        tally = row.tally
        label = with_own_limit(row.question.text, row.question)
        values = [row.number, label, tally.yes, tally.no, tally.not_applicable, tally.unanswered,
                  tally.describe(), row.previous.describe() if row.previous else "–",
                  row.change.describe() if row.change else "–"]
        items = [_item(value) for value in values]
        for column, item in enumerate(items):
            self.table.setItem(index, column, item)
        items[1].setToolTip(row.question.text)
        share_item = items[SHARE_COLUMN]
        set_share(share_item, tally.share, row.level)
        share_item.setToolTip(row.level.label)
        mark_change(items[8], row.change)

    def _fill_filters(self) -> None:
        assert self.session is not None
        data = unit_data_of(self.session)
        for combo in (self.case_type, self.gender):
            combo.blockSignals(True)
            combo.clear()
        self.case_type.addItem("Alla", None)
        for checklist in data.checklists:
            self.case_type.addItem(checklist.title, checklist.id)
        self.gender.addItem("Alla", None)
        for gender in data.genders():
            self.gender.addItem(gender.value.capitalize(), gender.value)
        for combo in (self.case_type, self.gender):
            combo.blockSignals(False)

    def _thresholds_changed(self) -> None:
        if self.session is None or self.session.read_only:
            return
        try:
            thresholds = Thresholds(self.good.value(), self.fair.value())
            save_thresholds(self.session, thresholds)
        except UserError as error:
            self.message.emit(error.message)
            current = read_thresholds(self.session)
            self.good.setValue(current.good)
            self.fair.setValue(current.fair)
            return
        self.refresh()

    def report_for_export(self) -> UnitReport:
        """The whole enhet (no filter) against the chosen earlier year, as it is in the file now."""
        assert self.session is not None
        return current_report(self.session, self.previous)

    def focus_table(self) -> None:
        self.table.setFocus()


def _gender(value: object) -> Gender | None:
    return Gender(str(value)) if value else None


def _item(value: object) -> QTableWidgetItem:
    item = QTableWidgetItem(str(value))
    if isinstance(value, int):
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _percent_box(name: str, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, 100)
    box.setSuffix(" %")
    box.setValue(value)
    box.setAccessibleName(name)
    return box


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label
