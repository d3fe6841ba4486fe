"""The breakdown is the same, figure for figure and cell for cell, as the plain computation it was
made fast from (tests/domain/breakdown_oracle.py): on the demo's enheter, on a summary shaped
like the benchmark's (many enheter per område), and on random enheter with several checklists,
dropouts, unanswered questions, missing ages and kön."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aktgranskning.domain import breakdown
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, Gender
from aktgranskning.domain.summary import SummaryInput, summarise
from aktgranskning.domain.unit_data import CaseData, ChecklistRef, QuestionRef, UnitData, UnitIdentity
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.demo import DEMO_UNITS, demo_file_name
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.unit_data import unit_data_of
from tests.domain import breakdown_oracle as oracle
from tests.support.demo_cache import copy_demo
from tests.support.many_examples import examples, rerun_with_many_examples

YEAR = 2026


@pytest.fixture(scope="module")
def demo_units(tmp_path_factory: pytest.TempPathFactory) -> dict[int, list[UnitData]]:
    """Every demo enhet's data, this year (under way) and last year (finished)."""
    folder = tmp_path_factory.mktemp("demo")
    copy_demo(folder, installed_checklists(), year=YEAR)
    units: dict[int, list[UnitData]] = {}
    for year in (YEAR - 1, YEAR):
        for unit in DEMO_UNITS:
            path = folder / demo_file_name(unit.unit, year)
            if not path.exists():
                continue
            session = open_for_reading(path)
            try:
                units.setdefault(year, []).append(unit_data_of(session))
            finally:
                session.close()
    assert set(units) == {YEAR - 1, YEAR} and all(len(members) > 1 for members in units.values())
    return units


def summary_of(units: list[UnitData]):
    return summarise([SummaryInput(f"{d.identity.unit} {d.identity.year}.xlsx", d) for d in units])


def assert_same_summary_breakdown(units: list[UnitData]) -> None:
    summary = summary_of(units)
    fast = breakdown.summary_breakdowns(summary)
    assert fast == oracle.summary_breakdowns(summary)
    assert sum(table.hidden_cells() for level in fast for table in level.tables) > 0, "nothing was suppressed"


@pytest.mark.parametrize("year", [YEAR - 1, YEAR])
def test_the_demo_summary_and_each_enhet_are_as_the_plain_computation_gives_them(demo_units, year):
    assert_same_summary_breakdown(demo_units[year])
    for data in demo_units[year]:
        assert breakdown.unit_breakdown(data) == oracle.unit_breakdown(data)


def test_a_summary_of_many_enheter_per_omrade_is_as_the_plain_computation_gives_it(demo_units):
    """The benchmark's shape: the demo's enheter over again, 40 of them in 6 områden, with some
    akter made dropouts so that the enheter differ."""
    templates = demo_units[YEAR - 1] + demo_units[YEAR]
    units = []
    for number in range(40):
        template = templates[number % len(templates)]
        cases = tuple(dataclasses.replace(case, status=CaseStatus.DROPOUT) if (case.sequence + number) % 7 == 0
                      else case for case in template.cases)
        identity = dataclasses.replace(template.identity, unit=f"Enhet {number:02d}", area=f"Område {number % 6}",
                                       year=YEAR, file_uuid=f"uuid-{number}")
        units.append(dataclasses.replace(template, identity=identity, cases=cases))
    assert_same_summary_breakdown(units)


CHECKLISTS = (ChecklistRef("fb", "1", "h1", "Förhandsbedömning"), ChecklistRef("ut", "1", "h2", "Utredning"))
QUESTIONS = {
    "fb": tuple(QuestionRef("fb", "s1", "Avsnitt", f"fb.q{n}", f"Fråga {n}?") for n in range(1, 3)),
    "ut": tuple(QuestionRef("ut", "s1", "Avsnitt", f"ut.q{n}", f"Fråga {n}?") for n in range(1, 4)),
}
answer = st.sampled_from([Answer.YES, Answer.YES, Answer.NO, Answer.NOT_APPLICABLE, None])


@st.composite
def a_case(draw: st.DrawFn, types: tuple[str, ...]) -> CaseData:
    case_type = draw(st.sampled_from(types))
    answered = draw(st.lists(st.sampled_from(QUESTIONS[case_type]), unique=True))
    return CaseData(0, case_type, draw(st.sampled_from(list(Gender))),
                    draw(st.sampled_from(["0–5 år", "6–12 år", "13–17 år", "", "okänd"])),
                    draw(st.sampled_from([CaseStatus.DONE, CaseStatus.DONE, CaseStatus.IN_PROGRESS,
                                          CaseStatus.DROPOUT])),
                    answers={q.question_id: draw(answer) for q in answered})


@st.composite
def a_unit(draw: st.DrawFn, number: int) -> UnitData:
    types = draw(st.sampled_from([("fb",), ("ut",), ("fb", "ut")]))
    cases = draw(st.lists(a_case(types), max_size=30))
    numbered = tuple(dataclasses.replace(case, sequence=n) for n, case in enumerate(cases, start=1))
    identity = UnitIdentity("Förvaltningen", draw(st.sampled_from(["Norr", "Söder", "Väster"])), f"Enhet {number}",
                            YEAR, f"uuid-{number}")
    return UnitData(identity, tuple(c for c in CHECKLISTS if c.id in types),
                    tuple(q for t in types for q in QUESTIONS[t]), numbered)


@settings(max_examples=examples(20), deadline=None)
@given(st.integers(1, 6).flatmap(lambda count: st.tuples(*(a_unit(n) for n in range(count)))))
def test_random_enheter_and_their_levels_are_as_the_plain_computation_gives_them(units):
    areas: dict[str, list[UnitData]] = {}
    for data in units:
        areas.setdefault(data.identity.area, []).append(data)
        assert breakdown.unit_breakdown(data) == oracle.unit_breakdown(data)
    assert breakdown.level_breakdowns("Förvaltningen", areas) == oracle.level_breakdowns("Förvaltningen", areas)


@pytest.mark.slow
def test_the_properties_with_many_examples():
    rerun_with_many_examples(__file__, "random_enheter_and_their_levels", 200)
