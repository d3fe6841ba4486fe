"""The förvaltning's server: one PostgreSQL database for every enhet and year.

Each granskning (one enhet, one year: what a granskningsfil holds) is a PostgreSQL schema of its
own, `g_<24 hex>`, with exactly the tables of a granskningsfil, built by the same Alembic
revisions (storage/migrations) with the connection's search_path on that schema. So the store's
statements (storage/store.py, registers.py) run there unchanged, a granskning's access can be
granted as a whole, and a schema's tables copy one to one to and from a file.

The catalog schema `aktgranskning` lists the granskningar (`granskningar`), holds each one's
de-identified result for summaries (`resultat`) and the server's settings (`installningar`). It is
server-only and versioned by `katalogversion`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    text,
    update,
)

from aktgranskning.storage.migrate import upgrade_connection_to_head

CATALOG_SCHEMA = "aktgranskning"
CATALOG_VERSION = "1"
ROLE_PREFIX_KEY = "rollprefix"
_CATALOG_LOCK = 0x616B7467  # pg_advisory_xact_lock key: one writer of the catalog at a time ("aktg")

CATALOG = MetaData(schema=CATALOG_SCHEMA)

SETTINGS = Table(
    "installningar", CATALOG,
    Column("nyckel", String, primary_key=True),
    Column("varde", Text, nullable=False),
)

GRANSKNINGAR = Table(
    "granskningar", CATALOG,
    Column("id", Integer, primary_key=True),
    Column("file_uuid", String, nullable=False, unique=True),
    Column("schema_namn", String, nullable=False, unique=True),
    Column("forvaltning", Text, nullable=False, default=""),
    Column("omrade", Text, nullable=False, default=""),
    Column("enhet", Text, nullable=False),
    Column("enhet_nyckel", Text, nullable=False),  # the enhet's name compared without case and spacing
    Column("ar", Integer, nullable=False),
    Column("enhet_roll", String, nullable=False),  # the enhet's PostgreSQL group role (server_roles)
    Column("uppladdad", String, nullable=False, default=""),
    Column("uppladdad_av", String, nullable=False, default=""),
    UniqueConstraint("enhet_nyckel", "ar", name="uq_granskningar_enhet_ar"),
)

# The result that may leave the enhet (as in the enhet workbook: no case numbers, no comments),
# written in the same transaction as every change, for the utvecklare's summaries.
RESULTAT = Table(
    "resultat", CATALOG,
    Column("granskning_id", Integer, ForeignKey(f"{CATALOG_SCHEMA}.granskningar.id"), primary_key=True),
    Column("enhet_roll", String, nullable=False),
    Column("data", Text, nullable=False),
    Column("uppdaterad", String, nullable=False),
)


@dataclass(frozen=True)
class Granskning:
    id: int
    file_uuid: str
    schema: str
    administration: str
    area: str
    unit: str
    year: int
    unit_role: str
    uploaded: str
    uploaded_by: str

    @property
    def display_name(self) -> str:
        return f"{self.unit} {self.year}"


def unit_key(name: str) -> str:
    """An enhet's name as compared: case and spacing do not make another enhet."""
    return " ".join(name.split()).casefold()


def schema_of(file_uuid: str) -> str:
    """The granskning's schema name: from its file id, so every server agrees and no user text
    ever becomes an identifier."""
    return "g_" + hashlib.sha256(file_uuid.encode("utf-8")).hexdigest()[:24]


def default_role_prefix(database: str) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "_", database.casefold()).strip("_")[:20] or "db"
    return f"ag_{cleaned}"


def unit_role(prefix: str, unit: str) -> str:
    return f"{prefix}_e_{hashlib.sha256(unit_key(unit).encode('utf-8')).hexdigest()[:12]}"


