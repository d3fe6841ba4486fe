"""The område and förvaltning summary as a workbook: a heatmap of every question × level, cases
and dropouts, shared development areas, all improvement activities, kön and åldersgrupp, changes, warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from aktgranskning.domain.follow_up import linked_text, summary_labels
from aktgranskning.domain.level_counts import (
    COMPARISON_METHOD,
    LevelComparison,
    LevelCounts,
    YearComparison,
    preliminary_note,
    reworded_note,
)
from aktgranskning.domain.summary import (
    METHOD,
    LevelKind,
    LevelResult,
    Summary,
    cell_text,
)
from aktgranskning.domain.thresholds import Level, with_own_limit
from aktgranskning.domain.unit_data import question_numbers
from aktgranskning.excel import breakdown_sheet
from aktgranskning.excel.follow_up_sheet import add_summary_follow_up_sheet
from aktgranskning.excel.sheet_style import (
    BOLD,
    CENTRE_TOP,
    GRID,
    TITLE_FONT,
    WRAP_TOP,
    CellStyles,
    column_widths,
    completeness_banner,
    header_row,
    level_fill,
    print_setup,
)
from aktgranskning.excel.summary_round_sheets import add_round_sheets
from aktgranskning.excel.writing import excel_text, put, save_atomically

LEVEL_FILLS = {level: level_fill(level) for level in Level}


def write_summary_workbook(summary: Summary, target: Path, comparison: YearComparison | None = None) -> Path:
    workbook = Workbook()
    styles = CellStyles()
    _heatmap(workbook.active, summary, styles)
    _cases(workbook.create_sheet("Akter och bortfall"), summary, styles)
    _shared(workbook.create_sheet("Gemensamma utvecklingsområden"), summary)
    _activities(workbook.create_sheet("Förbättringsaktiviteter"), summary, styles)
    breakdown_sheet.add_summary_sheet(workbook, summary)
    add_round_sheets(workbook, summary.round, summary, styles)
    if comparison is not None:
        _changes(workbook.create_sheet("Jämförelse"), summary, comparison, styles)
        _counts_against_earlier(workbook.create_sheet("Antal mot förra året"), comparison, styles)
    add_summary_follow_up_sheet(workbook, summary, comparison)
    _read_log(workbook.create_sheet("Inläsning"), summary)
    for sheet in workbook.worksheets:  # row 1 of every sheet: how complete the result is
        completeness_banner(sheet, summary.completeness, summary.banner(), marked=summary.preliminary)
    workbook.properties.title = excel_text(f"Aktgranskning {summary.administration} {summary.year}")
    workbook.properties.creator = "Aktgranskning"
    return save_atomically(workbook, target)


def _numbers(summary: Summary) -> dict[str, str]:
    titles = {c.id: c.title for i in summary.inputs for c in i.data.checklists}
    return question_numbers(summary.questions, titles)


def _checklist_titles(summary: Summary) -> dict[str, str]:
    return {c.id: c.title for i in summary.inputs for c in i.data.checklists}


def _heatmap(sheet: Worksheet, summary: Summary, styles: CellStyles) -> None:
    sheet.title = "Sammanställning"
    put(sheet, 2, 1, f"{summary.administration} {summary.year} – sammanställning av aktgranskningen").font = TITLE_FONT
    put(sheet, 3, 1, f"{len(summary.units())} enheter i {len(summary.areas())} områden. {METHOD}")
    put(sheet, 4, 1, f"{summary.limits_text()}. Cellen visar andel (Ja/bedömda). "
        "Nivåer märkta (preliminär) har akter som inte är färdiggranskade"
        + (" eller en enhet som saknas." if summary.missing_units() else "."))
    first_row = 6
    titles = ["Nr", "Fråga"] + [level_title(level) for level in summary.levels]
    header_row(sheet, first_row, titles, centred=True)
    sheet.row_dimensions[first_row].height = 45
    numbers = _numbers(summary)
    checklist_titles = _checklist_titles(summary)
    row = first_row + 1
    current = None
    for question in summary.questions:
        if question.checklist_id != current:
            current = question.checklist_id
            put(sheet, row, 1, checklist_titles.get(current, current)).font = BOLD
            row += 1
        styles.apply(put(sheet, row, 1, numbers[question.question_id]), border=GRID)
        styles.apply(put(sheet, row, 2, with_own_limit(question.text, question)), border=GRID, alignment=WRAP_TOP)
        limits = summary.thresholds.for_question(question)
        for column, level in enumerate(summary.levels, start=3):
            tally = level.tally(question.question_id)
            text = MISSING_TEXT if level.missing else cell_text(tally)
            styles.apply(put(sheet, row, column, text), border=GRID, alignment=CENTRE_TOP,
                         fill=LEVEL_FILLS[limits.level(tally.share if tally else None)],
                         font=BOLD if level.kind is not LevelKind.UNIT else None)
        row += 1
    column_widths(sheet, [6, 50] + [14] * len(summary.levels))
    sheet.freeze_panes = sheet.cell(row=first_row + 1, column=3)
    print_setup(sheet, True, f"{first_row}:{first_row}")


MISSING_TEXT = "Saknas"


def level_title(level: LevelResult) -> str:
    """A heatmap column's title: 'Enhet\nMottagningen', with '(preliminär)' and the enhet's
    state ('Pågående 12/20') when unfinished, 'Saknas' when the round's enhet has no file."""
    title = f"{level.kind.label}\n{level.name}"
    if level.missing:
        return f"{title}\n{MISSING_TEXT}"
    if level.preliminary:
        title += "\n(preliminär)"
        if level.state is not None:
            title += f"\n{level.state_text()}"
    return title


