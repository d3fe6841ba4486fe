"""An enhet's, an område's or the förvaltning's results broken down by kön and by åldersgrupp,
with the cells that could point to single people suppressed.

Every count comes from `domain.unit_data.question_tallies` with a `CaseFilter` per group; a
level's counts are its enheter's added up. A table has a row per question and per checklist
(all its questions together), a column "Alla" (the level's ordinary result, shown in every other
output too) and a column per group:

- kön: all four stored values (flicka/kvinna, pojke/man, annat kön, kön okänt), always, so that
  a column's presence tells nothing; an import without kön has its akter under "Kön okänt";
- åldersgrupp: the groups the level's counted akter hold, in age order; no age is "Ålder ej
  angiven".

Suppression (`SUPPRESSION_RULE`, printed beside every breakdown):

1. A cell with fewer than `SUPPRESS_BELOW` assessed akter (Ja + Nej) is not shown, 0 included, so
   an empty group cannot be told from a small one. A checklist's row counts akter, not answers:
   three akter with two answers each are still three people.
2. A row's groups add up to "Alla", which is public. If the hidden cells of a row hold 1–4 assessed
   akter together, "Alla" minus the shown cells would give them away, so the smallest shown cell
   of the row is hidden too. The same holds down a column: a checklist's row is the sum of its
   questions' rows, so a group's hidden question cells must not rest on 1–4 akter together while
   the checklist's cell of that group is shown. Both are repeated until nothing changes.
3. An område is the sum of its enheter, whose own reports show their breakdown; the förvaltning is
   the sum of its områden and of all enheter. A cell of a level is hidden when the hidden cells of
   its parts hold 1–4 assessed akter together (the level minus the shown parts would give them).

The counts of a hidden cell never leave this module: a hidden `BreakdownCell` has no tally.

Limits: the rules look at each line (row, column, level and its parts) by itself, not at every
system of equations several tables together could form; the kön and åldersgrupp tables are not
crossed with each other; and the summary assumes the enheter's reports were made from the same
data (a report printed while the review was under way may have hidden other cells).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Gender
from aktgranskning.domain.labels import GENDER_GROUPS
from aktgranskning.domain.people import UNKNOWN_AGE_GROUP, age_group_order
from aktgranskning.domain.results import Tally, format_percent, sum_tallies
from aktgranskning.domain.unit_data import (
    CaseFilter,
    QuestionRef,
    UnitData,
    counted_by_type,
    question_numbers,
    question_tallies,
)

if TYPE_CHECKING:
    from aktgranskning.domain.summary import Summary

# Cells with fewer assessed cases than this are not shown in breakdowns, so nobody is recognised.
SUPPRESS_BELOW = 5
# The groups of the breakdown by kön, in this order: every stored value, always.
BREAKDOWN_GENDERS = tuple(Gender)
SMALL_TEXT = f"<{SUPPRESS_BELOW}"
COMPLEMENT_TEXT = "dold"
SUPPRESSION_RULE = (
    f"Ett resultat som bygger på färre än {SUPPRESS_BELOW} bedömda akter (Ja + Nej) visas inte ({SMALL_TEXT}), "
    f"och inte heller ett resultat som annars skulle gå att räkna fram ur totalen, de andra grupperna eller "
    f"enheternas egna rapporter ({COMPLEMENT_TEXT})."
)
READING = ("Cellen visar andel Ja med antal Ja / bedömda (Ja + Nej). ”Alla” är nivåns hela resultat; raden "
           "”Alla frågor sammantaget” räknar svaren på checklistans alla frågor.")
UNITS_NOT_SHOWN = ("Enheterna visas inte en och en här: de har för få akter per kön och åldersgrupp. "
                   "Varje enhets egen rapport har enhetens uppdelning.")
ALL_COLUMN = "Alla"
CHECKLIST_ROW_TEXT = "Alla frågor sammantaget"
AGE_NOT_GIVEN = "Ålder ej angiven"
AGE_UNKNOWN = "Ålder okänd"
UNIT, AREA, ADMINISTRATION = "Enhet", "Område", "Förvaltning"
ASSESSED = (Answer.YES, Answer.NO)


def suppressed(tally: Tally | None) -> bool:
    """True when a breakdown cell rests on so few cases that it must not be shown."""
    return tally is None or tally.assessed < SUPPRESS_BELOW


class Dimension(str, Enum):
    GENDER = "Kön"
    AGE = "Åldersgrupp"


class Hidden(str, Enum):
    """Why a cell is not shown; the value is what the cell says."""

    SMALL = SMALL_TEXT
    COMPLEMENT = COMPLEMENT_TEXT


def share_text(tally: Tally) -> str:
    """'89 % (17/19)', or '–' without Ja/Nej."""
    if not tally.assessed:
        return "–"
    return f"{format_percent(tally.share)} ({tally.yes}/{tally.assessed})"


@dataclass(frozen=True)
class BreakdownCell:
    tally: Tally | None  # None when hidden
    hidden: Hidden | None = None

    @property
    def text(self) -> str:
        if self.hidden is not None or self.tally is None:
            return (self.hidden or Hidden.SMALL).value
        return share_text(self.tally)


@dataclass(frozen=True)
class BreakdownRow:
    checklist_id: str
    number: str  # 'F1'; '' on a checklist's row
    text: str
    total: Tally  # every akt of the level: its ordinary result
    cells: tuple[BreakdownCell, ...]  # one per group of the table

    @property
    def is_checklist(self) -> bool:
        return not self.number

    @property
    def total_text(self) -> str:
        return share_text(self.total)


@dataclass(frozen=True)
class BreakdownTable:
    dimension: Dimension
    groups: tuple[str, ...]  # column headings, in order
    checklists: tuple[tuple[str, str], ...]  # (id, title) in the order of the rows
    rows: tuple[BreakdownRow, ...]  # per checklist: its own row, then its questions

    def rows_of(self, checklist_id: str) -> list[BreakdownRow]:
        return [row for row in self.rows if row.checklist_id == checklist_id]

    def hidden_cells(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.hidden is not None)


@dataclass(frozen=True)
class LevelBreakdown:
    kind: str  # 'Enhet', 'Område', 'Förvaltning'
    name: str
    by_gender: BreakdownTable
    by_age: BreakdownTable

    @property
    def title(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def tables(self) -> tuple[BreakdownTable, BreakdownTable]:
        return (self.by_gender, self.by_age)


def unit_breakdown(data: UnitData) -> LevelBreakdown:
    """One enhet, as its results view, workbook and PDF show it."""
    shape = _Shape.of([data])
    tables = [_table(shape, _unit_grid(data, dimension, shape)) for dimension in Dimension]
    return LevelBreakdown(UNIT, data.identity.unit, tables[0], tables[1])


def level_breakdowns(administration: str, areas: Mapping[str, Sequence[UnitData]]) -> list[LevelBreakdown]:
    """The förvaltning, then each område in the given order. Enheter are not returned (too few akter
    each), but their suppression is taken into account, as their own reports show it."""
    units = [data for members in areas.values() for data in members]
    levels: list[tuple[str, str, _Shape, dict[Dimension, _Grid]]] = [
        (ADMINISTRATION, administration, _Shape.of(units), _grids())
    ] + [(AREA, area, _Shape.of(members), _grids()) for area, members in areas.items()]
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


def _grids() -> dict[Dimension, _Grid]:
    return {}


def summary_breakdowns(summary: Summary) -> tuple[LevelBreakdown, ...]:
    """The förvaltning and each område of a summary, the områden in the summary's order. Kept for
    as long as the summary lives, as the workbook and the PDF of one summary both show it."""
    key = id(summary)
    cached = _by_summary.get(key)
    if cached is not None and cached[0]() is summary:
        return cached[1]
    areas: dict[str, list[UnitData]] = {level.name: [] for level in summary.areas()}
    for item in summary.inputs:
        areas.setdefault(item.data.identity.area, []).append(item.data)
    read = {area: members for area, members in areas.items() if members}  # an område of the round with no file
    result = tuple(level_breakdowns(summary.administration, read))
    _by_summary[key] = (weakref.ref(summary, lambda _gone: _by_summary.pop(key, None)), result)
    return result


_by_summary: dict[int, tuple[weakref.ref[Summary], tuple[LevelBreakdown, ...]]] = {}


def age_heading(group: str) -> str:
    if not group.strip():
        return AGE_NOT_GIVEN
    return AGE_UNKNOWN if group == UNKNOWN_AGE_GROUP else group


# --- the counting and the suppression -------------------------------------------------------------
RowKey = tuple[str, str | None]  # (checklist id, question id); None: the checklist's row
Cell = tuple[RowKey, str]  # (row, group)


@dataclass(frozen=True)
class _Shape:
    """The questions of a level, in the order first seen, with their checklists' titles."""

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
    counts: dict[Cell, int]  # the akter with a Ja or Nej in the cell
    hidden: dict[Cell, Hidden]
    akter: dict[Cell, int] | None = None  # an enhet's: which of its akter, one bit each (never shown)
    parts: Sequence[_Grid] = ()  # a pooled level's: the enheter it adds up

    def assessed(self, cell: Cell) -> int:
        """The akter a cell rests on: on a question its Ja + Nej; on a checklist's row the akter
        with any Ja or Nej (three akter are three people, however many answers they give)."""
        return self.counts.get(cell, 0)

    def assessed_together(self, cells: Iterable[Cell]) -> int:
        """The akter the cells rest on together (one akt may be in several questions' cells); once
        one cell alone has SUPPRESS_BELOW or more, that lower bound is returned, as it decides."""
        cells = list(cells)
        largest = max((self.assessed(cell) for cell in cells), default=0)
        if largest == 0 or largest >= SUPPRESS_BELOW:
            return largest
        if self.akter is not None:
            together = 0
            for cell in cells:
                together |= self.akter.get(cell, 0)
            return together.bit_count()
        return sum(part.assessed_together(cells) for part in self.parts)  # the enheter share no akt


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
    """The sum of `parts`, protected against each way of splitting it into parts whose own
    breakdowns are shown (`partitions`)."""
    rows = list(dict.fromkeys(row for part in parts for row in part.rows))
    groups = sorted({group for part in parts for group in part.groups}, key=_group_order(dimension))
    sums: dict[Cell, list[int]] = {}
    counts: dict[Cell, int] = {}
    for part in parts:  # added as plain numbers: a förvaltning adds some 50 000 cells
        part_counts = part.counts
        for cell, tally in part.tallies.items():
            total = sums.get(cell)
            if total is None:
                sums[cell] = [tally.yes, tally.no, tally.not_applicable, tally.unanswered]
                counts[cell] = part_counts[cell]
            else:
                total[0] += tally.yes
                total[1] += tally.no
                total[2] += tally.not_applicable
                total[3] += tally.unanswered
                counts[cell] += part_counts[cell]
    tallies = {cell: Tally(*total) for cell, total in sums.items()}
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
    """Hide the small cells, the `forced` ones, and then whatever would let a hidden cell's
    counts be computed from a total (see the module's docstring)."""
    cells = [(row, group) for row in grid.rows for group in grid.groups]
    grid.hidden = {cell: Hidden.SMALL for cell in cells if grid.assessed(cell) < SUPPRESS_BELOW}
    for cell in forced:
        grid.hidden.setdefault(cell, Hidden.COMPLEMENT)
    # (cells, their total if it is a cell, whether the cells' akter are distinct): a row's groups
    # are distinct akter; a column's questions are the same akter over again.
    lines: list[tuple[list[Cell], Cell | None, bool]] = [
        ([(row, group) for group in grid.groups], None, True) for row in grid.rows]
    for checklist_id in dict.fromkeys(row[0] for row in grid.rows):
        questions = [row for row in grid.rows if row[0] == checklist_id and row[1] is not None]
        lines += [([(row, group) for row in questions], ((checklist_id, None), group), False) for group in grid.groups]
    hidden, counts = grid.hidden, grid.counts
    changed = True
    while changed:
        changed = False
        for members, margin, distinct in lines:
            if margin is not None and margin in hidden:
                continue  # the total of the line is hidden: it gives nothing away
            concealed = [cell for cell in members if cell in hidden]
            if not concealed:
                continue
            residue = (sum(counts.get(cell, 0) for cell in concealed) if distinct
                       else grid.assessed_together(concealed))
            if not 0 < residue < SUPPRESS_BELOW:
                continue
            shown = [cell for cell in members if cell not in hidden]
            pick = min(shown, key=grid.assessed) if shown else margin
            if pick is not None:  # else every group is hidden: only the public total is known
                hidden[pick] = Hidden.COMPLEMENT
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
