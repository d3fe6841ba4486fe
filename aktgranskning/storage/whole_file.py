"""The writer's copy of a granskningsfil, published whole after every change.

The file is read once into an in-memory database when it is opened for writing. Every committed
change is published by writing the whole database beside the file, flushing it and renaming it
over the file (`atomic_file.replace_durably`). So the `.granskning` on disk is a complete
database at every moment — while the program runs, after it is killed, after power loss, in the
middle of a change — never pages of a change half written in place, and there is never a side
file that holds answers. A sync client or a network share only ever carries a whole file.

For a file of a few hundred kB this costs about what one durable SQLite commit does (both are a
write and two flushes); `benchmarks/review_keyboard.py` measures it against a bare commit.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from aktgranskning.atomic_file import is_leftover_of, replace_durably
from aktgranskning.storage.engine import connect_file
from aktgranskning.storage.hardening import harden_connection


class WholeFile:
    """An in-memory database whose committed state is written to `path` whole."""

    def __init__(self, path: Path) -> None:
        self.path = Path(os.path.realpath(path))  # a symbolic link is followed, not replaced
        self.connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        try:
            harden_connection(self.connection)
            self.connection.execute("PRAGMA foreign_keys=ON")
            if self.path.exists():
                self._load()
                self._remove_leftovers()
        except BaseException:
            self.connection.close()
            raise
        # None for a file that does not exist yet: an empty database cannot be serialized
        self._published: bytes | None = self.connection.serialize() if self.path.exists() else None
        self._changes = self.connection.total_changes
        self.on_published: Callable[[bytes], None] | None = None  # e.g. a copy into the enhet's folder

    def _load(self) -> None:
        """The file's content, through SQLite, so an interrupted change of an older version (a
        hot journal, a WAL) is recovered by SQLite's own rules before it is copied."""
        source = connect_file(self.path)
        try:
            source.backup(self.connection)
        finally:
            source.close()

    def _remove_leftovers(self) -> None:
        """Temporary files of a publication that was killed before its rename. The caller holds
        the file's lock, so no other writer can be writing one now."""
        for candidate in self.path.parent.iterdir():
            if is_leftover_of(self.path.name, candidate.name):
                candidate.unlink(missing_ok=True)

    def publish_if_changed(self) -> None:
        if self.connection.total_changes != self._changes:
            self.publish()

    def publish(self) -> None:
        """Write the committed state to the file. If that fails (disk full, the share gone), the
        in-memory database goes back to what the file holds and the error is raised, so nothing
        is shown as saved that is not in the file."""
        data = self.connection.serialize()
        try:
            replace_durably(self.path, data)
        except OSError:
            if self._published is not None:
                self.connection.deserialize(self._published)
                self.connection.execute("PRAGMA foreign_keys=ON")
                self._changes = self.connection.total_changes
            raise
        self._published = data
        self._changes = self.connection.total_changes
        if self.on_published is not None:
            self.on_published(data)

    def published_bytes(self) -> bytes | None:
        return self._published

    def close(self) -> None:
        self.connection.close()
