"""Following up last year's improvement activities: for each activity carried over from an earlier
year (`Activity.from_year` set), its status and, for each question it targets, this year's result
against the earlier year's, with the same test as every comparison ("kan vara slumpen").

The earlier year's result is the comparison the user already gives (last year's file in the
window, `rapport --jamfor`, `sammanstall --jamfor`); without one the status and this year's result
are still shown. Pure: the results view, the enhet workbook and PDF and the summary outputs all
take what they show from here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from aktgranskning.domain.analysis import Activity
from aktgranskning.domain.comparison import YearChange, compare
from aktgranskning.domain.level_counts import YearComparison
from aktgranskning.domain.results import Tally
from aktgranskning.domain.summary import LevelKind, Summary
from aktgranskning.domain.unit_data import QuestionRef, UnitData, question_numbers, question_tallies

TITLE = "Uppföljning av tidigare års förbättringsaktiviteter"
NOT_THIS_YEAR = "finns inte i årets granskning"
NOT_EARLIER = "fanns inte i jämförelseåret"
NO_COMPARISON = "ingen jämförelsefil"
NO_QUESTIONS = "Inga frågor är kopplade till aktiviteten."
LABEL_LENGTH = 60


@dataclass(frozen=True)
class QuestionFollowUp:
    """One targeted question: this year's result, the earlier year's and the change."""

    question_id: str
    label: str  # 'F3 Har skyddsbedömning genomförts skyndsamt?', or the id when the question is unknown
    current: Tally | None  # None: the question is not in this year's review
    previous: Tally | None  # None: not in the earlier year's result, or no earlier year given
    change: YearChange | None

    @property
    def current_text(self) -> str:
        return self.current.describe() if self.current is not None else NOT_THIS_YEAR

    def previous_text(self, comparing: bool) -> str:
        if self.previous is not None:
            return self.previous.describe()
        return NOT_EARLIER if comparing else NO_COMPARISON

    @property
    def change_text(self) -> str:
        return self.change.describe() if self.change is not None else "–"


@dataclass(frozen=True)
class ActivityFollowUp:
    activity: Activity
    questions: tuple[QuestionFollowUp, ...]

    @property
    def title(self) -> str:
        """'Utbildning i kommunicering (från 2025)'."""
        return f"{self.activity.activity} (från {self.activity.from_year})"


@dataclass(frozen=True)
class FollowUp:
    year: int  # this year
    previous_year: int | None  # the year compared with; None when no earlier year was given
    activities: tuple[ActivityFollowUp, ...]

    @property
    def comparing(self) -> bool:
        return self.previous_year is not None

    @property
    def is_empty(self) -> bool:
        return not self.activities

    def note(self) -> str:
        """What the follow-up shows, in a sentence or two (Swedish)."""
        if self.previous_year is None:
            return (f"Aktiviteter från tidigare år med status och resultatet {self.year} för de frågor de gäller. "
                    "Ange fjolårets fil som jämförelse för att se hur resultatet har förändrats.")
        return (f"Aktiviteter från tidigare år med status och resultatet för de frågor de gäller, {self.year} "
                f"jämfört med {self.previous_year}. ”Kan vara slumpen” betyder att förändringen ryms inom vad "
                "enstaka akter förklarar med så här små urval (Fishers exakta test, 5 %).")


def carried(activities: Iterable[Activity]) -> list[Activity]:
    """The activities carried over from an earlier year, in their order."""
    return [activity for activity in activities if activity.from_year is not None]


def question_labels(questions: Iterable[QuestionRef], titles: Mapping[str, str]) -> dict[str, str]:
    """Per question id the label a person recognises: its number and text ('F3 Har skyddsbedömning
    genomförts skyndsamt?')."""
    listed = list(questions)
    numbers = question_numbers(listed, titles)
    return {q.question_id: f"{numbers[q.question_id]} {q.text}" for q in listed}


def short_label(label: str, length: int = LABEL_LENGTH) -> str:
    """A label cut to fit a narrow cell ('F3 Har skyddsbedömning genomförts …')."""
    return label if len(label) <= length else label[: length - 1].rstrip() + " …"


def follow_up_activities(activities: Iterable[Activity], current: Mapping[str, Tally],
                         previous: Mapping[str, Tally] | None, labels: Mapping[str, str],
                         year: int, previous_year: int | None) -> FollowUp:
    """The follow-up of the carried-over activities against tallies by question id. `previous`
    None: no earlier year was given."""
    items = []
    for activity in carried(activities):
        questions = []
        for question_id in activity.question_ids:
            now = current.get(question_id)
            before = previous.get(question_id) if previous is not None else None
            change = compare(now, before) if now is not None and before is not None else None
            questions.append(QuestionFollowUp(question_id, labels.get(question_id, question_id), now, before, change))
        items.append(ActivityFollowUp(activity, tuple(questions)))
    return FollowUp(year, previous_year if previous is not None else None, tuple(items))


def unit_follow_up(data: UnitData, previous: UnitData | None) -> FollowUp:
    """The enhet's follow-up: its carried-over activities, this year's result against `previous`
    (the earlier year the user compares with), the whole enhet (no filter)."""
    titles = {c.id: c.title for c in data.checklists}
    labels = question_labels(data.questions, titles)
    if previous is not None:  # a question dropped from this year's checklist keeps last year's label
        earlier = question_labels(previous.questions, {c.id: c.title for c in previous.checklists})
        labels = {**{k: f"{v} ({previous.identity.year})" for k, v in earlier.items()}, **labels}
    return follow_up_activities(
        data.analysis.activities, _tallies(data), _tallies(previous) if previous is not None else None, labels,
        data.identity.year, previous.identity.year if previous is not None else None)


def _tallies(data: UnitData) -> dict[str, Tally]:
    return {t.question.question_id: t.tally for t in question_tallies(data)}


@dataclass(frozen=True)
class UnitFollowUp:
    area: str
    unit: str
    follow_up: FollowUp


def summary_follow_up(summary: Summary, comparison: YearComparison | None) -> list[UnitFollowUp]:
    """Per enhet of a summary with carried-over activities, their follow-up against the earlier
    year's summary (`--jamfor`): the enhet's tallies both years, matched by name as the
    comparison matches levels."""
    labels = summary_labels(summary)
    earlier = {level.name.casefold(): level for level in comparison.levels
               if level.kind is LevelKind.UNIT} if comparison is not None else {}
    result = []
    for item in summary.inputs:
        identity = item.data.identity
        activities = carried(item.data.analysis.activities)
        if not activities:
            continue
        previous = None
        if comparison is not None:
            level = earlier.get(identity.unit.casefold())
            previous = dict(level.previous_tallies) if level is not None and level.previous is not None else {}
        result.append(UnitFollowUp(identity.area, identity.unit, follow_up_activities(
            activities, _tallies(item.data), previous, labels, identity.year,
            comparison.earlier_year if comparison is not None else None)))
    shared = _shared_actions_follow_up(summary, comparison, labels)
    return [shared, *result] if shared is not None else result


SHARED_ACTIONS = "Förvaltningsgemensamma åtgärder"


def _shared_actions_follow_up(summary: Summary, comparison: YearComparison | None,
                              labels: Mapping[str, str]) -> UnitFollowUp | None:
    """The round's shared actions carried over from an earlier round, followed up on the
    förvaltning's pooled result (the level they were decided for)."""
    actions = [a for a in (summary.round.actions_by_priority() if summary.round is not None else [])
               if a.from_year is not None]
    if not actions:
        return None
    activities = [Activity(a.action, responsible=a.owner, due=a.due, follow_up=a.follow_up, status=a.status,
                           from_year=a.from_year, question_ids=a.question_ids) for a in actions]
    previous = None
    if comparison is not None:
        level = next((lv for lv in comparison.levels if lv.kind is LevelKind.ADMINISTRATION), None)
        previous = dict(level.previous_tallies) if level is not None and level.previous is not None else {}
    return UnitFollowUp("", f"{SHARED_ACTIONS} – {summary.administration}", follow_up_activities(
        activities, summary.administration_level.tallies, previous, labels, summary.year,
        comparison.earlier_year if comparison is not None else None))


def linked_text(activity: Activity, labels: Mapping[str, str], numbers_only: bool = True) -> str:
    """What an activity is linked to in one cell: its questions ('F3, F7', or the labels) and the
    free text, e.g. 'F3, F7; dokumentation av skyddsbedömningar'."""
    questions = [_number_of(labels.get(i, i)) if numbers_only else labels.get(i, i) for i in activity.question_ids]
    parts = [", ".join(questions)] if questions else []
    if activity.linked.strip():
        parts.append(activity.linked.strip())
    return "; ".join(parts)


def _number_of(label: str) -> str:
    return label.split(" ", 1)[0]


def labels_of(data: UnitData) -> dict[str, str]:
    """The question labels of an enhet's result."""
    return question_labels(data.questions, {c.id: c.title for c in data.checklists})


def numbers_text(question_ids: Sequence[str], labels: Mapping[str, str]) -> str:
    return ", ".join(_number_of(labels.get(i, i)) for i in question_ids)


def question_choices(data: UnitData) -> list[tuple[str, list[tuple[str, str]]]]:
    """The file's questions an activity can be linked to, per checklist in the file's order:
    (checklist title, [(question id, label)])."""
    labels = labels_of(data)
    return [
        (checklist.title, [(q.question_id, labels[q.question_id]) for q in data.questions
                           if q.checklist_id == checklist.id])
        for checklist in data.checklists
        if any(q.checklist_id == checklist.id for q in data.questions)
    ]


# --- the activities of many enheter, for delårsuppföljning and verksamhetsberättelse ---------------

@dataclass(frozen=True)
class ActivityStatusRow:
    """One activity of one enhet and year, as the export of activity statuses lists it."""

    area: str
    unit: str
    year: int
    activity: Activity
    questions: tuple[str, ...]  # the targeted questions' labels ('F3 Har skyddsbedömning …')


def activity_status_rows(units: Iterable[UnitData]) -> list[ActivityStatusRow]:
    """Every activity of every enhet, ordered by område, enhet and year (each enhet's activities
    in their own order)."""
    rows = []
    for data in sorted(units, key=lambda d: (d.identity.area.casefold(), d.identity.unit.casefold(),
                                             d.identity.year)):
        labels = labels_of(data)
        identity = data.identity
        rows += [ActivityStatusRow(identity.area, identity.unit, identity.year, activity,
                                   tuple(labels.get(i, i) for i in activity.question_ids))
                 for activity in data.analysis.activities]
    return rows


def summary_labels(summary: Summary) -> dict[str, str]:
    """The question labels of a summary ('F3 Har skyddsbedömning …'), numbered as its tables are."""
    return question_labels(summary.questions, {c.id: c.title for i in summary.inputs for c in i.data.checklists})
