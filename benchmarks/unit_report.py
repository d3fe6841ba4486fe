"""How long one enhet's report takes: read the file, compute, write the workbook and the PDF.

    python benchmarks/unit_report.py [--runs 10]

Goal (issue #5): workbook and PDF for one enhet well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.demo import write_demo
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.report import export_unit_report, unit_report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        demo = Path(folder) / "demo"
        write_demo(demo, installed_checklists(), year=2026)
        source, previous = demo / "Utredning barn 2026.granskning", demo / "Utredning barn 2025.granskning"
        timings: dict[str, list[float]] = {"läsa och räkna": [], "Excel": [], "pdf": [], "totalt": []}
        for run in range(args.runs + 1):  # the first run warms up imports and font loading
            start = time.perf_counter()
            session = open_for_reading(source)
            try:
                report = unit_report(session, previous)
            finally:
                session.close()
            computed = time.perf_counter()
            export_unit_report(report, Path(folder) / "r.xlsx", None)
            workbook = time.perf_counter()
            export_unit_report(report, None, Path(folder) / "r.pdf")
            done = time.perf_counter()
            if run == 0:
                first = done - start
                continue
            timings["läsa och räkna"].append(computed - start)
            timings["Excel"].append(workbook - computed)
            timings["pdf"].append(done - workbook)
            timings["totalt"].append(done - start)
    print(f"Enhetsrapport (Utredning barn 2026 mot 2025, 36 frågor, 21 akter), {args.runs} körningar:")
    print(f"  första körningen (med import och typsnitt): {first * 1000:.0f} ms")
    for name, values in timings.items():
        print(f"  {name:<16} median {statistics.median(values) * 1000:6.0f} ms   max {max(values) * 1000:6.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
