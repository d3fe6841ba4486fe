"""An activity's questions (schema 0004): kept in the file, in the change register, and an upgrade
from schema 0003 keeps every activity (with no questions); a file read as it is (0003) reads too."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from aktgranskning.domain.analysis import Activity, ActivityStatus
from aktgranskning.domain.changes import Kind, Register, encode
from aktgranskning.domain.errors import FileProblem
from aktgranskning.services.analysis import read_analysis, save_activities
from aktgranskning.services.collect import collect_enhet
from aktgranskning.services.opening import open_for_reading, open_review_file
from aktgranskning.storage.migrate import MIGRATIONS_DIR, head_revision
from aktgranskning.storage.registers import change_value_problem

ACTIVITIES = [
    Activity("Checklista vid ärendedragning", "Ärendedragning", "Enhetschef", date(2027, 2, 28), "Stickprov i mars",
             question_ids=("fb.skyndsamt", "fb.anmalare")),
    Activity("Utbildning", "", "Metodstöd", None, "APT i maj", ActivityStatus.ONGOING, from_year=2025),
]


def _downgrade(path: Path, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from aktgranskning.storage.engine import open_engine

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = open_engine(path)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def test_the_questions_are_kept_in_the_file_with_the_activity(session, review_file):
    repeated = Activity("Frågor med blanktecken", question_ids=(" fb.anmalare ", "", "fb.anmalare"))
    save_activities(session, [*ACTIVITIES, repeated])
    session.close()
    reopened = open_for_reading(review_file)
    try:
        activities = read_analysis(reopened).activities
    finally:
        reopened.close()
    assert [a.question_ids for a in activities] == [("fb.skyndsamt", "fb.anmalare"), (), ("fb.anmalare",)]


def test_an_upgrade_from_schema_0003_keeps_every_activity(session, review_file, tmp_path):
    save_activities(session, ACTIVITIES)
    session.close()
    old = tmp_path / "gammal" / "Testenheten 2026.granskning"
    old.parent.mkdir()
    collect_enhet(review_file, old)  # samla keeps the questions
    with sqlite3.connect(old) as connection:
        assert connection.execute("SELECT question_ids FROM activities ORDER BY position").fetchall() == [
            ('["fb.skyndsamt", "fb.anmalare"]',), ("[]",)]
    connection.close()
    _downgrade(old, "0003")
    with sqlite3.connect(old) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
        assert "question_ids" not in [row[1] for row in connection.execute("PRAGMA table_info(activities)")]
    connection.close()

    reading = open_for_reading(old)  # read as it is, not upgraded
    try:
        assert read_analysis(reading).activities == tuple(replace(a, question_ids=()) for a in ACTIVITIES)
    finally:
        reading.close()

    upgraded = open_review_file(old, reviewer="testare")
    try:
        assert upgraded.meta.schema_version == head_revision() == "0004"
        kept = read_analysis(upgraded).activities
        assert [(a.activity, a.due, a.status, a.from_year, a.question_ids) for a in kept] == [
            (a.activity, a.due, a.status, a.from_year, ()) for a in ACTIVITIES]
        save_activities(upgraded, [replace(kept[0], question_ids=("fb.skyndsamt",)), kept[1]])
        assert read_analysis(upgraded).activities[0].question_ids == ("fb.skyndsamt",)
    finally:
        upgraded.close()
    assert list(old.parent.glob("*före-uppgradering-schema-0003*"))


def test_a_change_written_before_schema_0004_reads_as_an_activity_without_questions():
    register = Register.of(Kind.ACTIVITIES)
    older = {"activity": "Utbildning", "linked": "U16", "responsible": "Metodstöd", "due": "", "follow_up": "",
             "status": "planerad", "from_year": None}
    assert change_value_problem(register, [older]) == ""
    assert change_value_problem(register, [{**older, "question_ids": ["fb.skyndsamt"]}]) == ""
    assert change_value_problem(register, [{**older, "question_ids": "fb.skyndsamt"}]) != ""
    assert change_value_problem(register, [{**older, "question_ids": [7]}]) != ""
    assert encode([older])  # the value as a change row holds it


def test_a_file_whose_activity_questions_are_no_list_of_ids_is_refused(session, review_file, tmp_path):
    save_activities(session, ACTIVITIES)
    session.close()
    bad = tmp_path / "ändrad" / "Testenheten 2026.granskning"
    bad.parent.mkdir()
    collect_enhet(review_file, bad)
    with sqlite3.connect(bad) as connection:
        connection.execute("UPDATE activities SET question_ids = '{\"a\": 1}' WHERE position = 0")
    connection.close()
    with pytest.raises(FileProblem) as refused:
        open_for_reading(bad)
    assert "question_ids" in refused.value.message and "plats 0" in refused.value.message
