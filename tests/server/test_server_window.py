"""Arkiv → Anslut till server… against a real PostgreSQL server: the dialog connects off the GUI
thread, lists the granskningar, opens one in the main window; a refused login and a server that
does not answer are told in Swedish while the window keeps answering; the address is remembered,
the password never written to a settings file."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
import shiboken6
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from PySide6.QtCore import Qt, QTimer

from aktgranskning.gui.main_window import MainWindow
from aktgranskning.gui.server_dialog import ServerDialog
from aktgranskning.services import server, server_login
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.session_place import is_on_server
from aktgranskning.services.settings import SERVER_URL
from aktgranskning.storage.server_address import ServerAddress
from tests.gui.conftest import shown_window
from tests.gui.waiting import wait_for_background
from tests.support.demo_cache import copy_demo
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.postgres  # a PostgreSQL server of the run's own: CI's own step

LOGIN = "anna_granskare"
PASSWORD = "Ratt-losen-7Q"  # ASCII: QTest.keyClicks aborts on characters outside it
WRONG = "fel-losen-3X"


class MemoryKeyring(KeyringBackend):
    """A keyring of this test only, so saving can be seen without the computer's real one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.saved.pop((service, username), None) is None:
            raise PasswordDeleteError("none saved")


@pytest.fixture(autouse=True)
def no_passwords_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_login, "_held", {})


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    backend = MemoryKeyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    return backend


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import null

    monkeypatch.setattr(keyring.core, "_keyring_backend", null.Keyring())


@pytest.fixture
def demo(tmp_path: Path, checklists) -> list[Path]:
    return copy_demo(tmp_path / "demo", checklists, year=2026)


@pytest.fixture
def uploaded(admin: ServerAddress, demo: list[Path]) -> Path:
    """This year's file of one demo enhet, on the server."""
    server.initialise_server(admin)
    path = demo[0]
    server.upload_file(admin, path)
    return path


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    main = shown_window(qtbot)
    yield main
    main.close()


def _grant_reading(pg_server: PostgresServer, database: str, address: ServerAddress) -> None:
    """A login of its own with a password, granted every enhet on the server (server bevilja)."""
    from aktgranskning.services.server_roles import grant_access

    pg_server.psql(f"CREATE ROLE {LOGIN} LOGIN PASSWORD '{PASSWORD}'", database)
    for granskning in server.list_granskningar(address):
        grant_access(address, LOGIN, granskning.unit)


def _open_dialog(qtbot, main: MainWindow) -> ServerDialog:
    main.server_action.trigger()
    dialog = main.server_dialog
    qtbot.waitExposed(dialog)
    wait_for_background(qtbot)  # the keyring looked at
    return dialog


