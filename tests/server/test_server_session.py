"""Several reviewers at once on one granskning on a real PostgreSQL server: each sees the others'
answers, the same answer changed by two from the same state is a conflict both see (never a
silent overwrite), presence comes and goes, a server that stops is told in Swedish and loses
nothing that was said to be saved, and a round reviewed by four clients at once comes back out
as the same granskning as the same work done on files."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason
from aktgranskning.domain.changes import Presence
from aktgranskning.domain.errors import UserError
from aktgranskning.services import server
from aktgranskning.services.opening import open_review_file
from aktgranskning.services.server_session import ServerLink, open_server_session
from aktgranskning.services.session import ReviewSession, SaveFailed
from aktgranskning.storage.server_address import ServerAddress, parse_server_url
from tests.cli_runner import run_in_process
from tests.support.demo_cache import copy_demo
from tests.support.postgres import SUPERUSER, start_server

pytestmark = pytest.mark.postgres  # a PostgreSQL server of the run's own: CI's own step

YEAR = 2026


@pytest.fixture(scope="module")
def demo_once(tmp_path_factory: pytest.TempPathFactory, checklists) -> list[Path]:
    return copy_demo(tmp_path_factory.mktemp("demo"), checklists, year=YEAR)


@pytest.fixture
def enhet_file(demo_once: list[Path], tmp_path: Path) -> Path:
    """A fresh copy of one demo enhet's file of this year (writing the demo takes a second)."""
    folder = tmp_path / "demo"
    folder.mkdir()
    source = next(p for p in demo_once if p.name.endswith(f"{YEAR}.granskning"))
    shutil.copy2(source, folder / source.name)
    return folder / source.name


@pytest.fixture
def unit(admin: ServerAddress, enhet_file: Path) -> str:
    server.initialise_server(admin)
    return server.upload_file(admin, enhet_file).granskning.unit


@pytest.fixture
def open_sessions() -> Iterator[list[ReviewSession]]:
    opened: list[ReviewSession] = []
    yield opened
    for session in opened:
        session.close()


def _open(address: ServerAddress, unit: str, reviewer: str, opened: list[ReviewSession]) -> ReviewSession:
    session = open_server_session(address, unit, YEAR, reviewer)
    opened.append(session)
    return session


def _refresh(session: ReviewSession) -> set[int]:
    return session.take_in(session.read_folder())


def _unanswered(session: ReviewSession, count: int) -> tuple[int, list[str]]:
    """An akt in the sample with at least `count` applicable questions without an answer."""
    for case in session.cases():
        if not case.in_sample or case.status is not CaseStatus.NOT_STARTED:
            continue
        states = session.question_states(case.id)
        free = [s.question_id for s in states if s.stored is None and s.applicability.name == "APPLICABLE"
                and Answer.YES in session.checklist_for(case).question(s.question_id).allowed
                and Answer.NO in session.checklist_for(case).question(s.question_id).allowed]
        if len(free) >= count:
            return case.id, free[:count]
    raise AssertionError("the demo has no unstarted akt with enough open questions")


def _stored(session: ReviewSession, case_id: int) -> dict[str, Answer | None]:
    return {s.question_id: s.stored for s in session.question_states(case_id)}


def test_two_clients_answering_different_questions_both_see_both(
        admin: ServerAddress, unit: str, open_sessions: list[ReviewSession]) -> None:
    anna = _open(admin, unit, "Anna", open_sessions)
    bo = _open(admin, unit, "Bo", open_sessions)
    assert not anna.read_only and not bo.read_only
    case_id, (first, second) = _unanswered(anna, 2)

    anna.set_answer(case_id, first, Answer.YES)
    bo.set_answer(case_id, second, Answer.NO)

    assert case_id in _refresh(anna)
    _refresh(bo)
    for session in (anna, bo):
        stored = _stored(session, case_id)
        assert (stored[first], stored[second]) == (Answer.YES, Answer.NO)
        assert session.conflicts() == []
    assert {c.id for c in anna.change_log().changes()} == {c.id for c in bo.change_log().changes()}


