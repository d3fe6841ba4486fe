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


_workbooks: dict[int, Path] = {}


def copy_demo_workbooks(folder: Path, year: int = 2026, units: Sequence[str] | None = None) -> list[Path]:
    """The enhet workbook (`rapport` without a comparison) of each of the demo's enheter (or of
    `units`) for `year` (this year's or last year's files of the 2026 demo), written once per
    process and copied into `folder`: `<enhet> <year>.xlsx`."""
    if year not in _workbooks:
        from aktgranskning.services.demo import DEMO_UNITS
        from aktgranskning.services.opening import open_for_reading
        from aktgranskning.services.report import export_unit_report, unit_report

        files = copy_demo(_template_root() / f"for-arbetsbocker-{year}")
        template = _template_root() / f"arbetsbocker-{year}"
        for unit in DEMO_UNITS:
            source = next(p for p in files if p.name == f"{unit.unit} {year}.granskning")
            session = open_for_reading(source)
            try:
                export_unit_report(unit_report(session), template / f"{unit.unit} {year}.xlsx", None)
            finally:
                session.close()
        _workbooks[year] = template
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for workbook in sorted(_workbooks[year].iterdir()):
        if units is not None and workbook.stem.removesuffix(f" {year}") not in units:
            continue
        written.append(Path(shutil.copy2(workbook, folder / workbook.name)))
    return written