def _type(qtbot, field, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def _fill(qtbot, dialog: ServerDialog, address: ServerAddress, password: str = "") -> None:
    _type(qtbot, dialog.host, address.host)
    dialog.port.lineEdit().selectAll()
    qtbot.keyClicks(dialog.port.lineEdit(), str(address.port))
    _type(qtbot, dialog.database, address.database)
    _type(qtbot, dialog.user, address.user)
    _type(qtbot, dialog.password, password)


def _connect(qtbot, dialog: ServerDialog) -> None:
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    wait_for_background(qtbot)


def _listed_units(dialog: ServerDialog) -> list[tuple[str, str, str]]:
    return [tuple(dialog.table.item(row, column).text() for column in range(3))  # type: ignore[misc]
            for row in range(dialog.table.rowCount())]


def _case_numbers_of(path: Path) -> list[str]:
    session = open_for_reading(path)
    try:
        return sorted(s.case.case_number for s in session.case_summaries())
    finally:
        session.close()


def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_connect_list_and_open_shows_the_akter(qtbot, window: MainWindow, admin: ServerAddress, uploaded: Path,
                                               no_keyring: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # A server session's path is a label: the results page must not look for last year's file beside it.
    from aktgranskning.services import report

    looked_beside: list[Path] = []
    monkeypatch.setattr(report, "find_previous_year", lambda path, *_: looked_beside.append(path))
    expected = open_for_reading(uploaded)
    unit, year, area = expected.meta.unit, expected.meta.year, expected.meta.area
    expected.close()

    dialog = _open_dialog(qtbot, window)
    assert dialog.keyring_note.isVisible() and not dialog.save_password.isEnabled()  # no keyring here
    _fill(qtbot, dialog, admin)
    assert dialog.address.text() == admin.text
    _connect(qtbot, dialog)

    assert (area, unit, str(year)) in _listed_units(dialog), dialog.message.text()
    assert dialog.year.currentText() == str(year)
    assert window.settings.get(SERVER_URL) == admin.text

    row = next(r for r, listed in enumerate(_listed_units(dialog)) if listed[1] == unit)
    dialog.table.selectRow(row)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    wait_for_background(qtbot)

    session = window.session
    assert session is not None and is_on_server(session)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5000)  # closed and deleted once it is open
    shown = sorted(window.case_list.model.summary(r).case.case_number for r in range(window.case_list.model.rowCount()))
    assert shown == _case_numbers_of(uploaded)
    assert window.pages.currentWidget() is window.case_list
    title = window.windowTitle()
    assert f"{unit} {year}" in title and admin.host in title and admin.database in title
    assert window.settings.recent_files() == []  # a label is no file to open again
    assert not session.read_only and window.watch.running  # for review, with the others' work read from the server

    window.show_results()
    wait_for_background(qtbot)
    assert window.pages.currentWidget() is window.results
    assert looked_beside == [] and window.results.previous_path is None


def test_a_wrong_password_is_told_and_the_right_one_kept_in_the_keyring(
        qtbot, window: MainWindow, admin: ServerAddress, uploaded: Path, pg_server: PostgresServer,
        memory_keyring: MemoryKeyring, private_user_folders: Path) -> None:
    _grant_reading(pg_server, admin.database, admin)
    login = admin.as_user(LOGIN)
    dialog = _open_dialog(qtbot, window)
    assert dialog.save_password.isEnabled() and dialog.save_password.isChecked()

    _fill(qtbot, dialog, login, WRONG)
    _connect(qtbot, dialog)
    assert "nekades" in dialog.message.text() and LOGIN in dialog.message.text()
    assert "Traceback" not in dialog.message.text()
    assert dialog.table.rowCount() == 0 and dialog.connect_button.isEnabled() and dialog.isVisible()
    assert memory_keyring.saved == {}  # a refused password is not kept

    _type(qtbot, dialog.password, PASSWORD)
    _connect(qtbot, dialog)
    assert any(listed[1] for listed in _listed_units(dialog)), dialog.message.text()
    assert "sparat i datorns nyckelring" in dialog.message.text()
    assert memory_keyring.saved == {(server_login.KEYRING_SERVICE, login.keyring_name): PASSWORD}
    assert window.settings.get(SERVER_URL) == login.text

    files = _files_under(private_user_folders)
    assert window.settings.path in files
    for path in files:
        content = path.read_bytes()
        assert PASSWORD.encode() not in content and WRONG.encode() not in content, path
    dialog.close()

    # Next time: the address is filled in, and the keyring's password is used with the field empty.
    server_login._held.clear()
    again = _open_dialog(qtbot, window)
    assert (again.host.text(), again.port.value(), again.database.text(), again.user.text()) == \
        (login.host, login.port, login.database, LOGIN)
    assert "nyckelringen" in again.password.placeholderText()
    _connect(qtbot, again)
    assert again.table.rowCount() > 0, again.message.text()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Heartbeat:
    """A timer on the GUI thread: the longest gap between its ticks is how long the window stood still."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self.last)
        self.last = now


def test_a_server_that_does_not_answer_is_told_without_freezing(qtbot, window: MainWindow, no_keyring: None) -> None:
    dialog = _open_dialog(qtbot, window)

    closed = _free_port()  # nobody listens there
    dialog.host.setText(f"postgresql://{LOGIN}@127.0.0.1:{closed}/aktgranskning")  # pasted whole
    assert (dialog.port.value(), dialog.database.text(), dialog.user.text()) == (closed, "aktgranskning", LOGIN)
    _connect(qtbot, dialog)
    assert "svarar inte" in dialog.message.text() and f"127.0.0.1:{closed}" in dialog.message.text()

    # A server that takes the connection and then says nothing: libpq waits connect_timeout.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        dialog.host.setText(f"postgresql://{LOGIN}@127.0.0.1:{port}/aktgranskning?connect_timeout=1")
        assert "connect_timeout=1" in dialog.address.text()
        heartbeat = Heartbeat()
        started = time.monotonic()
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert dialog.progress.isVisible() and not dialog.connect_button.isEnabled()
        qtbot.wait(300)
        qtbot.mouseClick(dialog.progress.cancel_button, Qt.MouseButton.LeftButton)
        assert dialog.connect_button.isEnabled() and "avbröts" in dialog.message.text()  # at once

        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # again at once; the abandoned attempt ends by itself
        wait_for_background(qtbot)
        waited = time.monotonic() - started
        heartbeat.timer.stop()
    assert "svarar inte" in dialog.message.text(), dialog.message.text()
    assert waited >= 1.0  # it really waited for the server
    assert heartbeat.longest < 0.3, f"the window stood still for {heartbeat.longest:.2f} s"
    assert dialog.isVisible() and dialog.connect_button.isEnabled()
