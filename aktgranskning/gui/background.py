"""Long work off the GUI thread, in the spirit of Anki's `QueryOp`.

A *job* is a plain callable `job(progress, cancelled) -> result` that never touches a widget:
`progress(number, total, text)` is the callback the services already take (`build_summary`'s
`progress`), and `cancelled()` says whether the user pressed Avbryt. Once Avbryt is pressed the
next `progress(...)` call raises `Cancelled`, so a service that only reports progress stops at its
next step without knowing about cancelling. The job runs on a `QThreadPool` thread; the result, a
`UserError`'s Swedish message, a cancellation or an unexpected error comes back through a queued
signal and is handled on the GUI thread. While it runs, the controls that started it are disabled,
the window shows the busy cursor and the progress view shows what is being done.

Why a thread pool and not a `QThread` worker: every job is one call with no event loop of its own
and no state between calls; the pool keeps its threads and reuses them, and `QThreadPool.start`
takes a Python callable, so no `QRunnable` subclass (with its ownership rules) is needed. A job
that never reports progress (reading a case list) cannot be stopped midway; Avbryt lets the window
go on at once all the same, and the job's result is thrown away when it arrives.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.errors import UserError

T = TypeVar("T")
Progress = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]
Job = Callable[[Progress, CancelCheck], T]
Control = QWidget | QAction

CANCEL_TEXT = "Avbryt"
DIALOG_DELAY_MS = 400  # a window-level progress dialog appears only for work that takes this long
JOB_SWITCH_INTERVAL = 0.001  # seconds; see _CollectorPause
QUIT_WAIT_MS = 10_000  # when the program ends: how long a job may take to stop (or finish writing)


class Cancelled(Exception):
    """The user pressed Avbryt: raised from the job's next progress report."""


class ProgressView(Protocol):
    """Where an operation shows what it does (a panel in a dialog, or a progress dialog)."""

    def begin(self, text: str, cancel: Callable[[], None] | None) -> None: ...
    def step(self, number: int, total: int, text: str) -> None: ...
    def end(self) -> None: ...


class ProgressPanel(QWidget):
    """A progress bar, what is being done, and Avbryt; hidden while nothing runs. A job with no
    progress reports shows a moving bar (busy)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(name)
        self.bar.setTextVisible(True)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.cancel_button = QPushButton(CANCEL_TEXT)
        self.cancel_button.setAccessibleName(f"Avbryt {name.lower()}")
        self.cancel_button.clicked.connect(self._cancel_pressed)
        self._cancel: Callable[[], None] | None = None
        self._text = ""
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addLayout(row)
        self.hide()

    def begin(self, text: str, cancel: Callable[[], None] | None) -> None:
        self._cancel = cancel
        self._text = text
        self.label.setText(text)
        self.label.setVisible(bool(text))  # a page may say what is being done elsewhere
        self.bar.setRange(0, 0)  # busy until the first report
        self.bar.setFormat("")
        self.cancel_button.setVisible(cancel is not None)
        self.show()

    def step(self, number: int, total: int, text: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(number)
        self.bar.setFormat(f"{number} av {total}")
        self.label.setText(f"{self._text}\n{text}" if text else self._text)  # a long file name wraps here
        self.label.setVisible(bool(self.label.text()))

    def end(self) -> None:
        self._cancel = None
        self.hide()

    def _cancel_pressed(self) -> None:
        if self._cancel is not None:
            self._cancel()


class ProgressDialogView:
    """A window-modal progress dialog over `parent`'s window, shown only if the work takes longer
    than DIALOG_DELAY_MS, for work started from a menu (export, import)."""

    def __init__(self, parent: QWidget, title: str) -> None:
        self._parent = parent
        self._title = title
        self.dialog: QProgressDialog | None = None

    def begin(self, text: str, cancel: Callable[[], None] | None) -> None:
        dialog = QProgressDialog(text, CANCEL_TEXT if cancel else "", 0, 0, self._parent.window())
        dialog.setWindowTitle(self._title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(DIALOG_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if cancel is None:
            dialog.setCancelButton(None)  # type: ignore[arg-type]
        else:
            dialog.canceled.connect(cancel)
        dialog.setValue(0)  # starts the delay after which the dialog appears
        self.dialog = dialog

    def step(self, number: int, total: int, text: str) -> None:
        if self.dialog is not None:
            self.dialog.setMaximum(max(total, 1))
            self.dialog.setValue(number)
            if text:
                self.dialog.setLabelText(text)

    def end(self) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect()
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


@dataclass(frozen=True)
class _Outcome:
    result: Any = None
    error: BaseException | None = None


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues the call to the GUI thread."""

    progressed = Signal(int, int, str)
    done = Signal(object)


