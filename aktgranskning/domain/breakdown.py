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

import functools
import operator
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, Gender
from aktgranskning.domain.labels import GENDER_GROUPS
from aktgranskning.domain.people import UNKNOWN_AGE_GROUP, age_group_order
from aktgranskning.domain.results import Tally, format_percent
from aktgranskning.domain.unit_data import (
    CaseData,
    QuestionRef,
    UnitData,
    question_numbers,
    question_tallies_by_group,
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
    grids = _unit_grids(data, shape)
    return LevelBreakdown(UNIT, data.identity.unit, _table(shape, grids[Dimension.GENDER]),
                          _table(shape, grids[Dimension.AGE]))


def level_breakdowns(administration: str, areas: Mapping[str, Sequence[UnitData]]) -> list[LevelBreakdown]:
    """The förvaltning, then each område in the given order. Enheter are not returned (too few akter
    each), but their suppression is taken into account, as their own reports show it."""
    units = [data for members in areas.values() for data in members]
    levels: list[tuple[str, str, _Shape, dict[Dimension, _Grid]]] = [
        (ADMINISTRATION, administration, _Shape.of(units), _grids())
    ] + [(AREA, area, _Shape.of(members), _grids()) for area, members in areas.items()]
    by_unit = {id(data): _unit_grids(data, _Shape.of([data])) for data in units}
    for dimension in Dimension:
        unit_grids = {key: grids[dimension] for key, grids in by_unit.items()}
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




class _Layout:
    """The cells of a grid with these rows and groups, numbered group by group (cell g·len(rows) + r
    is row r of group g), and the lines the suppression looks at. Grids of the same shape (most
    enheter of a summary) share one layout."""

    def __init__(self, rows: tuple[RowKey, ...], groups: tuple[str, ...]) -> None:
        self.rows, self.groups = rows, groups
        size = len(rows)
        self.cells: list[Cell] = [(row, group) for group in groups for row in rows]
        self.row_index = {row: index for index, row in enumerate(rows)}
        # Per checklist, in the order first seen: its own row and its questions' rows.
        self.checklists: list[tuple[int, list[int]]] = []
        for checklist_id in dict.fromkeys(row[0] for row in rows):
            questions = [r for r, row in enumerate(rows) if row[0] == checklist_id and row[1] is not None]
            self.checklists.append((self.row_index[(checklist_id, None)], questions))
        # (cells, their total if it is a cell, whether the cells' akter are distinct): a row's groups
        # are distinct akter; a column's questions are the same akter over again. Line r is row r;
        # then each checklist's columns, one per group.
        self.lines: list[tuple[list[int], int | None, bool]] = [
            ([g * size + r for g in range(len(groups))], None, True) for r in range(size)]
        column_line: dict[int, int] = {}  # a checklist's row → the line of its first group
        for head, questions in self.checklists:
            column_line[head] = len(self.lines)
            self.lines += [([g * size + r for r in questions], g * size + head, False) for g in range(len(groups))]
        heads = {r: head for head, questions in self.checklists for r in [head, *questions]}
        # Per cell, the lines to look at again once it is hidden: its row, and its column or the
        # column it is the total of.
        self.lines_of = [(r, column_line[heads[r]] + g) for g in range(len(groups)) for r in range(size)]


@functools.lru_cache(maxsize=256)
def _layout(rows: tuple[RowKey, ...], groups: tuple[str, ...]) -> _Layout:
    return _Layout(rows, groups)


@functools.lru_cache(maxsize=1024)
def _placing(part: _Layout, whole: _Layout) -> tuple[int, ...]:
    """Where each cell of `part` is in `whole`."""
    size, rows = len(whole.rows), whole.row_index
    groups = {group: index for index, group in enumerate(whole.groups)}
    return tuple(groups[group] * size + rows[row] for row, group in part.cells)


@functools.lru_cache(maxsize=1024)
def _placed(part: _Layout, whole: _Layout) -> dict[int, int]:
    """The cell of `part` at each place of `whole` that `part` has."""
    return {place: index for index, place in enumerate(_placing(part, whole))}


class _Grid:
    """A level's counts per cell of its layout; `hidden` is filled by `_protect`."""

    def __init__(self, dimension: Dimension, layout: _Layout, numbers: list[list[int]], counts: list[int],
                 akter: list[int] | None = None, parts: Sequence[_Grid] = ()) -> None:
        self.dimension, self.layout = dimension, layout
        self.numbers = numbers  # Ja, Nej, X and obesvarade: four lists, one number per cell
        self.counts = counts  # the akter with a Ja or Nej in the cell
        self.akter = akter  # an enhet's: which of its akter, one bit each (never shown)
        self.parts = parts  # a pooled level's: the enheter (or områden) it adds up
        self.hidden: list[Hidden | None] = []

    def tally(self, cell: int) -> Tally:
        yes, no, not_applicable, unanswered = self.numbers
        return Tally(yes[cell], no[cell], not_applicable[cell], unanswered[cell])

    def assessed_together(self, cells: list[int]) -> int:
        """The akter the cells rest on: on a question its Ja + Nej; on a checklist's row the akter
        with any Ja or Nej (three akter are three people, however many answers they give); for
        several cells together, once one cell alone has SUPPRESS_BELOW or more, that lower bound,
        as it decides (one akt may be in several questions' cells)."""
        counts = self.counts
        largest = max((counts[cell] for cell in cells), default=0)
        if largest == 0 or largest >= SUPPRESS_BELOW:
            return largest
        if self.akter is not None:
            together = 0
            for cell in cells:
                together |= self.akter[cell]
            return together.bit_count()
        total = 0
        for part in self.parts:  # the enheter share no akt
            placed = _placed(part.layout, self.layout)
            total += part.assessed_together([placed[cell] for cell in cells if cell in placed])
        return total


def _gender_of(case: CaseData) -> str:
    return case.gender.value


def _age_of(case: CaseData) -> str:
    return case.age_group


def _unit_grids(data: UnitData, shape: _Shape) -> dict[Dimension, _Grid]:
    """An enhet's grid per kön and per åldersgrupp. Every case's answers are gone through once for
    the counts of each dimension and once for the akter behind them, not once per group."""
    rows = tuple(shape.rows())
    bit_of = {id(case): 1 << index for index, case in enumerate(data.cases)}  # an akt: one bit
    assessed = _assessed_akter(data, rows, bit_of)
    row_akter = [assessed.get(question_id, 0) if question_id is not None else 0 for _c, question_id in rows]
    return {dimension: _unit_grid(data, dimension, rows, bit_of, row_akter) for dimension in Dimension}


def _assessed_akter(data: UnitData, rows: Sequence[RowKey], bit_of: Mapping[int, int]) -> dict[str, int]:
    """Per question, the akter that count, are of its checklist and have Ja or Nej on it."""
    checklist_of = {question_id: c for c, question_id in rows if question_id is not None}
    assessed = dict.fromkeys(checklist_of, 0)
    for case in data.cases:
        if case.status is CaseStatus.DROPOUT:
            continue
        akt, case_type = bit_of[id(case)], case.case_type
        for question_id, answer in case.answers.items():
            if answer in ASSESSED and checklist_of.get(question_id) == case_type:
                assessed[question_id] |= akt
    return assessed


def _unit_grid(data: UnitData, dimension: Dimension, rows: tuple[RowKey, ...], bit_of: Mapping[int, int],
               row_akter: list[int]) -> _Grid:
    group_of = _gender_of if dimension is Dimension.GENDER else _age_of
    by_group = question_tallies_by_group(data, group_of)
    groups = ([gender.value for gender in BREAKDOWN_GENDERS] if dimension is Dimension.GENDER
              else sorted(by_group, key=age_group_order))
    layout = _layout(rows, tuple(groups))
    in_group: dict[str, int] = {}  # the akter of each group that count
    for case in data.cases:
        if case.status is not CaseStatus.DROPOUT:
            key = group_of(case)
            in_group[key] = in_group.get(key, 0) | bit_of[id(case)]
    question_ids = [question_id for _c, question_id in rows]
    numbers: list[list[int]] = [[], [], [], []]
    akter: list[int] = []
    for group in groups:
        by_question = {t.question.question_id: t.tally for t in by_group.get(group, ())}
        tallies = [by_question.get(question_id, _NOTHING) if question_id is not None else _NOTHING
                   for question_id in question_ids]
        columns = ([t.yes for t in tallies], [t.no for t in tallies], [t.not_applicable for t in tallies],
                   [t.unanswered for t in tallies])
        members = in_group.get(group, 0)
        bits = [akt & members for akt in row_akter]
        for head, questions in layout.checklists:  # a checklist's row: its questions together
            for column in columns:
                column[head] = sum([column[r] for r in questions])
            bits[head] = functools.reduce(operator.or_, [bits[r] for r in questions], 0)
        for numbers_of, column in zip(numbers, columns, strict=True):
            numbers_of += column
        akter += bits
    grid = _Grid(dimension, layout, numbers, list(map(int.bit_count, akter)), akter)
    _protect(grid, set())
    return grid


_NOTHING = Tally()


def _pooled(parts: Sequence[_Grid], dimension: Dimension, partitions: Sequence[Sequence[_Grid]]) -> _Grid:
    """The sum of `parts`, protected against each way of splitting it into parts whose own
    breakdowns are shown (`partitions`)."""
    rows = tuple(dict.fromkeys(row for part in parts for row in part.layout.rows))
    groups = tuple(sorted({group for part in parts for group in part.layout.groups}, key=_group_order(dimension)))
    layout = _layout(rows, groups)
    size = len(layout.cells)
    numbers = [[0] * size for _ in range(4)]
    counts = [0] * size
    for part_layout, members in _by_layout(parts).items():
        placing = _placing(part_layout, layout)
        for index, target in enumerate(numbers):
            _add_into(target, placing, [part.numbers[index] for part in members])
        _add_into(counts, placing, [part.counts for part in members])
    grid = _Grid(dimension, layout, numbers, counts, parts=parts)
    forced: set[int] = set()
    for partition in partitions:
        concealed = [0] * size  # per cell, the akter its parts' hidden cells hold together
        for part_layout, members in _by_layout(partition).items():
            _add_into(concealed, _placing(part_layout, layout),
                      [[count if hidden is not None else 0 for count, hidden in zip(part.counts, part.hidden,
                                                                                    strict=True)]
                       for part in members])
        forced.update(cell for cell, akter in enumerate(concealed) if 0 < akter < SUPPRESS_BELOW)
    _protect(grid, forced)
    return grid


def _by_layout(grids: Iterable[_Grid]) -> dict[_Layout, list[_Grid]]:
    shaped: dict[_Layout, list[_Grid]] = {}
    for grid in grids:
        shaped.setdefault(grid.layout, []).append(grid)
    return shaped


def _add_into(target: list[int], placing: Sequence[int], numbers: list[list[int]]) -> None:
    """Add lists of one layout, cell by cell, into `target` at their places: the lists are added
    up in C first (a förvaltning adds some 100 000 cells)."""
    summed = numbers[0] if len(numbers) == 1 else list(map(sum, zip(*numbers, strict=True)))
    for place, number in zip(placing, summed, strict=True):
        target[place] += number


def _group_order(dimension: Dimension) -> Callable[[str], tuple[int, str]]:
    if dimension is Dimension.GENDER:
        order = [gender.value for gender in BREAKDOWN_GENDERS]
        return lambda group: (order.index(group), group)
    return age_group_order


def _protect(grid: _Grid, forced: set[int]) -> None:
    """Hide the small cells, the `forced` ones, and then whatever would let a hidden cell's
    counts be computed from a total (see the module's docstring)."""
    counts, layout = grid.counts, grid.layout
    hidden = grid.hidden = [Hidden.SMALL if count < SUPPRESS_BELOW else None for count in counts]
    for cell in forced:
        if hidden[cell] is None:
            hidden[cell] = Hidden.COMPLEMENT
    # The lines are gone through in order until nothing changes, as the rule reads. A line whose
    # cells have not changed since it was last looked at would hide nothing, so only the lines of
    # a newly hidden cell are looked at again.
    lines, lines_of = layout.lines, layout.lines_of
    waiting = [True] * len(lines)
    pending = len(lines)
    while pending:
        for index, (members, margin, distinct) in enumerate(lines):
            if not waiting[index]:
                continue
            waiting[index] = False
            pending -= 1
            if margin is not None and hidden[margin] is not None:
                continue  # the total of the line is hidden: it gives nothing away
            concealed = [cell for cell in members if hidden[cell] is not None]
            if not concealed:
                continue
            residue = (sum([counts[cell] for cell in concealed]) if distinct
                       else grid.assessed_together(concealed))
            if not 0 < residue < SUPPRESS_BELOW:
                continue
            shown = [cell for cell in members if hidden[cell] is None]
            pick = min(shown, key=counts.__getitem__) if shown else margin
            if pick is None:
                continue  # every group is hidden: only the public total is known
            hidden[pick] = Hidden.COMPLEMENT
            for line in lines_of[pick]:
                if not waiting[line]:
                    waiting[line] = True
                    pending += 1


def _table(shape: _Shape, grid: _Grid) -> BreakdownTable:
    numbers = question_numbers(shape.questions, shape.titles)
    texts = {q.question_id: q.text for q in shape.questions}
    layout, hidden = grid.layout, grid.hidden
    size, groups = len(layout.rows), range(len(layout.groups))
    rows = []
    for row in shape.rows():
        checklist_id, question_id = row
        r = layout.row_index.get(row)
        if r is None:  # a row none of the parts has: nothing counted
            cells = tuple(BreakdownCell(_NOTHING) for _ in groups)
            total = _NOTHING
        else:
            places = [g * size + r for g in groups]
            cells = tuple(BreakdownCell(None, hidden[cell]) if hidden[cell] is not None
                          else BreakdownCell(grid.tally(cell)) for cell in places)
            total = Tally(*(sum([column[cell] for cell in places]) for column in grid.numbers))
        number = numbers[question_id] if question_id is not None else ""
        text = texts[question_id] if question_id is not None else CHECKLIST_ROW_TEXT
        rows.append(BreakdownRow(checklist_id, number, text, total, cells))
    headings = tuple(GENDER_GROUPS[Gender(g)] if grid.dimension is Dimension.GENDER else age_heading(g)
                     for g in layout.groups)
    checklists = tuple((c, shape.titles.get(c, c)) for c in shape.checklist_ids())
    return BreakdownTable(grid.dimension, headings, checklists, tuple(rows))
