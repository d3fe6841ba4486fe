"""Schema versions: Alembic revisions numbered 0001, 0002, … and run in order on open.

An older file is upgraded atomically: the migrations run on a copy in the same folder, which
replaces the original (os.replace) only when complete. A kill at any moment leaves either the old
file or the new one; the backup copy of the old file is written once per upgrade.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from aktgranskning.atomic_file import sync_folder
from aktgranskning.storage.engine import open_engine, plain_file_name
from aktgranskning.storage.hardening import harden_connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def known_revisions() -> list[str]:
    """Revision ids in order, read from the file names (cheap: no Alembic import)."""
    return sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))


def head_revision() -> str:
    return known_revisions()[-1]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def revision_of(connection: sqlite3.Connection) -> str | None:
    """The schema revision on a plain DB-API connection, or None when the file has none."""
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if has_table is None:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def create_schema_at_head(engine: Engine) -> None:
    """A new, empty database's schema at the head revision: the CREATE statements the migrations
    leave (`schema_statements`, held to them by tests/storage/test_schema_statements.py) and the
    revision, in one transaction. The same schema as `upgrade_to_head` builds, in a fraction of
    the time (Alembic loads its environment and every revision and rebuilds tables in batch mode)."""
    from aktgranskning.storage.schema_statements import SCHEMA_STATEMENTS

    head = head_revision()
    statements = SCHEMA_STATEMENTS.get(head)
    if statements is None:  # a migration added but the statements not regenerated (a test fails meanwhile)
        upgrade_to_head(engine)
        return
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head})


def upgrade_to_head(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


# --- upgrading a file on disk -------------------------------------------------------------------

def backup_name(path: Path, revision: str, counter: int = 1) -> Path:
    extra = "" if counter == 1 else f"-{counter}"
    return path.with_name(f"{path.stem}.före-uppgradering-schema-{revision}{extra}{path.suffix}")


def work_copy_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.uppgradering.tmp")


def backup_temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.säkerhetskopia.tmp")


def upgrade_file(path: Path, revision: str) -> Path:
    """Upgrade the (closed, locked, rollback-journal) file at `path` to the newest schema and
    return the backup of the old file. The caller holds the file's lock."""
    remove_stray_upgrade_files(path)
    backup = ensure_backup(path, revision)
    work = work_copy_name(path)
    copy_database(path, work)
    engine = open_engine(work)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()
    _fsync_file(work)
    for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)  # an old WAL must never be applied to the new file
    os.replace(work, path)
    sync_folder(path.parent)
    return backup


def remove_stray_upgrade_files(path: Path) -> None:
    """What an upgrade killed half-way left behind: its work copy and an unfinished backup."""
    for stray in (work_copy_name(path), backup_temp_name(path)):
        for leftover in (stray, *(stray.with_name(stray.name + s) for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def ensure_backup(path: Path, revision: str) -> Path:
    """The backup of the file as it is now: an existing backup with exactly the same bytes is
    reused (a retry after a killed upgrade), otherwise a new one is written under a temporary
    name and renamed, so a backup under its final name is always complete."""
    counter = 1
    while backup_name(path, revision, counter).exists():
        existing = backup_name(path, revision, counter)
        if filecmp.cmp(existing, path, shallow=False):
            return existing
        counter += 1
    backup = backup_name(path, revision, counter)
    temporary = backup_temp_name(path)
    shutil.copyfile(path, temporary)
    _fsync_file(temporary)
    os.replace(temporary, backup)
    sync_folder(path.parent)
    return backup


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API, in the program's journal mode."""
    target.unlink(missing_ok=True)
    reader = sqlite3.connect(plain_file_name(source), isolation_level=None)
    writer = sqlite3.connect(plain_file_name(target), isolation_level=None)
    try:
        harden_connection(reader)
        harden_connection(writer)
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode=DELETE")
    finally:
        writer.close()
        reader.close()


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def upgrade_connection_to_head(connection: Connection) -> None:
    """Run the migrations on a connection inside its transaction (the server: one granskning's
    schema, chosen by the connection's search_path)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
