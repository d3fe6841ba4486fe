"""The case list's columns are as wide as their texts whatever the rows show: when the file is
opened, when a filter hides rows, and when another reviewer's work changes a text in place. (They
are measured once per change of the rows rather than by Qt at every layout of the view.)"""

from __future__ import annotations

from dataclasses import replace

from aktgranskning.gui.case_model import COLUMNS

REVIEWERS_COLUMN = COLUMNS.index("Granskare")


def fitted(page, column: int) -> int:
    table = page.table
    return max(table.sizeHintForColumn(column), table.horizontalHeader().sectionSizeHint(column))


def columns_fit(page) -> bool:
    last = len(COLUMNS) - 1
    return (all(page.table.columnWidth(c) == fitted(page, c) for c in range(last))
            and page.table.columnWidth(last) >= fitted(page, last))


def test_the_columns_fit_their_texts_when_the_list_is_shown(window):
    page = window.case_list
    assert page.table.model().rowCount() > 0
    assert columns_fit(page)
    status = COLUMNS.index("Status")
    assert page.table.columnWidth(status) > page.table.horizontalHeader().sectionSizeHint(status)


def test_the_columns_follow_a_filter_and_come_back_with_all_rows(qtbot, window):
    page = window.case_list
    everything = [page.table.columnWidth(c) for c in range(len(COLUMNS))]
    page.filter.setCurrentIndex(page.filter.findText("Oanvända reserver"))
    qtbot.waitUntil(lambda: 0 < page.table.model().rowCount() < page.model.rowCount())
    qtbot.waitUntil(lambda: columns_fit(page))
    page.filter.setCurrentIndex(page.filter.findText("Alla akter"))
    qtbot.waitUntil(lambda: page.table.model().rowCount() == page.model.rowCount())
    qtbot.waitUntil(lambda: columns_fit(page))
    assert [page.table.columnWidth(c) for c in range(len(COLUMNS) - 1)] == everything[:-1]


def test_a_longer_text_arriving_in_place_widens_its_column(qtbot, window):
    page = window.case_list
    before = page.table.columnWidth(REVIEWERS_COLUMN)
    summaries = [page.model.summary(row) for row in range(page.model.rowCount())]
    summaries[3] = replace(summaries[3], reviewers=("Maria-Margareta Johansson-Lindqvist", "Bertil"))
    page.model.update_summaries(summaries)  # as when another reviewer's work is read in
    qtbot.waitUntil(lambda: page.table.columnWidth(REVIEWERS_COLUMN) > before)
    assert columns_fit(page)



def test_an_akt_with_a_conflict_is_measured_with_its_icon(qtbot, window):
    """The first column of an akt with a conflict carries a warning icon: that cell is wider
    than its number alone, here wider than every longer number without one."""
    from aktgranskning.domain.changes import Register
    from aktgranskning.services.conflicts import Conflict, ConflictVersion

    page = window.case_list
    summaries = [page.model.summary(row) for row in range(page.model.rowCount())]
    for row in range(5):
        summaries[row] = replace(summaries[row], case=replace(summaries[row].case, sequence=111111110 + row))
    summaries[5] = replace(summaries[5], case=replace(summaries[5].case, sequence=11111111))
    page.model.update_summaries(summaries)
    qtbot.waitUntil(lambda: columns_fit(page))
    without_icon = page.table.columnWidth(0)
    versions = (ConflictVersion("ja", "Ja", "Anna", "2026-03-01"),
                ConflictVersion("nej", "Nej", "Bertil", "2026-03-01"))
    conflict = Conflict(Register.answer(summaries[5].case.id, "FB1"), 11111111, versions)
    page.model.set_together({summaries[5].case.id: [conflict]}, {})
    qtbot.waitUntil(lambda: page.table.columnWidth(0) > without_icon)
    assert columns_fit(page)
