"""Stratified sampling of cases per enhet: an even spread over gender × age group, as many
different caseworkers as possible, ordered reserves, and a seed that makes the draw reproducible.

The draw, in three steps:
1. Allocation: the sample is spread over the strata as evenly as the population allows
   ("water filling": every stratum gets the same count t, a stratum smaller than t gives all it
   has, and the remainder goes one each to randomly chosen strata that still have cases).
2. Caseworkers: within that allocation, a maximum bipartite matching between stratum slots and
   caseworkers picks as many distinct caseworkers as the allocation permits.
3. The slots still open are filled at random, preferring caseworkers chosen least so far.
Reserves are the extra slots of the allocation for sample + reserves, drawn the same way from
the cases not chosen, and put in random order.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

Stratum = tuple[str, str]  # (gender, age group)


@dataclass(frozen=True)
class Candidate:
    key: int  # position in the population, stable for a given case list
    case_number: str
    stratum: Stratum
    caseworker: str  # a code; "" when unknown


@dataclass(frozen=True)
class SampleResult:
    chosen: tuple[Candidate, ...]
    reserves: tuple[Candidate, ...]
    allocation: dict[Stratum, int]
    population_per_stratum: dict[Stratum, int]
    seed: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def distinct_caseworkers(self) -> int:
        return len({c.caseworker for c in self.chosen if c.caseworker})


def even_allocation(sizes: dict[Stratum, int], total: int, rng: random.Random) -> dict[Stratum, int]:
    """The most even spread of `total` over strata with the given sizes."""
    total = min(total, sum(sizes.values()))
    allocation = {stratum: 0 for stratum in sizes}
    remaining = total
    open_strata = [s for s in sorted(sizes) if sizes[s] > 0]
    while remaining > 0 and open_strata:
        share = remaining // len(open_strata)
        if share == 0:
            for stratum in rng.sample(open_strata, remaining):
                allocation[stratum] += 1
            break
        for stratum in open_strata:
            give = min(share, sizes[stratum] - allocation[stratum])
            allocation[stratum] += give
            remaining -= give
        open_strata = [s for s in open_strata if allocation[s] < sizes[s]]
    return allocation


def draw_sample(
    population: Sequence[Candidate], size: int, reserves: int, seed: int | None = None
) -> SampleResult:
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 10**9)
    rng = random.Random(seed)
    warnings: list[str] = []
    if len(population) < size:
        warnings.append(
            f"Populationen har bara {len(population)} ärenden, färre än de {size} som ska granskas; "
            "alla tas med."
        )
    by_stratum: dict[Stratum, list[Candidate]] = defaultdict(list)
    for candidate in population:
        by_stratum[candidate.stratum].append(candidate)
    for members in by_stratum.values():
        rng.shuffle(members)
    sizes = {stratum: len(members) for stratum, members in by_stratum.items()}

    allocation = even_allocation(sizes, size, rng)
    chosen = _fill(by_stratum, allocation, rng, already_used=set())
    with_reserves = _grow(even_allocation(sizes, size + reserves, rng), allocation, sizes)
    extra = {s: with_reserves[s] - allocation[s] for s in sizes}
    remaining = {s: [c for c in members if c not in chosen] for s, members in by_stratum.items()}
    used_workers = {c.caseworker for c in chosen}
    reserve_list = _fill(remaining, extra, rng, already_used=used_workers)
    rng.shuffle(reserve_list)
    if reserves and len(reserve_list) < reserves:
        warnings.append(f"Det fanns bara {len(reserve_list)} ärenden kvar till reserver av {reserves} önskade.")
    chosen.sort(key=lambda c: (c.stratum, c.key))
    return SampleResult(tuple(chosen), tuple(reserve_list), allocation, sizes, seed, tuple(warnings))


def _grow(larger: dict[Stratum, int], base: dict[Stratum, int], sizes: dict[Stratum, int]) -> dict[Stratum, int]:
    """The allocation for sample + reserves, never below the sample's own in any stratum."""
    grown = {s: max(larger[s], base[s]) for s in sizes}
    excess = sum(grown.values()) - sum(larger.values())
    for stratum in sorted(sizes, key=lambda s: grown[s] - base[s], reverse=True):
        while excess > 0 and grown[stratum] > base[stratum]:
            grown[stratum] -= 1
            excess -= 1
    return grown


def _fill(
    by_stratum: dict[Stratum, list[Candidate]],
    allocation: dict[Stratum, int],
    rng: random.Random,
    already_used: set[str],
) -> list[Candidate]:
    chosen = _match_distinct_caseworkers(by_stratum, allocation, already_used, rng)
    picked: set[int] = {c.key for c in chosen}
    times_used: dict[str, int] = defaultdict(int)
    for candidate in chosen:
        times_used[candidate.caseworker] += 1
    for worker in already_used:
        times_used[worker] += 1
    for stratum in sorted(allocation):
        missing = allocation[stratum] - sum(1 for c in chosen if c.stratum == stratum)
        pool = [c for c in by_stratum.get(stratum, []) if c.key not in picked]
        for _ in range(missing):
            best = min(pool, key=lambda c: (times_used[c.caseworker] if c.caseworker else 10**6, rng.random()))
            pool.remove(best)
            picked.add(best.key)
            times_used[best.caseworker] += 1
            chosen.append(best)
    return chosen


def _match_distinct_caseworkers(
    by_stratum: dict[Stratum, list[Candidate]],
    allocation: dict[Stratum, int],
    excluded: set[str],
    rng: random.Random,
) -> list[Candidate]:
    """Maximum matching of stratum slots to distinct (new) caseworkers, by augmenting paths."""
    slots = [(stratum, n) for stratum in sorted(allocation) for n in range(allocation[stratum])]
    workers_in: dict[Stratum, list[str]] = {}
    for stratum, members in by_stratum.items():
        workers = sorted({c.caseworker for c in members if c.caseworker and c.caseworker not in excluded})
        rng.shuffle(workers)
        workers_in[stratum] = workers
    slot_of_worker: dict[str, int] = {}

    def augment(slot: int, seen: set[str]) -> bool:
        for worker in workers_in.get(slots[slot][0], []):
            if worker in seen:
                continue
            seen.add(worker)
            if worker not in slot_of_worker or augment(slot_of_worker[worker], seen):
                slot_of_worker[worker] = slot
                return True
        return False

    for slot in range(len(slots)):
        augment(slot, set())
    chosen: list[Candidate] = []
    for worker, slot in slot_of_worker.items():
        stratum = slots[slot][0]
        options = [c for c in by_stratum[stratum] if c.caseworker == worker]
        chosen.append(rng.choice(options))
    return chosen


