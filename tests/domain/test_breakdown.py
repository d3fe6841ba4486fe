"""The breakdown by kön and åldersgrupp: exact counts, the suppression of small cells, and of the
cells that would let a small one be computed from a total, a column or the enheter's own reports."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.breakdown import (
    SUPPRESS_BELOW,
    SUPPRESSION_RULE,
    BreakdownTable,
    Hidden,
    level_breakdowns,
    unit_breakdown,
)
from aktgranskning.domain.case import CaseStatus, Gender
from aktgranskning.domain.results import Tally
from aktgranskning.domain.unit_data import (
    CaseData,
    CaseFilter,
    ChecklistRef,
    QuestionRef,
    UnitData,
    UnitIdentity,
    question_tallies,
)

Y, N, X = Answer.YES, Answer.NO, Answer.NOT_APPLICABLE
F, M = Gender.FEMALE, Gender.MALE
QUESTIONS = (QuestionRef("fb", "s1", "Avsnitt", "fb.q1", "Fråga ett?"),
             QuestionRef("fb", "s1", "Avsnitt", "fb.q2", "Fråga två?"))
CHECKLISTS = (ChecklistRef("fb", "1", "hash", "Förhandsbedömning"),)


def cases(count: int, gender: Gender, q1: Answer | None, q2: Answer | None = Y, age: str = "6–12 år") -> list[CaseData]:
    return [CaseData(0, "fb", gender, age, CaseStatus.DONE, answers={"fb.q1": q1, "fb.q2": q2})
            for _ in range(count)]


def unit(*groups: list[CaseData], name: str = "Enheten", area: str = "Norr") -> UnitData:
    numbered = tuple(CaseData(n, c.case_type, c.gender, c.age_group, c.status, c.dropout_reason, c.answers)
                     for n, c in enumerate([c for group in groups for c in group], start=1))
    return UnitData(UnitIdentity("Förvaltningen", area, name, 2026, f"uuid-{name}"), CHECKLISTS, QUESTIONS, numbered)


def texts(table: BreakdownTable, number: str) -> list[str]:
    row = next(r for r in table.rows if r.number == number)
    return [row.total_text, *(cell.text for cell in row.cells)]


def checklist_texts(table: BreakdownTable) -> list[str]:
    row = next(r for r in table.rows if r.is_checklist)
    return [row.total_text, *(cell.text for cell in row.cells)]


def test_counts_per_kon_for_each_question_and_the_checklist():
    data = unit(cases(8, F, Y), cases(2, F, N), cases(5, M, Y, N), cases(5, M, N, N), cases(1, M, X))
    table = unit_breakdown(data).by_gender
    assert table.groups == ("Flickor/kvinnor", "Pojkar/män", "Annat kön", "Kön okänt")
    # Annat kön and Kön okänt have no akter: hidden like a small group, so an empty group cannot be
    # told from a small one; with nothing in them, showing the others gives nothing away.
    assert texts(table, "F1") == ["65 % (13/20)", "80 % (8/10)", "50 % (5/10)", "<5", "<5"]
    assert texts(table, "F2") == ["52 % (11/21)", "100 % (10/10)", "9 % (1/11)", "<5", "<5"]
    assert checklist_texts(table) == ["59 % (24/41)", "90 % (18/20)", "29 % (6/21)", "<5", "<5"]


def test_five_assessed_akter_are_shown_four_are_not_and_the_complement_goes_with_them():
    five = unit_breakdown(unit(cases(5, F, Y, Y), cases(10, M, N, Y))).by_gender
    assert texts(five, "F1") == ["33 % (5/15)", "100 % (5/5)", "0 % (0/10)", "<5", "<5"]
    four = unit_breakdown(unit(cases(4, F, Y, Y), cases(10, M, N, Y))).by_gender
    # Alla 4/14 minus the boys' 0/10 would give the girls' 4/4: the boys' cell is hidden too.
    assert texts(four, "F1") == ["29 % (4/14)", "<5", "dold", "<5", "<5"]
    assert [c.hidden for c in next(r for r in four.rows if r.number == "F1").cells] == [
        Hidden.SMALL, Hidden.COMPLEMENT, Hidden.SMALL, Hidden.SMALL]
    assert all(c.tally is None for r in four.rows for c in r.cells if c.hidden), "a hidden cell carries no counts"


def test_x_answers_do_not_count_as_assessed():
    # Six girls, but two answered X on F1: four assessed, so the cell is hidden.
    table = unit_breakdown(unit(cases(4, F, Y), cases(2, F, X), cases(10, M, Y))).by_gender
    assert texts(table, "F1")[1:3] == ["<5", "dold"]
    assert checklist_texts(table)[1] == "100 % (10/10)"
    # F2's six girls would be shown, but the girls' 10 answers minus F2's 6 would give F1's four.
    assert texts(table, "F2")[1] == "dold"


def test_the_smallest_other_group_is_hidden_when_one_age_group_is_small():
    data = unit(cases(3, F, Y, age="0–5 år"), cases(6, F, N, age="13–17 år"), cases(8, M, Y, age="6–12 år"))
    table = unit_breakdown(data).by_age
    assert table.groups == ("0–5 år", "6–12 år", "13–17 år")
    assert texts(table, "F1") == ["65 % (11/17)", "<5", "100 % (8/8)", "dold"]


def test_a_column_total_does_not_give_away_a_hidden_question():
    # F1: four girls assessed (hidden), F2: ten. The girls' checklist cell (14) minus F2's (10)
    # would give F1's four, so F2's girls' cell is hidden as well.
    data = unit(cases(4, F, Y, Y), cases(6, F, X, Y), cases(10, M, N, N))
    table = unit_breakdown(data).by_gender
    assert texts(table, "F1")[1:3] == ["<5", "dold"]
    assert texts(table, "F2")[1] == "dold"
    assert checklist_texts(table)[1] == "100 % (14/14)"
    assert_no_small_residue(table)


def test_an_area_cell_is_hidden_when_it_minus_the_shown_enheter_gives_a_hidden_one():
    small = unit(cases(3, F, Y), cases(12, M, Y), name="Lilla")
    large = unit(cases(10, F, N), cases(10, M, Y), name="Stora")
    alone = unit(cases(10, F, Y), cases(10, M, N), name="Södra", area="Söder")
    assert texts(unit_breakdown(small).by_gender, "F1")[1:3] == ["<5", "dold"]
    assert texts(unit_breakdown(large).by_gender, "F1")[1:3] == ["0 % (0/10)", "100 % (10/10)"]
    administration, north, south = level_breakdowns("Förvaltningen", {"Norr": [small, large], "Söder": [alone]})
    assert (administration.title, north.title, south.title) == ("Förvaltning Förvaltningen", "Område Norr",
                                                               "Område Söder")
    # Norr's girls are 13 assessed, but 13 minus Stora's 10 would be Lilla's hidden 3.
    assert texts(north.by_gender, "F1") == ["71 % (25/35)", "dold", "100 % (22/22)", "<5", "<5"]
    assert texts(south.by_gender, "F1") == ["50 % (10/20)", "100 % (10/10)", "0 % (0/10)", "<5", "<5"]
    # The förvaltning minus Stora and Södra would give Lilla's girls too.
    assert texts(administration.by_gender, "F1")[1] == "dold"
    assert texts(administration.by_gender, "F2") == ["100 % (55/55)", "dold", "100 % (32/32)", "<5", "<5"]
    # Lilla's three girls are three akter on the checklist's row however many answers they gave, and
    # the förvaltning's row of girls minus the other enheter's would give them.
    assert checklist_texts(unit_breakdown(small).by_gender)[1] == "<5"
    assert checklist_texts(administration.by_gender)[1:3] == ["dold", "84 % (54/64)"]


def test_age_groups_in_age_order_with_no_age_last():
    data = unit(cases(5, F, Y, age="13–17 år"), cases(5, F, Y, age=""), cases(5, M, Y, age="0–5 år"),
                cases(5, M, N, age="6–12 år"), cases(5, M, N, age="okänd"))
    assert unit_breakdown(data).by_age.groups == ("0–5 år", "6–12 år", "13–17 år", "Ålder ej angiven",
                                                  "Ålder okänd")


def test_the_filter_by_age_group_counts_through_the_one_tally():
    data = unit(cases(2, F, Y, age="0–5 år"), cases(3, M, N, age="6–12 år"))
    by_age = {t.question.question_id: t.tally for t in question_tallies(data, CaseFilter(age_group="6–12 år"))}
    assert by_age["fb.q1"] == Tally(0, 3, 0, 0)
    both = question_tallies(data, CaseFilter(gender=F, age_group="6–12 år"))
    assert both == []


def test_the_rule_is_one_sentence_with_the_limit():
    assert str(SUPPRESS_BELOW) in SUPPRESSION_RULE and SUPPRESSION_RULE.count(".") == 1


def assert_no_small_residue(table: BreakdownTable) -> None:
    """What anyone can compute from the table alone: per row, Alla minus the shown cells; per
    group, the checklist's cell minus its shown questions. Neither may be 1–4 assessed akter, unless
    nothing of the line is shown (then the residue is the level's own public result)."""
    for row in table.rows:
        shown = [c.tally.assessed for c in row.cells if c.tally is not None]
        assert not shown or not 0 < row.total.assessed - sum(shown) < SUPPRESS_BELOW, (row.number, row.text)
    for checklist_id, _title in table.checklists:
        rows = table.rows_of(checklist_id)
        head, questions = rows[0], rows[1:]
        for index, cell in enumerate(head.cells):
            if cell.tally is None:
                continue
            shown = sum(r.cells[index].tally.assessed for r in questions if r.cells[index].tally is not None)
            assert not 0 < cell.tally.assessed - shown < SUPPRESS_BELOW, (checklist_id, table.groups[index])


answer = st.sampled_from([Y, N, X, None])
case = st.builds(lambda g, a, q1, q2: cases(1, g, q1, q2, age=a)[0], st.sampled_from(list(Gender)),
                 st.sampled_from(["0–5 år", "6–12 år", "13–17 år"]), answer, answer)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(case, min_size=1, max_size=25), min_size=1, max_size=4))
