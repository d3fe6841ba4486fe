"""Reviewing a granskning on the server, several reviewers at once.

`open_server_session` gives the same `ReviewSession` a file gives, over a `ServerStore`
(storage/server_store.py: writes serialised per granskning by an advisory lock, each recorded
against what this client had seen, so the same answer changed by two is a conflict). Its
`ServerLink` gives the session and the window what `EnhetLink` gives for a folder: who is where,
the others' work read in a worker thread and taken in on the window's thread, notices and a
status line. A login that may only read gets the read-only session of `open_on_server`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from aktgranskning.domain.changes import Presence, Register, fresh_presences
from aktgranskning.domain.errors import UserError
from aktgranskning.services import server
from aktgranskning.services.enhet_link import PRESENCE_SECONDS
from aktgranskning.services.session import ReviewSession
from aktgranskning.storage.change_recorder import ChangeRecorder, change_time
from aktgranskning.storage.server_address import ServerAddress, ServerProblem, server_engine
from aktgranskning.storage.server_catalog import Granskning
from aktgranskning.storage.server_store import Pulled, ServerStore, may_write
from aktgranskning.storage.store import ReviewStore


@dataclass
class ServerLink:
    """The session's tie to the others on the server."""

    store: ServerStore
    address: ServerAddress
    granskning: Granskning
    open_case: int | None = None
    presences: list[Presence] = field(default_factory=list)
    others_read_at: datetime | None = None
    problem: ServerProblem | None = None  # the last read failed: the server is out of reach
    failing_since: datetime | None = None

    @property
    def writer(self) -> str:
        return self.store.writer

    @property
    def offline(self) -> bool:
        return self.problem is not None

    def read(self) -> Pulled:
        return self.store.pull()

    def take_in(self, store: ReviewStore, contents: object) -> set[Register]:
        if not isinstance(contents, Pulled):
            raise TypeError(f"not what the server gave: {contents!r}")
        now = change_time()
        if contents.problem is not None:
            if self.problem is None:
                self.failing_since = contents.read_at
            self.problem = contents.problem
            self.presences = fresh_presences(self.presences, now, PRESENCE_SECONDS)
            return set()
        self.problem, self.failing_since = None, None
        self.others_read_at = contents.read_at
        others = [p for p in contents.presences if p.writer != self.writer]
        self.presences = fresh_presences(others, now, PRESENCE_SECONDS)
        return self.store.take_pulled(contents.changes)

    def present_in(self, case_id: int) -> list[Presence]:
        return [p for p in self.presences if p.case_id == case_id]

    def notices(self) -> list[str]:
        if self.problem is None:
            return []
        read = f"kl. {self.others_read_at:%H:%M}" if self.others_read_at else "inte än"
        return [f"Servern {self.address.host} går inte att nå just nu. Det som står som sparat finns på servern; "
                f"nya svar sparas först när den svarar igen. Andras svar hämtade {read}. ({self.problem.message})"]

    def status_line(self) -> str:
        if self.problem is not None:
            since = self.failing_since
            return f"servern svarar inte sedan kl. {since:%H:%M:%S}" if since else "servern svarar inte"
        return f"hämtat från servern kl. {self.others_read_at:%H:%M:%S}" if self.others_read_at else ""

    def close(self) -> None:
        """Nothing to release: the store's connections close with the store."""


def _result_hooks(granskning: Granskning) -> Callable[[Connection], None]:
    def changed(connection: Connection) -> None:
        for hook in server.ON_CHANGED_GRANSKNING:
            hook(connection, granskning)
    return changed


def open_server_session(address: ServerAddress, unit: str, year: int, reviewer: str) -> ReviewSession:
    """The granskning for review on the server (several reviewers at once); read-only when the
    login may only read it."""
    from aktgranskning.services.server_login import stored_password

    with server.on_server(address) as connection:
        granskning = server.find_on_server(connection, address, unit, year)
        writable = may_write(connection, granskning.schema)
    if not writable:
        session = server.open_on_server(address, unit, year)
        session.notes = [f"Du kan bara läsa {granskning.display_name} på servern; be den som förvaltar servern "
                         "om behörighet att granska (aktgranskning server bevilja)."]
        return session
    engine = server_engine(address, stored_password(address), granskning.schema, pooled=True)
    store = ServerStore(server.server_label(address, granskning), engine, address, granskning.schema,
                        uuid.uuid4().hex, _result_hooks(granskning))
    session = server.session_over(store, server.ServerOrigin(address, granskning), reviewer)
    try:
        store.record_changes(ChangeRecorder(store.writer, session.reviewer, session.checklists))
    except UserError:  # the server's own words, as connection_problem gives them
        store.close()
        raise
    link = ServerLink(store, address, granskning)
    session.link = link
    session.sources = 1
    session.take_in(link.read())
    return session
