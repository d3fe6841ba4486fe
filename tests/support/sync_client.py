"""A simulated file-sync client (OneDrive, Nextcloud, Dropbox) between N local folders — one per
"computer" — and one cloud, for testing several reviewers on one enhet (issue 19).

What it does, and the real behaviour each part is modelled on:

* **Upload only when still.** Each computer's folder is listed every ``scan_interval`` seconds.
  A file is uploaded once its (size, mtime_ns, inode) has stayed the same for ``still_seconds``
  and it differs from what was last synced there — as OneDrive uploads a file after it has been
  closed and left alone for a moment, and Nextcloud/Dropbox wait for a file to stop changing. The
  bytes are read and the file is stat'ed again: a file that changed while it was read is not sent.
  A file a program rewrites in place more slowly than the still period *is* uploaded half-written,
  exactly as the real clients do; one replaced whole by rename never is.
* **Delivered late, in any order, whole.** Every upload is delivered to each other computer after
  its own random delay (``delay_seconds``, seeded), so files arrive seconds late and in any order;
  a computer always receives the newest cloud version of a file. Delivery writes the whole file
  beside the target as a hidden partial (``.~sync-<8hex>-<name>.partial``), flushes it and renames
  it over the target, as OneDrive and Nextcloud download to a temporary name and move it into
  place. With ``torn_write_probability`` > 0 a delivery is instead written *in place*, in
  ``chunk_bytes`` pieces ``chunk_interval`` seconds apart, so a reader can see a torn file (new
  bytes at the front, old ones behind), as some clients and "files on demand" hydration do. The
  file's modification time is set to the source's (``keep_source_mtime``), as all three clients
  do: a delivered file can be *older* by mtime than the one it replaces.
* **Conflict copies.** When a file changed on this computer since its last sync and the cloud
  also has a newer version (both sides changed it), both are kept: the local file is renamed to
  a conflict copy on that computer and the cloud version takes the original name; the copy is
  then synced like any file. Names (``conflict_style``):
  ``onedrive`` ``<stem>-<COMPUTERNAME><suffix>`` (then ``-<COMPUTERNAME>-1`` …), as OneDrive names
  the copy after the computer; ``nextcloud`` ``<stem> (conflicted copy 2026-12-02 104233)<suffix>``;
  ``dropbox`` ``<stem> (Anna's conflicted copy 2026-12-02)<suffix>``. The same bytes on both sides
  are no conflict (the clients compare hashes). A change made after receiving the other's version
  is an update, never a conflict.
* **Side files.** Temporary, lock and journal files (``*.tmp``, ``*-journal``, ``*-wal``, ``*-shm``,
  ``*.lås``, ``~$…``, ``.~lock.…``) are carried for some names and not others
  (``side_file_probability``, decided once per name), because real clients differ (Nextcloud
  excludes ``~$*`` and ``.~lock.*``, OneDrive some ``~$`` files, Dropbox and Syncthing carry
  ``-journal``). Its own partial files are never carried.
* **Deletions** are propagated (``propagate_deletions``); a file changed on one side and deleted on
  the other comes back (the edit wins, as in all three clients). With ``propagate_deletions=False``
  a file deleted on one computer is downloaded there again from the cloud.
* **Offline.** ``pause(name)`` takes a computer offline: nothing is uploaded from it or delivered to
  it; its folder stays writable. ``resume(name)`` brings it back: its changes are uploaded (with
  conflict copies where the cloud moved on) and everything it missed is delivered, late and in any
  order.

Two ways to run it, on the same core:

* **Deterministic** (property tests): time is virtual. ``step()`` runs the next scheduled action,
  ``advance(seconds)`` runs everything due in that much virtual time, ``run_until_settled()`` runs
  until every online folder equals the cloud. With the same seed and the same writes between the
  calls, the same actions happen in the same order (the event log is equal).
* **Threaded** (real program processes): ``with client.running_in_thread():`` runs the schedule
  against the real clock in a background thread; ``wait_until_settled(timeout)`` waits for it.

Files are compared by (size, mtime_ns, inode). Where a test writes faster than the clock ticks
(virtual time), give each write a distinct mtime (``write_whole(path, data, mtime_ns=...)``).
"""

