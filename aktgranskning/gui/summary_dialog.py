"""The utvecklare's summary: gather every enhet's file (drop a whole folder), or fetch a year's
results from the förvaltning's server; see what was read and every warning, and the heatmap of
question × level; save workbook, PDF and JSON."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.errors import UserError
from aktgranskning.domain.level_counts import compare_years, comparison_text
from aktgranskning.domain.summary import KIND_LABELS, DuplicateUnit, Summary, cell_text, own_limit_disagreements
from aktgranskning.domain.thresholds import Level, fill_colour, with_own_limit
from aktgranskning.gui.background import (
    BackgroundOperation,
    Job,
    Progress,
    ProgressPanel,
    discard_in_background,
    run_in_background,
)
from aktgranskning.paths import user_config_dir
from aktgranskning.services import server_login
from aktgranskning.services.exported import Exported
from aktgranskning.services.settings import SERVER_URL, Settings
from aktgranskning.services.summary import ReadFiles, export_summary, input_files, merge_read, read_files

HEAT = {level: fill_colour(level) for level in Level}
INPUT_FILTER = "Enhetsfiler (*.xlsx *.granskning);;Alla filer (*)"
PREFERRED_SIZE = QSize(1200, 760)
SCREEN_SHARE = 0.92  # of the available screen area, at most


class SummaryDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sammanställ enheter")
        owned = getattr(parent, "settings", None)
        self.settings = settings or (owned if isinstance(owned, Settings) else
                                     Settings(user_config_dir() / "installningar.json"))
        self.setAcceptDrops(True)
        self._fitted = False
        self.summary: Summary | None = None
        self.earlier: Summary | None = None
        self.earlier_folder: Path | None = None
        self.comparison_line = ""  # the log's line on the earlier year, from the last merge
        self.replacements: list[Path] = []
        self.last_notices: list[str] = []

        self.files = QListWidget()
        self.files.setAccessibleName("Filer att sammanställa")
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        add_files = QPushButton("Lägg till &filer…")
        add_files.clicked.connect(self.choose_files)
        add_folder = QPushButton("Lägg till &mapp…")
        add_folder.clicked.connect(self.choose_folder)
        remove = QPushButton("Ta &bort markerade")
        remove.clicked.connect(self.remove_selected)
        earlier = QPushButton("&Jämför med tidigare år…")
        earlier.clicked.connect(self.choose_earlier)
        self.server_button = QPushButton("Hämta från se&rver…")
        self.server_button.setToolTip("Sammanställ ett års granskningar direkt från förvaltningens server "
                                      "(utvecklarens behörighet behövs)")
        self.server_button.clicked.connect(self.choose_server)
        self.earlier_label = QLabel("Ingen jämförelse.")
        self.earlier_label.setWordWrap(True)
        self.completeness = QLabel()
        self.completeness.setWordWrap(True)
        self.completeness.setAccessibleName("Hur många akter som är granskade")
        self.completeness.hide()
        self.run_button = QPushButton("&Sammanställ")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.progress = ProgressPanel("Inläsning")
        self.operation: BackgroundOperation | None = None  # the reading or merging under way, if any
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setAccessibleName("Inlästa filer och varningar")
        # A view over a model, not a table of items: 300 enheter × 36 questions are 11 000 cells,
        # and making an item for each held the window for 0.2 s; the model makes only what is shown.
        self.heatmap = QTableView()
        self.heatmap.setAccessibleName("Resultat per fråga och nivå")
        self.heatmap.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.save_buttons = []
        for text, slot in (("Spara &Excel…", self.save_workbook), ("Spara &pdf…", self.save_pdf),
                           ("Spara &JSON…", self.save_json)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            button.setEnabled(False)
            self.save_buttons.append(button)
        close = QPushButton("Stäng")
        close.clicked.connect(self.accept)

        hint = QLabel("Dra enheternas Excelfiler eller granskningsfiler – eller en hel mapp – hit.")
        hint.setWordWrap(True)
        self._file_controls: list[QWidget] = [hint, self.files, add_files, add_folder, remove, earlier,
                                              self.earlier_label, self.run_button, self.server_button]
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(hint)
        left_layout.addWidget(self.files, 1)
        for button in (add_files, add_folder, remove, earlier):
            left_layout.addWidget(button)
        left_layout.addWidget(self.earlier_label)
        left_layout.addWidget(self.progress)
        left_layout.addWidget(QLabel("Inläst och varningar:"))
        left_layout.addWidget(self.log, 1)
        # On a small screen the file column scrolls instead of pushing controls off the screen.
        left_scroll = QScrollArea()
        left_scroll.setWidget(left)
        left_scroll.setWidgetResizable(True)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_scroll.setMinimumWidth(220)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.completeness)
        right_layout.addWidget(self.heatmap, 1)
        splitter = QSplitter()
        splitter.addWidget(left_scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 900])
        self.splitter = splitter
        buttons = QHBoxLayout()
        # At the bottom, never in the file column: that column scrolls on a small screen at 150 %,
        # where it would hide the button that starts the work.
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.server_button)
        buttons.addStretch(1)
        for button in (*self.save_buttons, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    # --- size ------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        if not self._fitted:
            self._fitted = True
            self.fit_to_screen()
        super().showEvent(event)

    def fit_to_screen(self) -> None:
        """The preferred size, but never more than the screen's available area (taskbar aside),
        centred on it."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar and borders
        width = min(PREFERRED_SIZE.width(), int(available.width() * SCREEN_SHARE) - frame.width())
        height = min(PREFERRED_SIZE.height(), int(available.height() * SCREEN_SHARE) - frame.height())
        self.resize(max(width, self.minimumSizeHint().width()), max(height, 200))
        self.resize(min(self.width(), available.width()), min(self.height(), available.height()))
        self.move(available.center() - self.rect().center())
        self.splitter.setSizes([max(220, self.width() // 4), self.width() - max(220, self.width() // 4)])

    # --- choosing files --------------------------------------------------------------------------
    def add_paths(self, paths: list[Path]) -> None:
        present = {self.files.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.files.count())}
        for path in input_files(paths):
            if str(path) not in present:
                self.files.addItem(path.name)
                item = self.files.item(self.files.count() - 1)
                item.setData(Qt.ItemDataRole.UserRole, str(path))
                item.setToolTip(str(path))
                present.add(str(path))

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.files.count())]

    def choose_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, "Välj enhetsfiler", "", INPUT_FILTER)
        self.add_paths([Path(p) for p in chosen])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Välj en mapp med enhetsfiler")
        if folder:
            self.add_paths([Path(folder)])

    def choose_earlier(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Välj mappen med ett tidigare års enhetsfiler")
        if folder:
            self.earlier_folder = Path(folder)
            self.earlier_label.setText(f"Jämförs med: {self.earlier_folder.name}")

    def remove_selected(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.add_paths([Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()])
        event.acceptProposedAction()

    # --- running -----------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.operation is not None and self.operation.running

    def run(self) -> BackgroundOperation | None:
        """Read every file once off the GUI thread, then merge. After a choice between two files
        for the same enhet the merge is made again from what was read; no file is read twice.
        None when there is nothing to read."""
        paths = self.paths()
        if not paths:
            QMessageBox.information(self, "Inga filer", "Lägg till enheternas filer först.")
            return None
        earlier_folder = self.earlier_folder
        replacements = list(self.replacements)

        def read_and_merge(progress: Progress, _cancelled: object) -> _Attempt:
            read = read_files(paths, progress)
            earlier = None
            if earlier_folder is not None:
                earlier = merge_read(read_files([earlier_folder], lambda n, t, name: progress(
                    n, t, f"{name} (tidigare år)")))
            return _merge(read, earlier, replacements)

        return self._start(read_and_merge, "Läser enheternas filer …")

    def choose_server(self) -> BackgroundOperation | None:
        """Ask for the server, the year and an earlier year, then fetch (see fetch_from_server)."""
        choice = ServerSummaryChoice(str(self.settings.get(SERVER_URL)), self)
        if choice.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.fetch_from_server(choice.request())

    def fetch_from_server(self, request: ServerRequest) -> BackgroundOperation | None:
        """Read the year's results on the server off the GUI thread (and the earlier year's), then
        show them as a summary of files is shown. The address is remembered once it worked."""
        # Server mode (psycopg) is loaded only when asked for, not when the dialog opens.
        from aktgranskning.services.server import address_of
        from aktgranskning.services.server_results import build_server_summary, read_server_results

        try:
            address = address_of(request.url)
        except UserError as problem:
            self._failed(problem.message)
            return None
        if request.password:
            server_login.hold_password(address, request.password)
        year, earlier_year = request.year, request.earlier_year

        def fetch(progress: Progress, _cancelled: object) -> _Attempt:
            read = read_server_results(address, year, progress)
            earlier = build_server_summary(address, earlier_year) if earlier_year is not None else None
            return _merge(read, earlier, [])

        def fetched(attempt: _Attempt) -> None:
            self.settings.set(SERVER_URL, address.text)
            self._merged(attempt)
            self.log.appendPlainText(f"ℹ Hämtat från servern {address.text}: {year}"
                                     + (f", jämfört med {earlier_year}." if earlier_year is not None else "."))

        return self._start(fetch, f"Hämtar {year} från servern …", fetched)

    def _start(self, job: Job[Any], text: str,
               on_success: Callable[[Any], None] | None = None) -> BackgroundOperation[Any]:
        self.operation = run_in_background(
            job, on_success=on_success or self._merged, owner=self,
            controls=[self.run_button, self.server_button, *self.save_buttons],
            progress=self.progress, text=text, on_error=lambda error: self._failed(error.message),
            on_cancelled=self._cancelled,
        )
        return self.operation

    def _merged(self, attempt: _Attempt) -> None:
        if attempt.duplicate is not None:
            if not self._choose_between(attempt.duplicate):
                self._failed(attempt.duplicate.message)
                return
            replacements = list(self.replacements)
            self._start(lambda _progress, _cancelled: _merge(attempt.read, attempt.earlier, replacements),
                        "Sammanställer det som lästes …")
            return
        assert attempt.summary is not None
        self.show_summary(attempt.summary, attempt.earlier, attempt.comparison_line)

    def show_made_elsewhere(self, summary: Summary, title: str) -> None:
        """Show a summary made elsewhere (the round window's, from the round) and offer to save
        it; the choosing of files is hidden, as the round says which files count."""
        self.setWindowTitle(title)
        for control in self._file_controls:
            control.hide()
        self.show_summary(summary)

    def show_summary(self, summary: Summary, earlier: Summary | None = None, comparison_line: str = "") -> None:
        if self.summary is not None:  # freeing 300 enheter here would stall the window
            discard_in_background((self.summary, self.earlier))
        self.summary, self.earlier = summary, earlier
        self.comparison_line = comparison_line
        self._show_log(self.summary)
        self._show_completeness(self.summary)
        self._show_heatmap(self.summary)
        for button in self.save_buttons:
            button.setEnabled(True)

    def _cancelled(self) -> None:
        shown = " Det som visas är den förra sammanställningen." if self.summary is not None else ""
        self.log.setPlainText(f"Sammanställningen avbröts; ingenting ändrades.{shown}")

    def done(self, result: int) -> None:
        if self.operation is not None:
            self.operation.cancel()  # a closed window has no use for the rest of the reading
        super().done(result)

    def _choose_between(self, duplicate: DuplicateUnit) -> bool:
        box = QMessageBox(self)
        box.setWindowTitle("Samma enhet två gånger")
        box.setText(f"{duplicate.message}\n\nVilken fil ska gälla?")
        first = box.addButton(duplicate.first.source, QMessageBox.ButtonRole.AcceptRole)
        second = box.addButton(duplicate.second.source, QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Avbryt", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        sources: dict[QAbstractButton, str] = {first: duplicate.first.source, second: duplicate.second.source}
        chosen = sources.get(box.clickedButton())
        if chosen is None:
            return False
        self.replacements += [p for p in self.paths() if p.name == chosen]
        return True

    def _failed(self, message: str) -> None:
        self.log.setPlainText(f"Sammanställningen kunde inte göras:\n{message}")

    def _show_log(self, summary: Summary) -> None:
        lines = []
        if summary.excluded:
            lines.append(f"✗ Sammanställningen omfattar inte {len(summary.excluded)} fil(er) som inte kunde läsas:")
            lines += [f"✗ {item.source}: lästes inte och ingår inte – {item.reason}" for item in summary.excluded]
        if self.earlier is not None:
            lines += [f"✗ {item.source} (tidigare år): lästes inte och ingår inte i jämförelsen – {item.reason}"
                      for item in self.earlier.excluded]
            lines.append(self.comparison_line)
        units = {(level.name, level.area): level for level in reversed(summary.units())}  # the first wins
        for item in summary.inputs:
            identity = item.data.identity
            level = units.get((identity.unit, identity.area))
            mark = " – PRELIMINÄR" if level is not None and level.preliminary else ""
            lines.append(f"✓ {item.source}: {identity.unit} {identity.year} ({identity.area}), "
                         f"{item.data.describe_cases()}{mark}")
        lines += [f"✗ {level.name} ({level.area}): ingen fil hittades – enheten ingår i omgången och visas som Saknas."
                  for level in summary.missing_units()]
        lines += [f"⚠ {source}: Data-bladet är ändrat för hand (kontrollsumman stämmer inte)."
                  for source in summary.edited]
        lines += [f"⚠ {source}: frågan {qid} ”{text}” saknas." for source, qid, text in summary.unmatched]
        lines += [f"ℹ Frågan {qid} har olika formulering: ”{a}” / ”{b}”." for qid, a, b in summary.renamed]
        if any(q.green_limit is not None for q in summary.questions):
            lines.append(f"ℹ {summary.limits_text()}.")
            lines += [f"ℹ {text[:1].upper()}{text[1:]}" for text in own_limit_disagreements(summary)]
        if self.replacements:
            lines.append("Gäller vid dubbletter: " + ", ".join(p.name for p in self.replacements))
        self.log.setPlainText("\n".join(lines))

    def _show_completeness(self, summary: Summary) -> None:
        preliminary = summary.completeness.preliminary
        self.completeness.setText(summary.banner() + ".")
        self.completeness.setStyleSheet("color: #9c0006; background: #ffc7ce; font-weight: bold; padding: 4px;"
                                        if preliminary else "color: #3a3a3a;")
        self.completeness.show()

    def _show_heatmap(self, summary: Summary) -> None:
        metrics = self.heatmap.fontMetrics()
        column_width = metrics.horizontalAdvance("100 % (15/15)") + 20
        characters = max(8, (column_width - 12) // max(1, metrics.horizontalAdvance("n")))
        model = HeatmapModel(summary, characters, self.heatmap)
        old = self.heatmap.model()
        self.heatmap.setModel(model)
        if isinstance(old, HeatmapModel):
            old.deleteLater()
        header = self.heatmap.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultSectionSize(column_width)
        header.setFixedHeight(self.fontMetrics().height() * model.header_lines() + 12)
        self.heatmap.verticalHeader().setMaximumWidth(360)

    # --- saving ------------------------------------------------------------------------------------
    def _save(self, title: str, suffix: str, filter_text: str, kind: str) -> BackgroundOperation | None:
        if self.summary is None:
            return None
        suggested = f"Sammanställning {self.summary.year}{suffix}"
        target, _ = QFileDialog.getSaveFileName(self, title, suggested, filter_text)
        if not target:
            return None
        path = Path(target if target.lower().endswith(suffix) else target + suffix)
        arguments: dict[str, Path | None] = {"workbook": None, "json_path": None, "pdf": None}
        arguments[kind] = path
        summary, earlier = self.summary, self.earlier

        def write(_progress: Progress, _cancelled: object) -> Exported:
            return export_summary(summary, arguments["workbook"], arguments["json_path"], earlier, arguments["pdf"])

        def written(exported: Exported) -> None:
            self.log.appendPlainText(f"Sparade {path}")
            self.last_notices = list(exported.notices)
            for notice in exported.notices:
                self.log.appendPlainText(f"ℹ {notice}")

        # Writing cannot be stopped halfway: each file appears whole or not at all.
        self.operation = run_in_background(
            write, on_success=written, owner=self, controls=[self.run_button, self.server_button, *self.save_buttons],
            progress=self.progress, text=f"Skriver {path.name} …", error_title="Filen kunde inte skrivas",
            cancellable=False,
        )
        return self.operation

    def save_workbook(self) -> None:
        self._save("Spara sammanställningen", ".xlsx", "Excelfil (*.xlsx)", "workbook")

    def save_pdf(self) -> None:
        self._save("Spara sammanställningen som pdf", ".pdf", "Pdf (*.pdf)", "pdf")

    def save_json(self) -> None:
        self._save("Spara siffrorna som JSON", ".json", "JSON (*.json)", "json_path")


@dataclass(frozen=True)
class ServerRequest:
    url: str
    year: int
    earlier_year: int | None = None
    password: str = ""  # typed for this run only; empty: the keyring's, PGPASSWORD or ~/.pgpass


class ServerSummaryChoice(QDialog):
    """Which server and year to summarise, and an earlier year there to compare with."""

    def __init__(self, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hämta sammanställning från server")
        this_year = date.today().year
        self.url = QLineEdit(url)
        self.url.setPlaceholderText("postgresql://användare@värd:5432/databas")
        self.url.setAccessibleName("Serverns adress")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(this_year)
        self.year.setAccessibleName("År att sammanställa")
        self.compare = QCheckBox("&Jämför med år")
        self.earlier_year = QSpinBox()
        self.earlier_year.setRange(2000, 2100)
        self.earlier_year.setValue(this_year - 1)
        self.earlier_year.setEnabled(False)
        self.earlier_year.setAccessibleName("Tidigare år att jämföra med")
        self.compare.toggled.connect(self.earlier_year.setEnabled)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("lämna tomt om det är sparat i nyckelringen")
        self.password.setAccessibleName("Lösenord")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Hämta")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Avbryt")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Server:", self.url)
        form.addRow("&År:", self.year)
        form.addRow(self.compare, self.earlier_year)
        form.addRow("&Lösenord:", self.password)
        form.addRow(QLabel("Du behöver utvecklarens behörighet på servern. Lösenordet sparas inte här."))
        form.addRow(buttons)
        for label, field in ((form.labelForField(self.url), self.url), (form.labelForField(self.year), self.year),
                             (form.labelForField(self.password), self.password)):
            if isinstance(label, QLabel):
                label.setBuddy(field)

    def request(self) -> ServerRequest:
        return ServerRequest(self.url.text().strip(), self.year.value(),
                             self.earlier_year.value() if self.compare.isChecked() else None, self.password.text())


@dataclass(frozen=True)
class _Attempt:
    """One merge of what was read: the summary, or the two files that hold the same enhet."""

    read: ReadFiles
    earlier: Summary | None
    summary: Summary | None
    duplicate: DuplicateUnit | None
    comparison_line: str = ""  # what the earlier year is compared with, worked out off the GUI thread


def _comparison_line(summary: Summary, earlier: Summary) -> str:
    try:
        return f"↔ {comparison_text(compare_years(summary, earlier))} Jämförelsen står i Excel, pdf och JSON."
    except UserError as problem:  # the wrong year chosen: said here, before anything is saved
        return f"✗ {problem.message}"


def _merge(read: ReadFiles, earlier: Summary | None, replacements: list[Path]) -> _Attempt:
    try:
        summary = merge_read(read, replacements)
        line = _comparison_line(summary, earlier) if earlier is not None else ""
        return _Attempt(read, earlier, summary, None, line)
    except DuplicateUnit as duplicate:
        return _Attempt(read, earlier, None, duplicate)


class HeatmapModel(QAbstractTableModel):
    """Question × level: the share with its counts, coloured by level, the counts and the level's
    completeness as tooltip. Cells are made when the view asks for them."""

    def __init__(self, summary: Summary, header_characters: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = summary
        self._levels = summary.levels
        self._questions = summary.questions
        self._headers = [
            KIND_LABELS[lv.kind] + "\n" + "\n".join(textwrap.wrap(lv.name, header_characters))
            + ("\n(saknas)" if lv.missing else "\n(preliminär)" if lv.preliminary else "") for lv in self._levels
        ]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._questions)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._levels)

    def header_lines(self) -> int:
        return max((header.count("\n") + 1 for header in self._headers), default=1)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._headers):
                return self._headers[section]
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) and 0 <= section < len(self._questions):
            question = self._questions[section]
            return with_own_limit(question.text, question)  # the tooltip: the header may cut a long question
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        level = self._levels[index.column()]
        question = self._questions[index.row()]
        tally = level.tally(question.question_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(tally)
        if role == Qt.ItemDataRole.BackgroundRole:
            limits = self.summary.thresholds.for_question(question)
            return QColor(HEAT[limits.level(tally.share if tally else None)])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{level.name}: {tally.describe() if tally else 'inga akter av den här typen'}"
                    f"\n{level.completeness.banner()}")
        return None
