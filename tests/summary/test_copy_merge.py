"""Merging reviewers' copies back into the enhet's file: properties of the plan, and the CLI."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.copy_merge import Version, plan_merge
from aktgranskning.services.opening import open_for_filling
from tests.cli_runner import run_in_process
from tests.enhet_db import enhet_db
from tests.support.many_examples import examples, rerun_with_many_examples

keys = st.tuples(st.integers(1, 4), st.sampled_from(["q1", "q2", "q3"]))
versions = st.builds(Version, st.sampled_from(list(Answer)), st.sampled_from(["2026-10-01", "2026-10-02"]),
                     st.sampled_from(["AB", "CD"]), st.just(""))


def files(name: str):
    return st.dictionaries(keys, versions, max_size=8).map(
        lambda d: {k: Version(v.answer, v.at, v.reviewer, name) for k, v in d.items()}
    )


@settings(max_examples=examples(60), deadline=None)
@given(files("enhet"), st.lists(st.sampled_from(["a", "b", "c"]), unique=True, max_size=3).flatmap(
    lambda names: st.tuples(*[files(n) for n in names])), st.randoms(use_true_random=False))
def test_conflicts_are_always_reported_and_the_plan_is_order_free_and_idempotent(target, copies, random):
    plan = plan_merge(target, list(copies))
    # every (case, question) with two different answers anywhere is a conflict, and nothing else is
    answers: dict = {}
    for source in (target, *copies):
        for key, version in source.items():
            answers.setdefault(key, set()).add(version.answer)
    assert {(c.sequence, c.question_id) for c in plan.conflicts} == {k for k, a in answers.items() if len(a) > 1}
    assert not set(plan.to_apply) & {(c.sequence, c.question_id) for c in plan.conflicts}
    assert all(key not in target for key in plan.to_apply)
    shuffled = list(copies)
    random.shuffle(shuffled)
    assert plan_merge(target, shuffled) == plan
    merged = {**target, **plan.to_apply}
    again = plan_merge(merged, list(copies))
    assert again.to_apply == {} and again.conflicts == plan.conflicts


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_in_process(*args)


def test_copies_bring_their_answers_in_and_a_conflict_is_listed_not_resolved(review_file, tmp_path):
    copy_a, copy_b = tmp_path / "kopia AB.granskning", tmp_path / "kopia CD.granskning"
    shutil.copy(review_file, copy_a)
    shutil.copy(review_file, copy_b)
    for path, who, answers in ((copy_a, "AB", {1: Answer.YES, 2: Answer.NO}),
                               (copy_b, "CD", {2: Answer.YES, 3: Answer.YES})):
        session = open_for_filling(path, reviewer=who)
        try:
            for sequence, answer in answers.items():
                case = next(c for c in session.cases() if c.sequence == sequence)
                question = next(session.checklist_for(case).questions())
                session.set_answer(case.id, question.id, answer)
        finally:
            session.close()
    result = run_cli("sammanfoga", str(review_file), str(copy_a), str(copy_b))
    assert result.returncode == 1
    assert "Förde in 2 svar" in result.stdout
    assert "Konflikt: akt 2" in result.stderr and "Nej (AB" in result.stderr and "Ja (CD" in result.stderr
    assert "akt 2, frågan ”Framgår anledning till utredning?”" in result.stderr  # its wording, not its id
    with enhet_db(review_file) as connection:
        rows = connection.execute(
            "SELECT c.sequence, a.answer, a.reviewer FROM answers a JOIN cases c ON c.id = a.case_id "
            "WHERE a.answer IS NOT NULL ORDER BY c.sequence").fetchall()
    assert rows == [(1, "Ja", "AB"), (3, "Ja", "CD")]  # case 2 left for a person to decide
    again = run_cli("sammanfoga", str(review_file), str(copy_b), str(copy_a))
    assert "Förde in 0 svar" in again.stdout and again.stderr.count("Konflikt:") == 1


def test_a_file_of_another_enhet_is_not_taken_for_a_copy(review_file, tmp_path, checklists):
    from aktgranskning.services.opening import NewFileInfo, create_review_file
    from tests.conftest import make_cases

    other = tmp_path / "annan.granskning"
    create_review_file(other, NewFileInfo("F", "O", "Annan", 2026), checklists, make_cases())
    result = run_cli("sammanfoga", str(review_file), str(other))
    assert result.returncode == 1 and "är inte en kopia av" in result.stderr and "Traceback" not in result.stderr


def test_a_decided_conflict_is_set_aside_in_the_log_and_not_reported_again(review_file, tmp_path):
    copy = tmp_path / "kopia.granskning"
    shutil.copy(review_file, copy)
    for path, who, answer in ((review_file, "enhet", Answer.YES), (copy, "CD", Answer.NO)):
        session = open_for_filling(path, reviewer=who)
        try:
            case = next(c for c in session.cases() if c.sequence == 1)
            session.set_answer(case.id, next(session.checklist_for(case).questions()).id, answer)
        finally:
            session.close()
    assert run_cli("sammanfoga", str(review_file), str(copy)).returncode == 1
    decided = run_cli("sammanfoga", str(review_file), str(copy), "--enhetsfilen-galler")
    assert decided.returncode == 0, decided.stderr
    assert run_cli("sammanfoga", str(review_file), str(copy)).returncode == 0
    with enhet_db(review_file) as connection:
        kept = connection.execute("SELECT answer FROM answers WHERE answer IS NOT NULL").fetchall()
    assert kept == [("Ja",)]


@pytest.mark.slow
def test_the_properties_with_many_examples():
    rerun_with_many_examples(__file__, "conflicts_are_always_reported", 600)
