"""Creating and opening granskningsfiler, with a clear Swedish answer for every file that is wrong."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aktgranskning import __version__
from aktgranskning.atomic_file import sync_folder
from aktgranskning.domain.case import Case
from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.errors import FileProblem
from aktgranskning.domain.review_file import FileMeta, now_iso
from aktgranskning.services.file_lock import CannotLock, FileInUse, FileLock, lock_path_for
from aktgranskning.services.own_file import WorkingCopy, claim_working_copy
from aktgranskning.services.session import ReviewSession
from aktgranskning.services.sync_folders import folder_warning
from aktgranskning.storage.database_copy import write_working_copy
from aktgranskning.storage.engine import SQLITE_MAGIC, plain_file_name
from aktgranskning.storage.file_checks import (
    checked_revision,
    driver_reason,
    prepare_for_writing,
    read_checked_snapshot,
)
from aktgranskning.storage.migrate import (
    create_schema_at_head,
    head_revision,
    revision_of,
    upgrade_file,
    upgrade_to_head,
)
from aktgranskning.storage.snapshot import Snapshot, is_wal_mode, read_header, regular_file_size, side_files
from aktgranskning.storage.store import ReviewStore


@dataclass(frozen=True)
class NewFileInfo:
    administration: str
    area: str
    unit: str
    year: int


def create_review_file(
    path: Path, info: NewFileInfo, checklists: Sequence[Checklist], cases: Sequence[Case]
) -> Path:
    """Write a new granskningsfil. It is built under a temporary name and renamed into place,
    so a failure never leaves half a file; an existing file is never overwritten."""
    if path.exists():
        raise FileProblem(path, "filen finns redan. Välj ett annat namn eller ta bort den gamla filen först.")
    plain_file_name(path)  # a path SQLite could not open later is refused now, not after the work
    used_types = {case.case_type for case in cases}
    missing = used_types - {c.id for c in checklists}
    if missing:
        raise FileProblem(path, f"ingen checklista finns för ärendetypen {', '.join(sorted(missing))}.")
    # Only the checklists the sample uses: every stored checklist is a block in the enhet's
    # status, report, workbook and summary, so an unused one would show there empty.
    in_use = [c for c in checklists if c.id in used_types] if cases else list(checklists)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new_file(temporary, info, in_use, cases)
        temporary.rename(path)
        sync_folder(path.parent)
    except OSError as exc:
        raise FileProblem(path, f"filen kunde inte skapas ({exc.strerror}).") from exc
    finally:
        for leftover in (temporary, *_sidecars(temporary)):
            leftover.unlink(missing_ok=True)
    return path


def _write_new_file(
    path: Path, info: NewFileInfo, checklists: Sequence[Checklist], cases: Sequence[Case]
) -> None:
    store = ReviewStore.open(path)
    try:
        create_schema_at_head(store.engine)
        at = now_iso()
        meta = FileMeta(
            file_uuid=str(uuid.uuid4()),
            administration=info.administration,
            area=info.area,
            unit=info.unit,
            year=info.year,
            app_version=__version__,
            created_at=at,
        )
        with store.transaction() as tx:
            tx.write_meta(meta)
            for checklist in checklists:
                tx.add_checklist(checklist)
            for case in cases:
                tx.add_case(case, at)
        store.publish()
    finally:
        store.close()


def _sidecars(path: Path) -> tuple[Path, ...]:
    return tuple(path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm"))


# --- reading: a private snapshot, never the user's file in place ---------------------------------

def open_for_reading(path: Path) -> ReviewSession:
    """Open an enhet only to read it (status, rapport, last year's file, a file to summarise):
    the file and every file of the same enhet beside it, merged. No lock, no upgrade, older schema
    versions accepted as they are. What is read is a private snapshot of each file at this
    moment; nothing in the user's folder is written."""
    session = session_from_snapshot(path, read_snapshot(path), accept_older=True)
    try:
        merge_enhet_folder(session, path)
    except BaseException:
        session.close()
        raise
    return session


def merge_enhet_folder(session: ReviewSession, path: Path) -> list[str]:
    """Bring every other file of the enhet in the folder into a reading session. Returns what
    could not be read (also among the session's notes)."""
    from aktgranskning.services.enhet_folder import FolderReader, unreadable_notices

    contents = FolderReader(path.parent, session.meta.file_uuid).read(skip=[path])
    members = [m for m in contents.of_enhet(session.meta.file_uuid) if m.path.parent == path.parent]
    session.sources = 1 + len(members)  # the files in the folder (this computer's working copies aside)
    changes = contents.changes_of(session.meta.file_uuid)
    if changes and session.meta.schema_version == head_revision():
        session.store.merge_in(changes)
    elif changes:
        session.notes.append(f"{path.name} har en äldre schemaversion och kunde inte slås ihop med enhetens "
                             "andra filer; öppna den en gång för granskning så uppgraderas den.")
    unreadable = unreadable_notices(contents.unreadable)
    session.notes.extend(unreadable)
    if members:
        names = ", ".join(member.path.name for member in members[:6]) + (" …" if len(members) > 6 else "")
        session.notes.append(f"Enheten läses ur {len(members) + 1} filer: {path.name}, {names}.")
    return unreadable


def read_snapshot(path: Path) -> Snapshot:
    """The file's content at this moment, in memory, checked as an untrusted file first."""
    _ensure_looks_like_review_file(path)
    return read_checked_snapshot(path)


def session_from_snapshot(
    path: Path, snapshot: Snapshot, accept_older: bool, reviewer: str = "", reason: str = ""
) -> ReviewSession:
    store = ReviewStore.over_connection(path, snapshot.connection)
    try:
        revision = checked_revision(path, snapshot.connection)
        if revision != head_revision() and not accept_older:
            raise FileProblem(
                path,
                f"filen har schemaversion {revision} och behöver uppgraderas till {head_revision()} "
                "innan den kan användas.",
            )
        session = ReviewSession(store, reviewer)
    except FileProblem:
        store.close()
        raise
    except Exception as exc:  # any database failure becomes a message, never a traceback
        store.close()
        raise FileProblem(path, f"filen kunde inte öppnas som granskningsfil ({exc}).") from exc
    session.read_only_reason = reason
    session.notes = snapshot.notes()
    session.folder_warning = folder_warning(path)
    return session


# --- writing ------------------------------------------------------------------------------------

def open_review_file(
    path: Path, reviewer: str, read_only: bool = False, upgrade: bool = True, accept_older: bool = False
) -> ReviewSession:
    """Open an enhet for review: the reviewer works in a file of their own (a working copy on
    this computer, published beside the enhet's file, see services/own_file.py), with every
    other file of the enhet in the folder merged in. The enhet's file itself is never written,
    except once when a file of an older version must be upgraded (then under a lock, with a
    backup beside it). Opened read-only (asked for, or the folder or file cannot be written) it
    is a snapshot like any reader's."""
    if not read_only and not _reachable(path):
        offline = _open_offline(path, reviewer)
        if offline is not None:
            return offline
    _ensure_looks_like_review_file(path)
    protection = write_protection(path)
    if read_only or protection:
        return _read_only_session(path, accept_older, reviewer, protection)
    before = path.stat()
    snapshot = read_snapshot(path)
    notes: list[str] = []
    _remove_stale_lock(path)
    if _needs_preparing(path, snapshot):
        snapshot.connection.close()
        notes = prepare_enhet_file(path, upgrade)
        before = path.stat()
        snapshot = read_snapshot(path)
    start = session_from_snapshot(path, snapshot, accept_older=False, reviewer=reviewer)
    meta = start.meta
    _checked_once(path, before, start)
    try:
        copy = claim_working_copy(meta.file_uuid, start.reviewer,
                                  lambda p: _is_working_copy_of(p, meta.file_uuid, start.reviewer, path))
    except CannotLock as cannot:
        start.close()
        return _read_only_session(path, accept_older, reviewer, cannot.read_only_reason)
    except FileInUse as in_use:
        start.close()
        raise FileProblem(path, in_use.message) from in_use
    store: ReviewStore | None = None
    try:
        if not copy.path.exists():
            _write_working_copy(copy.path, snapshot, copy.writer, start.reviewer)
        start.close()
        store = ReviewStore.open(copy.path)
        if store.schema_revision() != head_revision():
            upgrade_to_head(store.engine)
            store.publish()
        _belong_to_folder(store, path)
        session = ReviewSession(store, reviewer, on_close=copy.release, known_checklists=start.checklists)
        session.enhet_path = path
        session.notes = notes
        _link_to_folder(session, path, copy)
        return session
    except FileProblem:
        if store is not None:
            store.close()
        copy.release()
        raise
    except Exception as exc:  # any database failure becomes a message, never a traceback
        if store is not None:
            store.close()
        copy.release()
        raise FileProblem(path, f"filen kunde inte öppnas som granskningsfil ({driver_reason(exc)}).") from exc


def _checked_once(path: Path, before: os.stat_result, start: ReviewSession) -> None:
    """The enhet's file has just been checked whole: the folder's first reading takes it from
    here instead of copying and checking it again (unless it changed meanwhile)."""
    from aktgranskning.services.enhet_folder import remember_read

    try:
        remember_read(path, before, start.store)
    except Exception:
        pass


def open_for_filling(path: Path, reviewer: str) -> ReviewSession:
    """Write straight into a file this program has just created and nobody else has yet (the
    demo, an import): the answers become the enhet's first state rather than one reviewer's
    changes. Never for a file that has been handed out; that is what open_review_file is for."""
    lock = FileLock(path)
    lock.acquire(reviewer)
    try:
        store = ReviewStore.open(path)
    except BaseException:
        lock.release()
        raise
    return ReviewSession(store, reviewer, on_close=lock.release)


def _reachable(path: Path) -> bool:
    try:
        return path.parent.is_dir()
    except OSError:
        return False


def _open_offline(path: Path, reviewer: str) -> ReviewSession | None:
    """The enhet's folder cannot be reached (the share, the VPN): go on in this computer's working
    copy of that enhet, when there is one; it is published to the folder when the folder returns."""
    from aktgranskning.services.enhet_folder import Member, folder_key, read_for
    from aktgranskning.services.own_file import offline_candidates

    wanted = folder_key(path)
    for file_uuid, candidate in offline_candidates():
        member = read_for(candidate, file_uuid)
        if not isinstance(member, Member) or member.enhet_file != wanted:
            continue
        if member.reviewer != (reviewer or "okänd"):
            continue
        lock = FileLock(candidate)
        try:
            lock.acquire(member.reviewer)
        except (FileInUse, CannotLock):
            continue
        copy = WorkingCopy(candidate, candidate.stem, lock)
        store = ReviewStore.open(candidate)
        session = ReviewSession(store, reviewer, on_close=copy.release)
        session.enhet_path = path
        _link_to_folder(session, path, copy)
        return session
    return None


def _read_only_session(path: Path, accept_older: bool, reviewer: str, reason: str) -> ReviewSession:
    session = session_from_snapshot(path, read_snapshot(path), accept_older, reviewer, reason)
    try:
        merge_enhet_folder(session, path)
    except BaseException:
        session.close()
        raise
    session.notes.append(f"Det som visas är enheten som den var kl. {datetime.now():%H:%M}. Ändringar som "
                         "någon annan gör efter det syns först när filen öppnas igen.")
    return session


def _is_working_copy_of(candidate: Path, file_uuid: str, reviewer: str, enhet_path: Path) -> bool:
    """Whether a file in this computer's working folder is this reviewer's work on the enhet in
    this folder (a copy of the enhet elsewhere gets a working copy of its own)."""
    from aktgranskning.services.enhet_folder import Member, folder_key, read_for

    member = read_for(candidate, file_uuid)
    return isinstance(member, Member) and member.reviewer == reviewer and member.folder == folder_key(
        enhet_path.parent)


def _write_working_copy(target: Path, snapshot: Snapshot, writer: str, reviewer: str) -> None:
    """The reviewer's own file starts as the enhet's file, marked as theirs, with no presence."""
    from aktgranskning.services.enhet_folder import WRITER_COMPUTER_KEY, WRITER_KEY, WRITER_REVIEWER_KEY
    from aktgranskning.services.own_file import computer_name

    write_working_copy(target, snapshot.connection,
                       {WRITER_KEY: writer, WRITER_REVIEWER_KEY: reviewer, WRITER_COMPUTER_KEY: computer_name()})


def _belong_to_folder(store: ReviewStore, path: Path) -> None:
    """The working copy follows the enhet's file and folder it was last opened from, so that this
    computer's readers merge it there and not into a copy of the enhet somewhere else, and so that
    it can be opened by the enhet file's name while the folder cannot be reached."""
    from aktgranskning.services.enhet_folder import WRITER_FILE_KEY, WRITER_FOLDER_KEY, folder_key

    wanted = {WRITER_FOLDER_KEY: folder_key(path.parent), WRITER_FILE_KEY: folder_key(path)}
    with store.transaction() as tx:
        values = tx.meta_values()
        for key, value in wanted.items():
            if values.get(key) != value:
                tx.set_meta_value(key, value)


def _link_to_folder(session: ReviewSession, path: Path, copy: WorkingCopy) -> None:
    from aktgranskning.services.enhet_folder import FolderReader
    from aktgranskning.services.enhet_link import EnhetLink
    from aktgranskning.services.own_file import FolderPublisher, computer_name, own_file_name
    from aktgranskning.storage.change_recorder import ChangeRecorder

    computer = computer_name()
    store = session.store
    store.record_changes(ChangeRecorder(copy.writer, session.reviewer, session.checklists))
    shared = path.parent / own_file_name(Path(f"{session.meta.display_name}{path.suffix}"), session.reviewer,
                                         computer, copy.writer)
    link = EnhetLink(path, session.meta.file_uuid, copy, FolderPublisher(shared),
                     FolderReader(path.parent, session.meta.file_uuid), computer)
    session.link = link
    session.folder_warning = folder_warning(path)
    contents = link.read_folder()
    session.take_in(contents)
    session.sources = 1 + link.members
    store.mirror_to(link.publisher.offer)


def _remove_stale_lock(path: Path) -> None:
    """A lock beside the enhet's file left by a program on this computer that died (during an
    upgrade, or an older version) is removed; a live one, or one from another computer, stays."""
    if not lock_path_for(path).exists():
        return
    lock = FileLock(path)
    try:
        lock.acquire("städning")
    except (FileInUse, CannotLock):
        return
    lock.release()


def _needs_preparing(path: Path, snapshot: Snapshot) -> bool:
    if side_files(path) or is_wal_mode(read_header(path)):
        return True
    try:
        return revision_of(snapshot.connection) != head_revision()
    except Exception:
        return True


def prepare_enhet_file(path: Path, upgrade: bool) -> list[str]:
    """Once, for a file from an older version: bring it into the rollback journal, move foreign
    side files aside and upgrade its schema — in place, under the file's lock, so that two
    computers never do it at once."""
    lock = FileLock(path)
    try:
        lock.acquire("uppgradering")
    except CannotLock:
        return []  # the folder cannot take a lock file: the working copy is upgraded instead
    try:
        notes = _settle_side_files(path)
        revision = prepare_for_writing(path)
        if revision != head_revision():
            if not upgrade:
                raise FileProblem(
                    path,
                    f"filen har schemaversion {revision} och behöver uppgraderas till {head_revision()} "
                    "innan den kan användas.",
                )
            backup = upgrade_file(path, revision)
            notes.append(f"Filen uppgraderades från schemaversion {revision}; den gamla filen finns kvar som "
                         f"{backup.name}.")
        return notes
    finally:
        lock.release()


def _settle_side_files(path: Path) -> list[str]:
    """A `-wal` or `-journal` that does not belong to the file would be applied by SQLite all the
    same: move it aside under a clear name and say so. One that is not a regular file is refused."""
    notes = []
    for side in side_files(path):
        if not side.regular:
            raise FileProblem(side.path, f"sidofilen till {path.name} är ingen vanlig fil ({side.reason}). "
                                         "Ta bort den innan filen öppnas för granskning.")
        if side.belongs:
            continue
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = side.path.with_name(f"{side.path.name}.hör-inte-till-filen-{stamp}")
        try:
            os.replace(side.path, aside)
        except OSError as exc:
            raise FileProblem(side.path, f"sidofilen hör inte till filen ({side.reason}) och kunde inte flyttas "
                                         f"undan ({exc.strerror}).") from exc
        notes.append(f"Sidofilen {side.path.name} hörde inte till filen ({side.reason}); den användes inte och "
                     f"flyttades till {aside.name}.")
    return notes


def write_protection(path: Path) -> str:
    """Why the file cannot be written, in Swedish, or '' when it can. The write bits are checked
    as well as access(), so a file marked read-only stays read-only even for an administrator."""
    marked_read_only = not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if not marked_read_only and not os.access(path.parent, os.W_OK):
        return ("Mappen som filen ligger i går inte att skriva i (t.ex. en cd-skiva eller en skrivskyddad "
                "nätverksmapp). Filen öppnas bara för läsning.")
    if marked_read_only or not os.access(path, os.W_OK):
        return "Filen är skrivskyddad. Den öppnas bara för läsning; ta bort skrivskyddet för att kunna ändra."
    return ""


def _ensure_looks_like_review_file(path: Path) -> None:
    regular_file_size(path)  # refuses folders, pipes and devices without opening them
    header = read_header(path)
    if not header:
        raise FileProblem(path, "filen är tom (0 byte) och är ingen granskningsfil.")
    if header[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise FileProblem(path, "filen är ingen granskningsfil (den är inte en SQLite-databas).")
