"""The case list as a Qt table model: a thin adapter over the service's case summaries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon

from aktgranskning.domain.case import Case, CaseStatus
from aktgranskning.domain.changes import Presence
from aktgranskning.domain.labels import GENDER_LABELS
from aktgranskning.gui.conflict_bar import clock, conflicts_word, describe_all, reviewing_text
from aktgranskning.services.conflicts import Conflict
from aktgranskning.services.session import CaseSummary

COLUMNS = ("Nr", "Ärendenummer", "Ärendetyp", "Kön", "Åldersgrupp", "Status", "Besvarade", "Granskare",
           "Konflikter", "Just nu")
STATUS_COLUMN = 5
CONFLICTS_COLUMN = 8
PRESENCE_COLUMN = 9
CONFLICT_COLOUR = QColor("#b3261e")
PRESENCE_COLOUR = QColor("#1d3b5a")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 2

# The roles the model answers, as plain ints: Qt asks for some ten roles per cell every time it
# lays out or paints the table (thousands of calls while the window starts), most of them for
# nothing, so those are answered first and every comparison is an int's.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOL_TIP = int(Qt.ItemDataRole.ToolTipRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_SORT = int(SORT_ROLE)
_CASE_ID = int(CASE_ID_ROLE)
_ANSWERED_ROLES = frozenset({_DISPLAY, _FOREGROUND, _TOOL_TIP, _DECORATION, _ALIGNMENT, _SORT, _CASE_ID})
_CENTRED = int(Qt.AlignmentFlag.AlignCenter)

_STATUS_COLOURS = {
    CaseStatus.DONE: QColor("#1b7a3a"),
    CaseStatus.IN_PROGRESS: QColor("#8a5a00"),
    CaseStatus.DROPOUT: QColor("#9b1c1c"),
    CaseStatus.NOT_STARTED: QColor("#555555"),
}

# Filter choices for the status filter: label and the test a case must pass.
FILTERS: tuple[tuple[str, Any], ...] = (
    ("Alla akter", lambda c: True),
    ("Ej påbörjade", lambda c: c.in_sample and c.status is CaseStatus.NOT_STARTED),
    ("Pågående", lambda c: c.status is CaseStatus.IN_PROGRESS),
    ("Klara", lambda c: c.status is CaseStatus.DONE),
    ("Bortfall", lambda c: c.status is CaseStatus.DROPOUT),
    ("Att göra (ej klara)", lambda c: c.in_sample and c.status in (CaseStatus.NOT_STARTED, CaseStatus.IN_PROGRESS)),
    ("Oanvända reserver", lambda c: not c.in_sample),
)


def status_label(case: Case, sequences: dict[int, int]) -> str:
    if not case.in_sample:
        return "Reserv (oanvänd)"
    label = case.status.label
    if case.status is CaseStatus.DROPOUT and case.dropout_reason is not None:
        label = f"Bortfall: {case.dropout_reason.label.lower()}"
    if case.replaces_case_id is not None:
        label += f" (ersätter nr {sequences.get(case.replaces_case_id, '?')})"
    return label


def _warning_icon() -> QIcon:
    from PySide6.QtWidgets import QApplication, QStyle

    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


class CaseTableModel(QAbstractTableModel):
    def __init__(self, summaries: list[CaseSummary] | None = None,
                 checklist_titles: dict[str, str] | None = None) -> None:
        super().__init__()
        self._rows: list[CaseSummary] = []
        self._titles: dict[str, str] = {}
        self._sequences: dict[int, int] = {}
        self._conflicts: dict[int, list[Conflict]] = {}
        self._presences: dict[int, list[Presence]] = {}
        self.question_numbers: dict[str, dict[str, int]] = {}  # checklist id -> question id -> number
        self._shown: dict[int, tuple[str, ...]] = {}  # row -> its texts, made when first asked for
        self.set_summaries(summaries or [], checklist_titles or {})

    def set_summaries(self, summaries: list[CaseSummary], checklist_titles: dict[str, str]) -> None:
        self.beginResetModel()
        self._shown = {}
        self._rows = summaries
        self._titles = checklist_titles
        self._sequences = {s.case.id: s.case.sequence for s in summaries}
        self.endResetModel()

    def update_summaries(self, summaries: list[CaseSummary]) -> None:
        """New figures for the same akter: only the rows that differ are redrawn, so the
        selection, the sort order and the scroll position stay (another reviewer's answers)."""
        if [s.case.id for s in summaries] != [s.case.id for s in self._rows]:
            self.set_summaries(summaries, self._titles)
            return
        changed = [row for row, (old, new) in enumerate(zip(self._rows, summaries, strict=True)) if old != new]
        self._shown = {}
        self._rows = summaries
        self._sequences = {s.case.id: s.case.sequence for s in summaries}
        for row in changed:
            self._row_changed(row)

    def set_together(self, conflicts: dict[int, list[Conflict]], presences: dict[int, list[Presence]]) -> None:
        """The conflicts of each akt and who else has it open; only changed rows are redrawn."""
        changed = {case_id for case_id in {*conflicts, *self._conflicts}
                   if conflicts.get(case_id, []) != self._conflicts.get(case_id, [])}
        changed |= {case_id for case_id in {*presences, *self._presences}
                    if reviewing_text(presences.get(case_id, [])) != reviewing_text(self._presences.get(case_id, []))}
        self._conflicts = {case_id: list(found) for case_id, found in conflicts.items() if found}
        self._presences = {case_id: list(found) for case_id, found in presences.items() if found}
        if changed:
            self._shown = {}
        for case_id in changed:
            row = self.row_of_case(case_id)
            if row is not None:
                self._row_changed(row)

    def conflicts_of(self, case_id: int) -> list[Conflict]:
        return self._conflicts.get(case_id, [])

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def summary(self, row: int) -> CaseSummary:
        return self._rows[row]

    def shown_texts(self, row: int) -> tuple[str, ...]:
        """The row's texts, one per column, as the table shows them."""
        shown = self._shown.get(row)
        if shown is None:
            shown = self._shown[row] = self._texts(self._rows[row])
        return shown

    def has_icon(self, row: int) -> bool:
        """Whether the row's first cell carries the warning icon (its akt has conflicts)."""
        return self._rows[row].case.id in self._conflicts

    def row_of_case(self, case_id: int) -> int | None:
        return next((i for i, s in enumerate(self._rows) if s.case.id == case_id), None)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == _DISPLAY:
            return self.shown_texts(row)[column]
        summary = self._rows[row]
        case = summary.case
        if role == _SORT:
            return self._sort_key(summary, column)
        if role == _CASE_ID:
            return case.id
        if role == _FOREGROUND:
            if column == STATUS_COLUMN:
                return QBrush(_STATUS_COLOURS[case.status] if case.in_sample else QColor("#777777"))
            if column == CONFLICTS_COLUMN:
                return QBrush(CONFLICT_COLOUR)
            if column == PRESENCE_COLUMN:
                return QBrush(PRESENCE_COLOUR)
            return None
        if role == _TOOL_TIP:
            return self._tool_tip(case.id, CONFLICTS_COLUMN if column == 0 else column)
        if role == _DECORATION and column == 0 and case.id in self._conflicts:
            return _warning_icon()  # seen also where the window is too narrow for the column
        if role == _ALIGNMENT and column in (0, 6):
            return _CENTRED
        return None

    def multiData(self, index: QModelIndex | QPersistentModelIndex,
                  roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role a view asks about a cell, in one call: drawing or sizing a cell asks for
        some eight roles, and each would otherwise be a call of its own from Qt into Python (the
        table sizes its columns to their text, so a start asks about every cell several times)."""
        if not index.isValid():
            return
        for role_data in _each_role(roleDataSpan):
            role = role_data.role()
            if role in _ANSWERED_ROLES:
                role_data.setData(self.data(index, role))
            else:
                role_data.clearData()  # as Qt's own multiData: nothing a caller put there stays

    def _display(self, summary: CaseSummary, column: int) -> str:
        return self._texts(summary)[column]

    def _texts(self, summary: CaseSummary) -> tuple[str, ...]:
        case = summary.case
        return (
            str(case.sequence),
            case.case_number,
            self._titles.get(case.case_type, case.case_type),
            GENDER_LABELS[case.gender],
            case.age_group,
            status_label(case, self._sequences),
            summary.label if case.in_sample and case.status is not CaseStatus.DROPOUT else "–",
            ", ".join(summary.reviewers),
            f"⚠ {conflicts_word(len(found))}" if (found := self._conflicts.get(case.id)) else "",
            reviewing_text(self._presences.get(case.id, [])),
        )

    def _tool_tip(self, case_id: int, column: int) -> str | None:
        if column == CONFLICTS_COLUMN and self._conflicts.get(case_id):
            row = self.row_of_case(case_id)
            numbers = self.question_numbers.get(self._rows[row].case.case_type, {}) if row is not None else {}
            return describe_all(self._conflicts[case_id], numbers) + "\nÖppna akten för att välja vilket som gäller."
        if column == PRESENCE_COLUMN and self._presences.get(case_id):
            return "\n".join(f"{p.who or 'okänd'} har akten öppen (senast aktiv {clock(p.heartbeat)})"
                             for p in self._presences[case_id])
        return None

    def _sort_key(self, summary: CaseSummary, column: int) -> Any:
        if column == 0:
            return summary.case.sequence
        if column == 6:
            return summary.answered / summary.applicable if summary.applicable else 0.0
        return self._display(summary, column).casefold()


def _each_role(roles: QModelRoleDataSpan | QModelRoleData) -> Iterable[QModelRoleData]:
    if isinstance(roles, QModelRoleData):
        return (roles,)
    return cast("Iterable[QModelRoleData]", roles)  # a sequence at run time; PySide's stubs leave it out


class CaseFilterModel(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self._test = FILTERS[0][1]
        self.setSortRole(SORT_ROLE)

    def multiData(self, index: QModelIndex | QPersistentModelIndex,
                  roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Passed on whole: Qt's proxy would ask the list's model one role at a time."""
        model = self.sourceModel()
        if index.isValid() and model is not None:
            model.multiData(self.mapToSource(index), roleDataSpan)

    def set_filter(self, index: int) -> None:
        # Qt 6.10 replaced invalidateFilter() by a begin/end pair around the change itself.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self._test = FILTERS[index][1]
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt 6.8 and 6.9
            self._test = FILTERS[index][1]
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, CaseTableModel)
        return bool(self._test(model.summary(source_row).case))
