"""Reading and writing one granskningsfil. Each `transaction()` is one durable commit.

SQLAlchemy Core on a connection rather than the ORM session: the answer path runs on every key
press, and Core does the same statements with a fraction of the bookkeeping.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)

from aktgranskning.checklist_files import (
    checklist_data,
    checklist_from_json,
    checklist_to_json,
)
from aktgranskning.domain.analysis import (
    ANALYSIS_FIELDS,
    Activity,
    ActivityStatus,
    Analysis,
)
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case, CaseStatus, DropoutReason, Gender
from aktgranskning.domain.changes import Change, Kind, Presence, Register, encode
from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.review_file import AnswerRecord, AuditEntry, FileMeta
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.storage.change_recorder import (
    ChangeRecorder,
    insert_changes,
    read_changes,
    read_presence,
    write_presence,
)
from aktgranskning.storage.engine import engine_over, writer_engine_over
from aktgranskning.storage.migrate import current_revision
from aktgranskning.storage.registers import (
    FAIR_KEY,
    GOOD_KEY,
    driver_connection,
    question_ids_column,
    question_ids_of,
    read_register,
    storable_row,
    write_decided,
)
from aktgranskning.storage.tables import (
    ACTIVITIES,
    ANALYSIS,
    ANSWERS,
    AUDIT,
    CASES,
    CHECKLISTS,
    META,
    METADATA,
)
from aktgranskning.storage.whole_file import WholeFile

# The answer path's statements, as SQL for the driver connection (registers.driver_connection):
# a key press runs each of them once or twice.
_CASE_COLUMNS = ("id, sequence, case_number, case_type, gender, age_group, caseworker_code, status, is_reserve, "
                 "replaces_case_id, dropout_reason, dropout_text, reviewer")
_SQL_CASE = f"SELECT {_CASE_COLUMNS} FROM cases WHERE id = ?"
_SQL_CASES = f"SELECT {_CASE_COLUMNS} FROM cases ORDER BY sequence"
_SQL_ANSWERS_OF_CASE = "SELECT question_id, answer, comment, reviewer, answered_at FROM answers WHERE case_id = ?"
_SQL_ALL_ANSWERS = "SELECT case_id, question_id, answer FROM answers"
_SQL_ANSWER_ROW = "SELECT answer, comment FROM answers WHERE case_id = ? AND question_id = ?"
_SQL_UPDATE_ANSWER = ("UPDATE answers SET answer = ?, comment = ?, reviewer = ?, answered_at = ? "
                      "WHERE case_id = ? AND question_id = ?")
_SQL_INSERT_ANSWER = ("INSERT INTO answers (answer, comment, reviewer, answered_at, case_id, question_id) "
                      "VALUES (?, ?, ?, ?, ?, ?)")
_SQL_INSERT_AUDIT = ("INSERT INTO audit_log (at, who, case_id, question_id, field, old_value, new_value) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)")

_META_KEYS = {
    "file_uuid": "file_uuid",
    "administration": "forvaltning",
    "area": "omrade",
    "unit": "enhet",
    "year": "ar",
    "app_version": "app_version",
    "created_at": "skapad",
}

_REGISTER_FIELDS = frozenset(kind.value for kind in Kind)
# Stored values to enum members by dictionary: calling the Enum is 20 times slower, and the answer
# path turns every answer row of an akt into a record several times per key press. The values were
# checked against these enums when the file was opened (storage.untrusted).
_ANSWER_OF = {answer.value: answer for answer in Answer}
_GENDER_OF = {gender.value: gender for gender in Gender}
_STATUS_OF = {status.value: status for status in CaseStatus}
_REASON_OF = {reason.value: reason for reason in DropoutReason}
_GOOD_KEY = GOOD_KEY
_FAIR_KEY = FAIR_KEY


class ReviewStore:
    """One open granskningsfil."""

    def __init__(self, path: Path, engine: Engine, read_only: bool = False, whole: WholeFile | None = None) -> None:
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self._whole = whole
        self.recorder: ChangeRecorder | None = None  # set for a writer's own file of an enhet

    def record_changes(self, recorder: ChangeRecorder) -> None:
        """From now on every transaction's changes become change rows (a writer's own file)."""
        with self.engine.begin() as connection:
            recorder.load(connection)
        self.recorder = recorder

    @classmethod
    def open(cls, path: Path) -> ReviewStore:
        """The file, for writing (the caller holds its lock): worked on in memory and written
        whole to `path` after every committed change (see storage/whole_file.py). A path that
        does not exist yet starts empty and appears with the first publication."""
        whole = WholeFile(path)
        return cls(path, writer_engine_over(whole.connection), whole=whole)

    @classmethod
    def over_connection(cls, path: Path, connection: sqlite3.Connection) -> ReviewStore:
        """A read-only store over a private in-memory snapshot of the file at `path`."""
        return cls(path, engine_over(connection), read_only=True)

    def close(self) -> None:
        self.engine.dispose()
        if self._whole is not None:
            self._whole.close()

    @contextmanager
    def transaction(self, writing: bool = False) -> Iterator[ReviewTransaction]:
        """One transaction; when it changed something, the file holds the change on return.
        `writing` says that it is meant to write (a store on the server locks for it)."""
        recorder = self.recorder
        recorded = False
        try:
            with self.engine.begin() as connection:
                tx = ReviewTransaction(connection, recording=recorder is not None)
                yield tx
                if recorder is not None and (tx.before or tx.forced):
                    recorded = True
                    recorder.record(connection, tx.before, tx.forced, tx.author)
                if self._whole is None:
                    _finish(tx)
            if self._whole is not None:
                self._whole.publish_if_changed()
                # only this writer changes the in-memory database, so what it reads now is what
                # the file holds; reading after the flush keeps the redraw's reads out of the
                # time from key press to durable answer
                _finish(tx)
        except BaseException:
            if recorded and recorder is not None:  # the file did not take it: forget it here too
                with self.engine.begin() as connection:
                    recorder.load(connection)
            raise

    def merge_in(self, changes: list[Change]) -> int:
        """Write other files' changes into this read-only snapshot (in memory, never a file) so
        that it shows the whole enhet. Returns how many were new."""
        connection = self.engine.raw_connection()
        try:
            connection.execute("PRAGMA query_only=OFF")
        finally:
            connection.close()
        try:
            with self.engine.begin() as sa_connection:
                tx = ReviewTransaction(sa_connection)
                recorder = ChangeRecorder("", "", tx.checklists())
                recorder.load(sa_connection)
                before = len(recorder.log)
                recorder.absorb(sa_connection, changes)
                added = len(recorder.log) - before
        finally:
            connection = self.engine.raw_connection()
            try:
                connection.execute("PRAGMA query_only=ON")
            finally:
                connection.close()
        return added

    def absorb(self, changes: list[Change]) -> set[Register]:
        """Take in other writers' changes; the file holds them on return."""
        recorder = self.recorder
        if recorder is None:
            raise RuntimeError("absorb needs a writer's own file")
        try:
            with self.engine.begin() as connection:
                touched = recorder.absorb(connection, changes)
            if self._whole is not None:
                self._whole.publish_if_changed()
        except BaseException:
            with self.engine.begin() as connection:
                recorder.load(connection)
            raise
        return touched

    def mirror_to(self, offer: Callable[[bytes], None]) -> None:
        """After every publication, hand the file's bytes to `offer` (the copy in the enhet's folder)."""
        if self._whole is not None:
            self._whole.on_published = offer
            data = self._whole.published_bytes()
            if data is not None:
                offer(data)

    def publish(self) -> None:
        """Write the whole database to the file now (after schema changes made outside
        `transaction`, such as a new file's migrations)."""
        if self._whole is not None:
            self._whole.publish()

    def schema_revision(self) -> str | None:
        return current_revision(self.engine)


