"""The main window: a start page, the case list and the review view, wired in one place."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
)

from aktgranskning.domain.changes import Register
from aktgranskning.domain.errors import UserError
from aktgranskning.gui.case_list_page import CaseListPage
from aktgranskning.gui.folder_watch import FolderWatch
from aktgranskning.gui.screen_fit import fit_to_available_screen, remembered_place
from aktgranskning.gui.start_page import StartPage
from aktgranskning.logging_setup import log_unexpected
from aktgranskning.services.file_lock import FileInUse
from aktgranskning.services.session import ReviewSession
from aktgranskning.services.settings import PRINT_FILLER, REVIEWER_NAME, Settings
from aktgranskning.services.workspace import Workspace

if TYPE_CHECKING:  # pages made when first shown, so that starting imports only the case list's code
    from aktgranskning.gui.analysis_page import AnalysisPage
    from aktgranskning.gui.results_page import ResultsPage
    from aktgranskning.gui.review_page import ReviewPage
    from aktgranskning.services.server_types import ServerAddress

FILE_FILTER = "Granskningsfiler (*.granskning);;Alla filer (*)"
WINDOW_NAME = "huvudfonster"
PREFERRED_SIZE = QSize(1280, 760)


def _open_server_granskning(address: ServerAddress, unit: str, year: int, reviewer: str) -> ReviewSession:
    """The one place a granskning on the server is opened (off the GUI thread, by the dialog):
    for review with the others working there, or read-only when the login may only read."""
    from aktgranskning.services.server_session import open_server_session

    return open_server_session(address, unit, year, reviewer)


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace, settings: Settings) -> None:
        super().__init__()
        self.workspace = workspace
        self.settings = settings
        self.session: ReviewSession | None = None
        self.server_address: ServerAddress | None = None  # set while the session is on a server
        self._reviewer_asked = False
        self.setAcceptDrops(True)

        self.start_page = StartPage()
        self.case_list = CaseListPage()
        self._review: ReviewPage | None = None
        self._results: ResultsPage | None = None
        self._analysis: AnalysisPage | None = None
        self.pages = QStackedWidget()
        for page in (self.start_page, self.case_list):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)

        self.saved_label = QLabel("")
        self.saved_label.setObjectName("savedLabel")
        self.saved_label.setAccessibleName("Senast sparat")
        self.reviewer_label = QLabel()
        self.reviewer_label.setContentsMargins(16, 0, 0, 0)  # room between a long message and the name
        self.shared_label = QLabel("")
        self.shared_label.setObjectName("sharedLabel")
        self.shared_label.setAccessibleName("Hur aktuellt det delade är")
        self.shared_label.setContentsMargins(12, 0, 12, 0)
        self.statusBar().addPermanentWidget(self.reviewer_label)
        self.statusBar().addPermanentWidget(self.shared_label)
        self.statusBar().addPermanentWidget(self.saved_label)
        # The other reviewers' files are read in a worker thread and merged here, on the GUI thread.
        self.watch = FolderWatch(self)
        self.watch.arrived.connect(self._others_arrived)
        self.watch.heartbeat.connect(self._heartbeat)
        self.watch.read_failed.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._seen_presences: tuple[object, ...] = ()
        self._build_menus()
        self._connect()
        self._show_reviewer()
        self.start_page.set_recent(self.settings.recent_files())
        self._update_title()
        fit_to_available_screen(self, PREFERRED_SIZE, self.settings.window_place(WINDOW_NAME))

    # --- wiring -------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Arkiv")
        self._action(file_menu, "Ö&ppna granskningsfil…", QKeySequence.StandardKey.Open, self.choose_file)
        self.recent_menu = file_menu.addMenu("&Senaste filer")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.new_action = self._action(
            file_menu, "&Ny granskningsfil från urvalslista…", QKeySequence.StandardKey.New, self.new_from_sample_list)
        self._action(file_menu, "Öppna &demo", None, self.open_demo)
        self.server_action = self._action(file_menu, "Anslut till se&rver…", None, self.connect_to_server)
        self.export_action = self._action(
            file_menu, "&Exportera enhetsrapport (Excel och pdf)…", "Ctrl+E", self.export_report
        )
        self.collect_action = self._action(file_menu, "Sam&la enhetens filer i en fil…", None, self.collect_files)
        self.copies_action = self._action(file_menu, "För &in kopior…", None, self.bring_in_copies)
        file_menu.addSeparator()
        self._action(file_menu, "Dra &urval ur ärendelista…", None, self.draw_sample)
        self._action(file_menu, "Sa&mmanställ enheter…", "Ctrl+Shift+S", self.open_summary)
        self._action(file_menu, "&Checklistor…", None, self.open_checklists)
        self._action(file_menu, "N&y omgång…", None, self.new_round)
        self._action(file_menu, "Öppna om&gång…", None, self.choose_round)
        file_menu.addSeparator()
        self._action(file_menu, "&Avsluta", "Ctrl+Q", self.close)
        view_menu = self.menuBar().addMenu("&Visa")
        self.list_action = self._action(view_menu, "Ä&rendelistan", "Ctrl+1", self.show_case_list)
        self._action(view_menu, "&Resultat", "Ctrl+2", self.show_results)
        self._action(view_menu, "&Analys och förbättringsaktiviteter", "Ctrl+3", self.show_analysis)
        settings_menu = self.menuBar().addMenu("&Inställningar")
        self._action(settings_menu, "&Granskarens namn…", None, self.change_reviewer)
        self.print_filler_action = self._action(
            settings_menu, "&Skriv ut vem som fyllde i analysen i rapporten", None, self._print_filler_toggled
        )
        self.print_filler_action.setCheckable(True)
        self.print_filler_action.setChecked(self.settings.print_filler())
        help_menu = self.menuBar().addMenu("&Hjälp")
        self._action(help_menu, "&Kortkommandon", None, self.show_shortcuts)
        self._action(help_menu, "&Om Aktgranskning", None, self.show_about)

    def _action(self, menu, text, shortcut, slot) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _connect(self) -> None:
        self.start_page.open_requested.connect(self.choose_file)
        self.start_page.new_requested.connect(self.new_from_sample_list)
        self.start_page.demo_requested.connect(self.open_demo)
        self.start_page.recent_chosen.connect(self.open_file)
        self.case_list.open_case.connect(self.open_case)
        self.case_list.decide_requested.connect(self._decide_outside_akter)

    # --- pages made when first needed ---------------------------------------------------------
    @property
    def review(self) -> ReviewPage:
        if self._review is None:
            from aktgranskning.gui.review_page import ReviewPage

            page = ReviewPage()
            page.back_requested.connect(self.show_case_list)
            page.case_finished.connect(self._case_finished)
            page.navigate_requested.connect(self._navigate)
            page.dropout_requested.connect(self.record_dropout)
            page.history_requested.connect(self.show_history)
            page.saved.connect(self._show_saved)
            page.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
            self.pages.addWidget(page)
            self._review = page
        return self._review

    @property
    def results(self) -> ResultsPage:
        """The results page, made on first use: it reads last year's file and computes the report,
        which the case list does not need, and its module imports the Excel and PDF code."""
        if self._results is None:
            from aktgranskning.gui.results_page import ResultsPage

            page = ResultsPage()
            page.back_requested.connect(self.show_case_list)
            page.analysis_requested.connect(self.show_analysis)
            page.export_requested.connect(self.export_report)
            page.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
            page.previous_changed.connect(self._previous_year_read)
            self.pages.addWidget(page)
            self._results = page
            if self.session is not None:
                page.show_session(self.session)
        return self._results

    @property
    def analysis(self) -> AnalysisPage:
        if self._analysis is None:
            from aktgranskning.gui.analysis_page import AnalysisPage

            page = AnalysisPage()
            page.back_requested.connect(self.show_results)
            page.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
            page.saved.connect(self._show_saved)
            page.first_edit.connect(self._ask_reviewer_once)
            self.pages.addWidget(page)
            self._analysis = page
        return self._analysis

    # --- files --------------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Öppna granskningsfil", "", FILE_FILTER)
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path, read_only: bool = False) -> bool:
        if not self.may_leave_analysis():
            return False
        try:
            session = self.workspace.open(path, self.settings.reviewer(), read_only=read_only)
        except FileInUse as busy:
            answer = QMessageBox.question(
                self, "Filen används redan", f"{busy.message}\n\nVill du öppna filen skrivskyddad?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            )
            return answer == QMessageBox.StandardButton.Yes and self.open_file(path, read_only=True)
        except UserError as error:
            QMessageBox.warning(self, "Filen kunde inte öppnas", error.message)
            return False
        self._close_session()
        self.session = session
        self._seen_presences = self._presence_signature()
        self._say_where(None, always=True)
        self.watch.follow(session)
        self._show_sharing()
        self.settings.add_recent_file(path)
        self.start_page.set_recent(self.settings.recent_files())
        self.case_list.show_session(session, load=False)  # show_case_list below reads it
        if self._results is not None:  # otherwise it reads the session when first shown
            self._results.show_session(session)
        if session.read_only_reason:
            QMessageBox.information(self, "Skrivskyddad fil", f"{path.name}: {session.read_only_reason}")
        self._update_title()
        self.show_case_list()
        first = session.first_unfinished_case()
        if first is not None:
            self.case_list.select_case(first.id)
        return True

    def connect_to_server(self) -> None:
        """Arkiv → Anslut till server…: the dialog connects, lists and opens off the GUI thread."""
        self._server_dialog(None, None, None)

    def start_on_server(self, url: str, unit: str | None, year: int | None) -> None:
        """The start's --server: the dialog connects at once and opens `unit`'s granskning."""
        self._server_dialog(url, unit, year)

    def _server_dialog(self, url: str | None, unit: str | None, year: int | None) -> None:
        if not self.may_leave_analysis():
            return
        from aktgranskning.gui.server_dialog import ServerDialog

        reviewer = self.settings.reviewer()
        dialog = ServerDialog(
            self.settings, lambda address, g: _open_server_granskning(address, g.unit, g.year, reviewer), self)
        dialog.opened.connect(self.show_server_session)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.server_dialog = dialog
        dialog.open()
        if url is not None:
            dialog.start_with(url, unit, year)

    def show_server_session(self, session: ReviewSession, address: ServerAddress) -> None:
        """Show a granskning opened on the server. Its `path` is a name, not a file: it is not
        added to the recent files; the others' work is read from the server as from a folder."""
        if not self.may_leave_analysis():
            session.close()
            return
        self._close_session()
        self.session = session
        self.server_address = address
        self.watch.follow(session)
        self._show_sharing()
        self.case_list.show_session(session, load=False)  # show_case_list below reads it
        if self._results is not None:
            self._results.show_session(session)
        self._update_title()
        self.show_case_list()
        first = session.first_unfinished_case()
        if first is not None:
            self.case_list.select_case(first.id)
        self.statusBar().showMessage(f"Öppnade {session.meta.unit} {session.meta.year} på {address.text}.", 10000)

    def _file_folder(self) -> Path:
        """Where a file dialog starts for the open granskning: beside its file, or (on a server)
        in the home folder."""
        if self.session is None or self.server_address is not None:
            return Path.home()
        return self.session.path.parent

    def open_demo(self) -> None:
        try:
            path = self.workspace.fresh_demo()
        except UserError as error:
            QMessageBox.warning(self, "Demon kunde inte skapas", error.message)
            return
        self.open_file(path)

    def new_from_sample_list(self) -> None:
        from aktgranskning.gui.dialogs import NewFileDialog

        dialog = NewFileDialog(self)
        if not dialog.exec():
            return
        sample_list, administration, area, unit, year = dialog.values()
        suggested = str(sample_list.with_name(f"{unit} {year}.granskning"))
        target, _ = QFileDialog.getSaveFileName(self, "Spara granskningsfilen som", suggested, FILE_FILTER)
        if not target:
            return
        from aktgranskning.gui.background import ProgressDialogView, run_in_background

        workspace = self.workspace
        self.import_operation = run_in_background(
            lambda _p, _c: workspace.create_from_sample_list(Path(target), sample_list, administration, area, unit,
                                                             year),
            on_success=self._created, owner=self, controls=[self.new_action],
            progress=ProgressDialogView(self, "Ny granskningsfil"),
            text="Läser urvalslistan och skapar granskningsfilen …",
            error_title="Granskningsfilen kunde inte skapas", cancellable=False)

    def _created(self, report) -> None:  # type: ignore[no-untyped-def]
        self.statusBar().showMessage(
            f"Skapade {report.path.name} med {report.cases} akter och {report.reserves} reserver.", 10000)
        self.open_file(report.path)

    def draw_sample(self) -> None:
        from aktgranskning.gui.sampling_dialog import SamplingDialog

        SamplingDialog(self.workspace, self, self.settings).exec()

    def open_summary(self) -> None:
        from aktgranskning.gui.summary_dialog import SummaryDialog

        self.summary_dialog = SummaryDialog(self)
        self.summary_dialog.show()

    def open_checklists(self) -> None:
        from aktgranskning.gui.checklists_dialog import ChecklistsDialog

        ChecklistsDialog(self).exec()

    def new_round(self) -> None:
        from aktgranskning.gui.new_round_dialog import NewRoundDialog

        dialog = NewRoundDialog(self)
        dialog.created.connect(self.open_round)
        dialog.show()
        self.new_round_dialog = dialog

    def choose_round(self) -> None:
        from aktgranskning.gui.new_round_dialog import ask_round_file

        path = ask_round_file(self)
        if path is not None:
            self.open_round(path)

    def open_round(self, path: Path) -> bool:
        """The utvecklare's round in its own window (`aktgranskning OMGÅNG.omgang` too)."""
        from aktgranskning.gui.round_window import open_round_window

        window = open_round_window(Path(path), self)
        if window is not None:
            self.round_windows = [w for w in getattr(self, "round_windows", []) if w.isVisible()] + [window]
        return window is not None

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files():
            action = self.recent_menu.addAction(path.name)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_file(p))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("(inga)").setEnabled(False)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_file(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()

    # --- pages --------------------------------------------------------------------------------
    def show_results(self) -> None:
        if not self.may_leave_analysis():
            return
        if self.session is None:
            self.pages.setCurrentWidget(self.start_page)
            return
        self._say_where(None)
        made_now = self._results is None
        page = self.results  # a page made now has just read the session
        if not made_now:
            page.refresh()
        self.pages.setCurrentWidget(page)
        page.focus_table()

    def show_analysis(self) -> None:
        if self.session is None:
            self.pages.setCurrentWidget(self.start_page)
            return
        if self._analysis is not None and self.pages.currentWidget() is self._analysis \
                and self._analysis.session is self.session:
            return  # already here: reloading would drop what is on screen but not saved
        self._say_where(None)
        self.analysis.show_session(self.session, self.results.previous)
        self.pages.setCurrentWidget(self.analysis)

    def export_report(self) -> None:
        if self.session is None:
            QMessageBox.information(self, "Ingen fil öppen", "Öppna en granskningsfil först.")
            return
        from aktgranskning.services.report import (
            default_report_name,
            export_unit_report,
        )

        if not self.may_leave_analysis():
            return
        if self.results.loading is not None:  # the report compares with last year: wait until it is read
            self.results.loading.finished.connect(self.export_report, Qt.ConnectionType.SingleShotConnection)
            self.statusBar().showMessage("Exporten börjar när fjolårets fil är läst …", 5000)
            return
        report = self.results.report_for_export()
        suggested = str(self._file_folder() / f"{default_report_name(report.data)}.xlsx")
        target, _ = QFileDialog.getSaveFileName(
            self, "Exportera enhetsrapport (en pdf skrivs bredvid)", suggested, "Excelfil (*.xlsx)"
        )
        if not target:
            return
        workbook = Path(target) if target.lower().endswith(".xlsx") else Path(target + ".xlsx")
        print_filler = self.settings.print_filler()
        from aktgranskning.gui.background import ProgressDialogView, run_in_background

        self.export_operation = run_in_background(
            lambda _p, _c: export_unit_report(report, workbook, workbook.with_suffix(".pdf"),
                                              print_filler=print_filler),
            on_success=self._report_written, owner=self, controls=[self.export_action, self.results.export_button],
            progress=ProgressDialogView(self, "Exporterar"), text="Skriver enhetsrapporten (Excel och pdf) …",
            error_title="Rapporten kunde inte skrivas", cancellable=False)

    def _report_written(self, written) -> None:  # type: ignore[no-untyped-def]
        names = "\n".join(str(path) for path in written)
        self.statusBar().showMessage(f"Rapporten är skriven: {', '.join(p.name for p in written)}", 10000)
        notices = "".join(f"\n\n{notice}" for notice in written.notices)
        QMessageBox.information(self, "Rapporten är skriven", f"Skrev:\n{names}{notices}")

    def collect_files(self) -> None:
        if self.session is None:
            QMessageBox.information(self, "Ingen fil öppen", "Öppna en granskningsfil först.")
            return
        if self.server_address is not None:
            QMessageBox.information(self, "Granskningen finns på servern",
                                    "Att samla enhetens filer gäller granskningsfiler. På servern finns redan hela "
                                    "enheten på ett ställe.")
            return
        from aktgranskning.gui.enhet_files import collect_enhet_files

        if self.may_leave_analysis():
            collect_enhet_files(self, self.session)

    def bring_in_copies(self) -> None:
        if self.server_address is not None:
            QMessageBox.information(self, "Granskningen finns på servern",
                                    "Kopior förs in i en granskningsfil. En fil som någon arbetat med utan "
                                    "nätverk förs in på servern med: aktgranskning server ladda-upp.")
            return
        if self.session is None or self.session.read_only:
            QMessageBox.information(self, "Ingen fil öppen för granskning",
                                    "Öppna enhetens granskningsfil för granskning först.")
            return
        from aktgranskning.gui.enhet_files import bring_in_copies

        if self.may_leave_analysis() and bring_in_copies(self, self.session):
            self.case_list.reload()

    def _previous_year_read(self) -> None:
        """Last year's file is read off the GUI thread: an analysis already shown gets it on arrival."""
        if self._analysis is not None and self.session is not None and self._analysis.session is self.session:
            self._analysis.previous = self.results.previous
            self._analysis._show_previous()

    def show_case_list(self) -> None:
        if not self.may_leave_analysis():
            return
        if self.session is None:
            self.pages.setCurrentWidget(self.start_page)
            return
        review = self._review
        shown = review is not None and self.pages.currentWidget() is review
        current = review.case.id if shown and review is not None and review.case is not None else None
        self.case_list.reload()
        if current is not None:
            self.case_list.select_case(current)
        self.pages.setCurrentWidget(self.case_list)
        self.case_list.focus_table()
        self._say_where(None)

    def open_case(self, case_id: int) -> None:
        if self.session is None or not self.may_leave_analysis():
            return
        self._say_where(case_id)  # first, so the notice in the akt is about the others only
        self.review.show_case(self.session, case_id)
        self.pages.setCurrentWidget(self.review)
        self.review.focus_first_gap()

    def _navigate(self, delta: int) -> None:
        shown = self._review.case if self._review is not None else None
        if self.session is None or shown is None:
            return
        ids = [c.id for c in self.session.cases()]
        index = ids.index(shown.id) + delta
        if 0 <= index < len(ids):
            self.open_case(ids[index])
        else:
            self.statusBar().showMessage("Det finns ingen fler akt åt det hållet.", 5000)

    def _case_finished(self, case_id: int) -> None:
        assert self.session is not None
        case = self.session.case(case_id)
        following = self.session.first_unfinished_case()
        if following is None:
            self.statusBar().showMessage(f"Akt {case.sequence} är klar. Alla akter i urvalet är klara!", 10000)
            self.show_case_list()
            return
        self.statusBar().showMessage(f"Akt {case.sequence} är klar. Nu visas akt {following.sequence}.", 8000)
        self.open_case(following.id)

    def record_dropout(self, case_id: int) -> None:
        """The review page asks for the reason and shows the reserve (see ReviewPage.record_dropout)."""
        if self.session is None:
            return
        if self.pages.currentWidget() is not self.review or self.review.case is None or self.review.case.id != case_id:
            self.open_case(case_id)
        self.review.record_dropout()

    def show_history(self, case_id: int) -> None:
        if self.session is None:
            return
        case = self.session.case(case_id)
        texts = {q.id: q.text for q in self.session.checklist_for(case).questions()}
        from aktgranskning.gui.dialogs import HistoryDialog

        HistoryDialog(f"akt {case.sequence}", self.session.audit_entries(case_id), texts, self).exec()

    # --- other reviewers ----------------------------------------------------------------------
    def _say_where(self, case_id: int | None, always: bool = False) -> None:
        """Tell the other reviewers which akt is open here (None: none), in the own file."""
        session = self.session
        if session is None or session.link is None or session.read_only:
            return
        if not always and session.link.open_case == case_id:
            return
        try:
            session.set_presence(case_id)
        except UserError as error:  # the working copy refused: the presence expires by itself
            self.statusBar().showMessage(error.message, 8000)

    def _heartbeat(self) -> None:
        if self.session is None:
            return
        try:
            self.session.heartbeat()
        except UserError as error:
            self.statusBar().showMessage(error.message, 8000)

    def _presence_signature(self) -> tuple[object, ...]:
        """Who is where, and whether that is known now (offline it is what was last seen)."""
        link = self.session.link if self.session is not None else None
        if link is None:
            return ()
        where = sorted(((p.who, p.case_id) for p in link.presences), key=lambda item: (item[0], item[1] or 0))
        return (link.offline, *where)

    def _others_arrived(self, contents: object) -> None:
        """What the folder watch read: merge it into the own file and redraw only what changed —
        the case list's rows, and the open akt when it is among them."""
        session = self.session
        if session is None:
            return
        try:
            touched = session.take_in(contents)  # type: ignore[arg-type]
        except UserError as error:
            self.statusBar().showMessage(error.message, 8000)
            touched = set()
        except Exception as error:  # a merge that failed is tried again at the next read, never a dialog
            log_unexpected(error, "ta in de andra granskarnas ändringar")
            self.statusBar().showMessage("De andra granskarnas ändringar kunde inte tas in just nu; programmet "
                                         "försöker igen om en stund (felet finns i loggen).", 8000)
            touched = set()
        presences = self._presence_signature()
        moved = presences != self._seen_presences
        self._seen_presences = presences
        self._show_sharing()
        if not touched and not moved:
            return
        if touched:
            self.case_list.refresh_rows()
        self.case_list.show_together()
        review = self._review
        if review is None or review.case is None or review.session is not session:
            return
        if review.case.id in touched or -1 in touched:
            review.take_in_others()
        else:
            review.show_together()

    def _show_sharing(self) -> None:
        """How current the shared state is (status bar) and what the person should know (the
        notice strips of the case list and of the akt)."""
        session = self.session
        link = session.link if session is not None else None
        line = link.status_line() if link is not None else ""
        self.shared_label.setText(line[:1].upper() + line[1:])
        if session is None:
            return
        self.case_list.show_notices(session.notices())
        if self._review is not None and self._review.session is session and self._review.case is not None:
            self._review.show_notices()

    def _decide_outside_akter(self, register: Register, value: object) -> None:
        """A conflict of the analysis or the activities, decided on the case list."""
        if self.session is None:
            return
        try:
            self.session.decide(register, value)
        except UserError as error:  # said where the choice was made, not in a dialog
            self.case_list.show_notices([*self.session.notices(), error.message])
            self.statusBar().showMessage(error.message, 10000)
            return
        self.case_list.show_together()
        if self.session.last_saved_at:
            self._show_saved(self.session.last_saved_at)

    # --- settings and status ------------------------------------------------------------------
    def change_reviewer(self) -> bool:
        from aktgranskning.gui.dialogs import ReviewerDialog

        dialog = ReviewerDialog(self.settings.get(REVIEWER_NAME), "t.ex. dina initialer", self)
        if not dialog.exec():
            return False
        self.settings.set(REVIEWER_NAME, dialog.chosen())
        if self.session is not None:
            self.session.reviewer = self.settings.reviewer()
        self._show_reviewer()
        return True

    def _ask_reviewer_once(self) -> None:
        """The first edit of the analysis without a reviewer name asks for one, once: the name
        recorded with a text is the one the user gave, never the computer's login."""
        if self._reviewer_asked or self.settings.reviewer():
            return
        self._reviewer_asked = True
        self.change_reviewer()

    def _print_filler_toggled(self, checked: bool) -> None:
        self.settings.set(PRINT_FILLER, bool(checked))

    def _show_reviewer(self) -> None:
        self.reviewer_label.setText(f"Granskare: {self.settings.reviewer() or '(inget namn angivet)'}")

    def _show_saved(self, at: str) -> None:
        if not at:
            return
        clock = datetime.fromisoformat(at).strftime("%H:%M:%S")
        self.saved_label.setText(f"Sparat {clock}")

    def _update_title(self) -> None:
        if self.session is None:
            self.setWindowTitle("Aktgranskning")
            return
        meta = self.session.meta
        suffix = " (skrivskyddad)" if self.session.read_only else ""
        address = self.server_address
        where = self.session.path.name if address is None else f"servern {address.host}, databasen {address.database}"
        self.setWindowTitle(f"{meta.unit} {meta.year} – {where}{suffix} – Aktgranskning")

    def show_shortcuts(self) -> None:
        QMessageBox.information(self, "Kortkommandon", SHORTCUTS_TEXT)

    def show_about(self) -> None:
        from aktgranskning import __version__

        QMessageBox.about(
            self,
            "Om Aktgranskning",
            f"Aktgranskning {__version__}\n\nEgenkontroll av socialtjänstens akter. Programmet arbetar helt "
            "utan nätverk och sparar inga personnummer eller namn.",
        )

    # --- closing ------------------------------------------------------------------------------
    def _close_session(self) -> None:
        self.watch.stop()
        if self.session is not None:
            if self._analysis is not None:
                self._analysis.forget_session()
            self.session.close()
            self.session = None
        self.server_address = None

    def may_leave_analysis(self) -> bool:
        """Before the analysis or an akt is left (another page, another file, quitting,
        exporting): save what is waiting; if something still is not in the file, ask. False
        means stay."""
        if self._review is not None and not self._settle_unsaved(self._review, "i akten"):
            return False
        if self._analysis is None:
            return True  # never shown: nothing typed there
        self._analysis.flush()
        return self._settle_unsaved(self._analysis, "i analysen")

    def _settle_unsaved(self, page: ReviewPage | AnalysisPage, where: str) -> bool:
        """Ask until what the page shows is in the file, or the person lets it go (True), or
        chooses to stay on the page (False)."""
        problems = page.unsaved_problems()
        while problems:
            choice = self.ask_about_unsaved(problems, page.can_retry(), where=where)
            if choice == QMessageBox.StandardButton.Save:
                page.retry_saves()
                problems = page.unsaved_problems()
                continue
            if choice == QMessageBox.StandardButton.Discard:
                page.discard_unsaved()
                return True
            self.pages.setCurrentWidget(page)
            page.focus_first_problem()
            return False
        return True

    def ask_about_unsaved(self, problems: list[str], can_retry: bool,
                          where: str = "i analysen") -> QMessageBox.StandardButton:
        box = QMessageBox(QMessageBox.Icon.Warning, "Allt är inte sparat",
                          f"Det här står {where} men finns inte i granskningsfilen:", parent=self)
        advice = ("Spara försöker spara en gång till. " if can_retry else "") + \
            "Med Spara inte försvinner just det här; allt annat finns redan i filen. Avbryt tar dig tillbaka " \
            f"{'till analysen' if where == 'i analysen' else 'till akten'} så att du kan rätta det."
        box.setInformativeText("\n".join(f"• {p}" for p in problems) + "\n\n" + advice)
        buttons = QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
        if can_retry:
            buttons |= QMessageBox.StandardButton.Save
        box.setStandardButtons(buttons)
        box.button(QMessageBox.StandardButton.Discard).setText("Spara inte")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return QMessageBox.StandardButton(box.exec())

    def save_waiting(self) -> None:
        """Save what is typed and not yet saved (a comment field, analysis text within its last
        moment) without asking anything: the system is ending the program or the session."""
        focus = self.focusWidget()
        if focus is not None:
            focus.clearFocus()
        if self._analysis is not None:
            self._analysis.flush()

    def closeEvent(self, event: QCloseEvent) -> None:
        focus = self.focusWidget()
        if focus is not None:
            focus.clearFocus()  # lets an open comment field finish (and save) first
        if not self.may_leave_analysis():
            event.ignore()
            return
        self.settings.set_window_place(WINDOW_NAME, remembered_place(self))
        self._close_session()
        event.accept()


SHORTCUTS_TEXT = """I ärendelistan
  Enter – granska vald akt
  ↑ / ↓ – välj akt

När du granskar en akt
  J eller 1 – Ja
  N eller 2 – Nej
  X eller 3 – X (ej aktuellt)
  Delete – ta bort svaret
  ↑ / ↓ – föregående / nästa fråga
  F1 eller H – hjälptext och lagrum
  K – kommentar (Enter sparar, Esc tillbaka till frågan)
  Ctrl+Z – ångra den senaste ändringen i akten som visas
  Ctrl+Enter – markera akten som klar
  Ctrl+→ / Ctrl+← – nästa / föregående akt
  Esc – tillbaka till ärendelistan

Överallt
  Ctrl+1 – ärendelistan
  Ctrl+2 – resultat
  Ctrl+3 – analys och förbättringsaktiviteter
  Ctrl+E – exportera enhetsrapport (Excel och pdf)
  Ctrl+O – öppna fil
  Ctrl+Q – avsluta (allt är redan sparat)"""
