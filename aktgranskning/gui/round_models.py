"""Qt models for the round window over plain lists: the overview of the enheter, the roster as the
utvecklare edits it, the timetable and the förvaltningsgemensamma åtgärder. Each keeps the
domain objects it shows, so what the table shows and what is saved are one list, and the rules
(a state's wording, priorities that follow the order, a date that is no date) are tested without
widgets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from aktgranskning.domain.analysis import ActivityStatus, parse_due_date
from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.round import Milestone, RoundUnit, SharedAction, UnitState
from aktgranskning.domain.thresholds import Level, Thresholds, fill_colour
from aktgranskning.domain.unit_data import QuestionRef, question_numbers

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
ERROR_BACKGROUND = QColor("#fde2e2")
STATE_BACKGROUNDS = {
    UnitState.MISSING: QColor(fill_colour(Level.POOR)),
    UnitState.NOT_STARTED: QColor(fill_colour(Level.FAIR)),
    UnitState.IN_PROGRESS: QColor(fill_colour(Level.FAIR)),
    UnitState.DONE: QColor(fill_colour(Level.GOOD)),
}
STATE_ROLE = Qt.ItemDataRole.UserRole  # on the state column: the UnitState value


# --- the overview ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class OverviewRow:
    """One enhet as the overview shows it: what the round expects and what its folder holds."""

    unit: RoundUnit
    state: UnitState
    done: int = 0  # akter klara
    to_review: int = 0  # akter in the sample without dropouts
    analysed: bool = False
    submitted: bool = False
    source: str = ""  # the file found for the enhet
    thresholds: Thresholds | None = None  # the file's colour limits, when they differ from the round's


def state_text(row: OverviewRow) -> str:
    """The state in words, never only a colour: 'Saknas – ingen fil hittades', 'Pågående – 4 av
    10 klara'."""
    if row.state is UnitState.MISSING:
        return "Saknas – ingen fil hittades"
    if row.state is UnitState.IN_PROGRESS:
        return f"Pågående – {row.done} av {row.to_review} klara"
    if row.state is UnitState.NOT_STARTED:
        return f"Ej påbörjad – 0 av {row.to_review or row.unit.expected_cases} klara"
    return f"Klar – {row.done} av {row.to_review} klara"


class _RowsModel(QAbstractTableModel):
    """A table over a plain list `_rows` with the column titles `COLUMNS` (and their tooltips
    `TIPS`); subclasses say what a cell shows and whether it may be edited."""

    COLUMNS: ClassVar[Sequence[str]] = ()
    TIPS: ClassVar[dict[int, str]] = {}
    EDITABLE: ClassVar[bool] = False  # every cell editable (a subclass may decide per cell in flags)

    _rows: list[Any]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> object:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return self.COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.TIPS.get(section)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if self.EDITABLE else flags

    def _append(self, value: Any) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(value)
        self.endInsertRows()
        return row

    def _drop(self, row: int) -> bool:
        if not 0 <= row < len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        return True


OVERVIEW_COLUMNS = ["Område", "Enhet", "Läge", "Akter", "Analys", "Inlämnad", "Fil", "Färggränser"]
OVERVIEW_TIPS = {3: "Antal akter som enheten ska granska", 4: "Enhetens analys är ifylld",
                 5: "Enheten har lämnat in sin rapport", 7: "Färggränser i enhetens fil som skiljer sig från omgångens"}
STATE_COLUMN = 2
LIMITS_COLUMN = 7