CASE_HEADERS = ["Nivå", "Namn", "Område", "Akter i urvalet", "Klara", "Pågående", "Ej påbörjade", "Bortfall",
                "Akter i resultatet", "Preliminär", "Status"]


def _cases(sheet: Worksheet, summary: Summary, styles: CellStyles) -> None:
    header_row(sheet, 2, CASE_HEADERS, centred=True)
    for row, level in enumerate(summary.levels, start=3):
        values = _case_row(level)
        for column, value in enumerate(values, 1):
            marked = level.preliminary and column >= len(values) - 1
            styles.apply(put(sheet, row, column, value), border=GRID, fill=LEVEL_FILLS[Level.POOR] if marked else None)
    column_widths(sheet, [12, 34, 24, 14, 8, 10, 12, 10, 16, 12, 26])
    print_setup(sheet, True, "2:2")


def _case_row(level: LevelResult) -> list[Any]:
    """A level's counts; a missing enhet has none, only its state and the akter it was to review."""
    c = level.completeness
    if level.missing:
        expected = f" ({level.expected} akter väntas)" if level.expected else ""
        return [level.kind.label, level.name, level.area, "", "", "", "", "", "", MISSING_TEXT.upper(),
                f"{MISSING_TEXT} – ingen fil{expected}"]
    return [level.kind.label, level.name, level.area, c.total, c.done, c.in_progress, c.not_started,
            c.dropouts, level.cases, "PRELIMINÄR" if level.preliminary else "nej", level.state_text()]


def _shared(sheet: Worksheet, summary: Summary) -> None:
    put(sheet, 2, 1, "Frågor där minst två enheter ligger under den gröna nivån").font = BOLD
    header_row(sheet, 4, ["Nr", "Fråga", "Antal enheter", "Enheter", "Förvaltningen"], centred=True)
    numbers = _numbers(summary)
    total = summary.administration_level
    for row, area in enumerate(summary.shared_areas, start=5):
        values = [numbers[area.question.question_id], with_own_limit(area.question.text, area.question),
                  len(area.units), ", ".join(area.units), cell_text(total.tally(area.question.question_id))]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value)
            cell.alignment = WRAP_TOP
            cell.border = GRID
    if not summary.shared_areas:
        put(sheet, 5, 1, "Inga gemensamma utvecklingsområden.")
    column_widths(sheet, [6, 50, 14, 50, 16])
    print_setup(sheet, True, "4:4")


def _activities(sheet: Worksheet, summary: Summary, styles: CellStyles) -> None:
    header_row(sheet, 2, ["Område", "Enhet", "Aktivitet", "Kopplad till", "Ansvarig (roll)", "Klart senast",
                          "Uppföljning", "Status"], centred=True)
    labels = summary_labels(summary)
    for row, item in enumerate(summary.activities, start=3):
        a = item.activity
        values = [item.area, item.unit, a.activity, linked_text(a, labels), a.responsible, a.due, a.follow_up,
                  a.status.label]
        for column, value in enumerate(values, start=1):
            styles.apply(put(sheet, row, column, value), alignment=WRAP_TOP, border=GRID)
    column_widths(sheet, [18, 20, 40, 16, 16, 12, 28, 13])
    sheet.freeze_panes = "A3"
    print_setup(sheet, True, "2:2")


