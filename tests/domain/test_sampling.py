"""Property tests of the stratified draw over random populations (hypothesis)."""

from __future__ import annotations

from collections import Counter, defaultdict, deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aktgranskning.domain.sampling import Candidate, draw_sample
from tests.support.many_examples import examples, rerun_with_many_examples

GENDERS = ("kvinna", "man", "okänt")
AGES = ("0–5 år", "6–12 år", "13–17 år", "okänd")


@st.composite
def populations(draw):
    size = draw(st.integers(min_value=0, max_value=80))
    workers = draw(st.integers(min_value=1, max_value=12))
    return [
        Candidate(
            key=i,
            case_number=f"A{i}",
            stratum=(draw(st.sampled_from(GENDERS)), draw(st.sampled_from(AGES))),
            caseworker=f"H{draw(st.integers(min_value=1, max_value=workers))}",
        )
        for i in range(size)
    ]


def max_distinct_caseworkers(population, allocation) -> int:
    """Independent check: Edmonds–Karp max flow source → stratum (cap = allocation) → caseworker
    (cap 1 per stratum/worker pair) → sink (cap 1)."""
    strata = sorted(allocation)
    workers = sorted({c.caseworker for c in population})
    capacity: dict = defaultdict(int)
    for stratum in strata:
        capacity[("s", ("S", stratum))] = allocation[stratum]
    for candidate in population:
        capacity[(("S", candidate.stratum), ("W", candidate.caseworker))] = 1
    for worker in workers:
        capacity[(("W", worker), "t")] = 1
    neighbours = defaultdict(set)
    for a, b in list(capacity):
        neighbours[a].add(b)
        neighbours[b].add(a)
    flow = 0
    while True:
        parent = {"s": None}
        queue = deque(["s"])
        while queue and "t" not in parent:
            node = queue.popleft()
            for nxt in neighbours[node]:
                if nxt not in parent and capacity[(node, nxt)] > 0:
                    parent[nxt] = node
                    queue.append(nxt)
        if "t" not in parent:
            return flow
        node = "t"
        while parent[node] is not None:
            capacity[(parent[node], node)] -= 1
            capacity[(node, parent[node])] += 1
            node = parent[node]
        flow += 1


@settings(max_examples=examples(50), deadline=None)
@given(population=populations(), size=st.integers(1, 25), reserves=st.integers(0, 6), seed=st.integers(0, 10**6))
def test_sample_properties(population, size, reserves, seed):
    result = draw_sample(population, size, reserves, seed=seed)
    chosen = result.chosen
    # size is min(N, population), no case twice
    assert len(chosen) == min(size, len(population))
    assert len({c.key for c in chosen}) == len(chosen)
    # most even allocation: a stratum more than one below another is exhausted
    per_stratum = Counter(c.stratum for c in chosen)
    sizes = Counter(c.stratum for c in population)
    for a in sizes:
        for b in sizes:
            if per_stratum[b] - per_stratum[a] > 1:
                assert per_stratum[a] == sizes[a], (a, b, per_stratum, sizes)
    assert dict(per_stratum) == {s: n for s, n in result.allocation.items() if n}
    # distinct caseworkers: the maximum the allocation permits, or within one of it
    best = max_distinct_caseworkers(population, result.allocation)
    assert best - 1 <= result.distinct_caseworkers <= best
    # reserves never repeat a chosen case, and there are as many as asked or as remain
    assert not {c.key for c in result.reserves} & {c.key for c in chosen}
    assert len({c.key for c in result.reserves}) == len(result.reserves)
    assert len(result.reserves) == min(reserves, len(population) - len(chosen))
    # the same seed gives the same sample
    again = draw_sample(population, size, reserves, seed=seed)
    assert again.chosen == chosen and again.reserves == result.reserves


def test_a_small_enhet_gets_all_its_cases_with_a_warning():
    population = [Candidate(i, f"A{i}", ("kvinna", "0–5 år"), "H1") for i in range(7)]
    result = draw_sample(population, 20, 5, seed=1)
    assert len(result.chosen) == 7 and not result.reserves
    assert any("färre" in w for w in result.warnings)


def test_without_a_seed_one_is_drawn_and_recorded():
    population = [Candidate(i, f"A{i}", ("man", "6–12 år"), f"H{i % 4}") for i in range(40)]
    result = draw_sample(population, 20, 5)
    assert result.seed > 0
    assert draw_sample(population, 20, 5, seed=result.seed).chosen == result.chosen


@pytest.mark.slow
def test_the_properties_with_many_examples():
    rerun_with_many_examples(__file__, "test_sample_properties", 500)