class OverviewModel(_RowsModel):
    COLUMNS = OVERVIEW_COLUMNS
    TIPS = OVERVIEW_TIPS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[OverviewRow] = []
        self.round_thresholds = Thresholds()

    def set_rows(self, rows: Sequence[OverviewRow], thresholds: Thresholds) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.round_thresholds = thresholds
        self.endResetModel()

    def rows(self) -> list[OverviewRow]:
        return list(self._rows)

    def data(self, index: _Index, role: int = _DISPLAY) -> object:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role == _DISPLAY:
            return self._text(row, column)
        if role == Qt.ItemDataRole.BackgroundRole and column == STATE_COLUMN:
            return QBrush(STATE_BACKGROUNDS[row.state])
        if role == STATE_ROLE and column == STATE_COLUMN:
            return row.state.value
        if role == Qt.ItemDataRole.ToolTipRole and column == STATE_COLUMN and row.state is UnitState.MISSING:
            return (f"Ingen granskningsfil eller Excelfil för {row.unit.unit} hittades i omgångens mapp. "
                    "Enheten visas som saknad i sammanställningen.")
        if role == Qt.ItemDataRole.ToolTipRole and column == 6 and row.source:
            return row.source
        return None

    def _text(self, row: OverviewRow, column: int) -> str:
        if column == 0:
            return row.unit.area
        if column == 1:
            return row.unit.unit
        if column == STATE_COLUMN:
            return state_text(row)
        if column == 3:
            return str(row.unit.expected_cases)
        if column == 4:
            return "Ja" if row.analysed else ("–" if row.state is UnitState.MISSING else "Nej")
        if column == 5:
            return "Ja" if row.submitted else ("–" if row.state is UnitState.MISSING else "Nej")
        if column == 6:
            return row.source or "–"
        if row.thresholds is not None and row.thresholds != self.round_thresholds:
            return f"Avviker: grön ≥ {row.thresholds.good} %, gul ≥ {row.thresholds.fair} %"
        return ""


# --- the roster -----------------------------------------------------------------------------------
ROSTER_COLUMNS = ["Område", "Enhet", "Förväntade akter", "Fil (om den inte hittas av sig själv)"]


class RosterModel(_RowsModel):
    """The enheter of the round as the utvecklare edits them by hand; `units()` checks them."""

    COLUMNS = ROSTER_COLUMNS
    EDITABLE = True

    def __init__(self, units: Iterable[RoundUnit], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = [[u.area, u.unit, str(u.expected_cases), u.file] for u in units]

    def units(self) -> tuple[RoundUnit, ...]:
        """The rows as enheter; a UserError names the row that is wrong."""
        units = []
        for number, (area, unit, expected, file) in enumerate(self._rows, start=1):
            if not area.strip():
                raise UserError(f"Rad {number}: ange vilket område enheten hör till.")
            try:
                cases = int(expected.strip())
            except ValueError:
                raise UserError(f"Rad {number}: ”{expected}” är inget antal akter.") from None
            units.append(RoundUnit(area.strip(), unit.strip(), cases, file.strip()))
        return tuple(units)

    def add(self, area: str = "") -> int:
        return self._append([area, "", "20", ""])

    def remove(self, row: int) -> None:
        self._drop(row)

    def data(self, index: _Index, role: int = _DISPLAY) -> object:
        if index.isValid() and role in (_DISPLAY, _EDIT):
            return self._rows[index.row()][index.column()]
        return None

    def setData(self, index: _Index, value: object, role: int = _EDIT) -> bool:
        if not index.isValid() or role != _EDIT:
            return False
        self._rows[index.row()][index.column()] = str(value)
        changed = self.index(index.row(), index.column())
        self.dataChanged.emit(changed, changed)
        return True


# --- the timetable --------------------------------------------------------------------------------
TIMETABLE_COLUMNS = ["Steg i rutinen", "Datum"]


class TimetableModel(_RowsModel):
    """The rutin's dates; `edited` after each change that can be saved."""

    COLUMNS = TIMETABLE_COLUMNS
    EDITABLE = True

    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Milestone] = []

    def set_milestones(self, milestones: Sequence[Milestone]) -> None:
        self.beginResetModel()
        self._rows = list(milestones)
        self.endResetModel()

    def milestones(self) -> tuple[Milestone, ...]:
        return tuple(self._rows)

    def data(self, index: _Index, role: int = _DISPLAY) -> object:
        if not index.isValid() or role not in (_DISPLAY, _EDIT):
            return None
        milestone = self._rows[index.row()]
        if index.column() == 0:
            return milestone.step
        return milestone.due.isoformat() if milestone.due else ""

    def setData(self, index: _Index, value: object, role: int = _EDIT) -> bool:
        if not index.isValid() or role != _EDIT:
            return False
        milestone = self._rows[index.row()]
        if index.column() == 0:
            if not str(value).strip():
                return False
            updated = replace(milestone, step=str(value).strip())
        else:
            try:
                updated = replace(milestone, due=parse_due_date(str(value)))
            except UserError:
                return False
        if updated == milestone:
            return True
        self._rows[index.row()] = updated
        changed = self.index(index.row(), index.column())
        self.dataChanged.emit(changed, changed)
        self.edited.emit()
        return True


