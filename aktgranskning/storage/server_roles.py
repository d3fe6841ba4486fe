"""Who sees what on the förvaltning's server: PostgreSQL group roles, grants and row-level security.

Three kinds of group role (NOLOGIN), named from the catalog's `rollprefix` (which carries the
database's name, since role names are shared by every database of a PostgreSQL server):

- `<prefix>_e_<12 hex>`, one per enhet (server_catalog.unit_role): USAGE on that enhet's
  granskning schemas (`g_…`, every year) and read/write on their tables. Case numbers,
  comments, the audit and the change rows live there, so only the enhet's people see them.
- `<prefix>_granskare`, of which every enhet role is a member: USAGE on the catalog; row-level
  security on `granskningar` and `resultat` shows a member only its own enhets' rows, and lets it
  write its own enhet's `resultat` row (the review session rewrites it on every change).
- `<prefix>_utvecklare`: USAGE on the catalog and SELECT on every row of `granskningar` and
  `resultat` (the de-identified results, as in the enhet workbook), nothing in any `g_…` schema.

A login gets an enhet or the utvecklare role by membership (`server bevilja`). The database's owner
(who ran `server initiera`) owns the tables and so bypasses row-level security, as PostgreSQL does
for owners: uploading and granting are the owner's work.

Every statement that names a role composes the name with psycopg's `sql.Identifier` (a login name
is user input); values are bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import sql
from sqlalchemy import Connection, text

from aktgranskning.storage import server_catalog as catalog
from aktgranskning.storage.server_address import ServerAddress, ServerProblem
from aktgranskning.storage.server_catalog import CATALOG_SCHEMA, Granskning

_MARK = "Aktgranskning, databasen {database}: "
# A row belongs to the user's enhet when the user is a member (directly or through other roles) of
# the row's enhet role. Through pg_roles rather than pg_has_role(name): a role that was dropped by
# hand hides its rows instead of failing every query.
_OWN_ENHET = ("enhet_roll IN (SELECT rolname FROM pg_catalog.pg_roles "
              "WHERE pg_catalog.pg_has_role(current_user, oid, 'MEMBER'))")
_OWN_GRANSKNING = (f"enhet_roll = (SELECT g.enhet_roll FROM {CATALOG_SCHEMA}.granskningar g "
                   "WHERE g.id = granskning_id)")


@dataclass(frozen=True)
class Roles:
    """The server's group role names for this database."""

    prefix: str

    @property
    def reviewers(self) -> str:
        return f"{self.prefix}_granskare"

    @property
    def developers(self) -> str:
        return f"{self.prefix}_utvecklare"

    def unit(self, unit: str) -> str:
        return catalog.unit_role(self.prefix, unit)

    def is_own(self, name: str) -> bool:
        return name.startswith(f"{self.prefix}_")


@dataclass(frozen=True)
class Member:
    role: str
    login: str
    role_comment: str


def roles_of(connection: Connection) -> Roles:
    return Roles(catalog.role_prefix(connection))


def _run(connection: Connection, statement: sql.Composable) -> None:
    """A statement with quoted identifiers, on the same transaction (no parameters: a '%' in a
    name stays a '%')."""
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(statement)


def _database(connection: Connection) -> str:
    return str(connection.execute(text("SELECT current_database()")).scalar_one())


def _role_row(connection: Connection, name: str) -> Any:
    return connection.execute(
        text("SELECT rolname, rolcanlogin, rolsuper, coalesce(shobj_description(oid, 'pg_authid'), '') AS comment "
             "FROM pg_catalog.pg_roles WHERE rolname = :name"), {"name": name},
    ).first()


def role_exists(connection: Connection, name: str) -> bool:
    return _role_row(connection, name) is not None


