"""The enhet's analysis: what is good, what must improve, and the improvement activities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum

from aktgranskning.domain.errors import UserError


class ActivityStatus(str, Enum):
    PLANNED = "planerad"
    ONGOING = "pagaende"
    DONE = "genomford"
    NOT_DONE = "ej_genomford"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> ActivityStatus:
        cleaned = text.strip().casefold()
        for status in cls:
            if cleaned in (status.value, status.label.casefold()):
                return status
        raise UserError(
            f"Okänd status ”{text}”. Välj planerad, pågående, genomförd eller ej genomförd."
        )


_STATUS_LABELS = {
    ActivityStatus.PLANNED: "Planerad",
    ActivityStatus.ONGOING: "Pågående",
    ActivityStatus.DONE: "Genomförd",
    ActivityStatus.NOT_DONE: "Ej genomförd",
}


@dataclass(frozen=True)
class Activity:
    """One improvement activity. `question_ids` are the stable ids of the questions it targets
    (chosen from the file's questions, so next year's result for them can be followed up);
    `linked` is free text for an area or anything else it answers."""

    activity: str
    linked: str = ""
    responsible: str = ""  # a role, not a name
    due: date | None = None  # stored in the file as ISO text
    follow_up: str = ""  # how and when it is followed up
    status: ActivityStatus = ActivityStatus.PLANNED
    from_year: int | None = None  # set when carried over from an earlier year's analysis
    question_ids: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not any((self.activity.strip(), self.linked.strip(), self.responsible.strip(),
                        self.follow_up.strip())) and self.due is None and not self.question_ids

    @property
    def due_text(self) -> str:
        """The due date as ÅÅÅÅ-MM-DD, or '' when there is none."""
        return self.due.isoformat() if self.due else ""


def carry_over(current: Sequence[Activity], previous: Sequence[Activity], previous_year: int) -> list[Activity]:
    """This year's activities followed by last year's for follow-up ("Följ upp förra årets
    aktiviteter"): each keeps its text, links (its questions too), role, due date, follow-up and status, and
    remembers the year it came from (the first year, when it is carried over again). One whose
    text is already among this year's is not added a second time."""
    present = {activity.activity for activity in current}
    carried = [
        replace(activity, from_year=activity.from_year or previous_year)
        for activity in previous
        if activity.activity not in present
    ]
    return [*current, *carried]


def cleaned_question_ids(ids: Sequence[str]) -> tuple[str, ...]:
    """The ids without blanks and repeats, in the order given."""
    return tuple(dict.fromkeys(i.strip() for i in ids if i.strip()))


def parse_due_date(text: str) -> date | None:
    """None for '' or an ISO date (ÅÅÅÅ-MM-DD); anything else is refused with a Swedish message."""
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        if len(cleaned) != 10:
            raise ValueError(cleaned)  # fromisoformat also takes 20270331, which nobody types as a date here
        return date.fromisoformat(cleaned)
    except ValueError:
        raise UserError(f"”{text}” är inget datum. Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2027-03-31.") from None


ANALYSIS_FIELDS: dict[str, str] = {
    "strengths": "Vad fungerar bra?",
    "development_areas": "Vad behöver utvecklas?",
    "keep_good": "Hur behåller vi goda resultat?",
    "improvements": "Vilka förbättringsaktiviteter behöver vi vidta?",
    "dropout_comment": "Kommentar till bortfallet",
    "comparison_comment": "Jämförelse med föregående år",
}


@dataclass(frozen=True)
class Analysis:
    strengths: str = ""
    development_areas: str = ""
    keep_good: str = ""
    improvements: str = ""
    dropout_comment: str = ""
    comparison_comment: str = ""
    filled_by: str = ""
    filled_at: str = ""
    activities: tuple[Activity, ...] = field(default_factory=tuple)

    def text(self, name: str) -> str:
        if name not in ANALYSIS_FIELDS:
            raise KeyError(name)
        return str(getattr(self, name))

    @property
    def is_empty(self) -> bool:
        return not any(self.text(name).strip() for name in ANALYSIS_FIELDS) and not self.activities
