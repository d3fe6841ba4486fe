"""Nobody sees what is not theirs: on a real PostgreSQL server, the database's owner (a login with
CREATEROLE, as the README tells IT to make it) uploads two enheter's granskningar and grants anna
enhet A, bo enhet B and ulla the utvecklare's reading; eve gets nothing. Each then connects with
her or his own login and password and is shown what it can and cannot read or change."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from aktgranskning.domain.errors import UserError
from aktgranskning.services import server, server_results, server_roles
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.status import status_data
from aktgranskning.storage.server_address import ServerAddress, parse_server_url, server_engine
from aktgranskning.storage.server_catalog import Granskning
from tests.cli_runner import run_in_process
from tests.support.demo_cache import copy_demo
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.postgres  # a PostgreSQL server of the run's own: CI's own step

PASSWORD = "test-" + secrets.token_hex(8)  # every test login's; the superuser needs none
PEOPLE = ("anna", "bo", "ulla", "eve", "carl")


@dataclass(frozen=True)
class Unit:
    name: str
    year: int
    path: Path


@dataclass
class World:
    pg: PostgresServer
    database: str
    owner: ServerAddress
    logins: dict[str, str]  # the test's name → the login (role names are shared by the whole cluster)
    a: Unit
    a_last_year: Unit
    b: Unit
    not_uploaded: Unit

    def address(self, person: str) -> ServerAddress:
        return self.owner.as_user(self.logins[person])

    def granskning(self, unit: Unit) -> Granskning:
        with server.on_server(self.owner) as connection:
            return server.find_on_server(connection, self.owner, unit.name, unit.year)


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _login_statement(login: str, extra: str = "") -> str:
    return f"CREATE ROLE {_sql_name(login)} LOGIN {extra} PASSWORD '{PASSWORD}'"


def _create_login(pg: PostgresServer, login: str, extra: str = "") -> None:
    pg.psql(_login_statement(login, extra))


def _unit(path: Path) -> Unit:
    reading = open_for_reading(path)
    try:
        return Unit(reading.meta.unit, reading.meta.year, path)
    finally:
        reading.close()


@pytest.fixture(scope="module")
def demo_units(tmp_path_factory: pytest.TempPathFactory, checklists) -> list[Unit]:
    """The demo's files, written once: the tests only read them (uploading reads a file)."""
    return [_unit(path) for path in copy_demo(tmp_path_factory.mktemp("demo"), checklists, year=2026)]