def ensure_group_role(connection: Connection, name: str, what: str) -> bool:
    """The group role `name` for this database, created when missing. Returns whether it was made.
    A role of that name that is not this database's (another database whose name begins the same,
    or somebody else's role) is refused: its members would see this database's granskningar."""
    database = _database(connection)
    mark = _MARK.format(database=database)
    found = _role_row(connection, name)
    if found is None:
        _run(connection, sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
        _run(connection, sql.SQL("COMMENT ON ROLE {} IS {}").format(sql.Identifier(name), sql.Literal(mark + what)))
        return True
    if not found.comment.startswith(mark):
        described = f" ({found.comment})" if found.comment else ""
        raise ServerProblem(
            f"Rollen {name} finns redan på PostgreSQL-servern men hör inte till Aktgranskning i databasen {database}"
            f"{described}. Rollnamn är gemensamma för alla databaser på en server, och två databaser får inte dela "
            "dem: då skulle den ena databasens granskare se den andras. Ge databasen ett namn som skiljer sig från "
            "de andra redan i de första 20 tecknen, eller ta bort den gamla rollen (DROP ROLE) om den inte längre "
            "används. Inget ändrades.")
    return False


def is_direct_member(connection: Connection, role: str, member: str) -> bool:
    found = connection.execute(
        text("SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid "
             "JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = :role AND u.rolname = :member"),
        {"role": role, "member": member},
    ).first()
    return found is not None


def grantors(connection: Connection, role: str, member: str) -> list[str]:
    """Who granted `member` the role (PostgreSQL 16 and later keep one grant per grantor)."""
    rows = connection.execute(
        text("SELECT DISTINCT coalesce(r.rolname, '') FROM pg_catalog.pg_auth_members m "
             "JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member "
             "LEFT JOIN pg_catalog.pg_roles r ON r.oid = m.grantor WHERE g.rolname = :role AND u.rolname = :member"),
        {"role": role, "member": member},
    )
    return sorted(str(row[0]) for row in rows)


def grant_role(connection: Connection, role: str, member: str) -> bool:
    """Make `member` a member of `role`; False when it already was (nothing changes)."""
    if is_direct_member(connection, role, member):
        return False
    _run(connection, sql.SQL("GRANT {} TO {}").format(sql.Identifier(role), sql.Identifier(member)))
    return True


def revoke_role(connection: Connection, role: str, member: str) -> bool:
    """End `member`'s membership of `role`; False when it had none."""
    if not is_direct_member(connection, role, member):
        return False
    _run(connection, sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(role), sql.Identifier(member)))
    return True


def members(connection: Connection, roles: Roles) -> list[Member]:
    """The direct members of this database's enhet roles and utvecklare role (not the enhet roles'
    own membership of the granskare role)."""
    rows = connection.execute(
        text("SELECT DISTINCT g.rolname AS role, u.rolname AS login, "
             "coalesce(shobj_description(g.oid, 'pg_authid'), '') AS comment "
             "FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid "
             "JOIN pg_catalog.pg_roles u ON u.oid = m.member "
             "WHERE starts_with(g.rolname, :units) OR g.rolname = :developers ORDER BY u.rolname, g.rolname"),
        {"units": f"{roles.prefix}_e_", "developers": roles.developers},
    )
    return [Member(row.role, row.login, row.comment) for row in rows]


def unit_roles(connection: Connection, roles: Roles) -> dict[str, str]:
    """Every enhet role of this database → its comment (which names the enhet)."""
    rows = connection.execute(
        text("SELECT rolname, coalesce(shobj_description(oid, 'pg_authid'), '') FROM pg_catalog.pg_roles "
             "WHERE starts_with(rolname, :units)"), {"units": f"{roles.prefix}_e_"},
    )
    mark = _MARK.format(database=_database(connection))
    return {str(name): str(comment) for name, comment in rows if str(comment).startswith(mark)}


def unit_of_comment(comment: str) -> str:
    """The enhet's name as the role's comment keeps it ('… : enhet NAMN')."""
    _, _, after = comment.partition(": enhet ")
    return after


