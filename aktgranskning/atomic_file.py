"""Output files appear only when complete: built beside the target, then renamed into place,
so an interrupted export never leaves a broken file where the old one was."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from aktgranskning.domain.errors import FileProblem


def build_atomically(build: Callable[[Path], object], target: Path) -> Path:
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        build(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        raise FileProblem(target, f"filen kunde inte skrivas ({exc.strerror}).") from exc
    finally:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass  # e.g. the folder is a file: nothing was made there, and the message above says why
    return target


def replace_durably(target: Path, data: bytes) -> None:
    """Put `data` at `target` whole or not at all, and on disk before returning: written beside
    the target, flushed, renamed over it, and the folder flushed so the rename survives power
    loss. Readers see the old file or the new one, never a mixture; a copy, a sync client or a
    network share carries a whole file. The target's permission bits are kept."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            os.chmod(temporary, os.stat(target).st_mode & 0o7777)
        except FileNotFoundError:
            pass
        _replace_patiently(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_folder(target.parent)


def _replace_patiently(source: Path, target: Path) -> None:
    """os.replace, retried briefly: on Windows a reader, a virus scanner or a sync client that has
    the target open makes the rename fail for a moment (a sharing violation)."""
    for attempt in range(20):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 19:
                raise
            time.sleep(0.05)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename or a new name) to disk where the system allows it."""
    if os.name == "nt":
        return  # NTFS journals its metadata; a folder cannot be opened for fsync there
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some network filesystems refuse fsync on a folder; the rename is still atomic
    finally:
        os.close(descriptor)


def is_leftover_of(name: str, candidate: str) -> bool:
    """Whether `candidate` is a temporary file `replace_durably` or `build_atomically` left beside
    `name` when the process was killed before the rename."""
    return re.fullmatch(rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.tmp", candidate) is not None
