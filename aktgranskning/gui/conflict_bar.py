"""Conflicts between reviewers and who else is working, as the window shows them.

A conflict is never decided here: each version gets a button, and the person's choice is handed on
(`chosen`) to be recorded with `ReviewSession.decide`. The texts are shared by the case list, the
akt's header and the question rows, so every place says the same thing the same way."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLayout, QPushButton, QVBoxLayout, QWidget

from aktgranskning.domain.changes import Kind, Presence
from aktgranskning.services.conflicts import Conflict, ConflictVersion

NOTICE_STYLE = "background: #fff4ce; border: 1px solid #d8b600; padding: 6px;"
CONFLICT_STYLE = "background: #fde7e9; border: 1px solid #b3261e; padding: 4px;"


def clock(at: str) -> str:
    """'10:42' in this computer's time, from an ISO time with or without an offset."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at[11:16]
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%H:%M")


def version_text(version: ConflictVersion) -> str:
    return f"{version.who or 'okänd'}: {version.text} ({clock(version.at)})"


def versions_line(conflict: Conflict) -> str:
    """'Anna: Ja (10:42) · Bertil: Nej (10:44)'."""
    return " · ".join(version_text(v) for v in conflict.versions)


def choice_text(version: ConflictVersion) -> str:
    return f"Välj {version.who or 'okänd'}: {version.text}"


def conflicts_word(count: int) -> str:
    return f"{count} {'konflikt' if count == 1 else 'konflikter'}"


def names_of(presences: list[Presence]) -> list[str]:
    """The people, each once, in the order they appear (one person may be on two computers)."""
    names: list[str] = []
    for presence in presences:
        name = presence.who or "okänd"
        if name not in names:
            names.append(name)
    return names


def joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} och {names[-1]}"


def reviewing_text(presences: list[Presence]) -> str:
    """'Anna granskar' for the case list, '' when nobody else has the akt open."""
    names = names_of(presences)
    return f"{joined(names)} granskar" if names else ""


def also_open_text(presences: list[Presence]) -> str:
    """The notice in an akt someone else has open too."""
    names = names_of(presences)
    return f"{joined(names)} har också den här akten öppen just nu." if names else ""


class ConflictBar(QFrame):
    """Conflicts that belong to no single question (an akt's status, bortfall or reserve; the
    analysis), one line each with a button per version."""

    chosen = Signal(object, object)  # Register, the chosen value

    def __init__(self, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictBar")
        self.setStyleSheet(f"QFrame#conflictBar {{ {CONFLICT_STYLE} }}")
        self.setAccessibleName("Konflikter mellan granskare")
        self._heading = heading
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self._layout.setSpacing(2)
        self.buttons: list[QPushButton] = []
        self.shown: list[Conflict] = []
        self.numbers: dict[str, int] = {}
        self.hide()

    def show_conflicts(self, conflicts: list[Conflict]) -> None:
        if conflicts == self.shown:
            return
        self.shown = list(conflicts)
        clear_layout(self._layout)
        self.buttons = []
        if not conflicts:
            self.hide()
            return
        title = QLabel(f"⚠ {self._heading}")
        title.setStyleSheet("font-weight: 600; border: none; background: transparent;")
        self._layout.addWidget(title)
        for conflict in conflicts:
            self._layout.addLayout(self._line(conflict))
        self.show()

    def _line(self, conflict: Conflict) -> QHBoxLayout:
        line = QHBoxLayout()
        label = QLabel(f"{what_text(conflict, self.numbers)}: {versions_line(conflict)}")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setStyleSheet("border: none; background: transparent;")
        line.addWidget(label, 1)
        for version in conflict.versions:
            button = QPushButton(choice_text(version))
            button.setToolTip(f"Låt {version.text} gälla, för alla granskare")
            button.setAccessibleName(f"{choice_text(version)} ({clock(version.at)})")
            button.clicked.connect(lambda _checked=False, r=conflict.register, v=version.value: self.chosen.emit(r, v))
            line.addWidget(button)
            self.buttons.append(button)
        return line


def clear_layout(layout: QLayout) -> None:
    """Remove and delete everything in a layout (and in the layouts inside it)."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            widget.deleteLater()
        elif inner is not None:
            clear_layout(inner)


__all__ = ["ConflictBar", "also_open_text", "clear_layout", "conflicts_word", "reviewing_text", "versions_line"]


def describe_all(conflicts: list[Conflict], numbers: dict[str, int] | None = None) -> str:
    """One line per conflict: 'Fråga 3: Anna: Ja (10:42) · Bertil: Nej (10:44)'; `numbers` gives
    a question's number in its checklist."""
    return "\n".join(f"{what_text(c, numbers)}: {versions_line(c)}" for c in conflicts)


def what_text(conflict: Conflict, numbers: dict[str, int] | None = None) -> str:
    if conflict.question_id is None:
        return conflict.kind.label.capitalize()
    number = (numbers or {}).get(conflict.question_id)
    what = f"Fråga {number}" if number is not None else f"Fråga {conflict.question_id}"
    return what if conflict.kind is Kind.ANSWER else f"{what}, kommentaren"
