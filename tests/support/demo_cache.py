"""The demo's granskningsfiler, written once per test process and copied where a test wants them.

`write_demo` builds eight files through the whole write path (about 1.5 s); some twenty modules
start from it. Each gets a byte-for-byte copy of the same files instead, so they keep the demo's
file ids: a test that needs two *different* files for one enhet (another file id) asks for
another seed, which is written (and cached) separately. The templates live in one temporary
folder of the process, removed when it ends.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from aktgranskning.domain.checklist import Checklist

_templates: dict[tuple[object, ...], tuple[Path, list[str]]] = {}
_root: Path | None = None


def _template_root() -> Path:
    global _root
    if _root is None:
        _root = Path(tempfile.mkdtemp(prefix="aktgranskning-demo-mall-"))
        atexit.register(shutil.rmtree, _root, True)
    return _root


def _key(checklists: Sequence[Checklist], year: int, seed: int) -> tuple[object, ...]:
    fingerprint = hashlib.sha256("\n".join(repr(c) for c in checklists).encode()).hexdigest()
    return (year, seed, fingerprint)


def copy_demo(folder: Path, checklists: Sequence[Checklist] | None = None, year: int = 2026,
              seed: int = 2026) -> list[Path]:
    """What `write_demo(folder, checklists, year, seed)` writes, in the same order; `checklists`
    defaults to the installed ones, as the demo command uses."""
    if checklists is None:
        from aktgranskning.services.checklists import installed_checklists

        checklists = installed_checklists()
    key = _key(checklists, year, seed)
    if key not in _templates:
        from aktgranskning.services.demo import write_demo

        template = _template_root() / f"mall-{len(_templates)}"
        written = write_demo(template, checklists, year=year, seed=seed)
        _templates[key] = (template, [p.name for p in written])
    template, names = _templates[key]
    folder.mkdir(parents=True, exist_ok=True)
    for entry in template.iterdir():
        shutil.copy2(entry, folder / entry.name)
    return [folder / name for name in names]
