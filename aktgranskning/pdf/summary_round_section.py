"""The round's own pages in the summary PDF (A4 landscape): the område and förvaltning analyses
and the förvaltningsgemensamma åtgärder in priority order."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, TableStyle

from aktgranskning.domain.round import LEVEL_ANALYSIS_FIELDS, Round
from aktgranskning.domain.round_analysis import level_analyses, question_lines
from aktgranskning.domain.summary import Summary
from aktgranskning.pdf.fonts import REGULAR
from aktgranskning.pdf.layout import HEADER_BACKGROUND, LongTexts, paragraph, paragraphs, table

# Prioritet, Åtgärd, Ansvarig, Klart senast, Frågor, Status, Uppföljning, Från år: 265 mm, the page's width
ACTION_WIDTHS = [19 * mm, 62 * mm, 34 * mm, 22 * mm, 53 * mm, 21 * mm, 40 * mm, 14 * mm]


def round_section(round_: Round | None, summary: Summary) -> list[Any]:
    """The flowables for a summary made from a round; none for a summary of loose files."""
    if round_ is None:
        return []
    return [PageBreak(), *_analyses(round_), PageBreak(), *_actions(round_, summary)]


def _analyses(round_: Round) -> list[Any]:
    story: list[Any] = [paragraph("Analys på område- och förvaltningsnivå", "h1")]
    for kind, analysis in level_analyses(round_):
        heading = paragraph(f"{kind}: {analysis.name}", "h2")
        if analysis.is_empty:
            story.append(KeepTogether([heading, paragraph("Ingen analys är skriven för nivån.", "small")]))
            continue
        first = True
        for field, question in LEVEL_ANALYSIS_FIELDS.items():
            text = analysis.text(field).strip() or "(inte ifylld)"
            block = [paragraph(question, "cell_bold"), *paragraphs(text)]
            # the heading never stands alone at the foot of a page
            story.append(KeepTogether([heading, *block[:2]]) if first else KeepTogether(block[:2]))
            story += block[2:]
            first = False
    return story


def _actions(round_: Round, summary: Summary) -> list[Any]:
    story: list[Any] = [paragraph("Förvaltningsgemensamma förbättringsåtgärder", "h1")]
    actions = round_.actions_by_priority()
    if not actions:
        return story + [paragraph("Inga förvaltningsgemensamma åtgärder är inlagda.")]
    headers = ("Prioritet", "Åtgärd", "Ansvarig (roll)", "Klart senast", "Frågor", "Status", "Uppföljning", "Från år")
    rows: list[list[Any]] = [[paragraph(h, "cell_bold") for h in headers]]
    long_texts = LongTexts()
    for number, action in enumerate(actions, start=1):
        label = f"åtgärd {number}"
        rows.append([
            str(action.priority), long_texts.cell(action.action, label),
            long_texts.cell(action.owner, f"{label}, ansvarig"), action.due.isoformat() if action.due else "–",
            long_texts.cell("\n".join(question_lines(action, summary)) or "–", f"{label}, frågor"),
            paragraph(action.status.label, "cell"), long_texts.cell(action.follow_up, f"{label}, uppföljning"),
            str(action.from_year or ""),
        ])
    result = table(rows, ACTION_WIDTHS)
    result.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), REGULAR, 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#A0A0A0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return [*story, result, *long_texts.story()]
