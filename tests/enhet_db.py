"""The enhet as every reader sees it — its file and every reviewer's file beside it, merged — as
a plain sqlite3 connection, for tests that look at the stored rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aktgranskning.services.opening import open_for_reading


@contextmanager
def enhet_db(path: Path) -> Iterator[sqlite3.Connection]:
    session = open_for_reading(path)
    try:
        raw = session.store.engine.raw_connection()
        try:
            yield raw.driver_connection  # type: ignore[misc]
        finally:
            raw.close()
    finally:
        session.close()
