"""Four reviewers at once on one enhet, each a real program process on a computer of its own (its
own data folder), in the settings municipalities have: one shared folder on local disk; one shared
folder on a filesystem with no shared memory and no working byte-range locks (a FUSE passthrough,
as a network share between computers); and one folder per computer kept in sync by a simulated
sync client that behaves as OneDrive does (see tests/support/sync_client.py).

The reviewers answer their own akter and one shared akt, where two questions are answered by all
four from the same earlier state — one with different answers (a real conflict) and one with the
same answer (no conflict) — and one reviewer changes an answer only after seeing it (an update,
not a conflict). Afterwards every folder, read on every computer, gives the same `status --json`;
every confirmed answer is in it; exactly the real conflict is listed; once it is decided
`kontrollera` is clean everywhere; and no call on the window's thread took more than 250 ms."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from aktgranskning.services.opening import open_review_file
from aktgranskning.services.session import ReviewSession
from tests.support.computers import acting_as

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("reviewer_process.py")
NAMES = ("Anna", "Bertil", "Cecilia", "David")
SHARED_SEQUENCE, LIVE_SEQUENCE = 5, 6
LONGEST_CALL = 0.25


def run_cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aktgranskning", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "AKTGRANSKNING_DATAMAPP": str(data)})


def unconditioned(session: ReviewSession, sequence: int) -> tuple[int, list[tuple[str, list[str]]]]:
    case = next(c for c in session.cases() if c.sequence == sequence)
    questions = [(q.id, [a.value for a in q.allowed]) for q in session.checklist_for(case).questions()
                 if q.condition is None]
    return case.id, questions


def make_plans(enhet: Path, data: Path) -> tuple[dict[str, dict], dict]:
    """What each reviewer does, and what the enhet must hold afterwards."""
    with acting_as(data):
        session = open_review_file(enhet, reviewer="planerare", read_only=True)
    try:
        own = {name: unconditioned(session, number + 1) for number, name in enumerate(NAMES)}
        shared_case, shared_questions = unconditioned(session, SHARED_SEQUENCE)
        live_case, live_questions = unconditioned(session, LIVE_SEQUENCE)
    finally:
        session.close()
    (conflicted, allowed), (agreed, _) = shared_questions[0], shared_questions[1]
    split = {"Anna": "Ja", "Bertil": "Nej", "Cecilia": "Ja", "David": "X" if "X" in allowed else "Nej"}
    plans: dict[str, dict] = {}
    expected_answers: dict[tuple[int, str], str] = {}
    for number, name in enumerate(NAMES):
        case_id, questions = own[name]
        answers = [(case_id, qid, "Ja" if (n + number) % 3 else "Nej") for n, (qid, _) in enumerate(questions)]
        answers += [(shared_case, conflicted, split[name]), (shared_case, agreed, "Ja")]
        live = [(live_case, qid, "Ja" if n % 2 else "Nej") for n, (qid, _) in enumerate(live_questions)
                if n % len(NAMES) == number]
        plans[name] = {"own": answers, "live": live, "update_after_seeing": []}
        expected_answers.update({(c, q): v for c, q, v in answers[:-2] + live})
    expected_answers[(shared_case, agreed)] = "Ja"
    bertil_case, bertil_question, bertil_value = plans["Bertil"]["own"][0]
    changed = "Nej" if bertil_value == "Ja" else "Ja"
    plans["Anna"]["update_after_seeing"] = [[bertil_case, bertil_question, bertil_value, changed]]
    expected_answers[(bertil_case, bertil_question)] = changed
    expected = {"answers": expected_answers, "conflict": (SHARED_SEQUENCE, conflicted, set(split.values()))}
    return plans, expected


def run_round(tmp_path: Path, folders: dict[str, Path], enhet_name: str,
              while_live: Callable[[], None] = lambda: None, settle: Callable[[], None] = lambda: None) -> dict:
    """Start the four reviewer processes, drive their phases, return their results."""
    control = tmp_path / "styrning"
    control.mkdir()
    datas = {name: tmp_path / f"dator-{name}" for name in NAMES}
    plans, expected = make_plans(folders["Anna"] / enhet_name, tmp_path / "dator-planerare")
    processes = {}
    for name in NAMES:
        plan = control / f"{name}.plan.json"
        plan.write_text(json.dumps(plans[name]), encoding="utf-8")
        processes[name] = subprocess.Popen(
            [sys.executable, str(WORKER), str(folders[name] / enhet_name), name, str(plan), str(control)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "AKTGRANSKNING_DATAMAPP": str(datas[name])},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_all(control, "redo", processes)
        (control / "start").write_text("")
        wait_for_all(control, "egna-klara", processes)
        (control / "start-live").write_text("")
        while_live()
        (control / "stop").write_text("")
        wait_for_all(control, "publicerat", processes)
        settle()
        time.sleep(1.5)  # a few more reads of the folder by every reviewer
        (control / "done").write_text("")
        for name, process in processes.items():
            _out, err = process.communicate(timeout=120)
            assert process.returncode == 0, f"{name}: {err[-2000:]}"
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
    results = {name: json.loads((control / f"{name}.resultat.json").read_text()) for name in NAMES}
    return {"results": results, "expected": expected, "datas": datas}


def wait_for_all(control: Path, step: str, processes: dict[str, subprocess.Popen[str]], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not all((control / f"{name}.{step}").exists() for name in NAMES):
        for name, process in processes.items():
            if process.poll() is not None and not (control / f"{name}.{step}").exists():
                raise AssertionError(f"{name} avslutades före {step}: {process.stderr.read()[-2000:]}")
        assert time.monotonic() < deadline, f"{step} kom inte från alla"
        time.sleep(0.05)


def statuses(folders: dict[str, Path], datas: dict[str, Path], enhet_name: str) -> dict[str, dict]:
    """`status --json` of every folder, read on every computer."""
    found = {}
    for folder_owner, folder in sorted(set(folders.items())):
        for name, data in datas.items():
            result = run_cli(data, "status", "--json", str(folder / enhet_name))
            assert result.returncode == 0, result.stderr
            found[f"{folder_owner}s mapp, läst på {name}s dator"] = json.loads(result.stdout)
    return found


def check_round(outcome: dict, folders: dict[str, Path], enhet_name: str) -> None:
    results, expected, datas = outcome["results"], outcome["expected"], outcome["datas"]
    for name, result in results.items():
        assert result["longest"] < LONGEST_CALL, f"{name}: ett anrop tog {result['longest'] * 1000:.0f} ms"
        assert result["updates_left"] == [], f"{name} såg aldrig svaret som skulle ändras"
    seen = statuses(folders, datas, enhet_name)
    first = next(iter(seen.values()))
    for where, status in seen.items():
        assert status == first, f"{where} skiljer sig"
    # every confirmed answer is there (the one that was changed after being seen: as changed)
    with acting_as(datas["Anna"]):
        from aktgranskning.services.opening import open_for_reading

        reader = open_for_reading(folders["Anna"] / enhet_name)
        try:
            stored = {(c.id, s.question_id): s.stored.value for c in reader.cases()
                      for s in reader.question_states(c.id) if s.stored is not None}
            conflicts = reader.conflicts()
        finally:
            reader.close()
    for key, value in expected["answers"].items():
        assert stored.get(key) == value, f"{key}: {stored.get(key)} i stället för {value}"
    sequence, question, values = expected["conflict"]
    listed = [(c["akt"], c["fraga"], {v["svar"] for v in c["svar"]}) for c in first["konflikter"]]
    assert listed == [(sequence, question, values)]  # the real conflict, and no false one
    # a person decides; once that file has arrived, kontrollera is clean everywhere
    [conflict] = conflicts
    with acting_as(datas["Anna"]):
        deciding = open_review_file(folders["Anna"] / enhet_name, reviewer="Anna")
        try:
            deciding.decide(conflict.register, "Ja")
            assert deciding.link is not None and deciding.link.publisher.flush(timeout=30)
        finally:
            deciding.close()
    outcome.get("after_decision", lambda: None)()
    for folder in set(folders.values()):
        for name, data in datas.items():
            report = run_cli(data, "kontrollera", str(folder / enhet_name))
            assert report.returncode == 0, f"{folder} på {name}s dator: {report.stdout[-1500:]}"


def test_four_reviewers_in_one_folder_on_local_disk(review_file, tmp_path):
    folder = review_file.parent
    folders = dict.fromkeys(NAMES, folder)
    outcome = run_round(tmp_path, folders, review_file.name, while_live=lambda: time.sleep(4))
    check_round(outcome, folders, review_file.name)


def test_four_reviewers_in_one_folder_on_a_share_without_shared_memory(review_file, tmp_path):
    from tests.support.fuse_share import mounted_share

    backing = tmp_path / "lagring"
    backing.mkdir()
    with mounted_share(backing) as mount:  # direct_io: no mmap; fcntl locks keep nobody out
        target = mount / review_file.name
        target.write_bytes(review_file.read_bytes())
        folders = dict.fromkeys(NAMES, mount)
        outcome = run_round(tmp_path, folders, review_file.name, while_live=lambda: time.sleep(4))
        check_round(outcome, folders, review_file.name)
        assert sorted(p.suffix for p in mount.iterdir()) == [".granskning"] * 5  # the enhet's + 4 own files


def test_four_reviewers_each_in_a_folder_of_their_own_kept_in_sync_as_onedrive_does(review_file, tmp_path):
    """Seconds late, in any order, whole files only after they were still for a moment, a torn
    in-place delivery now and then, lock/journal/temp files carried for some names; one computer
    goes offline in the middle and comes back."""
    from tests.support.sync_client import SyncClient, SyncedFolder, SyncSettings

    folders = {}
    for name in NAMES:
        folder = tmp_path / f"{name}s dator" / "OneDrive - Kommunen" / "Mottagningen"
        folder.mkdir(parents=True)
        (folder / review_file.name).write_bytes(review_file.read_bytes())
        folders[name] = folder
    client = SyncClient([SyncedFolder(f"DATOR-{name.upper()}", name, folder) for name, folder in folders.items()],
                        SyncSettings(seed=19, still_seconds=0.4, delay_seconds=(0.2, 1.5), torn_write_probability=0.15,
                                     side_file_probability=0.5))

    def offline_in_the_middle() -> None:
        time.sleep(2)
        client.pause("DATOR-CECILIA")
        time.sleep(3)
        client.resume("DATOR-CECILIA")
        time.sleep(3)

    with client.running_in_thread():
        outcome = run_round(tmp_path, folders, review_file.name, while_live=offline_in_the_middle,
                            settle=lambda: client.wait_until_settled(timeout=90))
        outcome["after_decision"] = lambda: client.wait_until_settled(timeout=90)
        check_round(outcome, folders, review_file.name)
    delivered = [event for event in client.events if event.kind == "deliver"]
    assert delivered, "the sync client delivered nothing"
