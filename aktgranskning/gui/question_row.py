"""One control question in the review view: answered with J/N/X (or 1/2/3) from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.changes import Kind
from aktgranskning.domain.checklist import Applicability, Question
from aktgranskning.gui.conflict_bar import CONFLICT_STYLE, choice_text, clear_layout, clock, versions_line
from aktgranskning.services.conflicts import Conflict
from aktgranskning.services.session import QuestionState

ANSWER_KEYS: dict[int, Answer] = {
    Qt.Key.Key_J: Answer.YES,
    Qt.Key.Key_1: Answer.YES,
    Qt.Key.Key_N: Answer.NO,
    Qt.Key.Key_2: Answer.NO,
    Qt.Key.Key_X: Answer.NOT_APPLICABLE,
    Qt.Key.Key_3: Answer.NOT_APPLICABLE,
}
_BUTTON_KEYS = {Answer.YES: "J", Answer.NO: "N", Answer.NOT_APPLICABLE: "X"}


class CommentEdit(QLineEdit):
    """The comment field: Enter and Esc both leave it for its question (it is saved on leaving),
    so Esc never reaches the review page's "back to the case list"."""

    leave_requested = Signal()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Escape:
            event.accept()  # Esc is ours while typing a comment
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.leave_requested.emit()
            return
        super().keyPressEvent(event)


