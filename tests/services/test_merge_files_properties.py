"""The merge of an enhet's files, proven with real files (issue 19, item 2).

Two to four reviewers, each on a "computer" of their own: their own data folder (where the
working copy lives, AKTGRANSKNING_DATAMAPP), their own computer name and their own copy of the
enhet's folder, as with a sync client. Each opens the enhet with `open_review_file` and does random
things in the sessions the window uses — answers, comments, bortfall, taking a case back, deciding
a conflict they see. Files travel only as a sync client moves them: a reviewer's published own
file, copied whole into another computer's folder, in random order and at random moments, after
which that computer reads its folder (`refresh_from_folder`). At the end every file reaches every
folder, and then:

- every computer's `open_for_reading` of its folder gives the same `status_data` and the same
  conflicts, and so does every reviewer's open session;
- every change any reviewer made is in every computer's merged enhet (nothing confirmed is lost);
- every answer a reviewer set that no change replaced afterwards is the enhet's answer, or is
  one of the versions of a listed conflict;
- reading the folder again changes nothing (idempotence).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import DropoutReason
from aktgranskning.domain.changes import Change, ChangeLog, Kind, decode
from aktgranskning.domain.errors import UserError
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.opening import NewFileInfo, create_review_file, open_for_reading, open_review_file
from aktgranskning.services.session import ReviewSession
from aktgranskning.services.status import status_data
from tests.conftest import make_cases
from tests.support.computers import acting_as

ENHET_NAME = "Slumpenheten 2026.granskning"
ORIGINAL, RESERVES = 2, 1  # few akter and questions, so that reviewers often meet on one
REVIEWERS = ("Anna", "Bertil", "Cecilia", "David")
ANSWERS = (Answer.YES, Answer.NO, Answer.NOT_APPLICABLE, None)
REASONS = (DropoutReason.OTHER, *[r for r in DropoutReason if r is not DropoutReason.OTHER])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One enhet's file, copied into every computer's folder of every example."""
    path = tmp_path_factory.mktemp("mall") / ENHET_NAME
    info = NewFileInfo("Förvaltningen", "Området", "Slumpenheten", 2026)
    create_review_file(path, info, installed_checklists(), make_cases(ORIGINAL, RESERVES))
    return path


# The computers' folders live in memory where the system has it: what is proven here is the merge,
# not the disk, and durable writes on a busy disk would make every example slow.
MEMORY = Path("/dev/shm")
SCRATCH = str(MEMORY) if MEMORY.is_dir() and os.access(MEMORY, os.W_OK) else None


@dataclass
class Computer:
    number: int
    reviewer: str
    folder: Path  # this computer's copy of the enhet's folder
    data: Path  # its data folder (working copies)
    session: ReviewSession | None = None

    def acting(self) -> AbstractContextManager[None]:
        return acting_as(self.data, f"DATOR{self.number}")

    @property
    def enhet(self) -> Path:
        return self.folder / ENHET_NAME

    @property
    def open(self) -> ReviewSession:
        assert self.session is not None
        return self.session

    def published(self) -> Path:
        """The own file in this computer's folder, written out (the publisher writes in a thread)."""
        link = self.open.link
        assert link is not None
        assert link.publisher.flush(10.0), "the own file did not reach the folder"
        return link.shared_path

    def refresh(self) -> None:
        with self.acting():
            self.open.refresh_from_folder()

    def read_enhet(self) -> ReviewSession:
        with self.acting():
            return open_for_reading(self.enhet)


@dataclass
class Run:
    computers: list[Computer]
    made: list[Change] = field(default_factory=list)  # every change made by a reviewer, in order
    answers_set: list[Change] = field(default_factory=list)  # the answer changes of set_answer
    refused: int = 0


def deliver(source: Computer, target: Computer) -> None:
    """A sync client carries the source's own file into the target's folder, whole, under the
    same name; then the target's program reads its folder."""
    if source is target:
        return
    published = source.published()
    destination = target.folder / published.name
    temporary = target.folder / f".{published.name}.sync-tmp"
    shutil.copyfile(published, temporary)
    os.replace(temporary, destination)
    target.refresh()


