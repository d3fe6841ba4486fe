"""Benchmark of a cold start: process start → the case list of a 20-akt file painted.

    python benchmarks/startup.py [--korningar 7]

Three programs, each started as a new Python process, interleaved, `--korningar` times each:

- **programmet**: `aktgranskning.app.start_window`, what `aktgranskning FIL` runs before the
  event loop — the window's real start path (arguments, logging, Swedish Qt texts, style, the
  main window, the file opened with its trust check and lock) — with an event filter that notes
  when the case list's table has been painted, then quits. Nothing in the product knows it is being measured.
- **golvet** (the floor of the chosen stack): a bare script that starts PySide6, reads the
  same file's case rows with SQLAlchemy Core and shows them in a QTableView.
- **bar PySide6**: the same window, reading the rows with the standard library's sqlite3.

Time is from just before the process is spawned until it reports the paint (wall clock, so
interpreter start-up is included); memory is the process's peak resident set (ru_maxrss from
wait4). Medians are printed with the ratios programmet/golvet (goal ≤ 1,5 for both time and
memory) and programmet/bar PySide6. "Cold" means a new process each time; the disk cache and
Python's bytecode caches are warm, the same for all three (the caches live in the temp folder,
written by one unmeasured warm-up start of each). Linux/macOS (wait4). `--fore MAPP` adds the
program from another checkout (one without `app.start_window`, run through its `gui.launch` steps) to the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.5
SHOWN = "VISAD"

# The paint probe, shared by the three children: when the table's viewport has been painted
# (the event has been handled), print the wall-clock time and the row count, and quit.
_PROBE = r'''
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer

class _Painted(QObject):
    def __init__(self, table, app):
        super().__init__()
        self.table, self.app, self.done = table, app, False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, self.report)  # after this paint event has been handled
        return False
    def report(self):
        at = time.time()
        package = getattr(sys.modules.get("aktgranskning"), "__file__", None) or "-"
        print("VISAD", repr(at), self.table.model().rowCount(), package, flush=True)
        self.app.quit()

def watch(table, app):
    probe = _Painted(table, app)
    table.viewport().installEventFilter(probe)
    return probe
'''

# Each program imports its Qt-free part before PySide6, as `aktgranskning FIL` does: once PySide6
# is loaded, its import hook reads the source of every module imported after it (see
# app._import_core_before_qt). The probe's own PySide6 imports therefore come after that part.
_APP = r'''
import sys
from aktgranskning.app import start_window, wants_cli

assert not wants_cli([sys.argv[1]]), "the file would be taken for a command"
started = start_window([sys.argv[1]])
assert started is not None, "the window did not start"
''' + _PROBE + r'''
app, window = started
assert window.pages.currentWidget() is window.case_list, "the case list is not the page shown"
probe = watch(window.case_list.table, app)
sys.exit(app.exec())
'''

_FLOOR = r'''
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, create_engine, select
''' + _PROBE + r'''
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView

app = QApplication(["golv"])
cases = Table("cases", MetaData(), Column("id", Integer, primary_key=True), Column("sequence", Integer),
              Column("case_number", String), Column("case_type", String), Column("gender", String),
              Column("age_group", String), Column("caseworker_code", String), Column("status", String),
              Column("is_reserve", Boolean))
engine = create_engine(f"sqlite:///{sys.argv[1]}")
with engine.connect() as connection:
    rows = connection.execute(select(cases).order_by(cases.c.sequence)).all()
engine.dispose()
model = QStandardItemModel(len(rows), len(cases.c))
model.setHorizontalHeaderLabels([c.name for c in cases.c])
for r, row in enumerate(rows):
    for c, value in enumerate(row):
        model.setItem(r, c, QStandardItem(str(value)))
table = QTableView()
table.setModel(model)
table.resize(1280, 760)
probe = watch(table, app)
table.show()
sys.exit(app.exec())
'''

_BARE = r'''
import sqlite3
''' + _PROBE + r'''
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView

app = QApplication(["bar"])
connection = sqlite3.connect(sys.argv[1])
columns = ["id", "sequence", "case_number", "case_type", "gender", "age_group", "caseworker_code", "status",
           "is_reserve"]
rows = connection.execute(f"SELECT {', '.join(columns)} FROM cases ORDER BY sequence").fetchall()
connection.close()
model = QStandardItemModel(len(rows), len(columns))
model.setHorizontalHeaderLabels(columns)
for r, row in enumerate(rows):
    for c, value in enumerate(row):
        model.setItem(r, c, QStandardItem(str(value)))
table = QTableView()
table.setModel(model)
table.resize(1280, 760)
probe = watch(table, app)
table.show()
sys.exit(app.exec())
'''

# An older checkout without app.start_window: the same steps as its run_gui, without the loop.
_OLDER_APP = _PROBE + r'''
from aktgranskning.gui import launch

args = launch.parse_gui_arguments([sys.argv[1]])
launch.configure_logging()
app = launch.create_application()
window = launch.build_main_window()
launch.install_error_reporter(window)
window.show()
window.open_file(args.fil, read_only=args.skrivskyddad)
assert window.pages.currentWidget() is window.case_list, "the case list is not the page shown"
probe = watch(window.case_list.table, app)
sys.exit(app.exec())
'''

PROGRAMS = {"programmet": _APP, "golvet": _FLOOR, "bar PySide6": _BARE}
BEFORE = "före"


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float
    rows: int
    package: str  # the aktgranskning that ran ("-" for the bare scripts)


def run_once(source: str, review_file: Path, environment: dict[str, str]) -> Run:
    folder = ROOT
    if source is _OLDER_APP:  # `-c` puts the working folder first on sys.path: the older checkout's
        folder = Path(environment["AKTGRANSKNING_FORE"])
        environment = dict(environment, PYTHONPATH=str(folder))
    start = time.time()
    process = subprocess.Popen([sys.executable, "-c", source, str(review_file)], cwd=folder, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    assert process.stdout is not None and process.stderr is not None
    output, errors = process.stdout.read(), process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    process.stderr.close()
    shown = [line.split() for line in output.splitlines() if line.startswith(SHOWN)]
    if process.returncode != 0 or not shown:
        raise SystemExit(f"Körningen misslyckades (kod {process.returncode}):\n{output}\n{errors}")
    _word, at, rows, package = shown[0][0], shown[0][1], shown[0][2], " ".join(shown[0][3:])
    peak_kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, KiB on Linux
    return Run(float(at) - start, peak_kib / 1024, int(rows), package)


def demo_review_file(folder: Path) -> Path:
    """A 20-akt granskningsfil (20 cases plus 5 reserves), the demo's first enhet."""
    sys.path.insert(0, str(ROOT))
    from aktgranskning.services.checklists import installed_checklists
    from aktgranskning.services.demo import DEMO_UNITS, demo_file_name, write_demo

    write_demo(folder / "demo", installed_checklists(), year=2026)
    return folder / "demo" / demo_file_name(DEMO_UNITS[0].unit, 2026)


