"""Starting the window: Swedish Qt texts, the style, the arguments (FIL or --demo)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from aktgranskning import __version__, cli_text
from aktgranskning.gui.error_report import ErrorReporter, WindowState, install_error_reporter
from aktgranskning.gui.termination import end_cleanly_on_termination
from aktgranskning.logging_setup import configure_logging
from aktgranskning.paths import resources_dir, user_config_dir, user_data_dir
from aktgranskning.services.settings import Settings
from aktgranskning.services.workspace import Workspace

if TYPE_CHECKING:
    from aktgranskning.gui.main_window import MainWindow


def parse_gui_arguments(argv: Sequence[str]) -> argparse.Namespace:
    cli_text.install()
    parser = argparse.ArgumentParser(prog="aktgranskning", description="Startar Aktgranskning.")
    parser.add_argument("fil", nargs="?", type=Path, metavar="FIL",
                        help="granskningsfil, eller omgång (.omgang), att öppna")
    parser.add_argument("--demo", action="store_true", help="skapa en ny demofil och öppna den")
    parser.add_argument("--skrivskyddad", action="store_true", help="öppna filen utan att kunna ändra den")
    server = parser.add_argument_group("på servern (i stället för FIL)")
    server.add_argument("--server", metavar="URL", help="anslut till förvaltningens server, "
                        "postgresql://användare@värd:port/databas (lösenordet tas ur nyckelringen eller frågas efter)")
    server.add_argument("--enhet", metavar="NAMN", help="öppna enhetens granskning på servern")
    server.add_argument("--ar", type=int, metavar="ÅR", help="granskningsåret (annars det senaste)")
    args = parser.parse_args(list(argv))
    if args.server is not None and (args.fil is not None or args.demo):
        parser.error("ange antingen en fil, --demo eller --server")
    if args.server is None and (args.enhet or args.ar is not None):
        parser.error("--enhet och --ar gäller granskningar på servern: ange också --server URL")
    return args


SWEDISH_TRANSLATOR = "aktgranskning-svenska"


def install_swedish(app: QApplication) -> list[QTranslator]:
    """Qt's own texts (Avbryt, Öppna …) in Swedish, from the translations shipped with PySide6.
    Installed once per application: every installation sends a LanguageChange to every widget."""
    QLocale.setDefault(QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden))
    installed = app.findChildren(QTranslator, SWEDISH_TRANSLATOR)
    if installed:
        return list(installed)
    translators = []
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_sv", "qt_sv"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            translator.setObjectName(SWEDISH_TRANSLATOR)
            app.installTranslator(translator)
            translators.append(translator)
    return translators


def apply_style(app: QApplication) -> None:
    """The program's style sheet. Setting it re-polishes every widget the application has, so
    setting the same sheet again (a second window in the same process) is skipped."""
    style = resources_dir() / "style.qss"
    if style.exists() and app.styleSheet() != (sheet := style.read_text(encoding="utf-8")):
        app.setStyleSheet(sheet)


def create_application(argv: Sequence[str] = ()) -> QApplication:
    app = QApplication.instance() or QApplication(["aktgranskning", *argv])
    assert isinstance(app, QApplication)
    app.setApplicationName("Aktgranskning")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Aktgranskning")
    install_swedish(app)
    apply_style(app)
    return app


def build_main_window() -> MainWindow:
    from aktgranskning.gui.main_window import MainWindow

    settings = Settings(user_config_dir() / "installningar.json")
    return MainWindow(Workspace(user_data_dir()), settings)


def launch_window(argv: Sequence[str]) -> tuple[QApplication, MainWindow] | None:
    """Everything up to the first page: the arguments, logging, the application, the main window
    shown, and the file (or demo) opened. Returns (app, window) ready for `app.exec()`, or None
    when the window could not be built (already reported). The start benchmark calls this too."""
    args = parse_gui_arguments(argv)
    try:
        configure_logging()
    except OSError:
        pass  # no log folder: errors are still shown; log_unexpected says the log is missing
    app = create_application()
    try:
        window = build_main_window()
    except Exception as error:  # the window could not be built: say so, never a traceback
        ErrorReporter(lambda: WindowState(None, "när programmet startade"), lambda: None).report(error)
        return None
    reporter = install_error_reporter(window)
    window.show()
    try:
        if args.demo:
            window.open_demo()
        elif args.server is not None:
            window.start_on_server(args.server, args.enhet, args.ar)
        elif args.fil is not None and args.fil.suffix.lower() == ".omgang":
            window.open_round(args.fil)
        elif args.fil is not None:
            window.open_file(args.fil, read_only=args.skrivskyddad)
    except Exception as error:  # not inside a slot, so sys.excepthook would not see it
        reporter.report(error)
    return app, window


def run_gui(argv: Sequence[str]) -> int:
    started = launch_window(argv)
    if started is None:
        return 1
    app, _window = started  # the window must stay referenced while the loop runs
    end_cleanly_on_termination(app)  # here, not in launch_window: tests and benchmarks keep their own
    return app.exec()
