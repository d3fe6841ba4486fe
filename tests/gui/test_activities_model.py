"""The activities table model on its own, without any view: what a user's edits do to the list
that is saved, the carry-over, a date that is no date, and Qt's model contract."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from aktgranskning.domain.analysis import Activity, ActivityStatus
from aktgranskning.gui.activities_model import DUE_COLUMN, STATUS_COLUMN, STATUS_ROLE, ActivitiesModel

EDIT = Qt.ItemDataRole.EditRole
RESPONSIBLE = 3


@pytest.fixture
def model(qapp) -> ActivitiesModel:
    model = ActivitiesModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_activities([Activity("Utbildning", "F3", due=date(2027, 3, 31), status=ActivityStatus.ONGOING)])
    return model


def edits(model: ActivitiesModel) -> list[int]:
    seen: list[int] = []
    model.edited.connect(lambda: seen.append(1))
    return seen


def test_the_cells_show_the_activity_and_edits_change_the_list_to_save(model):
    seen = edits(model)
    assert [model.index(0, c).data() for c in range(6)] == ["Utbildning", "", "F3", "", "2027-03-31", ""]
    assert model.headerData(DUE_COLUMN, Qt.Orientation.Horizontal) == "Klart senast"
    model.setData(model.index(0, RESPONSIBLE), "Enhetschef", EDIT)
    model.setData(model.index(0, DUE_COLUMN), "2027-04-30", EDIT)
    model.setData(model.index(0, STATUS_COLUMN), "genomford", STATUS_ROLE)
    assert model.activities() == [Activity("Utbildning", "F3", "Enhetschef", date(2027, 4, 30),
                                           status=ActivityStatus.DONE)]
    assert len(seen) == 3
    model.setData(model.index(0, RESPONSIBLE), "Enhetschef", EDIT)  # unchanged: nothing to save
    assert len(seen) == 3


def test_a_date_that_is_no_date_is_marked_and_the_row_keeps_its_saved_date(model):
    model.setData(model.index(0, DUE_COLUMN), "snart", EDIT)
    due = model.index(0, DUE_COLUMN)
    assert due.data() == "snart"  # shown as typed
    assert "ÅÅÅÅ-MM-DD" in due.data(Qt.ItemDataRole.ToolTipRole)
    assert due.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#fde2e2"
    assert model.activities()[0].due == date(2027, 3, 31)  # the rest of the row is still saved
    assert [(row, text) for row, text, _message in model.invalid_dates()] == [(0, "snart")]
    model.setData(model.index(0, DUE_COLUMN), "", EDIT)
    assert model.activities()[0].due is None and model.invalid_dates() == []
    assert due.data(Qt.ItemDataRole.BackgroundRole) is None


def test_the_fallback_is_the_date_last_saved(model):
    model.setData(model.index(0, DUE_COLUMN), "2027-05-31", EDIT)
    model.mark_saved(model.activities())
    model.setData(model.index(0, DUE_COLUMN), "i maj", EDIT)
    assert model.activities()[0].due == date(2027, 5, 31) and model.saved_due_text(0) == "2027-05-31"


def test_carry_over_adds_last_years_rows_once_with_their_year(model):
    previous = [Activity("Utbildning"), Activity("Checklista", status=ActivityStatus.DONE)]
    assert model.carry_over(previous, 2025) == 1
    assert model.rowCount() == 2
    assert model.activities()[1] == Activity("Checklista", status=ActivityStatus.DONE, from_year=2025)
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "Från analysen 2025"
    assert model.carry_over(previous, 2025) == 0


def test_rows_are_added_and_removed_and_a_read_only_file_allows_no_edit(model):
    seen = edits(model)
    assert model.append(Activity("")) == 1 and model.rowCount() == 2 and not seen  # saved once edited
    model.remove(0)
    assert [a.activity for a in model.activities()] == [""] and len(seen) == 1
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, STATUS_COLUMN)) & Qt.ItemFlag.ItemIsEditable  # a combo box
    model.set_activities([Activity("Låst")], read_only=True)
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
