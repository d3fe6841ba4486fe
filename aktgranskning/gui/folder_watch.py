"""Watching the enhet's folder (or the server) for the other reviewers' work, without stalling the window.

Every `interval` ms the folder is read in a plain Python thread (`ReviewSession.read_folder`: a
listing, a `stat` per file and a read of the files that changed; it touches no database and no
widget). A short poll on the GUI thread picks the result up and hands it on (`arrived`), where
`take_in` merges it into the own file on the GUI thread. A read of a share that hangs never holds
up the window: the next read starts only when the last one is done, and the thread is a daemon, so
closing the program does not wait for it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from aktgranskning.logging_setup import log_unexpected

if TYPE_CHECKING:
    from aktgranskning.services.session import ReviewSession

READ_INTERVAL_MS = 1500
POLL_MS = 40
HEARTBEAT_MS = 30_000


class _Read:
    """One read in a worker thread; `contents` is set by the worker, read by the GUI thread
    only after `done` is set."""

    def __init__(self, session: ReviewSession) -> None:
        self.session = session
        self.contents: object | None = None  # FolderContents, or what the server gave (server_store.Pulled)
        self.failed: BaseException | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="läs-enhetens-mapp", daemon=True)

    def _run(self) -> None:
        try:
            self.contents = self.session.read_folder()
        except BaseException as error:
            self.failed = error
        finally:
            self.done.set()


class FolderWatch(QObject):
    arrived = Signal(object)  # what the session's link read, on the GUI thread
    heartbeat = Signal()
    read_failed = Signal(str)  # Swedish

    def __init__(self, parent: QObject | None = None, interval: int = READ_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.session: ReviewSession | None = None
        self._read: _Read | None = None
        self._again = False  # asked for a read while one was under way: start one when it is done
        self._tick = QTimer(self)
        self._tick.setInterval(interval)
        self._tick.timeout.connect(self.read_now)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)
        self._heart = QTimer(self)
        self._heart.setInterval(HEARTBEAT_MS)
        self._heart.timeout.connect(self.heartbeat.emit)

    @property
    def running(self) -> bool:
        """Reading the folder every `READ_INTERVAL_MS` and telling the others every `HEARTBEAT_MS`."""
        return self._tick.isActive() and self._heart.isActive()

    @property
    def reading(self) -> bool:
        return self._read is not None

    def follow(self, session: ReviewSession) -> None:
        """Watch the session's folder (nothing to watch without a link: a read-only view)."""
        self.stop()
        if session.link is None:
            return
        self.session = session
        self._tick.start()
        self._heart.start()

    def stop(self) -> None:
        self.session = None
        self._tick.stop()
        self._heart.stop()
        self._poll.stop()
        self._again = False
        self._read = None  # a read still running is left to finish; its result is dropped

    def read_now(self) -> None:
        """Start a read; when one is under way, another right after it (it may have listed the
        folder before the change that this read is asked for)."""
        if self.session is None or self.session.closed:
            return
        if self._read is not None:
            self._again = True
            return
        self._again = False
        self._read = _Read(self.session)
        self._read.thread.start()
        self._poll.start()

    def _collect(self) -> None:
        read = self._read
        if read is None:
            self._poll.stop()
            return
        if not read.done.is_set():
            return
        self._read = None
        self._poll.stop()
        if read.session is not self.session or read.session.closed:
            return  # another file was opened meanwhile
        if read.failed is not None:
            log_unexpected(read.failed, "läsa enhetens mapp")
            self.read_failed.emit("Enhetens mapp kunde inte läsas just nu; programmet försöker igen om en stund "
                                  "(felet finns i loggen).")
        elif read.contents is not None:
            self.arrived.emit(read.contents)
        if self._again:
            self.read_now()
