"""Colour levels for a compliance share: good, fair, poor. The limits are set per round."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

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

    def describe(self) -> str:
        return f"grön ≥ {self.good} %, gul {self.fair}–{self.good - 1} %, röd < {self.fair} %"


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