def fill_case(session: ReviewSession, case_id: int, shift: int) -> None:
    """Answer every question of the akt that applies (the same answer for the same shift)."""
    for question in session.checklist_for(session.case(case_id)).questions():
        choices = [a for a in ANSWERS if a is not None and a in question.allowed]
        try:
            session.set_answer(case_id, question.id, choices[shift % len(choices)])
        except UserError:
            continue  # a question whose condition is not met takes no answer


def note(text: str) -> None:
    """What kind of example this was, in the statistics (also callable outside a test)."""
    if currently_in_test_context():
        event(text)


def new_changes(session: ReviewSession, before: set[str]) -> list[Change]:
    return [c for c in session.change_log().changes() if c.id not in before]


def act(run: Run, computer: Computer, operation: tuple) -> None:
    session = computer.open
    kind = operation[0]
    cases = session.cases()
    case = cases[operation[2] % len(cases)]
    before = {c.id for c in session.change_log().changes()}
    try:
        with computer.acting():
            if kind == "answer":
                checklist = session.checklist_for(case)
                questions = [q for q in checklist.questions() if q.condition is None]
                question = questions[operation[3] % len(questions)]
                choices = [a for a in ANSWERS if a is None or a in question.allowed]
                session.set_answer(case.id, question.id, choices[operation[4] % len(choices)])
            elif kind == "comment":
                question = [q for q in session.checklist_for(case).questions() if q.condition is None][operation[3] % 3]
                session.set_comment(case.id, question.id, ("", "oklart", "se journal")[operation[4] % 3])
            elif kind == "dropout":
                reason = REASONS[operation[3] % len(REASONS)]
                session.mark_dropout(case.id, reason, "flyttat" if operation[4] % 2 else "",
                                     use_reserve=operation[4] % 3 != 0)
            elif kind == "fill":  # a whole akt answered, question by question, as the window does it
                fill_case(session, case.id, operation[4])
            elif kind == "done":
                session.mark_done(case.id)
            elif kind == "reopen":
                session.reopen(case.id, release_answered_reserve=bool(operation[4] % 2))
            elif kind == "decide":
                conflicts = session.conflicts()
                if not conflicts:
                    return
                conflict = conflicts[operation[3] % len(conflicts)]
                version = conflict.versions[operation[4] % len(conflict.versions)]
                session.decide(conflict.register, version.value)
                note("beslut fattat")
                assert conflict.register not in {c.register for c in session.conflicts()}
    except UserError:
        run.refused += 1  # a refused action is fine: nothing changes
        assert not new_changes(session, before)
        return
    made = new_changes(session, before)
    assert all(c.writer == computer.open.link.writer for c in made)  # type: ignore[union-attr]
    run.made.extend(made)
    if kind in ("answer", "fill"):
        run.answers_set.extend(c for c in made if c.register.kind is Kind.ANSWER)


COMPUTER = st.integers(0, 3)
KINDS = ["answer"] * 6 + ["comment", "fill", "dropout", "done", "reopen"] + ["decide"] * 3
CASE = st.sampled_from([0, 0, 0, 1, 1, 2])  # mostly the first akt, so that reviewers meet there
ACTION = st.tuples(st.sampled_from(KINDS), COMPUTER, CASE, st.integers(0, 1),
                   st.integers(0, 5))
DELIVERY = st.tuples(st.just("deliver"), COMPUTER, COMPUTER)
OPERATIONS = st.lists(st.one_of(ACTION, ACTION, ACTION, DELIVERY), min_size=10, max_size=20, unique=True)


def comparable_conflicts(session: ReviewSession) -> list[tuple[str, list[str]]]:
    return [(c.register.text, sorted(str(v.value) for v in c.versions)) for c in session.conflicts()]


