"""An enhet is its folder: the enhet's granskningsfil and every reviewer's own file beside it.

Each reviewer's program writes only its own file; everyone reads all the files of the enhet and
merges their changes (domain.changes). A file belongs to the enhet when it carries the same file
id, whatever its name — so a sync client's conflict copy (`… -DATOR.granskning`,
`… (konflikt …).granskning`) or a copy someone made is read and merged like any other, and
reading it twice changes nothing. A file that cannot be read whole (still arriving, torn, or
not a granskningsfil) is skipped with a notice and read again once it changes.

Reading is cheap to repeat: a file is read again only when its size, modification time or inode
changed, so watching the folder costs a listing and a `stat` per file.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from aktgranskning.domain.changes import Change, Presence
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.storage.member_snapshot import NotThisEnhet, take_member_snapshot
from aktgranskning.storage.store import ReviewStore

SUFFIX = ".granskning"
MAX_FILES = 200  # files of one folder read at most; an enhet has a handful
WRITER_KEY = "skribent"
WRITER_REVIEWER_KEY = "skribent_granskare"
WRITER_COMPUTER_KEY = "skribent_dator"
WRITER_FOLDER_KEY = "skribent_mapp"  # which enhet folder a working copy belongs to (a digest)
WRITER_FILE_KEY = "skribent_fil"  # which enhet file it was opened from (a digest), to open it offline

Signature = tuple[int, int, int]


@dataclass(frozen=True)
class Member:
    """One file of an enhet, as read."""

    path: Path
    file_uuid: str
    writer: str  # '' for the enhet's own file (as created), else the id of the program that writes it
    reviewer: str
    computer: str
    changes: tuple[Change, ...]
    presence: tuple[Presence, ...]
    folder: str = ""  # for a working copy: the enhet folder it belongs to
    enhet_file: str = ""  # for a working copy: the enhet file it was opened from


@dataclass(frozen=True)
class Unreadable:
    path: Path
    reason: str  # Swedish


@dataclass
class FolderContents:
    folder: Path
    members: list[Member] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    reachable: bool = True
    read_at: datetime = field(default_factory=datetime.now)

    def of_enhet(self, file_uuid: str) -> list[Member]:
        return [member for member in self.members if member.file_uuid == file_uuid]

    def changes_of(self, file_uuid: str) -> list[Change]:
        return [change for member in self.of_enhet(file_uuid) for change in member.changes]

    def presences_of(self, file_uuid: str) -> list[Presence]:
        return [p for member in self.of_enhet(file_uuid) if member.writer for p in member.presence
                if p.writer == member.writer]


def is_candidate(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(SUFFIX) and not name.startswith((".", "~$"))


def _signature(status: os.stat_result) -> Signature:
    return (status.st_size, status.st_mtime_ns, status.st_ino)


@dataclass(frozen=True)
class _Read:
    signature: Signature
    file_uuid: str  # '' when not known (the file could not be read)
    result: Member | Unreadable | None  # None: another enhet's file, not read further


_CACHE: dict[str, _Read] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 1024


def _place_key(path: str | os.PathLike[str]) -> str:
    """One spelling of a place in the file system, however it was given: `X.granskning` from the
    current folder, `./X.granskning` as scandir gives it, or the absolute path."""
    return os.path.normcase(os.path.abspath(path))


class FolderReader:
    """The files of one enhet in its folder, each read again only when it changed. Thread-safe:
    the window reads in a worker thread while the GUI thread uses the last contents."""

    def __init__(self, folder: Path, file_uuid: str) -> None:
        self.folder = folder
        self.file_uuid = file_uuid
        self.last: FolderContents | None = None

    def read(self, skip: Iterable[Path] = ()) -> FolderContents:
        """The enhet's files in its folder, and this computer's working copies of the enhet (what
        was confirmed here is read even before it reached the folder, or while it cannot)."""
        skipped = {_place_key(p) for p in skip}
        try:
            entries = sorted((e for e in os.scandir(self.folder) if is_candidate(e.name)), key=lambda e: e.name)
        except OSError:
            contents = FolderContents(self.folder, reachable=False)
            self.last = contents
            return contents
        local = _working_copies(self.file_uuid)
        contents = FolderContents(self.folder)
        for entry in [*entries[:MAX_FILES], *local]:
            if _place_key(entry.path) in skipped:
                continue
            result = read_for(Path(entry.path), self.file_uuid)
            if entry in local and isinstance(result, Member) and not same_folder(result.folder, self.folder):
                continue  # this computer's work on a copy of the enhet elsewhere
            if isinstance(result, Member):
                contents.members.append(result)
            elif isinstance(result, Unreadable):
                contents.unreadable.append(result)
        if len(entries) > MAX_FILES:
            contents.unreadable.append(Unreadable(self.folder, f"mappen har fler än {MAX_FILES} granskningsfiler; "
                                                               f"bara de {MAX_FILES} första lästes."))
        self.last = contents
        return contents


def same_folder(recorded: str, folder: Path) -> bool:
    return bool(recorded) and recorded == folder_key(folder)


def folder_key(folder: Path) -> str:
    """Which folder, as a digest: the path itself (it may hold the login name) never goes into
    a file that is shared."""
    return hashlib.sha256(os.path.normcase(os.path.abspath(folder)).encode("utf-8", "surrogatepass")).hexdigest()


def _working_copies(file_uuid: str) -> list[os.DirEntry[str]]:
    from aktgranskning.services.own_file import existing_working_folder

    folder = existing_working_folder(file_uuid)
    if folder is None:
        return []
    try:
        return sorted((e for e in os.scandir(folder) if is_candidate(e.name)), key=lambda e: e.name)
    except OSError:
        return []


def known_file_uuid(path: Path) -> str:
    """The file id of a file this process has read and that has not changed since, else ''."""
    try:
        signature = _signature(path.stat())
    except OSError:
        return ""
    with _CACHE_LOCK:
        cached = _CACHE.get(os.path.normcase(str(path.absolute())))
    return cached.file_uuid if cached is not None and cached.signature == signature else ""


def read_for(path: Path, file_uuid: str) -> Member | Unreadable | None:
    """The file as a member of the enhet with `file_uuid`, a notice when it cannot be read, or
    None when it is another enhet's file. Read again only when the file changed."""
    try:
        status = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    key = os.path.normcase(str(path.absolute()))
    signature = _signature(status)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is None or cached.signature != signature or (cached.result is None and cached.file_uuid == file_uuid):
        cached = _read_steadily(path, signature, file_uuid)
        if cached is None:
            return None  # gone
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.clear()
            _CACHE[key] = cached
    if cached.file_uuid and cached.file_uuid != file_uuid:
        return None
    return cached.result


