"""A real PostgreSQL server for the server-mode tests: one per test process, a new database per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from aktgranskning.storage.server_address import ServerAddress, parse_server_url
from tests.support.postgres import PostgresServer, start_server

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
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
