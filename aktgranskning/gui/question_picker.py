"""Choosing the questions an enhet's improvement activity or a round's shared action targets: a
checkable list of the questions ('F3 Har skyddsbedömning genomförts skyndsamt?'), grouped by
checklist, with a filter. What is saved is the questions' stable ids, so next year's result for
them can be followed up. The one question chooser of the window."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.gui.screen_fit import fit_to_available_screen

ID_ROLE = Qt.ItemDataRole.UserRole
Choices = Sequence[tuple[str, Sequence[tuple[str, str]]]]  # (checklist title, [(question id, label)])


def shortened(text: str, limit: int) -> str:
    """The text on one line, cut at a word with '…' when longer than `limit` characters."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(" ,.;:") + " …"


class QuestionPicker(QDialog):
    def __init__(self, choices: Choices, chosen: Sequence[str], activity: str, unknown_label: str,
                 parent: QWidget | None = None, kind: str = "aktiviteten") -> None:
        """`kind` names what the questions are chosen for, in the definite form ('aktiviteten',
        'åtgärden')."""
        super().__init__(parent)
        self.setWindowTitle(f"Välj frågor för {kind}")
        named = shortened(activity, 80) or "ny " + kind.removesuffix("en")
        intro = QLabel(f"Kryssa i de frågor som {kind} ”{named}” ska "
                       "förbättra (mellanslag, Enter eller dubbelklick). Nästa år visas hur resultatet för dem "
                       "har förändrats.")
        intro.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Sök fråga (nummer eller text) …")
        self.filter.setAccessibleName("Sök fråga")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setAccessibleName("Frågor")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._toggle)
        known = {question_id for _title, questions in choices for question_id, _label in questions}
        for title, questions in choices:
            heading = QListWidgetItem(title)
            font = QFont(heading.font())
            font.setBold(True)
            heading.setFont(font)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(heading)
            for question_id, label in questions:
                self._add(question_id, label, question_id in chosen)
        for question_id in chosen:  # e.g. a question of last year's checklist: kept unless unticked
            if question_id not in known:
                self._add(question_id, f"{question_id} ({unknown_label})", True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Spara valet")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Avbryt")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.filter.installEventFilter(self)
        fit_to_available_screen(self, QSize(640, 520))

    def _add(self, question_id: str, label: str, checked: bool) -> None:
        item = QListWidgetItem(label)
        item.setData(ID_ROLE, question_id)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.addItem(item)

    def question_items(self) -> list[QListWidgetItem]:
        return [item for i in range(self.list.count()) if (item := self.list.item(i)).data(ID_ROLE)]

    def set_checked(self, question_id: str, checked: bool) -> None:
        for item in self.question_items():
            if item.data(ID_ROLE) == question_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen_ids(self) -> tuple[str, ...]:
        """The ticked questions' ids, in the checklists' order."""
        return tuple(item.data(ID_ROLE) for item in self.question_items()
                     if item.checkState() == Qt.CheckState.Checked)

    def _toggle(self, item: QListWidgetItem) -> None:
        if item.data(ID_ROLE):  # Enter or a double click on a question ticks or unticks it
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def _filter(self, text: str) -> None:
        wanted = text.strip().casefold()
        for index in range(self.list.count()):
            item = self.list.item(index)
            if item.data(ID_ROLE):
                item.setHidden(bool(wanted) and wanted not in item.text().casefold())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # ↓ from the search field goes to the list, as in any search box
        if watched is self.filter and event.type() == QEvent.Type.KeyPress \
                and event.key() == Qt.Key.Key_Down:  # type: ignore[attr-defined]
            self.list.setFocus()
            if self.list.currentRow() < 0 and (items := self.question_items()):
                self.list.setCurrentItem(items[0])
            return True
        return super().eventFilter(watched, event)
