"""Unexpected errors in the window: a Swedish dialog naming the open file and the step, the stack in
the log, and the program keeps running. Installed as sys.excepthook, which PySide6 calls for an
exception that leaves a slot."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QMenu, QMessageBox, QWidget

from aktgranskning.domain.steps import step_of
from aktgranskning.logging_setup import log_unexpected

TITLE = "Ett oväntat fel inträffade"

# The window's pages by class, as the user knows them, with the preposition Swedish puts before.
_PAGE_NAMES = {
    "StartPage": "på startsidan",
    "CaseListPage": "i ärendelistan",
    "ReviewPage": "i granskningen av en akt",
    "ResultsPage": "på resultatsidan",
    "AnalysisPage": "i analysen och förbättringsaktiviteterna",
    "SummaryDialog": "i sammanställningen",
    "SamplingDialog": "i urvalet",
}
IN_THE_WINDOW = "i fönstret"


@dataclass(frozen=True)
class WindowState:
    open_file: Path | None
    place: str  # where in the window: "i ärendelistan"
    last_choice: str = ""  # the menu item or button the user chose last: "Resultat"


class LastChoice(QObject):
    """Remembers the last menu item, shortcut or button the user chose — the step, as the user
    sees it, that an error in the slot behind it belongs to. Only the program's own labels are
    kept, never typed text."""

    _KINDS = (QEvent.Type.Shortcut, QEvent.Type.MouseButtonRelease)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._KINDS:
            try:
                label = _label_of(watched)
                if label:
                    self.label = label
            except Exception:
                pass
        return False


def _label_of(watched: QObject) -> str:
    if isinstance(watched, QAction):
        return _plain(watched.text())
    if isinstance(watched, QMenu) and watched.activeAction() is not None:
        return _plain(watched.activeAction().text())
    if isinstance(watched, QAbstractButton):
        return _plain(watched.text() or watched.accessibleName())
    return ""


def _plain(label: str) -> str:
    """A label without its mnemonic ampersands and trailing dots: "Ö&ppna granskningsfil…"."""
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()


def place_of(widget: QWidget | None) -> str:
    """The page or dialog the user was in, by the nearest known widget class."""
    current = widget
    while current is not None:
        name = _PAGE_NAMES.get(type(current).__name__)
        if name:
            return name
        current = current.parentWidget()
    return IN_THE_WINDOW


def unexpected_error_text(error: BaseException, state: WindowState, log_path: Path | None) -> str:
    step = step_of(error)
    kind = type(error).__name__
    if step is not None:
        what = f"Programmet {step.failed_text()} {state.place}: oväntat fel ({kind})."
    else:
        after = f", när du valde ”{state.last_choice}”" if state.last_choice else ""
        what = f"Ett oväntat fel ({kind}) inträffade {state.place}{after}."
    if state.open_file is not None:
        file_text = (f"Öppen granskningsfil: {state.open_file}. Alla svar som visats som sparade finns i "
                     "filen; kontrollera det senaste du gjorde innan du fortsätter.")
    else:
        file_text = "Ingen granskningsfil var öppen."
    logged = f"Detaljer finns i loggen: {log_path}" if log_path else "Loggen kunde inte skrivas."
    return f"{what}\n\n{file_text}\n\nProgrammet fortsätter. {logged}"


class ErrorReporter:
    """sys.excepthook for the window. One dialog at a time: an error while it is shown (a paint
    event failing again and again) is only logged."""

    def __init__(self, state: Callable[[], WindowState], parent: Callable[[], QWidget | None]) -> None:
        self._state = state
        self._parent = parent
        self._showing = False
        self.last_choice: LastChoice | None = None

    def __call__(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if isinstance(error, KeyboardInterrupt):  # Ctrl+C in the terminal that started the window
            QApplication.closeAllWindows()
            return
        if trace is not None and error.__traceback__ is None:
            error = error.with_traceback(trace)
        self.report(error)

    def report(self, error: BaseException) -> None:
        try:
            state = self._state()
        except Exception:
            state = WindowState(None, IN_THE_WINDOW)
        log_path = log_unexpected(error, where=f"fönstret, {state.place}")
        if self._showing:
            return
        self._showing = True
        try:
            box = QMessageBox(QMessageBox.Icon.Critical, TITLE, unexpected_error_text(error, state, log_path),
                              QMessageBox.StandardButton.Ok, self._parent())
            box.setObjectName("unexpectedErrorBox")
            box.exec()
        except Exception:
            pass  # the dialog itself failed: the error is in the log, and the window keeps running
        finally:
            self._showing = False


def install_error_reporter(window: QWidget) -> ErrorReporter:
    """Report unexpected errors in `window` (a MainWindow: its `session` names the open file)."""

    last_choice = LastChoice(window)  # removed from the application with the window
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(last_choice)

    def state() -> WindowState:
        session = getattr(window, "session", None)
        place = place_of(QApplication.activeModalWidget() or QApplication.focusWidget())
        pages = getattr(window, "pages", None)
        if place == IN_THE_WINDOW and pages is not None:
            place = place_of(pages.currentWidget())
        return WindowState(session.path if session is not None else None, place, last_choice.label)

    reporter = ErrorReporter(state, lambda: window if window.isVisible() else None)
    reporter.last_choice = last_choice  # kept alive with the reporter
    sys.excepthook = reporter
    return reporter
