"""Server mode: the same granskningar on the förvaltning's PostgreSQL server instead of in files.

`initialise_server` creates or upgrades what the program needs in one database; `upload_file`
copies an enhet's granskningsfil (with the rest of the enhet's folder merged, as any reader sees
it) into a schema of its own; `download_granskning` writes one back out as a granskningsfil for
offline work; `open_on_server` opens one for reading like `open_for_reading` opens a file, so
status, rapport and kontrollera give the same answers from either store.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.review_file import now_iso
from aktgranskning.domain.unit_data import UnitData
from aktgranskning.services.server_results import write_every_result, write_result
from aktgranskning.services.session import ReviewSession
from aktgranskning.storage import server_catalog as catalog
from aktgranskning.storage import server_roles as roles
from aktgranskning.storage.change_recorder import ChangeRecorder, read_changes
from aktgranskning.storage.migrate import head_revision, known_revisions, upgrade_to_head
from aktgranskning.storage.server_address import (
    ServerAddress,
    ServerProblem,
    connection_problem,
    parse_server_url,
    server_engine,
)
from aktgranskning.storage.server_catalog import Granskning
from aktgranskning.storage.server_copy import copy_rows
from aktgranskning.storage.server_store import lock_granskning
from aktgranskning.storage.store import ReviewStore, ReviewTransaction

# Hooks the roles and the results for summaries attach to (services/server_roles.py,
# services/server_results.py): called inside the transaction that made or changed a granskning.
GranskningHook = Callable[[Connection, Granskning], None]
ON_NEW_GRANSKNING: list[GranskningHook] = []
ON_CHANGED_GRANSKNING: list[GranskningHook] = []
ON_INITIALISED: list[Callable[[Connection, ServerAddress], None]] = []
# Nobody sees what is not theirs: the enhet's role, its grants and the catalog's row-level security.
ON_NEW_GRANSKNING.append(roles.secure_granskning)
ON_INITIALISED.append(roles.secure_server)
ON_CHANGED_GRANSKNING.append(write_result)  # the de-identified result for summaries, in the same commit
ON_INITIALISED.append(write_every_result)


@dataclass(frozen=True)
class Upload:
    granskning: Granskning
    outcome: str  # "ny", "oförändrad" or "kompletterad"
    new_changes: int

    def text(self, source: Path) -> str:
        name = self.granskning.display_name
        if self.outcome == "ny":
            return f"{source.name} är uppladdad till servern som {name}."
        if self.outcome == "oförändrad":
            return f"{name} finns redan på servern med samma innehåll; inget ändrades."
        return f"{name} på servern har fått {self.new_changes} ändringar ur {source.name}."


@dataclass(frozen=True)
class Initialised:
    created: bool
    upgraded: int  # granskningar brought to the newest schema


def address_of(url: str) -> ServerAddress:
    return parse_server_url(url)


def engine_for(address: ServerAddress, schema: str | None = None, password: str | None = None) -> Engine:
    """An engine with the login's password from the keyring (else libpq's PGPASSWORD / ~/.pgpass)."""
    if password is None:
        from aktgranskning.services.server_login import stored_password

        password = stored_password(address)
    return server_engine(address, password, schema)


@contextmanager
def on_server(address: ServerAddress, schema: str | None = None) -> Iterator[Connection]:
    """One transaction on the server; failures become a Swedish message naming the server."""
    engine = engine_for(address, schema)
    try:
        with engine.begin() as connection:
            yield connection
    except SQLAlchemyError as error:
        raise connection_problem(address, error) from error
    finally:
        engine.dispose()


def _require_catalog(connection: Connection, address: ServerAddress) -> None:
    if not catalog.catalog_exists(connection):
        raise ServerProblem(f"Servern {address.text} är inte förberedd för Aktgranskning. Den som förvaltar "
                            f"databasen kör först: aktgranskning server initiera {address.text}")


def initialise_server(address: ServerAddress) -> Initialised:
    """Create or upgrade the catalog and every granskning's schema (idempotent)."""
    with on_server(address) as connection:
        created = catalog.ensure_catalog(connection, address.database)
        upgraded = 0
        for granskning in catalog.granskningar(connection):
            catalog.upgrade_schema(connection, granskning.schema)
            upgraded += 1
        for hook in ON_INITIALISED:
            hook(connection, address)
    return Initialised(created, upgraded)


