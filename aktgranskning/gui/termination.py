"""The program told to end by the system rather than by the person: SIGTERM (logging out,
shutting down, `kill`), SIGHUP (the terminal it was started from closes), Ctrl+C in that
terminal, or the session manager's request to save before the session ends. Each ends the
program as closing its windows does, after saving what was typed but not yet saved — analysis
text waits 0.7 s after the last key before it is saved, and a comment is saved when its field is
left; without this, text typed in the last moment before a logout would be lost.

Python runs a signal handler only when the interpreter gets control, which it does not while Qt
waits for events; `signal.set_wakeup_fd` writes a byte to a socket that Qt watches, so the loop
wakes up and the handler runs at once."""

from __future__ import annotations

import signal
import socket
from types import FrameType
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication

_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))


@runtime_checkable
class SavesWaiting(Protocol):
    def save_waiting(self) -> None:
        """Save what is typed and not yet saved, without asking anything."""


def save_every_window() -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    for widget in app.topLevelWidgets():
        if isinstance(widget, SavesWaiting):
            widget.save_waiting()


def end_like_closing() -> None:
    """What a termination signal does: save, then close every window as the person would (the
    window still asks when something could not be saved), and end the program."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    save_every_window()
    app.closeAllWindows()
    if not any(widget.isVisible() for widget in app.topLevelWidgets()):
        app.quit()


class _Watch:
    def __init__(self, app: QApplication) -> None:
        self.receiver, self.sender = socket.socketpair()
        self.receiver.setblocking(False)
        self.sender.setblocking(False)
        self.previous_fd = signal.set_wakeup_fd(self.sender.fileno())
        self.previous: dict[int, Any] = {number: signal.signal(number, self._noted) for number in _SIGNALS}
        self.requested = False
        self.notifier = QSocketNotifier(self.receiver.fileno(), QSocketNotifier.Type.Read)
        self.notifier.activated.connect(self._woken)
        app.commitDataRequest.connect(lambda _manager: save_every_window())
        app.aboutToQuit.connect(self.stop)

    def _noted(self, _number: int, _frame: FrameType | None) -> None:
        self.requested = True

    def _woken(self) -> None:
        try:
            while self.receiver.recv(64):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        if self.requested:
            self.requested = False
            end_like_closing()

    def stop(self) -> None:
        self.notifier.setEnabled(False)
        for number, handler in self.previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(self.previous_fd)
        self.receiver.close()
        self.sender.close()
        global _WATCH
        _WATCH = None


_WATCH: _Watch | None = None


def end_cleanly_on_termination(app: QApplication) -> None:
    """Install the handlers once per application (only from the main thread, where Python
    allows signal handlers)."""
    global _WATCH
    if _WATCH is None:
        _WATCH = _Watch(app)

