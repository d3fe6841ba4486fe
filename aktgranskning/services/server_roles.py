"""Who may see what on the förvaltning's server: `server bevilja`, `server aterkalla` and
`server behorigheter` (storage/server_roles.py holds the roles, grants and row-level security).

The database's owner grants a login (made by the IT department) an enhet, every year of it, or the
utvecklare's reading of the de-identified results of all enheter. An enhet may be granted before
its first granskning is uploaded: the access then holds from the upload on.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql
from sqlalchemy import Connection

from aktgranskning.services.server import _require_catalog, on_server
from aktgranskning.storage import server_catalog as catalog
from aktgranskning.storage import server_roles as roles
from aktgranskning.storage.server_address import ServerAddress, ServerProblem

DEVELOPER_TEXT = "utvecklare (avidentifierade resultat för alla enheter)"


@dataclass(frozen=True)
class Access:
    """What one grant or revocation is about: an enhet, or the utvecklare's reading."""

    login: str
    unit: str | None  # None: the utvecklare role

    @property
    def what(self) -> str:
        return f"enheten {self.unit}" if self.unit is not None else "utvecklarens läsning av avidentifierade resultat"


@dataclass(frozen=True)
class Change:
    access: Access
    changed: bool
    server: str
    unit_on_server: bool = True  # for an enhet: whether any granskning of it is uploaded yet

    def text(self, granting: bool) -> str:
        who, what = self.access.login, self.access.what
        if granting and not self.changed:
            said = f"{who} hade redan behörighet till {what} på {self.server}; inget ändrades."
        elif granting:
            said = f"{who} har fått behörighet till {what} på {self.server}."
        elif not self.changed:
            said = f"{who} hade ingen behörighet till {what} på {self.server}; inget ändrades."
        else:
            said = f"{who} har inte längre behörighet till {what} på {self.server}."
        if granting and not self.unit_on_server:
            said += (f" Ingen granskning för {self.access.unit} finns ännu på servern; behörigheten gäller från "
                     "den dag enhetens fil laddas upp. (Stavas enhetens namn som i granskningsfilen?)")
        return said


@dataclass(frozen=True)
class Grant:
    login: str
    what: str


@dataclass(frozen=True)
class Overview:
    grants: list[Grant]
    units_without_anyone: list[str]


def grant_access(address: ServerAddress, login: str, unit: str | None) -> Change:
    """Give the login the enhet (every year of it), or with `unit=None` the utvecklare's role."""
    with on_server(address) as connection:
        role, access, on_server_already = _prepare(connection, address, login, unit, create=True)
        changed = roles.grant_role(connection, role, login)
    return Change(access, changed, address.text, on_server_already)


def revoke_access(address: ServerAddress, login: str, unit: str | None) -> Change:
    """Take the enhet (or the utvecklare's role) away from the login; effective on its next statement."""
    with on_server(address) as connection:
        role, access, _ = _prepare(connection, address, login, unit, create=False)
        if not roles.role_exists(connection, role):
            return Change(access, False, address.text)
        changed = roles.revoke_role(connection, role, login)
        if roles.is_direct_member(connection, role, login):
            by = ", ".join(roles.grantors(connection, role, login)) or "någon annan"
            raise ServerProblem(f"{login} behåller behörigheten till {access.what} på {address.text}: den gavs av "
                                f"{by}, och bara den (eller en superanvändare) kan ta tillbaka den.")
    return Change(access, changed, address.text)


def _prepare(connection: Connection, address: ServerAddress, login: str, unit: str | None,
             create: bool) -> tuple[str, Access, bool]:
    _require_catalog(connection, address)
    catalog.lock_catalog(connection)
    names = roles.roles_of(connection)
    access = Access(login, unit)
    _check_login(connection, address, names, login)
    if unit is None:
        if create:
            roles.secure_catalog(connection)
        return names.developers, access, True
    if not catalog.unit_key(unit):
        raise ServerProblem("Ange enhetens namn med --enhet NAMN.")
    uploaded = [g for g in catalog.granskningar(connection) if catalog.unit_key(g.unit) == catalog.unit_key(unit)]
    if create:
        roles.secure_catalog(connection)
        roles.ensure_unit_role(connection, names, uploaded[-1].unit if uploaded else unit)
    return names.unit(unit), access, bool(uploaded)


def _check_login(connection: Connection, address: ServerAddress, names: roles.Roles, login: str) -> None:
    quoted = sql.Identifier(login).as_string()
    if not login.strip():
        raise ServerProblem("Ange inloggningens namn med --login NAMN.")
    if names.is_own(login):
        raise ServerProblem(f"{login} är en av Aktgranskningens egna roller på {address.text}; behörigheter ges "
                            "till personers inloggningar.")
    if not roles.role_exists(connection, login):
        raise ServerProblem(
            f"Inloggningen {login} finns inte på servern {address.text}. Inloggningar skapar IT-avdelningen (eller "
            f"den som förvaltar databasen) först, till exempel i psql: CREATE ROLE {quoted} LOGIN PASSWORD '…'; "
            "Kör sedan bevilja igen.")


def list_access(address: ServerAddress) -> Overview:
    """Every login's enheter and utvecklare role, and the enheter on the server nobody may review."""
    with on_server(address) as connection:
        _require_catalog(connection, address)
        names = roles.roles_of(connection)
        uploaded = catalog.granskningar(connection)
        unit_names = {g.unit_role: g.unit for g in uploaded}
        comments = roles.unit_roles(connection, names)
        grants: list[Grant] = []
        granted_roles: set[str] = set()
        for member in roles.members(connection, names):
            if member.role == names.developers:
                grants.append(Grant(member.login, DEVELOPER_TEXT))
                continue
            if member.role not in comments:
                continue  # a role of another database that shares the prefix: refused elsewhere
            unit = unit_names.get(member.role) or roles.unit_of_comment(comments[member.role])
            grants.append(Grant(member.login, f"enhet {unit}"))
            granted_roles.add(member.role)
    alone = sorted({g.unit for g in uploaded if g.unit_role not in granted_roles}, key=catalog.unit_key)
    return Overview(grants, alone)