def child_environment(folder: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    environment["AKTGRANSKNING_DATAMAPP"] = str(folder / "användardata")  # never the user's own settings
    # Bytecode cached as in any installation (pip and PyInstaller compile it), kept in the temp
    # folder: with PYTHONDONTWRITEBYTECODE the program's own modules would be compiled from source
    # on every start while the libraries' came precompiled.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment["PYTHONPYCACHEPREFIX"] = str(folder / "bytekod")
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environment.get("PYTHONPATH")]))
    return environment


def measure(runs: int, folder: Path, before: Path | None) -> dict[str, list[Run]]:
    review_file = demo_review_file(folder)
    environment = child_environment(folder)
    programs = dict(PROGRAMS)
    if before is not None:
        programs[BEFORE] = _OLDER_APP
        environment["AKTGRANSKNING_FORE"] = str(before)
    results: dict[str, list[Run]] = {name: [] for name in programs}
    for source in programs.values():  # one unmeasured warm-up each: bytecode caches, disk cache
        run_once(source, review_file, environment)
    for _ in range(runs):
        for name, source in programs.items():  # interleaved, so load on the machine hits all alike
            results[name].append(run_once(source, review_file, environment))
    return results


def report(results: dict[str, list[Run]]) -> bool:
    medians = {name: (statistics.median(r.seconds for r in runs), statistics.median(r.peak_mib for r in runs))
               for name, runs in results.items()}
    count = len(next(iter(results.values())))
    print(f"Kallstart till ärendelistan för en fil med 20 akter, median av {count} körningar var:")
    for name, (seconds, mib) in medians.items():
        rows = {r.rows for r in results[name]}
        spread = ", ".join(f"{r.seconds:.2f}" for r in results[name])
        print(f"  {name:<12} {seconds:6.3f} s  {mib:6.1f} MiB  ({'/'.join(map(str, rows))} rader; s: {spread})")
    app_s, app_mib = medians["programmet"]
    floor_s, floor_mib = medians["golvet"]
    bare_s, bare_mib = medians["bar PySide6"]
    time_ratio, memory_ratio = app_s / floor_s, app_mib / floor_mib
    print(f"Programmet / golvet (PySide6 + SQLAlchemy Core): tid {time_ratio:.2f}×, minne {memory_ratio:.2f}× "
          f"(mål ≤ {GOAL:g}×)")
    print(f"Programmet / bar PySide6 (utan SQLAlchemy):      tid {app_s / bare_s:.2f}×, "
          f"minne {app_mib / bare_mib:.2f}×")
    for name in ("programmet", BEFORE):
        if name in results:
            print(f"  ({name}: {', '.join(sorted({r.package for r in results[name]}))})")
    if BEFORE in medians:
        before_s, before_mib = medians[BEFORE]
        print(f"Före / golvet:                                   tid {before_s / floor_s:.2f}×, minne "
              f"{before_mib / floor_mib:.2f}×")
    reached = time_ratio <= GOAL and memory_ratio <= GOAL
    print("Målet är nått." if reached else "Målet är INTE nått.")
    return reached


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--korningar", type=int, default=7, help="kalla starter per program (minst 5)")
    parser.add_argument("--fore", type=Path, metavar="MAPP",
                        help="mät också programmet i en annan utcheckning (t.ex. före en ändring) i samma körning")
    args = parser.parse_args()
    if args.korningar < 5:
        parser.error("minst 5 körningar behövs för en median")
    folder = Path(tempfile.mkdtemp(prefix="aktgranskning-start-"))
    try:
        reached = report(measure(args.korningar, folder, args.fore))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if reached else 1


if __name__ == "__main__":
    sys.exit(main())
