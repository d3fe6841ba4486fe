"""A shared folder on a filesystem that behaves like a network share between computers: no shared
memory and no working byte-range locks.

What it simulates, and on what it is modelled:

* **No shared memory.** The passthrough is mounted with ``direct_io``, so the kernel keeps no page
  cache for its files and a shared ``mmap`` of a file fails (``ENODEV``), as it does between two
  computers on SMB or NFS. SQLite's WAL index (``-shm``) therefore cannot work there, exactly as
  SQLite's "SQLite over a network" page warns.
* **No working byte-range locks** (``locks="ignored"``, the default). Every ``fcntl`` lock request
  succeeds, so two processes never exclude each other — as on a share mounted with ``nobrl``
  (CIFS) or ``nolock`` (NFS), or a NAS whose lock manager does not carry locks between clients:
  each process behaves like a computer of its own. (``F_GETLK`` may still report a lock another
  process was granted: libfuse's high-level API answers it from its own table before asking the
  filesystem. It never stops anyone.) With
  ``locks="local"`` the kernel keeps the locks on this machine instead (what
  the network-share test uses), so processes here do exclude each other.
* Hard links are refused (``EROFS``), as fusepy's default and many SMB servers do.
* A rename over a file is atomic, also while another process has that file open (as on the
  backing filesystem; libfuse's default would make the name vanish for a moment).

Usage (in a test; several processes may use the mount point at once)::

    with mounted_share(tmp_path / "lagring") as share:
        ...  # share is a Path to the mount point; files land in tmp_path / "lagring"

The FUSE server runs in a subprocess of its own (this file run as a script), so a test process
that reads and writes the share never deadlocks against its own filesystem. When FUSE cannot be
mounted here (no /dev/fuse, no fusermount, no libfuse2 for fusepy) the test is skipped with the
reason; ``.ci/run`` installs fuse3 and libfuse2 so that in CI it runs.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

LockMode = Literal["ignored", "local"]
MOUNT_TIMEOUT_SECONDS = 15.0
F_GETLK, F_UNLCK = 5, 2  # Linux values; the server only runs on Linux


def fuse_unavailable_reason() -> str:
    """Why FUSE cannot be mounted on this machine, in Swedish; empty when it can."""
    if not os.path.exists("/dev/fuse"):
        return "/dev/fuse saknas på den här datorn"
    if _fusermount() is None:
        return "fusermount saknas (apt-get install fuse3)"
    try:
        import fuse  # noqa: F401  (fusepy, needs libfuse.so.2)
    except (ImportError, OSError) as exc:
        return f"fusepy/libfuse2 saknas ({exc})"
    return ""


def _fusermount() -> str | None:
    return shutil.which("fusermount") or shutil.which("fusermount3")


@contextmanager
def mounted_share(backing_dir: Path, mount_point: Path | None = None, *, locks: LockMode = "ignored",
                  threads: bool = True) -> Iterator[Path]:
    """Mount ``backing_dir`` through the passthrough and yield the mount point (a new temporary
    folder unless one is given). Unmounts on exit, lazily if something still holds a file open, and
    fails the test if the unmount did not succeed. Skips the test when FUSE cannot mount here."""
    import pytest

    reason = fuse_unavailable_reason()
    if reason:
        pytest.skip(f"FUSE kan inte monteras här: {reason}")
    backing_dir.mkdir(parents=True, exist_ok=True)
    own_mount_point = mount_point is None
    target = Path(tempfile.mkdtemp(prefix="delad-")) if mount_point is None else mount_point
    target.mkdir(parents=True, exist_ok=True)
    server = _start_server(backing_dir, target, locks, threads)
    try:
        _wait_for_mount(server, target)
        yield target
    finally:
        unmounted = _unmount(server, target)
        if own_mount_point and not os.path.ismount(target):
            target.rmdir()
    assert unmounted == "", f"FUSE-delningen {target} kunde inte avmonteras: {unmounted}"


def _start_server(backing: Path, target: Path, locks: LockMode, threads: bool) -> subprocess.Popen[str]:
    command = [sys.executable, str(Path(__file__).resolve()), str(backing), str(target), "--locks", locks]
    if not threads:
        command.append("--single-thread")
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_mount(server: subprocess.Popen[str], target: Path) -> None:
    import pytest

    deadline = time.monotonic() + MOUNT_TIMEOUT_SECONDS
    while not os.path.ismount(target):
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            _, errors = server.communicate()
            pytest.skip(f"FUSE kan inte monteras här: {errors.strip()[-300:]}")
        time.sleep(0.02)


def _unmount(server: subprocess.Popen[str], target: Path) -> str:
    """Unmount and stop the server; the error text, or empty when the share came down cleanly."""
    fusermount = _fusermount() or "fusermount"
    result = subprocess.run([fusermount, "-u", str(target)], capture_output=True, text=True, timeout=30)
    error = ""
    if result.returncode != 0:  # a process still holds a file open: detach it anyway
        error = result.stderr.strip()
        subprocess.run([fusermount, "-u", "-z", str(target)], capture_output=True, timeout=30)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    if server.stdout:
        server.stdout.close()
    if server.stderr:
        server.stderr.close()
    return error


# --- the server (runs in its own process) -------------------------------------------------------
class _Flock(ctypes.Structure):
    """struct flock on Linux (x86-64 and aarch64)."""
    _fields_ = [("l_type", ctypes.c_short), ("l_whence", ctypes.c_short), ("l_start", ctypes.c_int64),
                ("l_len", ctypes.c_int64), ("l_pid", ctypes.c_int)]


def _passthrough_class() -> type:
    from fuse import FuseOSError, Operations  # fusepy; imported here so the helpers above need no libfuse

    class Passthrough(Operations):  # type: ignore[misc]
        """Every call goes to the same path under ``root``; times in nanoseconds."""

        use_ns = True

        def __init__(self, root: str, locks: LockMode) -> None:
            self.root = root
            if locks == "ignored":
                self.lock = self._ignore_lock  # registering `lock` makes the kernel ask us

        def _full(self, path: str) -> str:
            return os.path.join(self.root, path.lstrip("/"))

        def _ignore_lock(self, path: str, fh: int, cmd: int, lock: int) -> int:
            if cmd == F_GETLK:  # reached only when libfuse's own table knows no conflicting lock
                _Flock.from_address(lock).l_type = F_UNLCK
            return 0  # granted, and nobody is ever kept out

        def access(self, path: str, mode: int) -> None:
            if not os.access(self._full(path), mode):
                raise FuseOSError(errno.EACCES)

        def chmod(self, path: str, mode: int) -> None:
            os.chmod(self._full(path), mode)

        def chown(self, path: str, uid: int, gid: int) -> None:
            os.chown(self._full(path), uid, gid)

        def getattr(self, path: str, fh: Any = None) -> dict[str, Any]:
            st = os.lstat(self._full(path))
            return {"st_atime": st.st_atime_ns, "st_ctime": st.st_ctime_ns, "st_mtime": st.st_mtime_ns,
                    "st_gid": st.st_gid, "st_mode": st.st_mode, "st_nlink": st.st_nlink,
                    "st_size": st.st_size, "st_uid": st.st_uid}

        def readdir(self, path: str, fh: Any) -> list[str]:
            return [".", "..", *os.listdir(self._full(path))]

        def mkdir(self, path: str, mode: int) -> None:
            os.mkdir(self._full(path), mode)

        def rmdir(self, path: str) -> None:
            os.rmdir(self._full(path))

        def mknod(self, path: str, mode: int, dev: int) -> None:
            os.mknod(self._full(path), mode, dev)

        def statfs(self, path: str) -> dict[str, Any]:
            sv = os.statvfs(self._full(path))
            return {key: getattr(sv, key) for key in ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail",
                                                       "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")}

        def unlink(self, path: str) -> None:
            os.unlink(self._full(path))

        def rename(self, old: str, new: str) -> None:
            os.rename(self._full(old), self._full(new))

        def utimens(self, path: str, times: Any = None) -> None:
            if times is None:
                os.utime(self._full(path))
            else:
                os.utime(self._full(path), ns=(int(times[0]), int(times[1])))

        def open(self, path: str, flags: int) -> int:
            return os.open(self._full(path), flags)

        def create(self, path: str, mode: int, fi: Any = None) -> int:
            return os.open(self._full(path), os.O_RDWR | os.O_CREAT | os.O_TRUNC, mode)

        def read(self, path: str, length: int, offset: int, fh: int) -> bytes:
            return os.pread(fh, length, offset)

        def write(self, path: str, buf: bytes, offset: int, fh: int) -> int:
            return os.pwrite(fh, buf, offset)

        def truncate(self, path: str, length: int, fh: Any = None) -> None:
            if fh is not None:
                os.ftruncate(fh, length)
            else:
                os.truncate(self._full(path), length)

        def flush(self, path: str, fh: int) -> None:
            os.fsync(fh)

        def release(self, path: str, fh: int) -> None:
            os.close(fh)

        def fsync(self, path: str, datasync: int, fh: int) -> None:
            os.fsync(fh)

    return Passthrough


def serve(backing: str, mount_point: str, locks: LockMode, threads: bool) -> None:
    from fuse import FUSE

    # hard_remove: without it libfuse's high-level API hides the target of a rename that someone
    # has open as .fuse_hidden… first, so a rename over an open file is not atomic (the name is
    # missing for a moment). The backing filesystem's rename is; keep it so.
    FUSE(_passthrough_class()(backing, locks), mount_point, foreground=True, direct_io=True,
         nothreads=not threads, hard_remove=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="FUSE-genomströmning utan delat minne (för tester).")
    parser.add_argument("backing")
    parser.add_argument("mount_point")
    parser.add_argument("--locks", choices=["ignored", "local"], default="ignored")
    parser.add_argument("--single-thread", action="store_true")
    args = parser.parse_args()
    serve(args.backing, args.mount_point, args.locks, threads=not args.single_thread)


if __name__ == "__main__":
    main()
