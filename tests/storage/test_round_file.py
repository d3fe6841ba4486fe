"""The round file: everything in the Round comes back as written, and a file that is not one
— not JSON, too large, nested too deep, a field of the wrong type — is refused with a Swedish
message naming the file and the place."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aktgranskning.domain.analysis import ActivityStatus
from aktgranskning.domain.errors import FileProblem
from aktgranskning.domain.round import AnalysisLevel, LevelAnalysis, Milestone, Round, RoundUnit, SharedAction
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.storage.round_file import (
    FILE_TYPE,
    MAX_BYTES,
    read_round_file,
    round_from_json,
    round_to_json,
    write_round_file,
)

names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1,
                max_size=30).filter(str.strip)
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
days = st.none() | st.dates(date(2000, 1, 1), date(2100, 12, 31))


@st.composite
def rounds(draw: st.DrawFn) -> Round:
    unit_names = draw(st.lists(names, min_size=1, max_size=6, unique_by=str.casefold))
    units = tuple(RoundUnit(draw(texts), name, draw(st.integers(1, 500)),
                            draw(st.sampled_from(["", "fil.granskning", "Enhet 2026.xlsx"])))
                  for name in unit_names)
    fair = draw(st.integers(0, 100))
    return Round(
        administration=draw(names),
        year=draw(st.integers(1900, 2200)),
        units=units,
        checklist_ids=tuple(draw(st.lists(names, max_size=3))),
        thresholds=Thresholds(draw(st.integers(fair, 100)), fair),
        timetable=tuple(Milestone(step, draw(days)) for step in draw(st.lists(names, max_size=4))),
        folder=draw(st.sampled_from(["", "filer", "../Enheter 2026", "/delad/Å ä ö"])),
        analyses=tuple(draw(st.lists(st.builds(LevelAnalysis, st.sampled_from(list(AnalysisLevel)), texts, texts,
                                               texts, texts), max_size=3))),
        actions=tuple(draw(st.lists(st.builds(
            SharedAction, texts, st.integers(1, 9), texts, days, st.lists(names, max_size=3).map(tuple),
            st.sampled_from(list(ActivityStatus)), texts, st.none() | st.integers(1990, 2100)), max_size=3))),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(round_=rounds())
def test_a_round_comes_back_as_it_was_written(tmp_path, round_):
    path = write_round_file(tmp_path / "Omgång.omgang", round_)
    assert read_round_file(path) == round_


def test_the_file_is_json_with_its_type_and_version_and_never_overwritten_when_new(tmp_path):
    round_ = Round("Socialförvaltningen", 2026, (RoundUnit("Område #1", "Öppenvården", 20),))
    path = write_round_file(tmp_path / "Omgång 2026.omgang", round_, new=True)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["typ"], data["version"], data["enheter"][0]["enhet"]) == (FILE_TYPE, 1, "Öppenvården")
    with pytest.raises(FileProblem, match="finns redan"):
        write_round_file(path, round_, new=True)
    assert [p.name for p in tmp_path.iterdir()] == ["Omgång 2026.omgang"]


def _valid() -> dict:
    return round_to_json(Round("F", 2026, (RoundUnit("A", "E1", 20), RoundUnit("A", "E2", 20),
                                           RoundUnit("B", "E3", 20), RoundUnit("B", "E4", 20)),
                               actions=(SharedAction("Åtgärd", question_ids=("ut.kommunicering",)),)))


def _refused(tmp_path: Path, content: bytes) -> FileProblem:
    path = tmp_path / "trasig.omgang"
    path.write_bytes(content)
    with pytest.raises(FileProblem) as caught:
        read_round_file(path)
    assert caught.value.path == str(path)
    return caught.value


def _with(change) -> bytes:  # type: ignore[no-untyped-def]
    data = _valid()
    change(data)
    return json.dumps(data).encode()


@pytest.mark.parametrize(("change", "place", "problem"), [
    (lambda d: d["enheter"][3].update(forvantade_akter=0), "enheter[3].forvantade_akter", "ska vara ett heltal ≥ 1"),
    (lambda d: d["enheter"][1].update(forvantade_akter="20"), "enheter[1].forvantade_akter", "heltal"),
    (lambda d: d["enheter"][0].update(enhet=None), "enheter[0].enhet", "ska vara en text"),
    (lambda d: d["enheter"][0].update(fil="../../etc/passwd"), "enheter[0].fil", "filnamn"),
    (lambda d: d.update(enheter={}), "enheter", "lista"),
    (lambda d: d.update(ar=True), "ar", "heltal"),
    (lambda d: d["trosklar"].update(gul=95), "trosklar", "Gul måste ligga mellan 0 och grön"),
    (lambda d: d["tidplan"][0].update(datum="31/12"), "tidplan[0].datum", "ÅÅÅÅ-MM-DD"),
    (lambda d: d["atgarder"][0].update(status="klar"), "atgarder[0].status", "planerad"),
    (lambda d: d["atgarder"][0].update(fragor=[3]), "atgarder[0].fragor[0]", "text"),
    (lambda d: d["enheter"][2].update(enhet="e1"), "enheter", "två gånger"),
    (lambda d: d.update(version=2), "version", "nyare version"),
])
def test_a_wrong_field_is_named_by_its_place(tmp_path, change, place, problem):
    refused = _refused(tmp_path, _with(change))
    assert refused.place == place and problem in refused.problem
    assert "trasig.omgang" in refused.message


@pytest.mark.parametrize(("content", "problem"), [
    (b"inte json", "inte giltig JSON"),
    (b"\xff\xfe\x00", "UTF-8"),
    (b"[]", "ingen omgångsfil"),
    (b'{"typ": "annat"}', "ingen omgångsfil"),
    (b"[" * 100_000 + b"]" * 100_000, "nästlad"),
    (b'{"typ": "aktgranskning-omgang", "x": ' + b"[" * 50 + b"]" * 50 + b"}", "nästlad"),
    (b" " * (MAX_BYTES + 1), "större än 5 MB"),
])
def test_a_file_that_is_no_round_is_refused_in_swedish(tmp_path, content, problem):
    assert problem in _refused(tmp_path, content).problem


def test_a_missing_file_and_a_folder_are_refused(tmp_path):
    with pytest.raises(FileProblem, match="finns inte"):
        read_round_file(tmp_path / "ingen.omgang")
    (tmp_path / "mapp.omgang").mkdir()
    with pytest.raises(FileProblem, match="ingen vanlig fil"):
        read_round_file(tmp_path / "mapp.omgang")


def test_unknown_keys_are_ignored(tmp_path):
    data = _valid() | {"framtida_falt": {"a": 1}}
    assert round_from_json(data, tmp_path / "x.omgang").units[0].unit == "E1"
