"""The område and förvaltning summary as a PDF for management and the nämnd (A4 landscape)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm
from reportlab.platypus import (
    PageBreak,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from aktgranskning.atomic_file import build_atomically
from aktgranskning.domain.follow_up import linked_text, summary_labels
from aktgranskning.domain.level_counts import YearComparison
from aktgranskning.domain.summary import METHOD, LevelResult, Summary, cell_text, summary_warnings
from aktgranskning.domain.thresholds import Level, with_own_limit
from aktgranskning.domain.unit_data import question_numbers
from aktgranskning.pdf.breakdown_section import summary_section
from aktgranskning.pdf.follow_up_section import summary_follow_up_section
from aktgranskning.pdf.fonts import REGULAR, register_fonts
from aktgranskning.pdf.layout import (
    HEADER_BACKGROUND,
    LEVEL_COLOURS,
    MARGIN,
    PAGE,
    LongTexts,
    numbered_canvas,
    paragraph,
    pdf_text,
    table,
)
from aktgranskning.pdf.summary_comparison import comparison_story
from aktgranskning.pdf.summary_round_section import round_section

PAGE_LANDSCAPE = landscape(PAGE)
WIDTH = PAGE_LANDSCAPE[0] - 2 * MARGIN
LEVELS_PER_TABLE = 8  # more columns than this do not fit the page; the heatmap continues below


def write_summary_pdf(summary: Summary, target: Path, font_dir: Path,
                      comparison: YearComparison | None = None) -> Path:
    register_fonts(font_dir)
    story = (_front(summary) + _heatmaps(summary) + (comparison_story(summary, comparison) if comparison else [])
             + summary_section(summary, WIDTH) + _shared(summary) + _activities(summary))
    story += round_section(summary.round, summary)
    story += summary_follow_up_section(summary, comparison)
    title = f"{summary.administration} {summary.year}"

    def build(path: Path) -> None:
        document = SimpleDocTemplate(
            str(path), pagesize=PAGE_LANDSCAPE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=MARGIN + 4 * mm, title=pdf_text(f"Aktgranskning {title}"), author="Aktgranskning",
            lang="sv-SE", initialFontName=REGULAR,
        )
        document.build(story, canvasmaker=numbered_canvas(f"Aktgranskning · sammanställning {title}",
                                                          summary.completeness, summary.banner(short=True),
                                                          marked=summary.preliminary))

    return build_atomically(build, target)


def _front(summary: Summary) -> list[Any]:
    story: list[Any] = [
        paragraph(f"{summary.administration} {summary.year}", "title"),
        paragraph("Aktgranskning – sammanställning för förvaltningen", "subtitle"),
        paragraph(f"{len(summary.units())} enheter i {len(summary.areas())} områden. {METHOD}"),
        paragraph(f"{summary.limits_text()}.", "small"),
    ]
    if summary.preliminary:
        story.insert(2, paragraph(f"{summary.banner()}. Resultatet gäller bara de akter som är granskade hittills.",
                                  "preliminary"))
    for item in summary.excluded:
        story.insert(2, paragraph(f"Ingår inte: {item.source} kunde inte läsas ({item.reason})", "preliminary"))
    story.append(paragraph("Akter och bortfall", "h2"))
    headers = ("Nivå", "Namn", "Akter i urvalet", "Klara", "Pågående", "Ej påbörjade", "Bortfall",
               "Akter i resultatet", "Preliminär", "Status")
    rows: list[list[Any]] = [[paragraph(h, "cell_bold") for h in headers]]
    marks: list[Any] = []
    for index, level in enumerate(summary.levels, start=1):
        rows.append(_level_row(level))
        if level.preliminary:
            marks.append(("BACKGROUND", (8, index), (9, index), LEVEL_COLOURS[Level.POOR]))
    story.append(_table(rows, [22 * mm, 48 * mm, 22 * mm, 14 * mm, 18 * mm, 20 * mm, 16 * mm, 26 * mm, 22 * mm,
                               54 * mm], marks))
    story += [paragraph(str(warning), "h2" if warning.severity == "Varning" else "small")
              for warning in summary_warnings(summary)]
    story.append(PageBreak())
    return story


MISSING_TEXT = "Saknas"


def _level_row(level: LevelResult) -> list[Any]:
    """A level's counts; a missing enhet has none, only its state and the akter it was to review."""
    c = level.completeness
    if level.missing:
        expected = f" ({level.expected} akter väntas)" if level.expected else ""
        return [level.kind.label, paragraph(level.name, "cell"), "", "", "", "", "", "", MISSING_TEXT.upper(),
                paragraph(f"{MISSING_TEXT} – ingen fil{expected}", "cell")]
    return [level.kind.label, paragraph(level.name, "cell"), c.total, c.done, c.in_progress, c.not_started,
            c.dropouts, level.cases, "PRELIMINÄR" if level.preliminary else "nej",
            paragraph(level.state_text(), "cell")]


