"""Legal references are written the Swedish way, "20 kap. 2 §", everywhere the program writes them, and
the installed checklists cite one current law version each, with nothing uncertain on the reviewer's
screen. Also what installing several checklists means for a new file, the report and the demo."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.paths import checklists_dir
from aktgranskning.services.checklists import installed_checklists
from tests.support.demo_cache import copy_demo
from tests.support.workbook_text import zip_text

WITHOUT_DOT = re.compile(r"\bkap\s*\d")  # "11 kap 2 §", "kap2"; "11 kap. 2 §" is right
PACKAGE = Path(__file__).resolve().parents[1] / "aktgranskning"


def test_checklists_write_kap_with_a_dot():
    files = sorted(checklists_dir().glob("*.toml"))
    assert files
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not WITHOUT_DOT.search(line), f"{path.name}, rad {number}: {line}"
    texts = [t for c in installed_checklists() for q in c.questions() for t in (q.text, q.legal_basis, q.help_text)]
    assert any("20 kap. 2 §" in text for text in texts)  # the references are there, with the dot


def test_the_programs_own_texts_write_kap_with_a_dot():
    for path in PACKAGE.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not WITHOUT_DOT.search(line), f"{path.relative_to(PACKAGE.parent)}, rad {number}"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aktgranskning", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=180)


@pytest.mark.slow
def test_the_workbook_and_pdf_write_kap_with_a_dot(tmp_path):
    folder = tmp_path / "demo"
    copy_demo(folder, installed_checklists(), year=2026)
    source = folder / "Mottagningen 2025.granskning"  # last year's: its activities cite a chapter
    workbook, pdf = tmp_path / "enhet.xlsx", tmp_path / "enhet.pdf"
    result = _run("rapport", str(source), "-o", str(workbook), "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    xml = zip_text(workbook, ".xml")
    assert "10 kap. 21 §" in xml and not WITHOUT_DOT.search(xml)
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils saknas (apt-get install poppler-utils)")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "kap." in text and not WITHOUT_DOT.search(text)


# --- the installed checklists: one law version, ids and names that cannot collide ---------------

NEW_VERSAMHETER = {"uppfoljning_insats": "ui.", "utredning_vuxen": "uv.", "ekonomiskt_bistand": "eb."}
UNCERTAIN = re.compile(r"troligen|ej bekräftat|inte bekräftat|osäker|SOSFS 2014:4", re.IGNORECASE)
SOL_CITED = re.compile(r"\bSoL\b|socialtjänstlag", re.IGNORECASE)
SOL_VERSION = re.compile(r"\b(19\d\d|20\d\d):(\d+)\b")


def _visible_texts(checklist) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Everything of a checklist a reviewer or a report reader sees, with where it stands."""
    texts = [("titel", checklist.title), ("ärendetyp", checklist.case_type)]
    texts += [(f"alias {alias}", alias) for alias in checklist.aliases]
    for section in checklist.sections:
        texts.append((f"avsnitt {section.id}", section.title))
        for question in section.questions:
            texts += [(f"{question.id} text", question.text), (f"{question.id} hjälptext", question.help_text),
                      (f"{question.id} lagrum", question.legal_basis)]
    return texts


def test_the_checklists_of_every_verksamhet_are_installed(checklists_by_id):
    assert {"forhandsbedomning", "utredning", *NEW_VERSAMHETER} <= set(checklists_by_id)
    for checklist_id, prefix in NEW_VERSAMHETER.items():
        checklist = checklists_by_id[checklist_id]
        assert 10 <= len(checklist.question_ids()) <= 20, checklist_id
        assert len(checklist.sections) >= 3, checklist_id
        assert all(qid.startswith(prefix) for qid in checklist.question_ids()), checklist_id
        assert any(q.condition for q in checklist.questions()), f"{checklist_id}: inga villkor"


def test_question_ids_are_unique_across_every_checklist(checklists):
    owner: dict[str, str] = {}
    for checklist in checklists:
        for question_id in checklist.question_ids():
            assert question_id not in owner, f"{question_id} finns i både {owner[question_id]} och {checklist.id}"
            owner[question_id] = checklist.id


def test_no_case_type_name_matches_two_checklists(checklists):
    owner: dict[str, str] = {}
    for checklist in checklists:
        names = {name.strip().casefold() for name in (checklist.id, checklist.case_type, checklist.title,
                                                      *checklist.aliases)}
        for name in names:
            assert name not in owner, f"”{name}” används av både {owner[name]} och {checklist.id}"
            owner[name] = checklist.id


