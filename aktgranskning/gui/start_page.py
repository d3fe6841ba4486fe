"""What the window shows before a file is open: open, create, demo, and the recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class StartPage(QWidget):
    open_requested = Signal()
    new_requested = Signal()
    demo_requested = Signal()
    recent_chosen = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Aktgranskning")
        title.setObjectName("startTitle")
        intro = QLabel(
            "Egenkontroll av akter: granska urvalet fråga för fråga med tangentbordet. "
            "Varje svar sparas direkt i granskningsfilen. Du kan också dra en granskningsfil hit."
        )
        intro.setWordWrap(True)
        self.open_button = QPushButton("Öppna granskningsfil…  (Ctrl+O)")
        self.new_button = QPushButton("Ny granskningsfil från urvalslista…  (Ctrl+N)")
        self.demo_button = QPushButton("Prova med en demofil")
        for button in (self.open_button, self.new_button, self.demo_button):
            button.setObjectName("startButton")
            button.setAccessibleName(button.text().split("  ")[0])
        self.open_button.clicked.connect(self.open_requested.emit)
        self.new_button.clicked.connect(self.new_requested.emit)
        self.demo_button.clicked.connect(self.demo_requested.emit)
        self.recent = QListWidget()
        self.recent.setAccessibleName("Senast öppnade filer")
        self.recent.itemActivated.connect(
            lambda item: self.recent_chosen.emit(Path(item.data(Qt.ItemDataRole.UserRole))))
        recent_label = QLabel("&Senast öppnade:")
        recent_label.setBuddy(self.recent)

        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(12)
        column.addWidget(self.open_button)
        column.addWidget(self.new_button)
        column.addWidget(self.demo_button)
        column.addSpacing(12)
        column.addWidget(recent_label)
        column.addWidget(self.recent, 1)
        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(640)
        box.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(box, 1, Qt.AlignmentFlag.AlignHCenter)

    def set_recent(self, paths: list[Path]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{path.name}  —  {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.recent.addItem(item)