def _level_header(level: LevelResult) -> str:
    """'Enhet Mottagningen (preliminär: Pågående 12/20)', 'Enhet Öppenvården: Saknas'."""
    title = f"{level.kind.label} {level.name}"
    if level.missing:
        return f"{title}: {MISSING_TEXT}"
    if level.preliminary:
        return f"{title} (preliminär: {level.state_text()})" if level.state is not None else f"{title} (preliminär)"
    return title


def _heatmaps(summary: Summary) -> list[Any]:
    numbers = question_numbers(summary.questions, {c.id: c.title for i in summary.inputs for c in i.data.checklists})
    story: list[Any] = [paragraph("Resultat per fråga och nivå", "h1")]
    levels = list(summary.levels)
    for start in range(0, len(levels), LEVELS_PER_TABLE):
        part = levels[start:start + LEVELS_PER_TABLE]
        header = ["Nr", "Fråga"] + [_level_header(lv) for lv in part]
        rows: list[list[Any]] = [[paragraph(h, "cell_bold") for h in header]]
        style: list[Any] = []
        for r, question in enumerate(summary.questions, start=1):
            label = with_own_limit(question.text, question)
            row: list[Any] = [pdf_text(numbers[question.question_id]), paragraph(label, "cell")]
            limits = summary.thresholds.for_question(question)
            for c, level in enumerate(part, start=2):
                tally = level.tally(question.question_id)
                row.append(MISSING_TEXT if level.missing else cell_text(tally))
                colour = LEVEL_COLOURS[limits.level(tally.share if tally else None)]
                style.append(("BACKGROUND", (c, r), (c, r), colour))
            rows.append(row)
        level_width = (WIDTH - 12 * mm - 80 * mm) / len(part)
        story.append(_table(rows, [12 * mm, 80 * mm] + [level_width] * len(part), style))
        story.append(PageBreak())
    return story


def _shared(summary: Summary) -> list[Any]:
    story: list[Any] = [paragraph("Gemensamma utvecklingsområden", "h1")]
    if not summary.shared_areas:
        return story + [paragraph("Ingen fråga ligger under den gröna nivån i mer än en enhet.")]
    headers = ("Fråga", "Antal enheter", "Enheter", "Förvaltningen")
    rows: list[list[Any]] = [[paragraph(h, "cell_bold") for h in headers]]
    for area in summary.shared_areas:
        rows.append([paragraph(with_own_limit(area.question.text, area.question), "cell"), len(area.units),
                     paragraph(", ".join(area.units), "cell"),
                     cell_text(summary.administration_level.tally(area.question.question_id))])
    return story + [_table(rows, [100 * mm, 25 * mm, 100 * mm, 35 * mm])]


def _activities(summary: Summary) -> list[Any]:
    story: list[Any] = [paragraph("Förbättringsaktiviteter", "h1")]
    if not summary.activities:
        return story + [paragraph("Inga enheter har lagt in förbättringsaktiviteter.")]
    rows: list[list[Any]] = [[paragraph(h, "cell_bold") for h in ("Enhet", "Aktivitet", "Kopplad till", "Ansvarig",
                                                            "Klart senast", "Status")]]
    long_texts = LongTexts()
    labels = summary_labels(summary)
    for number, item in enumerate(summary.activities, start=1):
        a = item.activity
        label = f"aktivitet {number} ({item.unit})"
        rows.append([long_texts.cell(item.unit, f"{label}, enhet"), long_texts.cell(a.activity, label),
                     long_texts.cell(linked_text(a, labels), f"{label}, kopplad till"),
                     long_texts.cell(a.responsible, f"{label}, ansvarig"),
                     long_texts.cell(a.due_text or "–", f"{label}, klart senast"), a.status.label])
    return story + [_table(rows, [40 * mm, 100 * mm, 30 * mm, 35 * mm, 25 * mm, 25 * mm])] + long_texts.story()


def _table(rows: list[list[Any]], widths: list[float], extra: list[Any] | None = None) -> Table:
    result = table(rows, widths)
    result.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), REGULAR, 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#A0A0A0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *(extra or []),
    ]))
    return result