# --- securing the catalog and the granskningar ---------------------------------------------------

def ensure_unit_role(connection: Connection, roles: Roles, unit: str) -> str:
    """The enhet's role (made when missing) as a member of the granskare role."""
    role = roles.unit(unit)
    ensure_group_role(connection, role, f"enhet {unit}")
    grant_role(connection, roles.reviewers, role)
    return role


def secure_catalog(connection: Connection) -> None:
    """The group roles, the database's CONNECT, the catalog's grants and its row-level security
    (idempotent: `server initiera` runs it every time)."""
    roles = roles_of(connection)
    ensure_group_role(connection, roles.reviewers, "alla enheters granskare")
    ensure_group_role(connection, roles.developers, "utvecklare (avidentifierade resultat för alla enheter)")
    groups = sql.SQL(", ").join([sql.Identifier(roles.reviewers), sql.Identifier(roles.developers)])
    _secure_database(connection, groups)
    schema = sql.Identifier(CATALOG_SCHEMA)
    _run(connection, sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(schema))
    _run(connection, sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM PUBLIC").format(schema))
    _run(connection, sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM PUBLIC").format(schema))
    _run(connection, sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, groups))
    tables = {name: sql.Identifier(CATALOG_SCHEMA, name) for name in ("installningar", "granskningar", "resultat")}
    for table in tables.values():
        _run(connection, sql.SQL("GRANT SELECT ON {} TO {}").format(table, groups))
    _run(connection, sql.SQL("GRANT INSERT, UPDATE ON {} TO {}").format(tables["resultat"],
                                                                        sql.Identifier(roles.reviewers)))
    for name in ("granskningar", "resultat"):
        _run(connection, sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(tables[name]))
    _policies(connection, roles, tables["granskningar"], tables["resultat"])


def _secure_database(connection: Connection, groups: sql.Composable) -> None:
    """Only the program's roles may connect (a login with no enhet gets a clear refusal rather than
    an empty-looking server). Only the database's owner can change that; another login skips it."""
    owner = connection.execute(
        text("SELECT pg_has_role(current_user, d.datdba, 'USAGE') OR r.rolsuper FROM pg_catalog.pg_database d, "
             "pg_catalog.pg_roles r WHERE d.datname = current_database() AND r.rolname = current_user"),
    ).scalar()
    if not owner:
        return
    database = sql.Identifier(_database(connection))
    _run(connection, sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(database))
    _run(connection, sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, groups))


def _policies(connection: Connection, roles: Roles, granskningar: sql.Identifier, resultat: sql.Identifier) -> None:
    reviewers, developers = sql.Identifier(roles.reviewers), sql.Identifier(roles.developers)
    own, own_row = sql.SQL(_OWN_ENHET), sql.SQL(f"{_OWN_ENHET} AND {_OWN_GRANSKNING}")
    wanted = [
        ("enhetens_granskningar", granskningar, "SELECT", reviewers, own, None),
        ("alla_granskningar", granskningar, "SELECT", developers, sql.SQL("true"), None),
        ("enhetens_resultat", resultat, "SELECT", reviewers, own, None),
        ("enhetens_resultat_ny", resultat, "INSERT", reviewers, None, own_row),
        ("enhetens_resultat_andrad", resultat, "UPDATE", reviewers, own, own_row),
        ("alla_resultat", resultat, "SELECT", developers, sql.SQL("true"), None),
    ]
    for name, table, command, role, using, check in wanted:
        # Dropped and made again, so a newer program's definition replaces an older one.
        _run(connection, sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(name), table))
        statement = sql.SQL("CREATE POLICY {} ON {} FOR {} TO {}").format(
            sql.Identifier(name), table, sql.SQL(command), role)
        if using is not None:
            statement = sql.SQL("{} USING ({})").format(statement, using)
        if check is not None:
            statement = sql.SQL("{} WITH CHECK ({})").format(statement, check)
        _run(connection, statement)


