"""Arkiv → Anslut till server…: the förvaltning's PostgreSQL server, its granskningar, one opened.

The server is given as its parts (värd, port, databas, användare, TLS) — what an IT department
hands out — and the dialog shows the address they make, `postgresql://användare@värd:port/databas`,
which is also what the CLI's `--server` takes; a whole address pasted into Värd is split into the
fields. The password is typed here and either kept in the operating system's keyring
(services.server_login) or held in memory for this run only; the address (never the password) is
saved in the settings and filled in next time. Checking the keyring, connecting, listing and
opening all run off the GUI thread (gui/background.py), so a server that does not answer never
freezes the window (libpq gives up after the address's connect_timeout, 10 s).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.errors import UserError
from aktgranskning.gui.background import BackgroundOperation, ProgressPanel, run_in_background
from aktgranskning.gui.screen_fit import fit_to_available_screen
from aktgranskning.services import server_login
from aktgranskning.services.server import address_of, list_granskningar
from aktgranskning.services.server_types import Granskning, ServerAddress, unit_key
from aktgranskning.services.session import ReviewSession
from aktgranskning.services.settings import SERVER_URL, Settings

Opener = Callable[[ServerAddress, Granskning], ReviewSession]  # runs off the GUI thread

DEFAULT_PORT = 5432
PREFERRED_SIZE = QSize(880, 470)
ALL_YEARS = "Alla år"
# libpq's sslmode, as the dialog offers it: TLS whenever the server offers it is the default.
TLS_CHOICES = (
    ("prefer", "När servern erbjuder det"),
    ("require", "Alltid (anslut inte utan TLS)"),
    ("verify-full", "Alltid, och kontrollera serverns certifikat"),
)
# What the fields do not show but a pasted or saved address may carry: kept as it was.
_KEPT_OPTIONS = ("sslrootcert", "connect_timeout")
NO_KEYRING = ("Datorn har ingen nyckelring där lösenordet kan sparas. Skriv lösenordet varje gång du ansluter "
              "(det glöms när programmet avslutas).")
PROBLEM_STYLE = "color: #a00000; font-weight: bold;"


def server_url(host: str, port: int, database: str, user: str, sslmode: str,
               kept: dict[str, str] | None = None) -> str:
    """The libpq-style address the fields make (never with a password)."""
    host = host.strip()
    if ":" in host and not host.startswith("["):  # an IPv6 address
        host = f"[{host}]"
    where = host if port == DEFAULT_PORT else f"{host}:{port}"
    options = {**({"sslmode": sslmode} if sslmode != "prefer" else {}), **(kept or {})}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgresql://{quote(user.strip(), safe='')}@{where}/{quote(database.strip(), safe='')}{query}"


def kept_options(url: str) -> dict[str, str]:
    query = dict(parse_qsl(urlsplit(url).query))
    return {key: query[key] for key in _KEPT_OPTIONS if key in query}


def _keyring_state(address: ServerAddress | None) -> tuple[bool, bool]:
    """Off the GUI thread (a keyring may wait for D-Bus): whether there is a keyring, and whether
    it holds this login's password."""
    available = server_login.keyring_available()
    saved = available and address is not None and server_login.stored_password(address) is not None
    return available, saved


def _connect_and_list(address: ServerAddress, password: str, save: bool) -> tuple[list[Granskning], str]:
    """Off the GUI thread: the granskningar the login may see, then the password kept as asked.
    Returns them and what became of the password ("sparat", "ingen nyckelring", "inte sparat", "")."""
    if password:
        server_login.hold_password(address, password)
    found = list_granskningar(address)
    if not save:
        server_login.forget_password(address)
        return found, "inte sparat" if password else ""
    if not password:
        return found, ""
    return found, "sparat" if server_login.save_password(address, password) else "ingen nyckelring"