def check_run(template: Path, reviewers: int, operations: list[tuple], seed: int) -> None:
    with tempfile.TemporaryDirectory(prefix="sammanslagning-", dir=SCRATCH) as root_name:
        root = Path(root_name)
        run = Run([])
        try:
            for number in range(reviewers):
                folder = root / f"dator{number}" / "enhetsmapp"
                folder.mkdir(parents=True)
                shutil.copyfile(template, folder / ENHET_NAME)
                computer = Computer(number, REVIEWERS[number], folder, root / f"dator{number}" / "data")
                with computer.acting():
                    computer.session = open_review_file(computer.enhet, reviewer=computer.reviewer)
                run.computers.append(computer)
            play(run, operations)
            deliver_everything(run, seed)
            check_agreement(run)
        finally:
            for computer in run.computers:
                if computer.session is not None:
                    with computer.acting():
                        computer.session.close()


def play(run: Run, operations: list[tuple]) -> None:
    computers = run.computers
    for operation in operations:
        if operation[0] == "deliver":
            deliver(computers[operation[1] % len(computers)], computers[operation[2] % len(computers)])
            continue
        if operation[0] == "decide":  # another's file arrives, the person sees a conflict and decides it
            deliver(computers[operation[2] % len(computers)], computers[operation[1] % len(computers)])
        act(run, computers[operation[1] % len(computers)], operation)


def deliver_everything(run: Run, seed: int) -> None:
    """Every own file into every other folder, in a random order."""
    pairs = [(s, t) for s in run.computers for t in run.computers if s is not t]
    random.Random(seed).shuffle(pairs)
    for source, target in pairs:
        deliver(source, target)


def check_agreement(run: Run) -> None:
    made_ids = {c.id for c in run.made}
    note(f"ändringar: {('0–4', '5–9', '10 eller fler')[min(len(made_ids) // 5, 2)]}")
    views = []
    for computer in run.computers:
        reading = computer.read_enhet()
        try:
            log = reading.change_log()
            assert made_ids <= {c.id for c in log.changes()}, f"DATOR{computer.number} saknar bekräftade ändringar"
            views.append((f"DATOR{computer.number} läser", status_data(reading), comparable_conflicts(reading),
                          answers_of(reading)))
            check_answers_kept(run, reading, log)
            for state in log.conflicts():  # one reviewer's own changes follow each other: never a conflict
                assert len({head.writer for head in state.heads}) >= 2, f"{state.register}: konflikt med sig själv"
        finally:
            reading.close()
        session = computer.open
        views.append((f"{computer.reviewer}s fönster", status_data(session), comparable_conflicts(session),
                      answers_of(session)))
        # reading the same files again changes nothing
        before = (status_data(session), comparable_conflicts(session))
        with computer.acting():
            assert computer.open.refresh_from_folder() == set(), "reading the same files again changed akter"
        assert (status_data(session), comparable_conflicts(session)) == before
    first = views[0]
    note(f"konflikter kvar: {min(len(first[2]), 2)}")
    for view in views[1:]:
        assert view[1] == first[1], f"{view[0]} och {first[0]} visar olika status"
        assert view[2] == first[2], f"{view[0]} och {first[0]} visar olika konflikter"
        assert view[3] == first[3], f"{view[0]} och {first[0]} visar olika svar"


def answers_of(session: ReviewSession) -> dict[tuple[int, str], tuple[str | None, str]]:
    """Every stored answer and comment of the enhet, by akt and question."""
    found: dict[tuple[int, str], tuple[str | None, str]] = {}
    for case in session.cases():
        for state in session.question_states(case.id):
            if state.stored is not None or state.comment:
                found[(case.id, state.question_id)] = (state.stored.value if state.stored else None, state.comment)
    return found


def check_answers_kept(run: Run, reading: ReviewSession, log: ChangeLog) -> None:
    """An answer nobody replaced is the enhet's answer, or a version of a listed conflict."""
    replaced = {r for c in log.changes() for r in c.replaces}
    conflicts = {c.register: [v.value for v in c.versions] for c in reading.conflicts()}
    stored = answers_of(reading)
    for change in run.answers_set:
        if change.id in replaced:
            continue
        value = decode(change.value)
        if change.register in conflicts:
            assert value in conflicts[change.register], f"{change.register}: {value} saknas bland versionerna"
            continue
        held = stored.get((change.register.case_id or 0, change.register.name or ""), (None, ""))[0]
        assert held == value, f"{change.register}: {change.who} svarade {value}, enheten har {held}"