def list_granskningar(address: ServerAddress) -> list[Granskning]:
    with on_server(address) as connection:
        _require_catalog(connection, address)
        return catalog.granskningar(connection)


def find_on_server(connection: Connection, address: ServerAddress, unit: str, year: int) -> Granskning:
    _require_catalog(connection, address)
    found = catalog.find_granskning(connection, unit, year)
    if found is None or not roles.may_open(connection, found):
        raise roles.not_visible(connection, address, unit, year, found)
    _require_current(connection, address, found)
    return found


def _require_current(connection: Connection, address: ServerAddress, granskning: Granskning) -> None:
    """The granskning's tables are those of this program's version: an older schema is upgraded by
    `server initiera` (never silently by whoever opens it), a newer one needs a newer program."""
    revision = catalog.schema_revision(connection, granskning.schema)
    if revision == head_revision():
        return
    if revision in known_revisions():
        raise ServerProblem(
            f"{granskning.display_name} på servern {address.text} har en äldre schemaversion ({revision}) än den här "
            f"versionen av programmet. Den som förvaltar databasen uppgraderar med: aktgranskning server initiera "
            f"{address.text}")
    raise ServerProblem(
        f"{granskning.display_name} på servern {address.text} har schemaversion {revision or 'okänd'}, som den här "
        "versionen av Aktgranskning inte känner till: servern har uppgraderats av en nyare version. Installera den "
        "nya versionen av programmet.")


# --- upload ----------------------------------------------------------------------------------

def upload_file(address: ServerAddress, path: Path, who: str = "") -> Upload:
    """Copy the enhet's granskningsfil (and what the rest of its folder adds) to the server.
    The same file again changes nothing; a later copy of the same enhet (same file id, e.g. one
    worked on offline) brings its new changes; another file for the same enhet and year is refused."""
    from aktgranskning.services.opening import open_for_reading

    reading = open_for_reading(path)
    try:
        meta = reading.meta
        if meta.schema_version != head_revision():
            raise FileProblem(path, f"filen har schemaversion {meta.schema_version}; öppna den en gång i programmet "
                                    "så uppgraderas den, och ladda sedan upp den.")
        with on_server(address) as connection:
            _require_catalog(connection, address)
            catalog.lock_catalog(connection)
            return _upload_locked(connection, address, reading, path, who)
    finally:
        reading.close()


def _upload_locked(connection: Connection, address: ServerAddress, reading: ReviewSession, path: Path,
                   who: str) -> Upload:
    meta = reading.meta
    same_file = catalog.find_by_file(connection, meta.file_uuid)
    if same_file is not None:
        return _bring_changes(connection, same_file, reading)
    other = catalog.find_granskning(connection, meta.unit, meta.year)
    if other is not None:
        raise FileProblem(path, f"servern har redan en annan granskning för {other.display_name} (uppladdad "
                                f"{other.uploaded[:10]} av {other.uploaded_by or 'okänd'}). Två olika filer för "
                                "samma enhet och år slås inte ihop; arbeta vidare i den som finns på servern "
                                "(aktgranskning server ladda-ned).")
    role = catalog.unit_role(catalog.role_prefix(connection), meta.unit)
    granskning = catalog.add_granskning(
        connection, file_uuid=meta.file_uuid, administration=meta.administration, area=meta.area, unit=meta.unit,
        year=meta.year, role=role, at=now_iso(), by=who or address.user)
    catalog.create_granskning_schema(connection, granskning.schema)
    _use_schema(connection, granskning.schema)
    with reading.store.engine.connect() as source:
        copy_rows(source, connection)
    for hook in (*ON_NEW_GRANSKNING, *ON_CHANGED_GRANSKNING):
        hook(connection, granskning)
    _use_schema(connection, None)
    return Upload(granskning, "ny", 0)


def _bring_changes(connection: Connection, granskning: Granskning, reading: ReviewSession) -> Upload:
    with reading.store.engine.connect() as source:
        changes = read_changes(source)
    lock_granskning(connection, granskning.schema)  # the reviewers writing there wait for this merge
    _use_schema(connection, granskning.schema)
    recorder = ChangeRecorder("", "", ReviewTransaction(connection).checklists())
    recorder.load(connection)
    new = [change for change in changes if change.id not in recorder.log]
    if new:
        recorder.absorb(connection, new)
        for hook in ON_CHANGED_GRANSKNING:
            hook(connection, granskning)
    _use_schema(connection, None)
    return Upload(granskning, "kompletterad" if new else "oförändrad", len(new))


