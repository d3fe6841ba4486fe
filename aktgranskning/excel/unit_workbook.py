"""The enhet workbook `<Enhet> <år>.xlsx`: Resultat, Analys, Förbättringsaktiviteter, Bortfall and
the machine-readable Data sheet. No case number, caseworker code or comment is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from aktgranskning.domain.analysis import ANALYSIS_FIELDS
from aktgranskning.domain.case import DropoutReason
from aktgranskning.domain.follow_up import labels_of
from aktgranskning.domain.thresholds import Level, Thresholds, bar_colour, bar_fraction, fill_colour, with_own_limit
from aktgranskning.domain.unit_report import ReportRow, UnitReport
from aktgranskning.excel import breakdown_sheet, data_sheet
from aktgranskning.excel.follow_up_sheet import add_follow_up_sheet
from aktgranskning.excel.sheet_style import (
    BOLD,
    GRID,
    TITLE_FONT,
    WRAP_TOP,
    column_widths,
    completeness_banner,
    header_row,
    print_setup,
)
from aktgranskning.excel.writing import excel_text, put, save_atomically

GREEN, YELLOW, RED = (fill_colour(level).lstrip("#") for level in (Level.GOOD, Level.FAIR, Level.POOR))
MAX_ROW_HEIGHT = 409.0  # points; Excel refuses taller rows


def write_unit_workbook(report: UnitReport, target: Path, exported_at: str, app_version: str) -> Path:
    workbook = Workbook()
    _results_sheet(workbook.active, report, exported_at)
    _analysis_sheet(workbook.create_sheet("Analys"), report)
    _activities_sheet(workbook.create_sheet("Förbättringsaktiviteter"), report)
    add_follow_up_sheet(workbook, report)
    _dropout_sheet(workbook.create_sheet("Bortfall"), report)
    breakdown_sheet.add_unit_sheet(workbook, report.data)
    _data_sheet(workbook.create_sheet(data_sheet.SHEET_NAME), report, exported_at, app_version)
    for sheet in workbook.worksheets:
        completeness_banner(sheet, report.completeness)
    workbook.properties.title = excel_text(f"Aktgranskning {report.data.identity.display_name}")
    workbook.properties.creator = "Aktgranskning"
    return save_atomically(workbook, target)


# --- Resultat ------------------------------------------------------------------------------------
RESULT_HEADERS = ["Nr", "Avsnitt", "Fråga", "Ja", "Nej", "X", "Obesvarad", "Andel Ja", "Resultat"]
COMPARE_HEADERS = ["Föregående år", "Förändring"]
SHARE_COLUMN = 8


def _results_sheet(sheet: Worksheet, report: UnitReport, exported_at: str) -> None:
    sheet.title = "Resultat"
    identity = report.data.identity
    put(sheet, 2, 1, f"{identity.unit} {identity.year} – resultat av aktgranskningen").font = TITLE_FONT
    put(sheet, 3, 1, f"{identity.administration} · {identity.area} · {report.data.describe_cases()} · "
        f"exporterad {exported_at[:10]}")
    put(sheet, 4, 1, "Andel Ja = Ja / (Ja + Nej); X (ej tillämplig) och obesvarade räknas inte. "
        f"Färger: {report.data.thresholds.describe_for(report.data.questions)}.")
    comparing = report.previous is not None
    headers = RESULT_HEADERS + (COMPARE_HEADERS if comparing else [])
    first_row = 6
    header_row(sheet, first_row, headers)
    row = first_row + 1
    share_ranges: list[tuple[str, Thresholds]] = []
    for block in report.blocks:
        put(sheet, row, 1, f"{block.checklist.title} – {block.cases} akter").font = BOLD
        row += 1
        for item in block.rows:
            values: list[Any] = [item.number, item.question.section_title, with_own_limit(item.question.text,
                                                                                         item.question),
                                 item.tally.yes, item.tally.no, item.tally.not_applicable,
                                 item.tally.unanswered, item.tally.share, item.tally.describe()]
            if comparing:
                values += [item.previous.describe() if item.previous else "–",
                           item.change.describe() if item.change else "–"]
            for column, value in enumerate(values, start=1):
                cell = put(sheet, row, column, value)
                cell.border = GRID
                cell.alignment = WRAP_TOP
            sheet.cell(row=row, column=SHARE_COLUMN).number_format = "0 %"
            sheet.row_dimensions[row].height = max(
                _text_height(item.question.text, 62), _text_height(item.question.section_title, 22)
            )
            _extend_ranges(share_ranges, row, report.data.thresholds.for_question(item.question))
            row += 1
        row += 1
    _colour_shares(sheet, share_ranges)
    row = _section_table(sheet, row + 1, report)
    row, chart_blocks = _chart_data(sheet, row + 1, report)
    _charts(sheet, chart_blocks, row + 1)
    widths = [6, 22, 60, 6, 6, 6, 10, 9, 16] + ([18, 30] if comparing else [])
    column_widths(sheet, widths)
    print_setup(sheet, landscape=True, title_rows=f"{first_row}:{first_row}")


def _section_table(sheet: Worksheet, row: int, report: UnitReport) -> int:
    put(sheet, row, 1, "Per avsnitt").font = BOLD
    row += 1
    header_row(sheet, row, ["", "Avsnitt", "Checklista", "Ja", "Nej", "X", "Obesvarad", "Andel Ja", "Resultat"])
    row += 1
    first = row
    for section in report.sections:
        values: list[Any] = ["", section.title, report.data.checklist_title(section.checklist_id),
                             section.tally.yes, section.tally.no, section.tally.not_applicable,
                             section.tally.unanswered, section.tally.share, section.tally.describe()]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value)
            cell.border = GRID
            cell.alignment = WRAP_TOP
        sheet.cell(row=row, column=SHARE_COLUMN).number_format = "0 %"
        row += 1
    _colour_shares(sheet, [(f"{_col(SHARE_COLUMN)}{first}:{_col(SHARE_COLUMN)}{row - 1}", report.data.thresholds)])
    return row


def _extend_ranges(ranges: list[tuple[str, Thresholds]], row: int, thresholds: Thresholds) -> None:
    """Adds a share cell to the run of rows above it when they are coloured by the same limits."""
    column = _col(SHARE_COLUMN)
    if ranges:
        cells, limits = ranges[-1]
        first, last = cells.split(":")
        if limits == thresholds and last == f"{column}{row - 1}":
            ranges[-1] = (f"{first}:{column}{row}", limits)
            return
    ranges.append((f"{column}{row}:{column}{row}", thresholds))


def _colour_shares(sheet: Worksheet, ranges: list[tuple[str, Thresholds]]) -> None:
    """Conditional colours, so the sheet keeps them when a user edits a number; each range with
    its limits (a question with its own green limit has its own range)."""
    for cells, thresholds in ranges:
        good = thresholds.good / 100
        fair = thresholds.fair / 100
        top_left = cells.split(":")[0]
        # Compare rounded percent, as the thresholds do: 89.5 % shows as 90 % and is green.
        shown = f"ROUND({top_left}*100,0)"
        rules = [
            (f"AND(ISNUMBER({top_left}),{shown}>={good * 100:g})", GREEN),
            (f"AND(ISNUMBER({top_left}),{shown}>={fair * 100:g},{shown}<{good * 100:g})", YELLOW),
            (f"AND(ISNUMBER({top_left}),{shown}<{fair * 100:g})", RED),
        ]
        for formula, colour in rules:
            sheet.conditional_formatting.add(
                cells, FormulaRule(formula=[formula], fill=PatternFill("solid", bgColor=colour), stopIfTrue=True)
            )


CHART_LABEL_COLUMN = 2  # the chart's own data: label with counts, and the bar's length
CHART_VALUE_COLUMN = 3
ChartBlock = tuple[str, int, int, tuple[ReportRow, ...]]


def chart_label(row: ReportRow) -> str:
    """'F1 17 av 19 (89 %)', or 'F3 – inga Ja/Nej' where no bar is drawn."""
    return f"{row.number} {row.tally.describe()}"


def _chart_data(sheet: Worksheet, row: int, report: UnitReport) -> tuple[int, list[ChartBlock]]:
    """The charts plot this block rather than the share column: a 0 % bar gets a short visible
    length (its label says 0 %), and a question without Ja/Nej gets no bar but the words."""
    put(sheet, row, 1, "Underlag för diagrammen (0 % ritas som en kort röd stapel; frågor utan Ja/Nej "
        "får ingen stapel)").font = BOLD
    row += 1
    put(sheet, row, CHART_LABEL_COLUMN, "Fråga och resultat").font = BOLD
    put(sheet, row, CHART_VALUE_COLUMN, "Stapelns längd").font = BOLD
    row += 1
    blocks: list[ChartBlock] = []
    for block in report.blocks:
        first = row
        for item in block.rows:
            put(sheet, row, CHART_LABEL_COLUMN, chart_label(item))
            cell = put(sheet, row, CHART_VALUE_COLUMN, bar_fraction(item.tally.share))
            cell.number_format = "0.0 %"
            row += 1
        blocks.append((block.checklist.title, first, row - 1, block.rows))
    return row, blocks


def _charts(sheet: Worksheet, blocks: list[ChartBlock], anchor_row: int) -> None:
    for title, first, last, rows in blocks:
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = excel_text(f"{title}: andel Ja")
        chart.y_axis.title = "Andel Ja"
        chart.y_axis.number_format = "0 %"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.x_axis.scaling.orientation = "maxMin"  # first question at the top, as in the table
        chart.legend = None
        chart.gapWidth = 40
        chart.add_data(Reference(sheet, min_col=CHART_VALUE_COLUMN, min_row=first, max_row=last),
                       titles_from_data=False)
        chart.set_categories(Reference(sheet, min_col=CHART_LABEL_COLUMN, min_row=first, max_row=last))
        series = chart.series[0]
        for index, item in enumerate(rows):
            point = DataPoint(idx=index)
            colour = bar_colour(item.level).lstrip("#")
            point.graphicalProperties.solidFill = colour
            point.graphicalProperties.line.solidFill = colour
            series.dPt.append(point)
        chart.height = max(6.0, 0.7 * (last - first + 1) + 3)
        chart.width = 22
        sheet.add_chart(chart, f"C{anchor_row}")
        anchor_row += int(chart.height * 2) + 2


# --- Analys and Förbättringsaktiviteter --------------------------------------------------------
ACTIVITY_HEADERS = ["Aktivitet", "Kopplad till fråga/område", "Ansvarig (roll)", "Klart senast",
                    "Uppföljning (hur och när)", "Status", "Från år"]
# Shown for people after the columns older versions read; the ids themselves are in the Data sheet.
QUESTIONS_HEADER = "Frågor"


def _analysis_sheet(sheet: Worksheet, report: UnitReport) -> None:
    analysis = report.data.analysis
    identity = report.data.identity
    put(sheet, 2, 1, f"Analys – {identity.unit} {identity.year}").font = TITLE_FONT
    rows: list[tuple[str, str]] = [
        ("Ifylld av", analysis.filled_by or "–"),
        ("Senast ändrad", analysis.filled_at[:16].replace("T", " ") if analysis.filled_at else "–"),
    ]
    rows += [(label, analysis.text(name)) for name, label in ANALYSIS_FIELDS.items()]
    for offset, (label, text) in enumerate(rows):
        row = 4 + offset
        put(sheet, row, 1, label).font = BOLD
        sheet.cell(row=row, column=1).alignment = WRAP_TOP
        put(sheet, row, 2, text).alignment = WRAP_TOP
        sheet.row_dimensions[row].height = _text_height(text, 95)
    column_widths(sheet, [30, 100])
    print_setup(sheet, landscape=False)


ACTIVITY_HEADER_ROW = 2


def _activities_sheet(sheet: Worksheet, report: UnitReport) -> None:
    header_row(sheet, ACTIVITY_HEADER_ROW, [*ACTIVITY_HEADERS, QUESTIONS_HEADER])
    labels = labels_of(report.data)
    for row, activity in enumerate(report.data.analysis.activities, start=ACTIVITY_HEADER_ROW + 1):
        values = [activity.activity, activity.linked, activity.responsible, activity.due,
                  activity.follow_up, activity.status.label, activity.from_year,
                  "\n".join(labels.get(i, i) for i in activity.question_ids)]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value)
            cell.alignment = WRAP_TOP
            cell.border = GRID
        sheet.cell(row=row, column=4).number_format = "yyyy-mm-dd"  # a real date cell: sortable, filterable
        sheet.row_dimensions[row].height = max(_text_height(activity.activity, 40),
                                               _text_height(activity.follow_up, 30))
    column_widths(sheet, [40, 24, 18, 12, 30, 13, 8, 40])
    sheet.freeze_panes = f"A{ACTIVITY_HEADER_ROW + 1}"
    print_setup(sheet, landscape=True, title_rows=f"{ACTIVITY_HEADER_ROW}:{ACTIVITY_HEADER_ROW}")


# --- Bortfall --------------------------------------------------------------------------------------
def _dropout_sheet(sheet: Worksheet, report: UnitReport) -> None:
    data = report.data
    put(sheet, 2, 1, f"Bortfall – {data.identity.unit} {data.identity.year}").font = TITLE_FONT
    completeness = report.completeness
    counts = [("Akter i resultatet", data.counted), ("Klara", completeness.done),
              ("Pågående", completeness.in_progress), ("Ej påbörjade", completeness.not_started),
              ("Bortfall", completeness.dropouts)]
    row = 4
    for label, count in counts:
        put(sheet, row, 1, label)
        put(sheet, row, 2, count)
        row += 1
    row += 1
    header_row(sheet, row, ["Orsak", "Antal"])
    row += 1
    for reason, count in data.dropout_reasons():
        put(sheet, row, 1, _reason_label(reason))
        put(sheet, row, 2, count)
        row += 1
    row += 1
    header_row(sheet, row, ["Löpnummer", "Ärendetyp", "Orsak"])
    for case in data.dropouts:
        row += 1
        put(sheet, row, 1, case.sequence)
        put(sheet, row, 2, data.checklist_title(case.case_type))
        put(sheet, row, 3, _reason_label(case.dropout_reason))
    row += 2
    put(sheet, row, 1, "Kommentar").font = BOLD
    put(sheet, row, 2, data.analysis.dropout_comment).alignment = WRAP_TOP
    column_widths(sheet, [34, 50, 34])
    print_setup(sheet, landscape=False)


def _reason_label(reason: DropoutReason | None) -> str:
    return reason.label if reason else "Orsak ej angiven"


# --- Data ------------------------------------------------------------------------------------------
# A question's own green limit: one metadata row each (key, question id, percent); older
# workbooks have none, and their questions keep the round's limits.
QUESTION_LIMIT_KEY = "fraga_grans"


def data_sheet_rows(report: UnitReport, exported_at: str, app_version: str) -> tuple[list[list[Any]], list[list[Any]]]:
    """The metadata rows (checksum excluded) and the data rows of the Data sheet."""
    data = report.data
    identity = data.identity
    meta: list[list[Any]] = [
        ["format", data_sheet.FORMAT_VERSION],
        ["forvaltning", identity.administration],
        ["omrade", identity.area],
        ["enhet", identity.unit],
        ["ar", identity.year],
        ["fil_uuid", identity.file_uuid],
        ["appversion", app_version],
        ["exporterad", exported_at],
        ["troskel_gron", data.thresholds.good],
        ["troskel_gul", data.thresholds.fair],
    ]
    meta += [[data_sheet.CHECKLIST_KEY, c.id, c.version, c.content_hash, c.title] for c in data.checklists]
    meta += [[data_sheet.ACTIVITY_KEY, number, a.activity, *a.question_ids]
             for number, a in enumerate(data.analysis.activities, start=1) if a.question_ids]
    meta += [[QUESTION_LIMIT_KEY, q.question_id, q.green_limit] for q in data.questions if q.green_limit is not None]
    questions_by_type: dict[str, list[Any]] = {}
    for q in data.questions:
        questions_by_type.setdefault(q.checklist_id, []).append(q)
    rows: list[list[Any]] = []
    for case in sorted(data.cases, key=lambda c: c.sequence):
        head = [case.sequence, case.case_type, case.gender.value, case.age_group, case.status.value,
                case.dropout_reason.value if case.dropout_reason else ""]
        if not case.counts:
            rows.append(head + ["", "", "", "", ""])
            continue
        for q in questions_by_type.get(case.case_type, []):
            answer = case.answers.get(q.question_id)
            rows.append(head + [q.section_id, q.section_title, q.question_id, q.text, answer.value if answer else ""])
    return meta, rows


def _data_sheet(sheet: Worksheet, report: UnitReport, exported_at: str, app_version: str) -> None:
    meta, rows = data_sheet_rows(report, exported_at, app_version)
    # The checksum is over the text as the sheet holds it, so a reader recomputes the same sum.
    meta = [[excel_text(v) if isinstance(v, str) else v for v in values] for values in meta]
    rows = [[excel_text(v) if isinstance(v, str) else v for v in values] for values in rows]
    meta.append([data_sheet.CHECKSUM_KEY, data_sheet.checksum(meta, rows)])
    put(sheet, 2, 1, data_sheet.TITLE).font = BOLD
    row = 3
    for values in meta:
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value)
        row += 1
    row += 1
    header_row(sheet, row, list(data_sheet.COLUMNS))
    for values in rows:
        row += 1
        for column, value in enumerate(values, start=1):
            if value != "":
                put(sheet, row, column, value)
    column_widths(sheet, [14, 18, 10, 12, 12, 16, 14, 28, 28, 60, 6])
    sheet.protection.sheet = True  # a nudge, not a lock: the checksum is what detects edits


# --- shared ---------------------------------------------------------------------------------------
def _text_height(text: str, characters_per_line: int) -> float:
    lines = sum(max(1, -(-len(line) // characters_per_line)) for line in (text or "").split("\n"))
    return min(MAX_ROW_HEIGHT, max(15.0, 15.0 * lines))


def _col(index: int) -> str:
    return str(get_column_letter(index))
