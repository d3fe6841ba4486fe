"""The analysis and the colour limits are kept in the granskningsfil, and an old file is upgraded."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from aktgranskning.domain.analysis import Activity, ActivityStatus
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.services.analysis import (
    read_analysis,
    read_thresholds,
    save_activities,
    save_analysis_text,
    save_thresholds,
)
from aktgranskning.services.opening import open_for_reading, open_review_file
from aktgranskning.services.status import status_data
from aktgranskning.storage.migrate import head_revision

DATA = Path(__file__).resolve().parent.parent / "data"


def test_analysis_texts_and_activities_survive_reopening(session, review_file):
    save_analysis_text(session, "strengths", "Anmälningarna dokumenteras väl.")
    save_activities(session, [
        Activity("Checklista vid ärendedragning", "F7", "Enhetschef", "2027-02-28", "Stickprov i mars"),
        Activity("", "", "", "", ""),  # an empty row is not kept
        Activity("Utbildning", "U16", "Metodstöd", "", "APT i maj", ActivityStatus.ONGOING, from_year=2025),
    ])
    session.close()
    again = open_review_file(review_file, reviewer="någon annan")
    try:
        analysis = read_analysis(again)
    finally:
        again.close()
    assert analysis.strengths == "Anmälningarna dokumenteras väl."
    assert [a.activity for a in analysis.activities] == ["Checklista vid ärendedragning", "Utbildning"]
    assert analysis.activities[1].status is ActivityStatus.ONGOING and analysis.activities[1].from_year == 2025
    assert analysis.filled_by == "testare"


def test_a_due_date_that_is_no_date_is_refused_and_nothing_is_saved(session):
    save_activities(session, [Activity("Första", due="2027-01-31")])
    with pytest.raises(UserError, match="ÅÅÅÅ-MM-DD"):
        save_activities(session, [Activity("Första", due="2027-01-31"), Activity("Andra", due="31/1")])
    assert [a.activity for a in read_analysis(session).activities] == ["Första"]


def test_colour_limits_are_kept_per_file(session):
    assert read_thresholds(session) == Thresholds(90, 75)
    save_thresholds(session, Thresholds(95, 80))
    assert read_thresholds(session) == Thresholds(95, 80)


def test_a_file_from_schema_0001_is_backed_up_then_upgraded_with_nothing_lost(tmp_path):
    old = tmp_path / "Mottagningen 2025.granskning"
    shutil.copy(DATA / "schema_0001.granskning", old)
    expected = json.loads((DATA / "schema_0001.status.json").read_text(encoding="utf-8"))

    session = open_review_file(old, reviewer="test")
    try:
        assert session.meta.schema_version == head_revision() != "0001"
        assert status_data(session) == expected
        save_analysis_text(session, "keep_good", "Fortsätt med mallen.")
    finally:
        session.close()
    backups = list(tmp_path.glob("*före-uppgradering-schema-0001*"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as backup:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert backup.execute("SELECT count(*) FROM answers").fetchone() == (290,)


def test_an_old_file_can_be_read_without_being_changed(tmp_path):
    old = tmp_path / "gammal.granskning"
    shutil.copy(DATA / "schema_0001.granskning", old)
    before = old.read_bytes()
    session = open_for_reading(old)
    try:
        assert read_analysis(session).is_empty
        assert status_data(session)["akter"]["totalt"] == 21
    finally:
        session.close()
    assert old.read_bytes() == before
    assert not list(tmp_path.glob("*före-uppgradering*"))