def secure_granskning(connection: Connection, granskning: Granskning) -> None:
    """The granskning's schema for its enhet's role only: nothing for PUBLIC, nothing for the
    utvecklare. Run again after every upgrade, so tables a newer schema adds are covered."""
    roles = roles_of(connection)
    role = sql.Identifier(ensure_unit_role(connection, roles, granskning.unit))
    schema = sql.Identifier(granskning.schema)
    for kind in ("SCHEMA", "ALL TABLES IN SCHEMA", "ALL SEQUENCES IN SCHEMA"):
        _run(connection, sql.SQL("REVOKE ALL ON {} {} FROM PUBLIC").format(sql.SQL(kind), schema))
    _run(connection, sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, role))
    _run(connection, sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
        schema, role))
    # The schema's revision is the upgrade's business (the owner's), not a reviewer's.
    _run(connection, sql.SQL("REVOKE INSERT, UPDATE, DELETE ON {} FROM {}").format(
        sql.Identifier(granskning.schema, "alembic_version"), role))
    _run(connection, sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, role))


def secure_server(connection: Connection, address: ServerAddress) -> None:
    """`server initiera`'s part: the catalog, then every granskning (their schemas just upgraded)."""
    secure_catalog(connection)
    for granskning in catalog.granskningar(connection):
        secure_granskning(connection, granskning)


# --- what a login may open ---------------------------------------------------------------------

def may_open(connection: Connection, granskning: Granskning) -> bool:
    return bool(connection.execute(text("SELECT has_schema_privilege(:schema, 'USAGE')"),
                                   {"schema": granskning.schema}).scalar())


def sees_every_granskning(connection: Connection) -> bool:
    """The catalog's owner (and a superuser) see every row; everybody else only what is granted."""
    return bool(connection.execute(
        text("SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(current_user, c.relowner, 'USAGE') "
             "FROM pg_catalog.pg_roles r, pg_catalog.pg_class c WHERE r.rolname = current_user "
             "AND c.oid = to_regclass(:table)"), {"table": f"{CATALOG_SCHEMA}.granskningar"},
    ).scalar())


def is_developer(connection: Connection) -> bool:
    roles = roles_of(connection)
    if not role_exists(connection, roles.developers):
        return False
    return bool(connection.execute(text("SELECT pg_has_role(current_user, :role, 'MEMBER')"),
                                   {"role": roles.developers}).scalar())


def not_visible(connection: Connection, address: ServerAddress, unit: str, year: int,
                found: Granskning | None) -> ServerProblem:
    """Why this login cannot open the enhet's granskning, and who can change that."""
    user, server = address.user, address.text
    grant = (f"Behörighet till en enhet ger den som förvaltar databasen (dess ägare, oftast IT-avdelningen) med: "
             f'aktgranskning server bevilja URL --login {user} --enhet "{unit}".')
    if found is None:
        if sees_every_granskning(connection):
            return ServerProblem(f"Servern {server} har ingen granskning för {unit} {year} som {user} får se "
                                 f"(aktgranskning server lista {server} visar dem).")
        return ServerProblem(f"Servern {server} har ingen granskning för {unit} {year} som {user} får se: antingen "
                             f"finns den inte, eller så har {user} inte behörighet till enheten {unit}. {grant} "
                             f"aktgranskning server lista {server} visar de granskningar {user} får se.")
    if is_developer(connection):
        return ServerProblem(f"{user} får inte öppna {found.display_name} på servern {server}: som utvecklare läser "
                             f"{user} bara de avidentifierade resultaten (det som lämnar enheten i enhetens "
                             "arbetsbok), inte granskningens akter, svar och kommentarer. Granskningen öppnas av "
                             f"enhetens egna granskare. {grant}")
    return ServerProblem(f"{user} har inte behörighet till {found.display_name} på servern {server}. {grant}")