DEFAULT = settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])
LONG = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])


@DEFAULT
@given(st.integers(2, 4), OPERATIONS, st.integers(0, 2**32))
def test_every_computer_reads_the_same_enhet(template: Path, reviewers: int, operations: list[tuple],
                                             seed: int) -> None:
    check_run(template, reviewers, operations, seed)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@LONG
@given(st.integers(2, 4), st.lists(st.one_of(ACTION, ACTION, ACTION, DELIVERY), min_size=15, max_size=50, unique=True),
       st.integers(0, 2**32))
def test_every_computer_reads_the_same_enhet_long(template: Path, reviewers: int, operations: list[tuple],
                                                  seed: int) -> None:
    check_run(template, reviewers, operations, seed)


@contextmanager
def two_computers(template: Path) -> Iterator[tuple[Computer, Computer]]:
    with tempfile.TemporaryDirectory(prefix="sammanslagning-", dir=SCRATCH) as root_name:
        computers = []
        try:
            for number in range(2):
                folder = Path(root_name) / f"dator{number}" / "enhetsmapp"
                folder.mkdir(parents=True)
                shutil.copyfile(template, folder / ENHET_NAME)
                computer = Computer(number, REVIEWERS[number], folder, Path(root_name) / f"dator{number}" / "data")
                with computer.acting():
                    computer.session = open_review_file(computer.enhet, reviewer=computer.reviewer)
                computers.append(computer)
            yield computers[0], computers[1]
        finally:
            for computer in computers:
                with computer.acting():
                    computer.open.close()


def test_an_answer_made_after_seeing_the_other_is_an_update_and_a_decision_ends_a_conflict(template: Path) -> None:
    """The example behind the properties, spelled out: update, conflict, decision, on both computers."""
    with two_computers(template) as (anna, bertil):
        case = anna.open.cases()[0]
        question = next(q for q in anna.open.checklist_for(case).questions() if q.condition is None)
        anna.open.set_answer(case.id, question.id, Answer.YES)
        deliver(anna, bertil)
        bertil.open.set_answer(case.id, question.id, Answer.NO)  # Bertil saw Ja: an update
        deliver(bertil, anna)
        assert anna.open.conflicts() == [] and bertil.open.conflicts() == []
        assert anna.open.question_states(case.id)[0].stored is Answer.NO
        anna.open.set_answer(case.id, question.id, Answer.YES)  # both from Nej, neither sees the other
        bertil.open.set_answer(case.id, question.id, Answer.NOT_APPLICABLE)
        deliver(anna, bertil)
        deliver(bertil, anna)
        for computer in (anna, bertil):
            assert comparable_conflicts(computer.open) == [(f"svar/{case.id}/{question.id}", ["Ja", "X"])]
        bertil.open.decide(bertil.open.conflicts()[0].register, "Ja")
        deliver(bertil, anna)
        for computer in (anna, bertil):
            assert computer.open.conflicts() == []
            states = {s.question_id: s.stored for s in computer.open.question_states(case.id)}
            assert states[question.id] is Answer.YES


def test_marking_klar_is_no_conflict_with_an_equal_answer_given_elsewhere(template: Path) -> None:
    with two_computers(template) as (anna, bertil):
        case = anna.open.cases()[0]
        first = next(q for q in anna.open.checklist_for(case).questions() if q.condition is None)
        bertil.open.set_answer(case.id, first.id, Answer.YES)  # Bertil answers one question
        fill_case(anna.open, case.id, 0)  # Anna answers them all, the first one Ja as well
        anna.open.mark_done(case.id)
        deliver(anna, bertil)
        deliver(bertil, anna)
        assert anna.open.question_states(case.id)[0].stored is Answer.YES
        assert [c.describe() for c in anna.open.conflicts()] == []
