"""Writing one granskning's schema on the server with several clients at once.

Every writing transaction first takes the granskning's advisory lock, so its writers are
serialised (other granskningar are not held up). Under the lock it records this client's own
changes against the heads *this client* had seen — its in-memory change log, before it takes in
what others committed since — so two people changing the same answer from the same state are a
conflict both see, never a silent overwrite. Then it takes in the others' changes and writes the
merged state of what either touched back into the tables, all in the one transaction. So after
every commit the server's tables are the merge of every change on the server, and a reader (or a
download) needs no merging.

The `changes` table is append-only (nothing in the program updates or deletes a change row), and
every writer's rows are known to it, so comparing per writer how many rows the server has with how
many this client knows finds what is new without reading the whole log again.

Presence is shared: each client upserts its own row (its writer id, fresh per opened session) and
deletes only that row when it leaves; others' rows expire by their heartbeat.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, insert, text
from sqlalchemy.exc import SQLAlchemyError

from aktgranskning.domain.changes import PER_CASE, Change, ChangeLog, Presence, Register
from aktgranskning.storage.change_recorder import ChangeRecorder, changes_of_rows, read_changes, read_presence
from aktgranskning.storage.registers import materialise
from aktgranskning.storage.server_address import ServerAddress, ServerProblem, connection_problem
from aktgranskning.storage.store import ReviewStore, ReviewTransaction
from aktgranskning.storage.tables import CHANGES, PRESENCE

OnChanged = Callable[[Connection], None]

# Fixed statements (one text each, so the server prepares them once per connection).
_SQL_COUNTS = text("SELECT writer, count(*) FROM changes GROUP BY writer")
_SQL_CHANGES_SINCE = text(
    "SELECT c.* FROM changes c JOIN unnest(CAST(:writers AS text[]), CAST(:since AS text[])) AS s(writer, since) "
    "ON c.writer = s.writer AND c.at >= s.since")


def granskning_lock_key(schema: str) -> int:
    """A signed 64-bit advisory lock key from the schema name (the catalog's own key is 32-bit,
    so it cannot collide with one of these but by a 1 in 2**32 chance of the top half being 0)."""
    digest = hashlib.sha256(f"aktgranskning/{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_granskning(connection: Connection, schema: str) -> None:
    """Until the transaction ends, nobody else writes this granskning's tables."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": granskning_lock_key(schema)})


def may_write(connection: Connection, schema: str) -> bool:
    """Whether this login may add change rows to the granskning (a read-only grant may not)."""
    found = connection.execute(text("SELECT has_table_privilege(:table, 'INSERT')"),
                               {"table": f'"{schema}".changes'}).scalar()
    return bool(found)


@dataclass(frozen=True)
class Pulled:
    """What a read of the server found: changes this client did not know, everyone's presence."""

    changes: list[Change]
    presences: list[Presence]
    read_at: datetime
    problem: ServerProblem | None = None


@dataclass
class _Marks:
    """Per writer: how many of its changes this client knows and the latest `at` among them."""

    counts: dict[str, int] = field(default_factory=dict)
    latest: dict[str, str] = field(default_factory=dict)

    def add(self, changes: Iterable[Change]) -> None:
        for change in changes:
            self.counts[change.writer] = self.counts.get(change.writer, 0) + 1
            if change.at > self.latest.get(change.writer, ""):
                self.latest[change.writer] = change.at


def _to_merge_again(own: set[Register], others: set[Register]) -> set[Register]:
    """What to write again after taking in others' changes. Their writers wrote the merged state
    of their registers; this client merged its own changes from a log without them, which is out of
    date only for a register both changed and for an akt's own registers (status, bortfall,
    reserve) that someone else changed in an akt this client changed (an akt's row is worked out
    from the log's akt registers and the answers in the table, which others have already written)."""
    cases = {register.case_id for register in own if register.case_id is not None}
    return {r for r in others if r in own or (r.kind in PER_CASE and r.case_id in cases)}


class ServerTransaction(ReviewTransaction):
    """A transaction on the server: presence touches only this client's own row."""

    def __init__(self, connection: Connection, writer: str, recording: bool = False) -> None:
        super().__init__(connection, recording=recording)
        self.writer = writer

    def set_presence(self, presence: Presence | None) -> None:
        self.connection.execute(delete(PRESENCE).where(PRESENCE.c.writer == self.writer))
        if presence is not None:
            self.connection.execute(insert(PRESENCE).values(writer=self.writer, who=presence.who,
                                                            case_id=presence.case_id, heartbeat=presence.heartbeat))