class _Holds:
    """Controls disabled and windows showing the busy cursor, counted, so that two operations
    started from the same control (one cancelled, the next started) hand it back only when the
    last one ends, and then as it was before the first."""

    def __init__(self) -> None:
        self._disabled: dict[int, tuple[Control, int, bool]] = {}
        self._busy: dict[int, tuple[QWidget, int]] = {}

    def disable(self, control: Control) -> None:
        _, count, enabled = self._disabled.get(id(control), (control, 0, control.isEnabled()))
        self._disabled[id(control)] = (control, count + 1, enabled)
        control.setEnabled(False)

    def release(self, control: Control) -> None:
        held, count, enabled = self._disabled.pop(id(control), (control, 1, True))
        if count > 1:
            self._disabled[id(control)] = (held, count - 1, enabled)
        elif shiboken6.isValid(control):
            control.setEnabled(enabled)

    def busy(self, window: QWidget) -> None:
        _, count = self._busy.get(id(window), (window, 0))
        self._busy[id(window)] = (window, count + 1)
        window.setCursor(Qt.CursorShape.BusyCursor)

    def idle(self, window: QWidget) -> None:
        held, count = self._busy.pop(id(window), (window, 1))
        if count > 1:
            self._busy[id(window)] = (held, count - 1)
        elif shiboken6.isValid(window):
            window.unsetCursor()


class _CollectorPause:
    """Python's cycle collector is paused while any job runs. A full collection holds the GIL
    while it walks every tracked object, and a job that builds 100 000 cases triggered six of
    them of 0.2–0.85 s each: the GUI thread stood still that long (benchmarks/gui_stalls.py).
    Objects are still freed by reference counting meanwhile. When the last job ends, what
    survived (the result the window now shows) is frozen (`gc.freeze`, as the start path does),
    so that no later collection on the GUI thread walks it either. The price: reference cycles
    that became garbage during a job are never collected (about 1 300 objects after a
    100 000-row preview).

    Meanwhile the GIL changes hands every JOB_SWITCH_INTERVAL instead of Python's 5 ms: the GUI
    thread gives the GIL up at every Qt call and otherwise waits that long to get it back from a
    busy job."""

    def __init__(self) -> None:
        self._jobs = 0
        self._was_enabled = True
        self._interval = sys.getswitchinterval()

    def job_started(self) -> None:
        if self._jobs == 0:
            self._was_enabled = gc.isenabled()
            gc.disable()
            self._interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._interval, JOB_SWITCH_INTERVAL))
        self._jobs += 1

    def job_ended(self) -> None:
        self._jobs -= 1
        if self._jobs == 0:
            gc.freeze()
            if self._was_enabled:
                gc.enable()
            sys.setswitchinterval(self._interval)


_HOLDS = _Holds()
_COLLECTOR = _CollectorPause()
_VIEW_USER: dict[int, BackgroundOperation[Any]] = {}  # which operation a progress view shows now

# Operations whose worker has not yet been handled on the GUI thread (a cancelled one included):
# kept alive here, so a relay is never collected while its worker may still emit.
_RUNNING: set[BackgroundOperation[Any]] = set()


def _finished_job(_progress: Progress, _cancelled: CancelCheck) -> Any:
    raise RuntimeError("operation already finished")


def _ignore(_result: Any) -> None:
    pass


_quit_hooked = False