from __future__ import annotations

import fnmatch
import heapq
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Literal, NamedTuple

ConflictStyle = Literal["onedrive", "nextcloud", "dropbox"]
SIDE_FILE_PATTERNS = ("*.tmp", "*-journal", "*-wal", "*-shm", "*.lås", "~$*", ".~lock.*")
PARTIAL_PREFIX, PARTIAL_SUFFIX = ".~sync-", ".partial"


@dataclass(frozen=True)
class SyncedFolder:
    """One computer's local folder under the client. ``name`` is the computer's name (Windows'
    COMPUTERNAME, used in OneDrive conflict names), ``user`` the person (Dropbox names)."""

    name: str
    user: str
    folder: Path


@dataclass(frozen=True)
class SyncSettings:
    seed: int = 0
    still_seconds: float = 1.0
    scan_interval: float = 0.25
    delay_seconds: tuple[float, float] = (0.5, 3.0)
    conflict_style: ConflictStyle = "onedrive"
    torn_write_probability: float = 0.0
    chunk_bytes: int = 4096
    chunk_interval: float = 0.02
    side_file_probability: float = 0.5
    propagate_deletions: bool = True
    keep_source_mtime: bool = True
    start_time: datetime = datetime(2026, 12, 2, 10, 42, 33)  # clock time at virtual time 0


@dataclass(frozen=True)
class SyncEvent:
    """One thing the client did. kind: upload, deliver, torn-start, torn-end, delete-upload,
    delete-deliver, conflict, pause, resume, side-file-skipped, read-changed."""

    time: float
    kind: str
    computer: str
    name: str
    detail: str = ""


class SyncNotSettled(AssertionError):
    pass


class _Signature(NamedTuple):
    size: int
    mtime_ns: int
    inode: int


@dataclass(frozen=True)
class _CloudFile:
    version: int
    data: bytes | None  # None: deleted
    mtime_ns: int
    origin: str


@dataclass(frozen=True)
class _Synced:
    version: int
    signature: _Signature


@dataclass
class _Replica:
    spec: SyncedFolder
    paused: bool = False
    synced: dict[str, _Synced] = field(default_factory=dict)
    observed: dict[str, tuple[_Signature, float]] = field(default_factory=dict)
    writing: set[str] = field(default_factory=set)


def is_side_file(name: str) -> bool:
    base = PurePosixPath(name).name
    return any(fnmatch.fnmatchcase(base, pattern) for pattern in SIDE_FILE_PATTERNS)


def is_own_partial(name: str) -> bool:
    base = PurePosixPath(name).name
    return base.startswith(PARTIAL_PREFIX) and base.endswith(PARTIAL_SUFFIX)


def conflict_copy_name(name: str, folder: SyncedFolder, when: datetime, style: ConflictStyle,
                       taken: Callable[[str], bool] = lambda _: False) -> str:
    """The name a client gives the local side of a conflict (relative path, same folder)."""
    path = PurePosixPath(name)
    stem, suffix = path.stem, path.suffix
    for attempt in range(10_000):
        if style == "onedrive":
            base = f"{stem}-{folder.name}{'' if attempt == 0 else f'-{attempt}'}{suffix}"
        elif style == "nextcloud":
            base = f"{stem} (conflicted copy {when:%Y-%m-%d %H%M%S}){'' if attempt == 0 else f' ({attempt})'}{suffix}"
        else:
            base = f"{stem} ({folder.user}'s conflicted copy {when:%Y-%m-%d}" \
                   f"{'' if attempt == 0 else f' ({attempt})'}){suffix}"
        candidate = str(path.with_name(base))
        if not taken(candidate):
            return candidate
    raise RuntimeError(f"no free conflict name for {name}")


