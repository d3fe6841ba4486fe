"""The improvement activities as a table model: a thin Qt layer over a plain list of
`domain.analysis.Activity`, so what the table shows and what is saved are one list, and the rules
(carrying last year's activities over, a due date that is no date) are tested without widgets.

A date cell may hold text that is no date (pasted, say): the cell keeps showing it, marked, and
the row is saved with the date last saved for it, so the rest of the row is not lost."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from aktgranskning.domain.analysis import (
    Activity,
    ActivityStatus,
    carry_over,
    cleaned_question_ids,
    parse_due_date,
)
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.follow_up import short_label

ACTIVITY_COLUMNS = ["Aktivitet", "Frågor", "Område/annat", "Ansvarig (roll)", "Klart senast",
                    "Uppföljning (hur och när)", "Status"]
QUESTIONS_COLUMN = 1
LINKED_COLUMN = 2
TEXT_FIELDS = {0: "activity", LINKED_COLUMN: "linked", 3: "responsible", 5: "follow_up"}
DUE_COLUMN = 4
STATUS_COLUMN = 6
DUE_TOOLTIP = "Dubbelklicka och välj datum i kalendern (ÅÅÅÅ-MM-DD). Delete tar bort datumet."
QUESTIONS_TOOLTIP = "Dubbelklicka (eller tryck Enter) och kryssa i frågorna aktiviteten gäller."
UNKNOWN_QUESTION = "finns inte i filens checklistor"
ERROR_BACKGROUND = QColor("#fde2e2")
STATUS_ROLE = Qt.ItemDataRole.UserRole  # on the status column: the ActivityStatus value
FROM_YEAR_ROLE = Qt.ItemDataRole.UserRole + 2  # on the first column: the year it was carried over from
QUESTIONS_ROLE = Qt.ItemDataRole.UserRole + 3  # on the questions column: the question ids (a tuple)

_Index = QModelIndex | QPersistentModelIndex


@dataclass
class _Row:
    activity: Activity  # as edited, with the due date last saved for the row
    due_text: str  # the date cell as shown: a date, empty, or text that is no date (not saved)


class ActivitiesModel(QAbstractTableModel):
    # The user changed the activities (a cell, a status, a row removed): the page saves them.
    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self.read_only = False
        self.question_labels: dict[str, str] = {}  # question id → 'F3 Har skyddsbedömning …'

    # --- the list -----------------------------------------------------------------------------
    def set_activities(self, activities: Sequence[Activity], read_only: bool = False) -> None:
        self.beginResetModel()
        self.read_only = read_only
        self._rows = [_Row(a, a.due_text) for a in activities]
        self.endResetModel()

    def set_question_labels(self, labels: dict[str, str]) -> None:
        """The file's questions by id, as the questions column shows them."""
        self.question_labels = dict(labels)
        if self._rows:
            self.dataChanged.emit(self.index(0, QUESTIONS_COLUMN), self.index(len(self._rows) - 1, QUESTIONS_COLUMN))

    def question_label(self, question_id: str) -> str:
        return self.question_labels.get(question_id, f"{question_id} ({UNKNOWN_QUESTION})")

    def activities(self) -> list[Activity]:
        """The rows as they can be saved: a date cell that holds no date keeps the date last
        saved for its row (or none)."""
        return [replace(row.activity, due=self._due_to_save(row)) for row in self._rows]

    def append(self, activity: Activity) -> int:
        """Add a row at the end (not saved until it is edited); its row number."""
        return self._append([activity])

    def remove(self, row: int) -> None:
        if not 0 <= row < len(self._rows):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        self.edited.emit()

    def carry_over(self, previous: Sequence[Activity], previous_year: int) -> int:
        """Add last year's activities for follow-up (`domain.analysis.carry_over`); how many
        were added. The caller saves."""
        current = [row.activity for row in self._rows]
        added = carry_over(current, previous, previous_year)[len(current):]
        self._append(added)
        return len(added)

    def mark_saved(self, activities: Sequence[Activity]) -> None:
        """Remember the due dates just saved: a date typed wrongly later falls back to these."""
        for row, saved in zip(self._rows, activities, strict=False):
            row.activity = replace(row.activity, due=saved.due)

    def invalid_dates(self) -> list[tuple[int, str, str]]:
        """(row, text, message) for every date cell whose text is no date."""
        found = []
        for number, row in enumerate(self._rows):
            problem = _date_problem(row.due_text)
            if problem:
                found.append((number, row.due_text, problem))
        return found

    def saved_due_text(self, row: int) -> str:
        return self._rows[row].activity.due_text

    def _append(self, activities: Sequence[Activity]) -> int:
        first = len(self._rows)
        if activities:
            self.beginInsertRows(QModelIndex(), first, first + len(activities) - 1)
            self._rows += [_Row(a, a.due_text) for a in activities]
            self.endInsertRows()
        return first

    @staticmethod
    def _due_to_save(row: _Row) -> date | None:
        try:
            return parse_due_date(row.due_text)
        except UserError:
            return row.activity.due

    # --- Qt ---------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ACTIVITY_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return ACTIVITY_COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == DUE_COLUMN:
            return DUE_TOOLTIP
        if role == Qt.ItemDataRole.ToolTipRole and section == QUESTIONS_COLUMN:
            return QUESTIONS_TOOLTIP
        if role == Qt.ItemDataRole.ToolTipRole and section == LINKED_COLUMN:
            return "Fritext: ett område eller annat som aktiviteten gäller, utöver frågorna."
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() not in (STATUS_COLUMN, QUESTIONS_COLUMN) and not self.read_only:  # chosen, not typed
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column in TEXT_FIELDS:
                return getattr(row.activity, TEXT_FIELDS[column])
            if column == DUE_COLUMN:
                return row.due_text
            if column == QUESTIONS_COLUMN:
                return "\n".join(short_label(self.question_label(i), 40) for i in row.activity.question_ids)
            return None  # the status is shown by the row's combo box
        if role == STATUS_ROLE and column == STATUS_COLUMN:
            return row.activity.status.value
        if role == QUESTIONS_ROLE and column == QUESTIONS_COLUMN:
            return row.activity.question_ids
        if role == FROM_YEAR_ROLE and column == 0:
            return row.activity.from_year
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0 and row.activity.from_year:
                return f"Från analysen {row.activity.from_year}"
            if column == DUE_COLUMN:
                return _date_problem(row.due_text) or None
            if column == QUESTIONS_COLUMN:
                chosen = [self.question_label(i) for i in row.activity.question_ids]
                return "\n".join([*chosen, "", QUESTIONS_TOOLTIP] if chosen else [QUESTIONS_TOOLTIP])
        if role == Qt.ItemDataRole.BackgroundRole and column == DUE_COLUMN and _date_problem(row.due_text):
            return QBrush(ERROR_BACKGROUND)
        return None

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role not in (Qt.ItemDataRole.EditRole, STATUS_ROLE, QUESTIONS_ROLE):
            return False
        row, column = self._rows[index.row()], index.column()
        if column == QUESTIONS_COLUMN and role == QUESTIONS_ROLE:
            ids = cleaned_question_ids([str(i) for i in value])  # type: ignore[attr-defined]
            if row.activity.question_ids == ids:
                return True
            row.activity = replace(row.activity, question_ids=ids)
        elif column in TEXT_FIELDS:
            field = TEXT_FIELDS[column]
            if getattr(row.activity, field) == str(value):
                return True
            row.activity = _with_text(row.activity, field, str(value))
        elif column == DUE_COLUMN:
            if row.due_text == str(value):
                return True
            row.due_text = str(value)
        elif column == STATUS_COLUMN:
            status = ActivityStatus(str(value))
            if row.activity.status is status:
                return True
            row.activity = replace(row.activity, status=status)
        else:
            return False
        changed = self.index(index.row(), column)  # a plain index also when given a persistent one
        self.dataChanged.emit(changed, changed)
        self.edited.emit()
        return True


def _with_text(activity: Activity, field: str, text: str) -> Activity:
    """The activity with one of its text fields (TEXT_FIELDS) changed."""
    if field == "activity":
        return replace(activity, activity=text)
    if field == "linked":
        return replace(activity, linked=text)
    if field == "responsible":
        return replace(activity, responsible=text)
    return replace(activity, follow_up=text)


def _date_problem(text: str) -> str:
    """Why the text is no date, or '' for a date or an empty cell."""
    try:
        parse_due_date(text)
    except UserError as error:
        return error.message
    return ""
