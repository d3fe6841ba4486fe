"""The breakdown by kön and åldersgrupp as `domain/breakdown.py` computed it before it was made
fast: one `question_tallies` call per group, every line of the suppression looked at again on each
pass, the pooled levels' checks cell by cell. Kept as the oracle the fast code must agree with,
figure for figure and cell for cell (tests/domain/test_breakdown_oracle.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from aktgranskning.domain.breakdown import (
    ADMINISTRATION,
    AREA,
    ASSESSED,
    BREAKDOWN_GENDERS,
    CHECKLIST_ROW_TEXT,
    SUPPRESS_BELOW,
    UNIT,
    BreakdownCell,
    BreakdownRow,
    BreakdownTable,
    Dimension,
    Hidden,
    LevelBreakdown,
    age_heading,
)
from aktgranskning.domain.case import Gender
from aktgranskning.domain.labels import GENDER_GROUPS
from aktgranskning.domain.people import age_group_order
from aktgranskning.domain.results import Tally, sum_tallies
from aktgranskning.domain.summary import Summary
from aktgranskning.domain.unit_data import (
    CaseFilter,
    QuestionRef,
    UnitData,
    counted_by_type,
    question_numbers,
    question_tallies,
)

RowKey = tuple[str, str | None]
Cell = tuple[RowKey, str]


def unit_breakdown(data: UnitData) -> LevelBreakdown:
    shape = _Shape.of([data])
    tables = [_table(shape, _unit_grid(data, dimension, shape)) for dimension in Dimension]
    return LevelBreakdown(UNIT, data.identity.unit, tables[0], tables[1])


def level_breakdowns(administration: str, areas: Mapping[str, Sequence[UnitData]]) -> list[LevelBreakdown]:
    units = [data for members in areas.values() for data in members]
    levels: list[tuple[str, str, _Shape, dict[Dimension, _Grid]]] = [
        (ADMINISTRATION, administration, _Shape.of(units), {})
    ] + [(AREA, area, _Shape.of(members), {}) for area, members in areas.items()]
    for dimension in Dimension:
        unit_grids = {id(data): _unit_grid(data, dimension, _Shape.of([data])) for data in units}
        area_grids = []
        for (_kind, _name, _shape, grids), members in zip(levels[1:], areas.values(), strict=True):
            parts = [unit_grids[id(data)] for data in members]
            grids[dimension] = _pooled(parts, dimension, [parts])
            area_grids.append(grids[dimension])
        every_unit = list(unit_grids.values())
        levels[0][3][dimension] = _pooled(area_grids, dimension, [area_grids, every_unit])
    return [LevelBreakdown(kind, name, _table(shape, grids[Dimension.GENDER]), _table(shape, grids[Dimension.AGE]))
            for kind, name, shape, grids in levels]


def summary_breakdowns(summary: Summary) -> tuple[LevelBreakdown, ...]:
    areas: dict[str, list[UnitData]] = {level.name: [] for level in summary.areas()}
    for item in summary.inputs:
        areas.setdefault(item.data.identity.area, []).append(item.data)
    read = {area: members for area, members in areas.items() if members}
    return tuple(level_breakdowns(summary.administration, read))


@dataclass(frozen=True)
class _Shape:
    questions: tuple[QuestionRef, ...]
    titles: Mapping[str, str]

    @classmethod
    def of(cls, units: Iterable[UnitData]) -> _Shape:
        questions: dict[str, QuestionRef] = {}
        titles: dict[str, str] = {}
        for data in units:
            for question in data.questions:
                questions.setdefault(question.question_id, question)
            for checklist in data.checklists:
                titles.setdefault(checklist.id, checklist.title)
        return cls(tuple(questions.values()), titles)

    def checklist_ids(self) -> list[str]:
        return list(dict.fromkeys(q.checklist_id for q in self.questions))

    def rows(self) -> list[RowKey]:
        rows: list[RowKey] = []
        for checklist_id in self.checklist_ids():
            rows.append((checklist_id, None))
            rows += [(checklist_id, q.question_id) for q in self.questions if q.checklist_id == checklist_id]
        return rows


@dataclass
class _Grid:
    dimension: Dimension
    rows: list[RowKey]
    groups: list[str]
    tallies: dict[Cell, Tally]
    counts: dict[Cell, int]
    hidden: dict[Cell, Hidden]
    akter: dict[Cell, int] | None = None
    parts: Sequence[_Grid] = ()

    def assessed(self, cell: Cell) -> int:
        return self.counts.get(cell, 0)

    def assessed_together(self, cells: Iterable[Cell]) -> int:
        cells = list(cells)
        largest = max((self.assessed(cell) for cell in cells), default=0)
        if largest == 0 or largest >= SUPPRESS_BELOW:
            return largest
        if self.akter is not None:
            together = 0
            for cell in cells:
                together |= self.akter.get(cell, 0)
            return together.bit_count()
        return sum(part.assessed_together(cells) for part in self.parts)


def _groups(units: Iterable[UnitData], dimension: Dimension) -> list[str]:
    if dimension is Dimension.GENDER:
        return [gender.value for gender in BREAKDOWN_GENDERS]
    present = {case.age_group for data in units for case in data.cases if case.counts}
    return sorted(present, key=age_group_order)


def _filter(dimension: Dimension, group: str) -> CaseFilter:
    return CaseFilter(gender=Gender(group)) if dimension is Dimension.GENDER else CaseFilter(age_group=group)


def _unit_grid(data: UnitData, dimension: Dimension, shape: _Shape) -> _Grid:
    groups = _groups([data], dimension)
    tallies: dict[Cell, Tally] = {}
    akter: dict[Cell, int] = {}
    bits = {id(case): 1 << index for index, case in enumerate(data.cases)}
    checklists = {c: [q.question_id for q in shape.questions if q.checklist_id == c] for c in shape.checklist_ids()}
    for group in groups:
        case_filter = _filter(dimension, group)
        by_question = {t.question.question_id: t.tally for t in question_tallies(data, case_filter)}
        by_type = counted_by_type(data, case_filter)
        for checklist_id, members in checklists.items():
            assessed = dict.fromkeys(members, 0)
            every = 0
            for case in by_type.get(checklist_id, ()):
                akt = bits[id(case)]
                for question_id, answer in case.answers.items():
                    if answer in ASSESSED and question_id in assessed:
                        assessed[question_id] |= akt
                        every |= akt
            for question_id in members:
                cell = ((checklist_id, question_id), group)
                tallies[cell] = by_question.get(question_id, Tally())
                akter[cell] = assessed[question_id]
            tallies[((checklist_id, None), group)] = sum_tallies(by_question.get(q, Tally()) for q in members)
            akter[((checklist_id, None), group)] = every
    grid = _Grid(dimension, shape.rows(), groups, tallies, {cell: a.bit_count() for cell, a in akter.items()}, {},
                 akter)
    _protect(grid, set())
    return grid


def _pooled(parts: Sequence[_Grid], dimension: Dimension, partitions: Sequence[Sequence[_Grid]]) -> _Grid:
    rows = list(dict.fromkeys(row for part in parts for row in part.rows))
    groups = sorted({group for part in parts for group in part.groups}, key=_group_order(dimension))
    tallies: dict[Cell, Tally] = {}
    counts: dict[Cell, int] = {}
    for part in parts:
        for cell, tally in part.tallies.items():
            tallies[cell] = tallies.get(cell, Tally()) + tally
            counts[cell] = counts.get(cell, 0) + part.counts[cell]
    grid = _Grid(dimension, rows, groups, tallies, counts, {}, parts=parts)
    forced = {
        cell for cell in ((row, group) for row in rows for group in groups)
        for partition in partitions
        if 0 < sum(part.assessed(cell) for part in partition if cell in part.hidden) < SUPPRESS_BELOW
    }
    _protect(grid, forced)
    return grid


def _group_order(dimension: Dimension) -> Callable[[str], tuple[int, str]]:
    if dimension is Dimension.GENDER:
        order = [gender.value for gender in BREAKDOWN_GENDERS]
        return lambda group: (order.index(group), group)
    return age_group_order


def _protect(grid: _Grid, forced: set[Cell]) -> None:
    cells = [(row, group) for row in grid.rows for group in grid.groups]
    grid.hidden = {cell: Hidden.SMALL for cell in cells if grid.assessed(cell) < SUPPRESS_BELOW}
    for cell in forced:
        grid.hidden.setdefault(cell, Hidden.COMPLEMENT)
    lines: list[tuple[list[Cell], Cell | None, bool]] = [
        ([(row, group) for group in grid.groups], None, True) for row in grid.rows]
    for checklist_id in dict.fromkeys(row[0] for row in grid.rows):
        questions = [row for row in grid.rows if row[0] == checklist_id and row[1] is not None]
        lines += [([(row, group) for row in questions], ((checklist_id, None), group), False) for group in grid.groups]
    changed = True
    while changed:
        changed = False
        for members, margin, distinct in lines:
            if margin is not None and margin in grid.hidden:
                continue
            concealed = [cell for cell in members if cell in grid.hidden]
            if not concealed:
                continue
            residue = (sum(grid.assessed(cell) for cell in concealed) if distinct
                       else grid.assessed_together(concealed))
            if not 0 < residue < SUPPRESS_BELOW:
                continue
            shown = [cell for cell in members if cell not in grid.hidden]
            pick = min(shown, key=grid.assessed) if shown else margin
            if pick is not None:
                grid.hidden[pick] = Hidden.COMPLEMENT
                changed = True


def _table(shape: _Shape, grid: _Grid) -> BreakdownTable:
    numbers = question_numbers(shape.questions, shape.titles)
    texts = {q.question_id: q.text for q in shape.questions}
    rows = []
    for row in shape.rows():
        checklist_id, question_id = row
        cells = tuple(
            BreakdownCell(None, grid.hidden[(row, g)]) if (row, g) in grid.hidden
            else BreakdownCell(grid.tallies.get((row, g), Tally()))
            for g in grid.groups
        )
        total = sum_tallies(grid.tallies.get((row, g), Tally()) for g in grid.groups)
        number = numbers[question_id] if question_id is not None else ""
        text = texts[question_id] if question_id is not None else CHECKLIST_ROW_TEXT
        rows.append(BreakdownRow(checklist_id, number, text, total, cells))
    headings = tuple(GENDER_GROUPS[Gender(g)] if grid.dimension is Dimension.GENDER else age_heading(g)
                     for g in grid.groups)
    checklists = tuple((c, shape.titles.get(c, c)) for c in shape.checklist_ids())
    return BreakdownTable(grid.dimension, headings, checklists, tuple(rows))
