"""Colour levels for a compliance share: good, fair, poor. The limits are set per round."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from aktgranskning.domain.errors import UserError


class Level(str, Enum):
    GOOD = "god"
    FAIR = "godtagbar"
    POOR = "bristande"
    NONE = "ingen"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Level.GOOD: "Bra",
    Level.FAIR: "Behöver bevakas",
    Level.POOR: "Behöver förbättras",
    Level.NONE: "Ingen Ja/Nej-bedömning",
}


class HasGreenLimit(Protocol):
    """A question as outputs know it: its own green limit, or None for the round's."""

    @property
    def green_limit(self) -> int | None: ...


@dataclass(frozen=True)
class Thresholds:
    """A share at or above `good` is good, at or above `fair` is fair, below is poor (percent)."""

    good: int = 90
    fair: int = 75

    def __post_init__(self) -> None:
        if not 0 <= self.fair <= self.good <= 100:
            raise UserError(
                f"Gränserna för färgerna stämmer inte: grön från {self.good} %, gul från {self.fair} %. "
                "Gul måste ligga mellan 0 och grön, och grön högst 100 %."
            )

    def level(self, share: float | None) -> Level:
        if share is None:
            return Level.NONE
        percent = share * 100
        # Compare on the rounded percent the user sees, so 89.5 % shown as "90 %" is green.
        shown = round(percent)
        if shown >= self.good:
            return Level.GOOD
        if shown >= self.fair:
            return Level.FAIR
        return Level.POOR

    def for_question(self, question: HasGreenLimit) -> Thresholds:
        """The limits a question's share is coloured by: its own green limit replaces `good`
        (where the law allows no exception), `fair` capped at it; else these limits."""
        limit = question.green_limit
        if limit is None:
            return self
        return Thresholds(good=limit, fair=min(self.fair, limit))

    def describe(self) -> str:
        if self.fair == self.good:
            return f"grön ≥ {self.good} %, röd < {self.fair} %"
        return f"grön ≥ {self.good} %, gul {self.fair}–{self.good - 1} %, röd < {self.fair} %"

    def describe_for(self, questions: Iterable[HasGreenLimit]) -> str:
        """The limits statement of an output, saying when some questions have their own limit."""
        if any(q.green_limit is not None for q in questions):
            return f"{self.describe()}; {OWN_LIMITS_STATEMENT}"
        return self.describe()


OWN_LIMITS_STATEMENT = "frågor markerade ”grön först vid …” har en egen gräns som checklistan anger"


def own_limit_note(question: HasGreenLimit) -> str:
    """'(grön först vid 100 %)' after a question's label when it has its own limit, else ''."""
    if question.green_limit is None:
        return ""
    return f"(grön först vid {question.green_limit} %)"


def with_own_limit(label: str, question: HasGreenLimit) -> str:
    note = own_limit_note(question)
    return f"{label} {note}" if note else label


# The one palette of the product: the results view, the pdf and the workbooks take their colours
# from here, so a share has the same colour on screen, on paper and in Excel.
BAR_COLOURS = {
    Level.GOOD: "#5DBB63",
    Level.FAIR: "#F2C94C",
    Level.POOR: "#E06666",
    Level.NONE: "#BDBDBD",  # drawn hatched, with "– inga Ja/Nej", never as a bar
}
FILL_COLOURS = {  # cell backgrounds in tables and heatmaps
    Level.GOOD: "#C6EFCE",
    Level.FAIR: "#FFEB9C",
    Level.POOR: "#FFC7CE",
    Level.NONE: "#FFFFFF",
}
# The mark of a preliminary result (akter not finished): dark red text on the poor level's fill,
# on screen, on paper and in Excel; a final result's state line is dark grey.
PRELIMINARY_TEXT = "#9C0006"
PRELIMINARY_BACKGROUND = FILL_COLOURS[Level.POOR]
FINAL_TEXT = "#3A3A3A"
# A 0 % bar would have no length and vanish; it is drawn this long so that the red shows.
ZERO_BAR_FRACTION = 0.015


def bar_colour(level: Level) -> str:
    return BAR_COLOURS[level]


def fill_colour(level: Level) -> str:
    return FILL_COLOURS[level]


def bar_fraction(share: float | None) -> float | None:
    """How much of the full width a share's bar covers: None (no bar) without Ja/Nej, a short
    visible stub for 0 %, else the share."""
    if share is None:
        return None
    return max(share, ZERO_BAR_FRACTION)