def test_no_table_lets_a_small_cell_be_computed(units):
    datas = [unit(members, name=f"Enhet {i}", area="Norr" if i % 2 else "Söder") for i, members in enumerate(units)]
    areas: dict[str, list[UnitData]] = {}
    for data in datas:
        areas.setdefault(data.identity.area, []).append(data)
    enheter = [unit_breakdown(d) for d in datas]
    administration, *by_area = level_breakdowns("Förvaltningen", areas)
    for level in [*enheter, administration, *by_area]:
        for table in level.tables:
            assert_no_small_residue(table)
    for area, members in zip(areas, by_area, strict=True):
        parts = [enheter[datas.index(d)] for d in areas[area]]
        assert_parts_give_nothing_away(members, parts)
    assert_parts_give_nothing_away(administration, enheter)
    assert_parts_give_nothing_away(administration, by_area)


def assert_parts_give_nothing_away(level, parts) -> None:
    """A level's shown question cell minus its parts' shown cells (their own reports) is not 1–4."""
    for index in range(2):
        table = level.tables[index]
        for row in table.rows:
            if row.is_checklist:
                continue
            for group, cell in zip(table.groups, row.cells, strict=True):
                if cell.tally is None:
                    continue
                shown = 0
                for part in parts:
                    part_table = part.tables[index]
                    if group not in part_table.groups:
                        continue
                    part_row = next(r for r in part_table.rows if r.number == row.number)
                    part_cell = part_row.cells[part_table.groups.index(group)]
                    shown += part_cell.tally.assessed if part_cell.tally is not None else 0
                assert not 0 < cell.tally.assessed - shown < SUPPRESS_BELOW, (level.title, row.number, group)