class ServerStore(ReviewStore):
    """One granskning on the server, written by this client among others."""

    def __init__(self, label: Path, engine: Engine, address: ServerAddress, schema: str, writer: str,
                 on_changed: OnChanged | None = None) -> None:
        super().__init__(label, engine)
        self.address = address
        self.schema = schema
        self.writer = writer
        self.on_changed = on_changed
        self._marks = _Marks()

    def record_changes(self, recorder: ChangeRecorder) -> None:
        try:
            super().record_changes(recorder)
        except SQLAlchemyError as error:
            raise connection_problem(self.address, error) from error
        assert self.recorder is not None
        self._marks = _Marks()
        self._marks.add(self.recorder.log.changes())

    @contextmanager
    def transaction(self, writing: bool = False) -> Iterator[ReviewTransaction]:
        """A read sees one snapshot (REPEATABLE READ); a write holds the granskning's lock and
        ends with every change on the server merged into the tables."""
        if not writing or self.recorder is None:
            with self._problems(), self.engine.begin() as connection:
                if not writing:
                    connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
                yield ServerTransaction(connection, self.writer)
            return
        recorder = self.recorder
        added: list[Change] = []
        try:
            with self._problems(), self.engine.begin() as connection:
                lock_granskning(connection, self.schema)
                tx = ServerTransaction(connection, self.writer, recording=True)
                yield tx
                if tx.before or tx.forced:
                    added.extend(recorder.record(connection, tx.before, tx.forced, tx.author))
                if added:
                    self._marks.add(added)
                    others = self._unseen(connection)
                    self._marks.add(others)
                    again = _to_merge_again({c.register for c in added}, recorder.log.add(others))
                    added.extend(others)
                    if again:
                        materialise(connection, recorder.log, again, recorder.checklists)
                for finish in tx.finishing:
                    finish()
                if added and self.on_changed is not None:
                    self.on_changed(connection)
        except BaseException:
            if added:  # the server did not take them: neither does this client's log
                self._forget(added)
            raise

    @contextmanager
    def _problems(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as error:
            raise connection_problem(self.address, error) from error

    def _forget(self, changes: list[Change]) -> None:
        assert self.recorder is not None
        gone = {change.id for change in changes}
        self.recorder.log = ChangeLog(c for c in self.recorder.log.changes() if c.id not in gone)
        self._marks = _Marks()
        self._marks.add(self.recorder.log.changes())

    def _unseen(self, connection: Connection) -> list[Change]:
        """The changes on the server this client does not know (any thread: the log is only
        looked up, never iterated)."""
        log = self.recorder.log if self.recorder is not None else ChangeLog()
        counts = connection.execute(_SQL_COUNTS)
        behind = {writer: count for writer, count in counts if count > self._marks.counts.get(writer, 0)}
        if not behind:
            return []
        writers = list(behind)
        rows = connection.execute(_SQL_CHANGES_SINCE, {
            "writers": writers, "since": [self._marks.latest.get(w, "") for w in writers]})
        found = [c for c in changes_of_rows(rows) if c.id not in log]
        got = Counter(change.writer for change in found)
        short = [w for w, count in behind.items() if self._marks.counts.get(w, 0) + got[w] < count]
        if short:  # a writer's clock went back: read all of its changes
            known = {change.id for change in found}
            found += [c for c in read_changes(connection, CHANGES.c.writer.in_(short))
                      if c.id not in log and c.id not in known]
        return found

    def pull(self) -> Pulled:
        """A short read of what others did (safe in a worker thread; changes nothing here)."""
        try:
            with self.engine.begin() as connection:
                connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
                changes = self._unseen(connection)
                presences = read_presence(connection)
        except SQLAlchemyError as error:
            return Pulled([], [], datetime.now(), connection_problem(self.address, error))
        return Pulled(changes, presences, datetime.now())

    def take_pulled(self, changes: list[Change]) -> set[Register]:
        """Add what `pull` found to the log (on the thread that writes). The server's tables
        already hold their merged state: their writers wrote it."""
        if self.recorder is None:
            return set()
        new = [change for change in changes if change.id not in self.recorder.log]
        touched = self.recorder.log.add(new)
        self._marks.add(new)
        return touched

    def absorb(self, changes: list[Change]) -> set[Register]:
        raise RuntimeError("a server store takes in others' changes with pull and take_pulled")
