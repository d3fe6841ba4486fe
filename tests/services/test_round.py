"""The round's services: made from the enheter's files or the urval, its state read from its
folder, and the summary made from it showing every enhet of the round — missing and unfinished
ones as such."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from aktgranskning.domain.analysis import ActivityStatus
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.round import Round, RoundUnit, SharedAction, UnitState
from aktgranskning.domain.summary import DuplicateUnit, LevelKind, summary_warnings
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.services.round import (
    UNKNOWN_AREA,
    build_round_summary,
    create_round,
    load_round,
    round_folder,
    round_notices,
    round_status,
    save_round,
)
from aktgranskning.services.summary import summary_json
from tests.round_files import ADMINISTRATION, OTHER_LIMITS, YEAR, make_enhet, six_enheter_round  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def round_path(round_of_six_path: Path) -> Path:
    return round_of_six_path


def test_the_status_shows_each_enhet_of_the_round_in_its_order(round_path):
    status = round_status(round_path, load_round(round_path))
    states = {s.unit.unit: s.state for s in status.units}
    assert list(states) == ["Mottagningen", "Utredning barn", "Öppenvården", "Familjebehandling",
                            "Utredning ungdom", "Socialjouren"]
    assert states == {"Mottagningen": UnitState.DONE, "Utredning barn": UnitState.IN_PROGRESS,
                      "Öppenvården": UnitState.NOT_STARTED, "Familjebehandling": UnitState.MISSING,
                      "Utredning ungdom": UnitState.DONE, "Socialjouren": UnitState.DONE}
    by_name = {s.unit.unit: s for s in status.units}
    assert by_name["Utredning barn"].completeness.done == 1
    assert by_name["Familjebehandling"].completeness is None and by_name["Familjebehandling"].source is None
    assert by_name["Socialjouren"].source == "jouren.granskning"
    assert by_name["Mottagningen"].source == "Mottagningen 2026.granskning"


def test_analysed_submitted_and_other_limits_are_told_per_enhet(round_path):
    by_name = {s.unit.unit: s for s in round_status(round_path, load_round(round_path)).units}
    assert (by_name["Mottagningen"].analysed, by_name["Mottagningen"].submitted) == (True, True)
    assert by_name["Mottagningen"].workbook == "Mottagningen 2026.xlsx"
    assert (by_name["Utredning barn"].analysed, by_name["Utredning barn"].submitted) == (False, False)
    assert by_name["Utredning ungdom"].thresholds == OTHER_LIMITS
    assert by_name["Mottagningen"].thresholds is None


def test_files_of_other_enheter_and_unreadable_files_are_named(round_path):
    status = round_status(round_path, load_round(round_path))
    assert [(f.source, f.unit) for f in status.unknown] == [("Annan enhet 2026.granskning", "Annan enhet")]
    assert [e.source for e in status.excluded] == ["trasig.granskning"]
    assert status.excluded[0].reason


def test_the_round_summary_has_every_enhet_as_a_level_in_the_rounds_order(round_path):
    summary = build_round_summary(round_path, load_round(round_path))
    assert [(lv.kind, lv.name) for lv in summary.levels] == [
        (LevelKind.ADMINISTRATION, ADMINISTRATION),
        (LevelKind.AREA, "Barn och familj"), (LevelKind.UNIT, "Mottagningen"), (LevelKind.UNIT, "Utredning barn"),
        (LevelKind.AREA, "Område #1"), (LevelKind.UNIT, "Öppenvården"), (LevelKind.UNIT, "Familjebehandling"),
        (LevelKind.AREA, "Ungdom och vuxna"), (LevelKind.UNIT, "Utredning ungdom"), (LevelKind.UNIT, "Socialjouren"),
    ]
    missing = summary.levels[6]
    assert (missing.state, missing.expected, missing.cases, dict(missing.tallies)) == (UnitState.MISSING, 20, 0, {})
    assert summary.levels[3].preliminary and summary.levels[3].state_text() == "Pågående 1/4"
    assert summary.preliminary
    assert "1 enhet saknas" in summary.banner() and summary.banner().startswith("PRELIMINÄR")
    # the round names the enhet and its område, whatever the file says
    assert summary.levels[5].area == "Område #1"


def test_the_round_summary_uses_the_rounds_limits_and_lists_files_with_others(round_path):
    round_ = replace(load_round(round_path), thresholds=Thresholds(95, 85))
    summary = build_round_summary(round_path, round_)
    assert summary.thresholds == Thresholds(95, 85)
    texts = [str(w) for w in summary_warnings(summary)]
    assert any("Utredning ungdom 2026.granskning" in t and "grön ≥ 80 %" in t and "omgångens" in t for t in texts)
    assert any("Familjebehandling" in t and "Saknas" in t for t in texts)
    assert any("Annan enhet 2026.granskning" in t and "ingår inte i omgången" in t for t in texts)
    assert "omgångens gränser" in summary.limits_text()


def test_the_summary_json_gives_status_and_expected_akter_per_enhet(round_path):
    data = summary_json(build_round_summary(round_path, load_round(round_path)))
    enheter = {level["namn"]: level for level in data["nivaer"] if level["niva"] == "enhet"}
    assert enheter["Familjebehandling"]["status"] == "saknas"
    assert enheter["Familjebehandling"]["akter"] == {"totalt": 0, "klara": 0, "pagaende": 0, "ej_paborjade": 0,
                                                     "bortfall": 0, "konflikter": 0, "forvantade": 20}
    assert enheter["Utredning barn"]["status"] == "pagaende"
    assert enheter["Utredning barn"]["akter"]["klara"] == 1
    assert enheter["Utredning barn"]["akter"]["forvantade"] == 4
    assert {e["status"] for e in enheter.values()} == {"saknas", "ej_paborjad", "pagaende", "klar"}
    assert data["trosklar"] == {"gron": 90, "gul": 75}
    json.dumps(data, ensure_ascii=False)


def test_two_different_files_for_one_enhet_must_be_chosen_between(round_path, checklists, tmp_path):
    folder = tmp_path / "filer"
    make_enhet(folder, checklists, "A", "Mottagningen", YEAR, done=1)
    second = make_enhet(folder, checklists, "A", "Mottagningen", YEAR, done=2, name="Mottagningen ny.granskning")
    path = tmp_path / "r.omgang"
    round_ = Round(ADMINISTRATION, YEAR, (RoundUnit("A", "Mottagningen", 4),), folder="filer")
    with pytest.raises(DuplicateUnit):
        build_round_summary(path, round_)
    assert build_round_summary(path, round_, [second]).levels[-1].completeness.done == 2
    status = round_status(path, round_)
    assert status.units[0].state is UnitState.IN_PROGRESS and "två olika filer" in status.notices[0]


def test_a_round_made_from_the_folder_takes_its_enheter_and_stores_the_folder_relatively(round_path, tmp_path):
    target = round_path.parent / "ny.omgang"
    made = create_round(target, folder=round_path.parent / "filer", previous=None)
    assert made.year == YEAR and made.administration == ADMINISTRATION
    assert {u.unit for u in made.units} == {"Mottagningen", "Utredning barn", "ÖPPENVÅRDEN", "Utredning ungdom",
                                            "Jour", "Annan enhet"}
    assert made.folder == "filer"
    assert load_round(target) == made
    moved = tmp_path / "flyttad"
    moved.mkdir()
    assert round_folder(moved / "ny.omgang", made) == moved / "filer"
    with pytest.raises(FileProblem, match="finns redan"):
        create_round(target, folder=round_path.parent / "filer")
    target.unlink()


def test_a_new_round_carries_last_years_actions_and_limits(tmp_path):
    last = Round("F", 2025, (RoundUnit("O", "E", 20),), thresholds=Thresholds(85, 70), actions=(
        SharedAction("Gemensam mall", owner="Utvecklingsledare", question_ids=("ut.kommunicering",),
                     status=ActivityStatus.ONGOING),))
    save_round(tmp_path / "2025.omgang", last)
    folder = tmp_path / "tom"
    folder.mkdir()
    with pytest.raises(UserError, match="Inga enhetsfiler"):
        create_round(tmp_path / "2026.omgang", folder=folder, previous=tmp_path / "2025.omgang")
    assert not (tmp_path / "2026.omgang").exists()


def test_a_round_from_an_urval_workbook(tmp_path):
    from tests.test_sample_roster import write_urval

    urval = write_urval(tmp_path / "URVAL.xlsx")
    last = Round("F", 2025, (RoundUnit("O", "E", 20),), thresholds=Thresholds(85, 70), actions=(
        SharedAction("Gemensam mall", question_ids=("ut.kommunicering",)),))
    save_round(tmp_path / "2025.omgang", last)
    made = create_round(tmp_path / "2026.omgang", folder=tmp_path / "filer", urval=urval, year=2026,
                        administration="Socialförvaltningen", previous=tmp_path / "2025.omgang")
    assert [(u.area, u.unit, u.expected_cases) for u in made.units] == [
        ("Barn och familj", "Mottagningen", 3), ("Område #1", "Öppenvården", 3)]
    assert made.thresholds == Thresholds(85, 70)
    assert made.actions[0].from_year == 2025 and made.actions[0].question_ids == ("ut.kommunicering",)
    assert round_notices(made) == []
    assert UNKNOWN_AREA not in made.areas()


def test_a_round_needs_a_name_for_the_forvaltning_when_no_file_says_it(tmp_path):
    from tests.test_sample_roster import write_urval

    urval = write_urval(tmp_path / "URVAL.xlsx")
    with pytest.raises(UserError, match="--forvaltning"):
        create_round(tmp_path / "r.omgang", folder=tmp_path, urval=urval, year=2026)


@pytest.mark.slow
def test_the_demo_round_shows_its_enheter_and_one_missing(tmp_path, checklists):
    from aktgranskning.services.demo import DEMO_MISSING_UNIT, DEMO_UNITS, write_demo, write_demo_round

    write_demo(tmp_path, checklists, year=YEAR)
    path = write_demo_round(tmp_path, YEAR)
    round_ = load_round(path)
    assert sorted(u.unit for u in round_.units) == sorted(u.unit for u in (*DEMO_UNITS, DEMO_MISSING_UNIT))
    areas = [u.area for u in round_.units]
    assert areas == sorted(areas, key=areas.index)  # each område's enheter together
    status = round_status(path, round_)
    states = {s.unit.unit: s.state for s in status.units}
    assert states.pop(DEMO_MISSING_UNIT.unit) is UnitState.MISSING
    assert set(states.values()) == {UnitState.IN_PROGRESS}
    assert status.unknown == () and status.excluded == ()


def test_a_plain_summary_lists_files_made_with_other_limits(round_path):
    from aktgranskning.services.summary import build_summary

    folder = round_path.parent / "filer"
    summary = build_summary([folder / "Mottagningen 2026.granskning", folder / "Utredning ungdom 2026.granskning"])
    assert summary.thresholds == Thresholds() and summary.round is None
    assert summary.other_limits == (("Utredning ungdom 2026.granskning", OTHER_LIMITS),)
    assert any("sammanställningens" in str(w) and "grön ≥ 80 %" in str(w) for w in summary_warnings(summary))
    levels = {lv.name: lv for lv in summary.units()}
    assert levels["Mottagningen"].state is UnitState.DONE and levels["Mottagningen"].expected is None


def test_a_round_from_an_older_urval_puts_its_enheter_under_an_unknown_omrade_and_says_so(tmp_path):
    from openpyxl import load_workbook

    from tests.test_sample_roster import write_urval

    urval = write_urval(tmp_path / "URVAL.xlsx")
    book = load_workbook(urval)
    del book["Enheter"]
    book.save(urval)
    made = create_round(tmp_path / "r.omgang", folder=tmp_path, urval=urval, year=2026, administration="F")
    assert {u.area for u in made.units} == {UNKNOWN_AREA}
    [notice] = round_notices(made)
    assert "Mottagningen, Öppenvården" in notice and "Ange rätt område" in notice


def test_the_status_reports_its_progress_file_by_file(round_path):
    seen: list[tuple[int, int, str]] = []
    round_status(round_path, load_round(round_path), lambda n, total, name: seen.append((n, total, name)))
    assert seen[-1][0] == seen[-1][1] >= 7 and {name for _, _, name in seen} >= {"jouren.granskning"}