def lock_catalog(connection: Connection) -> None:
    """Until the transaction ends, no other program changes the catalog (uploads, grants)."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CATALOG_LOCK})


def catalog_exists(connection: Connection) -> bool:
    found = connection.execute(
        text("SELECT 1 FROM information_schema.tables WHERE table_schema = :schema AND table_name = 'granskningar'"),
        {"schema": CATALOG_SCHEMA},
    ).first()
    return found is not None


def ensure_catalog(connection: Connection, database: str) -> bool:
    """Create the catalog when it is not there (idempotent). Returns whether it was created."""
    lock_catalog(connection)
    created = not catalog_exists(connection)
    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{CATALOG_SCHEMA}"'))
    CATALOG.create_all(connection, checkfirst=True)
    values = {row.nyckel: row.varde for row in connection.execute(select(SETTINGS))}
    wanted = {"katalogversion": CATALOG_VERSION, ROLE_PREFIX_KEY: default_role_prefix(database)}
    for key, value in wanted.items():
        if key not in values:
            connection.execute(insert(SETTINGS).values(nyckel=key, varde=value))
    if values.get("katalogversion", CATALOG_VERSION) != CATALOG_VERSION:
        connection.execute(update(SETTINGS).where(SETTINGS.c.nyckel == "katalogversion").values(varde=CATALOG_VERSION))
    return created


def setting(connection: Connection, key: str) -> str:
    value = connection.execute(select(SETTINGS.c.varde).where(SETTINGS.c.nyckel == key)).scalar()
    return str(value) if value is not None else ""


def role_prefix(connection: Connection) -> str:
    return setting(connection, ROLE_PREFIX_KEY)


def create_granskning_schema(connection: Connection, schema: str) -> None:
    """A new schema with a granskningsfil's tables at the newest revision."""
    connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    upgrade_schema(connection, schema)


def upgrade_schema(connection: Connection, schema: str) -> None:
    """Bring one granskning's schema to the newest revision (nothing when it is there)."""
    connection.execute(text(f'SET LOCAL search_path TO "{schema}"'))
    try:
        upgrade_connection_to_head(connection)
    finally:
        connection.execute(text("SET LOCAL search_path TO DEFAULT"))


def schema_revision(connection: Connection, schema: str) -> str | None:
    """The Alembic revision one granskning's schema is at (None: no version table)."""
    found = connection.execute(
        text("SELECT 1 FROM information_schema.tables WHERE table_schema = :schema AND table_name = 'alembic_version'"),
        {"schema": schema},
    ).first()
    if found is None:
        return None
    return connection.execute(text(f'SELECT version_num FROM "{schema}".alembic_version')).scalar()


def granskningar(connection: Connection) -> list[Granskning]:
    """Every granskning this login may see, by område, enhet and year."""
    rows = connection.execute(select(GRANSKNINGAR).order_by(GRANSKNINGAR.c.omrade, GRANSKNINGAR.c.enhet_nyckel,
                                                            GRANSKNINGAR.c.ar))
    return [_granskning(row) for row in rows]


def find_granskning(connection: Connection, unit: str, year: int) -> Granskning | None:
    row = connection.execute(select(GRANSKNINGAR).where(GRANSKNINGAR.c.enhet_nyckel == unit_key(unit),
                                                        GRANSKNINGAR.c.ar == year)).first()
    return _granskning(row) if row is not None else None


def find_by_file(connection: Connection, file_uuid: str) -> Granskning | None:
    row = connection.execute(select(GRANSKNINGAR).where(GRANSKNINGAR.c.file_uuid == file_uuid)).first()
    return _granskning(row) if row is not None else None


def add_granskning(connection: Connection, *, file_uuid: str, administration: str, area: str, unit: str,
                   year: int, role: str, at: str, by: str) -> Granskning:
    schema = schema_of(file_uuid)
    new_id = connection.execute(
        insert(GRANSKNINGAR).values(file_uuid=file_uuid, schema_namn=schema, forvaltning=administration, omrade=area,
                                    enhet=unit, enhet_nyckel=unit_key(unit), ar=year, enhet_roll=role,
                                    uppladdad=at, uppladdad_av=by).returning(GRANSKNINGAR.c.id)
    ).scalar_one()
    return Granskning(int(new_id), file_uuid, schema, administration, area, unit, year, role, at, by)


def _granskning(row: object) -> Granskning:
    r = row
    return Granskning(
        id=int(r.id), file_uuid=r.file_uuid, schema=r.schema_namn, administration=r.forvaltning,  # type: ignore[attr-defined]
        area=r.omrade, unit=r.enhet, year=int(r.ar), unit_role=r.enhet_roll,  # type: ignore[attr-defined]
        uploaded=r.uppladdad, uploaded_by=r.uppladdad_av,  # type: ignore[attr-defined]
    )
