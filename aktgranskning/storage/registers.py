"""The registers of domain.changes as rows of a granskningsfil: read one, write one, and bring the
tables up to date with the merged changes (`materialise`).

The tables of every file are the enhet's first state (as created) with the heads of every changed
register written over it. A register nobody changed keeps the value it was created with in every
file, so the tables of any file of the enhet, with the union of the changes written over them,
are the same everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from aktgranskning.domain.analysis import ANALYSIS_FIELDS, ActivityStatus
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason
from aktgranskning.domain.changes import Change, ChangeLog, Kind, Register, RegisterState, decode, encode
from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.review import merged_status
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


# Statements on the answer path, built once: building a Core statement costs more than running it.
_THE_ROW = (ANSWERS.c.case_id == bindparam("wanted_case"), ANSWERS.c.question_id == bindparam("wanted_question"))
_ANSWER_ROW = select(ANSWERS).where(*_THE_ROW)
_DELETE_ROW = delete(ANSWERS).where(*_THE_ROW)
_UPDATE_ROW = update(ANSWERS).where(*_THE_ROW).values(
    answer=bindparam("answer"), comment=bindparam("comment"), reviewer=bindparam("reviewer"),
    answered_at=bindparam("answered_at"))
_INSERT_ROW = insert(ANSWERS)
_STAMP_ROW = update(ANSWERS).where(*_THE_ROW).values(reviewer=bindparam("reviewer"),
                                                     answered_at=bindparam("answered_at"))
_DELETE_EMPTY_ROW = delete(ANSWERS).where(*_THE_ROW, ANSWERS.c.answer.is_(None), ANSWERS.c.comment == "")
_CASE = select(CASES).where(CASES.c.id == bindparam("wanted_id"))
_CASE_ANSWERS = select(ANSWERS.c.question_id, ANSWERS.c.answer).where(ANSWERS.c.case_id == bindparam("wanted_id"))
_UPDATE_CASE = update(CASES).where(CASES.c.id == bindparam("wanted_id")).values(
    status=bindparam("status"), dropout_reason=bindparam("dropout_reason"), dropout_text=bindparam("dropout_text"),
    replaces_case_id=bindparam("replaces_case_id"), reviewer=bindparam("reviewer"), updated_at=bindparam("updated_at"))
_ANSWER_OF = {answer.value: answer for answer in Answer}
_STATUS_OF = {status.value: status for status in CaseStatus}
_REASON_OF = {reason.value: reason for reason in DropoutReason}


def _read_value(connection: Connection, register: Register) -> object:
    kind = register.kind
    if kind in (Kind.ANSWER, Kind.COMMENT):
        row = connection.execute(_ANSWER_ROW, {"wanted_case": register.case_id,
                                               "wanted_question": register.name}).first()
        if kind is Kind.ANSWER:
            return row.answer if row else None
        return row.comment if row else ""
    if kind in (Kind.STATUS, Kind.DROPOUT, Kind.RESERVE):
        case = connection.execute(_CASE, {"wanted_id": register.case_id}).first()
        if case is None:
            raise KeyError(register.case_id)
        if kind is Kind.STATUS:
            return case.status
        if kind is Kind.DROPOUT:
            return [case.dropout_reason, case.dropout_text]
        return case.replaces_case_id
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
        where = {"wanted_case": case_id, "wanted_question": question_id}
        connection.execute(_STAMP_ROW, {**where, "reviewer": change.who, "answered_at": change.at})
        connection.execute(_DELETE_EMPTY_ROW, where)
        stamped.add((case_id, question_id))
    return stamped


def _latest(*states: RegisterState | None) -> Change | None:
    heads = [state.latest for state in states if state is not None]
    return max(heads, key=lambda c: c.order_key) if heads else None


def _write_answer_row(connection: Connection, log: ChangeLog, case_id: int, question_id: str) -> None:
    answer_state = log.state(Register.answer(case_id, question_id))
    comment_state = log.state(Register.comment(case_id, question_id))
    key = {"wanted_case": case_id, "wanted_question": question_id}
    row = connection.execute(_ANSWER_ROW, key).first()
    answer = decode(merged_value(answer_state)) if answer_state else (row.answer if row else None)
    comment = decode(merged_value(comment_state)) if comment_state else (row.comment if row else "")
    latest = _latest(answer_state, comment_state)
    values = {"answer": answer, "comment": comment,
              "reviewer": latest.who if latest else "", "answered_at": latest.at if latest else ""}
    if answer is None and comment == "":
        connection.execute(_DELETE_ROW, key)
    elif row is None:
        connection.execute(_INSERT_ROW, {"case_id": case_id, "question_id": question_id, **values})
    else:
        connection.execute(_UPDATE_ROW, {**key, **values})


def _write_case(connection: Connection, log: ChangeLog, case_id: int, checklists: dict[str, Checklist]) -> None:
    case = connection.execute(_CASE, {"wanted_id": case_id}).first()
    if case is None:
        return
    states = {kind: log.state(Register.of(kind, case_id)) for kind in (Kind.STATUS, Kind.DROPOUT, Kind.RESERVE)}
    values: dict[str, Any] = {}
    status = case.status
    status_state, dropout_state, reserve_state = states[Kind.STATUS], states[Kind.DROPOUT], states[Kind.RESERVE]
    if status_state is not None:
        status = decode(merged_value(status_state))
    reason, text = case.dropout_reason, case.dropout_text
    if dropout_state is not None:
        reason, text = decode(merged_value(dropout_state))  # type: ignore[misc]
    if reserve_state is not None:
        replaces = decode(merged_value(reserve_state))
        exists = replaces is None or connection.execute(select(CASES.c.id).where(CASES.c.id == replaces)).first()
        values["replaces_case_id"] = replaces if exists else None
    stored = {row.question_id: _ANSWER_OF[row.answer] if row.answer else None
              for row in connection.execute(_CASE_ANSWERS, {"wanted_id": case_id})}
    checklist = checklists.get(case.case_type)
    if checklist is not None:
        status = merged_status(_STATUS_OF[status], _REASON_OF[reason] if reason else None, checklist,
                               stored).value
    values.update(status=status, dropout_reason=reason, dropout_text=text)
    latest = _latest(*states.values())
    if latest is not None:
        values.update(reviewer=latest.who, updated_at=latest.at)
    row = {"replaces_case_id": case.replaces_case_id, "reviewer": case.reviewer, "updated_at": case.updated_at,
           **values, "wanted_id": case_id}
    connection.execute(_UPDATE_CASE, row)


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