def _finish(tx: ReviewTransaction) -> None:
    for finish in tx.finishing:
        finish()


class ReviewTransaction:
    def __init__(self, connection: Connection, recording: bool = False) -> None:
        self.connection = connection
        self.raw = driver_connection(connection)  # the same transaction, for the answer path
        self.recording = recording
        self.before: dict[Register, str] = {}  # each touched register's value before (when recording)
        self.forced: dict[Register, str] = {}  # decisions: recorded even when the value stays
        self.author: tuple[str, str | None] | None = None  # who and when, for the change rows
        # reads of the committed state, run last: inside the transaction, or for a whole file
        # right after it is on disk (so they read through `raw`, never `connection`)
        self.finishing: list[Callable[[], None]] = []

    def _note(self, register: Register) -> None:
        if self.recording and register not in self.before:
            self.before[register] = read_register(self.connection, register)

    def _note_answer_row(self, case_id: int, question_id: str) -> None:
        """Both registers of an answer row, read with one statement."""
        answer, comment = Register.answer(case_id, question_id), Register.comment(case_id, question_id)
        if answer in self.before and comment in self.before:
            return
        row = self.raw.execute(_SQL_ANSWER_ROW, (case_id, question_id)).fetchone()
        self.before.setdefault(answer, encode(row[0] if row else None))
        self.before.setdefault(comment, encode(row[1] if row else ""))

    def decide(self, register: Register, value: object) -> None:
        """Record `value` for the register as a person's decision, replacing every version."""
        old = read_register(self.connection, register)
        self.forced.setdefault(register, self.before.get(register, old))
        self._note(register)
        write_decided(self.connection, register, encode(value))

    # --- the change log -----------------------------------------------------------------------
    def changes(self) -> list[Change]:
        return read_changes(self.connection)

    def add_changes(self, changes: list[Change]) -> None:
        insert_changes(self.connection, changes)

    def presence(self) -> list[Presence]:
        return read_presence(self.connection)

    def set_presence(self, presence: Presence | None) -> None:
        write_presence(self.connection, presence)

    def _rows(self, statement: Any) -> list[Any]:
        return list(self.connection.execute(statement))

    # --- metadata and checklists -------------------------------------------------------------
    def write_meta(self, meta: FileMeta) -> None:
        existing = {row.key for row in self._rows(select(META.c.key))}
        for attribute, key in _META_KEYS.items():
            value = str(getattr(meta, attribute))
            if key in existing:
                self.connection.execute(update(META).where(META.c.key == key).values(value=value))
            else:
                self.connection.execute(insert(META).values(key=key, value=value))

    def table_names(self) -> set[str]:
        if self.connection.dialect.name != "sqlite":  # the server: the granskning's own schema
            return set(inspect(self.connection).get_table_names())
        tables = self.connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0] for row in tables}

    def meta_values(self) -> dict[str, str]:
        return {row.key: row.value for row in self._rows(select(META))}

    def read_meta(self) -> FileMeta:
        values = self.meta_values()
        return FileMeta(
            file_uuid=values.get("file_uuid", ""),
            administration=values.get("forvaltning", ""),
            area=values.get("omrade", ""),
            unit=values.get("enhet", ""),
            year=int(values.get("ar", "0") or 0),
            app_version=values.get("app_version", ""),
            created_at=values.get("skapad", ""),
        )

    def set_meta_value(self, key: str, value: str) -> None:
        if self.connection.execute(update(META).where(META.c.key == key).values(value=value)).rowcount == 0:
            self.connection.execute(insert(META).values(key=key, value=value))

    def thresholds(self) -> Thresholds:
        values = self.meta_values()
        defaults = Thresholds()
        return Thresholds(
            good=int(values.get(_GOOD_KEY, defaults.good)), fair=int(values.get(_FAIR_KEY, defaults.fair))
        )

    def write_thresholds(self, thresholds: Thresholds) -> None:
        self._note(Register.of(Kind.THRESHOLDS))
        self.set_meta_value(_GOOD_KEY, str(thresholds.good))
        self.set_meta_value(_FAIR_KEY, str(thresholds.fair))

    def add_checklist(self, checklist: Checklist) -> None:
        self.connection.execute(
            insert(CHECKLISTS).values(
                id=checklist.id,
                version=checklist.version,
                content_hash=checklist.content_hash,
                definition=checklist_to_json(checklist_data(checklist)),
            )
        )

    def checklists(self, known: dict[str, Checklist] | None = None) -> dict[str, Checklist]:
        """The file's checklists; one of `known` (read from another file of the enhet) is taken
        as it is when its id, version and content hash are the stored ones (the hash was checked
        against the definition when the file was opened)."""
        known = known or {}
        result = {}
        for row in self._rows(select(CHECKLISTS)):
            same = known.get(row.id)
            if same is not None and (same.version, same.content_hash) == (row.version, row.content_hash):
                result[row.id] = same
            else:
                result[row.id] = checklist_from_json(row.definition, source=f"checklistan {row.id}")
        return result

    def checklist_rows(self) -> list[tuple[str, str, str, str]]:
        """(id, version, stored hash, definition) — for the integrity check."""
        return [(r.id, r.version, r.content_hash, r.definition) for r in self._rows(select(CHECKLISTS))]

    # --- cases --------------------------------------------------------------------------------
    def add_case(self, case: Case, at: str) -> int:
        result = self.connection.execute(
            insert(CASES).values(
                sequence=case.sequence,
                case_number=case.case_number,
                case_type=case.case_type,
                gender=case.gender.value,
                age_group=case.age_group,
                caseworker_code=case.caseworker_code,
                status=case.status.value,
                is_reserve=case.is_reserve,
                replaces_case_id=case.replaces_case_id,
                dropout_reason=case.dropout_reason.value if case.dropout_reason else None,
                dropout_text=case.dropout_text,
                reviewer=case.reviewer,
                updated_at=at,
            )
        )
        key = result.inserted_primary_key
        if key is None:  # typed optional by SQLAlchemy; an INSERT of one row into a rowid table has one
            raise RuntimeError("INSERT INTO cases gave no primary key")
        return int(key[0])

    def cases(self) -> list[Case]:
        return [_case_from_row(row) for row in self.raw.execute(_SQL_CASES)]

    def case(self, case_id: int) -> Case:
        row = self.raw.execute(_SQL_CASE, (case_id,)).fetchone()
        if row is None:
            raise KeyError(case_id)
        return _case_from_row(row)

    def update_case(self, case_id: int, at: str, **changes: object) -> None:
        if self.recording:
            if "status" in changes:
                self._note(Register.of(Kind.STATUS, case_id))
            if "dropout_reason" in changes or "dropout_text" in changes:
                self._note(Register.of(Kind.DROPOUT, case_id))
            if "replaces_case_id" in changes:
                self._note(Register.of(Kind.RESERVE, case_id))
        result = self.connection.execute(update(CASES).where(CASES.c.id == case_id).values(updated_at=at, **changes))
        if result.rowcount == 0:
            raise KeyError(case_id)

    # --- answers ------------------------------------------------------------------------------
    def answer_records(self, case_id: int) -> dict[str, AnswerRecord]:
        return {
            question_id: AnswerRecord(question_id, _ANSWER_OF[answer] if answer else None, comment, reviewer, at)
            for question_id, answer, comment, reviewer, at in self.raw.execute(_SQL_ANSWERS_OF_CASE, (case_id,))
        }

    def all_answers(self) -> dict[int, dict[str, Answer | None]]:
        result: dict[int, dict[str, Answer | None]] = {}
        for case_id, question_id, answer in self.raw.execute(_SQL_ALL_ANSWERS):
            result.setdefault(case_id, {})[question_id] = _ANSWER_OF.get(answer) if answer else None
        return result

    def reviewers_by_case(self) -> dict[int, list[str]]:
        """Who answered questions in each case."""
        result: dict[int, list[str]] = {}
        query = (
            select(ANSWERS.c.case_id, ANSWERS.c.reviewer)
            .where(ANSWERS.c.answer.is_not(None))
            .distinct()
            .order_by(ANSWERS.c.case_id, ANSWERS.c.reviewer)
        )
        for case_id, reviewer in self._rows(query):
            if reviewer:
                result.setdefault(case_id, []).append(reviewer)
        return result

    def put_answer(self, case_id: int, record: AnswerRecord) -> None:
        row = storable_row((record.answer.value if record.answer else None, record.comment, record.reviewer,
                            record.answered_at, case_id, record.question_id))
        if self.recording:
            self._note_answer_row(case_id, record.question_id)
        if self.raw.execute(_SQL_UPDATE_ANSWER, row).rowcount == 0:
            self.raw.execute(_SQL_INSERT_ANSWER, row)

    def delete_answers_without_content(self, case_id: int) -> None:
        self.connection.execute(
            delete(ANSWERS).where(
                ANSWERS.c.case_id == case_id, ANSWERS.c.answer.is_(None), ANSWERS.c.comment == ""
            )
        )

    # --- analysis -----------------------------------------------------------------------------
    def analysis(self) -> Analysis:
        on_server = self.connection.dialect.name != "sqlite"  # every granskning there is at the newest schema
        if not on_server and not inspect(self.connection).has_table(ANALYSIS.name):  # a file from schema 0001
            return Analysis()
        rows = {row.field: row for row in self._rows(select(ANALYSIS))}
        texts = {name: rows[name].value for name in ANALYSIS_FIELDS if name in rows}
        latest = max(rows.values(), key=lambda row: row.updated_at, default=None)
        # A file read as it is (open_for_reading) may be older than schema 0004: no questions.
        with_questions = on_server or any(
            c["name"] == "question_ids" for c in inspect(self.connection).get_columns(ACTIVITIES.name))
        columns = [c for c in ACTIVITIES.c if with_questions or c.name != "question_ids"]
        activities = tuple(
            Activity(
                activity=row.activity,
                linked=row.linked,
                responsible=row.responsible,
                due=date.fromisoformat(row.due) if row.due else None,
                follow_up=row.follow_up,
                status=ActivityStatus(row.status),
                from_year=row.from_year,
                question_ids=question_ids_of(row.question_ids) if with_questions else (),
            )
            for row in self._rows(select(*columns).order_by(ACTIVITIES.c.position))
        )
        return Analysis(
            **texts,
            filled_by=latest.updated_by if latest else "",
            filled_at=latest.updated_at if latest else "",
            activities=activities,
        )

    def put_analysis_text(self, name: str, value: str, who: str, at: str) -> None:
        if name not in ANALYSIS_FIELDS:
            raise KeyError(name)
        self._note(Register.of(Kind.ANALYSIS, None, name))
        values = {"value": value, "updated_by": who, "updated_at": at}
        if self.connection.execute(update(ANALYSIS).where(ANALYSIS.c.field == name).values(**values)).rowcount == 0:
            self.connection.execute(insert(ANALYSIS).values(field=name, **values))

    def replace_activities(self, activities: list[Activity]) -> None:
        self._note(Register.of(Kind.ACTIVITIES))
        self.connection.execute(delete(ACTIVITIES))
        for position, item in enumerate(activities):
            self.connection.execute(
                insert(ACTIVITIES).values(
                    position=position,
                    activity=item.activity,
                    linked=item.linked,
                    responsible=item.responsible,
                    due=item.due.isoformat() if item.due else "",
                    follow_up=item.follow_up,
                    status=item.status.value,
                    from_year=item.from_year,
                    question_ids=question_ids_column(item.question_ids),
                )
            )

    # --- audit --------------------------------------------------------------------------------
    def audit(self, entry: AuditEntry) -> None:
        if self.recording and entry.field in _REGISTER_FIELDS:
            return  # the change rows are the log of what a writer's own file changes
        self.raw.execute(_SQL_INSERT_AUDIT, storable_row((entry.at, entry.who, entry.case_id, entry.question_id,
                                                           entry.field, entry.old_value, entry.new_value)))

    def audit_entries(self, case_id: int | None = None) -> list[AuditEntry]:
        query = select(AUDIT).order_by(AUDIT.c.id)
        if case_id is not None:
            query = query.where(AUDIT.c.case_id == case_id)
        return [
            AuditEntry(r.at, r.who, r.case_id, r.question_id, r.field, r.old_value, r.new_value)
            for r in self._rows(query)
        ]

    def count_rows(self) -> dict[str, int]:
        return {
            table.name: self.connection.execute(select(func.count()).select_from(table)).scalar() or 0
            for table in METADATA.sorted_tables
        }


def _case_from_row(row: tuple[Any, ...]) -> Case:
    (case_id, sequence, case_number, case_type, gender, age_group, caseworker_code, status, is_reserve, replaces,
     reason, dropout_text, reviewer) = row
    return Case(
        id=case_id,
        sequence=sequence,
        case_number=case_number,
        case_type=case_type,
        gender=_GENDER_OF[gender],
        age_group=age_group,
        caseworker_code=caseworker_code,
        status=_STATUS_OF[status],
        is_reserve=bool(is_reserve),
        replaces_case_id=replaces,
        dropout_reason=_REASON_OF[reason] if reason else None,
        dropout_text=dropout_text,
        reviewer=reviewer,
    )
