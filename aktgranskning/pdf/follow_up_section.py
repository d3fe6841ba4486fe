"""The PDF section Uppföljning: last year's improvement activities followed up (domain.follow_up),
in the enhet's PDF and per enhet in the summary PDF. Nothing is added when no activity was carried
over from an earlier year."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, TableStyle

from aktgranskning.domain.follow_up import (
    NO_QUESTIONS,
    TITLE,
    ActivityFollowUp,
    FollowUp,
    summary_follow_up,
    unit_follow_up,
)
from aktgranskning.domain.level_counts import YearComparison
from aktgranskning.domain.summary import Summary
from aktgranskning.domain.unit_report import UnitReport
from aktgranskning.pdf.layout import HEADER_BACKGROUND, LongTexts, paragraph, table

PORTRAIT_WIDTHS = [62 * mm, 30 * mm, 28 * mm, 28 * mm, 30 * mm]  # 178 mm: A4 portrait inside the margins


def follow_up_section(report: UnitReport) -> list[Any]:
    """The enhet's follow-up against the earlier year its report compares with, if any."""
    follow_up = unit_follow_up(report.data, report.previous)
    if follow_up.is_empty:
        return []
    story: list[Any] = [paragraph(TITLE, "h2"), paragraph(follow_up.note(), "small")]
    return story + _activities(follow_up, PORTRAIT_WIDTHS)


def summary_follow_up_section(summary: Summary, comparison: YearComparison | None) -> list[Any]:
    """Per enhet its carried-over activities against the earlier year's summary (--jamfor)."""
    units = summary_follow_up(summary, comparison)
    if not units:
        return []
    story: list[Any] = [paragraph(TITLE, "h1"), paragraph(units[0].follow_up.note(), "small")]
    widths = [w * 1.45 for w in PORTRAIT_WIDTHS]  # A4 landscape
    for unit in units:
        story.append(paragraph(f"{unit.unit} ({unit.area})" if unit.area else unit.unit, "h2"))
        story += _activities(unit.follow_up, widths)
    return story


def _activities(follow_up: FollowUp, widths: list[float]) -> list[Any]:
    story: list[Any] = []
    long_texts = LongTexts()
    for number, item in enumerate(follow_up.activities, start=1):
        block: list[Any] = [Spacer(1, 3 * mm), paragraph(f"{item.title} – {item.activity.status.label}", "cell_bold")]
        if item.activity.follow_up.strip():
            block.append(long_texts.cell(f"Uppföljning: {item.activity.follow_up.strip()}",
                                         f"aktivitet {number}, uppföljning"))
        block.append(_question_table(follow_up, item, widths) if item.questions else paragraph(NO_QUESTIONS, "cell"))
        story.append(KeepTogether(block))  # an activity's heading stays with its questions
    return story + long_texts.story()


def _question_table(follow_up: FollowUp, item: ActivityFollowUp, widths: list[float]) -> Any:
    earlier = str(follow_up.previous_year) if follow_up.previous_year else "Föregående år"
    header = ["Fråga", str(follow_up.year), earlier, "Förändring"]
    rows: list[list[Any]] = [[paragraph(h, "cell_bold") for h in header]]
    style: list[Any] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#A0A0A0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for question in item.questions:
        change = question.change
        shown = "cell_bold" if change is not None and change.difference and not change.within_chance else "cell"
        rows.append([paragraph(question.label, "cell"), paragraph(question.current_text, "cell"),
                     paragraph(question.previous_text(follow_up.comparing), "cell"),
                     paragraph(question.change_text, shown)])
    first, *rest = widths
    result = table(rows, [first + rest[0], *rest[1:]])
    result.setStyle(TableStyle(style))
    return result
