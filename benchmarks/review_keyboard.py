"""Benchmark of the reviewer window: keystrokes per case, and key press → answer durable on disk.

    python benchmarks/review_keyboard.py [--svar 400]

(a) Keystrokes to finish a case from the keyboard (goal: one per applicable question plus one).
(b) Time from a key press in the review view until the answer is durable in the file (the
    service writes the whole file beside it, flushes and renames it over before the key handler
    returns; storage/whole_file.py; timed when the rename and the folder's flush have returned),
    median and 99th percentile, next to two floors measured on the
    same disk in the same run: a bare sqlite3 insert+commit with the same durability
    (journal_mode=DELETE, synchronous=EXTRA: the commit and its folder are flushed), and a bare
    write of a file of the same size as the working copy (the file a key press writes) beside +
    fsync + rename + folder fsync. Goal: within 2× of the bare commit; the ratio to the second
    floor (the same I/O as the program's) is printed too. The floors alternate with the key
    presses, one of each after every press, so both sides of the ratio see the same disk; the
    bare commit is also timed on its own after the run, and that ratio is printed beside.
    `--jamfor-lagen` also times bare commits in TRUNCATE+FULL and WAL+FULL.
    The files are written in the system temp folder, or under `--mapp MAPP` to measure another disk.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aktgranskning.gui.background import wait_until_idle


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class BareCommit:
    """The floor: one insert+commit in a bare sqlite3 database with the given durability."""

    def __init__(self, folder: Path, journal_mode: str, synchronous: str) -> None:
        self.connection = sqlite3.connect(folder / f"bare-{journal_mode}-{synchronous}.sqlite", isolation_level=None)
        self.connection.execute(f"PRAGMA journal_mode={journal_mode}")
        self.connection.execute(f"PRAGMA synchronous={synchronous}")
        self.connection.execute("CREATE TABLE IF NOT EXISTS answers (case_id INTEGER, question_id TEXT, answer TEXT, "
                                "PRIMARY KEY (case_id, question_id))")
        self.count = 0

    def once(self) -> float:
        self.count += 1
        start = time.perf_counter()
        self.connection.execute("BEGIN")
        self.connection.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                                (self.count % 25, f"q{self.count % 22}", "Ja" if self.count % 2 else "Nej"))
        self.connection.execute("COMMIT")
        return time.perf_counter() - start

    def close(self) -> None:
        self.connection.close()


class BareReplacement:
    """The floor of the program's own way of saving: a file of the same size written beside,
    flushed, renamed over and the folder flushed."""

    def __init__(self, folder: Path) -> None:
        from aktgranskning.atomic_file import replace_durably

        self.replace = replace_durably
        self.target = folder / "ren-ersattning.bin"
        self.data = b""

    def once(self, size: int) -> float:
        if len(self.data) < size:
            self.data = os.urandom(2 * size)
        data = self.data[:size]
        start = time.perf_counter()
        self.replace(self.target, data)
        return time.perf_counter() - start


def bare_commits(folder: Path, count: int, journal_mode: str, synchronous: str) -> list[float]:
    floor = BareCommit(folder, journal_mode, synchronous)
    try:
        return [floor.once() for _ in range(count)]
    finally:
        floor.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svar", type=int, default=400, help="antal tangenttryck att mäta")
    parser.add_argument("--jamfor-lagen", action="store_true",
                        help="mät också en ren commit i lägena TRUNCATE+FULL och WAL+FULL")
    parser.add_argument("--mapp", type=Path, metavar="MAPP",
                        help="mät på den disk där MAPP ligger (standard: systemets temporära mapp; välj en "
                             "annan om den ligger i minnet, tmpfs, där en flush inte kostar något)")
    args = parser.parse_args()

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from aktgranskning.domain.answers import Answer
    from aktgranskning.domain.case import CaseStatus
    from aktgranskning.gui.launch import create_application
    from aktgranskning.gui.question_row import QuestionRow
    from aktgranskning.gui.review_page import ReviewPage
    from aktgranskning.services.checklists import installed_checklists
    from aktgranskning.services.demo import write_demo
    from aktgranskning.services.opening import open_review_file
    from aktgranskning.storage import whole_file
    from aktgranskning.storage.engine import JOURNAL_MODE, SYNCHRONOUS

    with tempfile.TemporaryDirectory(prefix="aktgranskning-tangenter-", dir=args.mapp) as folder_name:
        folder = Path(folder_name)
        os.environ["AKTGRANSKNING_DATAMAPP"] = str(folder / "anvandare")
        _app = create_application()  # held: the page needs the application alive
        path = write_demo(folder / "demo", installed_checklists(), year=2026)[0]
        session = open_review_file(path, reviewer="benchmark")
        page = ReviewPage()
        page.resize(1366, 768)
        page.show()
        page.activateWindow()
        wait_until_idle()

        # (a) keystrokes to finish each not-started case type from the keyboard
        print("(a) Tangenttryck för att göra klart en akt")
        done_types: set[str] = set()
        for case in session.cases():
            if case.status is not CaseStatus.NOT_STARTED or not case.in_sample or case.case_type in done_types:
                continue
            page.show_case(session, case.id)
            wait_until_idle()
            keys = 0
            while isinstance(QApplication.focusWidget(), QuestionRow):
                QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_J)
                keys += 1
            QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
            keys += 1
            finished = session.case(case.id).status is CaseStatus.DONE
            applicable = sum(1 for s in session.question_states(case.id) if s.applicability.value == "applicable")
            print(f"    {session.checklist_for(case).title}: {keys} tangenttryck, {applicable} frågor som gäller "
                  f"(mål {applicable + 1}); klar: {'ja' if finished else 'NEJ'}")
            done_types.add(case.case_type)

        # (b) key press → durable answer
        target = next(c for c in session.cases() if c.in_sample and c.status is not CaseStatus.DROPOUT
                      and c.status is not CaseStatus.DONE)
        page.show_case(session, target.id)
        wait_until_idle()
        row = page.rows[0]
        # every press changes the answer, so every press writes the file
        starts_with_yes = row.state is not None and row.state.stored is Answer.YES
        keys = (Qt.Key.Key_N, Qt.Key.Key_J) if starts_with_yes else (Qt.Key.Key_J, Qt.Key.Key_N)
        durable_at: list[float] = []
        returned_at: list[float] = []
        written_sizes: list[int] = []
        real_replace, real_set_answer = whole_file.replace_durably, session.set_answer

        def timed_replace(target: Path, data: bytes) -> None:
            written_sizes.append(len(data))
            real_replace(target, data)
            durable_at.append(time.perf_counter())  # renamed over and the folder flushed: durable

        def timed_set_answer(*call_args, **call_kwargs):  # type: ignore[no-untyped-def]
            view = real_set_answer(*call_args, **call_kwargs)
            returned_at.append(time.perf_counter())  # with what the page redraws
            return view

        whole_file.replace_durably = timed_replace  # type: ignore[assignment]
        session.set_answer = timed_set_answer  # type: ignore[method-assign]
        # the floors alternate with the key presses, so that a disk that slows down or speeds
        # up during the run moves both sides of the ratio alike
        bare_commit = BareCommit(folder, JOURNAL_MODE, SYNCHRONOUS)
        bare_replacement = BareReplacement(folder)
        latencies, returned, screen, bare, replaced = [], [], [], [], []
        for index in range(args.svar):
            bare.append(bare_commit.once())
            if written_sizes:  # as large as the file the previous key press wrote
                replaced.append(bare_replacement.once(written_sizes[-1]))
            row.setFocus()
            start = time.perf_counter()
            QTest.keyClick(row, keys[index % 2])
            screen.append(time.perf_counter() - start)
            assert len(durable_at) == index + 1, "a key press did not write the file exactly once"
            latencies.append(durable_at[-1] - start)
            returned.append(returned_at[-1] - start)
        whole_file.replace_durably = real_replace  # type: ignore[assignment]
        # the answer is on disk in the reviewer's working copy (the enhet's file is never written)
        with sqlite3.connect(session.store.path) as check:
            last = check.execute("SELECT answer FROM answers WHERE case_id = ? AND question_id = ?",
                                 (target.id, row.question.id)).fetchone()[0]
        assert last == {Qt.Key.Key_J: "Ja", Qt.Key.Key_N: "Nej"}[keys[(args.svar - 1) % 2]], last
        bare_commit.close()
        alone = bare_commits(folder, args.svar, JOURNAL_MODE, SYNCHRONOUS)  # the floor on its own, after
        others = {f"{mode}+{sync}": bare_commits(folder, args.svar, mode, sync)
                  for mode, sync in (("TRUNCATE", "FULL"), ("WAL", "FULL"))} if args.jamfor_lagen else {}
        session.close()

    app_median, app_p99 = statistics.median(latencies) * 1000, percentile(latencies, 0.99) * 1000
    bare_median, bare_p99 = statistics.median(bare) * 1000, percentile(bare, 0.99) * 1000
    print(f"(b) Från tangenttryck till sparat svar på disk ({args.svar} svar)")
    mode = f"{JOURNAL_MODE.upper()}+{SYNCHRONOUS}"
    print(f"    Aktgranskning (hela filen ersätts):  median {app_median:.2f} ms, 99:e percentilen {app_p99:.2f} ms")
    print(f"    sqlite3 insert+commit ({mode}): median {bare_median:.2f} ms, 99:e percentilen {bare_p99:.2f} ms")
    path_size_kb = statistics.median(written_sizes) / 1024
    print(f"    skriv {path_size_kb:.0f} kB bredvid + fsync + byt namn + fsync mapp: median "
          f"{statistics.median(replaced) * 1000:.2f} ms, 99:e percentilen {percentile(replaced, 0.99) * 1000:.2f} ms")
    for name, times in others.items():
        print(f"    sqlite3 insert+commit ({name}): median {statistics.median(times) * 1000:.2f} ms, "
              f"99:e percentilen {percentile(times, 0.99) * 1000:.2f} ms")
    alone_median = statistics.median(alone) * 1000
    print(f"    sqlite3 insert+commit ({mode}), för sig efter körningen: median {alone_median:.2f} ms, "
          f"99:e percentilen {percentile(alone, 0.99) * 1000:.2f} ms")
    print(f"    Kvot (median):           {app_median / bare_median:.2f}× (mål: högst 2×); "
          f"mot golvet för sig efter körningen {app_median / alone_median:.2f}×")
    print(f"    Kvot mot samma skrivning (hela filen bredvid + fsync + byt namn + fsync mapp): "
          f"{app_median / (statistics.median(replaced) * 1000):.2f}×")
    print(f"    Tillbaka hos sidan med det den ritar om: median {statistics.median(returned) * 1000:.2f} ms, "
          f"99:e percentilen {percentile(returned, 0.99) * 1000:.2f} ms")
    print(f"    Till skärmen uppdaterad: median {statistics.median(screen) * 1000:.2f} ms, "
          f"99:e percentilen {percentile(screen, 0.99) * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
