"""The installed set: built-in checklists plus the organisation's folder, checked whenever it is
read; installing, updating and removing; an Excel-authored checklist through a whole year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aktgranskning.checklist_files import checklist_to_toml, load_checklist_file
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.checklist import effective_answers, unanswered_question_ids
from aktgranskning.domain.errors import UserError
from aktgranskning.paths import checklists_dir
from aktgranskning.services.checklist_authoring import check_checklist_workbook, install_checklist_workbook
from aktgranskning.services.checklists import (
    checklist_inventory,
    installed_checklists,
    remove_checklist,
    save_organisation_folder,
)
from tests.checklists.authoring import authored_workbook

UTREDNING = checklists_dir() / "utredning.toml"


@pytest.fixture
def organisation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "organisationens checklistor"
    monkeypatch.setenv("AKTGRANSKNING_CHECKLISTOR", str(folder))
    return folder


def _copy_of_utredning(folder: Path, name: str, **changes: Any) -> Path:
    """The built-in utredning checklist with its id, version or aliases changed, as a TOML file."""
    text = UTREDNING.read_text(encoding="utf-8")
    for old, new in changes.items():
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_built_in_checklists_share_no_question_id_and_no_case_type_name(organisation: Path) -> None:
    inventory = checklist_inventory()
    assert inventory.problems == ()
    assert [e.origin for e in inventory.installed.checklists] == ["inbyggd"] * len(inventory.checklists)


def test_a_question_id_in_two_checklists_is_refused_naming_both_sources(organisation: Path) -> None:
    path = _copy_of_utredning(organisation, "vuxen.toml", **{
        'id = "utredning"': 'id = "vuxen"', 'titel = "Utredning"': 'titel = "Vuxenutredning"',
        'arendetyp = "Utredning"': 'arendetyp = "Vuxen"', 'alias = ["utredning", "utredningar", "ut", '
        '"barnavårdsutredning", "bbic-utredning"]': 'alias = ["vux"]'})
    with pytest.raises(UserError) as error:
        installed_checklists()
    message = error.value.message
    assert ("Frågans id ”ut.anledning” finns i två checklistor: ”Utredning” (id utredning, inbyggd) och "
            f"”Vuxenutredning” (id vuxen, {path})") in message


def test_an_alias_in_two_checklists_is_refused_whatever_its_case(organisation: Path) -> None:
    folder = organisation
    folder.mkdir()
    (folder / "annan.toml").write_text(
        'id = "annan"\nversion = "1"\ntitel = "Annan"\nalias = ["  UTREDNINGAR "]\n'
        '[[avsnitt]]\nid = "a"\nrubrik = "A"\n[[avsnitt.fragor]]\nid = "an.fraga"\ntext = "Fråga?"\n',
        encoding="utf-8")
    with pytest.raises(UserError) as error:
        installed_checklists()
    assert (f"”UTREDNINGAR” (alias) i ”Annan” (id annan, {folder / 'annan.toml'}) används redan som alias "
            "”utredningar” i ”Utredning” (id utredning, inbyggd)") in error.value.message


def test_a_higher_version_replaces_the_built_in_one(organisation: Path) -> None:
    built_in = load_checklist_file(UTREDNING).version  # e.g. 2026.4: 2026.40 is the higher version
    _copy_of_utredning(organisation, "utredning.toml", **{f'version = "{built_in}"': f'version = "{built_in}0"'})
    inventory = checklist_inventory()
    assert not inventory.problems
    entry = inventory.entry("utredning")
    assert entry is not None and entry.checklist.version == f"{built_in}0" and not entry.built_in
    assert [(old.origin, old.checklist.version) for old, _ in inventory.installed.replaced] == [("inbyggd", built_in)]


def test_the_same_version_with_other_content_is_refused(organisation: Path) -> None:
    _copy_of_utredning(organisation, "utredning.toml", **{"Framgår anledning": "Står anledningen"})
    with pytest.raises(UserError) as error:
        installed_checklists()
    version = load_checklist_file(UTREDNING).version
    assert f"Checklistan utredning version {version} finns i två utföranden med olika innehåll" in error.value.message


def test_the_folder_saved_in_the_window_is_used_unless_the_variable_says_otherwise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AKTGRANSKNING_CHECKLISTOR", raising=False)
    assert checklist_inventory().folder_source == "standardmappen"
    save_organisation_folder(tmp_path / "vald")
    inventory = checklist_inventory()
    assert (inventory.organisation_folder, inventory.folder_source) == (tmp_path / "vald", "inställningen i fönstret")
    monkeypatch.setenv("AKTGRANSKNING_CHECKLISTOR", str(tmp_path / "miljö"))
    assert checklist_inventory().organisation_folder == tmp_path / "miljö"


def test_install_update_and_remove(organisation: Path, tmp_path: Path) -> None:
    workbook = authored_workbook(tmp_path / "uppfoljning.xlsx")
    result, installed = install_checklist_workbook(workbook)
    assert installed.action == "installerad" and installed.path == organisation / "uppfoljning.toml"
    assert load_checklist_file(installed.path) == result.checklist
    built_in = [load_checklist_file(path).id for path in sorted(checklists_dir().glob("*.toml"))]
    assert sorted(c.id for c in installed_checklists()) == sorted([*built_in, "uppfoljning"])

    def reworded(meta: Any, questions: Any) -> None:
        questions["C4"] = "Har insatsen följts upp?"  # unchanged wording, other content below
        questions["C2"] = "Är barnets vårdnadshavare informerade om beslutet?"

    changed = authored_workbook(tmp_path / "ändrad.xlsx", reworded)
    with pytest.raises(UserError) as refused:
        install_checklist_workbook(changed)
    assert "Checklistan uppfoljning version 2026.1 är redan installerad med annat innehåll" in refused.value.message
    assert "Blad Checklista, rad 2, kolumn B (version)" in refused.value.message

    def newer(meta: Any, questions: Any) -> None:
        reworded(meta, questions)
        meta["B2"] = "2026.2"

    check = check_checklist_workbook(authored_workbook(tmp_path / "ny.xlsx", newer))
    assert check.ok
    assert [str(w) for w in check.warnings] == [
        "Blad Frågor, rad 2, kolumn text: texten har ändrats mycket sedan version 2026.1 (likhet "
        f"{check.warnings[0].text.split('likhet ')[1].split(' %')[0]} %, varning under 60 %): förut ”Finns en "
        "genomförandeplan?”. Om frågan nu betyder något annat, ge den ett nytt id – annars jämförs dess resultat "
        "med tidigare år som om det vore samma fråga."]
    _, updated = install_checklist_workbook(tmp_path / "ny.xlsx")
    assert (updated.action, updated.replaced_version) == ("uppdaterad", "2026.1")
    assert checklist_inventory().entry("uppfoljning").checklist.version == "2026.2"  # type: ignore[union-attr]

    with pytest.raises(UserError, match="inbyggd i programmet och kan inte tas bort"):
        remove_checklist("utredning", checklist_inventory())
    remove_checklist("uppfoljning", checklist_inventory())
    assert not list(organisation.glob("*.toml"))


def test_an_installed_checklist_file_loads_back_exactly(tmp_path: Path) -> None:
    for path in sorted(checklists_dir().glob("*.toml")):
        checklist = load_checklist_file(path)
        copy = tmp_path / path.name
        copy.write_text(checklist_to_toml(checklist, "kommentar"), encoding="utf-8")
        assert load_checklist_file(copy).content_hash == checklist.content_hash


def test_an_authored_checklist_is_reviewed_reported_and_summarised_with_the_built_in_ones(
        organisation: Path, tmp_path: Path) -> None:
    from aktgranskning.services.new_file import create_from_sample_list
    from aktgranskning.services.opening import NewFileInfo, open_review_file
    from aktgranskning.services.report import export_unit_report, unit_report
    from aktgranskning.services.summary import build_summary

    install_checklist_workbook(authored_workbook(tmp_path / "uppfoljning.xlsx"))
    checklists = installed_checklists()
    expected: dict[str, list[int]] = {}
    workbooks = []
    for unit, other_type in (("Enhet A", "Utredning"), ("Enhet B", "fb")):
        listing = tmp_path / f"{unit}.csv"
        listing.write_text("Ärendenummer;Ärendetyp;Kön\n" + "".join(
            f"{unit[-1]}-{n};{'Familjehemsuppföljningar' if n % 2 else other_type};{'Flicka' if n % 3 else 'Pojke'}\n"
            for n in range(1, 7)), encoding="utf-8")
        target = tmp_path / f"{unit} 2026.granskning"
        create_from_sample_list(target, listing, NewFileInfo("Förvaltningen", "Området", unit, 2026), checklists)
        session = open_review_file(target, reviewer="granskare")
        try:
            count = 0
            for case in session.cases():
                checklist = session.checklist_for(case)
                stored: dict[str, Answer | None] = {}
                while unanswered := unanswered_question_ids(checklist, stored):
                    count += 1
                    stored[unanswered[0]] = Answer.YES if count % 3 else Answer.NO
                    session.set_answer(case.id, unanswered[0], stored[unanswered[0]])
                for question_id, answer in effective_answers(checklist, stored).items():
                    counts = expected.setdefault(question_id, [0, 0])
                    counts[0] += answer is Answer.YES
                    counts[1] += answer is Answer.NO
            exported = export_unit_report(unit_report(session), tmp_path / f"{unit}.xlsx", None)
            workbooks.append(exported.paths[0])
        finally:
            session.close()
    assert {c.case_type for c in checklists} >= {"Familjehemsuppföljning"} and "uf.plan" in expected
    for inputs in ([tmp_path / "Enhet A 2026.granskning", tmp_path / "Enhet B 2026.granskning"], workbooks):
        summary = build_summary(inputs)
        totals = summary.administration_level.tallies
        assert {qid: [t.yes, t.no] for qid, t in totals.items()} == expected


def test_a_summary_never_adds_one_question_id_of_two_checklists(tmp_path: Path, checklists: list[Any]) -> None:
    from aktgranskning.checklist_files import checklist_from_data
    from aktgranskning.services.opening import NewFileInfo, create_review_file
    from aktgranskning.services.summary import build_summary
    from tests.conftest import make_cases

    other = checklist_from_data({"id": "annan", "version": "1", "titel": "Annan", "avsnitt": [
        {"id": "a", "rubrik": "A", "fragor": [{"id": "ut.anledning", "text": "En annan fråga?"}]}]}, source="test")
    first, second = tmp_path / "Enhet A 2026.granskning", tmp_path / "Enhet B 2026.granskning"
    create_review_file(first, NewFileInfo("F", "O", "Enhet A", 2026), checklists, make_cases(2, 0))
    cases = [c.__class__(**{**c.__dict__, "case_type": "annan"}) for c in make_cases(2, 0)]
    create_review_file(second, NewFileInfo("F", "O", "Enhet B", 2026), [other], cases)
    with pytest.raises(UserError) as error:
        build_summary([first, second])
    assert error.value.message.startswith(
        "Frågans id ”ut.anledning” hör till checklistan utredning i Enhet A 2026.granskning men till checklistan "
        "annan i Enhet B 2026.granskning.")
