"""Every granskningsfil is untrusted input: it is an SQLite database anyone can edit.

`harden_connection` applies SQLite's defences for untrusted databases to a connection;
`check_database` refuses, with a Swedish message naming the file, any database that is not
exactly what Aktgranskning writes. The expected schema is not a hand-written list: it is built by
running the program's own Alembic migrations into an in-memory database at the file's revision
(once per revision and process) and described with the same PRAGMAs as the file.

Only `sqlite_master` and PRAGMAs are read before the schema is known to be ours, so no view or
trigger code ever runs; a progress handler with a wall-clock deadline bounds every query, and
SQLITE_LIMIT_LENGTH makes SQLite refuse an oversized value before reading it into memory.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aktgranskning.checklist_files import checklist_from_json, content_hash
from aktgranskning.domain.analysis import ANALYSIS_FIELDS, ActivityStatus
from aktgranskning.domain.answers import ALL_ANSWERS
from aktgranskning.domain.case import CaseStatus, DropoutReason, Gender
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.storage import store
from aktgranskning.storage.hardening import LIMITS, MAX_VALUE_BYTES, harden_connection  # noqa: F401 (re-exported)
from aktgranskning.storage.migrate import MIGRATIONS_DIR, known_revisions

CHECK_SECONDS = 15.0  # a file of 10 000 cases takes 1–4 s here, a real enhet's 20 ms
_PROGRESS_STEPS = 2_000  # VDBE instructions between deadline checks

SHORT = 1_000  # ids, codes, names, dates
TEXT = 1_000_000  # free text a person typed
DEFINITION = 5_000_000  # one checklist as JSON
MAX_ROWS = {
    "review_meta": 100,
    "checklists": 50,
    "cases": 10_000,
    "audit_log": 2_000_000,
    "analysis": len(ANALYSIS_FIELDS),
    "activities": 10_000,
    "alembic_version": 1,
}

TABLE_LABELS = {
    "alembic_version": "schemaversionen (alembic_version)",
    "review_meta": "filens uppgifter (review_meta)",
    "checklists": "checklistorna (checklists)",
    "cases": "akterna (cases)",
    "answers": "svaren (answers)",
    "audit_log": "ändringsloggen (audit_log)",
    "analysis": "analysen (analysis)",
    "activities": "förbättringsaktiviteterna (activities)",
}
OUTSIDE = "Filen har ändrats utanför Aktgranskning och läses därför inte."
_SQLITE_TOOBIG = 18
_SQLITE_INTERRUPT = 9
_YEARS = range(1990, 2201)


def check_database(connection: sqlite3.Connection, path: Path, seconds: float = CHECK_SECONDS) -> None:
    """Raise FileProblem(path, message) unless the database is exactly what the program writes:
    the schema of its revision and nothing more, bounded row counts and lengths, values in the
    allowed sets, references that hold, checklists that validate and match their hash."""
    deadline = time.monotonic() + seconds
    connection.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, _PROGRESS_STEPS)
    connection.create_function(_UTF8, 1, _valid_utf8, deterministic=True)
    text_factory = connection.text_factory
    # Invalid UTF-8 in a name or value must become a message, not a UnicodeDecodeError here.
    connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        _Check(connection, path).run()
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) == _SQLITE_INTERRUPT or "interrupted" in str(exc):
            raise FileProblem(path, f"kontrollen av filen tog längre än {seconds:g} sekunder och avbröts. Filen "
                              "är för stor eller byggd för att få programmet att hänga, och läses därför inte.") from exc
        raise FileProblem(path, f"filen är skadad och kan inte läsas ({exc}).") from exc
    except UnicodeDecodeError as exc:  # SQLite's own message quotes the damaged bytes
        raise FileProblem(path, "filen är skadad och kan inte läsas (databasens schema är inte läsbar text).") from exc
    except FileProblem:
        raise
    except Exception as exc:  # a damaged file may surprise the check itself: still a message, never a traceback
        raise FileProblem(path, f"filen är skadad och kunde inte kontrolleras ({type(exc).__name__}).") from exc
    finally:
        connection.set_progress_handler(None, 0)
        connection.create_function(_UTF8, 1, None)
        connection.text_factory = text_factory


# --- the schema ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableShape:
    kind: tuple[Any, ...]  # PRAGMA table_list: type, without rowid, strict
    columns: tuple[tuple[Any, ...], ...]  # PRAGMA table_xinfo: name, type, notnull, default, pk, hidden
    indexes: frozenset[tuple[Any, ...]]  # PRAGMA index_list + index_xinfo
    foreign_keys: frozenset[tuple[Any, ...]]  # PRAGMA foreign_key_list


@dataclass(frozen=True)
class SchemaShape:
    objects: frozenset[tuple[str, str, str]]  # (type, name, table) from sqlite_master
    tokens: Mapping[str, frozenset[str]]  # the words of each object's CREATE statement
    tables: Mapping[str, TableShape]


@functools.cache
def expected_shape(revision: str) -> SchemaShape:
    """The schema the program's own migrations build at `revision`, in an in-memory database."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    engine = create_engine("sqlite://")
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            raw = connection.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            return describe(raw, _master_rows(raw))
    finally:
        engine.dispose()


