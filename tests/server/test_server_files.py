"""Server mode with files: a granskningsfil uploaded to a real PostgreSQL server reads the same
there, comes back out as the same granskningsfil, and the catalog refuses what would mix enheter."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aktgranskning.domain.errors import UserError
from aktgranskning.services import server
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.status import status_data
from aktgranskning.storage.server_address import ServerAddress
from tests.cli_runner import run_in_process
from tests.support.demo_cache import copy_demo

pytestmark = pytest.mark.postgres  # a PostgreSQL server of the run's own: CI's own step


def _cli(args: list[str]):
    return run_in_process(*args)


def _status_of_file(path: Path) -> dict:
    session = open_for_reading(path)
    try:
        return status_data(session)
    finally:
        session.close()


def _status_on_server(address: ServerAddress, unit: str, year: int) -> dict:
    session = server.open_on_server(address, unit, year)
    try:
        return status_data(session)
    finally:
        session.close()


@pytest.fixture(scope="module")
def demo_once(tmp_path_factory: pytest.TempPathFactory, checklists) -> list[Path]:
    return copy_demo(tmp_path_factory.mktemp("demo"), checklists, year=2026)


@pytest.fixture
def demo(demo_once: list[Path], tmp_path: Path) -> list[Path]:
    """A fresh copy of the demo for each test (writing it takes a second)."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_once[0].parent, folder)
    return [folder / path.name for path in demo_once]


def test_upload_reads_the_same_and_downloads_back(admin: ServerAddress, demo: list[Path], tmp_path: Path) -> None:
    first = server.initialise_server(admin)
    again = server.initialise_server(admin)
    assert first.created and not again.created

    path = next(p for p in demo if p.name.endswith("2026.granskning"))
    expected = _status_of_file(path)
    upload = server.upload_file(admin, path)
    assert upload.outcome == "ny"
    unit, year = expected["enhet"], expected["ar"]

    assert _status_on_server(admin, unit, year) == expected
    assert server.upload_file(admin, path).outcome == "oförändrad"

    back = server.download_granskning(admin, unit.upper(), year, tmp_path / "ut" / "tillbaka.granskning")
    assert _status_of_file(back) == expected
    with pytest.raises(UserError, match="finns redan"):
        server.download_granskning(admin, unit, year, back)


def test_another_file_for_the_same_enhet_and_year_is_refused(admin: ServerAddress, demo: list[Path],
                                                              tmp_path: Path, checklists) -> None:
    server.initialise_server(admin)
    path = next(p for p in demo if p.name.endswith("2026.granskning"))
    server.upload_file(admin, path)
    other = copy_demo(tmp_path / "annan", checklists, year=2026, seed=7)
    twin = next(p for p in other if p.name == path.name)
    with pytest.raises(UserError, match="annan granskning"):
        server.upload_file(admin, twin)


def test_a_server_that_is_not_prepared_says_what_to_run(admin: ServerAddress, demo: list[Path]) -> None:
    with pytest.raises(UserError, match="server initiera"):
        server.upload_file(admin, demo[0])


def test_a_password_in_the_url_is_refused() -> None:
    with pytest.raises(UserError, match="lösenord"):
        server.address_of("postgresql://anna:hemligt@server.kommun.se/aktgranskning")


def test_the_commands_read_the_same_from_the_server(admin: ServerAddress, demo: list[Path], tmp_path: Path) -> None:
    path = next(p for p in demo if p.name.endswith("2026.granskning"))
    assert _cli(["server", "initiera", admin.text]).returncode == 0
    uploaded = _cli(["server", "ladda-upp", admin.text, str(path)])
    assert uploaded.returncode == 0 and "uppladdad" in uploaded.stdout
    from_file = _cli(["status", str(path), "--json"])
    data = json.loads(from_file.stdout)
    on_server = _cli(["status", "--server", admin.text, "--enhet", data["enhet"], "--ar", str(data["ar"]), "--json"])
    assert on_server.returncode == 0, on_server.stderr
    assert json.loads(on_server.stdout) == data
    checked = _cli(["kontrollera", "--server", admin.text, "--enhet", data["enhet"], "--ar", str(data["ar"])])
    assert "Bedömning: filen är hel och konsekvent." in checked.stdout, checked.stdout
    listed = _cli(["server", "lista", admin.text])
    assert data["enhet"] in listed.stdout
    down = tmp_path / "ned.granskning"
    assert _cli(["server", "ladda-ned", admin.text, "--enhet", data["enhet"], "--ar", str(data["ar"]),
                    "-o", str(down)]).returncode == 0
    assert json.loads(_cli(["status", str(down), "--json"]).stdout) == data
    both = _cli(["status", str(path), "--server", admin.text, "--enhet", "x", "--ar", "2026"])
    assert both.returncode == 1 and "inte båda" in both.stderr
    missing = _cli(["status", "--server", admin.text, "--enhet", "Finns inte", "--ar", "2026"])
    assert missing.returncode == 1 and "ingen granskning för Finns inte 2026" in missing.stderr


def test_last_year_is_found_on_the_same_server(admin: ServerAddress, demo: list[Path], tmp_path: Path) -> None:
    from aktgranskning.services.report import previous_year_for

    server.initialise_server(admin)
    server.upload_file(admin, next(p for p in demo if p.name == "Mottagningen 2026.granskning"))
    session = server.open_on_server(admin, "Mottagningen", 2026)
    try:
        assert previous_year_for(session) == (None, None, "")  # only this year is on the server yet
    finally:
        session.close()
    server.upload_file(admin, next(p for p in demo if p.name == "Mottagningen 2025.granskning"))
    session = server.open_on_server(admin, "mottagningen", 2026)
    try:
        label, previous, problem = previous_year_for(session)
    finally:
        session.close()
    assert problem == "" and previous is not None and label is not None
    assert (previous.identity.unit, previous.identity.year) == ("Mottagningen", 2025)
    assert "Mottagningen 2025" in label.name and "på 127.0.0.1" in label.name
    report = _cli(["rapport", "--server", admin.text, "--enhet", "Mottagningen", "--ar", "2026",
                   "-o", str(tmp_path / "r.xlsx")])
    assert report.returncode == 0 and (tmp_path / "r.xlsx").stat().st_size > 0


def test_a_granskning_at_another_schema_version_is_not_opened_but_says_what_to_do(
        admin: ServerAddress, demo: list[Path]) -> None:
    """After a program update the granskningar on the server are at an older revision until IT runs
    `server initiera`; a program older than the server's schema must not write tables it does not know."""
    from sqlalchemy import text

    from aktgranskning.storage.migrate import known_revisions
    from aktgranskning.storage.server_catalog import find_granskning

    server.initialise_server(admin)
    path = next(p for p in demo if p.name.endswith("2026.granskning"))
    meta = server.upload_file(admin, path).granskning

    def set_revision(revision: str) -> None:
        with server.on_server(admin) as connection:
            connection.execute(text(f'UPDATE "{meta.schema}".alembic_version SET version_num = :r'), {"r": revision})

    older = known_revisions()[-2]
    set_revision(older)
    with pytest.raises(UserError, match=f"äldre schemaversion \\({older}\\).*server initiera"):
        server.open_on_server(admin, meta.unit, meta.year)
    set_revision("ffffffff_framtida")
    with pytest.raises(UserError, match="nyare version"):
        server.open_on_server(admin, meta.unit, meta.year)
    set_revision(known_revisions()[-1])
    with server.on_server(admin) as connection:
        assert find_granskning(connection, meta.unit, meta.year) is not None
    server.open_on_server(admin, meta.unit, meta.year).close()
