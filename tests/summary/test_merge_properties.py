"""Properties of the merge, on generated enheter: order does not matter, repeating a file does not
matter, and every pooled total is the sum of its parts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason, Gender
from aktgranskning.domain.results import Tally
from aktgranskning.domain.summary import DuplicateUnit, SummaryInput, summarise
from aktgranskning.domain.unit_data import (
    CaseData,
    ChecklistRef,
    QuestionRef,
    UnitData,
    UnitIdentity,
)

QUESTIONS = tuple(
    QuestionRef("forhandsbedomning", "s1", "Avsnitt", f"fb.q{n}", f"Fråga {n}?") for n in range(1, 5)
)
CHECKLISTS = (ChecklistRef("forhandsbedomning", "1", "hash", "Förhandsbedömning"),)
answers = st.sampled_from([Answer.YES, Answer.NO, Answer.NOT_APPLICABLE, None])


@st.composite
def cases(draw) -> CaseData:
    dropout = draw(st.booleans()) and draw(st.booleans()) and draw(st.booleans())
    return CaseData(
        sequence=0,
        case_type="forhandsbedomning",
        gender=draw(st.sampled_from([Gender.FEMALE, Gender.MALE])),
        age_group="0-5",
        status=CaseStatus.DROPOUT if dropout else CaseStatus.DONE,
        dropout_reason=DropoutReason.FILE_MISSING if dropout else None,
        answers={} if dropout else {q.question_id: draw(answers) for q in QUESTIONS},
    )


@st.composite
def unit_inputs(draw) -> list[SummaryInput]:
    count = draw(st.integers(1, 6))
    result = []
    for index in range(count):
        drawn = draw(st.lists(cases(), min_size=1, max_size=8))
        numbered = tuple(
            CaseData(n, c.case_type, c.gender, c.age_group, c.status, c.dropout_reason, c.answers)
            for n, c in enumerate(drawn, start=1)
        )
        area = draw(st.sampled_from(["Norr", "Söder"]))
        identity = UnitIdentity("Förvaltningen", area, f"Enhet {index}", 2026, f"uuid-{index}")
        result.append(SummaryInput(f"Enhet {index} 2026.xlsx", UnitData(identity, CHECKLISTS, QUESTIONS, numbered)))
    return result


def numbers(summary) -> list:
    return [(level.kind, level.name, dict(level.tallies), level.cases, level.dropouts) for level in summary.levels]


@settings(max_examples=60, deadline=None)
@given(unit_inputs(), st.randoms(use_true_random=False))
def test_merging_is_independent_of_order_and_idempotent(inputs, random):
    expected = numbers(summarise(inputs))
    shuffled = list(inputs)
    random.shuffle(shuffled)
    assert numbers(summarise(shuffled)) == expected
    assert numbers(summarise(inputs + shuffled)) == expected  # every file given twice


@settings(max_examples=60, deadline=None)
@given(unit_inputs())
def test_pooled_totals_are_the_sums_of_the_parts(inputs):
    summary = summarise(inputs)
    units = summary.units()
    for question in QUESTIONS:
        qid = question.question_id
        by_hand = Tally()
        for item in inputs:
            for case in item.data.cases:
                if case.counts:
                    by_hand = by_hand + Tally.of([case.answers.get(qid)])
        assert (summary.administration_level.tally(qid) or Tally()) == by_hand
        area_sum = Tally()
        for area in summary.areas():
            in_area = Tally()
            for unit in units:
                if unit.area == area.name:
                    in_area = in_area + (unit.tally(qid) or Tally())
            assert (area.tally(qid) or Tally()) == in_area
            area_sum = area_sum + in_area
        assert area_sum == by_hand
        total = summary.administration_level.tally(qid) or Tally()
        assert total.share is None or total.share == pytest.approx(total.yes / (total.yes + total.no))


@settings(max_examples=40, deadline=None)
@given(unit_inputs(), st.data())
def test_the_same_enhet_with_different_answers_is_never_merged_silently(inputs, data):
    original = data.draw(st.sampled_from(inputs))
    changed_cases = tuple(
        CaseData(c.sequence, c.case_type, c.gender, c.age_group, CaseStatus.DONE, None,
                 {q.question_id: Answer.NO for q in QUESTIONS})
        for c in original.data.cases
    )
    other = SummaryInput("kopia.xlsx", UnitData(
        UnitIdentity("Förvaltningen", original.data.identity.area, original.data.identity.unit, 2026, "annan-uuid"),
        CHECKLISTS, QUESTIONS, changed_cases))
    with pytest.raises(DuplicateUnit, match="finns i två filer"):
        summarise([*inputs, other])
    replaced = summarise([*inputs, other], replacements=["kopia.xlsx"])
    sources = [i.source for i in replaced.inputs]
    assert "kopia.xlsx" in sources and original.source not in sources


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(inputs=unit_inputs())
def test_gender_cells_under_five_cases_are_never_shown(tmp_path_factory, inputs):
    import openpyxl

    from aktgranskning.excel.summary_workbook import write_summary_workbook

    summary = summarise(inputs)
    path = tmp_path_factory.mktemp("kon") / "s.xlsx"
    write_summary_workbook(summary, path)
    sheet = openpyxl.load_workbook(path)["Kön och ålder"]
    for row in sheet.iter_rows(min_row=5, min_col=4, values_only=True):  # the groups' columns ("Alla" is public)
        for cell in row:
            if isinstance(cell, str) and cell.endswith(")") and "/" in cell:
                assert int(cell.split("/")[1].rstrip(")")) >= 5, cell


def test_files_of_different_years_are_refused_with_each_file_named():
    from aktgranskning.domain.errors import UserError

    def unit(name: str, year: int) -> SummaryInput:
        identity = UnitIdentity("F", "O", name, year, f"id-{name}")
        return SummaryInput(f"{name} {year}.xlsx", UnitData(identity, CHECKLISTS, QUESTIONS, ()))

    with pytest.raises(UserError, match=r"2025: A 2025\.xlsx; 2026: B 2026\.xlsx"):
        summarise([unit("A", 2025), unit("B", 2026)])
