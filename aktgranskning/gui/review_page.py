"""The review view for one case: its checklist's questions in order, answered from the keyboard.

Every answer goes straight to the service, which commits it before returning. When a write fails
the answer stays on screen, marked unsaved, and the reviewer can try again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case, CaseStatus
from aktgranskning.domain.changes import Register
from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.errors import UserError
from aktgranskning.gui.case_model import status_label
from aktgranskning.gui.conflict_bar import NOTICE_STYLE, ConflictBar, also_open_text, what_text
from aktgranskning.gui.dialogs import DropoutDialog
from aktgranskning.gui.question_row import QuestionRow
from aktgranskning.services.conflicts import Conflict, value_text
from aktgranskning.services.session import CaseView, ReserveHasAnswers, ReviewSession, SaveFailed

_GENDER_TEXT = {"kvinna": "flicka/kvinna", "man": "pojke/man", "annat": "annat kön", "okänt": "kön okänt"}


class ReviewPage(QWidget):
    back_requested = Signal()
    case_finished = Signal(int)
    navigate_requested = Signal(int)  # -1 previous case, +1 next case
    dropout_requested = Signal(int)
    history_requested = Signal(int)
    saved = Signal(str)  # the time of the last successful save
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: ReviewSession | None = None
        self.case: Case | None = None
        self.rows: list[QuestionRow] = []
        self._unsaved: dict[str, Answer | None] = {}
        self._built_for: object = None

        self.title = QLabel()
        self.title.setObjectName("caseTitle")
        self.details = QLabel()
        self.details.setObjectName("caseDetails")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.case_progress = QProgressBar()
        self.case_progress.setObjectName("caseProgress")
        self.case_progress.setFormat("%v av %m frågor besvarade")
        self.case_progress.setAccessibleName("Frågor besvarade i akten")
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.retry_button = QPushButton("Försök spara igen")
        self.retry_button.clicked.connect(self.retry_unsaved)
        self.retry_button.hide()
        self.reopen_button = QPushButton("Ta tillbaka akten till granskning")
        self.reopen_button.clicked.connect(self._reopen)
        self.reopen_button.hide()
        # What the other reviewers mean for this akt: the folder out of reach, someone else in the
        # same akt (told, not forbidden), and conflicts that belong to no single question.
        self.notices = QLabel()
        self.notices.setObjectName("fileNotices")
        self.notices.setWordWrap(True)
        self.notices.setTextFormat(Qt.TextFormat.PlainText)
        self.notices.setAccessibleName("Att känna till om akten")
        self.notices.setStyleSheet(f"QLabel#fileNotices {{ {NOTICE_STYLE} }}")
        self.notices.hide()
        self.conflict_bar = ConflictBar("Konflikt i akten: två granskare har ändrat samma sak. "
                                        "Välj vilken version som gäller.")
        self.conflict_bar.chosen.connect(self.decide)

        self.questions_box = QWidget()
        self.questions_layout = QVBoxLayout(self.questions_box)
        self.questions_layout.setContentsMargins(0, 0, 8, 0)
        self.questions_layout.setSpacing(4)
        self.questions_scroll = QScrollArea()
        self.questions_scroll.setWidgetResizable(True)
        self.questions_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.questions_scroll.setWidget(self.questions_box)

        self.previous_button = self._button("← Föregående akt", "Föregående akt (Ctrl+←)",
                                            lambda: self.navigate_requested.emit(-1))
        self.back_button = self._button("Ärendelistan", "Tillbaka till ärendelistan (Esc)", self.back_requested.emit)
        self.history_button = self._button("Historik", "Visa alla ändringar i akten", self._history)
        self.dropout_button = self._button("&Bortfall…", "Markera akten som bortfall med orsak (Alt+B)", self._dropout)
        self.done_button = self._button("Markera som klar", "Markera akten som klar (Ctrl+Enter)", self.mark_done)
        self.done_button.setObjectName("doneButton")
        self.done_button.setDefault(True)
        self.next_button = self._button("Nästa akt →", "Nästa akt (Ctrl+→)", lambda: self.navigate_requested.emit(1))

        header = QVBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.details)
        header.addWidget(self.case_progress)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.retry_button)
        banner_row.addWidget(self.reopen_button)
        footer = QHBoxLayout()
        footer.addWidget(self.previous_button)
        footer.addWidget(self.back_button)
        footer.addStretch(1)
        footer.addWidget(self.history_button)
        footer.addWidget(self.dropout_button)
        footer.addWidget(self.done_button)
        footer.addStretch(1)
        footer.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.notices)
        layout.addWidget(self.conflict_bar)
        layout.addLayout(banner_row)
        layout.addWidget(self.questions_scroll, 1)
        layout.addLayout(footer)

        self._shortcut("Esc", self.back_requested.emit)
        self._shortcut("Ctrl+Z", self.undo)
        self._shortcut("Ctrl+Right", lambda: self.navigate_requested.emit(1))
        self._shortcut("Ctrl+Left", lambda: self.navigate_requested.emit(-1))
        self._shortcut("Ctrl+Return", self.mark_done)
        self._shortcut("Ctrl+Enter", self.mark_done)

    def _button(self, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.clicked.connect(slot)
        return button

    def _shortcut(self, keys: str, slot: object) -> None:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    # --- showing a case -----------------------------------------------------------------------
    def show_case(self, session: ReviewSession, case_id: int) -> None:
        if session is not self.session:
            self._built_for = None
        self.session = session
        self.case = session.case(case_id)
        # Read once per case shown, not on every key press: the sample's size and löpnummer do not
        # change while a case is answered.
        all_cases = session.cases()
        self._sample_facts = (sum(1 for c in all_cases if not c.is_reserve), {c.id: c.sequence for c in all_cases})
        self.banner.hide()
        self._unsaved.clear()
        checklist = session.checklist_for(self.case)
        if checklist is not self._built_for:
            self._build_rows(checklist)
            self._built_for = checklist
        else:
            for row in self.rows:
                row.clear_for_next_case()
        self.refresh()
        self.questions_scroll.verticalScrollBar().setValue(0)
        self.focus_first_gap()

    def _build_rows(self, checklist: Checklist) -> None:
        while self.questions_layout.count():
            item = self.questions_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.rows = []
        number = 0
        for section in checklist.sections:
            heading = QLabel(section.title)
            heading.setObjectName("sectionTitle")
            self.questions_layout.addWidget(heading)
            for question in section.questions:
                number += 1
                row = QuestionRow(number, question)
                row.answered.connect(self._answer)
                row.move_requested.connect(self._move)
                row.comment_edited.connect(self._comment)
                row.conflict_chosen.connect(self.decide)
                row.focused.connect(lambda _qid, r=row: self.questions_scroll.ensureWidgetVisible(r, 0, 40))
                self.questions_layout.addWidget(row)
                self.rows.append(row)
        self.questions_layout.addStretch(1)
        # A layout shows new children only from the event loop; show them now so the first
        # question can take the focus at once.
        for index in range(self.questions_layout.count()):
            item = self.questions_layout.itemAt(index)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.show()
        previous: QWidget = self.case_progress
        for row in self.rows:
            QWidget.setTabOrder(previous, row)
            previous = row
        for button in (self.done_button, self.dropout_button, self.history_button, self.next_button,
                       self.previous_button, self.back_button):
            QWidget.setTabOrder(previous, button)
            previous = button

    def refresh(self, view: CaseView | None = None) -> None:
        """Show the case (answers, conditions, status): as `view` says — read by the change that
        was just saved, in its own transaction — or as read from the file now."""
        assert self.session is not None and self.case is not None
        view = view or self.session.case_view(self.case.id)
        self.case = view.case
        states = {s.question_id: s for s in view.states}
        for row in self.rows:
            qid = row.question.id
            row.set_state(states[qid], self._unsaved.get(qid, False))
        applicable = [r for r in self.rows if r.is_applicable]
        answered = sum(1 for r in applicable if r.state and r.state.stored is not None)
        self.case_progress.setMaximum(max(len(applicable), 1))
        self.case_progress.setValue(answered)
        self._show_header()
        self.show_together()

    # --- other reviewers ----------------------------------------------------------------------
    def show_together(self) -> None:
        """The notices and conflicts of the akt on screen, as the folder was last read."""
        self.show_notices()
        self.show_conflicts()

    def show_notices(self) -> None:
        """The folder out of reach, files not read, someone else in this akt (cheap: no reading)."""
        if self.session is None or self.case is None:
            return
        session, case = self.session, self.case
        said = [*(session.link.notices() if session.link is not None else [])]
        offline = session.link is not None and session.link.offline
        also = "" if offline else also_open_text(session.others_in(case.id))  # not known while out of reach
        if also:
            said.append(also + " Ni kan arbeta samtidigt; svarar ni olika på samma fråga visas båda svaren "
                        "här så att ni kan välja.")
        text = "\n".join(f"• {line}" for line in said)
        if text != self.notices.text():
            self.notices.setText(text)
        self.notices.setVisible(bool(said))

    def show_conflicts(self) -> None:
        if self.session is None or self.case is None:
            return
        conflicts = self.session.conflicts_in(self.case.id)
        by_question: dict[str, list[Conflict]] = {}
        for conflict in conflicts:
            if conflict.question_id is not None:
                by_question.setdefault(conflict.question_id, []).append(conflict)
        for row in self.rows:
            row.set_conflicts(by_question.get(row.question.id, []))
        self.conflict_bar.numbers = self._numbers()
        self.conflict_bar.show_conflicts([c for c in conflicts if c.question_id is None])
        if self.session.read_only:  # shown, but decided only where the file can be written
            for button in [*self.conflict_bar.buttons, *(b for r in self.rows for b in r.conflict_buttons)]:
                button.setEnabled(False)
                button.setToolTip("Filen är öppnad skrivskyddad: öppna den för granskning för att välja.")

    def take_in_others(self) -> None:
        """Another reviewer changed this akt: show it where the person is, keeping the keyboard
        focus, a comment being typed and the scroll position (the focused question, or the first
        one in view, stays where it was on screen)."""
        anchor = self._scroll_anchor()
        told = (self.banner.text(), bool(self.banner.property("error"))) if self.banner.isVisible() else None
        self.refresh()
        if told is not None and not self.banner.isVisible():
            self._show_banner(*told)  # what the person was told stays until they move on
        if anchor is not None:
            self._keep_anchor(*anchor)
            QTimer.singleShot(0, lambda: self._keep_anchor(*anchor))

    def _scroll_anchor(self) -> tuple[QuestionRow, int] | None:
        top = self.questions_scroll.verticalScrollBar().value()
        focus = QApplication.focusWidget()
        focused = next((r for r in self.rows if focus is r or (focus is not None and r.isAncestorOf(focus))), None)
        row = focused or next((r for r in self.rows if r.y() + r.height() > top), None)
        return (row, row.y() - top) if row is not None else None

    def _keep_anchor(self, row: QuestionRow, offset: int) -> None:
        if row not in self.rows:
            return
        self.questions_layout.activate()
        self.questions_scroll.verticalScrollBar().setValue(row.y() - offset)

    def decide(self, register: Register, value: object) -> None:
        """The person chose which version of a conflict counts: recorded as a change that saw
        every version, so the conflict is gone for everyone once the file arrives."""
        if self.session is None or self.case is None:
            return
        try:
            self.session.decide(register, value)
        except UserError as error:
            self._show_banner(error.message, error=True)
            return
        self._after_save()
        what = what_text(Conflict(register, self.case.sequence, ()), self._numbers())
        self._tell(f"{what}: {value_text(register.kind, value)} gäller nu, för alla granskare.")

    def _numbers(self) -> dict[str, int]:
        return {row.question.id: number for number, row in enumerate(self.rows, start=1)}

    def _show_header(self) -> None:
        assert self.session is not None and self.case is not None
        case = self.case
        checklist = self.session.checklist_for(case)
        sample_size, sequences = self._sample_facts
        if case.is_reserve:
            self.title.setText(f"Reserv nr {case.sequence} · {checklist.title}")
        else:
            self.title.setText(f"Akt {case.sequence} av {sample_size} · {checklist.title}")
        parts = [
            f"Ärendenummer {case.case_number}",
            _GENDER_TEXT.get(case.gender.value, case.gender.value),
            case.age_group,
            f"handläggare {case.caseworker_code or '–'}",
            f"status: {status_label(case, sequences).lower()}",
        ]
        self.details.setText(" · ".join(parts))
        dropout = case.status is CaseStatus.DROPOUT
        unused_reserve = not case.in_sample
        if dropout:
            text = case.dropout_text and f" – {case.dropout_text}"
            reason = case.dropout_reason.label if case.dropout_reason else ""
            self._show_banner(f"Akten är bortfall: {reason}{text}", error=False)
        elif unused_reserve:
            self._show_banner("Det här är en oanvänd reserv. Den granskas bara om den ersätter ett bortfall.",
                              error=False)
        elif self.session.read_only:
            self._show_banner("Filen är öppnad skrivskyddad: du kan läsa svaren men inte ändra dem.", error=False)
        elif not self._unsaved:
            self.banner.hide()
        self.reopen_button.setVisible(dropout)
        for row in self.rows:
            row.setEnabled(not dropout and not unused_reserve)
            for button in row.buttons.values():
                button.setEnabled(button.isEnabled() and not self.session.read_only)
        self.done_button.setEnabled(not dropout and not unused_reserve and not self.session.read_only)
        self.dropout_button.setEnabled(case.in_sample and not dropout and not self.session.read_only)
        self.done_button.setText("Klar ✓" if case.status is CaseStatus.DONE else "Markera som klar")

    def _show_banner(self, text: str, error: bool) -> None:
        self.banner.setText(text)
        self.banner.setProperty("error", error)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.show()

    # --- focus --------------------------------------------------------------------------------
    def current_row_index(self) -> int:
        for index, row in enumerate(self.rows):
            if row.hasFocus():
                return index
        return -1

    def focus_first_gap(self) -> None:
        """Focus where the next key press is expected: the first unanswered question, or the
        button that comes next when there is none to answer."""
        if self.case is not None and (self.case.status is CaseStatus.DROPOUT or not self.case.in_sample):
            # nothing to answer: the button that comes next, and the akt shown from its start
            (self.reopen_button if self.case.in_sample else self.next_button).setFocus()
            self.questions_scroll.verticalScrollBar().setValue(0)
            return
        for row in self.rows:
            if row.is_applicable and row.state is not None and row.state.stored is None:
                self.focus_row(row)
                return
        if self.case and self.case.status is CaseStatus.DONE:
            self.next_button.setFocus()
        else:
            self.done_button.setFocus()

    def focus_row(self, row: QuestionRow) -> None:
        """Focus a question and scroll it into view, also right after the rows were laid out anew."""
        row.setFocus()
        self.questions_layout.activate()
        self.questions_scroll.ensureWidgetVisible(row, 0, 40)
        QTimer.singleShot(0, lambda: self._scroll_to_focused(row))

    def _scroll_to_focused(self, row: QuestionRow) -> None:
        if row in self.rows and row.hasFocus():
            self.questions_scroll.ensureWidgetVisible(row, 0, 40)

    def _focus_next_applicable(self, after: int) -> None:
        for row in self.rows[after + 1 :]:
            if row.is_applicable:
                self.focus_row(row)
                return
        self.done_button.setFocus()

    def _move(self, delta: int) -> None:
        index = self.current_row_index()
        target = index + delta
        while 0 <= target < len(self.rows):
            if self.rows[target].isEnabled():
                self.rows[target].setFocus()
                return
            target += delta

    # --- changes ------------------------------------------------------------------------------
    def _answer(self, question_id: str, answer: Answer | None) -> None:
        if self._save_answer(question_id, answer):
            index = next(i for i, r in enumerate(self.rows) if r.question.id == question_id)
            if answer is not None:
                self._focus_next_applicable(index)

    def _save_answer(self, question_id: str, answer: Answer | None) -> bool:
        assert self.session is not None and self.case is not None
        try:
            view = self.session.set_answer(self.case.id, question_id, answer)
        except SaveFailed as failure:
            self._unsaved[question_id] = answer
            self.refresh()
            self._show_banner(failure.message, error=True)
            self.retry_button.show()
            return False
        except UserError as error:
            self.message.emit(error.message)
            return False
        self._unsaved.pop(question_id, None)
        self._after_save(view)
        return True

    def _after_save(self, view: CaseView | None = None) -> None:
        assert self.session is not None
        if not self._unsaved:
            self.retry_button.hide()
        self.refresh(view)
        if self.session.last_saved_at:
            self.saved.emit(self.session.last_saved_at)

    def unsaved_problems(self) -> list[str]:
        """Answers on screen that the file does not hold (their save failed), in Swedish."""
        if self.case is None:
            return []
        numbers = {row.question.id: number for number, row in enumerate(self.rows, start=1)}
        return [f"Akt {self.case.sequence}, fråga {numbers.get(question_id, '?')}: "
                f"{answer.label if answer is not None else 'borttaget svar'} är inte sparat"
                for question_id, answer in self._unsaved.items()]

    def can_retry(self) -> bool:
        return True  # a failed answer is kept on screen and can always be written again

    def retry_saves(self) -> None:
        self.retry_unsaved()

    def focus_first_problem(self) -> None:
        row = next((r for r in self.rows if r.question.id in self._unsaved), None)
        if row is not None:
            row.setFocus()

    def discard_unsaved(self) -> None:
        self._unsaved.clear()
        self.retry_button.hide()
        self.refresh()

    def retry_unsaved(self) -> None:
        for question_id, answer in list(self._unsaved.items()):
            if not self._save_answer(question_id, answer):
                return
        self.message.emit("Alla svar är sparade.")

    def _comment(self, question_id: str, text: str) -> None:
        assert self.session is not None and self.case is not None
        try:
            self.session.set_comment(self.case.id, question_id, text)
        except UserError as error:
            self._show_banner(error.message, error=True)
            return
        self._after_save()

    def undo(self) -> None:
        """Ctrl+Z: undo the latest change in the akt on screen, and say what was undone there."""
        if self.session is None or self.case is None:
            return
        try:
            undone = self.session.undo(self.case.id)
        except SaveFailed as failure:
            self._show_banner(failure.message, error=True)
            return
        except UserError as error:
            self._tell(error.message)
            return
        if undone.case_id != self.case.id:
            self.show_case(self.session, undone.case_id)
        else:
            self._after_save()
        row = next((r for r in self.rows if r.question.id == undone.question_id), None)
        if row is not None and row.isEnabled():
            self.focus_row(row)
        else:
            self.focus_first_gap()
        self._tell(undone.message)

    def _tell(self, text: str) -> None:
        """Say something in the status bar and where the eye is: under the focused question, or in
        the banner above the questions."""
        self.message.emit(text)
        row = self.rows[self.current_row_index()] if self.current_row_index() >= 0 else None
        if row is not None:
            row.show_feedback(text)
        elif self.banner.isVisible() and not self.banner.property("error"):
            self._show_banner(f"{text}\n{self.banner.text()}", error=False)
        else:
            self._show_banner(text, error=False)

    def mark_done(self) -> None:
        assert self.session is not None and self.case is not None
        gap = self.session.first_gap(self.case.id)
        if gap is not None:
            row = next(r for r in self.rows if r.question.id == gap)
            row.setFocus()
            self.message.emit("Alla frågor som gäller måste besvaras innan akten är klar. "
                              "Första obesvarade fråga är markerad.")
            return
        try:
            self.session.mark_done(self.case.id)
        except UserError as error:
            self._show_banner(error.message, error=True)
            return
        self._after_save()
        self.case_finished.emit(self.case.id)

    def _reopen(self) -> None:
        """Take a finished case or a bortfall back; a reserve that has answers is released only
        when the reviewer agrees."""
        assert self.session is not None and self.case is not None
        case = self.case
        try:
            released = self.session.reopen(case.id)
        except ReserveHasAnswers as busy:
            if not self._confirm_release(busy):
                self.reopen_button.setFocus()
                return
            released = self._reopen_releasing(case.id)
            if released is None:
                return
        except UserError as error:
            self._show_banner(error.message, error=True)
            return
        self._after_save()
        self.focus_first_gap()
        text = f"Akt {case.sequence} är tillbaka i granskningen."
        if released is not None:
            text += f" Reserv nr {released.sequence} är åter en oanvänd reserv."
        self._tell(text + " Ctrl+Z ångrar.")

    def _reopen_releasing(self, case_id: int) -> Case | None:
        assert self.session is not None
        try:
            return self.session.reopen(case_id, release_answered_reserve=True)
        except UserError as error:
            self._show_banner(error.message, error=True)
            return None

    def _confirm_release(self, busy: ReserveHasAnswers) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Reserven har redan svar",
                          f"{busy.message}\n\nVill du ta tillbaka akt {busy.dropout.sequence}?", parent=self)
        agree = box.addButton(f"Ta tillbaka akt {busy.dropout.sequence}", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Avbryt", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(agree)
        box.exec()
        self._take_keyboard_back()
        return box.clickedButton() is agree

    def _take_keyboard_back(self) -> None:
        """After a dialog the window must be active again, or key presses go nowhere until a click
        (some window managers, and none at all, do not give it back)."""
        window = self.window()
        window.raise_()
        window.activateWindow()

    def _dropout(self) -> None:
        if self.case is not None:
            self.dropout_requested.emit(self.case.id)  # MainWindow.record_dropout calls record_dropout

    def record_dropout(self) -> None:
        """Ask for the reason, record the bortfall and show the reserve that replaces it."""
        if self.session is None or self.case is None:
            return
        session, case = self.session, self.case
        reserve = session.next_reserve(case.id)
        titles = {checklist_id: checklist.title for checklist_id, checklist in session.checklists.items()}
        dialog = DropoutDialog(case, reserve, self, titles)
        accepted = dialog.exec()
        self._take_keyboard_back()
        if not accepted:
            self.focus_first_gap()
            return
        reason, text, use_reserve = dialog.chosen()
        try:
            replacement = session.mark_dropout(case.id, reason, text, use_reserve)
        except UserError as error:
            self._show_banner(error.message, error=True)
            self.focus_first_gap()
            return
        if session.last_saved_at:
            self.saved.emit(session.last_saved_at)
        if replacement is None:
            self.refresh()
            self.next_button.setFocus()
            self._tell(f"Akt {case.sequence} är bortfall. Ctrl+→ går till nästa akt, Ctrl+Z ångrar.")
            return
        self.show_case(session, replacement.id)
        self.focus_first_gap()
        told = f"Akt {case.sequence} är bortfall. Reserv nr {replacement.sequence} ersätter den och visas nu."
        if replacement.case_type != case.case_type:
            told += (f" Reserven är {titles.get(replacement.case_type, replacement.case_type).lower()}: det fanns "
                     f"ingen oanvänd reserv av typen {titles.get(case.case_type, case.case_type).lower()} kvar.")
        self._show_banner(told + " Ctrl+Z ångrar bortfallet.", error=False)
        self.message.emit(told)

    def _history(self) -> None:
        if self.case is not None:
            self.history_requested.emit(self.case.id)
