"""A review session's tie to its enhet's folder: the reviewer's own file there, the other
reviewers' files read from there, who is working where, and how current that is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from aktgranskning.domain.changes import Presence, Register, fresh_presences
from aktgranskning.services.enhet_folder import FolderContents, FolderReader, Unreadable, unreadable_notices
from aktgranskning.services.own_file import FolderPublisher, WorkingCopy
from aktgranskning.storage.change_recorder import change_time
from aktgranskning.storage.store import ReviewStore

PRESENCE_SECONDS = 90.0  # a presence without a sign of life for this long has expired
HEARTBEAT_SECONDS = 30.0


@dataclass
class EnhetLink:
    enhet_path: Path
    file_uuid: str
    copy: WorkingCopy
    publisher: FolderPublisher
    reader: FolderReader
    computer: str
    others_read_at: datetime | None = None
    presences: list[Presence] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    members: int = 0
    open_case: int | None = None

    @property
    def writer(self) -> str:
        return self.copy.writer

    @property
    def shared_path(self) -> Path:
        return self.publisher.target

    def read_folder(self) -> FolderContents:
        """Read the folder (any thread; touches no database)."""
        return self.reader.read(skip=[self.copy.path, self.shared_path])  # own files: nothing new in them

    def read(self) -> FolderContents:
        return self.read_folder()

    def take_in(self, store: ReviewStore, contents: object) -> set[Register]:
        """Merge what `read` found into the own file."""
        if not isinstance(contents, FolderContents):
            raise TypeError(f"not what the folder gave: {contents!r}")
        self.note_contents(contents, change_time())
        if not contents.reachable:
            return set()
        changes = contents.changes_of(self.file_uuid)
        if not changes or store.read_only:
            return set()
        return store.absorb(changes)

    def note_contents(self, contents: FolderContents, now: str) -> None:
        if not contents.reachable:  # what was last seen ages out all the same
            self.presences = fresh_presences(self.presences, now, PRESENCE_SECONDS)
            return
        self.others_read_at = contents.read_at
        self.unreadable = contents.unreadable
        self.members = sum(1 for m in contents.of_enhet(self.file_uuid) if m.path.parent == contents.folder) + int(
            self.shared_path.exists())
        newest: dict[str, Presence] = {}  # a writer's file may be there twice (a copy, a working copy)
        for presence in contents.presences_of(self.file_uuid):
            if presence.writer != self.writer and (
                    presence.writer not in newest or presence.heartbeat > newest[presence.writer].heartbeat):
                newest[presence.writer] = presence
        self.presences = fresh_presences(newest.values(), now, PRESENCE_SECONDS)

    def present_in(self, case_id: int) -> list[Presence]:
        return [p for p in self.presences if p.case_id == case_id]

    @property
    def offline(self) -> bool:
        return self.publisher.failure is not None or (self.reader.last is not None and not self.reader.last.reachable)

    def notices(self) -> list[str]:
        said = []
        if self.offline:
            read = f"kl. {self.others_read_at:%H:%M}" if self.others_read_at else "inte än"
            said.append(
                f"Enhetens mapp {self.enhet_path.parent} går inte att nå just nu. Du kan fortsätta: dina svar "
                "sparas på den här datorn och läggs i mappen när den går att nå igen. "
                f"Andras svar hämtade {read}."
            )
        said.extend(unreadable_notices(self.unreadable))
        return said

    def status_line(self) -> str:
        """How current the shared state is, for the status bar."""
        if self.publisher.failure is not None:
            since = self.publisher.failing_since
            return f"Inte delat sedan {since:%H:%M}" if since else "Inte delat"
        read = f"andras svar hämtade {self.others_read_at:%H:%M:%S}" if self.others_read_at else ""
        shared = f"delat {self.publisher.published_at:%H:%M:%S}" if self.publisher.published_at else ""
        return " · ".join(part for part in (shared, read) if part)

    def close(self) -> None:
        self.publisher.close()
        self.copy.release()
