"""Merging 300 enhet workbooks (20 cases each) into a summary, next to the time python-calamine
needs merely to read the same files, in the same run.

    python benchmarks/summary_300.py [--enheter 300]

Goal (issue #14, item 6): reading, merging and writing the workbook and JSON within 2× of the
read-only floor. Peak memory is printed too.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from python_calamine import CalamineWorkbook

from aktgranskning.domain.unit_report import build_report
from aktgranskning.excel.unit_workbook import write_unit_workbook
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.demo import DEMO_UNITS, write_demo
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.summary import build_summary, export_summary
from aktgranskning.services.unit_data import unit_data_of


def write_workbooks(folder: Path, count: int) -> None:
    demo = folder / "demo"
    write_demo(demo, installed_checklists(), year=2026)
    templates = []
    for unit in DEMO_UNITS:
        session = open_for_reading(demo / f"{unit.unit} 2025.granskning")  # finished: 20 cases each
        try:
            templates.append(unit_data_of(session))
        finally:
            session.close()
    out = folder / "enheter"
    out.mkdir()
    for number in range(count):
        template = templates[number % len(templates)]
        identity = dataclasses.replace(template.identity, unit=f"Enhet {number:03d}", area=f"Område {number % 12:02d}",
                                       file_uuid=f"00000000-0000-0000-0000-{number:012d}")
        data = dataclasses.replace(template, identity=identity)
        target = out / f"Enhet {number:03d} 2025.xlsx"
        write_unit_workbook(build_report(data), target, "2026-01-10T10:00:00+01:00", "bench")


def calamine_floor(files: list[Path]) -> int:
    cells = 0
    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            cells += sum(len(row) for row in book.get_sheet_by_name(name).to_python())
    return cells


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enheter", type=int, default=300)
    parser.add_argument("--varv", type=int, default=3,
                        help="golvet och sammanställningen körs omväxlande så många gånger; den snabbaste tiden visas")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        started = time.perf_counter()
        write_workbooks(folder, args.enheter)
        print(f"Skrev {args.enheter} enhetsfiler på {time.perf_counter() - started:.1f} s (ingår inte i mätningen).")
        files = sorted((folder / "enheter").glob("*.xlsx"))
        # The set-up's objects (300 reports written with openpyxl) would otherwise be walked by
        # every full garbage collection during the measurement; `aktgranskning sammanstall` starts
        # without them.
        gc.collect()
        gc.freeze()
        size = sum(p.stat().st_size for p in files) / 1e6

        # Alternating rounds, the fastest of each: on a shared machine one round of either can be
        # slowed by other work, which says nothing about the code.
        floors, merges, totals = [], [], []
        for _ in range(args.varv):
            start = time.perf_counter()
            cells = calamine_floor(files)
            floors.append(time.perf_counter() - start)

            start = time.perf_counter()
            summary = build_summary([folder / "enheter"])
            merges.append(time.perf_counter() - start)
            export_summary(summary, folder / "summa.xlsx", folder / "summa.json")
            totals.append(time.perf_counter() - start)
        floor, merged, total = min(floors), min(merges), min(totals)

        tracemalloc.start()  # a second pass for memory: tracing slows Python down several times
        export_summary(build_summary([folder / "enheter"]), folder / "summa2.xlsx", None)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"{len(files)} filer, {size:.1f} MB, {cells} celler.")
    print(f"Snabbaste av {args.varv} omväxlande varv:")
    print(f"  python-calamine läser alla blad i alla filer:   {floor:6.2f} s  (golvet)")
    print(f"  Aktgranskning läser och sammanställer:          {merged:6.2f} s  ({merged / floor:.1f}× golvet)")
    print(f"  … och skriver Excel och JSON:                   {total:6.2f} s  ({total / floor:.1f}× golvet)")
    print(f"  minne: högst {peak / 1e6:.0f} MB Python-objekt under sammanställningen, "
          f"processen högst {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"  {len(summary.units())} enheter, {len(summary.areas())} områden, {len(summary.questions)} frågor.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