@pytest.fixture
def world(pg_server: PostgresServer, pg_database: str, admin: ServerAddress, demo_units: list[Unit],
          monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    logins = {person: f"{person}_{pg_database}" for person in PEOPLE}
    owner_login = f"agare_{pg_database}"
    pg_server.psql("; ".join([
        _login_statement(owner_login, "CREATEROLE"),
        f'ALTER DATABASE "{pg_database}" OWNER TO {_sql_name(owner_login)}',
        *(_login_statement(login) for login in logins.values()),
    ]))
    owner = admin.as_user(owner_login)
    server.initialise_server(owner)
    units = demo_units
    this_year = [u for u in units if u.year == 2026]
    a, b, rest = this_year[0], this_year[1], this_year[2]
    a_last_year = next(u for u in units if u.year == 2025 and u.name == a.name)
    for unit in (a, a_last_year, b):
        assert server.upload_file(owner, unit.path).outcome == "ny"
    server_roles.grant_access(owner, logins["anna"], a.name)
    server_roles.grant_access(owner, logins["bo"], b.name)
    server_roles.grant_access(owner, logins["ulla"], None)
    return World(pg_server, pg_database, owner, logins, a, a_last_year, b, rest)


@contextmanager
def _as(world: World, person: str, schema: str | None = None) -> Iterator[Connection]:
    """A transaction as that person's login, rolled back afterwards."""
    engine = server_engine(world.address(person), None, schema)
    try:
        with engine.connect() as connection:
            yield connection
            connection.rollback()
    finally:
        engine.dispose()


def _refused(world: World, person: str, statement: str, schema: str | None = None) -> str:
    """The server's refusal of `statement` as that person (the test fails when it is allowed)."""
    with pytest.raises(DBAPIError) as refused, _as(world, person, schema) as connection:
        connection.execute(text(statement))
    return str(refused.value.orig)


def _status(address: ServerAddress, unit: Unit) -> dict:
    session = server.open_on_server(address, unit.name, unit.year)
    try:
        return status_data(session)
    finally:
        session.close()


def _status_of_file(unit: Unit) -> dict:
    session = open_for_reading(unit.path)
    try:
        return status_data(session)
    finally:
        session.close()


def _units_listed(address: ServerAddress) -> set[tuple[str, int]]:
    return {(g.unit, g.year) for g in server.list_granskningar(address)}


# --- the enhet's reviewers ---------------------------------------------------------------------

def test_a_reviewer_reads_only_the_granted_enhet(world: World) -> None:
    anna, bo = world.address("anna"), world.address("bo")
    a, b = world.a, world.b
    assert _units_listed(anna) == {(a.name, 2026), (a.name, 2025)}
    assert _units_listed(bo) == {(b.name, 2026)}
    assert _units_listed(world.owner) == {(a.name, 2026), (a.name, 2025), (b.name, 2026)}

    assert _status(anna, a) == _status_of_file(a)
    assert _status(anna, world.a_last_year) == _status_of_file(world.a_last_year)
    with pytest.raises(UserError) as refused:
        server.open_on_server(anna, b.name, b.year)
    message = refused.value.message
    assert f"ingen granskning för {b.name} 2026 som {anna.user} får se" in message
    assert anna.text in message and "bevilja" in message and f'--enhet "{b.name}"' in message
    assert "permission denied" not in message

    # `initiera` again (an upgrade) keeps every grant.
    server.initialise_server(world.owner)
    assert _units_listed(anna) == {(a.name, 2026), (a.name, 2025)}
    assert _status(bo, b) == _status_of_file(b)


def test_a_reviewer_writes_only_the_granted_enhet(world: World) -> None:
    mine, theirs = world.granskning(world.a), world.granskning(world.b)
    with _as(world, "anna", mine.schema) as connection:
        changed = connection.execute(text("UPDATE answers SET comment = 'ändrad av anna'"))
        assert changed.rowcount > 0
        numbers = connection.execute(text("SELECT count(*) FROM cases WHERE case_number <> ''")).scalar_one()
        assert numbers > 0
        connection.execute(text("INSERT INTO audit_log (at, who, case_id, field) SELECT '', 'anna', min(id), 'x' "
                                "FROM cases"))
    for statement in (f'UPDATE "{theirs.schema}".answers SET comment = \'ändrad av anna\'',
                      f'SELECT case_number FROM "{theirs.schema}".cases',
                      f'DELETE FROM "{theirs.schema}".changes'):
        assert "permission denied for schema" in _refused(world, "anna", statement)
    assert "permission denied" in _refused(world, "anna", "UPDATE alembic_version SET version_num = 'x'", mine.schema)
    assert "permission denied" in _refused(world, "anna", "UPDATE aktgranskning.granskningar SET enhet = 'x'")
    assert "permission denied" in _refused(world, "anna", "DELETE FROM aktgranskning.installningar")
    assert "permission denied" in _refused(world, "anna", f'CREATE TABLE "{mine.schema}".egen (x int)')


def test_a_reviewer_writes_only_the_own_enhets_result(world: World) -> None:
    """Uploading wrote every granskning's result; an enhet's login rewrites its own (as the review
    session does on every change, through the same hook) and cannot write another enhet's."""
    mine, theirs = world.granskning(world.a), world.granskning(world.b)
    with _as(world, "anna", mine.schema) as connection:
        server_results.write_result(connection, mine)
        connection.execute(text(f"UPDATE aktgranskning.resultat SET uppdaterad = 'anna' WHERE granskning_id = "
                                f"{mine.id}"))
        connection.commit()
    with _as(world, "ulla") as connection:
        assert connection.execute(text(f"SELECT uppdaterad FROM aktgranskning.resultat WHERE granskning_id = "
                                       f"{mine.id}")).scalar_one() == "anna"
    with server.on_server(world.owner) as connection:  # B's row gone, so only the policy can refuse it
        connection.execute(text(f"DELETE FROM aktgranskning.resultat WHERE granskning_id = {theirs.id}"))
    insert = "INSERT INTO aktgranskning.resultat VALUES ({id}, '{role}', '{{}}', 'nu')"
    for role in (theirs.unit_role, mine.unit_role):  # B's row, whether labelled B or A
        refusal = _refused(world, "anna", insert.format(id=theirs.id, role=role))
        assert "row-level security" in refusal
    refusal = _refused(world, "anna", f"UPDATE aktgranskning.resultat SET granskning_id = {theirs.id}, "
                                      f"enhet_roll = '{theirs.unit_role}' WHERE granskning_id = {mine.id}")
    assert "row-level security" in refusal
    with _as(world, "bo") as connection:
        assert connection.execute(text("SELECT count(*) FROM aktgranskning.resultat")).scalar_one() == 0
        hidden = connection.execute(text(f"UPDATE aktgranskning.resultat SET data = 'x' WHERE granskning_id = "
                                         f"{mine.id}"))
        assert hidden.rowcount == 0


# --- the utvecklare ----------------------------------------------------------------------------

def test_the_developer_reads_every_result_but_no_case_and_changes_nothing(world: World) -> None:
    ulla = world.address("ulla")
    rows = [world.granskning(u) for u in (world.a, world.a_last_year, world.b)]  # their results: by the upload
    assert _units_listed(ulla) == {(u.name, u.year) for u in (world.a, world.a_last_year, world.b)}
    with _as(world, "ulla") as connection:
        seen = connection.execute(text("SELECT granskning_id FROM aktgranskning.resultat")).scalars().all()
        assert sorted(seen) == sorted(row.id for row in rows)
    with _as(world, "anna") as connection:
        seen = connection.execute(text("SELECT granskning_id FROM aktgranskning.resultat")).scalars().all()
        assert sorted(seen) == sorted(row.id for row in rows if row.unit == world.a.name)

    for row in rows:
        for table in ("cases", "answers", "audit_log", "changes", "review_meta"):
            assert "permission denied for schema" in _refused(world, "ulla", f'SELECT * FROM "{row.schema}".{table}')
    for statement in ("UPDATE aktgranskning.resultat SET data = 'x'", "DELETE FROM aktgranskning.resultat",
                      f"INSERT INTO aktgranskning.resultat VALUES ({rows[0].id}, 'x', '{{}}', 'nu')",
                      "UPDATE aktgranskning.granskningar SET enhet = 'x'",
                      "UPDATE aktgranskning.installningar SET varde = 'x'"):
        assert "permission denied" in _refused(world, "ulla", statement)
    with pytest.raises(UserError) as refused:
        server.open_on_server(ulla, world.a.name, world.a.year)
    message = refused.value.message
    assert "utvecklare" in message and "avidentifierade" in message and world.a.name in message
    assert ulla.text in message and "permission denied" not in message


# --- nothing granted, granted later, taken back --------------------------------------------------

def test_a_login_with_nothing_granted_sees_nothing(world: World) -> None:
    eve = world.address("eve")
    with pytest.raises(UserError, match="behörighet"):
        server.list_granskningar(eve)
    with pytest.raises(UserError, match="behörighet"):
        server.open_on_server(eve, world.a.name, world.a.year)
    # Even let in to the database (CONNECT is all the database's owner took from PUBLIC), she reads nothing.
    world.pg.psql(f'GRANT CONNECT ON DATABASE "{world.database}" TO {_sql_name(world.logins["eve"])}')
    a = world.granskning(world.a)
    for statement in ("SELECT * FROM aktgranskning.granskningar", "SELECT * FROM aktgranskning.resultat",
                      f'SELECT * FROM "{a.schema}".cases'):
        assert "permission denied for schema" in _refused(world, "eve", statement)


def test_granting_is_idempotent_and_revoking_takes_access_away(world: World) -> None:
    carl, login = world.address("carl"), world.logins["carl"]
    first = server_roles.grant_access(world.owner, login, world.a.name.upper())  # case does not make another enhet
    again = server_roles.grant_access(world.owner, login, world.a.name)
    assert first.changed and "har fått behörighet" in first.text(granting=True)
    assert not again.changed and "redan" in again.text(granting=True)
    assert _units_listed(carl) == {(world.a.name, 2026), (world.a.name, 2025)}

    schema = world.granskning(world.a).schema
    engine = server_engine(carl, None, schema)
    try:
        with engine.connect() as open_before:  # a connection made before the revocation
            assert open_before.execute(text("SELECT count(*) FROM cases")).scalar_one() > 0
            open_before.commit()
            gone = server_roles.revoke_access(world.owner, login, world.a.name)
            assert gone.changed and "inte längre" in gone.text(granting=False)
            with pytest.raises(DBAPIError, match="permission denied"):
                open_before.execute(text("SELECT count(*) FROM cases"))
    finally:
        engine.dispose()
    with pytest.raises(UserError, match="behörighet"):
        server.open_on_server(carl, world.a.name, world.a.year)
    assert not server_roles.revoke_access(world.owner, login, world.a.name).changed


def test_an_enhet_granted_before_its_upload_is_seen_after_it(world: World) -> None:
    carl, later = world.address("carl"), world.not_uploaded
    granted = server_roles.grant_access(world.owner, world.logins["carl"], later.name)
    assert granted.changed and not granted.unit_on_server and "ännu" in granted.text(granting=True)
    assert _units_listed(carl) == set()
    with pytest.raises(UserError, match="ingen granskning"):
        server.open_on_server(carl, later.name, later.year)
    server.upload_file(world.owner, later.path)
    assert _units_listed(carl) == {(later.name, later.year)}
    assert _status(carl, later) == _status_of_file(later)


def test_login_names_are_quoted_never_run(world: World) -> None:
    odd = f"o'brien \"{world.database}\" 50%; x"
    _create_login(world.pg, odd)
    assert server_roles.grant_access(world.owner, odd, world.a.name).changed
    assert _units_listed(world.owner.as_user(odd)) == {(world.a.name, 2026), (world.a.name, 2025)}
    overview = server_roles.list_access(world.owner)
    assert server_roles.Grant(odd, f"enhet {world.a.name}") in overview.grants

    hostile = f'{world.logins["anna"]}" ; DROP ROLE "{world.logins["bo"]}'
    with pytest.raises(UserError) as refused:
        server_roles.grant_access(world.owner, hostile, world.a.name)
    assert "finns inte" in refused.value.message and "CREATE ROLE" in refused.value.message
    assert world.pg.psql(f"SELECT count(*) FROM pg_roles WHERE rolname = '{world.logins['bo']}'").strip() == "1"
    assert _units_listed(world.address("bo")) == {(world.b.name, 2026)}


def test_the_commands_grant_list_and_revoke(world: World) -> None:
    url, carl = world.owner.text, world.logins["carl"]
    granted = run_in_process("server", "bevilja", url, "--login", carl, "--enhet", world.b.name)
    assert granted.returncode == 0 and "har fått behörighet till enheten" in granted.stdout, granted.stderr
    listed = run_in_process("server", "behorigheter", url)
    assert listed.returncode == 0
    lines = set(listed.stdout.splitlines())
    assert {f"{world.logins['anna']}\tenhet {world.a.name}", f"{carl}\tenhet {world.b.name}",
            f"{world.logins['ulla']}\t{server_roles.DEVELOPER_TEXT}"} <= lines
    assert not any(line.startswith(world.logins["eve"]) for line in lines)
    revoked = run_in_process("server", "aterkalla", url, "--login", carl, "--enhet", world.b.name)
    assert revoked.returncode == 0 and "inte längre" in revoked.stdout
    missing = run_in_process("server", "bevilja", url, "--login", "finns_inte_alls", "--utvecklare")
    assert missing.returncode == 1 and "CREATE ROLE" in missing.stderr
    both = run_in_process("server", "bevilja", url, "--login", carl, "--utvecklare", "--enhet", world.b.name)
    assert both.returncode != 0


def test_two_databases_whose_role_names_would_meet_are_refused(pg_server: PostgresServer, pg_database: str,
                                                                 admin: ServerAddress) -> None:
    first = pg_server.create_database(f"{pg_database}_roll")
    second = pg_server.create_database(f"{pg_database}-roll")  # the same role prefix, ag_<name>_roll
    server.initialise_server(parse_server_url(pg_server.url(database=first)))
    with pytest.raises(UserError) as refused:
        server.initialise_server(parse_server_url(pg_server.url(database=second)))
    assert "hör inte till Aktgranskning i databasen" in refused.value.message
    assert pg_server.psql("SELECT count(*) FROM pg_namespace WHERE nspname = 'aktgranskning'", second).strip() == "0"
