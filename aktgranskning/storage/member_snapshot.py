"""A snapshot of a file that may belong to an enhet: its file id is looked at first, and only a
file of the wanted enhet is checked whole (storage.untrusted) and read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aktgranskning.domain.errors import FileProblem
from aktgranskning.storage.snapshot import Snapshot, take_snapshot
from aktgranskning.storage.untrusted import check_database


class NotThisEnhet(Exception):
    def __init__(self, file_uuid: str) -> None:
        super().__init__(file_uuid)
        self.file_uuid = file_uuid


def take_member_snapshot(path: Path, file_uuid: str) -> Snapshot:
    """The file's content when it carries `file_uuid`; NotThisEnhet when it carries another,
    FileProblem (Swedish) when it cannot be read or is not what Aktgranskning writes."""
    def check(connection: sqlite3.Connection) -> None:
        found = file_uuid_of(connection)
        if found != file_uuid:
            raise NotThisEnhet(found)
        check_database(connection, path)

    try:
        return take_snapshot(path, check=check)
    except sqlite3.Error as exc:
        raise FileProblem(path, f"filen kunde inte läsas ({exc}).") from exc


def file_uuid_of(connection: sqlite3.Connection) -> str:
    """The file id, read before the file is checked: only when `review_meta` is a plain table,
    and by its primary key, so nothing of the untrusted file's own code can run."""
    kinds = connection.execute("SELECT type FROM sqlite_master WHERE name = 'review_meta'").fetchall()
    if kinds != [("table",)]:
        return "-"
    row = connection.execute("SELECT value FROM review_meta WHERE key = 'file_uuid'").fetchone()
    return str(row[0]) if row and isinstance(row[0], str) and len(row[0]) <= 100 else "-"
