"""The utvecklare's checklists: what is installed (built-in and the organisation's folder) and
where from; add a checklist written in Excel (checked first: its sheet Frågor is shown with every
problem marked on its cell), export one to Excel, remove one of the organisation's, choose the
folder. The work is done by services.checklists and services.checklist_authoring."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.errors import UserError
from aktgranskning.gui.background import BackgroundOperation, ProgressPanel, run_in_background
from aktgranskning.services.checklist_authoring import (
    COLUMNS,
    CheckResult,
    check_checklist_workbook,
    export_checklist_workbook,
    install_checklist_workbook,
)
from aktgranskning.services.checklists import (
    ChecklistInventory,
    checklist_inventory,
    remove_checklist,
    save_organisation_folder,
)

PROBLEM_FILL = QColor("#F8D0CC")
WARNING_FILL = QColor("#FCEFC7")
PROBLEM_TEXT = QColor("#9C1C10")
WORKBOOK_FILTER = "Excel-arbetsbok (*.xlsx)"
INSTALLED_HEADERS = ("Titel", "Id", "Version", "Frågor", "Källa")


class ChecklistsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Checklistor")
        self.inventory: ChecklistInventory | None = None
        self.checked: CheckResult | None = None
        self.operation: BackgroundOperation | None = None  # type: ignore[type-arg]
        self._build()
        self.refresh()

    def sizeHint(self) -> QSize:
        return QSize(1100, 760)

    # --- layout ---
    def _build(self) -> None:
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_folder_button = QPushButton("Välj mapp…")
        self.choose_folder_button.clicked.connect(self._choose_folder)
        self.default_folder_button = QPushButton("Standardmappen")
        self.default_folder_button.clicked.connect(lambda: self.set_folder(None))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.choose_folder_button)
        folder_row.addWidget(self.default_folder_button)

        self.installed = QTableWidget(0, len(INSTALLED_HEADERS))
        self.installed.setHorizontalHeaderLabels(INSTALLED_HEADERS)
        self.installed.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.installed.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.installed.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.installed.verticalHeader().hide()
        self.installed.verticalHeader().setDefaultSectionSize(24)
        header = self.installed.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.installed.itemSelectionChanged.connect(self._selection_changed)
        self.set_problems = QLabel()
        self.set_problems.setWordWrap(True)
        self.set_problems.setStyleSheet(f"color: {PROBLEM_TEXT.name()};")

        self.add_button = QPushButton("Lägg till från Excel…")
        self.add_button.clicked.connect(self._choose_workbook)
        self.export_button = QPushButton("Exportera till Excel…")
        self.export_button.clicked.connect(self._choose_export_target)
        self.remove_button = QPushButton("Ta bort")
        self.remove_button.clicked.connect(lambda: self.remove_selected(confirm=True))
        actions = QHBoxLayout()
        for button in (self.add_button, self.export_button, self.remove_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.check_title = QLabel("Välj ”Lägg till från Excel…” för att kontrollera en arbetsbok med bladen "
                                  "Checklista och Frågor. Exportera en installerad checklista för att få en mall.")
        self.check_title.setWordWrap(True)
        self.sheet = QTableWidget(0, len(COLUMNS))
        self.sheet.setHorizontalHeaderLabels(list(COLUMNS))
        self.sheet.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sheet.setWordWrap(True)
        self.sheet.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((150, 130, 270, 190, 130, 80, 160, 90)):
            self.sheet.setColumnWidth(column, width)
        self.findings = QListWidget()
        self.findings.setWordWrap(True)
        self.install_button = QPushButton("Installera")
        self.install_button.setEnabled(False)
        self.install_button.clicked.connect(self.install_checked)
        self.progress = ProgressPanel("checklistor", self)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(_heading("Kontroll av en checklista i Excel (bladet Frågor, radnummer som i Excel)"))
        lower_layout.addWidget(self.check_title)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.sheet)
        split.addWidget(self.findings)
        split.setSizes([300, 160])
        lower_layout.addWidget(split, 1)
        install_row = QHBoxLayout()
        install_row.addWidget(self.progress)
        install_row.addStretch(1)
        install_row.addWidget(self.install_button)
        close = QPushButton("Stäng")
        close.clicked.connect(self.accept)
        install_row.addWidget(close)
        lower_layout.addLayout(install_row)

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(_heading("Installerade checklistor"))
        upper_layout.addLayout(folder_row)
        upper_layout.addWidget(self.installed, 1)
        upper_layout.addWidget(self.set_problems)
        upper_layout.addLayout(actions)
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(upper)
        outer.addWidget(lower)
        outer.setSizes([230, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(outer)

    # --- the installed checklists ---
    def refresh(self) -> None:
        try:
            self.inventory = checklist_inventory()
        except UserError as error:  # the built-in folder itself is missing or broken
            self.inventory = None
            self.set_problems.setText(error.message)
            self.installed.setRowCount(0)
            return
        inventory = self.inventory
        self.folder_label.setText(f"Organisationens checklistmapp: {inventory.organisation_folder} "
                                  f"({inventory.folder_source})")
        fixed = inventory.folder_source.startswith("miljövariabeln")
        for button in (self.choose_folder_button, self.default_folder_button):
            button.setEnabled(not fixed)
            button.setToolTip("Mappen bestäms av miljövariabeln AKTGRANSKNING_CHECKLISTOR." if fixed else "")
        rows = [(e, "") for e in inventory.installed.checklists]
        rows += [(old, f" – ersatt av version {new.checklist.version}") for old, new in inventory.installed.replaced]
        self.installed.setRowCount(len(rows))
        for row, (entry, replaced) in enumerate(rows):
            c = entry.checklist
            values = (c.title, c.id, c.version + replaced, str(len(c.question_ids())), entry.origin)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, c.id if not replaced else None)
                if replaced:
                    item.setForeground(QBrush(QColor("#777777")))
                self.installed.setItem(row, column, item)
        self.set_problems.setText("\n".join(f"Fel: {p}" for p in inventory.problems))
        self.set_problems.setVisible(bool(inventory.problems))
        self._selection_changed()

    def selected_id(self) -> str | None:
        items = self.installed.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def select(self, checklist_id: str) -> None:
        for row in range(self.installed.rowCount()):
            item = self.installed.item(row, 1)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == checklist_id:
                self.installed.selectRow(row)

    def _selection_changed(self) -> None:
        chosen = self.selected_id()
        entry = self.inventory.entry(chosen) if self.inventory and chosen else None
        self.export_button.setEnabled(entry is not None)
        self.remove_button.setEnabled(entry is not None and not entry.built_in)
        built_in = entry is not None and entry.built_in
        self.remove_button.setToolTip("De inbyggda checklistorna kan inte tas bort." if built_in else "")

    def _choose_folder(self) -> None:
        start = str(self.inventory.organisation_folder) if self.inventory else ""
        folder = QFileDialog.getExistingDirectory(self, "Välj organisationens checklistmapp", start)
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path | None) -> None:
        save_organisation_folder(folder)
        self.refresh()

    def remove_selected(self, confirm: bool) -> None:
        chosen = self.selected_id()
        if chosen is None or self.inventory is None:
            return
        if confirm and QMessageBox.question(
                self, "Ta bort checklistan", f"Ta bort checklistan {chosen} ur organisationens mapp? "
                "Granskningsfiler som redan använder den behåller sina frågor.") != QMessageBox.StandardButton.Yes:
            return
        try:
            removed = remove_checklist(chosen, self.inventory)
        except UserError as error:
            QMessageBox.warning(self, "Checklistan togs inte bort", error.message)
            return
        self.check_title.setText(f"Checklistan {chosen} är borttagen ({removed}).")
        self.refresh()

    def _choose_export_target(self) -> None:
        chosen = self.selected_id()
        if chosen is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Exportera checklistan", f"{chosen}.xlsx", WORKBOOK_FILTER)
        if name:
            self.export_selected(Path(name))

    def export_selected(self, target: Path) -> BackgroundOperation | None:  # type: ignore[type-arg]
        chosen = self.selected_id()
        inventory = self.inventory
        if chosen is None or inventory is None:
            return None
        self.operation = run_in_background(
            lambda _p, _c: export_checklist_workbook(chosen, target, inventory),
            on_success=lambda path: self.check_title.setText(f"Checklistan {chosen} är exporterad till {path}."),
            owner=self, controls=[self.export_button, self.add_button], progress=self.progress,
            text=f"Skriver {target.name} …", error_title="Checklistan kunde inte exporteras", cancellable=False)
        return self.operation

    # --- checking and installing a workbook ---
    def _choose_workbook(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Välj checklistans Excelfil", "", WORKBOOK_FILTER)
        if name:
            self.check_file(Path(name))

    def check_file(self, path: Path) -> BackgroundOperation | None:  # type: ignore[type-arg]
        inventory = self.inventory
        if inventory is None:
            return None
        self.install_button.setEnabled(False)
        self.operation = run_in_background(
            lambda _p, _c: check_checklist_workbook(path, inventory), on_success=self.show_check,
            owner=self, controls=[self.add_button], progress=self.progress, text=f"Kontrollerar {path.name} …",
            error_title="Arbetsboken kunde inte läsas", on_error=lambda error: self._check_failed(path, error))
        return self.operation

    def _check_failed(self, path: Path, error: UserError) -> None:
        self.checked = None
        self.sheet.setRowCount(0)
        self.findings.clear()
        self.check_title.setText(f"{path.name} kunde inte läsas.")
        self._finding(error.message, PROBLEM_FILL)

    def show_check(self, result: CheckResult) -> None:
        self.checked = result
        verdict = result.lines()[0].split(": ", 1)[1]
        if result.problems:
            verdict = f"{len(result.problems)} fel att rätta i Excel, sedan kontrollera igen."
        elif not result.same_as_installed:
            verdict += " Tryck Installera för att lägga till den."
        self.check_title.setText(f"Kontroll av {result.path.name}: {verdict}")
        self._show_sheet(result)
        self.findings.clear()
        for problem in result.problems:
            self._finding(f"Fel: {problem}", PROBLEM_FILL)
        for warning in result.warnings:
            self._finding(f"Varning: {warning}", WARNING_FILL)
        for note in result.notes:
            self._finding(note, None)
        self.install_button.setEnabled(result.ok and not result.same_as_installed)

    def _finding(self, text: str, fill: QColor | None) -> None:
        item = QListWidgetItem(text)
        if fill is not None:
            item.setBackground(QBrush(fill))
        self.findings.addItem(item)

    def _show_sheet(self, result: CheckResult) -> None:
        marks: dict[tuple[int | None, str], list[str]] = {}
        for problem in result.problems:
            marks.setdefault((problem.row, problem.column), []).append(problem.text)
        rows = result.rows
        self.sheet.setRowCount(len(rows))
        self.sheet.setVerticalHeaderLabels([str(row.row) for row in rows])  # Excel's own row numbers
        for index, row in enumerate(rows):
            for column, name in enumerate(COLUMNS):
                cell = row.cells.get(name)
                item = QTableWidgetItem(cell.text if cell else "")
                found = marks.get((row.row, cell.column if cell else name)) or marks.get((row.row, name))
                if found:
                    item.setBackground(QBrush(PROBLEM_FILL))
                    item.setToolTip("\n".join(found))
                self.sheet.setItem(index, column, item)
        self.sheet.resizeRowsToContents()

    def install_checked(self) -> BackgroundOperation | None:  # type: ignore[type-arg]
        result, inventory = self.checked, self.inventory
        if result is None or not result.ok or inventory is None:
            return None
        path = result.path
        self.operation = run_in_background(
            lambda _p, _c: install_checklist_workbook(path, inventory), on_success=self._installed,
            owner=self, controls=[self.install_button, self.add_button], progress=self.progress,
            text=f"Installerar {path.name} …", error_title="Checklistan installerades inte", cancellable=False)
        return self.operation

    def _installed(self, outcome: tuple[CheckResult, object]) -> None:
        result, installed = outcome
        assert result.checklist is not None
        self.check_title.setText(installed.text(result.checklist))  # type: ignore[attr-defined]
        self.findings.clear()
        self._finding(installed.text(result.checklist), None)  # type: ignore[attr-defined]
        for warning in result.warnings:
            self._finding(f"Varning: {warning}", WARNING_FILL)
        self.install_button.setEnabled(False)
        self.refresh()
        self.select(result.checklist.id)


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label
