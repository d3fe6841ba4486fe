"""`aktgranskning --server URL --enhet NAMN --ar ÅR`: the window starts connected to the server
and opens that enhet's granskning for review, as a file given on the command line is opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktgranskning.gui.launch import launch_window, parse_gui_arguments
from aktgranskning.services import server
from aktgranskning.storage.server_address import ServerAddress
from tests.support.demo_cache import copy_demo

pytestmark = pytest.mark.postgres  # a PostgreSQL server of the run's own: CI's own step

YEAR = 2026


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, checklists) -> list[Path]:
    return copy_demo(tmp_path_factory.mktemp("demo"), checklists, year=YEAR)


@pytest.fixture
def unit(admin: ServerAddress, demo: list[Path]) -> str:
    """One enhet's granskningar of two years on the server."""
    this_year = next(p for p in demo if p.name.endswith(f"{YEAR}.granskning"))
    name = this_year.name.rsplit(" ", 1)[0]
    server.initialise_server(admin)
    for path in (this_year, this_year.with_name(f"{name} {YEAR - 1}.granskning")):
        server.upload_file(admin, path)
    return name


def test_the_window_starts_on_the_enhets_granskning_on_the_server(qtbot, admin: ServerAddress, unit: str) -> None:
    started = launch_window(["--server", admin.text, "--enhet", unit.upper()])  # no year: the newest
    assert started is not None
    _app, window = started
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.session is not None, timeout=20000)
    session = window.session
    assert session is not None and not session.read_only
    assert (session.meta.unit, session.meta.year) == (unit, YEAR)
    assert window.server_address == admin and window.watch.running
    assert window.pages.currentWidget() is window.case_list
    window.close()


def test_an_enhet_the_login_does_not_see_is_said_in_the_dialog(qtbot, admin: ServerAddress, unit: str) -> None:
    started = launch_window(["--server", admin.text, "--enhet", "Finns inte", "--ar", str(YEAR)])
    assert started is not None
    _app, window = started
    qtbot.addWidget(window)
    dialog = window.server_dialog
    qtbot.waitUntil(lambda: "ingen granskning för Finns inte 2026" in dialog.message.text(), timeout=20000)
    assert window.session is None and dialog.table.rowCount() > 0  # the list is there to choose from
    dialog.reject()
    window.close()


def test_the_start_refuses_a_server_with_a_file_and_an_enhet_without_a_server(capsys) -> None:
    with pytest.raises(SystemExit):
        parse_gui_arguments(["fil.granskning", "--server", "postgresql://anna@db/ag"])
    with pytest.raises(SystemExit):
        parse_gui_arguments(["--enhet", "Mottagningen"])
    assert "--server" in capsys.readouterr().err
