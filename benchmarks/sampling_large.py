"""Benchmark: draw the sample for 50 enheter from a 100 000-row case list.

    python benchmarks/sampling_large.py [--rader 100000] [--enheter 50]

Writes a synthetic csv export (no real person: personnummer are generated with valid check
digits), then times reading it, drawing every enhet's sample and writing the sample workbook.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def personnummer(rng: random.Random) -> str:
    birth = f"{rng.randint(1940, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    serial = f"{rng.randint(0, 999):03d}"
    digits = birth[2:] + serial
    total = sum((int(c) * (2 - i % 2)) // 10 + (int(c) * (2 - i % 2)) % 10 for i, c in enumerate(digits))
    return f"{birth}-{serial}{(10 - total % 10) % 10}"


def write_export(path: Path, rows: int, units: int) -> None:
    rng = random.Random(42)
    workers = [f"Handläggare {n}" for n in range(400)]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write("Ärende-ID;Personnummer;Handläggare;Ärendetyp;Enhet;Avdelning;Inkom\n")
        for index in range(rows):
            unit = index % units
            handle.write(
                f"Ä-{index:07d};{personnummer(rng)};{workers[(unit * 8 + rng.randint(0, 11)) % 400]};"
                f"{rng.choice(('Förhandsbedömning', 'Utredning'))};Enhet {unit:02d};Område {unit % 5};"
                f"2026-{rng.randint(1, 9):02d}-{rng.randint(10, 28)}\n"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rader", type=int, default=100_000)
    parser.add_argument("--enheter", type=int, default=50)
    args = parser.parse_args()

    from aktgranskning.excel.case_list import read_case_list
    from aktgranskning.excel.sample_workbook import write_sample_workbook
    from aktgranskning.services.sampling import SamplingOptions, draw_round

    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "arendelista.csv"
        write_export(export, args.rader, args.enheter)
        start = time.perf_counter()
        read_case_list(export)
        read_only = time.perf_counter() - start
        start = time.perf_counter()
        sampling = draw_round(export, SamplingOptions(seed=1))
        drawn = time.perf_counter() - start
        start = time.perf_counter()
        write_sample_workbook(sampling, Path(folder) / "URVAL.xlsx")
        written = time.perf_counter() - start
    chosen = sum(len(u.result.chosen) for u in sampling.units)
    print(f"Ärendelista: {args.rader} rader, {len(sampling.units)} enheter")
    print(f"  Läsa listan (med personnummer → kön/ålder): {read_only:.2f} s")
    print(f"  Läsa + dra urvalet för alla enheter:       {drawn:.2f} s ({chosen} akter + reserver)")
    print(f"  Skriva urvalsboken:                        {written:.2f} s")
    print(f"  Totalt urval + bok:                        {drawn + written:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
