"""The results page's tab "Kön och ålder": the whole enhet's results per kön and per åldersgrupp,
small cells hidden as in the workbook and the PDF (domain.breakdown), the rule beside them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aktgranskning.domain.breakdown import (
    ALL_COLUMN,
    READING,
    SUPPRESSION_RULE,
    BreakdownRow,
    BreakdownTable,
    Hidden,
    LevelBreakdown,
    unit_breakdown,
)
from aktgranskning.domain.unit_data import UnitData

TAB_TITLE = "Kön och ålder"
RESULTS_TAB_TITLE = "Resultat per fråga"
CHECKLIST_BACKGROUND = QColor("#dde4ee")
HIDDEN_BACKGROUND = QColor("#ededed")
HIDDEN_TIPS = {
    Hidden.SMALL: "Färre än 5 bedömda akter: visas inte, så att ingen kan kännas igen.",
    Hidden.COMPLEMENT: "Visas inte: resultatet skulle annars gå att räkna fram ur totalen och de andra grupperna.",
}


def with_breakdown_tab(results: QWidget) -> tuple[QTabWidget, BreakdownView]:
    """Tabs holding the results table and, beside it, the breakdown."""
    tabs = QTabWidget()
    tabs.setDocumentMode(True)
    tabs.addTab(results, RESULTS_TAB_TITLE)
    view = BreakdownView()
    tabs.addTab(view, TAB_TITLE)
    return tabs, view


class BreakdownView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.breakdown: LevelBreakdown | None = None
        self._data: UnitData | None = None
        self.rule = QLabel(f"{SUPPRESSION_RULE} {READING} Hela enheten visas; filtren ovan gäller inte här.")
        self.rule.setWordWrap(True)
        self.rule.setObjectName("caseDetails")
        self.by_gender = _table("Resultat per kön")
        self.by_age = _table("Resultat per åldersgrupp")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.rule)
        for title, table in (("Per kön", self.by_gender), ("Per åldersgrupp", self.by_age)):
            heading = QLabel(f"<b>{title}</b>")
            heading.setBuddy(table)
            layout.addWidget(heading)
            layout.addWidget(table, 1)

    def show_unit(self, data: UnitData) -> None:
        if data is self._data:
            return  # the page redraws on every filter change; the breakdown is of the whole enhet
        self._data = data
        self.breakdown = unit_breakdown(data)
        _fill(self.by_gender, self.breakdown.by_gender)
        _fill(self.by_age, self.breakdown.by_age)


def _table(name: str) -> QTableWidget:
    table = QTableWidget(0, 0)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill(table: QTableWidget, breakdown: BreakdownTable) -> None:
    headers = ["Nr", "Fråga", ALL_COLUMN, *breakdown.groups]
    table.clear()
    table.setRowCount(0)
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    for checklist_id, title in breakdown.checklists:
        index = table.rowCount()
        table.insertRow(index)
        heading = _item(title, bold=True)
        heading.setBackground(QBrush(CHECKLIST_BACKGROUND))
        table.setItem(index, 0, heading)
        table.setSpan(index, 0, 1, len(headers))
        for row in breakdown.rows_of(checklist_id):
            _add_row(table, row)
    header = table.horizontalHeader()
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    metrics = table.fontMetrics()
    table.setColumnWidth(0, metrics.horizontalAdvance("U22") + 20)
    for column in range(2, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        widest = max(metrics.horizontalAdvance("100 % (100/100)"), metrics.horizontalAdvance(headers[column]))
        table.setColumnWidth(column, widest + 20)


def _add_row(table: QTableWidget, row: BreakdownRow) -> None:
    index = table.rowCount()
    table.insertRow(index)
    bold = row.is_checklist
    items = [_item(row.number, bold), _item(row.text, bold), _item(row.total_text, bold, centred=True)]
    for cell in row.cells:
        item = _item(cell.text, bold, centred=True)
        if cell.hidden is not None:
            item.setBackground(QBrush(HIDDEN_BACKGROUND))
            item.setToolTip(HIDDEN_TIPS[cell.hidden])
        items.append(item)
    for column, item in enumerate(items):
        table.setItem(index, column, item)


def _item(text: str, bold: bool = False, centred: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if bold:
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
    if centred:
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item
