"""Turning what a writer did in a transaction into changes (domain.changes), and taking in the
changes of others — both inside the transaction that the file publishes whole.

The services change the tables as they always have (an answer row, a case's status, an analysis
text). The transaction notes each register it touches and its value before; at the end the
recorder compares, writes one change per register whose value differs (replacing the heads the
writer had, i.e. what its screen showed) and writes the merged state back over the tables, so a
writer's tables are always the enhet's first state with the heads of every known change over it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, delete, insert, select

from aktgranskning.domain.case import CaseStatus
from aktgranskning.domain.changes import Change, ChangeLog, Kind, Presence, Register, encode
from aktgranskning.domain.checklist import Checklist
from aktgranskning.storage.registers import driver_connection, materialise, read_register, storable_row
from aktgranskning.storage.tables import CHANGES, PRESENCE


def change_time() -> str:
    """Milliseconds, so that one person's quick changes keep their order on every computer."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def read_changes(connection: Connection, where: ColumnElement[bool] | None = None) -> list[Change]:
    query = select(CHANGES) if where is None else select(CHANGES).where(where)
    return changes_of_rows(connection.execute(query))


def changes_of_rows(rows: Iterable[object]) -> list[Change]:
    """Change rows as read (every column of `changes`) to changes."""
    return [_change_from_row(row) for row in rows]


def read_presence(connection: Connection) -> list[Presence]:
    return [Presence(r.writer, r.who, r.case_id, r.heartbeat) for r in connection.execute(select(PRESENCE))]


_SQL_INSERT_CHANGE = ("INSERT INTO changes (id, writer, at, who, register, value, old_value, replaces) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


def insert_changes(connection: Connection, changes: Iterable[Change]) -> None:
    rows = [storable_row((change.id, change.writer, change.at, change.who, change.register.text, change.value,
                          change.old_value, json.dumps(sorted(change.replaces)))) for change in changes]
    if rows:
        driver_connection(connection).executemany(_SQL_INSERT_CHANGE, rows)


def write_presence(connection: Connection, presence: Presence | None) -> None:
    connection.execute(delete(PRESENCE))
    if presence is not None:
        connection.execute(insert(PRESENCE).values(writer=presence.writer, who=presence.who,
                                                   case_id=presence.case_id, heartbeat=presence.heartbeat))


def _change_from_row(row: object) -> Change:
    return Change(
        id=row.id, writer=row.writer, at=row.at, who=row.who,  # type: ignore[attr-defined]
        register=Register.parse(row.register),  # type: ignore[attr-defined]
        value=row.value, old_value=row.old_value,  # type: ignore[attr-defined]
        replaces=frozenset(json.loads(row.replaces)),  # type: ignore[attr-defined]
    )


_DECIDED_STATUSES = frozenset({encode(CaseStatus.DONE.value), encode(CaseStatus.DROPOUT.value)})


def follows_from_answers(register: Register, old: str, new: str) -> bool:
    """Ej påbörjad ↔ pågående is no one's decision: it follows from the answers (and is worked out
    again when changes are merged, domain.review.merged_status). Recording it would make every two
    reviewers who answer in the same akt "change" its status, and marking the akt klar would
    conflict with another's answer given in it. Klar and bortfall, and taking them back, are
    decisions and are recorded."""
    return register.kind is Kind.STATUS and old not in _DECIDED_STATUSES and new not in _DECIDED_STATUSES


class ChangeRecorder:
    """The change log of a file this program writes, kept in memory beside its tables."""

    def __init__(self, writer: str, who: str, checklists: dict[str, Checklist]) -> None:
        self.writer = writer
        self.who = who
        self.checklists = checklists
        self.log = ChangeLog()

    def load(self, connection: Connection) -> None:
        self.log = ChangeLog(read_changes(connection))

    def record(self, connection: Connection, before: dict[Register, str], forced: dict[Register, str],
               author: tuple[str, str | None] | None = None) -> list[Change]:
        """The changes the transaction made, written to the file and merged into the tables.
        `author` is who made them and when, when that is not this writer now (an import)."""
        who, at = author if author is not None else (self.who, None)
        at = at or change_time()
        made = []
        for register, old in before.items():
            new = read_register(connection, register)
            if (new == old or follows_from_answers(register, old, new)) and register not in forced:
                continue
            made.append(self._change(register, new, old, who, at))
        for register, old in forced.items():
            if register not in before:
                made.append(self._change(register, read_register(connection, register), old, who, at))
        insert_changes(connection, made)
        touched = self.log.add(made)
        own = [] if forced else made  # a decision may settle a conflict: merge it in full
        materialise(connection, self.log, touched, self.checklists, own=own)
        return made

    def _change(self, register: Register, value: str, old: str, who: str, at: str) -> Change:
        state = self.log.state(register)
        return Change(uuid.uuid4().hex, self.writer, at, who, register, value, old,
                      state.head_ids if state else frozenset())

    def absorb(self, connection: Connection, changes: Iterable[Change]) -> set[Register]:
        """Take in changes from other files; return the registers whose merged value may differ."""
        new = [change for change in changes if change.id not in self.log]
        new = list({change.id: change for change in new}.values())
        insert_changes(connection, new)
        touched = self.log.add(new)
        materialise(connection, self.log, touched, self.checklists)
        return touched
