"""A granskningsfil's whole database as the bytes of a new file: the reviewer's working copy
(written from the enhet's file as it was checked) and the collected enhet (`storage/collected.py`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from aktgranskning.atomic_file import replace_durably
from aktgranskning.storage.hardening import harden_connection


def database_copy(source: sqlite3.Connection, set_meta: Mapping[str, str] | None = None,
                  remove_meta: Iterable[str] = ()) -> bytes:
    """The whole database of `source`, with `set_meta` set and `remove_meta` removed in
    `review_meta`, and nobody present: presence belongs to the file it was read from, not to a
    copy. `source` is left as it was (the copy is made in memory)."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        source.backup(memory)
        harden_connection(memory)
        memory.execute("PRAGMA query_only=OFF")
        memory.executemany("DELETE FROM review_meta WHERE key = ?", [(key,) for key in remove_meta])
        for key, value in (set_meta or {}).items():
            memory.execute("INSERT OR REPLACE INTO review_meta (key, value) VALUES (?, ?)", (key, value))
        if memory.execute("SELECT 1 FROM sqlite_master WHERE name = 'presence'").fetchone():
            memory.execute("DELETE FROM presence")
        return memory.serialize()
    finally:
        memory.close()


def write_working_copy(target: Path, source: sqlite3.Connection, meta: Mapping[str, str]) -> None:
    """The reviewer's working copy at `target`, durably: the enhet's database marked with `meta`."""
    replace_durably(target, database_copy(source, set_meta=meta))
