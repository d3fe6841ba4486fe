"""The summary PDF's comparison with an earlier year: the method, the counts per level both years
(akter, bortfall, enheter) and, per question and level, this year, last year and the change with
"kan vara slumpen" or "säkerställd"."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from aktgranskning.domain.level_counts import (
    COMPARISON_METHOD,
    LevelComparison,
    LevelCounts,
    Presence,
    YearComparison,
    preliminary_note,
    reworded_note,
)
from aktgranskning.domain.summary import LevelKind, Summary, cell_text
from aktgranskning.domain.thresholds import Level, with_own_limit
from aktgranskning.domain.unit_data import question_numbers
from aktgranskning.pdf.fonts import BOLD, REGULAR
from aktgranskning.pdf.layout import HEADER_BACKGROUND, LEVEL_COLOURS, paragraph, pdf_text, table

LEVELS_PER_TABLE = 3  # three columns per level (this year, last year, change) fill the landscape page
QUESTION_WIDTHS = (11 * mm, 56 * mm)
LEVEL_WIDTHS = (19 * mm, 19 * mm, 26 * mm)  # the change column holds '−70 p.e. (säkerställd)' on two lines


def comparison_story(summary: Summary, comparison: YearComparison) -> list[Any]:
    """The section; it starts where the page before it ended and ends with a page break."""
    year, earlier = comparison.year, comparison.earlier_year
    story: list[Any] = [
        paragraph(f"Jämförelse med {earlier}", "h1"),
        paragraph(f"{summary.administration} {year} mot {earlier}. {COMPARISON_METHOD}"),
    ]
    if note := preliminary_note(comparison):
        story.append(paragraph(note, "preliminary"))
    if note := reworded_note(comparison):
        story.append(paragraph(note))
    story += [
        paragraph("Antal per nivå", "h2"),
        paragraph("Akter i urvalet räknar bortfallen med; akter i resultatet är urvalet utan bortfall.", "small"),
        _counts_table(comparison),
        paragraph(f"Resultat per fråga och nivå, {year} mot {earlier}", "h2"),
    ]
    numbers = question_numbers(summary.questions, {c.id: c.title for i in summary.inputs for c in i.data.checklists})
    levels = list(comparison.levels)
    for start in range(0, len(levels), LEVELS_PER_TABLE):
        story.append(_questions_table(summary, comparison, levels[start:start + LEVELS_PER_TABLE], numbers))
        story.append(Spacer(1, 5 * mm))
    story.append(PageBreak())
    return story


def _counts_table(comparison: YearComparison) -> Table:
    year, earlier = comparison.year, comparison.earlier_year
    first: list[Any] = ["Nivå", "Namn"]
    second: list[Any] = ["", ""]
    for what in ("Akter i urvalet", "Akter i resultatet", "Bortfall", "Enheter"):
        first += [what, ""]
        second += [str(year), str(earlier)]
    first.append("Anmärkning")
    second.append("")
    rows: list[list[Any]] = [[paragraph(h, "cell_bold") for h in first], [paragraph(h, "cell_bold") for h in second]]
    style: list[Any] = [("SPAN", (c, 0), (c + 1, 0)) for c in range(2, 10, 2)]
    style += [("SPAN", (c, 0), (c, 1)) for c in (0, 1, 10)]
    for index, level in enumerate(comparison.levels, start=2):
        rows.append([level.kind.label, paragraph(level.name, "cell"), *_pairs(level),
                     paragraph(level.remark(earlier), "cell")])
        if level.kind is not LevelKind.UNIT:
            style.append(("FONT", (0, index), (-2, index), BOLD, 7.5))
        if level.presence is not Presence.BOTH:
            style.append(("BACKGROUND", (10, index), (10, index), LEVEL_COLOURS[Level.FAIR]))
    widths = [20 * mm, 62 * mm] + [16 * mm] * 8 + [55 * mm]
    return _styled(table(rows, widths, repeat_rows=2), style)


def _pairs(level: LevelComparison) -> list[str]:
    def numbers(counts: LevelCounts | None) -> tuple[str, ...]:
        if counts is None:
            return ("–", "–", "–", "–")
        units = "" if counts.units is None else str(counts.units)
        return (str(counts.sample), str(counts.counted), str(counts.dropouts), units)

    return [value for pair in zip(numbers(level.current), numbers(level.previous), strict=True) for value in pair]


def _questions_table(summary: Summary, comparison: YearComparison, part: list[LevelComparison],
                     numbers: dict[str, str]) -> Table:
    year, earlier = comparison.year, comparison.earlier_year
    first: list[Any] = [paragraph("Nr", "cell_bold"), paragraph("Fråga", "cell_bold")]
    second: list[Any] = ["", ""]
    style: list[Any] = [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1))]
    for index, level in enumerate(part):
        column = 2 + 3 * index
        title = f"{level.kind.label} {level.name}" + (f" ({level.presence.label})" if level.presence.label else "")
        first += [paragraph(title, "cell_bold"), "", ""]
        second += [paragraph(str(year), "cell_bold"), paragraph(str(earlier), "cell_bold"),
                   paragraph("Förändring", "cell_bold")]
        style.append(("SPAN", (column, 0), (column + 2, 0)))
    rows: list[list[Any]] = [first, second]
    for r, question in enumerate(summary.questions, start=2):
        qid = question.question_id
        row: list[Any] = [pdf_text(numbers[qid]), paragraph(with_own_limit(question.text, question), "cell")]
        limits = summary.thresholds.for_question(question)
        for index, level in enumerate(part):
            change = level.changes.get(qid)
            row += [paragraph(cell_text(level.tallies.get(qid)), "cell"),
                    paragraph(cell_text(level.previous_tallies.get(qid)), "cell"),
                    paragraph(_change_text(level, qid), "cell_bold" if change and not change.within_chance else "cell")]
            column = 2 + 3 * index
            for offset, tally in ((0, level.tallies.get(qid)), (1, level.previous_tallies.get(qid))):
                colour = LEVEL_COLOURS[limits.level(tally.share if tally else None)]
                style.append(("BACKGROUND", (column + offset, r), (column + offset, r), colour))
        rows.append(row)
    widths = [*QUESTION_WIDTHS, *(LEVEL_WIDTHS * len(part))]
    return _styled(table(rows, widths, repeat_rows=2), style)


def _change_text(level: LevelComparison, question_id: str) -> str:
    change = level.changes.get(question_id)
    if change is not None:  # the verdict on a line of its own: reportlab would break '(säkerställd)' inside
        return change.describe().replace(" (", "\n(")
    return level.presence.label or "–"


def _styled(result: Table, extra: list[Any]) -> Table:
    result.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), REGULAR, 7.5),
        ("BACKGROUND", (0, 0), (-1, 1), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#A0A0A0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *extra,
    ]))
    return result
