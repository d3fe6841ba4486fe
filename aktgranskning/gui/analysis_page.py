"""The analysis template: the enhetschef's texts and the improvement activities. Every edit is
saved shortly after typing stops and when the field is left; what cannot be saved (a date that is
no date, a file that refused the write) is marked where it is and kept on screen, and the window
asks before it is left behind.

Suggestions from the results are shown greyed in the empty field, as suggestions, until the user
takes one with "Använd förslaget": a text that looks written is a text in the file and the report."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.analysis import (
    ANALYSIS_FIELDS,
    Activity,
    ActivityStatus,
    Analysis,
)
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.follow_up import question_choices
from aktgranskning.domain.unit_data import UnitData
from aktgranskning.domain.unit_report import (
    suggest_development_areas,
    suggest_strengths,
)
from aktgranskning.gui.activities_model import (
    DUE_COLUMN,
    LINKED_COLUMN,
    QUESTIONS_COLUMN,
    QUESTIONS_ROLE,
    STATUS_COLUMN,
    STATUS_ROLE,
    UNKNOWN_QUESTION,
    ActivitiesModel,
)
from aktgranskning.gui.date_delegate import DateDelegate
from aktgranskning.gui.question_picker import Choices, QuestionPicker
from aktgranskning.services.analysis import (
    read_analysis,
    save_activities,
    save_analysis_text,
)
from aktgranskning.services.report import current_report
from aktgranskning.services.session import ReviewSession
from aktgranskning.services.unit_data import unit_data_of

SAVE_DELAY_MS = 700
MAX_ROW_LINES = 6  # an activity's row in the table; the whole text is in its editor
SUGGESTED_FIELDS = ("strengths", "development_areas")
SUGGESTION_PREFIX = "Förslag från resultatet – inte ifyllt förrän du väljer ”Använd förslaget”:\n"


class AnalysisField(QPlainTextEdit):
    """A text field that saves itself when left (and, through its page, when typing pauses)."""

    left = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.left.emit()


class AnalysisPage(QWidget):
    back_requested = Signal()
    message = Signal(str)
    saved = Signal(str)
    # The first edit after loading, before it is saved: the window asks for a reviewer name here
    # if none is set (connected directly, so the save that follows records the name given).
    first_edit = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: ReviewSession | None = None
        self.previous: UnitData | None = None
        self._loading = False
        self.fields: dict[str, AnalysisField] = {}
        self._timers: dict[str, QTimer] = {}
        self.suggestions: dict[str, str] = {}
        self.use_suggestion: dict[str, QPushButton] = {}
        self._failed_texts: dict[str, str] = {}  # field → why saving it failed
        self._activities_failure = ""
        self._edited = False
        self.question_choices: Choices = []  # the file's questions an activity can be linked to
        self.question_picker: QuestionPicker | None = None  # open while questions are being chosen

        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        self.filled = QLabel()
        self.filled.setObjectName("caseDetails")
        self.filled.setWordWrap(True)
        self.save_problem = QLabel()
        self.save_problem.setObjectName("banner")
        self.save_problem.setProperty("error", True)
        self.save_problem.setWordWrap(True)
        self.save_problem.hide()
        self.suggestion_note = QLabel()
        self.suggestion_note.setObjectName("banner")
        self.suggestion_note.setWordWrap(True)
        self.suggestion_note.hide()
        back = QPushButton("← &Resultat")
        back.clicked.connect(self.back_requested)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for name, label in ANALYSIS_FIELDS.items():
            field = AnalysisField()
            field.setAccessibleName(label)
            field.setTabChangesFocus(True)
            field.setMinimumHeight(70)
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
            form.addRow(title, self._field_with_suggestion(name, field))

        self.activities_model = ActivitiesModel(self)
        self.activities_model.edited.connect(self._save_activities)
        self.activities_model.modelReset.connect(lambda: self._add_status_boxes(0))
        self.activities_model.rowsInserted.connect(lambda _parent, first, _last: self._add_status_boxes(first))
        self.activities = QTableView()
        self.activities.setModel(self.activities_model)
        self.activities.setAccessibleName("Förbättringsaktiviteter")
        self.activities.setWordWrap(True)
        self.activities.setMinimumHeight(160)
        self.activities.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.activities.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.activities.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for column, width in ((QUESTIONS_COLUMN, 190), (LINKED_COLUMN, 130), (3, 120), (DUE_COLUMN, 110),
                              (STATUS_COLUMN, 120)):
            self.activities.setColumnWidth(column, width)
        self.date_delegate = DateDelegate(self.activities)
        self.activities.setItemDelegateForColumn(DUE_COLUMN, self.date_delegate)
        self.activities.installEventFilter(self)
        self.activities.doubleClicked.connect(self._double_clicked)
        self.activity_problems = QLabel()
        self.activity_problems.setObjectName("banner")
        self.activity_problems.setProperty("error", True)
        self.activity_problems.setWordWrap(True)
        self.activity_problems.setAccessibleName("Fel i förbättringsaktiviteterna")
        self.activity_problems.hide()
        add = QPushButton("&Lägg till aktivitet")
        add.clicked.connect(self.add_activity)
        remove = QPushButton("&Ta bort markerad aktivitet")
        remove.clicked.connect(self.remove_selected_activity)
        self.questions_button = QPushButton("Välj frå&gor…")
        self.questions_button.setToolTip("Välj ur listan vilka frågor den markerade aktiviteten gäller.")
        self.questions_button.clicked.connect(lambda: self.choose_questions(self.activities.currentIndex().row()))
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
        inner.addWidget(self.activity_problems)
        buttons = QHBoxLayout()
        for button in (add, remove, self.questions_button, self.follow_up_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        inner.addLayout(buttons)
        inner.addWidget(self.previous_label)
        # Not `self.scroll`: that would hide QWidget.scroll().
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(content)

        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.heading, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filled)
        layout.addWidget(self.save_problem)
        layout.addWidget(self.scroll_area, 1)

    def _field_with_suggestion(self, name: str, field: AnalysisField) -> QWidget:
        if name not in SUGGESTED_FIELDS:
            return field
        button = QPushButton("Använd förslaget")
        button.setAccessibleName(f"Använd förslaget i {ANALYSIS_FIELDS[name]}")
        button.setToolTip("Lägger in förslaget som text i fältet och sparar det; du kan sedan redigera det.")
        button.clicked.connect(lambda _checked=False, n=name: self.accept_suggestion(n))
        button.hide()
        self.use_suggestion[name] = button
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(field)
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        column.addLayout(row)
        return box

    # --- loading ---------------------------------------------------------------------------------
    def show_session(self, session: ReviewSession, previous: UnitData | None) -> None:
        self.session = session
        self.previous = previous
        self._failed_texts.clear()
        self._activities_failure = ""
        self._edited = False
        self._loading = True
        try:
            analysis = read_analysis(session)
            for name, field in self.fields.items():
                self._timers[name].stop()
                field.setPlainText(analysis.text(name))
                field.setReadOnly(session.read_only)
            self._fill_suggestions()
            self._fill_questions(session)
            self._fill_activities(analysis.activities)
        finally:
            self._loading = False
        meta = session.meta
        self.heading.setText(f"Analys – {meta.unit} {meta.year}")
        self._show_filled(analysis)
        self._show_previous()
        self._show_problems()

    def _fill_suggestions(self) -> None:
        """Empty strengths and development areas show a suggestion from the results, greyed as a
        placeholder: it is not in the file and not in the report until the user takes it. A file
        opened read-only gets none (it could not be taken)."""
        assert self.session is not None
        self.suggestions = {}
        if not self.session.read_only:
            report = current_report(self.session, None)
            self.suggestions = {
                "strengths": suggest_strengths(report),
                "development_areas": suggest_development_areas(report),
            }
        for name in SUGGESTED_FIELDS:
            suggestion = self.suggestions.get(name, "")
            self.fields[name].setPlaceholderText(SUGGESTION_PREFIX + suggestion if suggestion else "")
        self._update_suggestion_buttons()

    def _update_suggestion_buttons(self) -> None:
        editable = self.session is not None and not self.session.read_only
        offered = []
        for name, button in self.use_suggestion.items():
            show = editable and bool(self.suggestions.get(name)) and not self.fields[name].toPlainText().strip()
            button.setVisible(show)
            if show:
                offered.append(f"”{ANALYSIS_FIELDS[name]}”")
        self.suggestion_note.setVisible(bool(offered))
        self.suggestion_note.setText(
            f"Förslag från resultatet visas i grått i {' och '.join(offered)}. De finns inte i rapporten förrän "
            "du väljer ”Använd förslaget” eller skriver en egen text."
        )

    def accept_suggestion(self, name: str) -> None:
        """Put the suggestion into the field as text and save it at once."""
        suggestion = self.suggestions.get(name, "")
        if not suggestion or self.session is None or self.session.read_only:
            return
        field = self.fields[name]
        field.setPlainText(suggestion)
        self._save_text(name)
        field.setFocus()

    def _fill_questions(self, session: ReviewSession) -> None:
        self.question_choices = question_choices(unit_data_of(session))
        self.activities_model.set_question_labels(
            {question_id: label for _title, questions in self.question_choices for question_id, label in questions})
        self.questions_button.setEnabled(not session.read_only)

    def _fill_activities(self, activities: tuple[Activity, ...]) -> None:
        self.activities_model.set_activities(activities, read_only=bool(self.session and self.session.read_only))
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Each row as tall as its text, up to MAX_ROW_LINES lines: a pasted text of pages would
        make one row taller than the window, its other cells out of sight. The whole text is in
        the cell's editor."""
        self.activities.resizeRowsToContents()
        tallest = self.activities.fontMetrics().lineSpacing() * MAX_ROW_LINES + 8
        for row in range(self.activities_model.rowCount()):
            if self.activities.rowHeight(row) > tallest:
                self.activities.setRowHeight(row, tallest)

    def _add_status_boxes(self, first: int) -> None:
        """A status choice on every row from `first` on, always visible as before."""
        for row in range(first, self.activities_model.rowCount()):
            self.activities.setIndexWidget(self.activities_model.index(row, STATUS_COLUMN), self._status_box(row))

    def _status_box(self, row: int) -> QComboBox:
        where = QPersistentModelIndex(self.activities_model.index(row, STATUS_COLUMN))
        combo = QComboBox()
        for status in ActivityStatus:
            combo.addItem(status.label, status.value)
        combo.setCurrentIndex(combo.findData(where.data(STATUS_ROLE)))
        combo.setAccessibleName("Status")
        combo.currentIndexChanged.connect(
            lambda _i: self.activities_model.setData(where, combo.currentData(), STATUS_ROLE))
        combo.setEnabled(not self.activities_model.read_only)
        return combo

    def status_box(self, row: int) -> QComboBox:
        """The status choice of a row (as a user reaches it)."""
        widget = self.activities.indexWidget(self.activities_model.index(row, STATUS_COLUMN))
        assert isinstance(widget, QComboBox)
        return widget

    def _show_filled(self, analysis: Analysis) -> None:
        if analysis.filled_at:
            when = analysis.filled_at[:16].replace("T", " ")
            by = f" av {analysis.filled_by}" if analysis.filled_by else ""
            self.filled.setText(f"Senast ändrad {when}{by}.")
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
        lines += [f"• {a.activity} – {a.status.label}" + (f", klart senast {a.due_text}" if a.due else "")
                  for a in activities]
        self.previous_label.setText("\n".join(lines))

    # --- editing ---------------------------------------------------------------------------------
    def _text_changed(self, name: str) -> None:
        if self._loading:
            return
        self._first_edit()
        self._timers[name].start()
        if name in self.use_suggestion:
            self._update_suggestion_buttons()

    def _first_edit(self) -> None:
        if not self._edited:
            self._edited = True
            self.first_edit.emit()

    def _save_text(self, name: str) -> None:
        self._timers[name].stop()
        if self._loading or not self._writable():
            return
        assert self.session is not None
        text = self.fields[name].toPlainText()
        try:
            save_analysis_text(self.session, name, text)  # unchanged text is not rewritten
        except UserError as error:
            self._failed_texts[name] = error.message
            self.message.emit(f"”{ANALYSIS_FIELDS[name]}” sparades inte: {error.message}")
            self._show_problems()
            return
        if self._failed_texts.pop(name, None) is not None:
            self._show_problems()
        self._after_save()

    def add_activity(self) -> None:
        row = self.activities_model.append(Activity(activity=""))
        first = self.activities_model.index(row, 0)
        self.activities.setCurrentIndex(first)
        self.activities.edit(first)

    def remove_selected_activity(self) -> None:
        row = self.activities.currentIndex().row()
        if row < 0:
            return
        self.activities_model.remove(row)  # saved through `edited`

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.column() == QUESTIONS_COLUMN:
            self.choose_questions(index.row())

    def choose_questions(self, row: int) -> QuestionPicker | None:
        """Open the list of the file's questions for the activity in `row`; ticking some and
        saving the choice stores their ids (saved at once, as every edit)."""
        if not self._writable() or not 0 <= row < self.activities_model.rowCount():
            if row < 0 and self._writable():
                self.message.emit("Markera först den aktivitet som frågorna gäller.")
            return None
        where = QPersistentModelIndex(self.activities_model.index(row, QUESTIONS_COLUMN))
        activity = str(self.activities_model.index(row, 0).data() or "")
        picker = QuestionPicker(self.question_choices, where.data(QUESTIONS_ROLE) or (), activity,
                                UNKNOWN_QUESTION, self)
        picker.accepted.connect(lambda: self._questions_chosen(where, picker.chosen_ids()))
        picker.finished.connect(lambda _result: picker.deleteLater())
        self.question_picker = picker
        picker.open()
        return picker

    def _questions_chosen(self, where: QPersistentModelIndex, ids: tuple[str, ...]) -> None:
        self.question_picker = None
        if where.isValid():
            self.activities_model.setData(where, ids, QUESTIONS_ROLE)  # saved through `edited`
            self.activities.resizeRowToContents(where.row())

    def carry_over_previous(self) -> None:
        if self.previous is None:
            return
        year = self.previous.identity.year
        added = self.activities_model.carry_over(self.previous.analysis.activities, year)
        self._fit_rows()
        self._save_activities()
        self.message.emit(f"{added} aktiviteter från {year} lades till för uppföljning; uppdatera deras status.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Delete on a date cell removes the date (a date picker cannot be emptied by typing).
        if watched is self.activities and event.type() == QEvent.Type.KeyPress and self._clears_date(event):
            return True
        if watched is self.activities and event.type() == QEvent.Type.KeyPress and self._opens_questions(event):
            return True
        return super().eventFilter(watched, event)

    def _opens_questions(self, event: QEvent) -> bool:
        """Enter, F2 or space on the questions cell opens the list to choose from."""
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2, Qt.Key.Key_Space)
        index = self.activities.currentIndex()
        if not isinstance(event, QKeyEvent) or event.key() not in keys or not index.isValid() \
                or index.column() != QUESTIONS_COLUMN:
            return False
        self.choose_questions(index.row())
        return True

    def _clears_date(self, event: QEvent) -> bool:
        if event.key() not in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):  # type: ignore[attr-defined]
            return False
        if self.activities.state() == QAbstractItemView.State.EditingState:
            return False
        index = self.activities.currentIndex()
        if not index.isValid() or index.column() != DUE_COLUMN or not index.data():
            return False
        self.activities_model.setData(index, "")
        return True

    def current_activities(self) -> list[Activity]:
        """The rows as they can be saved: a date cell that holds no date keeps the date last saved
        for its row (or none), so the rest of the row is still saved."""
        return self.activities_model.activities()

    def invalid_dates(self) -> list[tuple[int, str, str]]:
        """(row, text, message) for every date cell whose text is no date."""
        return self.activities_model.invalid_dates()

    def _save_activities(self) -> None:
        if self._loading or not self._writable():
            return
        self._first_edit()
        assert self.session is not None
        activities = self.current_activities()
        try:
            save_activities(self.session, activities)
        except UserError as error:
            self._activities_failure = error.message
            self.message.emit(f"Aktiviteterna sparades inte: {error.message}")
            self._show_problems()
            return
        self._activities_failure = ""
        self.activities_model.mark_saved(activities)
        self._show_problems()
        self._after_save()

    def _show_problems(self) -> None:
        """Mark what is not saved where it is: the date cell in red with the reason, a line under
        the table, and a banner over the page for texts the file refused. (The model marks the
        date cell itself.)"""
        lines = [self._describe_invalid(row, text) for row, text, _m in self.invalid_dates()]
        if self._activities_failure:
            lines.append(f"Aktiviteterna sparades inte: {self._activities_failure}")
        self.activity_problems.setText("\n".join(lines))
        self.activity_problems.setVisible(bool(lines))
        texts = [f"”{ANALYSIS_FIELDS[n]}” är inte sparad: {m}" for n, m in self._failed_texts.items()]
        self.save_problem.setText("\n".join(texts))
        self.save_problem.setVisible(bool(texts))

    def _describe_invalid(self, row: int, text: str) -> str:
        kept = self.activities_model.saved_due_text(row)
        saved = f"med det tidigare datumet {kept}" if kept else "utan datum"
        return (f"Rad {row + 1}: ”{text}” i Klart senast är inget datum och har inte sparats; resten av raden "
                f"är sparad {saved}. Dubbelklicka i cellen och välj ett datum i kalendern, eller tryck Delete.")

    def _after_save(self) -> None:
        assert self.session is not None
        analysis = read_analysis(self.session)
        self._show_filled(analysis)
        self.saved.emit(self.session.last_saved_at or "")

    # --- leaving the page ------------------------------------------------------------------------
    def _writable(self) -> bool:
        return self.session is not None and not self.session.closed and not self.session.read_only

    def forget_session(self) -> None:
        """The file was closed (another one opened, or quitting): nothing may be saved into it
        any more, and nothing waiting on a timer for it either."""
        for timer in self._timers.values():
            timer.stop()
        self.session = None

    def flush(self) -> None:
        """Save whatever is waiting: a cell being edited, text typed within the last moment."""
        self._commit_open_editor()
        for name, timer in self._timers.items():
            if timer.isActive():
                self._save_text(name)

    def _commit_open_editor(self) -> None:
        if self.activities.state() != QAbstractItemView.State.EditingState:
            return
        editor = QApplication.focusWidget()
        while editor is not None and editor.parentWidget() is not self.activities.viewport():
            editor = editor.parentWidget()
        if editor is not None:
            self.activities.commitData(editor)

    def unsaved_problems(self) -> list[str]:
        """What is on screen but not in the file, in Swedish; empty when everything is saved."""
        if self.session is None or self.session.read_only:
            return []
        problems = [f"”{ANALYSIS_FIELDS[n]}”: {m}" for n, m in self._failed_texts.items()]
        if self._activities_failure:
            problems.append(f"Förbättringsaktiviteterna: {self._activities_failure}")
        problems += [f"Förbättringsaktivitet rad {row + 1}: ”{text}” i Klart senast är inget datum."
                     for row, text, _m in self.invalid_dates()]
        return problems

    def can_retry(self) -> bool:
        """Whether saving again could help (a refused write), as opposed to input that is no date."""
        return bool(self._failed_texts or self._activities_failure)

    def retry_saves(self) -> None:
        for name in list(self._failed_texts):
            self._save_text(name)
        if self._activities_failure:
            self._save_activities()

    def discard_unsaved(self) -> None:
        """Show the file's content again, dropping what could not be saved."""
        if self.session is not None and not self.session.closed:
            self.show_session(self.session, self.previous)

    def focus_first_problem(self) -> None:
        if self._failed_texts:
            self.fields[next(iter(self._failed_texts))].setFocus()
            return
        invalid = self.invalid_dates()
        if invalid:
            self.activities.setFocus()
            self.activities.setCurrentIndex(self.activities_model.index(invalid[0][0], DUE_COLUMN))
            self.scroll_area.ensureWidgetVisible(self.activities)
