"""Writing an enhet read whole (its file and its reviewers' own files, merged in memory) as one
new granskningsfil: no reviewer's marks, no presence, every change kept so the history and any
open conflict stay in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aktgranskning.atomic_file import replace_durably
from aktgranskning.domain.errors import FileProblem
from aktgranskning.storage.hardening import harden_connection

_WRITER_KEYS = ("skribent", "skribent_granskare", "skribent_dator", "skribent_mapp")


def write_collected(source: sqlite3.Connection, target: Path) -> None:
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
