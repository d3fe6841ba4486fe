"""The enhet's PDF for the staff meeting (APT): a summary page, the results with colours and
charts, the analysis, the improvement activities and the dropouts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from aktgranskning.atomic_file import build_atomically
from aktgranskning.domain.analysis import ANALYSIS_FIELDS
from aktgranskning.domain.follow_up import labels_of, linked_text
from aktgranskning.domain.results import format_percent
from aktgranskning.domain.thresholds import bar_fraction, with_own_limit
from aktgranskning.domain.unit_report import ChecklistBlock, ReportRow, UnitReport
from aktgranskning.pdf.breakdown_section import unit_section
from aktgranskning.pdf.follow_up_section import follow_up_section
from aktgranskning.pdf.fonts import BOLD, REGULAR, register_fonts
from aktgranskning.pdf.layout import (
    BAR_COLOURS,
    HEADER_BACKGROUND,
    LEVEL_COLOURS,
    MARGIN,
    PAGE,
    LongTexts,
    numbered_canvas,
    paragraph,
    paragraphs,
    pdf_text,
    table,
    wrapped_lines,
)

CONTENT_WIDTH = PAGE[0] - 2 * MARGIN


def write_unit_pdf(report: UnitReport, target: Path, exported_at: str, font_dir: Path) -> Path:
    register_fonts(font_dir)
    identity = report.data.identity
    story = (_summary_page(report, exported_at) + _results(report) + unit_section(report.data, CONTENT_WIDTH)
             + _analysis(report) + follow_up_section(report) + _dropouts(report))

    def build(path: Path) -> None:
        document = SimpleDocTemplate(
            str(path), pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=MARGIN + 4 * mm, title=pdf_text(f"Aktgranskning {identity.display_name}"),
            author="Aktgranskning", lang="sv-SE", initialFontName=REGULAR,
        )
        document.build(story, canvasmaker=numbered_canvas(f"Aktgranskning · {identity.display_name}",
                                                          report.completeness))

    return build_atomically(build, target)


# --- the summary page ------------------------------------------------------------------------------
def _summary_page(report: UnitReport, exported_at: str) -> list[Any]:
    data = report.data
    identity = data.identity
    completeness = report.completeness
    story: list[Any] = [
        paragraph(f"{identity.unit} {identity.year}", "title"),
        paragraph(f"Aktgranskning – egenkontroll · {identity.area} · {identity.administration}", "subtitle"),
    ]
    if completeness.preliminary:
        story.append(paragraph(f"{completeness.banner()}. Resultatet gäller bara de akter som är granskade "
                               "hittills och kan ändras när resten är klara.", "preliminary"))
    story += [
        paragraph(f"{_capitalised(data.describe_cases())}. Utskrivet {exported_at[:10]}."),
        paragraph(f"Akter: {completeness.counts_text()}.", "small"),
    ]
    reasons = ", ".join(f"{r.label.lower() if r else 'orsak ej angiven'} {n}" for r, n in data.dropout_reasons())
    if reasons:
        story.append(paragraph(f"Bortfall: {reasons}."))
    limits = data.thresholds.describe_for(data.questions)
    story.append(paragraph(f"Andel Ja = Ja / (Ja + Nej). Färger: {limits}.", "small"))
    for block in report.blocks:
        total = _block_total(block)
        story.append(paragraph(f"{block.checklist.title}: {block.cases} akter, sammanlagt {total}.", "body"))
    story.append(paragraph("Per avsnitt", "h2"))
    story.append(_section_table(report))
    story.append(paragraph("Starkaste resultat", "h2"))
    story += _bullet_rows(report.strongest(5), "Ingen fråga nådde den gröna nivån med minst tre bedömda akter.")
    story.append(paragraph("Svagaste resultat", "h2"))
    story += _bullet_rows(report.weakest(5), "Ingen fråga låg under den gröna nivån.")
    if report.previous is not None:
        story.append(paragraph(f"Jämfört med {report.previous.identity.year}", "h2"))
        story.append(paragraph(_comparison_summary(report)))
    story.append(PageBreak())
    return story


def _section_table(report: UnitReport) -> Table:
    thresholds = report.data.thresholds
    headers = ("Checklista", "Avsnitt", "Ja", "Nej", "X", "Resultat")
    rows: list[list[Any]] = [[paragraph(h, "cell_bold") for h in headers]]
    levels = []
    for section in report.sections:
        tally = section.tally
        rows.append([paragraph(report.data.checklist_title(section.checklist_id), "cell"),
                     paragraph(section.title, "cell"), tally.yes, tally.no, tally.not_applicable,
                     paragraph(tally.describe(), "cell")])
        levels.append(thresholds.level(tally.share))
    result = table(rows, [62 * mm, 50 * mm, 10 * mm, 10 * mm, 10 * mm, 36 * mm])
    style = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 8),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#A0A0A0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (2, 1), (4, -1), "RIGHT"),
    ]
    style += [("BACKGROUND", (5, i), (5, i), LEVEL_COLOURS[level]) for i, level in enumerate(levels, start=1)]
    result.setStyle(TableStyle(style))
    return result


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _block_total(block: ChecklistBlock) -> str:
    total = block.total
    if not total.assessed:
        return "inga Ja/Nej-svar"
    return f"{total.yes} Ja av {total.assessed} bedömda svar ({format_percent(total.share)})"


def _bullet_rows(rows: list[ReportRow], when_none: str) -> list[Any]:
    if not rows:
        return [paragraph(when_none)]
    return [paragraph(f"• {row.number} {row.question.text} – {row.tally.describe()}") for row in rows]


def _comparison_summary(report: UnitReport) -> str:
    changes = [row.change for row in report.rows if row.change is not None and row.change.difference is not None]
    better = sum(1 for c in changes if (c.difference or 0) > 0.5)
    worse = sum(1 for c in changes if (c.difference or 0) < -0.5)
    certain = [c for c in changes if not c.within_chance]
    text = (f"{better} frågor har högre andel Ja och {worse} lägre än föregående år. "
            f"{len(certain)} av förändringarna är större än vad slumpen kan förklara med så här små urval "
            "(Fishers exakta test, 5 %); övriga kan bero på enstaka akter.")
    return text


# --- results ------------------------------------------------------------------------------------------
def _results(report: UnitReport) -> list[Any]:
    story: list[Any] = [paragraph("Resultat per fråga", "h1")]
    comparing = report.previous is not None
    for block in report.blocks:
        story.append(paragraph(f"{block.checklist.title} – {block.cases} akter", "h2"))
        story.append(_results_table(block, comparing))
        story.append(Spacer(1, 4 * mm))
        story.append(KeepTogether([results_chart(block)]))
    story.append(PageBreak())
    return story


def _results_table(block: ChecklistBlock, comparing: bool) -> Table:
    header = ["Nr", "Fråga", "Ja", "Nej", "X", "Obesv.", "Resultat"]
    header += ["Föreg. år", "Förändring"] if comparing else []
    rows: list[list[Any]] = [[paragraph(h, "cell_bold") for h in header]]
    for row in block.rows:
        label = with_own_limit(row.question.text, row.question)
        cells: list[Any] = [pdf_text(row.number), paragraph(label, "cell"), row.tally.yes, row.tally.no,
                            row.tally.not_applicable, row.tally.unanswered, paragraph(row.tally.describe(), "cell")]
        if comparing:
            cells += [paragraph(row.previous.describe() if row.previous else "–", "cell"),
                      paragraph(row.change.describe() if row.change else "–", "cell")]
        rows.append(cells)
    if comparing:
        widths = [9 * mm, 50 * mm, 8 * mm, 10 * mm, 7 * mm, 13 * mm, 27 * mm, 27 * mm, 27 * mm]
    else:  # "10 av 10 (100 %)" fits on one line
        widths = [10 * mm, 98 * mm, 10 * mm, 10 * mm, 8 * mm, 13 * mm, 29 * mm]
    result = table(rows, widths)
    style = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 8),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#A0A0A0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (2, 1), (5, -1), "RIGHT"),
    ]
    for index, row in enumerate(block.rows, start=1):
        style.append(("BACKGROUND", (6, index), (6, index), LEVEL_COLOURS[row.level]))
    result.setStyle(TableStyle(style))
    return result


def bar_label(row: ReportRow) -> str:
    """The words beside a bar: its counts, or that there is no Ja/Nej (and so no bar)."""
    return row.tally.describe()


def results_chart(block: ChecklistBlock) -> Drawing:
    """Bars in the level colours of domain.thresholds; 0 % is a short red bar, a question
    without Ja/Nej has no bar and says so."""
    count = len(block.rows)
    bar_space = 5.2 * mm
    left = 14 * mm
    # A checklist's title can be long: the heading wraps within the page instead of running off it.
    title = pdf_text(f"{block.checklist.title}: andel Ja per fråga")
    heading = [(line, BOLD, 8.5) for line in wrapped_lines(title, BOLD, 8.5, CONTENT_WIDTH - left)]
    heading += [(line, REGULAR, 7.5) for line in wrapped_lines(CHART_NOTE, REGULAR, 7.5, CONTENT_WIDTH - left)]
    heading_height = sum(size * 1.25 for _line, _font, size in heading)
    height = count * bar_space + 13 * mm + heading_height
    drawing = Drawing(CONTENT_WIDTH, height, initialFontName=REGULAR)
    chart = HorizontalBarChart()
    chart.x = left
    chart.y = 10 * mm
    chart.width = CONTENT_WIDTH - 48 * mm  # room on the right for the label of a full bar
    chart.height = count * bar_space
    # reportlab draws the first category at the bottom; reverse so F1 is on top, as in the table.
    rows = list(reversed(block.rows))
    chart.data = [[100 * (bar_fraction(row.tally.share) or 0.0) for row in rows]]
    chart.categoryAxis.categoryNames = [pdf_text(row.number) for row in rows]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 10
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d %%"
    chart.barWidth = bar_space * 0.7
    chart.groupSpacing = bar_space * 0.3
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    for index, row in enumerate(rows):
        chart.bars[(0, index)].fillColor = BAR_COLOURS[row.level]
    chart.barLabelFormat = "values"  # the labels of barLabelArray, not the numbers
    chart.barLabelArray = [[pdf_text(bar_label(row)) for row in rows]]
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barLabels.fillColor = colors.HexColor("#1A1A1A")
    drawing.add(chart)
    baseline = height - 2 * mm
    for line, font, size in heading:
        baseline -= size * 1.25
        drawing.add(String(left, baseline, line, fontName=font, fontSize=size))
    return drawing


CHART_NOTE = "0 % ritas som en kort röd stapel; en fråga utan stapel har inga Ja/Nej-svar."


# --- analysis, activities, dropouts ---------------------------------------------------------------------
def _analysis(report: UnitReport) -> list[Any]:
    analysis = report.data.analysis
    story: list[Any] = [paragraph("Analys", "h1")]
    if analysis.filled_by or analysis.filled_at:
        when = analysis.filled_at[:16].replace("T", " ")
        by = f"Ifylld av {analysis.filled_by}, senast ändrad" if analysis.filled_by else "Senast ändrad"
        story.append(paragraph(f"{by} {when}.", "small"))
    for name, label in ANALYSIS_FIELDS.items():
        if name == "dropout_comment":
            continue
        story.append(paragraph(label, "h2"))
        story += paragraphs(analysis.text(name).strip() or "–")
    story.append(paragraph("Förbättringsaktiviteter", "h2"))
    if not analysis.activities:
        story.append(paragraph("Inga förbättringsaktiviteter är inlagda."))
        return story
    header = ["Aktivitet", "Kopplad till", "Ansvarig", "Klart senast", "Uppföljning", "Status"]
    rows: list[list[Any]] = [[paragraph(h, "cell_bold") for h in header]]
    long_texts = LongTexts()
    labels = labels_of(report.data)
    for number, activity in enumerate(analysis.activities, start=1):
        name = activity.activity + (f" (från {activity.from_year})" if activity.from_year else "")
        texts = (name, linked_text(activity, labels), activity.responsible, activity.due_text or "–",
                 activity.follow_up, activity.status.label)
        place = f"Aktivitet {number}"
        rows.append([long_texts.cell(text, place if title == "Aktivitet" else f"{place}, {title.lower()}")
                     for text, title in zip(texts, header, strict=True)])
    widths = [48 * mm, 20 * mm, 24 * mm, 21 * mm, 42 * mm, 23 * mm]
    activities = table(rows, widths)
    activities.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#A0A0A0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(activities)
    return story + long_texts.story()


def _dropouts(report: UnitReport) -> list[Any]:
    data = report.data
    story: list[Any] = [paragraph("Bortfall", "h2")]
    if not data.dropouts:
        story.append(paragraph("Inget bortfall."))
    for reason, count in data.dropout_reasons():
        story.append(paragraph(f"• {reason.label if reason else 'Orsak ej angiven'}: {count}"))
    if data.analysis.dropout_comment.strip():
        story += paragraphs(data.analysis.dropout_comment)
    return story