def test_the_same_answer_changed_by_two_from_the_same_state_is_a_conflict_both_see(
        admin: ServerAddress, unit: str, open_sessions: list[ReviewSession]) -> None:
    anna = _open(admin, unit, "Anna", open_sessions)
    bo = _open(admin, unit, "Bo", open_sessions)
    case_id, (question,) = _unanswered(anna, 1)

    anna.set_answer(case_id, question, Answer.YES)
    bo.set_answer(case_id, question, Answer.NO)  # Bo had not seen Anna's answer

    _refresh(anna)
    for session in (anna, bo):
        conflicts = session.conflicts_in(case_id)
        assert [c.question_id for c in conflicts] == [question], session.reviewer
    third = _open(admin, unit, "Cecilia", open_sessions)
    assert [c.question_id for c in third.conflicts_in(case_id)] == [question]
    status = json.loads(run_in_process("status", "--server", admin.text, "--enhet", unit, "--ar", str(YEAR),
                                       "--json").stdout)
    assert status["akter"]["konflikter"] == 1

    # Seen first, then changed: that replaces the answer, as on one screen.
    other_case, (next_question,) = _unanswered(anna, 1)
    anna.set_answer(other_case, next_question, Answer.YES)
    _refresh(bo)
    bo.set_answer(other_case, next_question, Answer.NO)
    _refresh(anna)
    assert anna.conflicts_in(other_case) == [] and bo.conflicts_in(other_case) == []
    assert _stored(anna, other_case)[next_question] is Answer.NO


def test_presence_appears_expires_and_leaves(admin: ServerAddress, unit: str,
                                             open_sessions: list[ReviewSession]) -> None:
    anna = _open(admin, unit, "Anna", open_sessions)
    bo = _open(admin, unit, "Bo", open_sessions)
    case_id = anna.cases()[0].id

    anna.set_presence(case_id)
    _refresh(bo)
    assert [p.who for p in bo.others_in(case_id)] == ["Anna"]
    assert isinstance(bo.link, ServerLink)
    assert bo.link.status_line().startswith("hämtat från servern kl. ")
    _refresh(anna)
    assert anna.others_in(case_id) == []  # not one's own

    long_ago = (datetime.now().astimezone() - timedelta(seconds=200)).isoformat(timespec="milliseconds")
    with anna.writing() as tx:  # a program that died two minutes ago: its last sign of life
        tx.set_presence(Presence(anna.link.writer, "Anna", case_id, long_ago))  # type: ignore[union-attr]
    _refresh(bo)
    assert bo.others_in(case_id) == []

    anna.set_presence(case_id)
    _refresh(bo)
    assert [p.who for p in bo.others_in(case_id)] == ["Anna"]
    anna.close()
    _refresh(bo)
    assert bo.others_in(case_id) == []
    bo.set_presence(case_id)  # Bo's row does not touch others' rows, nor theirs his
    cecilia = _open(admin, unit, "Cecilia", open_sessions)
    cecilia.set_presence(case_id)
    _refresh(bo)
    _refresh(cecilia)
    assert [p.who for p in bo.others_in(case_id)] == ["Cecilia"]
    assert [p.who for p in cecilia.others_in(case_id)] == ["Bo"]


def _pg_ctl(pg, *args: str) -> None:
    subprocess.run(pg._command("pg_ctl", "-D", str(pg.folder / "data"), *args), capture_output=True, check=True)


