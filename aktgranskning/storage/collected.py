"""Writing an enhet read whole (its file and its reviewers' own files, merged in memory) as one
new granskningsfil: no reviewer's marks, no presence, every change kept so the history and any
open conflict stay in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aktgranskning.atomic_file import replace_durably
from aktgranskning.domain.errors import FileProblem
from aktgranskning.storage.database_copy import database_copy
from aktgranskning.storage.store import ReviewStore

_WRITER_KEYS = ("skribent", "skribent_granskare", "skribent_dator", "skribent_mapp")


def write_collected(store: ReviewStore, target: Path) -> None:
    """The store's database (a granskningsfil's, in SQLite) written whole as a new file at `target`."""
    raw = store.engine.raw_connection()
    try:
        source = raw.driver_connection
        if not isinstance(source, sqlite3.Connection):
            raise TypeError("write_collected reads a granskningsfil's SQLite database, not a server's")
        _write_copy(source, target)
    finally:
        raw.close()


def _write_copy(source: sqlite3.Connection, target: Path) -> None:
    data = database_copy(source, remove_meta=_WRITER_KEYS)
    if target.exists():
        raise FileProblem(target, "filen finns redan. Välj ett annat namn; en befintlig fil skrivs aldrig över.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_durably(target, data)
    except OSError as exc:
        raise FileProblem(target, f"filen kunde inte skrivas ({exc.strerror or exc}).") from exc
