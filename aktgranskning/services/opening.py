"""Creating and opening granskningsfiler, with a clear Swedish answer for every file that is wrong."""

from __future__ import annotations

import os
import sqlite3
import stat
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from aktgranskning import __version__
from aktgranskning.domain.case import Case
from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.errors import FileProblem
from aktgranskning.domain.review_file import FileMeta, now_iso
from aktgranskning.services.file_lock import FileLock
from aktgranskning.services.session import ReviewSession
from aktgranskning.storage.engine import SQLITE_MAGIC
from aktgranskning.storage.migrate import (
    current_revision,
    head_revision,
    known_revisions,
    upgrade_to_head,
)
from aktgranskning.storage.store import ReviewStore
from aktgranskning.storage.untrusted import check_database, harden_connection


@dataclass(frozen=True)
class NewFileInfo:
    administration: str
    area: str
    unit: str
    year: int


def create_review_file(
    path: Path, info: NewFileInfo, checklists: Sequence[Checklist], cases: Sequence[Case]
) -> Path:
    """Write a new granskningsfil. It is built under a temporary name and renamed into place,
    so a failure never leaves half a file; an existing file is never overwritten."""
    if path.exists():
        raise FileProblem(path, "filen finns redan. Välj ett annat namn eller ta bort den gamla filen först.")
    used_types = {case.case_type for case in cases}
    missing = used_types - {c.id for c in checklists}
    if missing:
        raise FileProblem(path, f"ingen checklista finns för ärendetypen {', '.join(sorted(missing))}.")
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new_file(temporary, info, checklists, cases)
        temporary.rename(path)
    except OSError as exc:
        raise FileProblem(path, f"filen kunde inte skapas ({exc.strerror}).") from exc
    finally:
        for leftover in (temporary, *_sidecars(temporary)):
            leftover.unlink(missing_ok=True)
    return path


def _write_new_file(
    path: Path, info: NewFileInfo, checklists: Sequence[Checklist], cases: Sequence[Case]
) -> None:
    store = ReviewStore.open(path)
    try:
        upgrade_to_head(store.engine)
        at = now_iso()
        meta = FileMeta(
            file_uuid=str(uuid.uuid4()),
            administration=info.administration,
            area=info.area,
            unit=info.unit,
            year=info.year,
            app_version=__version__,
            created_at=at,
        )
        with store.transaction() as tx:
            tx.write_meta(meta)
            for checklist in checklists:
                tx.add_checklist(checklist)
            for case in cases:
                tx.add_case(case, at)
        with store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def open_for_reading(path: Path) -> ReviewSession:
    """Open a granskningsfil only to read it (last year's file, a file to summarise): no lock,
    no upgrade, and older schema versions are accepted as they are."""
    return open_review_file(path, reviewer="", read_only=True, accept_older=True)


def open_review_file(
    path: Path, reviewer: str, read_only: bool = False, upgrade: bool = True, accept_older: bool = False
) -> ReviewSession:
    """Open a granskningsfil for review. Older schemas are upgraded after a backup copy is
    written next to the file; files from a newer version or that are not granskningsfiler
    are refused with a message that says what is wrong."""
    _ensure_looks_like_review_file(path)
    _check_untrusted(path)
    protection = write_protection(path)
    if protection and not read_only:
        read_only = True
    lock = FileLock(path)
    if not read_only:
        lock.acquire(reviewer)
    store = ReviewStore.open(path, read_only=read_only, immutable=bool(protection) and not os.access(path.parent, os.W_OK))
    try:
        revision = _checked_revision(path, store)
        if revision != head_revision() and not (read_only and accept_older):
            if read_only or not upgrade:
                raise FileProblem(
                    path,
                    f"filen har schemaversion {revision} och behöver uppgraderas till {head_revision()} "
                    "innan den kan användas.",
                )
            backup_before_upgrade(path, revision)
            upgrade_to_head(store.engine)
        session = ReviewSession(store, reviewer, on_close=lock.release)
        session.read_only_reason = protection
        return session
    except FileProblem:
        store.close()
        lock.release()
        raise
    except Exception as exc:  # any database failure becomes a message, never a traceback
        store.close()
        lock.release()
        raise FileProblem(path, f"filen kunde inte öppnas som granskningsfil ({exc}).") from exc


def _check_untrusted(path: Path) -> None:
    # TEMP wiring (the lead drops or resolves this at merge): a read-only connection of its own.
    try:
        connection = sqlite3.connect(f"file:{quote(path.resolve().as_posix())}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise FileProblem(path, f"filen kunde inte öppnas som granskningsfil ({exc}).") from exc
    try:
        harden_connection(connection)
        check_database(connection, path)
    finally:
        connection.close()


def write_protection(path: Path) -> str:
    """Why the file cannot be written, in Swedish, or '' when it can. The write bits are checked
    as well as access(), so a file marked read-only stays read-only even for an administrator."""
    if not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        return "Filen är skrivskyddad. Den öppnas bara för läsning; ta bort skrivskyddet för att kunna ändra."
    if not os.access(path.parent, os.W_OK):
        return ("Mappen som filen ligger i går inte att skriva i (t.ex. en cd-skiva eller en skrivskyddad "
                "nätverksmapp). Filen öppnas bara för läsning.")
    return ""


def _ensure_looks_like_review_file(path: Path) -> None:
    if not path.exists():
        raise FileProblem(path, "filen finns inte.")
    if path.is_dir():
        raise FileProblem(path, "det här är en mapp, inte en granskningsfil.")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise FileProblem(path, f"filen kunde inte läsas ({exc.strerror}).") from exc
    if not header:
        raise FileProblem(path, "filen är tom (0 byte) och är ingen granskningsfil.")
    if header != SQLITE_MAGIC:
        raise FileProblem(path, "filen är ingen granskningsfil (den är inte en SQLite-databas).")


def _checked_revision(path: Path, store: ReviewStore) -> str:
    try:
        revision = current_revision(store.engine)
    except Exception as exc:
        raise FileProblem(path, f"filen är skadad och kan inte läsas ({_sqlite_reason(exc)}).") from exc
    if revision is None:
        raise FileProblem(path, "filen är en SQLite-databas men ingen granskningsfil (schemaversion saknas).")
    if revision not in known_revisions():
        raise FileProblem(
            path,
            f"filen är skapad med en nyare version av Aktgranskning (schemaversion {revision}). "
            "Uppdatera programmet för att öppna den.",
        )
    return revision


def _sqlite_reason(exc: Exception) -> str:
    original = getattr(exc, "orig", exc)
    if isinstance(original, sqlite3.DatabaseError):
        return str(original)
    return type(exc).__name__


def backup_before_upgrade(path: Path, revision: str) -> Path:
    backup = path.with_name(f"{path.stem}.före-uppgradering-schema-{revision}{path.suffix}")
    counter = 1
    while backup.exists():
        counter += 1
        backup = path.with_name(f"{path.stem}.före-uppgradering-schema-{revision}-{counter}{path.suffix}")
    with sqlite3.connect(path) as source, sqlite3.connect(backup) as target:
        source.backup(target)
    return backup
