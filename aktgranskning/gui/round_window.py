"""The utvecklare's round window: which enheter take part and where each stands, the område and
förvaltning analysis, the förvaltningsgemensamma åtgärder, and the summary made from the round.

Everything the utvecklare changes is written to the round file at once (texts shortly after
typing stops and when the field is left, everything else on the change itself); what could not
be written stays on screen, marked, and the window asks before it is closed. Reading the enheter's
folder and making the summary run off the GUI thread (gui/background.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.analysis import ActivityStatus
from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.round import (
    LEVEL_ANALYSIS_FIELDS,
    AnalysisLevel,
    LevelAnalysis,
    Round,
    RoundUnit,
    UnitState,
    check_units,
)
from aktgranskning.domain.round_analysis import fill_empty, prefilled
from aktgranskning.domain.summary import Summary
from aktgranskning.gui.background import BackgroundOperation, Progress, ProgressPanel, run_in_background
from aktgranskning.gui.date_delegate import DateDelegate
from aktgranskning.gui.question_picker import QuestionPicker
from aktgranskning.gui.round_models import (
    ACTION_COLUMN,
    ACTION_STATUS_ROLE,
    DUE_COLUMN,
    LIMITS_COLUMN,
    QUESTIONS_COLUMN,
    STATUS_COLUMN,
    ActionsModel,
    OverviewModel,
    OverviewRow,
    QuestionChoice,
    RosterModel,
    TimetableModel,
    question_choices,
)
from aktgranskning.gui.screen_fit import fit_to_available_screen
from aktgranskning.services.round import (
    RoundStatus,
    UnitStatus,
    build_round_summary,
    round_folder,
    round_status,
    save_round,
)

PREFERRED_SIZE = QSize(1180, 760)
SAVE_DELAY_MS = 700
ROUND_FILTER = "Omgång (*.omgang)"


class RoundWindow(QMainWindow):
    """One round file, opened by the utvecklare."""

    saved = Signal()  # the round file was written

    def __init__(self, path: Path, round_: Round, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.round = round_
        self.summary: Summary | None = None  # the last summary made from the round
        self.operation: BackgroundOperation | None = None
        self.summary_dialog: QDialog | None = None
        self.save_failure = ""  # why the last write of the round file failed, if it did
        self._loading = False
        self._shown_level = (AnalysisLevel.ADMINISTRATION, round_.administration)  # what the fields hold
        self._installed: list[Checklist] | None = None

        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        self.save_problem = QLabel()
        self.save_problem.setObjectName("banner")
        self.save_problem.setProperty("error", True)
        self.save_problem.setWordWrap(True)
        self.save_problem.setAccessibleName("Det som inte är sparat")
        self.save_problem.hide()
        self.refresh_button = QPushButton("Läs ma&ppen igen")
        self.refresh_button.setToolTip("Läser enheternas filer i omgångens mapp på nytt (F5).")
        self.refresh_button.clicked.connect(self.refresh)
        self.summary_button = QPushButton("Sa&mmanställ…")
        self.summary_button.setToolTip("Gör sammanställningen av omgången och visar den med Excel, pdf och JSON "
                                       "(Ctrl+Skift+S).")
        self.summary_button.clicked.connect(self.make_summary)
        self.progress = ProgressPanel("Inläsning")

        self.tabs = QTabWidget()
        self.tabs.addTab(self._overview_tab(), "Ö&versikt")
        self.tabs.addTab(self._analysis_tab(), "&Analys")
        self.tabs.addTab(self._actions_tab(), "&Gemensamma åtgärder")
        self.tabs.currentChanged.connect(lambda _index: self.flush())

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.progress, 1)  # beside the title, so reading the folder never makes the window taller
        top.addWidget(self.refresh_button)
        top.addWidget(self.summary_button)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.save_problem)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._shortcuts()
        app = QApplication.instance()
        if app is not None:  # the program ending another way than by closing this window
            app.aboutToQuit.connect(self.flush)
        self._show_round()
        fit_to_available_screen(self, PREFERRED_SIZE)

    def _shortcuts(self) -> None:
        for text, keys, slot in (("Läs mappen igen", QKeySequence.StandardKey.Refresh, self.refresh),
                                 ("Sammanställ", QKeySequence("Ctrl+Shift+S"), self.make_summary),
                                 ("Stäng", QKeySequence.StandardKey.Close, self.close)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            self.addAction(action)

    # --- Översikt ------------------------------------------------------------------------------------
    def _overview_tab(self) -> QWidget:
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_summary = QLabel()
        self.state_summary.setWordWrap(True)
        self.state_summary.setAccessibleName("Omgångens läge")
        self.overview_model = OverviewModel(self)
        self.overview = QTableView()
        self.overview.setModel(self.overview_model)
        self.overview.setAccessibleName("Enheterna i omgången")
        self.overview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.overview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.overview.verticalHeader().hide()
        header = self.overview.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        compact_rows(self.overview)
        self.overview.setMinimumHeight(120)
        # a text box, not a label: a folder with many stray files must not push the window off the screen
        self.notices = QPlainTextEdit()
        self.notices.setReadOnly(True)
        self.notices.setAccessibleName("Filer i mappen som inte hör till omgången eller inte kunde läsas")
        self.notices.setMinimumHeight(40)
        edit_roster = QPushButton("&Redigera enheter…")
        edit_roster.setToolTip("Lägg till eller ta bort enheter och områden, ändra antalet akter.")
        edit_roster.clicked.connect(self.edit_roster)

        self.timetable_model = TimetableModel(self)
        self.timetable_model.edited.connect(self._timetable_edited)
        self.timetable = QTableView()
        self.timetable.setModel(self.timetable_model)
        self.timetable.setAccessibleName("Tidplan enligt rutinen")
        self.timetable.verticalHeader().hide()
        self.timetable.setItemDelegateForColumn(1, DateDelegate(self.timetable))
        self.timetable.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.timetable.setColumnWidth(1, 110)
        self.timetable.setMinimumHeight(60)
        compact_rows(self.timetable)
        timetable_title = QLabel("&Tidplan (dubbelklicka på ett datum för att ändra det)")
        timetable_title.setToolTip("Rutinens datum. Dubbelklicka eller tryck F2 på ett datum och välj i kalendern.")
        timetable_title.setBuddy(self.timetable)
        timetable_title.setWordWrap(True)

        lower = QWidget()
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        notices_title = QLabel("Andra &filer i mappen")
        notices_title.setBuddy(self.notices)
        left.addWidget(notices_title)
        left.addWidget(self.notices, 1)
        right = QVBoxLayout()
        right.addWidget(timetable_title)
        right.addWidget(self.timetable, 1)
        lower_layout.addLayout(left, 1)
        lower_layout.addLayout(right, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.overview)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([320, 110])  # the roster first: on a small screen it gets the room
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.facts)
        state_row = QHBoxLayout()
        state_row.addWidget(self.state_summary, 1)
        state_row.addWidget(edit_roster)
        layout.addLayout(state_row)
        layout.addWidget(splitter, 1)
        return page

    def refresh(self) -> BackgroundOperation | None:
        """Read the enheter's folder again, off the GUI thread."""
        if self.operation is not None and self.operation.running:
            return None
        path, round_ = self.path, self.round

        def read(progress: Progress, _cancelled: object) -> RoundStatus:
            return round_status(path, round_, progress)

        self.state_summary.setText("Läser enheternas filer i mappen …")
        self.operation = run_in_background(
            read, on_success=self._show_status, owner=self, controls=[self.refresh_button, self.summary_button],
            progress=self.progress, text="Läser enheternas filer …",
            on_error=lambda error: self._status_failed(error.message),
            on_cancelled=lambda: self.state_summary.setText("Inläsningen avbröts."),
        )
        return self.operation

    def _show_status(self, status: RoundStatus) -> None:
        rows = [overview_row(unit_status) for unit_status in status.units]
        self.overview_model.set_rows(rows, self.round.thresholds)
        differing = any(row.thresholds is not None and row.thresholds != self.round.thresholds for row in rows)
        self.overview.setColumnHidden(LIMITS_COLUMN, not differing)
        self.state_summary.setText(describe_states(rows))
        missing_or_unfinished = any(row.state is not UnitState.DONE for row in rows)
        self.state_summary.setProperty("warning", missing_or_unfinished)
        self.state_summary.setStyleSheet("color: #9c0006; font-weight: bold;" if missing_or_unfinished else "")
        lines = []
        lines += list(status.notices)
        if status.unknown:
            lines.append("Filer i mappen som inte hör till någon enhet i omgången:")
            lines += [f"• {item.source} ({item.unit} {item.year})" for item in status.unknown]
        if status.excluded:
            lines.append("Filer som inte kunde läsas (de ingår inte):")
            lines += [f"• {item.source}: {item.reason}" for item in status.excluded]
        self.notices.setPlainText("\n".join(lines) or "Alla filer i mappen hör till omgångens enheter.")

    def _status_failed(self, message: str) -> None:
        self.state_summary.setText(f"Mappen kunde inte läsas: {message}")
        self.state_summary.setStyleSheet("color: #9c0006; font-weight: bold;")

    def edit_roster(self) -> None:
        dialog = RosterDialog(self.round, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.units is None:
            return
        self._change(replace(self.round, units=dialog.units))
        self._show_round()
        self.refresh()

    def _timetable_edited(self) -> None:
        if not self._loading:
            self._change(replace(self.round, timetable=self.timetable_model.milestones()))

    # --- Analys --------------------------------------------------------------------------------------
    def _analysis_tab(self) -> QWidget:
        self.level_box = QComboBox()
        self.level_box.setAccessibleName("Nivå")
        self.level_box.currentIndexChanged.connect(self._level_chosen)
        level_label = QLabel("&Nivå:")
        level_label.setBuddy(self.level_box)
        self.prefill_button = QPushButton("&Fyll i förslag")
        self.prefill_button.setToolTip("Fyller de tomma fälten med gemensamma utvecklingsområden, starkaste frågor "
                                       "och huvudpunkterna ur enheternas analyser. Det du skrivit ändras inte.")
        self.prefill_button.clicked.connect(self.fill_suggestions)
        self.analysis_note = QLabel("Det du skriver sparas i omgångsfilen och kommer med i sammanställningens "
                                    "Excelfil och pdf.")
        self.analysis_note.setWordWrap(True)
        self.fields: dict[str, AnalysisField] = {}
        self._timers: dict[str, QTimer] = {}
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        row.addWidget(level_label)
        row.addWidget(self.level_box, 1)
        row.addWidget(self.prefill_button)
        layout.addLayout(row)
        layout.addWidget(self.analysis_note)
        for name, question in LEVEL_ANALYSIS_FIELDS.items():
            field = AnalysisField()
            field.setAccessibleName(question)
            field.setTabChangesFocus(True)
            field.setMinimumHeight(48)
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(SAVE_DELAY_MS)
            timer.timeout.connect(self._save_analysis)
            field.textChanged.connect(lambda t=timer: None if self._loading else t.start())
            field.left.connect(self._save_analysis)
            self.fields[name] = field
            self._timers[name] = timer
            title = QLabel(question)
            title.setObjectName("sectionTitle")
            title.setBuddy(field)
            layout.addWidget(title)
            layout.addWidget(field, 1)
        return page

    def _levels(self) -> list[tuple[AnalysisLevel, str, str]]:
        levels = [(AnalysisLevel.ADMINISTRATION, self.round.administration,
                   f"Förvaltningen – {self.round.administration}")]
        levels += [(AnalysisLevel.AREA, area, f"Område – {area}") for area in self.round.areas()]
        return levels

    def current_level(self) -> tuple[AnalysisLevel, str]:
        """The level chosen in the box (the fields show it once `_show_analysis` has run)."""
        data = self.level_box.currentData()
        if data is None:
            return AnalysisLevel.ADMINISTRATION, self.round.administration
        return AnalysisLevel(data[0]), str(data[1])

    def choose_level(self, level: AnalysisLevel, name: str) -> None:
        for index in range(self.level_box.count()):
            if tuple(self.level_box.itemData(index)) == (level.value, name):
                self.level_box.setCurrentIndex(index)
                return

    def _fill_levels(self) -> None:
        current = self.level_box.currentData()
        self.level_box.blockSignals(True)
        self.level_box.clear()
        for level, name, label in self._levels():
            self.level_box.addItem(label, (level.value, name))
        found = self.level_box.findData(current) if current is not None else -1
        self.level_box.setCurrentIndex(max(found, 0))
        self.level_box.blockSignals(False)
        self._show_analysis()

    def _level_chosen(self, _index: int) -> None:
        self._save_analysis()  # the level the fields still show
        self._show_analysis()

    def _show_analysis(self) -> None:
        self._shown_level = self.current_level()
        analysis = self.round.analysis(*self._shown_level)
        self._loading = True
        try:
            for name, field in self.fields.items():
                self._timers[name].stop()
                field.setPlainText(analysis.text(name))
        finally:
            self._loading = False

    def analysis_on_screen(self) -> LevelAnalysis:
        level, name = self._shown_level
        texts = {field: widget.toPlainText() for field, widget in self.fields.items()}
        return LevelAnalysis(level, name, texts["strengths"], texts["development_areas"], texts["keep_good"])

    def _save_analysis(self) -> None:
        for timer in self._timers.values():
            timer.stop()
        if self._loading:
            return
        on_screen = self.analysis_on_screen()
        if on_screen == self.round.analysis(on_screen.level, on_screen.name) and not self.save_failure:
            return
        self._change(self.round.with_analysis(on_screen))

    def fill_suggestions(self) -> BackgroundOperation | None:
        """Put the suggestions into the empty fields of the level shown, from the summary made
        from the round (made now, in the background, if there is none yet)."""
        if self.summary is not None:
            self._apply_suggestions(self.summary)
            return None
        return self._build_summary(self._apply_suggestions, "Läser enheterna för förslagen …")

    def _apply_suggestions(self, summary: Summary) -> None:
        self._keep_summary(summary)
        self._save_analysis()
        level, name = self.current_level()
        current = self.round.analysis(level, name)
        filled = fill_empty(current, prefilled(level, name, summary))
        if filled == current:
            self.statusBar().showMessage("Inga tomma fält att fylla, eller inga förslag för nivån.", 8000)
            return
        self._change(self.round.with_analysis(filled))
        self._show_analysis()
        self.statusBar().showMessage("Förslagen är ifyllda i de tomma fälten och sparade; redigera dem fritt.", 8000)

    # --- Gemensamma åtgärder -----------------------------------------------------------------------
    def _actions_tab(self) -> QWidget:
        self.actions_model = ActionsModel(self)
        self.actions_model.edited.connect(self._actions_edited)
        self.actions_table = QTableView()
        self.actions_table.setModel(self.actions_model)
        self.actions_table.setAccessibleName("Förvaltningsgemensamma åtgärder")
        self.actions_table.setWordWrap(True)
        self.actions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.actions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.actions_table.setItemDelegateForColumn(DUE_COLUMN, DateDelegate(self.actions_table))
        self.actions_table.setItemDelegateForColumn(STATUS_COLUMN, StatusDelegate(self.actions_table))
        self.actions_table.verticalHeader().hide()
        self.actions_table.setMinimumHeight(100)
        header = self.actions_table.horizontalHeader()
        header.setMinimumSectionSize(40)
        for column, width in enumerate((70, 0, 120, 95, 0, 100, 0, 55)):
            if width:
                self.actions_table.setColumnWidth(column, width)
            else:  # the long texts share what is left of the width, so no column hides off to the right
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        # activated: Enter, and a double click (doubleClicked as well would open the list twice)
        self.actions_table.activated.connect(self._action_activated)
        self.actions_model.rowsInserted.connect(lambda *_: self.actions_table.resizeRowsToContents())
        self.actions_model.dataChanged.connect(lambda *_: self.actions_table.resizeRowsToContents())
        buttons = QHBoxLayout()
        for text, tip, slot in (
            ("&Lägg till åtgärd", "", self.add_action),
            ("&Ta bort åtgärd", "", self.remove_action),
            ("Flytta &upp", "Högre prioritet (Ctrl+↑)", lambda: self.move_action(-1)),
            ("Flytta &ned", "Lägre prioritet (Ctrl+↓)", lambda: self.move_action(1)),
            ("Välj &frågor…", "Välj vilka frågor åtgärden gäller ur omgångens frågor", self.choose_questions),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        for keys, step in (("Ctrl+Up", -1), ("Ctrl+Down", 1)):
            action = QAction(self.actions_table)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, s=step: self.move_action(s))
            self.actions_table.addAction(action)
        note = QLabel("Ordningen är prioriteten. Ansvarig anges som roll, aldrig med namn. Frågorna väljs ur listan "
                      "(dubbelklicka i Frågor eller tryck Enter). Allt sparas direkt.")
        note.setWordWrap(True)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(note)
        layout.addWidget(self.actions_table, 1)
        layout.addLayout(buttons)
        return page

    def _actions_edited(self) -> None:
        if not self._loading:
            self._change(replace(self.round, actions=self.actions_model.actions()))

    def add_action(self) -> None:
        row = self.actions_model.add()
        index = self.actions_model.index(row, 1)
        self.actions_table.setCurrentIndex(index)
        self.actions_table.setFocus()
        self.actions_table.edit(index)

    def remove_action(self) -> None:
        row = self.actions_table.currentIndex().row()
        if row >= 0:
            self.actions_model.remove(row)

    def move_action(self, step: int) -> None:
        current = self.actions_table.currentIndex()
        if not current.isValid():
            return
        row = self.actions_model.move(current.row(), step)
        self.actions_table.setCurrentIndex(self.actions_model.index(row, current.column()))

    def _action_activated(self, index) -> None:  # type: ignore[no-untyped-def]
        if index.isValid() and index.column() == QUESTIONS_COLUMN:
            self.choose_questions()

    def choose_questions(self) -> None:
        row = self.actions_table.currentIndex().row()
        if row < 0:
            QMessageBox.information(self, "Välj en åtgärd", "Markera först den åtgärd som frågorna gäller.")
            return
        linked = self.actions_model.question_ids(row)
        groups: dict[str, list[tuple[str, str]]] = {}
        for choice in self.question_choices(linked):
            groups.setdefault(choice.group, []).append((choice.question_id, choice.label))
        action = str(self.actions_model.index(row, ACTION_COLUMN).data() or "")
        dialog = QuestionPicker(list(groups.items()), linked, action, "okänd fråga", self, kind="åtgärden")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.actions_model.set_questions(row, list(dialog.chosen_ids()))

    def question_choices(self, linked: Sequence[str] = ()) -> list[QuestionChoice]:
        """The round's questions, with the summary's and the given links when they add any."""
        more = self.summary.questions if self.summary is not None else ()
        return question_choices(self._checklists(), self.round.checklist_ids, more, linked)

    def _linked(self) -> list[str]:
        return [qid for action in self.round.actions for qid in action.question_ids]

    def _checklists(self) -> list[Checklist]:
        """The installed checklists, read once (a few small TOML files); none when the folder is
        missing, and the questions then come from the enheter's files through the summary."""
        if self._installed is None:
            from aktgranskning.services.checklists import installed_checklists

            try:
                self._installed = installed_checklists()
            except UserError:
                self._installed = []
        return self._installed

    # --- the summary -------------------------------------------------------------------------------
    def make_summary(self) -> BackgroundOperation | None:
        self.flush()
        return self._build_summary(self._show_summary, "Sammanställer omgången …")

    def _build_summary(self, then: Callable[[Summary], None], text: str) -> BackgroundOperation | None:
        if self.operation is not None and self.operation.running:
            return None
        path, round_ = self.path, self.round

        def summarise(progress: Progress, _cancelled: object) -> Summary:
            return build_round_summary(path, round_, progress=progress)

        self.operation = run_in_background(
            summarise, on_success=then, owner=self,
            controls=[self.refresh_button, self.summary_button, self.prefill_button],
            progress=self.progress, text=text, error_title="Sammanställningen kunde inte göras",
        )
        return self.operation

    def _show_summary(self, summary: Summary) -> None:
        from aktgranskning.gui.summary_dialog import SummaryDialog

        self._keep_summary(summary)
        dialog = SummaryDialog(self)
        dialog.show_made_elsewhere(summary, f"Sammanställning – {self.round.administration} {self.round.year}")
        dialog.show()
        self.summary_dialog = dialog

    def _keep_summary(self, summary: Summary) -> None:
        """The latest summary: its questions name the actions' questions too."""
        self.summary = summary
        self._loading = True
        try:
            self.actions_model.set_actions(self.actions_model.actions(), self.question_choices(self._linked()))
        finally:
            self._loading = False
        self.actions_table.resizeRowsToContents()

    # --- saving --------------------------------------------------------------------------------------
    def _change(self, round_: Round) -> bool:
        """Keep the changed round and write it to the file; False (and marked) when it could not
        be written, in which case it stays on screen and is written with the next change."""
        self.round = round_
        try:
            save_round(self.path, round_)
        except (UserError, OSError) as error:
            message = error.message if isinstance(error, UserError) else str(error)
            self.save_failure = message
            self.save_problem.setText(f"Omgången kunde inte sparas: {message} Det du ändrat finns kvar här och "
                                      "sparas med nästa ändring.")
            self.save_problem.show()
            return False
        self.save_failure = ""
        self.save_problem.hide()
        self.statusBar().showMessage(f"Sparat i {self.path.name}.", 3000)
        self.saved.emit()
        return True

    def save_waiting(self) -> None:
        self.flush()

    def flush(self) -> None:
        """Write whatever waits: text typed within the last moment, a cell being edited."""
        for view in (self.actions_table, self.timetable):
            commit_open_editor(view)
        self._save_analysis()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        if self.save_failure and not self._change(self.round):
            answer = QMessageBox.warning(
                self, "Omgången är inte sparad",
                f"{self.save_failure}\n\nStäng ändå? Det som inte sparats försvinner.",
                QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Close:
                event.ignore()
                return
        if self.operation is not None:
            self.operation.cancel()
        event.accept()

    # --- showing the round -------------------------------------------------------------------------
    def _show_round(self) -> None:
        round_ = self.round
        self.setWindowTitle(f"Omgång {round_.administration} {round_.year} – {self.path.name}")
        self.heading.setText(f"{round_.administration} {round_.year}")
        try:
            folder = str(round_folder(self.path, round_))
        except UserError as error:
            folder = error.message
        self.facts.setText(
            f"Mapp: {folder} · År {round_.year} · {len(round_.units)} enheter i {len(round_.areas())} områden · "
            f"Färggränser: {round_.thresholds.describe()}")
        self._loading = True
        try:
            self.timetable_model.set_milestones(round_.timetable)
            self.actions_model.set_actions(round_.actions, self.question_choices(self._linked()))
            self.actions_table.resizeRowsToContents()
        finally:
            self._loading = False
        self._fill_levels()


def open_round_window(path: Path, parent: QWidget | None = None) -> RoundWindow | None:
    """The round file opened in its window, its folder being read; None when the file could not
    be read (the reason already shown)."""
    from aktgranskning.services.round import load_round

    try:
        round_ = load_round(path)
    except UserError as error:
        QMessageBox.warning(parent, "Omgången kunde inte öppnas", error.message)
        return None
    window = RoundWindow(path, round_, parent)
    window.show()
    window.refresh()
    return window


def compact_rows(view: QTableView) -> None:
    """Rows one line of text high (plus a little), so the whole roster of a small förvaltning fits."""
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)


def commit_open_editor(view: QAbstractItemView) -> None:
    """Give the model what a cell's open editor holds (before saving or closing)."""
    if view.state() != QAbstractItemView.State.EditingState:
        return
    editor = QApplication.focusWidget()
    while editor is not None and editor.parentWidget() is not view.viewport():
        editor = editor.parentWidget()
    if editor is not None:
        view.commitData(editor)


def overview_row(status: UnitStatus) -> OverviewRow:
    """The overview's row of an enhet from the round's status."""
    completeness = status.completeness
    return OverviewRow(
        unit=status.unit, state=status.state,
        done=completeness.done if completeness is not None else 0,
        to_review=completeness.to_review if completeness is not None else 0,
        analysed=bool(status.analysed), submitted=bool(status.submitted),
        source=status.source or "", thresholds=status.thresholds,
    )


def describe_states(rows: Sequence[OverviewRow]) -> str:
    """'7 enheter: 1 saknas, 1 pågående, 5 klara.'"""
    counts = {state: sum(1 for row in rows if row.state is state) for state in UnitState}
    parts = [f"{counts[state]} {word}" for state, word in (
        (UnitState.MISSING, "saknas"), (UnitState.NOT_STARTED, "ej påbörjade"),
        (UnitState.IN_PROGRESS, "pågående"), (UnitState.DONE, "klara")) if counts[state]]
    missing = [row.unit.unit for row in rows if row.state is UnitState.MISSING]
    unfinished = [row.unit.unit for row in rows if row.state in (UnitState.NOT_STARTED, UnitState.IN_PROGRESS)]
    text = f"{len(rows)} enheter: {', '.join(parts)}."
    if missing:
        text += f" Saknas: {', '.join(missing)}."
    if unfinished:
        text += f" Inte färdiggranskade: {', '.join(unfinished)}."
    return text


class AnalysisField(QPlainTextEdit):
    """A text field that says when it is left, so what was typed is saved then."""

    left = Signal()

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().focusOutEvent(event)
        self.left.emit()


class StatusDelegate(QStyledItemDelegate):
    """The status of an action chosen from planerad / pågående / genomförd / ej genomförd."""

    def createEditor(self, parent, option, index):  # type: ignore[no-untyped-def]
        editor = QComboBox(parent)
        editor.setAccessibleName("Status")
        for status in ActivityStatus:
            editor.addItem(status.label, status.value)
        return editor

    def setEditorData(self, editor, index) -> None:  # type: ignore[no-untyped-def]
        editor.setCurrentIndex(max(editor.findData(index.data(ACTION_STATUS_ROLE)), 0))

    def setModelData(self, editor, model, index) -> None:  # type: ignore[no-untyped-def]
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class RosterDialog(QDialog):
    """The round's enheter edited by hand: område, enhet, the akter it is to review, its file."""

    def __init__(self, round_: Round, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Enheter i omgången")
        self.units: tuple[RoundUnit, ...] | None = None
        self.model = RosterModel(round_.units, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Enheter i omgången")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.problem = QLabel()
        self.problem.setObjectName("banner")
        self.problem.setProperty("error", True)
        self.problem.setWordWrap(True)
        self.problem.hide()
        add = QPushButton("&Lägg till enhet")
        add.clicked.connect(self.add)
        remove = QPushButton("&Ta bort markerad enhet")
        remove.clicked.connect(self.remove)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        note = QLabel("Ett nytt område får du genom att skriva dess namn i kolumnen Område.")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        layout.addLayout(row)
        layout.addWidget(buttons)
        fit_to_available_screen(self, QSize(760, 480))

    def add(self) -> None:
        current = self.table.currentIndex()
        area = str(self.model.index(current.row(), 0).data() or "") if current.isValid() else ""
        row = self.model.add(area)
        index = self.model.index(row, 1 if area else 0)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        self.table.edit(index)

    def remove(self) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            self.model.remove(row)

    def accept(self) -> None:
        commit_open_editor(self.table)
        try:
            units = self.model.units()
            check_units(units)
        except UserError as error:
            self.problem.setText(error.message)
            self.problem.show()
            return
        self.units = units
        super().accept()