@pytest.mark.slow
def test_a_server_that_stops_is_told_in_swedish_and_nothing_said_saved_is_lost(
        enhet_file: Path, monkeypatch: pytest.MonkeyPatch, open_sessions: list[ReviewSession]) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    pg = start_server()
    try:
        address = parse_server_url(pg.url(SUPERUSER, "postgres") + "?connect_timeout=2")
        server.initialise_server(address)
        unit = server.upload_file(address, enhet_file).granskning.unit
        anna = _open(address, unit, "Anna", open_sessions)
        case_id, (first, second) = _unanswered(anna, 2)
        anna.set_answer(case_id, first, Answer.YES)

        _pg_ctl(pg, "-m", "fast", "-w", "stop")
        with pytest.raises(SaveFailed) as failed:
            anna.set_answer(case_id, second, Answer.NO)
        assert failed.value.message.startswith(f"Servern {address.text}: ")
        assert "finns kvar på skärmen" in failed.value.message
        _refresh(anna)
        assert anna.link is not None and anna.link.offline
        assert "går inte att nå just nu" in anna.notices()[0]
        assert anna.link.status_line().startswith("servern svarar inte sedan kl. ")

        _pg_ctl(pg, "-l", str(pg.folder / "server.log"), "-w", "-t", "30", "start")
        _refresh(anna)
        assert not anna.link.offline and anna.notices() == []
        anna.set_answer(case_id, second, Answer.NO)  # tried again, as the window offers
        reader = server.open_on_server(address, unit, YEAR)
        try:
            stored = _stored(reader, case_id)
        finally:
            reader.close()
        assert (stored[first], stored[second]) == (Answer.YES, Answer.NO)
        assert anna.conflicts() == []
    finally:
        for session in open_sessions:
            session.close()
        open_sessions.clear()
        pg.stop()


# --- the acceptance round trip -------------------------------------------------------------------

def _plan(session: ReviewSession) -> dict[str, list[int]]:
    """Which akter each of four reviewers works in: unstarted and started akter of the sample, dealt
    out in turn; the first of Dan's is a bortfall."""
    open_cases = [c.id for c in session.cases() if c.in_sample and c.status in (CaseStatus.NOT_STARTED,
                                                                                CaseStatus.IN_PROGRESS)]
    names = ["Anna", "Bo", "Cecilia", "Dan"]
    return {name: open_cases[i::4][:4] for i, name in enumerate(names)}


def _review(session: ReviewSession, case_ids: list[int], dropout: bool, refresh: bool) -> None:
    """Answer every open question of each akt (Ja where it may be, else what may be given), mark it
    klar; every other akt's last answer stays open. With `dropout`, the first akt is a bortfall."""
    for number, case_id in enumerate(case_ids):
        if dropout and number == 0:
            session.mark_dropout(case_id, DropoutReason.OTHER, "Akten saknas i arkivet.")
            continue
        while (question_id := session.first_gap(case_id)) is not None:
            allowed = session.checklist_for(session.case(case_id)).question(question_id).allowed
            gaps_left = len([1 for s in session.question_states(case_id)
                             if s.stored is None and s.applicability.name == "APPLICABLE"])
            if number % 2 == 0 and gaps_left == 1:
                break  # left pågående
            session.set_answer(case_id, question_id, Answer.YES if Answer.YES in allowed else allowed[0])
            if refresh:
                session.take_in(session.read_folder())
        if session.first_gap(case_id) is None:
            session.mark_done(case_id)


