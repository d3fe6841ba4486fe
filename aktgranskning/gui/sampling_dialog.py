"""The urval as a guided dialog: choose the export, set the options, preview the spread, save."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.errors import UserError
from aktgranskning.domain.labels import gender_label
from aktgranskning.domain.people import DEFAULT_AGE_BANDS, age_group_order
from aktgranskning.gui.background import (
    BackgroundOperation,
    Progress,
    ProgressPanel,
    discard_in_background,
    run_in_background,
)
from aktgranskning.gui.dialogs import file_chooser_row
from aktgranskning.gui.screen_fit import fit_to_available_screen, remembered_place
from aktgranskning.services.sampling import SamplingOptions, SamplingRound
from aktgranskning.services.settings import Settings
from aktgranskning.services.workspace import Workspace

WINDOW_NAME = "urval"
PREFERRED_SIZE = QSize(1000, 640)


class SamplingDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.settings = settings
        self.sampling: SamplingRound | None = None
        self.setWindowTitle("Dra urval ur ärendelista")

        self.source = QLineEdit()
        source_row = file_chooser_row(self, self.source, "Ärendelista", "Ärendelistor (*.xlsx *.csv)")
        self.per_unit = self._spin(1, 500, 20, "Akter per enhet")
        self.reserves = self._spin(0, 100, 5, "Reserver per enhet")
        self.seed = QLineEdit()
        self.seed.setPlaceholderText("tomt = slumpas och sparas i urvalet")
        self.seed.setAccessibleName("Slumpfrö")
        self.age_bands = QLineEdit(DEFAULT_AGE_BANDS)
        self.age_bands.setAccessibleName("Åldersgrupper")
        self.case_type = QLineEdit()
        self.case_type.setPlaceholderText("alla ärendetyper")
        self.case_type.setAccessibleName("Ärendetyp")
        form = QFormLayout()
        source_label = QLabel("Ä&rendelista (xlsx/csv):")
        source_label.setBuddy(self.source)  # the field is in a row with its button: name the buddy
        form.addRow(source_label, source_row)
        form.addRow("Akter &per enhet:", self.per_unit)
        form.addRow("&Reserver per enhet:", self.reserves)
        form.addRow("Å&ldersgrupper:", self.age_bands)
        form.addRow("Ärende&typ:", self.case_type)
        form.addRow("&Slumpfrö:", self.seed)

        self.preview_button = QPushButton("Förhandsgranska fördelningen")
        self.preview_button.clicked.connect(self.preview)
        self.units = QTableWidget(0, 5)
        self.units.setHorizontalHeaderLabels(["Enhet", "Ärenden", "Urval", "Reserver", "Olika handläggare"])
        self.units.setAccessibleName("Urval per enhet")
        self.units.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.units.currentCellChanged.connect(lambda row, *_: self._show_strata(row))
        self.strata = QTableWidget(0, 4)
        self.strata.setHorizontalHeaderLabels(["Kön", "Åldersgrupp", "I populationen", "I urvalet"])
        self.strata.setAccessibleName("Fördelning per stratum")
        self.strata.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        tables = QSplitter()
        tables.addWidget(self.units)
        tables.addWidget(self.strata)
        self.report = QLabel()
        self.report.setWordWrap(True)
        self.progress = ProgressPanel("Urvalet")
        self.operation: BackgroundOperation | None = None  # the preview or saving under way, if any

        self.make_files = QCheckBox("Skapa också en granskningsfil per enhet")
        self.administration = QLineEdit()
        self.administration.setPlaceholderText("Förvaltning")
        self.administration.setAccessibleName("Förvaltning")
        self.year = self._spin(2000, 2100, date.today().year, "År")
        files_row = QHBoxLayout()
        files_row.addWidget(self.make_files)
        files_row.addWidget(self.administration, 1)
        files_row.addWidget(self.year)
        self.save_button = QPushButton("Spara urvalet…")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        close = QPushButton("Stäng")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(tables, 1)
        layout.addWidget(self.report)
        layout.addWidget(self.progress)
        layout.addLayout(files_row)
        layout.addLayout(buttons)
        fit_to_available_screen(self, PREFERRED_SIZE, settings.window_place(WINDOW_NAME) if settings else None)

    def done(self, result: int) -> None:
        if self.operation is not None:
            self.operation.cancel()  # a closed dialog has no use for the result
        self._remember_place()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_place()
        super().closeEvent(event)

    def _remember_place(self) -> None:
        if self.settings is not None and self.isVisible():
            self.settings.set_window_place(WINDOW_NAME, remembered_place(self))

    def _spin(self, low: int, high: int, value: int, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setAccessibleName(name)
        return spin

    def options(self) -> SamplingOptions:
        seed_text = self.seed.text().strip()
        if seed_text and not seed_text.isdigit():
            raise UserError("Slumpfröet ska vara ett heltal.")
        return SamplingOptions(
            per_unit=self.per_unit.value(),
            reserves=self.reserves.value(),
            seed=int(seed_text) if seed_text else None,
            age_bands=self.age_bands.text().strip() or DEFAULT_AGE_BANDS,
            case_type=self.case_type.text().strip() or None,
        )

    @property
    def busy(self) -> bool:
        return self.operation is not None and self.operation.running

    def preview(self) -> BackgroundOperation | None:
        """Read the case list and draw the sample off the GUI thread; the spread is shown when
        it is drawn. None when nothing was started (no list, a seed that is no number)."""
        source = self.source.text().strip()
        if not source:
            QMessageBox.information(self, "Ärendelista saknas", "Välj först ärendelistan från verksamhetssystemet.")
            return None
        try:
            options = self.options()
        except UserError as error:
            QMessageBox.warning(self, "Urvalet kunde inte dras", error.message)
            return None
        workspace = self.workspace
        self.operation = run_in_background(
            lambda _progress, _cancelled: workspace.draw_sample(Path(source), options),
            on_success=self._drawn, owner=self, controls=[self.preview_button, self.save_button],
            progress=self.progress, text=f"Läser {Path(source).name} och drar urvalet …",
            error_title="Urvalet kunde inte dras",
        )
        return self.operation

    def _drawn(self, sampling: SamplingRound) -> None:
        if self.sampling is not None:
            discard_in_background(self.sampling)  # freeing 100 000 cases here would stall the window
        self.sampling = sampling
        self.seed.setText(str(sampling.seed))  # the drawn seed is shown, so saving keeps this draw
        self._show_units()
        self.save_button.setEnabled(True)

    def _show_units(self) -> None:
        assert self.sampling is not None
        # Emptied first: replacing the items of a ResizeToContents table re-measures every column
        # at each item (0.2 s for 50 enheter), filling empty rows does not.
        self.units.setRowCount(0)
        self.units.setRowCount(len(self.sampling.units))
        for row, unit in enumerate(self.sampling.units):
            result = unit.result
            values = (unit.unit, sum(result.population_per_stratum.values()), len(result.chosen),
                      len(result.reserves), result.distinct_caseworkers)
            for column, value in enumerate(values):
                self.units.setItem(row, column, QTableWidgetItem(str(value)))
        self.units.resizeColumnsToContents()
        self.units.setCurrentCell(0, 0)
        self._show_strata(0)
        source = self.sampling.source
        notes = [f"{len(source.cases)} ärenden lästes; {self.sampling.filtered_out} föll bort i filtren. "
                 f"Slumpfrö {self.sampling.seed}."]
        if source.derived_from_personnummer:
            notes.append("Kön och ålder räknades fram ur personnummer i minnet; personnumren sparas inte.")
        if source.age_basis is not None:
            notes.append(source.age_basis.text())
        if source.ignored_columns:
            notes.append("Lästes inte (namn): " + ", ".join(source.ignored_columns) + ".")
        if source.unknown_columns:
            notes.append("Okända kolumner som inte används: " + ", ".join(source.unknown_columns) + ".")
        notes += self.sampling.warnings
        self.report.setText("\n".join(notes))

    def _show_strata(self, row: int) -> None:
        if self.sampling is None or not 0 <= row < len(self.sampling.units):
            return
        result = self.sampling.units[row].result
        strata = sorted(result.population_per_stratum, key=lambda s: (s[0], age_group_order(s[1])))
        self.strata.setRowCount(0)  # see _show_units
        self.strata.setRowCount(len(strata))
        for index, stratum in enumerate(strata):
            values = (gender_label(stratum[0]), stratum[1], result.population_per_stratum[stratum],
                      result.allocation.get(stratum, 0))
            for column, value in enumerate(values):
                self.strata.setItem(index, column, QTableWidgetItem(str(value)))
        self.strata.resizeColumnsToContents()

    def save(self) -> BackgroundOperation | None:
        """Ask where, then write the sample workbook (and the granskningsfiler) off the GUI thread."""
        assert self.sampling is not None
        target, _ = QFileDialog.getSaveFileName(self, "Spara urvalet", "Urval.xlsx", "Excelfiler (*.xlsx)")
        if not target:
            return None
        folder = ""
        administration = self.administration.text().strip()
        if self.make_files.isChecked():
            if not administration:
                QMessageBox.warning(self, "Urvalet kunde inte sparas",
                                    "Skriv förvaltningens namn för granskningsfilerna.")
                return None
            folder = QFileDialog.getExistingDirectory(self, "Mapp för granskningsfilerna")
        sampling, workspace, year = self.sampling, self.workspace, self.year.value()

        def write(_progress: Progress, _cancelled: object) -> str:
            workspace.save_sample(sampling, Path(target))
            message = f"Urvalet är sparat i {target}."
            if folder:
                written = workspace.create_review_files(sampling, Path(folder), administration, year)
                message += f"\n{len(written)} granskningsfiler skapades i {folder}."
            return message

        # Writing is not stopped halfway: every file appears whole or not at all.
        def saved(message: str) -> None:
            QMessageBox.information(self, "Urvalet är sparat", message)

        self.operation = run_in_background(
            write, on_success=saved,
            owner=self, controls=[self.preview_button, self.save_button], progress=self.progress,
            text="Sparar urvalet …", error_title="Urvalet kunde inte sparas", cancellable=False,
        )
        return self.operation
