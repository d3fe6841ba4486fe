"""Colours of the window that come from the product's one palette (domain.thresholds)."""

from __future__ import annotations

from aktgranskning.domain.thresholds import FINAL_TEXT, PRELIMINARY_BACKGROUND, PRELIMINARY_TEXT


def completeness_style(preliminary: bool) -> str:
    """The style sheet of a completeness line: marked in red while the result is preliminary,
    as row 1 of every sheet and the top line of every PDF page are."""
    if preliminary:
        return (f"color: {PRELIMINARY_TEXT.lower()}; background: {PRELIMINARY_BACKGROUND.lower()}; "
                "font-weight: bold; padding: 4px;")
    return f"color: {FINAL_TEXT.lower()};"
