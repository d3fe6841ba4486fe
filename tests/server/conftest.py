"""A real PostgreSQL server for the server-mode tests: one per test process, a new database per test."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from aktgranskning.storage.server_address import ServerAddress, parse_server_url
from tests.support.postgres import NoPostgres, PostgresServer, server_bin_dir, start_server

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def marked_postgres(request: pytest.FixtureRequest) -> None:
    """Every test here needs its own PostgreSQL server and must say so (pytestmark), so that the
    default run leaves it out and CI's own step (pytest -m postgres) runs it."""
    if request.node.get_closest_marker("postgres") is None:
        pytest.fail(f"{request.node.nodeid} saknar pytestmark = pytest.mark.postgres")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """CI (.ci/run sets AKTGRANSKNING_KRAV_POSTGRES=1 and installs Debian's postgresql) fails
    without PostgreSQL; a developer's machine without it skips these tests and says why."""
    try:
        server_bin_dir()
    except NoPostgres as missing:
        if os.environ.get("AKTGRANSKNING_KRAV_POSTGRES") == "1":
            raise
        pytest.skip(f"{missing} (apt-get install postgresql) för att köra serverlägets tester")
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_database(pg_server: PostgresServer) -> str:
    return pg_server.create_database(f"ag_test_{next(_numbers)}")


@pytest.fixture
def admin(pg_server: PostgresServer, pg_database: str, monkeypatch: pytest.MonkeyPatch) -> ServerAddress:
    """The database's superuser (who runs `server initiera`), with no keyring on the machine."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    return parse_server_url(pg_server.url(database=pg_database))
