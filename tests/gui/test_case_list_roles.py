"""The case list answers a view's one-call question about a cell (Qt's multiData, which drawing
and sizing the cells use) exactly as it answers role by role: the same texts, colours, icons and
alignment in the list a user sees."""

from __future__ import annotations

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtGui import QBrush, QIcon

ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
         Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.BackgroundRole,
         Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.SizeHintRole]


def comparable(value):
    if isinstance(value, QBrush):
        return ("färg", value.color().name())
    if isinstance(value, QIcon):
        return ("ikon", value.isNull())
    return value


def test_every_cell_of_the_list_says_the_same_in_one_call_as_role_by_role(window):
    proxy = window.case_list.table.model()
    assert proxy.rowCount() > 0
    seen_colours = set()
    for row in range(proxy.rowCount()):
        for column in range(proxy.columnCount()):
            index = proxy.index(row, column)
            for role in ROLES:
                asked = QModelRoleData(int(role))
                asked.setData("något som inte får stå kvar")
                proxy.multiData(index, QModelRoleDataSpan(asked))
                assert comparable(asked.data()) == comparable(index.data(role)), (row, column, role)
                if role == Qt.ItemDataRole.ForegroundRole and asked.data() is not None:
                    seen_colours.add(comparable(asked.data()))
    assert len(seen_colours) >= 3  # the statuses' colours came through, not only empty answers
