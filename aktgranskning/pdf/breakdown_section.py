"""The PDF section "Kön och ålder": a level's results per kön and per åldersgrupp with suppressed
cells, the rule beside them. Shared by the enhet PDF (one enhet) and the summary PDF (the
förvaltning and each område)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, Table, TableStyle

from aktgranskning.domain.breakdown import (
    ALL_COLUMN,
    READING,
    SUPPRESSION_RULE,
    UNITS_NOT_SHOWN,
    BreakdownTable,
    LevelBreakdown,
    summary_breakdowns,
    unit_breakdown,
)
from aktgranskning.domain.summary import Summary
from aktgranskning.domain.unit_data import UnitData
from aktgranskning.pdf.fonts import REGULAR
from aktgranskning.pdf.layout import HEADER_BACKGROUND, paragraph, pdf_text, styles, table

HEADING = "Kön och ålder"
HIDDEN_BACKGROUND = colors.HexColor("#EDEDED")
CHECKLIST_BACKGROUND = colors.HexColor("#F0F3F7")
NUMBER_WIDTH = 10 * mm
QUESTION_MIN_WIDTH = 45 * mm
GROUP_MAX_WIDTH = 26 * mm


def unit_section(data: UnitData, width: float) -> list[Any]:
    """The enhet PDF's section, ending with a page break."""
    return breakdown_section([unit_breakdown(data)], width) + [PageBreak()]


def summary_section(summary: Summary, width: float) -> list[Any]:
    """The summary PDF's section: the förvaltning and each område, ending with a page break."""
    return breakdown_section(summary_breakdowns(summary), width, [UNITS_NOT_SHOWN]) + [PageBreak()]


def breakdown_section(levels: Sequence[LevelBreakdown], width: float, notes: Sequence[str] = ()) -> list[Any]:
    story: list[Any] = [paragraph(HEADING, "h1"), paragraph(SUPPRESSION_RULE, "body")]
    story += [paragraph(text, "small") for text in (READING, *notes)]
    for level in levels:
        story.append(CondPageBreak(60 * mm))
        story.append(paragraph(level.title, "h2"))
        for breakdown in level.tables:
            story.append(Spacer(1, 3 * mm))
            story.append(paragraph(f"Per {breakdown.dimension.value.lower()}", "cell_bold"))
            story.append(_table(breakdown, width))
    return story


def _table(breakdown: BreakdownTable, width: float) -> Table:
    columns = 1 + len(breakdown.groups)  # "Alla" and the groups
    group_width = min(GROUP_MAX_WIDTH, (width - NUMBER_WIDTH - QUESTION_MIN_WIDTH) / columns)
    widths = [NUMBER_WIDTH, width - NUMBER_WIDTH - group_width * columns] + [group_width] * columns
    rows: list[list[Any]] = [[_cell(h, "cell_bold") for h in ("Nr", "Fråga", ALL_COLUMN, *breakdown.groups)]]
    style: list[Any] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#A0A0A0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for checklist_id, title in breakdown.checklists:
        index = len(rows)
        rows.append([_cell(title, "cell_bold")] + [""] * (columns + 1))
        style += [("SPAN", (0, index), (-1, index)), ("BACKGROUND", (0, index), (-1, index), CHECKLIST_BACKGROUND)]
        for item in breakdown.rows_of(checklist_id):
            index = len(rows)
            cell_style = "cell_bold" if item.is_checklist else "cell"
            texts = (item.text, item.total_text, *(cell.text for cell in item.cells))
            rows.append([pdf_text(item.number), *(_cell(text, cell_style) for text in texts)])
            style += [("BACKGROUND", (column, index), (column, index), HIDDEN_BACKGROUND)
                      for column, cell in enumerate(item.cells, start=3) if cell.hidden is not None]
    result = table(rows, widths)
    result.setStyle(TableStyle(style))
    return result


@cache
def _small(style: str) -> ParagraphStyle:
    """The table's cells a point smaller than other tables', so '100 % (20/20)' keeps to one line
    in a column per group on a portrait page."""
    return ParagraphStyle(f"{style}_uppdelning", parent=styles()[style], fontSize=7, leading=8.6)


def _cell(text: str, style: str) -> Paragraph:
    return Paragraph(escape(pdf_text(text)), _small(style))
