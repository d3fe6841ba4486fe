"""Small dialogs: dropout, history of a case, reviewer name, new file from a sample list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.case import Case, DropoutReason
from aktgranskning.domain.review import audit_value_text
from aktgranskning.domain.review_file import AuditEntry


class DropoutDialog(QDialog):
    """Reason, explanation and whether the next reserve replaces the case. It does not close while
    the explanation that "Annat" needs is missing: the field is marked and the reason shown beside it."""

    def __init__(self, case: Case, next_reserve: Case | None, parent: QWidget | None = None,
                 type_titles: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Bortfall – akt {case.sequence}")
        titles = type_titles or {}
        self.reason = QComboBox()
        for reason in DropoutReason:
            self.reason.addItem(reason.label, reason)
        self.reason.setAccessibleName("Orsak till bortfall")
        self.text = QLineEdit()
        self.text.setPlaceholderText("Förklaring (krävs vid ”Annat”; skriv inga namn)")
        self.text.setAccessibleName("Förklaring till bortfallet")
        self.text.textChanged.connect(self._clear_problem)
        self.reason.currentIndexChanged.connect(self._clear_problem)
        self.problem = QLabel()
        self.problem.setObjectName("questionNote")
        self.problem.setProperty("error", True)
        self.problem.setStyleSheet("color: #9b1c1c; font-weight: 600;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.use_reserve = QCheckBox()
        if next_reserve is not None:
            text = f"Ersätt med nästa reserv (nr {next_reserve.sequence}, {next_reserve.case_number})"
            if next_reserve.case_type != case.case_type:
                reserve_type = titles.get(next_reserve.case_type, next_reserve.case_type).lower()
                own_type = titles.get(case.case_type, case.case_type).lower()
                text += f" – den är {reserve_type}; det finns ingen oanvänd reserv av typen {own_type}"
            self.use_reserve.setText(text)
            self.use_reserve.setChecked(True)
        else:
            self.use_reserve.setText("Det finns ingen oanvänd reserv")
            self.use_reserve.setEnabled(False)
        explanation = QVBoxLayout()
        explanation.setSpacing(2)
        explanation.addWidget(self.text)
        explanation.addWidget(self.problem)
        form = QFormLayout()
        form.addRow("&Orsak:", self.reason)
        explanation_label = QLabel("&Förklaring:")
        explanation_label.setBuddy(self.text)
        form.addRow(explanation_label, explanation)
        form.addRow("", self.use_reserve)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Markera som bortfall")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Bortfallet och en eventuell reserv syns båda i ärendelistan och i resultatet."))
        layout.addLayout(form)
        layout.addWidget(buttons)

    def accept(self) -> None:
        reason, text, _ = self.chosen()
        if reason is DropoutReason.OTHER and not text:
            self.problem.setText("Skriv en förklaring – den krävs när orsaken är ”Annat”.")
            self.problem.show()
            self.text.setStyleSheet("border: 2px solid #9b1c1c;")
            self.text.setAccessibleDescription(self.problem.text())
            self.text.setFocus()
            self.adjustSize()
            return
        super().accept()

    def _clear_problem(self) -> None:
        if self.problem.isVisible():
            self.problem.hide()
            self.text.setStyleSheet("")
            self.text.setAccessibleDescription("")

    def chosen(self) -> tuple[DropoutReason, str, bool]:
        return DropoutReason(self.reason.currentData()), self.text.text().strip(), self.use_reserve.isChecked()


_FIELD_LABELS = {"svar": "Svar", "kommentar": "Kommentar", "status": "Status", "reserv": "Reserv",
                 "bortfall": "Bortfall", "konflikt": "Konflikt avgjord"}


class HistoryDialog(QDialog):
    def __init__(self, title: str, entries: list[AuditEntry], question_texts: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Historik – {title}")
        self.resize(820, 420)
        self.table = table = QTableWidget(len(entries), 5)
        table.setHorizontalHeaderLabels(["När", "Vem", "Vad", "Fråga", "Från → till"])
        for row, entry in enumerate(reversed(entries)):
            values = (
                entry.at.replace("T", " ")[:19],
                entry.who,
                _FIELD_LABELS.get(entry.field, entry.field),
                question_texts.get(entry.question_id or "", ""),
                f"{audit_value_text(entry.field, entry.old_value)} → {audit_value_text(entry.field, entry.new_value)}",
            )
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setAccessibleName("Ändringar i akten")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)


class ReviewerDialog(QDialog):
    def __init__(self, current: str, default: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Granskarens namn")
        self.name = QLineEdit(current)
        self.name.setPlaceholderText(default)
        self.name.setAccessibleName("Granskarens namn eller initialer")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            "Namnet eller initialerna sparas med varje svar du ger och med analysens texter och visas i "
            "ärendelistan.\nDatorns inloggningsnamn används aldrig. I rapporten står namnet bara om du väljer "
            "det under Inställningar."
        ))
        layout.addWidget(self.name)
        layout.addWidget(buttons)

    def chosen(self) -> str:
        return self.name.text().strip()


class NewFileDialog(QDialog):
    """Create a granskningsfil from a prepared sample list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Ny granskningsfil från urvalslista")
        self.sample_list = QLineEdit()
        list_row = file_chooser_row(self, self.sample_list, "Urvalslista", "Urvalslistor (*.xlsx *.csv)")
        self.administration = QLineEdit()
        self.area = QLineEdit()
        self.unit = QLineEdit()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        for widget, name in ((self.administration, "Förvaltning"), (self.area, "Område"), (self.unit, "Enhet"),
                             (self.year, "År")):
            widget.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("&Urvalslista (xlsx/csv):", list_row)
        form.addRow("&Förvaltning:", self.administration)
        form.addRow("&Område:", self.area)
        form.addRow("&Enhet:", self.unit)
        form.addRow("Å&r:", self.year)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Skapa…")
        buttons.accepted.connect(self._accept_if_complete)
        buttons.rejected.connect(self.reject)
        self.problem = QLabel()
        self.problem.setObjectName("questionNote")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def _accept_if_complete(self) -> None:
        missing = [name for widget, name in ((self.sample_list, "urvalslista"), (self.administration, "förvaltning"),
                                             (self.area, "område"), (self.unit, "enhet")) if not widget.text().strip()]
        if missing:
            self.problem.setText("Fyll i: " + ", ".join(missing) + ".")
            return
        self.accept()

    def values(self) -> tuple[Path, str, str, str, int]:
        return (Path(self.sample_list.text().strip()), self.administration.text().strip(), self.area.text().strip(),
                self.unit.text().strip(), self.year.value())


def file_chooser_row(parent: QWidget, edit: QLineEdit, name: str, file_filter: str) -> QHBoxLayout:
    """A path field with a "Välj…" button that fills it from an open-file dialog."""
    edit.setAccessibleName(name)
    browse = QPushButton("Välj…")
    browse.setAccessibleName(f"Välj {name.lower()}")

    def choose() -> None:
        path, _ = QFileDialog.getOpenFileName(parent, f"Välj {name.lower()}", "", f"{file_filter};;Alla filer (*)")
        if path:
            edit.setText(path)

    browse.clicked.connect(choose)
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row