class ServerDialog(QDialog):
    """Connect, list the granskningar by område, enhet and år, open one (`opened` then carries it)."""

    opened = Signal(object, object)  # the ReviewSession, the ServerAddress it is on

    def __init__(self, settings: Settings, opener: Opener, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Anslut till server")
        self.settings = settings
        self._opener = opener
        self._kept: dict[str, str] = {}
        self._granskningar: list[Granskning] = []
        self._listed: ServerAddress | None = None  # the address the list is from
        self.operation: BackgroundOperation | None = None
        self._opening = False
        self._wanted: tuple[str, int | None] | None = None  # (enhet, år) to open once listed
        self._build()
        self._fill_from(str(settings.get(SERVER_URL)))
        self._show_address()
        fit_to_available_screen(self, PREFERRED_SIZE)
        self._check_keyring()

    # --- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.host = QLineEdit()
        self.host.setPlaceholderText("t.ex. db.kommun.se")
        self.host.setToolTip("Serverns namn eller adress. Du kan också klistra in hela adressen "
                             "postgresql://användare@värd:port/databas här.")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setAccessibleName("Port")
        self.database = QLineEdit()
        self.database.setPlaceholderText("t.ex. aktgranskning")
        self.user = QLineEdit()
        self.user.setPlaceholderText("din inloggning på servern")
        self.tls = QComboBox()
        for mode, label in TLS_CHOICES:
            self.tls.addItem(label, mode)
        self.address = QLineEdit()
        self.address.setReadOnly(True)
        self.address.setAccessibleName("Serveradressen som fälten ger")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Lösenord")
        self.save_password = QCheckBox("Spara lösenordet i datorns &nyckelring")
        self.save_password.setChecked(True)
        self.keyring_note = QLabel("")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.hide()
        for field, name in ((self.host, "Värd"), (self.database, "Databas"), (self.user, "Användare"),
                            (self.tls, "TLS")):
            field.setAccessibleName(name)
        for line in (self.host, self.database, self.user, self.password):
            line.returnPressed.connect(self.connect_to_server)
        for line in (self.host, self.database, self.user):
            line.textChanged.connect(self._show_address)
        self.host.textChanged.connect(self._maybe_pasted)
        self.port.valueChanged.connect(self._show_address)
        self.tls.currentIndexChanged.connect(self._show_address)

        where = QWidget()
        row = QHBoxLayout(where)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.host, 1)
        port_label = QLabel("P&ort:")
        port_label.setBuddy(self.port)
        row.addWidget(port_label)
        row.addWidget(self.port)
        form = QFormLayout()
        form.addRow(self._label("&Värd:", self.host), where)
        form.addRow(self._label("&Databas:", self.database), self.database)
        form.addRow(self._label("Anv&ändare:", self.user), self.user)
        form.addRow(self._label("&TLS:", self.tls), self.tls)
        address_label = self._label("Serveradressen som fälten ger:", self.address)
        address_label.setToolTip("Samma adress tar kommandona, t.ex. aktgranskning status --server ADRESS.")
        form.addRow(address_label)
        form.addRow(self.address)  # the whole width: a long address is read here, not scrolled
        form.addRow(self._label("&Lösenord:", self.password), self.password)
        form.addRow("", self.save_password)
        self.connect_button = QPushButton("&Anslut")
        self.connect_button.clicked.connect(self.connect_to_server)
        self.progress = ProgressPanel("Anslutning")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setObjectName("serverMessage")
        self.message.setAccessibleName("Meddelande från anslutningen")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        server_box = QGroupBox("Servern")
        left = QVBoxLayout(server_box)
        left.addLayout(form)
        left.addWidget(self.keyring_note)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.connect_button)
        left.addLayout(buttons)
        left.addWidget(self.progress)
        left.addWidget(self.message)
        left.addStretch(1)

        self.year = QComboBox()
        self.year.setAccessibleName("År (omgång)")
        self.year.currentIndexChanged.connect(self._fill_table)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Område", "Enhet", "År"])
        self.table.setAccessibleName("Granskningar på servern")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)  # a year: room for "0000" and the margins
        header.resizeSection(2, max(header.fontMetrics().horizontalAdvance("År"),
                                    self.table.fontMetrics().horizontalAdvance("0000")) + 18)
        self.table.activated.connect(self._activated)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.list_note = QLabel("Anslut för att se de granskningar som din inloggning får se.")
        self.list_note.setWordWrap(True)
        year_row = QHBoxLayout()
        year_row.addWidget(self._label("Å&r (omgång):", self.year))
        year_row.addWidget(self.year, 1)
        list_box = QGroupBox("Granskningar på servern")
        right = QVBoxLayout(list_box)
        right.addLayout(year_row)
        right.addWidget(self.table, 1)
        right.addWidget(self.list_note)

        self.open_button = QPushButton("Ö&ppna")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_chosen)
        self.close_button = QPushButton("Stäng")
        self.close_button.clicked.connect(self.reject)
        # No default button: Enter in a field connects, Enter in the list opens. (A dialog makes its
        # first auto-default button the default, which would be the progress panel's Avbryt.)
        for button in (self.connect_button, self.open_button, self.close_button, self.progress.cancel_button):
            button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.close_button)
        columns = QHBoxLayout()
        columns.addWidget(server_box, 1)
        columns.addWidget(list_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def start_with(self, url: str, unit: str | None = None, year: int | None = None) -> UserError | None:
        """`aktgranskning --server URL [--enhet NAMN --ar ÅR]`: the address in the fields and a
        connection at once (the password from the keyring; without one the dialog asks for it);
        with an enhet, its granskning (that year's, else the newest) is opened when it is listed."""
        try:
            address_of(url)
        except UserError as error:
            self._say(error.message, problem=True)
            return error
        self._fill_from(url)
        self._wanted = (unit, year) if unit else None
        self.connect_to_server()
        return None

    # --- the address ---------------------------------------------------------------------------
    def _fill_from(self, url: str) -> bool:
        """Spread a whole address over the fields; False (fields untouched) if it is not one."""
        try:
            address = address_of(url)
        except UserError:
            return False
        self._kept = kept_options(url)
        for field, value in ((self.host, address.host), (self.database, address.database), (self.user, address.user)):
            field.blockSignals(True)
            field.setText(value)
            field.blockSignals(False)
        self.port.setValue(address.port)
        index = self.tls.findData(address.sslmode)
        if index < 0:  # a mode the list does not offer (allow, verify-ca): offered as it was
            self.tls.addItem(address.sslmode, address.sslmode)
            index = self.tls.count() - 1
        self.tls.setCurrentIndex(index)
        self._show_address()
        return True

    def _maybe_pasted(self, text: str) -> None:
        if "://" in text and self._fill_from(text):
            self.database.setFocus()

    def address_text(self) -> str:
        return server_url(self.host.text(), self.port.value(), self.database.text(), self.user.text(),
                          str(self.tls.currentData()), self._kept)

    def _show_address(self) -> None:
        complete = all(field.text().strip() for field in (self.host, self.database, self.user))
        self.address.setText(self.address_text() if complete else "")
        self.address.setCursorPosition(0)  # the start shows when it is too long; the tooltip has all of it
        self.address.setToolTip(self.address.text())
        self.address.setPlaceholderText("fyll i värd, databas och användare")
        if self._listed is not None and self.address.text() != self._listed_text:
            self._show_list(None, [])  # the list was of another server or login

    # --- the keyring ---------------------------------------------------------------------------
    def _check_keyring(self) -> None:
        try:
            address: ServerAddress | None = address_of(self.address_text())
        except UserError:
            address = None
        self.keyring_check = run_in_background(
            lambda _p, _c: _keyring_state(address), on_success=self._keyring_known, owner=self,
            controls=[self.save_password], text="", on_error=lambda _error: None)

    def _keyring_known(self, state: tuple[bool, bool]) -> None:
        available, saved = state
        if not available:
            self._no_keyring()
        elif saved:
            self.password.setPlaceholderText("sparat i nyckelringen – lämna tomt")
        self.save_password.setChecked(available)

    def _no_keyring(self) -> None:
        self.save_password.setChecked(False)
        self.save_password.setEnabled(False)
        self.save_password.setToolTip(NO_KEYRING)
        self.keyring_note.setText(NO_KEYRING)
        self.keyring_note.show()

    # --- connecting and listing ----------------------------------------------------------------
    def connect_to_server(self) -> BackgroundOperation | None:
        if self._opening or (self.operation is not None and self.operation.running):
            return None
        try:
            address = address_of(self.address_text())
        except UserError as error:
            self._say(error.message, problem=True)
            return None
        password = self.password.text()
        save = self.save_password.isChecked() and self.save_password.isEnabled()
        self._say("")
        self.operation = run_in_background(
            lambda _p, _c: _connect_and_list(address, password, save),
            on_success=lambda outcome: self._listed_from(address, *outcome), owner=self,
            controls=[self.connect_button, self.open_button], progress=self.progress,
            text=f"Ansluter till {address.text} …", on_error=self._failed,
            on_cancelled=lambda: self._say("Anslutningen avbröts."))
        return self.operation

    def _listed_from(self, address: ServerAddress, found: list[Granskning], password_fate: str) -> None:
        self.settings.set(SERVER_URL, self.address_text())
        self._show_list(address, found)
        seen = (f"{len(found)} granskningar som {address.user} får se" if found
                else f"inga granskningar som {address.user} får se")
        fate = {"sparat": " Lösenordet är sparat i datorns nyckelring.",
                "inte sparat": " Lösenordet sparas inte; du får skriva det nästa gång.",
                "ingen nyckelring": f" {NO_KEYRING}"}.get(password_fate, "")
        self._say(f"Ansluten till {address.text}: {seen}.{fate}")
        if password_fate == "ingen nyckelring":
            self._no_keyring()
        if found:
            self.table.setFocus()
        if self._wanted is not None:
            self._open_wanted(address, found)

    def _open_wanted(self, address: ServerAddress, found: list[Granskning]) -> None:
        unit, year = self._wanted or ("", None)
        self._wanted = None
        wanted = unit_key(unit)
        matches = sorted((g for g in found if unit_key(g.unit) == wanted and year in (None, g.year)),
                         key=lambda g: g.year, reverse=True)
        if not matches:
            which = f"{unit} {year}" if year is not None else unit
            self._say(f"Ansluten till {address.text}, men {address.user} ser ingen granskning för {which}. "
                      "Välj en i listan, eller be den som förvaltar servern om behörighet.", problem=True)
            return
        self.year.setCurrentIndex(max(0, self.year.findText(str(matches[0].year))))
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == matches[0]:
                self.table.selectRow(row)
                self.open_chosen()
                return

    def _failed(self, error: UserError) -> None:
        self._say(error.message, problem=True)
        self.password.setFocus()
        self.password.selectAll()

    def _show_list(self, address: ServerAddress | None, found: list[Granskning]) -> None:
        self._listed = address
        self._listed_text = self.address.text()
        self._granskningar = found
        years = sorted({g.year for g in found}, reverse=True)
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItems([str(y) for y in years] + [ALL_YEARS] if years else [])
        self.year.setCurrentIndex(0)  # the newest round first
        self.year.blockSignals(False)
        self._fill_table()
        if address is None:
            self.list_note.setText("Anslut för att se de granskningar som din inloggning får se.")
        elif not found:
            self.list_note.setText(f"Servern har inga granskningar som {address.user} får se. Den som förvaltar "
                                   "servern laddar upp enheternas filer och ger dig behörighet.")
        else:
            self.list_note.setText("Välj en granskning och tryck Enter eller Öppna.")

    def _fill_table(self) -> None:
        chosen = self.year.currentText()
        shown = [g for g in self._granskningar if chosen in ("", ALL_YEARS) or str(g.year) == chosen]
        self.table.setRowCount(len(shown))
        for row, granskning in enumerate(shown):
            for column, value in enumerate((granskning.area, granskning.unit, str(granskning.year))):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, granskning)
                item.setToolTip(f"{granskning.administration} · uppladdad {granskning.uploaded[:10]}"
                                f" av {granskning.uploaded_by or 'okänd'}")
                self.table.setItem(row, column, item)
        if shown:
            self.table.selectRow(0)
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.open_button.setEnabled(self.chosen() is not None and not self._busy())

    def _busy(self) -> bool:
        return self._opening or (self.operation is not None and self.operation.running)

    def chosen(self) -> Granskning | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    # --- opening -------------------------------------------------------------------------------
    def _activated(self, _index: QModelIndex) -> None:
        self.open_chosen()

    def open_chosen(self) -> BackgroundOperation | None:
        granskning, address = self.chosen(), self._listed
        if granskning is None or address is None or self._busy():
            return None
        opener = self._opener
        self._opening = True
        self._say("")
        self.operation = run_in_background(
            lambda _p, _c: opener(address, granskning), on_success=lambda session: self._opened(session, address),
            owner=self, controls=[self.connect_button, self.open_button, self.table, self.close_button],
            progress=self.progress, text=f"Öppnar {granskning.display_name} på {address.host} …",
            on_error=self._failed_to_open, cancellable=False)
        self.operation.finished.connect(self._opening_ended)
        return self.operation

    def _opening_ended(self) -> None:
        self._opening = False
        self._selection_changed()

    def _failed_to_open(self, error: UserError) -> None:
        self._say(error.message, problem=True)
        self.table.setFocus()

    def _opened(self, session: ReviewSession, address: ServerAddress) -> None:
        self._opening = False
        self.opened.emit(session, address)
        self.accept()

    # --- messages and closing ------------------------------------------------------------------
    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(PROBLEM_STYLE if problem else "")

    def reject(self) -> None:
        """Closing while a granskning is being opened waits for it (the session must not be lost);
        a connection still being tried is let go."""
        if self._opening:
            return
        if self.operation is not None and self.operation.running:
            self.operation.cancel()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._opening:
            event.ignore()
            return
        super().closeEvent(event)
