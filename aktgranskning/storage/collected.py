"""Writing an enhet read whole (its file and its reviewers' own files, merged in memory) as one
new granskningsfil: no reviewer's marks, no presence, every change kept so the history and any
open conflict stay in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aktgranskning.atomic_file import replace_durably
from aktgranskning.domain.errors import FileProblem
from aktgranskning.storage.hardening import harden_connection
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
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        source.backup(memory)
        harden_connection(memory)
        memory.execute("PRAGMA query_only=OFF")
        memory.executemany("DELETE FROM review_meta WHERE key = ?", [(key,) for key in _WRITER_KEYS])
        if memory.execute("SELECT 1 FROM sqlite_master WHERE name = 'presence'").fetchone():
            memory.execute("DELETE FROM presence")
        data = memory.serialize()
    finally:
        memory.close()
    if target.exists():
        raise FileProblem(target, "filen finns redan. Välj ett annat namn; en befintlig fil skrivs aldrig över.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_durably(target, data)
    except OSError as exc:
        raise FileProblem(target, f"filen kunde inte skrivas ({exc.strerror or exc}).") from exc
