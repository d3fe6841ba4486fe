"""Hand-made hostile granskningsfiler: a real file made by the program, then edited with sqlite3
the way anyone with a database tool could. Each entry says what it does and which words the
refusal must contain."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aktgranskning.checklist_files import content_hash
from aktgranskning.domain.analysis import Activity
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import DropoutReason
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.services.analysis import (
    save_activities,
    save_analysis_text,
    save_thresholds,
)
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.opening import (
    NewFileInfo,
    create_review_file,
    open_for_filling,
)
from tests.conftest import make_cases

HUGE_BYTES = 50_000_000


def base_file(path: Path, unit: str = "Testenheten", year: int = 2026) -> Path:
    """A real, partly reviewed file: Ja and Nej answers, a dropout replaced by a reserve, an
    analysis text, an activity and colour limits."""
    create_review_file(path, NewFileInfo("Testförvaltningen", "Testområdet", unit, year), installed_checklists(),
                       make_cases())
    session = open_for_filling(path, reviewer="testare")
    try:
        cases = session.cases()
        for case in cases[:3]:
            questions = session.checklist_for(case).questions()
            for number, question in enumerate(q for q in questions if q.condition is None):
                session.set_answer(case.id, question.id, Answer.NO if number % 3 == 0 else Answer.YES)
        session.mark_dropout(cases[3].id, DropoutReason.FILE_MISSING)
        save_analysis_text(session, "strengths", "Utredningarna är tydliga.")
        save_activities(session, [Activity("Checklista vid anmälan", responsible="Enhetschef", due=date(2027, 3, 31))])
        save_thresholds(session, Thresholds(good=85, fair=70))
    finally:
        session.close()
    return path


@dataclass(frozen=True)
class Hostile:
    name: str
    edit: Callable[[sqlite3.Connection], None]
    words: tuple[str, ...]  # what the refusal must say


def _sql(*statements: str) -> Callable[[sqlite3.Connection], None]:
    def edit(connection: sqlite3.Connection) -> None:
        for statement in statements:
            connection.execute(statement)

    return edit


def _change(register: str, value: str = '"Ja"', replaces: str = "[]", change_id: str = "ab" * 16
            ) -> Callable[[sqlite3.Connection], None]:
    return _sql(f"INSERT INTO changes VALUES ('{change_id.replace(chr(39), chr(39) * 2)}', '{'cd' * 16}', "
                f"'2026-10-05T10:00:00.000+02:00', 'främling', '{register}', '{value}', 'null', '{replaces}')")


def _schema_edit(old: str, new: str, table: str) -> Callable[[sqlite3.Connection], None]:
    """Rewrite a table's CREATE statement in place, as writable_schema lets anyone do."""
    def edit(connection: sqlite3.Connection) -> None:
        connection.execute("PRAGMA writable_schema=ON")
        changed = connection.execute("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = ?",
                                     (old, new, table)).rowcount
        assert changed == 1
        connection.execute("PRAGMA writable_schema=OFF")

    return edit


def _unchecked(*statements: str) -> Callable[[sqlite3.Connection], None]:
    return _sql("PRAGMA ignore_check_constraints=ON", *statements)


def _definition_edit(change: Callable[[dict], object], rehash: bool) -> Callable[[sqlite3.Connection], None]:
    def edit(connection: sqlite3.Connection) -> None:
        definition = connection.execute("SELECT definition FROM checklists WHERE id='utredning'").fetchone()[0]
        data = json.loads(definition)
        change(data)
        text = json.dumps(data, ensure_ascii=False)
        connection.execute("UPDATE checklists SET definition=? WHERE id='utredning'", (text,))
        if rehash:
            connection.execute("UPDATE checklists SET content_hash=? WHERE id='utredning'", (content_hash(data),))

    return edit


def _reword(data: dict) -> None:
    data["avsnitt"][0]["fragor"][0]["text"] = "Har utredningen gjorts? (ändrad i efterhand)"


def _no_sections(data: dict) -> None:
    data["avsnitt"] = []


def _index_out_of_step(connection: sqlite3.Connection) -> None:
    """The answers' key index swapped for one over other rows: a query that finds answers through
    the index would see other answers than the table holds."""
    connection.execute("CREATE TABLE falska (case_id INTEGER NOT NULL, question_id VARCHAR NOT NULL, "
                       "PRIMARY KEY (case_id, question_id))")
    connection.execute("INSERT INTO falska SELECT case_id, question_id || 'x' FROM answers")
    pages = dict(connection.execute("SELECT name, rootpage FROM sqlite_master WHERE name IN "
                                    "('sqlite_autoindex_answers_1', 'sqlite_autoindex_falska_1')"))
    connection.commit()
    connection.execute("PRAGMA writable_schema=ON")
    connection.execute("UPDATE sqlite_master SET rootpage=? WHERE name='sqlite_autoindex_answers_1'",
                       (pages["sqlite_autoindex_falska_1"],))
    connection.execute("DELETE FROM sqlite_master WHERE tbl_name='falska'")
    connection.execute("PRAGMA writable_schema=OFF")