def _master_rows(connection: sqlite3.Connection) -> list[tuple[str, str, str, str | None]]:
    return [tuple(row) for row in connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")]


def describe(connection: sqlite3.Connection, master: Iterable[tuple[str, str, str, str | None]]) -> SchemaShape:
    rows = list(master)
    tables = {}
    for kind, name, _table, _sql in rows:
        if kind == "table":
            tables[name] = _table_shape(connection, name)
    return SchemaShape(
        objects=frozenset((kind, name, table) for kind, name, table, _sql in rows),
        tokens={name: sql_tokens(sql or "") for _kind, name, _table, sql in rows},
        tables=tables,
    )


def _table_shape(connection: sqlite3.Connection, name: str) -> TableShape:
    quoted = _quote(name)
    try:
        kind = connection.execute("SELECT type, wr, strict FROM pragma_table_list WHERE schema='main' AND name=?",
                                  (name,)).fetchone()
    except sqlite3.OperationalError:  # SQLite before 3.37 has no table_list; the statement words still show it
        kind = None
    columns = tuple((r[1], str(r[2]).upper(), r[3], r[4], r[5], r[6])
                    for r in connection.execute(f"PRAGMA table_xinfo({quoted})"))
    indexes = frozenset(
        (r[1], r[2], r[3], r[4], tuple(tuple(c) for c in connection.execute(f"PRAGMA index_xinfo({_quote(r[1])})")))
        for r in connection.execute(f"PRAGMA index_list({quoted})")
    )
    foreign_keys = frozenset(tuple(r) for r in connection.execute(f"PRAGMA foreign_key_list({quoted})"))
    return TableShape(tuple(kind or ()), columns, indexes, foreign_keys)


_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d*)?|\S""")


def sql_tokens(sql: str) -> frozenset[str]:
    """The words of a CREATE statement, blind to spacing, case and identifier quoting, so a file
    written by an earlier version with the same schema matches while any added clause (COLLATE,
    GENERATED, DEFAULT, ON CONFLICT, a CHECK with a function…) brings a word the program never
    writes."""
    tokens = set()
    for token in _TOKEN.findall(sql):
        if token[0] in "\"`[":
            token = token[1:-1].replace('""', '"')
        tokens.add(token if token.startswith("'") else token.upper())
    return frozenset(tokens)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- the values ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    name: str
    types: tuple[str, ...]  # what typeof() may say
    max_length: int = SHORT
    allowed: tuple[str, ...] = ()  # the only values a text may have (empty: any)
    when: bool = False  # '' or an ISO date/time
    integers: range | None = None  # the range an integer must lie in


def _text(name: str, max_length: int = SHORT, **more: Any) -> Column:
    return Column(name, ("text",), max_length, **more)


def _optional_text(name: str, max_length: int = SHORT, **more: Any) -> Column:
    return Column(name, ("text", "null"), max_length, **more)


def _integer(name: str, integers: range | None = None, nullable: bool = False) -> Column:
    return Column(name, ("integer", "null") if nullable else ("integer",), integers=integers)


_IDS = range(1, 2**62)
COLUMNS: dict[str, tuple[Column, ...]] = {
    "alembic_version": (_text("version_num", 32),),
    "review_meta": (_text("key", 100), _text("value", 10_000)),
    "checklists": (_text("id", 100), _text("version", 100), _text("content_hash", 64), _text("definition", DEFINITION)),
    "cases": (
        _integer("id", _IDS), _integer("sequence", range(1, 1_000_000)), _text("case_number"), _text("case_type", 100),
        _text("gender", allowed=tuple(g.value for g in Gender)), _text("age_group"), _text("caseworker_code"),
        _text("status", allowed=tuple(s.value for s in CaseStatus)), _integer("is_reserve", range(0, 2)),
        _integer("replaces_case_id", _IDS, nullable=True),
        _optional_text("dropout_reason", allowed=tuple(r.value for r in DropoutReason)),
        _text("dropout_text", TEXT), _text("reviewer"), _text("updated_at", when=True),
    ),
    "answers": (
        _integer("case_id", _IDS), _text("question_id", 200),
        _optional_text("answer", allowed=tuple(a.value for a in ALL_ANSWERS)),
        _text("comment", TEXT), _text("reviewer"), _text("answered_at", when=True),
    ),
    "audit_log": (
        _integer("id", _IDS), _text("at", when=True), _text("who"), _integer("case_id", _IDS),
        _optional_text("question_id", 200), _text("field", 100), _optional_text("old_value", TEXT),
        _optional_text("new_value", TEXT),
    ),
    "analysis": (
        _text("field", 100, allowed=tuple(ANALYSIS_FIELDS)), _text("value", TEXT), _text("updated_by"),
        _text("updated_at", when=True),
    ),
    "activities": (
        _integer("id", _IDS), _integer("position", range(0, 1_000_000)), _text("activity", TEXT),
        _text("linked", TEXT), _text("responsible"), _text("due", 10, when=True), _text("follow_up", TEXT),
        _text("status", allowed=tuple(s.value for s in ActivityStatus)),
        _integer("from_year", _YEARS, nullable=True),
    ),
}
# How a row is named in a message (columns read only after their own values passed).
ROW_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "review_meta": (("uppgiften", "key"),),
    "checklists": (("checklistan", "id"),),
    "cases": (("löpnummer", "sequence"),),
    "answers": (("akt-id", "case_id"), ("fråga", "question_id")),
    "audit_log": (("rad", "id"),),
    "analysis": (("fältet", "field"),),
    "activities": (("plats", "position"),),
}
_TYPE_WORDS = {"integer": "ett heltal", "text": "en text", "null": "tomt (NULL)", "real": "ett decimaltal",
               "blob": "binärdata (BLOB)"}
_WHEN_PATTERN = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"
_UTF8 = "aktgranskning_utf8"  # a function of the checking connection: is this text valid UTF-8?


def _valid_utf8(raw: bytes | None) -> int:
    """SQLite does not validate text; Python refuses to read invalid UTF-8. About 0.7 µs a value
    (a GLOB prefilter for non-ASCII text cost more than it saved)."""
    try:
        (raw or b"").decode("utf-8")
    except UnicodeDecodeError:
        return 0
    return 1


def _bad_value_sql(column: Column) -> str:
    """A CASE expression: 0 when the value is fine, else the number of its problem: 1 type,
    2 length, 6 not UTF-8, 3 not allowed, 4 not a date, 5 out of range."""
    c = _quote(column.name)
    types = ", ".join(f"'{t}'" for t in column.types)
    parts = [f"WHEN typeof({c}) NOT IN ({types}) THEN 1",
             f"WHEN typeof({c}) = 'text' AND length({c}) > {column.max_length} THEN 2",
             f"WHEN typeof({c}) = 'text' AND NOT {_UTF8}(CAST({c} AS BLOB)) THEN 6"]
    if column.allowed:
        values = ", ".join("'" + v.replace("'", "''") + "'" for v in column.allowed)
        parts.append(f"WHEN typeof({c}) = 'text' AND ({c} COLLATE BINARY) NOT IN ({values}) THEN 3")
    if column.when:
        parts.append(f"WHEN typeof({c}) = 'text' AND {c} <> '' AND ({c} NOT GLOB '{_WHEN_PATTERN}' "
                     f"OR julianday({c}) IS NULL) THEN 4")
    if column.integers is not None:
        parts.append(f"WHEN typeof({c}) = 'integer' AND ({c} < {column.integers.start} "
                     f"OR {c} >= {column.integers.stop}) THEN 5")
    return "CASE " + " ".join(parts) + " ELSE 0 END"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def shown(value: object, width: int = 40) -> str:
    """A value from the file as it may appear in a message: short, one line, nothing a terminal
    would interpret."""
    text = value if isinstance(value, str) else repr(value)
    cleaned = "".join(ch if ch.isprintable() else " " if ch.isspace() else "?" for ch in text[: width + 1])
    return f"”{cleaned[:width]}…”" if len(cleaned) > width else f"”{cleaned}”"


class _Check:
    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    def fail(self, problem: str, place: str = "") -> None:
        raise FileProblem(self.path, f"{problem} {OUTSIDE}", place)

    def query(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.connection.execute(sql, parameters)]

    def run(self) -> None:
        master = _master_rows(self.connection)
        self.refuse_code(master)
        revision = self.revision(master)
        expected = expected_shape(revision)
        self.compare_objects(master, expected)
        self.compare_tables(expected)
        self.compare_statements(master, expected)
        counts = self.row_counts(expected)
        for table in sorted(expected.tables):
            if counts[table]:
                self.check_values(table)
        self.check_integrity()
        self.check_references()
        self.check_meta()
        questions = self.check_checklists()
        self.check_answers(questions, counts)

    # --- objects -----------------------------------------------------------------------------------
    def refuse_code(self, master: list[tuple[str, str, str, str | None]]) -> None:
        """Views and triggers first: they are refused whatever the revision, before anything is
        read from a table (reading a view runs it)."""
        for kind, name, table, sql in master:
            if kind == "trigger":
                self.fail(f"filen innehåller en utlösare (trigger) {shown(name)} på tabellen {shown(table)} som "
                          "Aktgranskning inte skapar; den kan ändra svar och ta bort rader ur ändringsloggen.")
            if kind == "view":
                self.fail(f"filen innehåller en vy (view) {shown(name)} som Aktgranskning inte skapar; en vy kan "
                          "visa andra svar än de sparade eller få programmet att hänga.")
            if kind == "table" and (sql or "").lstrip().upper().startswith("CREATE VIRTUAL"):
                self.fail(f"filen innehåller en virtuell tabell {shown(name)} som Aktgranskning inte skapar.")

    def revision(self, master: list[tuple[str, str, str, str | None]]) -> str:
        if not any(kind == "table" and name == "alembic_version" for kind, name, _t, _s in master):
            raise FileProblem(self.path, "filen är en SQLite-databas men ingen granskningsfil (schemaversion saknas).")
        reference = expected_shape(known_revisions()[-1]).tables["alembic_version"]
        if _table_shape(self.connection, "alembic_version") != reference:
            self.fail("tabellen alembic_version (schemaversionen) ser inte ut som Aktgranskning skapar den.")
        rows = self.query("SELECT typeof(version_num), substr(version_num, 1, 40) FROM alembic_version LIMIT 2")
        if len(rows) != 1:
            self.fail(f"filen ska ha exakt en schemaversion men har {len(rows)}.", TABLE_LABELS["alembic_version"])
        if rows[0][0] != "text":
            self.fail("schemaversionen är ingen text.", TABLE_LABELS["alembic_version"])
        revision = str(rows[0][1])
        if revision not in known_revisions():
            raise FileProblem(self.path, f"filen är skapad med en nyare version av Aktgranskning (schemaversion "
                              f"{shown(revision)}). Uppdatera programmet för att öppna den.")
        return revision

    def compare_objects(self, master: list[tuple[str, str, str, str | None]], expected: SchemaShape) -> None:
        present = {(kind, name, table) for kind, name, table, _sql in master}
        words = {"table": "en tabell", "index": "ett index"}
        for kind, name, table in sorted(present - expected.objects):
            what = words.get(kind, f"ett objekt av typen {shown(kind)}")
            on = f" på tabellen {shown(table)}" if kind == "index" else ""
            self.fail(f"filen innehåller {what} {shown(name)}{on} som Aktgranskning inte skapar.")
        for kind, name, table in sorted(expected.objects - present):
            what = {"table": "tabellen", "index": "indexet"}.get(kind, kind)
            self.fail(f"{what} {shown(name)} saknas i filen, som Aktgranskning skapar den.")

    def compare_statements(self, master: list[tuple[str, str, str, str | None]], expected: SchemaShape) -> None:
        """What the PRAGMAs do not show (COLLATE, ON CONFLICT, a CHECK with a function…) is a word
        in the CREATE statement that the program's own statement lacks."""
        for _kind, name, _table, sql in master:
            extra = sql_tokens(sql or "") - expected.tokens[name]
            if extra:
                self.fail(f"{shown(name)} är inte definierad som Aktgranskning skapar den (ord som inte hör dit: "
                          f"{', '.join(shown(t, 20) for t in sorted(extra)[:5])}).")

    def compare_tables(self, expected: SchemaShape) -> None:
        for table, wanted in sorted(expected.tables.items()):
            actual = _table_shape(self.connection, table)
            place = f"tabellen {table}"
            if actual.kind != wanted.kind:
                self.fail("tabellen har en annan tabellform (WITHOUT ROWID eller STRICT) än Aktgranskning skapar.",
                          place)
            if actual.columns != wanted.columns:
                self.fail(self.column_difference(actual.columns, wanted.columns), place)
            if actual.indexes != wanted.indexes:
                self.fail("tabellens index eller unika nycklar är inte de Aktgranskning skapar.", place)
            if actual.foreign_keys != wanted.foreign_keys:
                self.fail("tabellens hänvisningar till andra tabeller (främmande nycklar) är inte de Aktgranskning "
                          "skapar.", place)

    @staticmethod
    def column_difference(actual: tuple[tuple[Any, ...], ...], wanted: tuple[tuple[Any, ...], ...]) -> str:
        by_name = {c[0]: c for c in wanted}
        for column in actual:
            name, declared, _notnull, _default, _pk, hidden = column
            if hidden in (2, 3):
                return f"kolumnen {shown(name)} är en beräknad kolumn (GENERATED) som Aktgranskning inte skapar."
            if name not in by_name:
                return f"kolumnen {shown(name)} finns inte i Aktgranskningens tabell."
            if declared != by_name[name][1]:
                return f"kolumnen {shown(name)} har typen {shown(declared)} men ska ha typen {by_name[name][1]}."
            if column != by_name[name]:
                return (f"kolumnen {shown(name)} har andra egenskaper (NOT NULL, standardvärde eller nyckel) än "
                        "Aktgranskning ger den.")
        missing = [c[0] for c in wanted if c[0] not in {a[0] for a in actual}]
        if missing:
            return f"kolumnen {shown(missing[0])} saknas."
        return "kolumnerna står i en annan ordning än Aktgranskning skapar dem."

    # --- rows and values -----------------------------------------------------------------------------
    def row_counts(self, expected: SchemaShape) -> dict[str, int]:
        counts = {}
        for table in sorted(expected.tables):
            counts[table] = self.query(f"SELECT count(*) FROM {_quote(table)}")[0][0]
            limit = MAX_ROWS.get(table)
            if limit is not None and counts[table] > limit:
                self.fail(f"tabellen har {_number(counts[table])} rader; en granskningsfil har högst {_number(limit)}.",
                          TABLE_LABELS.get(table, table))
        return counts

    def check_values(self, table: str) -> None:
        columns = COLUMNS[table]
        try:
            worst = self.query(f"SELECT {', '.join(f'max({_bad_value_sql(c)})' for c in columns)} "
                               f"FROM {_quote(table)}")[0]
        except sqlite3.DataError:
            worst = (None,) * len(columns)  # a value above the length limit: find which column
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) != _SQLITE_TOOBIG:
                raise
            worst = (None,) * len(columns)
        for column, problem in zip(columns, worst, strict=True):
            if problem != 0:
                self.locate(table, column)

    def locate(self, table: str, column: Column) -> None:
        place = f"{TABLE_LABELS.get(table, table)}, kolumnen {column.name}"
        c = _quote(column.name)
        try:
            found = self.query(f"SELECT rowid, {_bad_value_sql(column)} AS problem, typeof({c}), substr({c}, 1, 60) "
                               f"FROM {_quote(table)} WHERE problem > 0 LIMIT 1")
        except sqlite3.Error as exc:
            if isinstance(exc, sqlite3.DataError) or getattr(exc, "sqlite_errorcode", None) == _SQLITE_TOOBIG:
                self.fail(f"ett värde är större än {MAX_VALUE_BYTES // 1_000_000} MB, vilket ingen granskningsfil "
                          "innehåller. Värdet lästes inte.", place)
            raise
        if not found:
            return
        rowid, problem, kind, value = found[0]
        place += ", " + self.row_name(table, rowid)
        if problem == 1:
            wanted = " eller ".join(_TYPE_WORDS.get(t, t) for t in column.types)
            self.fail(f"värdet är {_TYPE_WORDS.get(kind, kind)} men ska vara {wanted}.", place)
        if problem == 2:
            self.fail(f"texten är längre än {_number(column.max_length)} tecken.", place)
        if problem == 6:
            self.fail("texten är inte giltig UTF-8 (den har skrivits av något annat program än Aktgranskning).",
                      place)
        if problem == 3:
            allowed = ", ".join(column.allowed) + (" eller tomt" if "null" in column.types else "")
            self.fail(f"värdet {shown(value)} är inte tillåtet; tillåtna värden är {allowed}.", place)
        if problem == 4:
            self.fail(f"värdet {shown(value)} är inget datum (ÅÅÅÅ-MM-DD).", place)
        span = column.integers or range(0)
        self.fail(f"värdet {shown(value)} ligger utanför {span.start}–{span.stop - 1}.", place)

    def row_name(self, table: str, rowid: int) -> str:
        parts = []
        for label, name in ROW_NAMES.get(table, ()):
            c = _quote(name)
            try:
                rows = self.query(f"SELECT CASE WHEN typeof({c}) IN ('text', 'integer') THEN substr({c}, 1, 40) END "
                                  f"FROM {_quote(table)} WHERE rowid = ?", (rowid,))
            except sqlite3.Error:
                rows = []
            value = rows[0][0] if rows else None
            if value is None:
                return f"rad {rowid}"
            parts.append(f"{label} {value}" if isinstance(value, int) or value.isdigit() else f"{label} {shown(value)}")
        return ", ".join(parts) or f"rad {rowid}"

    def check_integrity(self) -> None:
        """An index that disagrees with its table would let a query show other answers than the
        table holds (the values above were read from the tables)."""
        result = self.query("PRAGMA integrity_check(1)")
        if result != [("ok",)]:
            self.fail(f"databasens integritetskontroll hittade fel: {shown(result[0][0] if result else '', 120)}.")

    def check_references(self) -> None:
        broken = self.query('SELECT "table", rowid, parent FROM pragma_foreign_key_check LIMIT 1')
        if broken:
            table, rowid, parent = broken[0]
            self.fail(f"raden pekar på {TABLE_LABELS.get(parent, parent)}, där det den pekar på inte finns.",
                      f"{TABLE_LABELS.get(table, table)}, {self.row_name(table, rowid)}")

    # --- meaning -----------------------------------------------------------------------------------
    def check_meta(self) -> None:
        values = dict(self.query("SELECT key, value FROM review_meta"))
        place = TABLE_LABELS["review_meta"]
        for key in store._META_KEYS.values():
            if key not in values:
                self.fail(f"uppgiften {shown(key)} saknas.", place)
        for key in ("file_uuid", "enhet"):
            if not values[key].strip():
                self.fail(f"uppgiften {shown(key)} är tom.", place)
        if not re.fullmatch(r"\d{4}", values["ar"]) or int(values["ar"]) not in _YEARS:
            self.fail(f"året {shown(values['ar'])} är inget rimligt årtal.", place)
        try:
            datetime.fromisoformat(values["skapad"])
        except ValueError:
            self.fail(f"när filen skapades ({shown(values['skapad'])}) är ingen tidpunkt.", place)
        limits = {key: values.get(key) for key in (store._GOOD_KEY, store._FAIR_KEY)}
        for key, text in limits.items():
            if text is not None and not re.fullmatch(r"\d{1,3}", text):
                self.fail(f"färggränsen {key} är {shown(text)}, inget heltal 0–100.", place)
        defaults = Thresholds()
        try:
            Thresholds(good=int(limits[store._GOOD_KEY] or defaults.good), fair=int(limits[store._FAIR_KEY]
                                                                                     or defaults.fair))
        except UserError as error:
            self.fail(error.message, place)

    def check_checklists(self) -> dict[str, set[str]]:
        """Each stored checklist validates through the same code that reads checklist files and
        matches its stored hash. Returns the question ids of each."""
        questions: dict[str, set[str]] = {}
        for checklist_id, version, stored_hash, definition in self.query(
                "SELECT id, version, content_hash, definition FROM checklists"):
            place = f"{TABLE_LABELS['checklists']}, checklistan {shown(checklist_id)}"
            try:
                checklist = checklist_from_json(definition, source=self.path)
                actual_hash = content_hash(json.loads(definition))
            except FileProblem as problem:
                where = f" ({problem.place})" if problem.place not in ("", "checklistan") else ""
                self.fail(f"checklistan är inte giltig{where}: {problem.problem}", place)
            except Exception as exc:  # malformed or absurdly nested JSON: RecursionError, ValueError…
                self.fail(f"checklistan är ingen giltig checklista ({type(exc).__name__}).", place)
            if checklist.id != checklist_id or checklist.version != version:
                self.fail(f"checklistan anger id {shown(checklist.id)} version {shown(checklist.version)} men står "
                          f"som version {shown(version)}.", place)
            if actual_hash != stored_hash:
                self.fail("checklistans kontrollsumma stämmer inte: checklistan har ändrats i filen efter att den "
                          "skapades.", place)
            questions[checklist_id] = {q.id for q in checklist.questions()}
        return questions

    def check_answers(self, questions: dict[str, set[str]], counts: dict[str, int]) -> None:
        most = max((len(ids) for ids in questions.values()), default=0)
        if counts["answers"] > counts["cases"] * most:
            self.fail(f"tabellen har {counts['answers']} svar, fler än akterna har frågor.", TABLE_LABELS["answers"])
        pairs = self.query("SELECT DISTINCT c.case_type, a.question_id, min(a.case_id) FROM answers a "
                           "JOIN cases c ON c.id = a.case_id GROUP BY c.case_type, a.question_id")
        for case_type, question_id, case_id in pairs:
            if question_id not in questions.get(case_type, set()):
                self.fail(f"ett svar gäller frågan {shown(question_id)}, som inte finns i checklistan "
                          f"{shown(case_type)}.", f"{TABLE_LABELS['answers']}, akt-id {case_id}")