def test_every_question_has_help_text_and_a_legal_reference(checklists):
    for checklist in checklists:
        for question in checklist.questions():
            assert question.help_text.strip(), f"{question.id}: hjälptext saknas"
            assert question.legal_basis.strip(), f"{question.id}: lagrum saknas"


def test_each_checklist_cites_the_current_socialtjanstlag_only(checklists):
    for checklist in checklists:
        for place, text in _visible_texts(checklist):
            assert "2001:453" not in text, f"{checklist.id}, {place}: {text}"
            if place.endswith("lagrum") and SOL_CITED.search(text):
                assert "(2025:400)" in text, f"{checklist.id}, {place}: SoL utan lagversion: {text}"
        cited = {m.group(0) for _, text in _visible_texts(checklist) for m in SOL_VERSION.finditer(text)
                 if m.group(0) in ("2001:453", "2025:400", "1980:620")}
        assert cited <= {"2025:400"}, f"{checklist.id}: {cited}"


def test_nothing_uncertain_or_replaced_is_on_the_reviewers_screen(checklists):
    for checklist in checklists:
        for place, text in _visible_texts(checklist):
            assert not UNCERTAIN.search(text), f"{checklist.id}, {place}: {text}"


def test_uncertainty_and_sources_are_in_the_files_comments():
    for path in sorted(checklists_dir().glob("*.toml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        questions = sum(1 for line in lines if line.strip() == "[[avsnitt.fragor]]")
        sources = sum(1 for line in lines if line.startswith("# Källa:") or line.startswith("# Ny 2026"))
        assert sources == questions, f"{path.name}: {sources} källkommentarer för {questions} frågor"


def test_a_condition_only_points_to_an_earlier_question_of_its_checklist(checklists):
    for checklist in checklists:
        order = checklist.question_ids()
        for place, question in enumerate(checklist.questions()):
            if question.condition is not None:
                assert question.condition.question_id in order[:place], question.id
                parent = checklist.question(question.condition.question_id)
                assert question.condition.answer in parent.allowed, question.id


def test_the_utredning_asks_what_the_audit_found_missing(checklists_by_id):
    utredning = checklists_by_id["utredning"]
    texts = {q.id: q.text for q in utredning.questions()}
    assert "förlängning" in texts["ut.forlangning_skal"] and "skäl" in texts["ut.forlangning_skal"]
    assert "beaktats" in texts["ut.tidigare_kannedom"]
    assert "konsultation" in texts["ut.referenssamtal"]
    order = utredning.question_ids()
    assert order.index("ut.forlangning_skal") == order.index("ut.skyndsamt") + 1


# --- more checklists installed: a new file holds what its sample needs -------------------------

def _file_from_sample(tmp_path: Path, name: str, case_types: list[str]) -> Path:
    from aktgranskning.services.new_file import create_from_sample_list
    from aktgranskning.services.opening import NewFileInfo

    rows = "".join(f"{name[:3].upper()}-{n};{case_type}\n" for n, case_type in enumerate(case_types, start=1))
    listing = tmp_path / f"{name}.csv"
    listing.write_text("Ärendenummer;Ärendetyp\n" + rows, encoding="utf-8")
    target = tmp_path / f"{name} 2026.granskning"
    create_from_sample_list(target, listing, NewFileInfo("F", "O", name, 2026), installed_checklists())
    return target


@pytest.mark.parametrize(("written", "checklist_id"), [
    ("Uppföljning av insats", "uppfoljning_insats"),
    ("genomförandeplan", "uppfoljning_insats"),
    ("Utredning vuxen", "utredning_vuxen"),
    ("Missbruksutredning", "utredning_vuxen"),
    ("Missbruk och beroende", "utredning_vuxen"),
    ("Ekonomiskt bistånd", "ekonomiskt_bistand"),
    ("FÖRSÖRJNINGSSTÖD", "ekonomiskt_bistand"),
])
def test_a_case_of_a_new_type_gets_its_checklist_and_only_that_one(tmp_path, written, checklist_id):
    from aktgranskning.services.opening import open_for_reading
    from aktgranskning.services.status import status_text

    path = _file_from_sample(tmp_path, "Enheten", [written, written])
    session = open_for_reading(path)
    try:
        assert {c.case_type for c in session.cases()} == {checklist_id}
        assert set(session.checklists) == {checklist_id}
        text = status_text(session)
    finally:
        session.close()
    other_titles = [c.title for c in installed_checklists() if c.id != checklist_id]
    assert not any(f"\n{title} (" in text for title in other_titles), text


def test_a_mottagning_file_reports_no_empty_checklists(tmp_path):
    from aktgranskning.services.opening import open_for_reading
    from aktgranskning.services.report import unit_report

    path = _file_from_sample(tmp_path, "Mottagningen", ["Förhandsbedömning"] * 3)
    session = open_for_reading(path)
    try:
        report = unit_report(session)
    finally:
        session.close()
    assert [block.checklist.id for block in report.blocks] == ["forhandsbedomning"]
    assert [c.id for c in report.data.checklists] == ["forhandsbedomning"]


# --- the demo's enhet from another verksamhet ---------------------------------------------------

@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    copy_demo(folder, installed_checklists(), year=2026)
    return folder


def test_the_demos_ekonomiskt_bistand_enhet_is_reviewable(demo_folder, tmp_path):
    from aktgranskning.domain.answers import Answer
    from aktgranskning.services.opening import open_review_file

    path = tmp_path / "Ekonomiskt bistånd 2026.granskning"
    shutil.copy(demo_folder / path.name, path)
    session = open_review_file(path, reviewer="testare")
    try:
        assert set(session.checklists) == {"ekonomiskt_bistand"}
        assert session.meta.area == "Försörjning och arbete"
        untouched = next(c for c in session.cases() if c.in_sample and session.first_gap(c.id) == "eb.ansokan")
        view = session.set_answer(untouched.id, "eb.planering", Answer.NO)
        assert view is not None
        # the questions that only apply to a planering became X; the next gap is the first question
        assert session.first_gap(untouched.id) == "eb.ansokan"
    finally:
        session.close()


def test_the_demos_ekonomiskt_bistand_enhet_is_reported_and_summarised(demo_folder):
    from aktgranskning.services.opening import open_for_reading
    from aktgranskning.services.report import unit_report
    from aktgranskning.services.summary import build_summary

    session = open_for_reading(demo_folder / "Ekonomiskt bistånd 2026.granskning")
    try:
        report = unit_report(session, demo_folder / "Ekonomiskt bistånd 2025.granskning")
    finally:
        session.close()
    [block] = report.blocks
    assert block.checklist.id == "ekonomiskt_bistand" and len(block.rows) == 15
    assert any(row.tally.assessed for row in block.rows) and any(row.tally.unanswered for row in block.rows)
    assert all(row.previous is not None for row in block.rows)  # last year compared by question id
    assert report.data.analysis is not None

    summary = build_summary(sorted(demo_folder.glob("* 2026.granskning")))
    enhet = next(level for level in summary.levels if level.name == "Ekonomiskt bistånd")
    assert enhet.area == "Försörjning och arbete"
    assert {qid for qid, tally in enhet.tallies.items() if tally.assessed} <= {
        q.question_id for q in summary.questions if q.checklist_id == "ekonomiskt_bistand"}
    assert any(q.checklist_id == "ekonomiskt_bistand" for q in summary.questions)
    assert not summary.unmatched  # no enhet is missing questions of a checklist it reviewed


def test_an_earlier_years_matrix_finds_a_checklist_named_by_several_words(checklists):
    from aktgranskning.domain.matrix_import import import_matrix
    from aktgranskning.domain.unit_data import UnitIdentity

    rows = [
        ["Utredning vuxen 2023 (2 akter)"],
        ["Fråga", "V-1", "V-2"],
        ["Framgår anledning till utredningen?", "Ja", "Nej"],
        [],
        ["Ekonomiskt bistånd 2023"],
        ["Fråga", "E-1", "E-2"],
        ["Har varje sökt behov prövats och beslutats?", "Ja", "Ja"],
    ]
    imported = import_matrix(list(enumerate(rows, start=1)), checklists, UnitIdentity("F", "O", "E", 2023, "u"))
    assert [block for block, _ in imported.blocks] == ["utredning_vuxen", "ekonomiskt_bistand"]
    answers = [case.answers for case in imported.data.cases]
    assert [a.get("uv.anledning") for a in answers[:2]] == [Answer.YES, Answer.NO]
    assert [a.get("eb.varje_behov") for a in answers[2:]] == [Answer.YES, Answer.YES]