# --- the round's questions ------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionChoice:
    question_id: str
    label: str  # 'F3 Har barnet fått komma till tals?'
    group: str = ""  # the checklist's title, under which the chooser lists the question


def question_choices(checklists: Iterable[Checklist], checklist_ids: Sequence[str],
                     more: Iterable[QuestionRef] = (), linked: Iterable[str] = ()) -> list[QuestionChoice]:
    """The questions an action can target: those of the round's checklists (all installed ones
    when the round names none), then any the summary has besides, then ids already linked that
    neither knows, so a link can always be seen and taken away."""
    wanted = set(checklist_ids)
    refs: list[QuestionRef] = []
    titles: dict[str, str] = {}
    for checklist in checklists:
        if wanted and checklist.id not in wanted:
            continue
        titles[checklist.id] = checklist.title
        refs += [QuestionRef(checklist.id, section.id, section.title, question.id, question.text,
                             question.green_limit)
                 for section in checklist.sections for question in section.questions]
    known = {ref.question_id for ref in refs}
    for ref in more:
        if ref.question_id not in known:
            known.add(ref.question_id)
            refs.append(ref)
    numbers = question_numbers(refs, titles)
    choices = [QuestionChoice(ref.question_id, f"{numbers[ref.question_id]} {ref.text}",
                              titles.get(ref.checklist_id, ref.checklist_id)) for ref in refs]
    choices += [QuestionChoice(qid, f"{qid} (okänd fråga)", "Frågor som ingen checklista har")
                for qid in dict.fromkeys(linked) if qid not in known]
    return choices


# --- the shared actions ---------------------------------------------------------------------------
ACTION_COLUMNS = ["Prioritet", "Åtgärd", "Ansvarig (roll)", "Klart senast", "Frågor", "Status", "Uppföljning",
                  "Från år"]
PRIORITY_COLUMN, ACTION_COLUMN, OWNER_COLUMN, DUE_COLUMN, QUESTIONS_COLUMN, STATUS_COLUMN, FOLLOW_UP_COLUMN, \
    FROM_YEAR_COLUMN = range(8)
ACTION_STATUS_ROLE = Qt.ItemDataRole.UserRole
QUESTION_IDS_ROLE = Qt.ItemDataRole.UserRole + 1
_TEXT_COLUMNS = {ACTION_COLUMN: "action", OWNER_COLUMN: "owner", FOLLOW_UP_COLUMN: "follow_up"}