def _use_schema(connection: Connection, schema: str | None) -> None:
    if schema is None:
        connection.execute(text("SET LOCAL search_path TO DEFAULT"))
    else:
        connection.execute(text(f'SET LOCAL search_path TO "{schema}"'))


# --- download --------------------------------------------------------------------------------

def download_granskning(address: ServerAddress, unit: str, year: int, target: Path) -> Path:
    """Write the granskning as a new granskningsfil at `target` (never over an existing file). It
    keeps the granskning's file id, so it is a file of the same enhet: uploaded again later, its
    new changes are brought in."""
    from aktgranskning.atomic_file import sync_folder

    if target.exists():
        raise FileProblem(target, "filen finns redan. Välj ett annat namn eller ta bort den gamla filen först.")
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        store = ReviewStore.open(temporary)
        try:
            upgrade_to_head(store.engine)
            with on_server(address) as connection:
                connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
                granskning = find_on_server(connection, address, unit, year)
                _use_schema(connection, granskning.schema)
                with store.engine.begin() as file_connection:
                    copy_rows(connection, file_connection)
            store.publish()
        finally:
            store.close()
        temporary.rename(target)
        sync_folder(target.parent)
    except OSError as error:
        raise FileProblem(target, f"filen kunde inte skrivas ({error.strerror or error}).") from error
    finally:
        for leftover in (temporary, *(temporary.with_name(temporary.name + s) for s in ("-journal", "-wal"))):
            leftover.unlink(missing_ok=True)
    return target


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ServerOrigin:
    """Where a session's granskning lives when it is on the server (set on its store)."""

    address: ServerAddress
    granskning: Granskning


# The server granskning each open store on the server reads, for as long as the store lives.
_ORIGINS: weakref.WeakKeyDictionary[ReviewStore, ServerOrigin] = weakref.WeakKeyDictionary()


def origin_of(session: ReviewSession) -> ServerOrigin | None:
    return _ORIGINS.get(session.store)


def previous_year_on_server(origin: ServerOrigin) -> tuple[Path | None, UnitData | None, str]:
    """The same enhet's granskning of the year before on the same server, as `previous_year_for`
    finds last year's file beside a file: (label, data, problem)."""
    from aktgranskning.services.unit_data import unit_data_of

    granskning = origin.granskning
    with on_server(origin.address) as connection:
        earlier = catalog.find_granskning(connection, granskning.unit, granskning.year - 1)
    if earlier is None:
        return None, None, ""
    try:
        session = open_on_server(origin.address, earlier.unit, earlier.year)
    except UserError as error:  # there, but not this login's to read, or unreadable
        return server_label(origin.address, earlier), None, error.message
    try:
        return session.path, unit_data_of(session), ""
    finally:
        session.close()


def server_label(address: ServerAddress, granskning: Granskning) -> Path:
    """What messages and the window call a granskning on the server (a name, not a file)."""
    name = granskning.display_name.replace("/", "-")
    return Path(f"{name} på {address.host}, databasen {address.database}")


def open_on_server(address: ServerAddress, unit: str, year: int) -> ReviewSession:
    """The granskning for reading, as `open_for_reading` gives a file: status, rapport, kontrollera."""
    with on_server(address) as connection:
        granskning = find_on_server(connection, address, unit, year)
    engine = engine_for(address, granskning.schema)
    store = ReviewStore(server_label(address, granskning), engine, read_only=True)
    session = session_over(store, ServerOrigin(address, granskning), "")
    session.notes = []
    return session


def session_over(store: ReviewStore, origin: ServerOrigin, reviewer: str) -> ReviewSession:
    """A session over a store on the server; the store is closed when it cannot be read."""
    _ORIGINS[store] = origin
    try:
        return ReviewSession(store, reviewer)
    except SQLAlchemyError as error:
        store.close()
        raise connection_problem(origin.address, error) from error
    except UserError:
        store.close()
        raise