def _read_steadily(path: Path, signature: Signature, file_uuid: str, attempts: int = 4) -> _Read | None:
    """Read the file; when it could not be read because it was replaced meanwhile (another
    program renamed its new version over it: on a share an open can then fail with "no such
    file"), read the new version instead of remembering the failure."""
    for _attempt in range(attempts):
        read = _read(path, signature, file_uuid)
        try:
            now = _signature(path.stat())
        except OSError:
            now = None
        if isinstance(read.result, Member) or now == signature:
            return read
        if now is None:
            time.sleep(0.02)
            continue
        signature = now
    return read if now is not None else None


def _read(path: Path, signature: Signature, file_uuid: str) -> _Read:
    try:
        snapshot = take_member_snapshot(path, file_uuid)
    except NotThisEnhet as other:
        return _Read(signature, other.file_uuid, None)
    except FileProblem as problem:
        return _Read(signature, "", Unreadable(path, problem.problem))
    except OSError as exc:
        return _Read(signature, "", Unreadable(path, f"filen kunde inte läsas ({exc.strerror or exc})."))
    store = ReviewStore.over_connection(path, snapshot.connection)
    try:
        return _Read(signature, file_uuid, member_of(path, store))
    except (UserError, ValueError, KeyError, SQLAlchemyError) as exc:
        return _Read(signature, file_uuid, Unreadable(path, f"filen kunde inte läsas ({exc})."))
    finally:
        store.close()


def remember_read(path: Path, before: os.stat_result, store: ReviewStore) -> None:
    """A file this process has just read and checked whole elsewhere (the enhet's file, while
    opening it), kept as if read here, so that the folder's first reading does not check it a
    second time. Only when the file has not changed since `before` (its state before that read)."""
    try:
        signature = _signature(path.stat())
    except OSError:
        return
    if signature != _signature(before):
        return
    member = member_of(path, store)
    with _CACHE_LOCK:
        _CACHE[os.path.normcase(str(path.absolute()))] = _Read(signature, member.file_uuid, member)


def member_of(path: Path, store: ReviewStore) -> Member:
    with store.transaction() as tx:
        values = tx.meta_values()
        has_changes = "changes" in tx.table_names()
        changes = tuple(tx.changes()) if has_changes else ()
        presence = tuple(tx.presence()) if has_changes else ()
    return Member(path, values.get("file_uuid", ""), values.get(WRITER_KEY, ""),
                  values.get(WRITER_REVIEWER_KEY, ""), values.get(WRITER_COMPUTER_KEY, ""), changes, presence,
                  values.get(WRITER_FOLDER_KEY, ""), values.get(WRITER_FILE_KEY, ""))


def unreadable_notices(unreadable: Iterable[Unreadable]) -> list[str]:
    return [f"{item.path.name} lästes inte: {item.reason} Den läses när den har ändrats (kanske är den inte "
            "helt överförd ännu)." for item in unreadable]
