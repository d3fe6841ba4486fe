"""`aktgranskning sammanstall` on real enhet workbooks: the numbers, and every warning a merge
must never hide — a hand-edited sheet, a duplicate enhet, a re-worded or renamed question."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from aktgranskning.domain.unit_report import build_report
from aktgranskning.excel.unit_workbook import write_unit_workbook
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.status import status_data
from aktgranskning.services.unit_data import unit_data_of
from tests.cli_runner import run_in_process
from tests.support.demo_cache import copy_demo, copy_demo_workbooks

UNITS = ("Mottagningen", "Utredning barn", "Utredning ungdom")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_in_process(*args)


@pytest.fixture(scope="module")
def round_folder(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("sammanstall")
    copy_demo(base / "demo", installed_checklists(), year=2026)
    for year in (2026, 2025):
        copy_demo_workbooks(base / str(year), year, UNITS)
    return base


def statuses(folder: Path) -> dict[str, dict]:
    result = {}
    for unit in UNITS:
        session = open_for_reading(folder / "demo" / f"{unit} 2026.granskning")
        try:
            result[unit] = status_data(session)
        finally:
            session.close()
    return result


def test_the_json_has_each_enhet_as_status_says_and_pooled_totals(round_folder, tmp_path):
    out = tmp_path / "summa.json"
    result = run_cli("sammanstall", str(round_folder / "2026"), "-o", str(tmp_path / "summa.xlsx"),
                     "--json", str(out), "--jamfor", str(round_folder / "2025"), "--pdf", str(tmp_path / "s.pdf"))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    levels = {(level["niva"], level["namn"]): level for level in data["nivaer"]}
    expected = statuses(round_folder)
    for unit, status in expected.items():
        got = {q["id"]: (q["ja"], q["nej"], q["x"], q["obesvarad"]) for q in levels[("enhet", unit)]["fragor"]}
        assert got == {q["id"]: (q["ja"], q["nej"], q["x"], q["obesvarad"]) for q in status["fragor"]}
    total = {q["id"]: q for q in levels[("forvaltning", "Socialförvaltningen Demokommun")]["fragor"]}
    for question_id, question in total.items():
        yes = sum(next(q["ja"] for q in s["fragor"] if q["id"] == question_id) for s in expected.values())
        no = sum(next(q["nej"] for q in s["fragor"] if q["id"] == question_id) for s in expected.values())
        assert (question["ja"], question["nej"]) == (yes, no)
        assert question["andel"] == (pytest.approx(yes / (yes + no)) if yes + no else None)
    assert {("omrade", "Barn och familj"), ("omrade", "Ungdom och vuxna")} <= set(levels)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True).stdout
        assert "Resultat per fråga och nivå" in text and "Har anmälare dokumenterats?" in text
    book = openpyxl.load_workbook(tmp_path / "summa.xlsx")
    assert "Jämförelse" in book.sheetnames and "poolad" in book["Sammanställning"]["A3"].value


def test_a_hand_edited_workbook_is_flagged_by_name(round_folder, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(round_folder / "2026", folder)
    edited = folder / "Utredning barn 2026.xlsx"
    book = openpyxl.load_workbook(edited)
    for row in book["Data"].iter_rows():
        if row[10].value == "Nej":
            row[10].value = "Ja"
            break
    book.save(edited)
    result = run_cli("sammanstall", str(folder), "-o", str(tmp_path / "s.xlsx"))
    assert result.returncode == 0
    assert "Utredning barn 2026.xlsx: Data-bladet stämmer inte med sin kontrollsumma" in result.stderr
    log = openpyxl.load_workbook(tmp_path / "s.xlsx")["Inläsning"]
    flagged = [row[0].value for row in log.iter_rows(min_row=2) if row[4].value == "DATA-BLADET ÄR ÄNDRAT FÖR HAND"]
    assert flagged == ["Utredning barn 2026.xlsx"]


def test_a_duplicate_enhet_is_refused_unless_one_is_chosen(round_folder, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(round_folder / "2026", folder)
    second = tmp_path / "Mottagningen 2026 (granskningsfil).granskning"
    shutil.copy(round_folder / "demo" / "Mottagningen 2026.granskning", second)
    source = open_for_reading(second)
    try:
        from aktgranskning.domain.answers import Answer

        data = unit_data_of(source)
    finally:
        source.close()
    # the same enhet and year, with other answers (another uuid): a later, corrected export
    from aktgranskning.domain.case import CaseStatus

    changed = dataclasses.replace(data, identity=dataclasses.replace(data.identity, file_uuid="en-annan"), cases=tuple(
        dataclasses.replace(c, answers={k: Answer.YES for k in c.answers})
        if c.status is not CaseStatus.NOT_STARTED else c for c in data.cases))  # an unstarted akt has no answers
    other = tmp_path / "Mottagningen 2026 rättad.xlsx"
    write_unit_workbook(build_report(changed), other, "2026-11-22T10:00:00+01:00", "test")
    refused = run_cli("sammanstall", str(folder), str(other), "-o", str(tmp_path / "s.xlsx"))
    assert refused.returncode == 1 and not (tmp_path / "s.xlsx").exists()
    assert "Mottagningen 2026 finns i två filer" in refused.stderr and "--ersatt" in refused.stderr
    chosen = run_cli("sammanstall", str(folder), str(other), "-o", str(tmp_path / "s.xlsx"), "--json",
                     str(tmp_path / "s.json"), "--ersatt", str(other))
    assert chosen.returncode == 0, chosen.stderr
    levels = {(lv["niva"], lv["namn"]): lv for lv in json.loads((tmp_path / "s.json").read_text())["nivaer"]}
    assert all(q["nej"] == 0 for q in levels[("enhet", "Mottagningen")]["fragor"])
    twice = run_cli("sammanstall", str(folder), str(folder / "Mottagningen 2026.xlsx"), "-o", str(tmp_path / "t.xlsx"))
    assert twice.returncode == 0, twice.stderr  # the very same file twice is harmless


def test_reworded_and_renamed_questions_are_listed(round_folder, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(round_folder / "2026", folder)
    path = folder / "Utredning ungdom 2026.xlsx"
    from aktgranskning.excel.unit_workbook_reader import read_unit_workbook

    data = read_unit_workbook(path).data

    def changed(q):
        if q.question_id == "fb.anmalare":
            return dataclasses.replace(q, text="Är anmälaren dokumenterad?")
        if q.question_id == "fb.anledning":
            return dataclasses.replace(q, question_id="fb.anledning_ny")
        return q

    questions = tuple(changed(q) for q in data.questions)
    cases = tuple(dataclasses.replace(c, answers={("fb.anledning_ny" if k == "fb.anledning" else k): v
                                                   for k, v in c.answers.items()}) for c in data.cases)
    write_unit_workbook(build_report(dataclasses.replace(data, questions=questions, cases=cases)), path,
                        "2026-11-22T10:00:00+01:00", "test")
    result = run_cli("sammanstall", str(folder), "-o", str(tmp_path / "s.xlsx"))
    assert result.returncode == 0, result.stderr
    assert "frågan fb.anmalare har olika formulering" in result.stderr
    assert "Mottagningen 2026.xlsx: frågan fb.anledning_ny" in result.stderr
    assert "Utredning ungdom 2026.xlsx: frågan fb.anledning " in result.stderr