class QuestionRow(QFrame):
    answered = Signal(str, object)  # question id, Answer or None
    move_requested = Signal(int)  # -1 up, +1 down
    comment_edited = Signal(str, str)
    focused = Signal(str)
    conflict_chosen = Signal(object, object)  # a conflict's Register and the chosen value

    def __init__(self, number: int, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.state: QuestionState | None = None
        self.setObjectName("questionRow")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setProperty("current", False)
        self.setProperty("inactive", False)

        self.number_label = QLabel(f"{number}.")
        self.number_label.setObjectName("questionNumber")
        self.text_label = QLabel(question.text)
        self.text_label.setWordWrap(True)
        self.text_label.setObjectName("questionText")
        self.text_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        self.buttons: dict[Answer, QPushButton] = {}
        button_box = QHBoxLayout()
        button_box.setSpacing(4)
        for answer in question.allowed:
            button = QPushButton(answer.value)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setObjectName(f"answer{answer.name}")
            button.setToolTip(f"Svara {answer.value} (tangent {_BUTTON_KEYS[answer]})")
            button.setAccessibleName(f"Svara {answer.value} på fråga {number}")
            button.clicked.connect(lambda _checked=False, a=answer: self._choose(a))
            button_box.addWidget(button)
            self.buttons[answer] = button
        self.help_button = QPushButton("?")
        self.help_button.setObjectName("helpButton")
        self.help_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.help_button.setToolTip("Visa hjälptext och lagrum (F1)")
        self.help_button.setAccessibleName(f"Hjälp för fråga {number}")
        self.help_button.clicked.connect(self.toggle_help)
        self.comment_button = QPushButton("Kommentar")
        self.comment_button.setObjectName("commentButton")
        self.comment_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.comment_button.setToolTip("Skriv en kommentar till frågan (K)")
        self.comment_button.setAccessibleName(f"Kommentar till fråga {number}")
        # as wide as with its mark, so that Ja, Nej and X stay where they are when a comment is saved
        self.comment_button.setText("Kommentar ✓")
        self.comment_button.setMinimumWidth(self.comment_button.sizeHint().width())
        self.comment_button.setText("Kommentar")
        self.comment_button.clicked.connect(self.edit_comment)
        button_box.addSpacing(8)
        button_box.addWidget(self.help_button)
        button_box.addWidget(self.comment_button)

        self.note_label = QLabel()
        self.note_label.setObjectName("questionNote")
        self.note_label.setWordWrap(True)
        self.note_label.hide()
        self.help_label = QLabel(self._help_text())
        self.help_label.setObjectName("helpText")
        self.help_label.setWordWrap(True)
        self.help_label.setTextFormat(Qt.TextFormat.RichText)
        self.help_label.hide()
        self.feedback_label = QLabel()
        self.feedback_label.setObjectName("questionFeedback")
        self.feedback_label.setWordWrap(True)
        self.feedback_label.setStyleSheet("color: #1d3b5a; font-weight: 600;")
        self.feedback_label.hide()
        self._feedback_timer = QTimer(self)
        self._feedback_timer.setSingleShot(True)
        self._feedback_timer.timeout.connect(self.feedback_label.hide)
        self.comment_edit = CommentEdit()
        self.comment_edit.setPlaceholderText("Kommentar – Enter sparar, Esc går tillbaka till frågan "
                                             "(skriv inga namn eller personnummer)")
        self.comment_edit.setAccessibleName(f"Kommentar till fråga {number}")
        self.comment_edit.setMaxLength(2000)
        self.comment_edit.editingFinished.connect(self._comment_finished)
        self.comment_edit.leave_requested.connect(self.leave_comment)
        self.comment_edit.hide()

        self.conflicts: list[Conflict] = []
        self.conflict_buttons: list[QPushButton] = []
        self.conflict_box = QFrame()
        self.conflict_box.setObjectName("questionConflict")
        self.conflict_box.setStyleSheet(f"QFrame#questionConflict {{ {CONFLICT_STYLE} }}")
        self.conflict_layout = QGridLayout(self.conflict_box)
        self.conflict_layout.setContentsMargins(6, 2, 6, 2)
        self.conflict_layout.setHorizontalSpacing(6)
        self.conflict_layout.setVerticalSpacing(2)
        self.conflict_box.hide()

        layout = QGridLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setHorizontalSpacing(10)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.number_label, 0, 0)
        layout.addWidget(self.text_label, 0, 1)
        layout.addLayout(button_box, 0, 2, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.conflict_box, 1, 1, 1, 2)
        layout.addWidget(self.note_label, 2, 1, 1, 2)
        layout.addWidget(self.help_label, 3, 1, 1, 2)
        layout.addWidget(self.comment_edit, 4, 1, 1, 2)
        layout.addWidget(self.feedback_label, 5, 1, 1, 2)
        layout.setColumnStretch(1, 1)
        self.setAccessibleName(f"Fråga {number}: {question.text}")

    # --- state --------------------------------------------------------------------------------
    @property
    def is_applicable(self) -> bool:
        return self.state is not None and self.state.applicability is Applicability.APPLICABLE

    def set_state(self, state: QuestionState, unsaved: Answer | bool | None = False) -> None:
        """Show the answer that counts; `unsaved` is an answer kept on screen after a failed save."""
        previous = self.state.comment if self.state is not None else ""
        self.state = state
        shown = state.answer if unsaved is False else unsaved
        for answer, button in self.buttons.items():
            button.setChecked(shown is answer)
            button.setEnabled(state.applicability is Applicability.APPLICABLE)
        inactive = state.applicability is not Applicability.APPLICABLE
        self._set_property("inactive", inactive)
        if unsaved is not False:
            self.note_label.setText("Ej sparat – svaret finns kvar här tills det har sparats.")
            self.note_label.setProperty("error", True)
            self.note_label.show()
        elif inactive:
            prefix = "X – gäller inte. " if state.applicability is Applicability.NOT_APPLICABLE else "Väntar: "
            self.note_label.setText(prefix + state.reason)
            self.note_label.setProperty("error", False)
            self.note_label.show()
        else:
            self.note_label.hide()
        self.note_label.style().polish(self.note_label)
        self._show_comment(state.comment, previous)
        self.comment_button.setText("Kommentar ✓" if state.comment else "Kommentar")
        self._describe()

    def _describe(self) -> None:
        if self.state is None:
            return
        shown = self.state.answer
        answer_text = shown.value if isinstance(shown, Answer) else "obesvarad"
        inactive = self.state.applicability is not Applicability.APPLICABLE
        conflict = "".join(f". Konflikt: {versions_line(c)}" for c in self.conflicts)
        self.setAccessibleDescription(f"Svar: {answer_text}" + (". Gäller inte." if inactive else "") + conflict)

    def _show_comment(self, comment: str, previous: str) -> None:
        """Another reviewer's comment replaces the field's text only when the field holds nothing
        of this person's that is not saved: never while it is being typed in, never over text
        whose save failed."""
        if self.comment_edit.hasFocus() or self.comment_edit.text().strip() != previous.strip():
            return
        if self.comment_edit.text() != comment:
            self.comment_edit.setText(comment)
        if comment:
            self.comment_edit.show()

    def set_conflicts(self, conflicts: list[Conflict]) -> None:
        """Mark the question with its conflicts (the answer's, the comment's), each version with
        who gave it and when, and a button per version to let it count."""
        if conflicts == self.conflicts:
            return
        self.conflicts = list(conflicts)
        clear_layout(self.conflict_layout)
        self.conflict_buttons = []
        for line, conflict in enumerate(conflicts):
            what = "Olika svar" if conflict.kind is Kind.ANSWER else "Olika kommentarer"
            label = QLabel(f"⚠ {what}: {versions_line(conflict)}")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setStyleSheet("border: none; background: transparent; color: #8c1d18; font-weight: 600;")
            self.conflict_layout.addWidget(label, line, 0)
            for column, version in enumerate(conflict.versions, start=1):
                button = QPushButton(choice_text(version))
                button.setObjectName("conflictChoice")
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the question
                button.setToolTip(f"Låt {version.who or 'okänd'}s version ({clock(version.at)}) gälla, "
                                  "för alla granskare" + (" – eller svara J, N eller X" if
                                                          conflict.kind is Kind.ANSWER else ""))
                button.setAccessibleName(f"{choice_text(version)} ({clock(version.at)})")
                button.clicked.connect(
                    lambda _checked=False, r=conflict.register, v=version.value: self.conflict_chosen.emit(r, v))
                self.conflict_layout.addWidget(button, line, column)
                self.conflict_buttons.append(button)
        self.conflict_layout.setColumnStretch(0, 1)
        self.conflict_box.setVisible(bool(conflicts))
        self._describe()

    def clear_for_next_case(self) -> None:
        """The row is reused for another case of the same checklist: forget this case's extras."""
        self.state = None
        self.comment_edit.blockSignals(True)
        self.comment_edit.clear()
        self.comment_edit.blockSignals(False)
        self.comment_edit.hide()
        self.help_label.hide()
        self.feedback_label.hide()
        self.set_conflicts([])

    def _set_property(self, name: str, value: bool) -> None:
        if self.property(name) != value:
            self.setProperty(name, value)
            self.style().unpolish(self)
            self.style().polish(self)

    def _help_text(self) -> str:
        parts = []
        if self.question.help_text:
            parts.append(self.question.help_text)
        if self.question.legal_basis:
            parts.append(f"<b>Lagrum:</b> {self.question.legal_basis}")
        return "<br>".join(parts) or "Ingen hjälptext finns för frågan."

    # --- interaction --------------------------------------------------------------------------
    def _choose(self, answer: Answer | None) -> None:
        if not self.is_applicable:
            return
        if answer is not None and answer not in self.question.allowed:
            return
        self.answered.emit(self.question.id, answer)

    def toggle_help(self) -> None:
        self.help_label.setVisible(not self.help_label.isVisible())

    def edit_comment(self) -> None:
        self.comment_edit.show()
        self.comment_edit.setFocus()

    def leave_comment(self) -> None:
        """Back to the question, so the next J/N/X answers it; the comment is saved on the way out."""
        self._comment_finished()
        if not self.comment_edit.text().strip():
            self.comment_edit.hide()
        self.setFocus()

    def show_feedback(self, text: str) -> None:
        """A short note under the question, where the eye is (what an undo did, for instance)."""
        self.feedback_label.setText(text)
        self.feedback_label.show()
        self._feedback_timer.start(10000)

    def _comment_finished(self) -> None:
        text = self.comment_edit.text().strip()
        if self.state is not None and text != self.state.comment:
            self.comment_edited.emit(self.question.id, text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not (event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier))
        if plain and key in ANSWER_KEYS:
            self._choose(ANSWER_KEYS[key])
        elif plain and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._choose(None)
        elif plain and key == Qt.Key.Key_Up:
            self.move_requested.emit(-1)
        elif plain and key == Qt.Key.Key_Down:
            self.move_requested.emit(1)
        elif key == Qt.Key.Key_F1 or (plain and key == Qt.Key.Key_H):
            self.toggle_help()
        elif plain and key == Qt.Key.Key_K:
            self.edit_comment()
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._set_property("current", True)
        self.focused.emit(self.question.id)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._set_property("current", False)
        super().focusOutEvent(event)
