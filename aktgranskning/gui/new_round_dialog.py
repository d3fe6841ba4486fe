"""A new round (omgång) for the utvecklare: where the enheter's files are, optionally the urval
workbook that names the enheter and their akter and last year's round, and where the round file
is to be saved. The files are read off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.round import Round
from aktgranskning.gui.background import BackgroundOperation, Progress, ProgressPanel, run_in_background
from aktgranskning.gui.screen_fit import fit_to_available_screen
from aktgranskning.services.round import create_round, round_notices

ROUND_SUFFIX = ".omgang"


class NewRoundDialog(QDialog):
    created = Signal(object)  # the path of the round file written

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Ny omgång")
        self.operation: BackgroundOperation | None = None
        self.target = QLineEdit()
        self.folder = QLineEdit()
        self.urval = QLineEdit()
        self.previous = QLineEdit()
        self.administration = QLineEdit()
        self.year = QLineEdit()
        self.year.setMaxLength(4)
        for field, name in ((self.target, "Omgångsfil att skapa"), (self.folder, "Mapp med enheternas filer"),
                            (self.urval, "Urvalsbok (valfri)"), (self.previous, "Förra årets omgång (valfri)"),
                            (self.administration, "Förvaltning (valfri)"), (self.year, "År (valfritt)")):
            field.setAccessibleName(name)
        self.administration.setPlaceholderText("tas annars ur enheternas filer")
        form = QFormLayout()
        form.addRow("&Mapp med enheternas filer:", self._with_button(self.folder, self._choose_folder))
        form.addRow("&Urvalsbok (valfri):", self._with_button(self.urval, self._choose_urval))
        form.addRow("&Förra årets omgång (valfri):", self._with_button(self.previous, self._choose_previous))
        form.addRow("För&valtning (valfri):", self.administration)
        form.addRow("Å&r (valfritt):", self.year)
        form.addRow("&Spara omgången som:", self._with_button(self.target, self._choose_target))
        note = QLabel("Enheterna och antalet akter tas ur urvalsboken, eller utan den ur enheternas filer i mappen. "
                      "Förra årets omgång ger färggränserna och de gemensamma åtgärderna att följa upp.")
        note.setWordWrap(True)
        self.progress = ProgressPanel("Ny omgång")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Skapa omgången")
        self.buttons.accepted.connect(self.create_round_file)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        fit_to_available_screen(self, QSize(720, 360))

    def _with_button(self, field: QLineEdit, choose) -> QWidget:  # type: ignore[no-untyped-def]
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 1)
        button = QPushButton("Bläddra…")
        button.setAccessibleName(f"Bläddra: {field.accessibleName()}")
        button.clicked.connect(choose)
        row.addWidget(button)
        return box

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Mappen med enheternas granskningsfiler eller Excelfiler")
        if folder:
            self.folder.setText(folder)
            if not self.target.text():
                self.target.setText(str(Path(folder).parent / f"Omgång{ROUND_SUFFIX}"))

    def _choose_urval(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Urvalsboken", "", "Excelfil (*.xlsx)")
        if path:
            self.urval.setText(path)

    def _choose_previous(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Förra årets omgång", "", f"Omgång (*{ROUND_SUFFIX})")
        if path:
            self.previous.setText(path)

    def _choose_target(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Spara omgången som", self.target.text(),
                                              f"Omgång (*{ROUND_SUFFIX})")
        if path:
            self.target.setText(path if path.lower().endswith(ROUND_SUFFIX) else path + ROUND_SUFFIX)

    def create_round_file(self) -> BackgroundOperation | None:
        if not self.folder.text().strip() or not self.target.text().strip():
            QMessageBox.information(self, "Ny omgång", "Välj mappen med enheternas filer och var omgången ska sparas.")
            return None
        target = Path(self.target.text().strip())
        folder = Path(self.folder.text().strip())
        urval = Path(self.urval.text().strip()) if self.urval.text().strip() else None
        previous = Path(self.previous.text().strip()) if self.previous.text().strip() else None
        administration = self.administration.text().strip() or None
        year_text = self.year.text().strip()
        if year_text and not (year_text.isdigit() and len(year_text) == 4):
            QMessageBox.information(self, "Ny omgång", f"”{year_text}” är inget år. Skriv året med fyra siffror.")
            return None
        year = int(year_text) if year_text else None

        def make(_progress: Progress, _cancelled: object) -> tuple[Round, list[str]]:
            round_ = create_round(target, folder=folder, urval=urval, administration=administration, year=year,
                                  previous=previous)
            return round_, round_notices(round_)

        def made(result: tuple[Round, list[str]]) -> None:
            _round, notices = result
            if notices:
                QMessageBox.information(self, "Omgången är skapad", "\n\n".join(notices))
            self.created.emit(target)
            self.accept()

        # Writing the round file cannot be stopped halfway; it appears whole or not at all.
        self.operation = run_in_background(
            make, on_success=made, owner=self, controls=[self.buttons], progress=self.progress,
            text="Läser enheternas filer och skapar omgången …", error_title="Omgången kunde inte skapas",
            cancellable=False,
        )
        return self.operation


def ask_round_file(parent: QWidget) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Öppna omgång", "", f"Omgång (*{ROUND_SUFFIX})")
    return Path(path) if path else None