def _changes(sheet: Worksheet, summary: Summary, comparison: YearComparison, styles: CellStyles) -> None:
    put(sheet, 2, 1, f"Förändring från {comparison.earlier_year} till {comparison.year}. {COMPARISON_METHOD} "
        "Nivåer som bara finns det ena året står på bladet Antal mot förra året.")
    if note := " ".join(filter(None, (preliminary_note(comparison), reworded_note(comparison)))):
        put(sheet, 3, 1, note).font = BOLD
    titles = ["Nr", "Fråga"] + [level_title(level) for level in summary.levels]
    header_row(sheet, 4, titles, centred=True)
    sheet.row_dimensions[4].height = 45
    numbers = _numbers(summary)
    for row, question in enumerate(summary.questions, start=5):
        styles.apply(put(sheet, row, 1, numbers[question.question_id]), border=GRID)
        styles.apply(put(sheet, row, 2, with_own_limit(question.text, question)), border=GRID)
        for column, level in enumerate(summary.levels, start=3):
            change = comparison.change(level.kind, level.name, question.question_id)
            styles.apply(put(sheet, row, column, change.describe() if change else ""), border=GRID,
                         alignment=WRAP_TOP, font=BOLD if change is not None and not change.within_chance else None)
    column_widths(sheet, [6, 50] + [16] * len(summary.levels))
    print_setup(sheet, True, "4:4")


def _counts_against_earlier(sheet: Worksheet, comparison: YearComparison, styles: CellStyles) -> None:
    """Per level the akter, bortfall and enheter this year beside last year's, as a yearly report
    states them; a level found only one of the years is marked."""
    year, earlier = comparison.year, comparison.earlier_year
    put(sheet, 2, 1, f"Antal per nivå {year} och {earlier}. Akter i urvalet räknar bortfallen med; akter i "
        "resultatet är urvalet utan bortfall.")
    titles = ["Nivå", "Namn", "Område"]
    for what in ("Akter i urvalet", "Akter i resultatet", "Bortfall", "Enheter"):
        titles += [f"{what} {year}", f"{what} {earlier}"]
    header_row(sheet, 4, [*titles, "Anmärkning"], centred=True)
    sheet.row_dimensions[4].height = 30
    for row, level in enumerate(comparison.levels, start=5):
        values: list[Any] = [level.kind.label, level.name, level.area, *_year_pairs(level), level.remark(earlier)]
        marked = level.current is None or level.previous is None
        for column, value in enumerate(values, start=1):
            styles.apply(put(sheet, row, column, value), border=GRID,
                         font=BOLD if level.kind is not LevelKind.UNIT else None,
                         fill=LEVEL_FILLS[Level.FAIR] if marked and column == len(values) else None)
    column_widths(sheet, [12, 34, 24] + [11] * 8 + [26])
    sheet.freeze_panes = "D5"
    print_setup(sheet, True, "4:4")


def _year_pairs(level: LevelComparison) -> list[int | None]:
    """This year's and last year's akter, akter in the result, bortfall and enheter; empty where a
    year has no such level (and enheter for an enhet)."""

    def numbers(counts: LevelCounts | None) -> tuple[int | None, ...]:
        if counts is None:
            return (None, None, None, None)
        return (counts.sample, counts.counted, counts.dropouts, counts.units)

    return [value for pair in zip(numbers(level.current), numbers(level.previous), strict=True) for value in pair]


def _read_log(sheet: Worksheet, summary: Summary) -> None:
    header_row(sheet, 2, ["Fil", "Enhet", "Område", "År", "Kontroll"], centred=True)
    row = 3
    for item in summary.inputs:
        identity = item.data.identity
        check = {True: "kontrollsumman stämmer", False: "DATA-BLADET ÄR ÄNDRAT FÖR HAND", None: "granskningsfil"}
        values = [item.source, identity.unit, identity.area, identity.year, check[item.checksum_matches]]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value)
            if item.checksum_matches is False:
                cell.fill = LEVEL_FILLS[Level.POOR]
        row += 1
    for excluded in summary.excluded:
        put(sheet, row, 1, excluded.source).fill = LEVEL_FILLS[Level.POOR]
        reason = put(sheet, row, 5, f"LÄSTES INTE – ingår inte i sammanställningen: {excluded.reason}")
        reason.fill = LEVEL_FILLS[Level.POOR]
        reason.alignment = WRAP_TOP
        row += 1
    if summary.excluded:
        count = len(summary.excluded)
        put(sheet, row, 1, f"Sammanställningen omfattar inte {'1 fil' if count == 1 else f'{count} filer'} som inte "
            "kunde läsas (markerade ovan).").font = BOLD
        row += 1
    row += 1
    put(sheet, row, 1, "Frågor som saknas i någon enhets fil").font = BOLD
    for source, question_id, text in summary.unmatched:
        row += 1
        put(sheet, row, 1, source)
        put(sheet, row, 2, question_id)
        put(sheet, row, 3, text)
    row += 2
    put(sheet, row, 1, "Frågor med samma id men olika formulering (matchade på id)").font = BOLD
    for question_id, used, other in summary.renamed:
        row += 1
        put(sheet, row, 1, question_id)
        put(sheet, row, 2, used)
        put(sheet, row, 3, other)
    column_widths(sheet, [34, 30, 50, 8, 60 if summary.excluded else 34])

