"""Output files appear only when complete: built beside the target, then renamed into place,
so an interrupted export never leaves a broken file where the old one was."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

from aktgranskning.domain.errors import FileProblem


def build_atomically(build: Callable[[Path], None], target: Path) -> Path:
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        build(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        raise FileProblem(target, f"filen kunde inte skrivas ({exc.strerror}).") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return target
