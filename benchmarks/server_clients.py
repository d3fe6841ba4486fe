"""Benchmark: 1, 10 and 50 reviewers answering at once on one granskning on a PostgreSQL server.

    python benchmarks/server_clients.py [--sekunder 5] [--antal 1 10 50] [--paus 0]

Starts its own PostgreSQL (tests/support/postgres.py, with fsync on), uploads one demo enhet and
runs each configuration as that many processes. Every client opens its own writing session
(services.server_session.open_server_session, as the window does) and answers questions in its
own akt as fast as it can for a fixed time (the answer toggles Ja/Nej, so every key press is a
change), reading the others' work every 1.5 s as the window's watch does. With more clients than
akter, clients share an akt but never a question. Printed per configuration: answers per second
(all clients together) and the median and 99th percentile of one key press (set_answer: lock,
own change, the others' changes taken in, commit) — beside the floor measured in the same run: a
bare psycopg loop of one-row INSERT + COMMIT with the same number of clients, each on its own
connection. `--paus S` makes every client (and floor client) wait 0–2S seconds (S on average, at
random) between key presses, as people do, instead of pressing as fast as it can.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

READ_EVERY = float(os.environ.get("BENCH_READ_EVERY", "1.5"))
YEAR = 2026


@dataclass(frozen=True)
class Work:
    url: str
    unit: str
    case_id: int
    question_ids: list[str]
    pause: float


@dataclass
class Outcome:
    answers: int
    latencies: list[float]
    seconds: float


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def _client(work: Work, name: str, seconds: float, ready: object, start: object, results: object) -> None:
    from aktgranskning.domain.answers import Answer
    from aktgranskning.services.server import address_of
    from aktgranskning.services.server_session import open_server_session

    session = open_server_session(address_of(work.url), work.unit, YEAR, name)
    rng = random.Random(name)
    latencies: list[float] = []
    try:
        ready.release()  # type: ignore[attr-defined]
        start.wait()  # type: ignore[attr-defined]
        began = time.perf_counter()
        next_read = began + READ_EVERY
        index = 0
        while time.perf_counter() - began < seconds:
            time.sleep(rng.uniform(0, 2 * work.pause))  # first, so that a paced run does not start in a burst
            now = time.perf_counter()
            question = work.question_ids[index % len(work.question_ids)]
            answer = Answer.YES if (index // len(work.question_ids)) % 2 == 0 else Answer.NO
            session.set_answer(work.case_id, question, answer)
            latencies.append(time.perf_counter() - now)
            index += 1
            if time.perf_counter() >= next_read:
                session.take_in(session.read_folder())
                next_read += READ_EVERY
        results.put(Outcome(index, latencies, time.perf_counter() - began))  # type: ignore[attr-defined]
    finally:
        session.close()


def _floor_client(dsn: str, number: int, pause: float, seconds: float, ready: object, start: object,
                  results: object) -> None:
    import psycopg

    latencies: list[float] = []
    rng = random.Random(number)
    with psycopg.connect(dsn) as connection:
        ready.release()  # type: ignore[attr-defined]
        start.wait()  # type: ignore[attr-defined]
        began = time.perf_counter()
        count = 0
        while time.perf_counter() - began < seconds:
            time.sleep(rng.uniform(0, 2 * pause))
            now = time.perf_counter()
            connection.execute("INSERT INTO golv (klient, n, svar) VALUES (%s, %s, 'Ja')", (number, count))
            connection.commit()
            latencies.append(time.perf_counter() - now)
            count += 1
    results.put(Outcome(count, latencies, time.perf_counter() - began))  # type: ignore[attr-defined]


def _run(target: object, args_of: list[tuple[object, ...]], seconds: float) -> list[Outcome]:
    context = multiprocessing.get_context("fork")
    ready, start, results = context.Semaphore(0), context.Event(), context.Queue()
    processes = [context.Process(target=target, args=(*args, seconds, ready, start, results))  # type: ignore[arg-type]
                 for args in args_of]
    for process in processes:
        process.start()
    for _ in processes:
        if not ready.acquire(timeout=120):
            raise RuntimeError("a client did not get ready")
    start.set()
    outcomes = [results.get(timeout=seconds + 120) for _ in processes]
    for process in processes:
        process.join()
    return outcomes


def _plan(url: str, unit: str, clients: int, pause: float) -> list[Work]:
    """Client i works in akt i (mod the akter), on every k-th question of it, never another's."""
    from aktgranskning.domain.answers import Answer
    from aktgranskning.domain.checklist import Applicability
    from aktgranskning.services.server import address_of, open_on_server

    session = open_on_server(address_of(url), unit, YEAR)
    try:
        akter = []
        for case in session.cases():
            if not case.in_sample or case.status.name == "DROPOUT":
                continue
            checklist = session.checklist_for(case)
            questions = [s.question_id for s in session.question_states(case.id)
                         if s.applicability is Applicability.APPLICABLE
                         and {Answer.YES, Answer.NO} <= set(checklist.question(s.question_id).allowed)
                         and checklist.question(s.question_id).id not in _parents(checklist)]
            if len(questions) >= 4:
                akter.append((case.id, questions))
    finally:
        session.close()
    sharing = -(-clients // len(akter))
    plan = []
    for number in range(clients):
        case_id, questions = akter[number % len(akter)]
        share = number // len(akter)
        plan.append(Work(url, unit, case_id, questions[share::sharing], pause))
    return plan


def _parents(checklist: object) -> set[str]:
    """Questions others' conditions depend on: toggling them would make answers (in)applicable."""
    return {q.condition.question_id for q in checklist.questions() if q.condition is not None}  # type: ignore[attr-defined]


def _summary(outcomes: list[Outcome]) -> tuple[float, float, float]:
    latencies = [value for outcome in outcomes for value in outcome.latencies]
    rate = sum(outcome.answers / outcome.seconds for outcome in outcomes)
    return rate, statistics.median(latencies) * 1000, percentile(latencies, 0.99) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sekunder", type=float, default=5.0)
    parser.add_argument("--antal", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--paus", type=float, default=0.0, help="sekunder mellan tangenttryck per klient")
    options = parser.parse_args()
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

    from aktgranskning.services import server
    from aktgranskning.services.checklists import builtin_checklists
    from aktgranskning.services.demo import write_demo
    from tests.support.postgres import SUPERUSER, start_server

    folder = Path(tempfile.mkdtemp(prefix="aktgranskning-bench-"))
    pg = start_server(durable=True)
    try:
        pg.create_database("bench")
        url = pg.url(SUPERUSER, "bench")
        pg.psql("CREATE TABLE golv (id bigserial PRIMARY KEY, klient int, n int, svar text)", database="bench")
        address = server.address_of(url)
        server.initialise_server(address)
        demo = write_demo(folder, builtin_checklists(), year=YEAR)
        path = next(p for p in demo if p.name.endswith(f"{YEAR}.granskning"))
        unit = server.upload_file(address, path).granskning.unit
        dsn = f"host={pg.host} port={pg.port} dbname=bench user={SUPERUSER}"
        print(f"PostgreSQL {pg.psql('SHOW server_version', database='bench').strip()} (fsync på), "
              f"{os.cpu_count()} kärnor, {options.sekunder:g} s per körning, enhet {unit}, "
              f"paus {options.paus:g} s mellan tryck")
        print(f"{'klienter':>8} | {'svar/s':>8} {'p50 ms':>8} {'p99 ms':>8} | "
              f"{'golv/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        for clients in options.antal:
            plan = _plan(url, unit, clients, options.paus)
            session_outcomes = _run(_client, [(work, f"Granskare {i + 1}") for i, work in enumerate(plan)],
                                    options.sekunder)
            floor_outcomes = _run(_floor_client, [(dsn, i, options.paus) for i in range(clients)], options.sekunder)
            rate, p50, p99 = _summary(session_outcomes)
            floor_rate, floor_p50, floor_p99 = _summary(floor_outcomes)
            print(f"{clients:>8} | {rate:>8.0f} {p50:>8.1f} {p99:>8.1f} | "
                  f"{floor_rate:>8.0f} {floor_p50:>8.1f} {floor_p99:>8.1f}", flush=True)
        reader = server.open_on_server(address, unit, YEAR)
        try:
            conflicts = len(reader.conflicts())
        finally:
            reader.close()
        print(f"konflikter efteråt: {conflicts} (klienterna delar aldrig en fråga, så 0 väntas)")
    finally:
        pg.stop()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
