"""Benchmark: 2, 4 and 8 reviewers working at once on one enhet in one shared folder.

    python benchmarks/reviewers_together.py [--sekunder 6] [--antal 2 4 8] [--mapp MAPP]

Every reviewer is a process of its own with its own data folder (a computer of its own), using
the services the window uses: it answers as fast as it can (set_answer on random questions of
random akter), writes a time-stamped comment every tenth change, and reads the folder every
0.5 s as the window does (refresh_from_folder). Printed per configuration:
- answers per second per reviewer (median over reviewers);
- key press → durable: the longest and the 99th percentile of set_answer (the working copy is
  written whole, flushed and renamed before it returns);
- answer → shown on another reviewer's screen: from the moment a comment was confirmed to the
  moment another reviewer's refresh showed it (median and longest), which includes the background
  publication to the folder and the polling interval;
next to the floor measured in the same run on the same disk: a bare sqlite3 insert+commit with
journal_mode=DELETE, synchronous=EXTRA.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

POLL_SECONDS = 0.5


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def bare_commit_floor(folder: Path, count: int = 200) -> float:
    path = folder / "ren.sqlite"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.execute("PRAGMA synchronous=EXTRA")
    connection.execute("CREATE TABLE a (k INTEGER PRIMARY KEY, v TEXT)")
    times = []
    for index in range(count):
        start = time.perf_counter()
        connection.execute("BEGIN")
        connection.execute("INSERT OR REPLACE INTO a VALUES (?, 'Ja')", (index % 50,))
        connection.execute("COMMIT")
        times.append(time.perf_counter() - start)
    connection.close()
    return statistics.median(times)


def reviewer(name: str, enhet: str, data: str, seconds: float, start_at: float, out: str) -> None:
    os.environ["AKTGRANSKNING_DATAMAPP"] = data
    from aktgranskning.domain.answers import Answer
    from aktgranskning.domain.errors import UserError
    from aktgranskning.services.opening import open_review_file

    session = open_review_file(Path(enhet), reviewer=name)
    rng = random.Random(name)
    pairs = [(c.id, q.id) for c in session.cases() if c.in_sample and c.status.value != "bortfall"
             for q in session.checklist_for(c).questions() if q.condition is None]
    durable: list[float] = []
    seen: dict[str, float] = {}
    shown: list[float] = []
    while time.time() < start_at:
        time.sleep(0.01)
    end = start_at + seconds
    next_poll = time.time() + POLL_SECONDS
    count = 0
    while time.time() < end:
        case_id, question_id = rng.choice(pairs)
        count += 1
        began = time.perf_counter()
        try:
            if count % 10 == 0:
                session.set_comment(case_id, question_id, f"{name}|{time.time():.6f}")
            else:
                session.set_answer(case_id, question_id, rng.choice([Answer.YES, Answer.NO]))
                durable.append(time.perf_counter() - began)
        except UserError:
            continue
        if time.time() >= next_poll:
            next_poll = time.time() + POLL_SECONDS
            changed = session.refresh_from_folder()
            now = time.time()
            for case_id in changed:
                if case_id < 0:
                    continue
                for state in session.question_states(case_id):
                    parts = state.comment.split("|")
                    if len(parts) == 2 and parts[0] != name and state.comment not in seen:
                        seen[state.comment] = now
                        shown.append(now - float(parts[1]))
    session.close()
    Path(out).write_text(json.dumps({"answers": len(durable), "durable": durable, "shown": shown}))


def run(count: int, seconds: float, folder: Path) -> dict[str, float]:
    from aktgranskning.services.checklists import installed_checklists
    from aktgranskning.services.demo import write_demo

    work = folder / f"{count}-granskare"
    write_demo(work / "delad", installed_checklists(), year=2026)
    enhet = work / "delad" / "Mottagningen 2026.granskning"
    start_at = time.time() + 3.0
    context = multiprocessing.get_context("spawn")
    processes = []
    for number in range(count):
        out = work / f"resultat-{number}.json"
        process = context.Process(target=reviewer, args=(f"Granskare{number + 1}", str(enhet),
                                                         str(work / f"dator-{number}"), seconds, start_at, str(out)))
        process.start()
        processes.append((process, out))
    results = []
    for process, out in processes:
        process.join(seconds + 120)
        results.append(json.loads(out.read_text()))
    durable = [t for r in results for t in r["durable"]]
    shown = [t for r in results for t in r["shown"]]
    return {
        "per_reviewer": statistics.median(r["answers"] / seconds for r in results),
        "durable_p99": percentile(durable, 0.99),
        "durable_max": max(durable) if durable else float("nan"),
        "shown_median": statistics.median(shown) if shown else float("nan"),
        "shown_max": max(shown) if shown else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sekunder", type=float, default=6.0)
    parser.add_argument("--antal", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument("--mapp", type=Path, help="disk att mäta på (standard: systemets temp-mapp)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="aktgranskning-tillsammans-", dir=args.mapp))
    try:
        floor = bare_commit_floor(folder)
        print(f"Golv: ren sqlite3-commit (DELETE, synchronous=EXTRA), median {floor * 1000:.2f} ms")
        print(f"{'granskare':>9} {'svar/s per granskare':>21} {'tangent→hållbart p99':>21} {'längst':>8} "
              f"{'syns hos annan, median':>23} {'längst':>8}")
        for count in args.antal:
            figures = run(count, args.sekunder, folder)
            print(f"{count:>9} {figures['per_reviewer']:>21.0f} {figures['durable_p99'] * 1000:>18.1f} ms "
                  f"{figures['durable_max'] * 1000:>5.0f} ms {figures['shown_median']:>21.2f} s "
                  f"{figures['shown_max']:>6.2f} s   (p99 = {figures['durable_p99'] / floor:.1f}× golvet)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
