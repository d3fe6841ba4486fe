"""The registers of domain.changes as rows of a granskningsfil: read one, write one, and bring the
tables up to date with the merged changes (`materialise`).

The tables of every file are the enhet's first state (as created) with the heads of every changed
register written over it. A register nobody changed keeps the value it was created with in every
file, so the tables of any file of the enhet, with the union of the changes written over them,
are the same everywhere.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from aktgranskning.domain.analysis import ANALYSIS_FIELDS, ActivityStatus
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason
from aktgranskning.domain.changes import Change, ChangeLog, Kind, Register, RegisterState, decode, encode
from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.review import merged_status
from aktgranskning.storage.driver import DriverConnection, statements_of
from aktgranskning.storage.engine import storable
from aktgranskning.storage.tables import ACTIVITIES, ANALYSIS, ANSWERS, CASES, META

_ANSWER_VALUES = {a.value for a in Answer}
_STATUS_VALUES = {s.value for s in CaseStatus}
_REASON_VALUES = {r.value for r in DropoutReason}
_ACTIVITY_KEYS = {"activity", "linked", "responsible", "due", "follow_up", "status", "from_year", "question_ids"}
# Changes written before schema 0004 have no question ids: they read as none.
_OLDER_ACTIVITY_KEYS = _ACTIVITY_KEYS - {"question_ids"}
MAX_QUESTION_IDS = 200  # per activity; a checklist has some 30 questions
MAX_QUESTION_ID_LENGTH = 200  # as answers.question_id
GOOD_KEY = "troskel_gron"
FAIR_KEY = "troskel_gul"


def change_value_problem(register: Register, value: Any) -> str:
    """Why `value` cannot be a value of the register (Swedish), or '' when it can."""
    kind = register.kind
    if kind is Kind.ANSWER:
        return "" if value is None or value in _ANSWER_VALUES else "inget av Ja, Nej, X eller tomt"
    if kind in (Kind.COMMENT, Kind.ANALYSIS):
        if kind is Kind.ANALYSIS and register.name not in ANALYSIS_FIELDS:
            return "okänt fält"
        return "" if isinstance(value, str) else "ingen text"
    if kind is Kind.STATUS:
        return "" if value in _STATUS_VALUES else "okänd status"
    if kind is Kind.DROPOUT:
        ok = (isinstance(value, list) and len(value) == 2 and (value[0] is None or value[0] in _REASON_VALUES)
              and isinstance(value[1], str))
        return "" if ok else "ingen orsak och text"
    if kind is Kind.RESERVE:
        return "" if value is None or (type(value) is int and value > 0) else "inget akt-id"
    if kind is Kind.THRESHOLDS:
        ok = isinstance(value, list) and len(value) == 2 and all(type(v) is int and 0 <= v <= 100 for v in value)
        return "" if ok else "inga två gränser 0–100"
    if not isinstance(value, list) or len(value) > 10_000:
        return "ingen lista"
    for item in value:
        if not isinstance(item, dict) or set(item) not in (_ACTIVITY_KEYS, _OLDER_ACTIVITY_KEYS):
            return "en aktivitet har fel delar"
        if question_ids_problem(item.get("question_ids", [])):
            return "en aktivitet har frågor som inte är fråge-id"
        if item["status"] not in {s.value for s in ActivityStatus}:
            return "en aktivitet har okänd status"
        texts = ("activity", "linked", "responsible", "due", "follow_up")
        if not all(isinstance(item[k], str) for k in texts) or not (
                item["from_year"] is None or type(item["from_year"]) is int):
            return "en aktivitet har fel sorts värde"
        if item["due"]:
            try:
                date.fromisoformat(item["due"])
            except ValueError:
                return "en aktivitet har ett datum som inte är ett datum"
    return ""


# --- reading a register from the tables ----------------------------------------------------------

def read_register(connection: Connection, register: Register) -> str:
    """The register's value in the tables now, as canonical JSON."""
    return encode(_read_value(connection, register))


def driver_connection(connection: Connection) -> DriverConnection:
    """The sqlite3 connection under a SQLAlchemy one, in the same transaction. The statements a
    key press runs go straight to it: through SQLAlchemy each costs some 100 µs of bookkeeping,
    more than SQLite needs to run it on the in-memory database. On the server (PostgreSQL) the
    same statements run on psycopg's connection (storage/driver.py)."""
    raw = connection.connection.driver_connection
    if isinstance(raw, sqlite3.Connection):
        return raw
    return statements_of(raw)