def _stop_jobs_when_quitting() -> None:
    """When the event loop ends, cancel what runs and wait for the pool's threads, so that no job
    still runs Python while the interpreter shuts down; a job that writes (not cancellable)
    finishes its file."""
    global _quit_hooked
    app = QCoreApplication.instance()
    if _quit_hooked or app is None:
        return
    _quit_hooked = True

    def stop() -> None:
        pools = {id(op._pool): op._pool for op in _RUNNING}
        for op in list(_RUNNING):
            op.cancel()
        for pool in pools.values():
            pool.waitForDone(QUIT_WAIT_MS)

    app.aboutToQuit.connect(stop)


def report_unexpected(error: BaseException) -> None:
    """An unexpected error goes where an error in a slot goes: the window's error report
    (`gui.error_report`, installed as sys.excepthook), never a traceback in front of the user."""
    sys.excepthook(type(error), error, error.__traceback__)


class BackgroundOperation(QObject, Generic[T]):
    """One job off the GUI thread. `finished` is emitted on the GUI thread after the outcome
    (success, user error, cancellation or unexpected error) has been handled."""

    finished = Signal()

    def __init__(
        self,
        job: Job[T],
        *,
        on_success: Callable[[T], None],
        owner: QWidget,
        controls: Sequence[Control] = (),
        progress: ProgressView | None = None,
        text: str = "Arbetar …",
        error_title: str = "Det gick inte",
        on_error: Callable[[UserError], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        cancellable: bool = True,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__()
        self._job = job
        self._on_success = on_success
        self._owner: QWidget | None = owner
        self._controls: list[Control] = list(controls)
        self._progress: ProgressView | None = progress
        self._text = text
        self._error_title = error_title
        self._on_error = on_error
        self._on_cancelled = on_cancelled
        self._cancellable = cancellable
        self._pool = pool or QThreadPool.globalInstance()
        self._cancel_event = threading.Event()
        self._cursor_window: QWidget | None = None
        self._relay = _Relay()
        self._relay.progressed.connect(self._show_step)
        self._relay.done.connect(self._handle)
        self.running = False
        self.outcome: str = ""  # "klar", "fel", "avbruten" or "oväntat fel" once finished

    # --- GUI thread ------------------------------------------------------------------------------
    def start(self) -> BackgroundOperation[T]:
        if self.running:
            raise RuntimeError("operation already running")
        self.running = True
        _RUNNING.add(self)
        _COLLECTOR.job_started()
        _stop_jobs_when_quitting()
        for control in self._controls:
            _HOLDS.disable(control)
        assert self._owner is not None
        self._cursor_window = self._owner.window()
        _HOLDS.busy(self._cursor_window)
        if self._progress is not None:
            _VIEW_USER[id(self._progress)] = self
            self._progress.begin(self._text, self.cancel if self._cancellable else None)
        self._pool.start(self._work)
        return self

    def cancel(self) -> None:
        """Stop: the window goes on at once (controls back, `on_cancelled`, `finished`), and the
        job stops at its next progress report; whatever it returns is thrown away. Only jobs that
        write nothing are cancellable, so nothing is left half-written; for the others (started
        with cancellable=False) this does nothing and the writing finishes."""
        if not self.running or not self._cancellable or self._cancel_event.is_set():
            return
        self._cancel_event.set()
        self._finish(_Outcome(error=Cancelled()))

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_event.is_set()

    def _show_step(self, number: int, total: int, text: str) -> None:
        if self.running and self._progress is not None and not self._cancel_event.is_set() \
                and _VIEW_USER.get(id(self._progress)) is self:
            self._progress.step(number, total, text)

    def _handle(self, outcome: _Outcome) -> None:
        """The worker is done (its outcome queued to the GUI thread)."""
        _RUNNING.discard(self)
        _COLLECTOR.job_ended()
        if self.running:  # not cancelled before
            self._finish(outcome)

    def _finish(self, outcome: _Outcome) -> None:
        self.running = False
        self._restore()
        error = outcome.error
        if isinstance(error, Cancelled) or (error is None and self._cancel_event.is_set()):
            self.outcome = "avbruten"
            self._call(self._on_cancelled)
        elif isinstance(error, UserError):
            self.outcome = "fel"
            self._show_error(error)
        elif error is not None:
            self.outcome = "oväntat fel"
            report_unexpected(error)
        else:
            self.outcome = "klar"
            if self._owner_alive():
                self._on_success(outcome.result)
        self._forget_callbacks()
        self.finished.emit()

    def _forget_callbacks(self) -> None:
        """The window keeps its last operation; the operation must not keep the window (through
        bound methods) in a reference cycle, which the frozen collector would never break."""
        self._job = _finished_job
        self._on_success = _ignore
        self._on_error = self._on_cancelled = None
        self._owner = None
        self._controls = []
        self._progress = None

    def _call(self, callback: Callable[[], None] | None) -> None:
        if callback is not None and self._owner_alive():
            callback()

    def _owner_alive(self) -> bool:
        return self._owner is not None and shiboken6.isValid(self._owner)

    def _show_error(self, error: UserError) -> None:
        if self._owner is None or not shiboken6.isValid(self._owner):
            return
        if self._on_error is not None:
            self._on_error(error)
            return
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self._owner.window(), self._error_title, error.message)

    def _restore(self) -> None:
        for control in self._controls:
            _HOLDS.release(control)
        if self._cursor_window is not None:
            _HOLDS.idle(self._cursor_window)
        self._cursor_window = None
        if self._progress is not None and _VIEW_USER.get(id(self._progress)) is self:
            del _VIEW_USER[id(self._progress)]
            try:
                self._progress.end()
            except RuntimeError:  # its widget went with a closed window
                pass

    # --- worker thread: no widget is touched here ------------------------------------------------
    def _work(self) -> None:
        try:
            outcome = _Outcome(result=self._job(self._report, self._cancel_event.is_set))
        except BaseException as error:  # every failure is handled on the GUI thread
            outcome = _Outcome(error=error)
        self._relay.done.emit(outcome)

    def _report(self, number: int, total: int, text: str) -> None:
        if self._cancel_event.is_set():
            raise Cancelled()
        self._relay.progressed.emit(number, total, text)


def run_in_background(job: Job[T], *, on_success: Callable[[T], None], owner: QWidget,
                      **options: Any) -> BackgroundOperation[T]:
    """Start `job` off the GUI thread; see BackgroundOperation for the options."""
    return BackgroundOperation(job, on_success=on_success, owner=owner, **options).start()



def running_operations() -> list[BackgroundOperation[Any]]:
    """The operations started and not yet finished (for closing the window, and for tests)."""
    return list(_RUNNING)


def discard_in_background(result: object) -> None:
    """Free a large result (a 100 000-case sample, a 300-file summary) off the GUI thread.

    Freeing it where the last reference goes runs one chain of deallocations in C that holds the
    GIL until the whole structure is gone: 0.2–0.4 s for those results, during which the GUI thread
    stands still. Here a pool thread takes the structure apart one object at a time — each object's
    children are held before the object is dropped, so every step frees one object — and the GIL
    can pass to the GUI thread between steps. An object someone else still refers to is left alone.
    The caller must keep no reference; the work starts once the current slot has returned."""
    box = [result]
    del result
    QTimer.singleShot(0, lambda: QThreadPool.globalInstance().start(lambda: _dismantle(box)))


def _dismantle(box: list[object]) -> None:
    stack = [box.pop()]
    steps = 0
    while stack:
        item = stack.pop()
        # 2 = the name `item` and getrefcount's argument: nothing outside this loop holds it
        if sys.getrefcount(item) == 2 and not isinstance(item, type):
            stack.extend(gc.get_referents(item))
        del item
        steps += 1
        if steps % 64 == 0:
            time.sleep(0)  # hands the GIL to the GUI thread if it waits, instead of after 5 ms


def wait_until_idle(timeout_ms: int = 60_000) -> bool:
    """For scripts, tests and benchmarks that drive the window (never for the window itself): run
    the event loop until every background operation has been handled and what was waiting has
    been delivered, painting included. False if `timeout_ms` passed first."""
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_ms / 1000

    def check() -> None:
        if not _RUNNING or time.monotonic() > deadline:
            poll.stop()
            QTimer.singleShot(0, loop.quit)  # after what is already posted

    poll = QTimer()
    poll.setInterval(5)
    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    return not _RUNNING