def _huge_meta(connection: sqlite3.Connection) -> None:
    connection.execute("UPDATE review_meta SET value=? WHERE key='omrade'", ("x" * HUGE_BYTES,))


def _nested_definition(connection: sqlite3.Connection) -> None:
    connection.execute("UPDATE checklists SET definition=? WHERE id='utredning'", ("[" * 200_000,))


HOSTILE: tuple[Hostile, ...] = (
    Hostile("trigger", _sql(
        "CREATE TRIGGER nej_blir_ja AFTER INSERT ON answers BEGIN "
        "UPDATE answers SET answer='Ja' WHERE answer='Nej'; DELETE FROM audit_log; END",
        "CREATE TRIGGER vid_uppdatering AFTER UPDATE ON answers BEGIN "
        "UPDATE answers SET answer='Ja' WHERE answer='Nej'; DELETE FROM audit_log; END",
    ), ("utlösare (trigger)", "nej_blir_ja")),
    Hostile("view_added", _sql("CREATE VIEW alla_ja AS SELECT case_id, question_id, 'Ja' AS answer FROM answers"),
            ("vy (view)", "alla_ja")),
    Hostile("view_shadowing_answers", _sql(
        "ALTER TABLE answers RENAME TO answers_riktiga",
        "CREATE VIEW answers AS SELECT case_id, question_id, CASE WHEN answer IS NULL THEN NULL ELSE 'Ja' END "
        "AS answer, comment, reviewer, answered_at FROM answers_riktiga",
    ), ("vy (view)", "”answers”")),
    Hostile("recursive_view", _sql(
        "DROP TABLE review_meta",
        "CREATE VIEW review_meta AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT 'k' || i AS key, 'v' AS value FROM n",
    ), ("vy (view)", "hänga")),
    Hostile("shadow_table", _sql("CREATE TABLE answers_shadow (case_id INTEGER, question_id TEXT, answer TEXT)"),
            ("en tabell", "answers_shadow", "inte skapar")),
    Hostile("extra_index", _sql("CREATE INDEX ix_svar ON answers (answer)"), ("ett index", "ix_svar")),
    Hostile("generated_column", _sql("ALTER TABLE answers ADD COLUMN alltid TEXT GENERATED ALWAYS AS ('Ja') VIRTUAL"),
            ("beräknad kolumn", "alltid")),
    Hostile("extra_column", _sql("ALTER TABLE cases ADD COLUMN personnummer TEXT"), ("personnummer", "finns inte")),
    Hostile("wrong_column_type", _schema_edit("sequence INTEGER NOT NULL", "sequence TEXT NOT NULL", "cases"),
            ("sequence", "typen", "INTEGER")),
    Hostile("without_rowid", _sql(
        "ALTER TABLE answers RENAME TO answers_gamla",
        "CREATE TABLE answers (case_id INTEGER NOT NULL, question_id VARCHAR NOT NULL, answer VARCHAR, "
        "comment TEXT NOT NULL, reviewer VARCHAR NOT NULL, answered_at VARCHAR NOT NULL, "
        "PRIMARY KEY (case_id, question_id), FOREIGN KEY(case_id) REFERENCES cases (id)) WITHOUT ROWID",
        "INSERT INTO answers SELECT * FROM answers_gamla",
        "DROP TABLE answers_gamla",
    ), ("answers", "Aktgranskning")),
    Hostile("collate_nocase", _schema_edit("answer VARCHAR,", "answer VARCHAR COLLATE NOCASE,", "answers"),
            ("answers", "COLLATE")),
    Hostile("default_added", _schema_edit("comment TEXT NOT NULL", "comment TEXT NOT NULL DEFAULT 'x'", "answers"),
            ("comment", "standardvärde")),
    Hostile("text_in_integer_column", _sql("UPDATE cases SET sequence='ett' WHERE sequence=1"),
            ("kolumnen sequence", "en text", "ett heltal")),
    Hostile("answer_lowercase", _unchecked("UPDATE answers SET answer='ja' WHERE answer='Ja'"),
            ("kolumnen answer", "”ja”", "Ja, Nej, X")),
    Hostile("answer_blob", _unchecked("UPDATE answers SET answer=X'4A61' WHERE answer='Ja'"),
            ("kolumnen answer", "binärdata")),
    Hostile("invalid_utf8", _sql("UPDATE answers SET comment=CAST(X'4B6F6D6D656E746172FF' AS TEXT) WHERE rowid=1"),
            ("kolumnen comment", "UTF-8")),
    Hostile("bad_gender", _sql("UPDATE cases SET gender='K' WHERE sequence=2"),
            ("kolumnen gender", "”K”", "löpnummer 2")),
    Hostile("bad_status", _unchecked("UPDATE cases SET status='godkänd' WHERE sequence=1"),
            ("kolumnen status", "”godkänd”")),
    Hostile("bad_dropout_reason", _sql("UPDATE cases SET dropout_reason='orkade inte' WHERE sequence=4"),
            ("kolumnen dropout_reason", "”orkade inte”")),
    Hostile("reserve_points_nowhere", _sql("UPDATE cases SET replaces_case_id=999 WHERE is_reserve=1"),
            ("akterna (cases)", "pekar på")),
    Hostile("is_reserve_not_boolean", _sql("UPDATE cases SET is_reserve=7 WHERE sequence=1"),
            ("kolumnen is_reserve", "utanför")),
    Hostile("case_type_without_checklist", _sql("UPDATE cases SET case_type='hemlig' WHERE sequence=1"),
            ("pekar på checklistorna",)),
    Hostile("threshold_not_a_number", _sql("UPDATE review_meta SET value='nittio' WHERE key='troskel_gron'"),
            ("troskel_gron", "”nittio”")),
    Hostile("thresholds_crossed", _sql("UPDATE review_meta SET value='95' WHERE key='troskel_gul'"),
            ("Gul måste ligga",)),
    Hostile("threshold_above_100", _sql("UPDATE review_meta SET value='150' WHERE key='troskel_gron'"),
            ("grön från 150",)),
    Hostile("year_implausible", _sql("UPDATE review_meta SET value='1066' WHERE key='ar'"), ("året", "”1066”")),
    Hostile("meta_key_missing", _sql("DELETE FROM review_meta WHERE key='enhet'"), ("”enhet”", "saknas")),
    Hostile("activity_status", _unchecked("UPDATE activities SET status='klar'"), ("kolumnen status", "”klar”")),
    Hostile("activity_due_not_a_date", _sql("UPDATE activities SET due='snart'"), ("kolumnen due", "inget datum")),
    Hostile("analysis_field_unknown", _sql("UPDATE analysis SET field='hemligt' WHERE field='strengths'"),
            ("kolumnen field", "”hemligt”")),
    Hostile("answer_date_garbage", _sql("UPDATE answers SET answered_at='igår' WHERE answer='Nej'"),
            ("kolumnen answered_at", "inget datum")),
    Hostile("answer_to_unknown_question", _sql(
        "INSERT INTO answers VALUES (1, 'fb.finns_inte', 'Ja', '', 'x', '')"),
            ("”fb.finns_inte”", "inte finns i checklistan")),
    Hostile("index_out_of_step", _index_out_of_step, ("integritetskontroll",)),
    Hostile("huge_metadata", _huge_meta, ("filens uppgifter (review_meta)", "kolumnen value", "16 MB")),
    Hostile("long_metadata", _sql("UPDATE review_meta SET value=printf('%.*c', 200000, 'x') WHERE key='enhet'"),
            ("kolumnen value", "längre än 10 000 tecken")),
    Hostile("checklist_invalid", _definition_edit(_no_sections, rehash=True), ("checklistan", "inga avsnitt")),
    Hostile("checklist_nested_json", _nested_definition, ("checklistan", "ingen giltig checklista")),
    Hostile("checklist_wrong_hash", _definition_edit(_reword, rehash=False), ("kontrollsumma stämmer inte",)),
    Hostile("newer_schema", _sql("UPDATE alembic_version SET version_num='9999'"), ("nyare version", "9999")),
    Hostile("two_revisions", _sql("INSERT INTO alembic_version VALUES ('0001')"), ("exakt en schemaversion",)),
    # a reviewer's own file whose change rows were written by something else than the program
    Hostile("change_for_an_akt_that_is_not_there", _change("svar/999/fb.anmalare"),
            ("ändringarna (changes)", "akt-id 999")),
    Hostile("change_for_a_question_not_in_the_checklist", _change("svar/1/påhittad.fråga"),
            ("ändringarna (changes)", "påhittad.fråga")),
    Hostile("change_with_a_value_of_the_wrong_kind", _change("svar/1/fb.anmalare", value='"Kanske"'),
            ("ändringarna (changes)", "passar inte")),
    Hostile("change_replacing_what_is_no_list", _change("svar/1/fb.anmalare", replaces='{"a": 1}'),
            ("ändringarna (changes)", "ersätter")),
    Hostile("change_with_an_id_that_is_no_id", _change("svar/1/fb.anmalare", change_id="x' OR 1=1 --"),
            ("ändringarna (changes)", "inget id")),
    Hostile("change_register_no_register", _change("radera/allt"), ("ändringarna (changes)", "radera/allt")),
)
BY_NAME = {hostile.name: hostile for hostile in HOSTILE}


def make_hostile(base: Path, target: Path, hostile: Hostile) -> Path:
    shutil.copyfile(base, target)
    connection = sqlite3.connect(target)
    try:
        hostile.edit(connection)
        connection.commit()
    finally:
        connection.close()
    for side in ("-wal", "-shm", "-journal"):
        assert not target.with_name(target.name + side).exists()
    return target