def _status_json(path: Path) -> dict:
    result = run_in_process("status", str(path), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_a_round_reviewed_by_four_on_the_server_equals_the_same_work_on_files(
        admin: ServerAddress, enhet_file: Path, tmp_path: Path, open_sessions: list[ReviewSession]) -> None:
    on_files = tmp_path / "filer" / enhet_file.name
    on_files.parent.mkdir()
    shutil.copy2(enhet_file, on_files)
    server.initialise_server(admin)
    unit = server.upload_file(admin, enhet_file).granskning.unit

    clients = {name: _open(admin, unit, name, open_sessions) for name in ("Anna", "Bo", "Cecilia", "Dan")}
    plan = _plan(clients["Anna"])
    assert all(len(cases) >= 2 for cases in plan.values()), plan
    failures: list[BaseException] = []
    start = threading.Barrier(len(clients))

    def work(name: str) -> None:
        try:
            start.wait()
            _review(clients[name], plan[name], dropout=name == "Dan", refresh=True)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=work, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    log = clients["Anna"].change_log().changes()  # taken in after every answer: it has them all
    writers = [change.writer for change in log if change.who in clients]
    switches = sum(1 for a, b in itertools.pairwise(writers) if a != b)
    assert len(set(writers)) == 4 and switches > 8, "the four did not work at the same time"
    for session in open_sessions:
        session.close()
    downloaded = server.download_granskning(admin, unit, YEAR, tmp_path / "ut" / "Nedladdad.granskning")

    for name, case_ids in plan.items():  # the same work, one reviewer after the other, on files
        session = open_review_file(on_files, name)
        try:
            _review(session, case_ids, dropout=name == "Dan", refresh=False)
        finally:
            session.close()

    from_server, from_files = _status_json(downloaded), _status_json(on_files)
    assert from_server == from_files
    done = from_files["akter"]
    assert done["bortfall"] >= 1 and done["klara"] > 0 and done["konflikter"] == 0
    original = _status_json(enhet_file)
    assert original != from_files  # the work is in it


def test_a_login_that_may_only_read_gets_the_granskning_read_only(
        pg_server, admin: ServerAddress, unit: str, monkeypatch: pytest.MonkeyPatch,
        open_sessions: list[ReviewSession]) -> None:
    from aktgranskning.services import server_login
    from aktgranskning.services.server_roles import grant_access

    monkeypatch.setattr(server_login, "_held", {})
    pg_server.psql("CREATE ROLE lisa_lasare LOGIN PASSWORD 'Lasa-bara-4T'", admin.database)
    grant_access(admin, "lisa_lasare", unit)
    granskning = next(g for g in server.list_granskningar(admin) if g.unit == unit)
    pg_server.psql(f'REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{granskning.schema}" '
                   f'FROM "{granskning.unit_role}"', admin.database)
    lisa = admin.as_user("lisa_lasare")
    server_login.hold_password(lisa, "Lasa-bara-4T")

    session = _open(lisa, unit, "Lisa", open_sessions)

    assert session.read_only and session.link is None
    assert any("bara läsa" in note for note in session.notices())
    case_id, (question,) = _unanswered(session, 1)
    with pytest.raises(UserError):
        session.set_answer(case_id, question, Answer.YES)


def test_undo_stays_with_ones_own_change_in_ones_own_akt(admin: ServerAddress, unit: str,
                                                         open_sessions: list[ReviewSession]) -> None:
    anna = _open(admin, unit, "Anna", open_sessions)
    bo = _open(admin, unit, "Bo", open_sessions)
    case_id, (first, second) = _unanswered(anna, 2)
    anna.set_answer(case_id, first, Answer.YES)
    anna.set_answer(case_id, second, Answer.YES)
    assert anna.undo(case_id).question_id == second  # her latest, and only that
    assert _stored(bo, case_id)[second] is None and _stored(bo, case_id)[first] is Answer.YES

    _refresh(bo)
    bo.set_answer(case_id, first, Answer.NO)  # seen, then changed by Bo
    with pytest.raises(UserError, match="har ändrats på annat sätt"):
        anna.undo(case_id)
    assert _stored(anna, case_id)[first] is Answer.NO
    bo.undo(case_id)  # his own, still the latest: back to what he had seen
    assert _stored(anna, case_id)[first] is Answer.YES


def test_the_result_hooks_run_in_the_same_transaction_as_the_change(
        admin: ServerAddress, unit: str, open_sessions: list[ReviewSession], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []
    failing = {"now": False}

    def hook(connection, granskning) -> None:  # type: ignore[no-untyped-def]
        from sqlalchemy import text

        seen.append((connection.execute(text("SHOW search_path")).scalar(), granskning.unit))
        if failing["now"]:
            raise RuntimeError("the result could not be written")

    monkeypatch.setattr(server, "ON_CHANGED_GRANSKNING", [hook])
    anna = _open(admin, unit, "Anna", open_sessions)
    case_id, (first, second) = _unanswered(anna, 2)
    anna.set_presence(case_id)
    assert seen == []  # presence is no change of the granskning
    anna.set_answer(case_id, first, Answer.YES)
    granskning = next(g for g in server.list_granskningar(admin) if g.unit == unit)
    assert seen == [(granskning.schema, unit)]

    failing["now"] = True
    with pytest.raises(RuntimeError):
        anna.set_answer(case_id, second, Answer.NO)
    reader = _open(admin, unit, "Cecilia", open_sessions)
    assert _stored(reader, case_id)[second] is None  # not committed without its result
    assert len(anna.change_log()) == len(reader.change_log())  # nor kept in Anna's log