class ActionsModel(_RowsModel):
    """The förvaltningsgemensamma åtgärder in priority order: the row order is the priority (1
    first), so moving a row renumbers them all. `edited` after every change, for saving."""

    COLUMNS = ACTION_COLUMNS
    TIPS: ClassVar[dict[int, str]] = {
        QUESTIONS_COLUMN: "Välj frågorna ur listan: dubbelklicka, tryck Enter eller använd ”Välj frågor…”.",
        PRIORITY_COLUMN: "Ordningen är prioriteten: flytta raden upp eller ned för att ändra den."}
    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[SharedAction] = []
        self._labels: dict[str, str] = {}

    def set_actions(self, actions: Sequence[SharedAction], choices: Sequence[QuestionChoice]) -> None:
        self.beginResetModel()
        self._rows = sorted(actions, key=lambda a: a.priority)
        self._labels = {choice.question_id: choice.label for choice in choices}
        self.endResetModel()

    def actions(self) -> tuple[SharedAction, ...]:
        return tuple(replace(action, priority=number) for number, action in enumerate(self._rows, start=1))

    def add(self) -> int:
        return self._append(SharedAction("", priority=len(self._rows) + 1))

    def remove(self, row: int) -> None:
        if self._drop(row):
            self._priorities_changed(row)
            self.edited.emit()

    def move(self, row: int, step: int) -> int:
        """Move a row up (step −1) or down (+1) one place; the row it ends on."""
        target = row + step
        if not (0 <= row < len(self._rows) and 0 <= target < len(self._rows)):
            return row
        # Qt's move API wants the destination as the row *before which* to insert
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target + (1 if step > 0 else 0))
        self._rows[row], self._rows[target] = self._rows[target], self._rows[row]
        self.endMoveRows()
        self._priorities_changed(min(row, target))
        self.edited.emit()
        return target

    def set_questions(self, row: int, question_ids: Sequence[str]) -> None:
        self._update(row, QUESTIONS_COLUMN, replace(self._rows[row], question_ids=tuple(question_ids)))

    def question_ids(self, row: int) -> tuple[str, ...]:
        return self._rows[row].question_ids

    def _priorities_changed(self, first: int) -> None:
        if first < len(self._rows):
            self.dataChanged.emit(self.index(first, PRIORITY_COLUMN), self.index(len(self._rows) - 1, PRIORITY_COLUMN))

    def _update(self, row: int, column: int, action: SharedAction) -> bool:
        if action == self._rows[row]:
            return True
        self._rows[row] = action
        changed = self.index(row, column)
        self.dataChanged.emit(changed, changed)
        self.edited.emit()
        return True

    # --- Qt ---------------------------------------------------------------------------------------
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (*_TEXT_COLUMNS, DUE_COLUMN, STATUS_COLUMN):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = _DISPLAY) -> object:
        if not index.isValid():
            return None
        action, column = self._rows[index.row()], index.column()
        if role in (_DISPLAY, _EDIT):
            return self._text(index.row(), action, column, role)
        if role == ACTION_STATUS_ROLE and column == STATUS_COLUMN:
            return action.status.value
        if role == QUESTION_IDS_ROLE and column == QUESTIONS_COLUMN:
            return list(action.question_ids)
        if role == Qt.ItemDataRole.ToolTipRole and column == QUESTIONS_COLUMN:
            return "\n".join(self._label(qid) for qid in action.question_ids) or "Inga frågor valda."
        return None

    def _text(self, row: int, action: SharedAction, column: int, role: int) -> Any:
        if column == PRIORITY_COLUMN:
            return str(row + 1)
        if column in _TEXT_COLUMNS:
            return getattr(action, _TEXT_COLUMNS[column])
        if column == DUE_COLUMN:
            return action.due.isoformat() if action.due else ""
        if column == QUESTIONS_COLUMN:
            return "\n".join(self._label(qid) for qid in action.question_ids)
        if column == STATUS_COLUMN:
            return action.status.value if role == _EDIT else action.status.label
        return str(action.from_year) if action.from_year else ""

    def _label(self, question_id: str) -> str:
        return self._labels.get(question_id, question_id)

    def setData(self, index: _Index, value: object, role: int = _EDIT) -> bool:
        if not index.isValid() or role not in (_EDIT, ACTION_STATUS_ROLE):
            return False
        row, column = index.row(), index.column()
        action, text = self._rows[row], str(value)
        if column == ACTION_COLUMN:
            return self._update(row, column, replace(action, action=text))
        if column == OWNER_COLUMN:
            return self._update(row, column, replace(action, owner=text))
        if column == FOLLOW_UP_COLUMN:
            return self._update(row, column, replace(action, follow_up=text))
        if column == DUE_COLUMN:
            try:
                return self._update(row, column, replace(action, due=parse_due_date(text)))
            except UserError:
                return False
        if column == STATUS_COLUMN:
            return self._update(row, column, replace(action, status=ActivityStatus(text)))
        return False
