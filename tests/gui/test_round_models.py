"""The round window's models without widgets: states in words, priorities that follow the row
order, dates that are no dates refused, the roster checked row by row, the question list."""

from __future__ import annotations

from datetime import date

import pytest

from aktgranskning.domain.errors import UserError
from aktgranskning.domain.round import Milestone, RoundUnit, SharedAction, UnitState
from aktgranskning.domain.unit_data import QuestionRef
from aktgranskning.gui.round_models import (
    ActionsModel,
    OverviewRow,
    RosterModel,
    TimetableModel,
    question_choices,
    state_text,
)


def test_each_state_is_said_in_words() -> None:
    unit = RoundUnit("Vuxen", "Boendestöd", 20)
    assert state_text(OverviewRow(unit, UnitState.MISSING)) == "Saknas – ingen fil hittades"
    assert state_text(OverviewRow(unit, UnitState.NOT_STARTED, 0, 20)) == "Ej påbörjad – 0 av 20 klara"
    assert state_text(OverviewRow(unit, UnitState.IN_PROGRESS, 7, 19)) == "Pågående – 7 av 19 klara"
    assert state_text(OverviewRow(unit, UnitState.DONE, 19, 19)) == "Klar – 19 av 19 klara"


def test_moving_an_action_renumbers_the_priorities(qapp) -> None:
    model = ActionsModel()
    model.set_actions([SharedAction("B", 2), SharedAction("A", 1), SharedAction("C", 3)], [])
    edits = []
    model.edited.connect(lambda: edits.append(1))
    assert model.move(2, -1) == 1
    assert [(a.action, a.priority) for a in model.actions()] == [("A", 1), ("C", 2), ("B", 3)]
    assert model.move(0, -1) == 0 and edits == [1]  # the first cannot go higher; nothing saved
    model.remove(0)
    assert [(a.action, a.priority) for a in model.actions()] == [("C", 1), ("B", 2)]


def test_an_actions_due_date_must_be_a_date_and_the_status_one_of_four(qapp) -> None:
    model = ActionsModel()
    model.set_actions([SharedAction("A")], [])
    assert not model.setData(model.index(0, 3), "31 mars")
    assert model.setData(model.index(0, 3), "2027-03-31")
    assert model.setData(model.index(0, 5), "genomford")
    (action,) = model.actions()
    assert action.due == date(2027, 3, 31) and action.status.label == "Genomförd"
    assert model.index(0, 5).data() == "Genomförd"


def test_the_roster_names_the_row_that_is_wrong(qapp) -> None:
    model = RosterModel([RoundUnit("Barn", "Mottagningen", 20)])
    row = model.add("Barn")
    model.setData(model.index(row, 1), "Utredning")
    model.setData(model.index(row, 2), "tjugo")
    with pytest.raises(UserError, match="Rad 2: ”tjugo” är inget antal akter"):
        model.units()
    model.setData(model.index(row, 2), "12")
    assert model.units()[1] == RoundUnit("Barn", "Utredning", 12)


def test_a_timetable_date_is_kept_only_when_it_is_a_date(qapp) -> None:
    model = TimetableModel()
    model.set_milestones([Milestone("Granskningen klar")])
    assert not model.setData(model.index(0, 1), "snart")
    assert model.setData(model.index(0, 1), "2026-10-31")
    assert model.milestones() == (Milestone("Granskningen klar", date(2026, 10, 31)),)


def test_the_questions_to_choose_from_are_numbered_and_an_unknown_link_stays_visible(checklists) -> None:
    extra = QuestionRef("egen", "s", "Egen", "egen.fraga", "En fråga från en enhets fil?")
    choices = question_choices(checklists, (), [extra], linked=["borttagen.fraga"])
    labels = {c.question_id: c.label for c in choices}
    first = next(iter(checklists[0].questions()))
    assert labels[first.id] == f"{checklists[0].title[0]}1 {first.text}"
    assert labels["egen.fraga"].endswith("En fråga från en enhets fil?")
    assert labels["borttagen.fraga"] == "borttagen.fraga (okänd fråga)"
    only = question_choices(checklists, (checklists[0].id,))
    assert {c.question_id for c in only} == {q.id for q in checklists[0].questions()}
