"""A reviewer's working copy, written from the enhet's file as it was checked."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path

from aktgranskning.atomic_file import replace_durably
from aktgranskning.storage.hardening import harden_connection


def write_working_copy(target: Path, source: sqlite3.Connection, meta: Mapping[str, str]) -> None:
    """The whole database of `source` at `target`, durably, with `meta` set in `review_meta` and
    nobody present: presence belongs to the file it was read from, not to the copy. `source` is
    left as it was (the copy is made in memory first)."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        source.backup(memory)
        harden_connection(memory)
        for key, value in meta.items():
            memory.execute("INSERT OR REPLACE INTO review_meta (key, value) VALUES (?, ?)", (key, value))
        if memory.execute("SELECT 1 FROM sqlite_master WHERE name = 'presence'").fetchone():
            memory.execute("DELETE FROM presence")
        data = memory.serialize()
    finally:
        memory.close()
    replace_durably(target, data)