def storable_row(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Parameters for a statement run on the driver connection, cleaned as the writer engine
    cleans every parameter (storage.engine.storable)."""
    return tuple(storable(value) for value in values)


# The answer path's statements, as SQL for the driver connection (see driver_connection).
_SQL_ANSWER_ROW = "SELECT answer, comment FROM answers WHERE case_id = ? AND question_id = ?"
_SQL_DELETE_ROW = "DELETE FROM answers WHERE case_id = ? AND question_id = ?"
_SQL_UPDATE_ROW = ("UPDATE answers SET answer = ?, comment = ?, reviewer = ?, answered_at = ? "
                   "WHERE case_id = ? AND question_id = ?")
_SQL_INSERT_ROW = ("INSERT INTO answers (answer, comment, reviewer, answered_at, case_id, question_id) "
                   "VALUES (?, ?, ?, ?, ?, ?)")
_SQL_STAMP_ROW = "UPDATE answers SET reviewer = ?, answered_at = ? WHERE case_id = ? AND question_id = ?"
_SQL_DELETE_EMPTY_ROW = ("DELETE FROM answers WHERE case_id = ? AND question_id = ? AND answer IS NULL "
                         "AND comment = ''")
_SQL_CASE = ("SELECT status, dropout_reason, dropout_text, replaces_case_id, reviewer, updated_at, case_type "
             "FROM cases WHERE id = ?")
_SQL_CASE_EXISTS = "SELECT 1 FROM cases WHERE id = ?"
_SQL_CASE_ANSWERS = "SELECT question_id, answer FROM answers WHERE case_id = ?"
_SQL_UPDATE_CASE = ("UPDATE cases SET status = ?, dropout_reason = ?, dropout_text = ?, replaces_case_id = ?, "
                    "reviewer = ?, updated_at = ? WHERE id = ?")
_ANSWER_OF = {answer.value: answer for answer in Answer}
_STATUS_OF = {status.value: status for status in CaseStatus}
_REASON_OF = {reason.value: reason for reason in DropoutReason}


def _read_value(connection: Connection, register: Register) -> object:
    kind = register.kind
    if kind in (Kind.ANSWER, Kind.COMMENT):
        row = driver_connection(connection).execute(_SQL_ANSWER_ROW, (register.case_id, register.name)).fetchone()
        if kind is Kind.ANSWER:
            return row[0] if row else None
        return row[1] if row else ""
    if kind in (Kind.STATUS, Kind.DROPOUT, Kind.RESERVE):
        case = driver_connection(connection).execute(_SQL_CASE, (register.case_id,)).fetchone()
        if case is None:
            raise KeyError(register.case_id)
        status, reason, text, replaces = case[:4]
        if kind is Kind.STATUS:
            return status
        if kind is Kind.DROPOUT:
            return [reason, text]
        return replaces
    if kind is Kind.ANALYSIS:
        value = connection.execute(select(ANALYSIS.c.value).where(ANALYSIS.c.field == register.name)).scalar()
        return value or ""
    if kind is Kind.THRESHOLDS:
        values = dict(connection.execute(select(META.c.key, META.c.value).where(
            META.c.key.in_((GOOD_KEY, FAIR_KEY)))).all())
        return _thresholds_value(values)
    return [
        {"activity": r.activity, "linked": r.linked, "responsible": r.responsible, "due": r.due,
         "follow_up": r.follow_up, "status": r.status, "from_year": r.from_year,
         "question_ids": list(question_ids_of(r.question_ids))}
        for r in connection.execute(select(ACTIVITIES).order_by(ACTIVITIES.c.position))
    ]


# --- an activity's questions in the activities table (schema 0004) -------------------------------

def question_ids_problem(value: Any) -> str:
    """Why `value` is not a list of question ids (Swedish), or '' when it is."""
    if not isinstance(value, list) or len(value) > MAX_QUESTION_IDS:
        return f"ingen lista med högst {MAX_QUESTION_IDS} fråge-id"
    if not all(isinstance(i, str) and 0 < len(i) <= MAX_QUESTION_ID_LENGTH for i in value):
        return "ett fråge-id är ingen text av rätt längd"
    return ""


def question_ids_column(ids: Sequence[str]) -> str:
    """The column's text: the ids as a JSON list."""
    return json.dumps(list(ids), ensure_ascii=False)


def question_ids_of(text: str) -> tuple[str, ...]:
    """The ids in the column's text (checked by storage.untrusted before any file is read)."""
    value = json.loads(text) if text else []
    return tuple(value) if not question_ids_problem(value) else ()


def _thresholds_value(values: dict[str, str]) -> list[int] | None:
    from aktgranskning.domain.thresholds import Thresholds

    defaults = Thresholds()
    return [int(values.get(GOOD_KEY, defaults.good)), int(values.get(FAIR_KEY, defaults.fair))]


# --- writing the merged state ---------------------------------------------------------------------

def merged_value(state: RegisterState) -> str:
    """What the tables hold for a register: its one value, or for a conflict the newest value —
    except an answer in conflict, which counts as not given until a person decides."""
    if state.conflicted and state.register.kind is Kind.ANSWER:
        return encode(None)
    return state.latest.value


def materialise(connection: Connection, log: ChangeLog, registers: Iterable[Register],
                checklists: dict[str, Checklist], own: Iterable[Change] = ()) -> None:
    """Write the merged value of each register into the tables, with who changed it last and
    when, and bring the status of every case they touch in line with its answers. `own`: changes
    this writer has just made whose values the tables already hold; for an answer row they only
    need who and when (the row is not read again)."""
    stamped = _stamp_own_answer_rows(connection, log, own)
    answer_rows: set[tuple[int, str]] = set()
    case_ids: set[int] = set()
    for register in registers:
        state = log.state(register)
        if state is None:
            continue
        kind = register.kind
        if kind in (Kind.ANSWER, Kind.COMMENT):
            answer_rows.add((register.case_id or 0, register.name or ""))
        elif kind in (Kind.STATUS, Kind.DROPOUT, Kind.RESERVE):
            case_ids.add(register.case_id or 0)
        elif kind is Kind.ANALYSIS:
            _write_analysis(connection, register, state)
        elif kind is Kind.ACTIVITIES:
            _write_activities(connection, decode(merged_value(state)))
        else:
            _write_thresholds(connection, decode(merged_value(state)))
    for case_id, question_id in sorted(answer_rows):
        if (case_id, question_id) not in stamped:
            _write_answer_row(connection, log, case_id, question_id)
        case_ids.add(case_id)
    for case_id in sorted(case_ids):
        _write_case(connection, log, case_id, checklists)


def _stamp_own_answer_rows(connection: Connection, log: ChangeLog, own: Iterable[Change]) -> set[tuple[int, str]]:
    """Answer rows whose registers have only this writer's new changes as heads: the row already
    holds the values; who and when become the newest change's. Returns the rows so handled."""
    rows: dict[tuple[int, str], Change] = {}
    for change in own:
        register = change.register
        if register.kind in (Kind.ANSWER, Kind.COMMENT) and register.case_id is not None and register.name:
            row = (register.case_id, register.name)
            if row not in rows or change.order_key > rows[row].order_key:
                rows[row] = change
    stamped = set()
    for (case_id, question_id), change in rows.items():
        states = (log.state(Register.answer(case_id, question_id)), log.state(Register.comment(case_id, question_id)))
        if any(state is not None and (len(state.heads) > 1 or state.latest.order_key > change.order_key)
               for state in states):
            continue  # another head, or a newer one: the full merge decides
        raw = driver_connection(connection)
        raw.execute(_SQL_STAMP_ROW, storable_row((change.who, change.at, case_id, question_id)))
        raw.execute(_SQL_DELETE_EMPTY_ROW, (case_id, question_id))
        stamped.add((case_id, question_id))
    return stamped


def _latest(*states: RegisterState | None) -> Change | None:
    heads = [state.latest for state in states if state is not None]
    return max(heads, key=lambda c: c.order_key) if heads else None


def _write_answer_row(connection: Connection, log: ChangeLog, case_id: int, question_id: str) -> None:
    answer_state = log.state(Register.answer(case_id, question_id))
    comment_state = log.state(Register.comment(case_id, question_id))
    raw = driver_connection(connection)
    key = (case_id, question_id)
    row = raw.execute(_SQL_ANSWER_ROW, key).fetchone()
    answer = decode(merged_value(answer_state)) if answer_state else (row[0] if row else None)
    comment = decode(merged_value(comment_state)) if comment_state else (row[1] if row else "")
    latest = _latest(answer_state, comment_state)
    values = (answer, comment, latest.who if latest else "", latest.at if latest else "")
    if answer is None and comment == "":
        raw.execute(_SQL_DELETE_ROW, key)
    else:
        raw.execute(_SQL_INSERT_ROW if row is None else _SQL_UPDATE_ROW, storable_row(values + key))


def _write_case(connection: Connection, log: ChangeLog, case_id: int, checklists: dict[str, Checklist]) -> None:
    raw = driver_connection(connection)
    case = raw.execute(_SQL_CASE, (case_id,)).fetchone()
    if case is None:
        return
    status, reason, text, replaces, reviewer, updated_at, case_type = case
    states = {kind: log.state(Register.of(kind, case_id)) for kind in (Kind.STATUS, Kind.DROPOUT, Kind.RESERVE)}
    status_state, dropout_state, reserve_state = states[Kind.STATUS], states[Kind.DROPOUT], states[Kind.RESERVE]
    if status_state is not None:
        status = decode(merged_value(status_state))
    if dropout_state is not None:
        reason, text = decode(merged_value(dropout_state))  # type: ignore[misc]
    if reserve_state is not None:
        wanted = decode(merged_value(reserve_state))
        exists = wanted is None or raw.execute(_SQL_CASE_EXISTS, (wanted,)).fetchone()
        replaces = wanted if exists else None
    checklist = checklists.get(case_type)
    if checklist is not None:
        stored = {question_id: _ANSWER_OF[answer] if answer else None
                  for question_id, answer in raw.execute(_SQL_CASE_ANSWERS, (case_id,))}
        status = merged_status(_STATUS_OF[status], _REASON_OF[reason] if reason else None, checklist,
                               stored).value
    latest = _latest(*states.values())
    if latest is not None:
        reviewer, updated_at = latest.who, latest.at
    raw.execute(_SQL_UPDATE_CASE, storable_row((status, reason, text, replaces, reviewer, updated_at, case_id)))


def _write_analysis(connection: Connection, register: Register, state: RegisterState) -> None:
    value = decode(merged_value(state))
    latest = state.latest
    values = {"value": value, "updated_by": latest.who, "updated_at": latest.at}
    if connection.execute(update(ANALYSIS).where(ANALYSIS.c.field == register.name).values(**values)).rowcount == 0:
        connection.execute(insert(ANALYSIS).values(field=register.name, **values))


def _write_activities(connection: Connection, items: Any) -> None:
    connection.execute(delete(ACTIVITIES))
    for position, item in enumerate(items):
        values = {**item, "question_ids": question_ids_column(item.get("question_ids", []))}
        connection.execute(insert(ACTIVITIES).values(position=position, **values))


def _write_thresholds(connection: Connection, value: Any) -> None:
    for key, number in zip((GOOD_KEY, FAIR_KEY), value, strict=True):
        if connection.execute(update(META).where(META.c.key == key).values(value=str(number))).rowcount == 0:
            connection.execute(insert(META).values(key=key, value=str(number)))


def write_decided(connection: Connection, register: Register, value_json: str) -> None:
    """Put a decided value into the tables (the recorder then records it and merges)."""
    value: Any = decode(value_json)
    kind = register.kind
    if kind in (Kind.ANSWER, Kind.COMMENT):
        where = (ANSWERS.c.case_id == register.case_id, ANSWERS.c.question_id == register.name)
        column = "answer" if kind is Kind.ANSWER else "comment"
        if connection.execute(update(ANSWERS).where(*where).values({column: value})).rowcount == 0:
            connection.execute(insert(ANSWERS).values(
                case_id=register.case_id, question_id=register.name, answer=value if kind is Kind.ANSWER else None,
                comment=value if kind is Kind.COMMENT else "", reviewer="", answered_at=""))
    elif kind is Kind.STATUS:
        connection.execute(update(CASES).where(CASES.c.id == register.case_id).values(status=value))
    elif kind is Kind.DROPOUT:
        connection.execute(update(CASES).where(CASES.c.id == register.case_id).values(
            dropout_reason=value[0], dropout_text=value[1]))
    elif kind is Kind.RESERVE:
        connection.execute(update(CASES).where(CASES.c.id == register.case_id).values(replaces_case_id=value))
    elif kind is Kind.ANALYSIS:
        if connection.execute(update(ANALYSIS).where(ANALYSIS.c.field == register.name).values(
                value=value)).rowcount == 0:
            connection.execute(insert(ANALYSIS).values(field=register.name, value=value, updated_by="",
                                                       updated_at=""))
    elif kind is Kind.ACTIVITIES:
        _write_activities(connection, value)
    else:
        _write_thresholds(connection, value)