def write_whole(path: Path, data: bytes, *, mtime_ns: int | None = None) -> None:
    """Replace ``path`` whole and atomically as the program does: write ``.<name>.<8hex>.tmp``
    beside it, flush, rename over it. ``mtime_ns`` sets its modification time first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if mtime_ns is not None:
        os.utime(temporary, ns=(mtime_ns, mtime_ns))
    os.replace(temporary, path)


def _signature(path: Path) -> _Signature | None:
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return _Signature(st.st_size, st.st_mtime_ns, st.st_ino)


class SyncClient:
    """The client over ``folders`` (one per computer, distinct names). Thread-safe."""

    def __init__(self, folders: Sequence[SyncedFolder], settings: SyncSettings | None = None) -> None:
        names = [f.name for f in folders]
        if len(set(names)) != len(names) or len(names) < 2:
            raise ValueError("at least two folders with distinct computer names are needed")
        self.settings = settings or SyncSettings()
        self.events: list[SyncEvent] = []
        self._rng = random.Random(self.settings.seed)
        self._now = 0.0
        self._queue: list[tuple[float, int, str, Callable[[], None]]] = []
        self._sequence = 0
        self._pending = 0  # scheduled actions other than the periodic scans
        self._cloud: dict[str, _CloudFile] = {}
        self._carried: dict[str, bool] = {}
        self._lock = threading.RLock()
        self._replicas = {f.name: _Replica(f) for f in folders}
        for replica in self._replicas.values():
            replica.spec.folder.mkdir(parents=True, exist_ok=True)
            self._schedule(self._rng.uniform(0, self.settings.scan_interval), "scan",
                           lambda r=replica: self._scan(r))

    # --- public control ---------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self._now

    def folder(self, computer: str) -> Path:
        return self._replicas[computer].spec.folder

    def pause(self, computer: str) -> None:
        """Take the computer offline: nothing goes up or comes down until ``resume``."""
        with self._lock:
            replica = self._replicas[computer]
            replica.paused = True
            replica.observed.clear()
            self._log("pause", computer, "")

    def resume(self, computer: str) -> None:
        """Bring the computer back; what it missed is delivered after the usual random delays."""
        with self._lock:
            replica = self._replicas[computer]
            if not replica.paused:
                return
            replica.paused = False
            self._log("resume", computer, "")
            for name in self._shuffled(self._cloud):
                record = replica.synced.get(name)
                if record is None or record.version < self._cloud[name].version:
                    self._schedule_delivery(replica, name)

    def is_paused(self, computer: str) -> bool:
        with self._lock:
            return self._replicas[computer].paused

    def next_due(self) -> float:
        """The virtual time of the next scheduled action."""
        with self._lock:
            return self._queue[0][0]

    def step(self) -> str:
        """Run the next scheduled action (virtual time jumps to it); its kind: "scan" (list one
        folder, maybe upload), "deliver" (bring one file to one computer) or "chunk" (the next
        piece of an in-place write)."""
        with self._lock:
            due, _, kind, action = heapq.heappop(self._queue)
            self._now = max(self._now, due)
            if kind != "scan":
                self._pending -= 1
            action()
            return kind

    def advance(self, seconds: float) -> None:
        """Run every action due in the next ``seconds`` of virtual time."""
        self.run_until(self._now + seconds)

    def run_until(self, moment: float) -> None:
        with self._lock:
            while self._queue and self._queue[0][0] <= moment:
                self.step()
            self._now = max(self._now, moment)

    def run_until_settled(self, max_seconds: float = 120.0) -> float:
        """Deterministic mode: advance until every folder equals the cloud. Virtual seconds taken."""
        start = self._now
        while not self.settled():
            if self._now - start > max_seconds:
                raise SyncNotSettled(f"not settled after {max_seconds} virtual seconds: {self.unsettled()}")
            self.advance(self.settings.scan_interval)
        return self._now - start

    @contextmanager
    def running_in_thread(self, tick: float = 0.02) -> Iterator[SyncClient]:
        """Threaded mode: run the schedule against the real clock until the block ends."""
        stop = threading.Event()
        offset = self._now - time.monotonic()
        failure: list[BaseException] = []

        def loop() -> None:
            try:
                while not stop.is_set():
                    self.run_until(time.monotonic() + offset)
                    stop.wait(tick)
            except BaseException as exc:  # surfaced in the test thread below
                failure.append(exc)

        thread = threading.Thread(target=loop, name="simulated-sync-client", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join(timeout=30)
        if failure:
            raise failure[0]

    def wait_until_settled(self, timeout: float = 60.0, poll: float = 0.05) -> float:
        """Threaded mode: wait (real time) until every folder equals the cloud; seconds waited."""
        start = time.monotonic()
        while not self.settled():
            if time.monotonic() - start > timeout:
                raise SyncNotSettled(f"not settled after {timeout} s: {self.unsettled()}")
            time.sleep(poll)
        return time.monotonic() - start

    # --- what is where ----------------------------------------------------------------------
    def settled(self) -> bool:
        return not self.unsettled()

    def unsettled(self) -> list[str]:
        """Why the folders do not all equal the cloud yet (empty when they do)."""
        with self._lock:
            reasons = [f"{name} is offline" for name, r in self._replicas.items() if r.paused]
            if self._pending:
                reasons.append(f"{self._pending} deliveries/writes pending")
            for replica in self._replicas.values():
                reasons.extend(self._replica_differences(replica))
            return reasons

    def _replica_differences(self, replica: _Replica) -> list[str]:
        differences = []
        local = self._listing(replica)
        for name, signature in local.items():
            record = replica.synced.get(name)
            if is_side_file(name) and not self._carried.get(name, True):
                continue
            cloud = self._cloud.get(name)
            if record is None or record.signature != signature or cloud is None or record.version != cloud.version:
                differences.append(f"{replica.spec.name}: {name} not in sync")
        for name, cloud in self._cloud.items():
            if cloud.data is not None and name not in local:
                differences.append(f"{replica.spec.name}: {name} missing")
        return differences

    def files(self, computer: str, *, include_uncarried: bool = True) -> dict[str, bytes]:
        """The files in a computer's folder now (relative posix paths), without own partials."""
        with self._lock:
            replica = self._replicas[computer]
            contents = {}
            for name in self._listing(replica):
                if not include_uncarried and is_side_file(name) and not self._carried.get(name, True):
                    continue
                try:
                    contents[name] = (replica.spec.folder / name).read_bytes()
                except FileNotFoundError:
                    continue
            return contents

    def cloud_files(self) -> dict[str, bytes]:
        with self._lock:
            return {name: f.data for name, f in self._cloud.items() if f.data is not None}

    def conflict_copies(self) -> list[str]:
        """Every conflict copy made so far, in order (relative names)."""
        return [e.detail for e in self.events if e.kind == "conflict"]

    def is_carried(self, name: str) -> bool:
        """Whether this name is synced (side files are carried for some names only)."""
        with self._lock:
            return self._carries(name)

    # --- the schedule -----------------------------------------------------------------------
    def _schedule(self, delay: float, kind: str, action: Callable[[], None]) -> None:
        self._sequence += 1
        if kind != "scan":
            self._pending += 1
        heapq.heappush(self._queue, (self._now + delay, self._sequence, kind, action))

    def _schedule_delivery(self, replica: _Replica, name: str) -> None:
        low, high = self.settings.delay_seconds
        self._schedule(self._rng.uniform(low, high), "deliver", lambda: self._deliver(replica, name))

    def _log(self, kind: str, computer: str, name: str, detail: str = "") -> None:
        self.events.append(SyncEvent(round(self._now, 6), kind, computer, name, detail))

    def _shuffled(self, names: object) -> list[str]:
        ordered = sorted(names)  # type: ignore[call-overload]
        self._rng.shuffle(ordered)
        return ordered

    def _carries(self, name: str) -> bool:
        if not is_side_file(name):
            return True
        if name not in self._carried:
            self._carried[name] = self._rng.random() < self.settings.side_file_probability
        return self._carried[name]

    # --- one computer's folder --------------------------------------------------------------
    def _listing(self, replica: _Replica) -> dict[str, _Signature]:
        root = replica.spec.folder
        found: dict[str, _Signature] = {}
        for directory, subdirectories, names in os.walk(root):
            subdirectories.sort()
            for base in names:
                full = Path(directory) / base
                name = full.relative_to(root).as_posix()
                if is_own_partial(name):
                    continue
                signature = _signature(full)
                if signature is not None:
                    found[name] = signature
        return found

    def _scan(self, replica: _Replica) -> None:
        self._schedule(self.settings.scan_interval, "scan", lambda: self._scan(replica))
        if replica.paused:
            return
        local = self._listing(replica)
        for name in self._shuffled(set(local) | set(replica.synced)):
            if name in replica.writing:
                continue
            signature = local.get(name)
            if signature is None:
                replica.observed.pop(name, None)
                if name in replica.synced:
                    self._local_deletion(replica, name)
                continue
            if not self._carries(name):
                if name not in replica.observed:
                    replica.observed[name] = (signature, self._now)
                    self._log("side-file-skipped", replica.spec.name, name)
                continue
            record = replica.synced.get(name)
            if record is not None and record.signature == signature:
                replica.observed.pop(name, None)
                continue
            seen = replica.observed.get(name)
            if seen is None or seen[0] != signature:
                replica.observed[name] = (signature, self._now)
            elif self._now - seen[1] >= self.settings.still_seconds:
                self._upload(replica, name, signature)

    def _upload(self, replica: _Replica, name: str, signature: _Signature) -> None:
        path = replica.spec.folder / name
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return
        after = _signature(path)
        if after != signature:  # changed while being read: wait until it is still again
            replica.observed.pop(name, None)
            if after is not None:
                replica.observed[name] = (after, self._now)
            self._log("read-changed", replica.spec.name, name)
            return
        replica.observed.pop(name, None)
        record, cloud = replica.synced.get(name), self._cloud.get(name)
        base = record.version if record else 0
        if cloud is not None and cloud.data == data:
            replica.synced[name] = _Synced(cloud.version, signature)
            return
        if cloud is not None and cloud.version > base and cloud.data is not None:
            self._keep_both(replica, name)
            self._schedule_delivery(replica, name)
            return
        version = (cloud.version if cloud else 0) + 1
        self._cloud[name] = _CloudFile(version, data, signature.mtime_ns, replica.spec.name)
        replica.synced[name] = _Synced(version, signature)
        self._log("upload", replica.spec.name, name, f"v{version} {len(data)} B")
        self._deliver_to_others(replica, name)

    def _deliver_to_others(self, origin: _Replica, name: str) -> None:
        for other in self._shuffled(n for n in self._replicas if n != origin.spec.name):
            self._schedule_delivery(self._replicas[other], name)

    def _local_deletion(self, replica: _Replica, name: str) -> None:
        record = replica.synced.pop(name)
        cloud = self._cloud.get(name)
        if cloud is None or cloud.data is None:
            return
        if not self.settings.propagate_deletions or cloud.version > record.version:
            # not synced as a deletion, or changed elsewhere meanwhile (the edit wins): it comes back
            self._schedule_delivery(replica, name)
            return
        self._cloud[name] = _CloudFile(cloud.version + 1, None, 0, replica.spec.name)
        self._log("delete-upload", replica.spec.name, name, f"v{cloud.version + 1}")
        self._deliver_to_others(replica, name)

    def _keep_both(self, replica: _Replica, name: str) -> None:
        """Both sides changed ``name``: the local file becomes a conflict copy on this computer."""
        when = self.settings.start_time + timedelta(seconds=self._now)
        copy = conflict_copy_name(name, replica.spec, when, self.settings.conflict_style,
                                  lambda n: n in self._cloud or (replica.spec.folder / n).exists())
        os.replace(replica.spec.folder / name, replica.spec.folder / copy)
        replica.synced.pop(name, None)
        replica.observed.pop(name, None)
        self._log("conflict", replica.spec.name, name, copy)

    def _deliver(self, replica: _Replica, name: str) -> None:
        if replica.paused:
            return  # resume() delivers what was missed
        if name in replica.writing:
            self._schedule(self.settings.chunk_interval * 2, "deliver", lambda: self._deliver(replica, name))
            return
        cloud, record = self._cloud.get(name), replica.synced.get(name)
        if cloud is None or (record is not None and record.version >= cloud.version):
            return
        path = replica.spec.folder / name
        local = _signature(path)
        changed_here = local is not None and (record is None or record.signature != local)
        if cloud.data is None:
            self._deliver_deletion(replica, name, path, changed_here)
            return
        if changed_here:
            try:
                same = path.read_bytes() == cloud.data
            except FileNotFoundError:
                same, local = False, None
            if same and local is not None:
                replica.synced[name] = _Synced(cloud.version, local)
                return
            if local is not None:
                self._keep_both(replica, name)
        if self._rng.random() < self.settings.torn_write_probability:
            self._write_torn(replica, name, cloud)
        else:
            self._write_whole(replica, name, cloud)

    def _deliver_deletion(self, replica: _Replica, name: str, path: Path, changed_here: bool) -> None:
        if changed_here:
            return  # changed here after the other side deleted it: the scan uploads it again
        replica.synced.pop(name, None)
        replica.observed.pop(name, None)
        if path.exists():
            path.unlink()
            self._log("delete-deliver", replica.spec.name, name)

    def _write_whole(self, replica: _Replica, name: str, cloud: _CloudFile) -> None:
        assert cloud.data is not None
        path = replica.spec.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{PARTIAL_PREFIX}{self._rng.getrandbits(32):08x}-{path.name}{PARTIAL_SUFFIX}")
        with open(partial, "wb") as handle:
            handle.write(cloud.data)
            handle.flush()
            os.fsync(handle.fileno())
        if self.settings.keep_source_mtime:
            os.utime(partial, ns=(cloud.mtime_ns, cloud.mtime_ns))
        os.replace(partial, path)
        self._record_delivery(replica, name, cloud, "deliver")

    def _write_torn(self, replica: _Replica, name: str, cloud: _CloudFile) -> None:
        """Write in place, a chunk at a time, leaving the file torn between the chunks."""
        assert cloud.data is not None
        data, size = cloud.data, self.settings.chunk_bytes
        path = replica.spec.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        replica.writing.add(name)
        self._log("torn-start", replica.spec.name, name, f"v{cloud.version}")
        offsets = list(range(0, max(len(data), 1), size))

        def write_chunk(index: int) -> None:
            with open(path, "r+b" if path.exists() else "wb") as handle:
                handle.seek(offsets[index])
                handle.write(data[offsets[index]:offsets[index] + size])
                if index == len(offsets) - 1:
                    handle.truncate(len(data))
                    handle.flush()
                    os.fsync(handle.fileno())
            if index + 1 < len(offsets):
                self._schedule(self.settings.chunk_interval, "chunk", lambda: write_chunk(index + 1))
                return
            if self.settings.keep_source_mtime:
                os.utime(path, ns=(cloud.mtime_ns, cloud.mtime_ns))
            replica.writing.discard(name)
            self._record_delivery(replica, name, cloud, "torn-end")

        write_chunk(0)

    def _record_delivery(self, replica: _Replica, name: str, cloud: _CloudFile, kind: str) -> None:
        signature = _signature(replica.spec.folder / name)
        assert signature is not None
        replica.synced[name] = _Synced(cloud.version, signature)
        replica.observed.pop(name, None)
        self._log(kind, replica.spec.name, name, f"v{cloud.version} from {cloud.origin}")


def synced_folders(root: Path, computers: Sequence[tuple[str, str]]) -> list[SyncedFolder]:
    """``[(computer name, user), ...]`` → a folder ``root/<computer name>`` for each."""
    return [SyncedFolder(name, user, root / name) for name, user in computers]


__all__ = ["ConflictStyle", "SyncClient", "SyncEvent", "SyncNotSettled", "SyncSettings", "SyncedFolder",
           "conflict_copy_name", "is_own_partial", "is_side_file", "synced_folders", "write_whole"]
