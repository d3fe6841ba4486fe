"""One rule colours a share (issue 12, point 5): the results view, the pdf chart and the Excel
chart give every question the same colour; 0 % is a red bar with its counts, and a question
without Ja/Nej is visibly something else."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.thresholds import Level, bar_colour, bar_fraction
from aktgranskning.excel.unit_workbook import chart_label
from aktgranskning.gui.results_page import SHARE_COLUMN, ResultsPage
from aktgranskning.gui.share_bar import COLOUR_ROLE, SHARE_ROLE
from aktgranskning.paths import resources_dir
from aktgranskning.pdf.fonts import register_fonts
from aktgranskning.pdf.unit_report import bar_label, results_chart
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.opening import open_review_file
from aktgranskning.services.report import export_unit_report, unit_report
from tests.support.demo_cache import copy_demo

CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    folder = tmp_path_factory.mktemp("farger")
    copy_demo(folder / "demo", installed_checklists(), year=2026)
    path = folder / "Mottagningen 2026.granskning"
    shutil.copy(folder / "demo" / "Mottagningen 2026.granskning", path)
    opened = open_review_file(path, reviewer="test")
    checklist = opened.checklists["forhandsbedomning"]
    free = [q for q in checklist.questions() if q.condition is None and Answer.NOT_APPLICABLE in q.allowed]
    zero, none = free[0], free[1]
    for case in opened.cases():
        if case.counts_in_results and case.case_type == "forhandsbedomning":
            opened.set_answer(case.id, zero.id, Answer.NO)
            opened.set_answer(case.id, none.id, Answer.NOT_APPLICABLE)
    opened.zero_id, opened.none_id = zero.id, none.id  # type: ignore[attr-defined]
    yield opened
    opened.close()


def view_colours(qtbot, session) -> dict[str, tuple[str, float | None, str]]:
    page = ResultsPage()
    qtbot.addWidget(page)
    page.show_session(session)
    found = {}
    for row in range(page.table.rowCount()):
        number = page.table.item(row, 0)
        if number and number.text()[:1] in "FU" and number.text()[1:].isdigit():
            share = page.table.item(row, SHARE_COLUMN)
            found[number.text()] = (share.data(COLOUR_ROLE), share.data(SHARE_ROLE), share.text())
    return found


def pdf_colours(report) -> dict[str, tuple[str, float, str]]:
    register_fonts(resources_dir() / "fonts")
    found = {}
    for block in report.blocks:
        drawing = results_chart(block)
        chart = drawing.contents[0]
        names = chart.categoryAxis.categoryNames
        for index, number in enumerate(names):
            colour = chart.bars[(0, index)].fillColor.hexval().replace("0x", "#").upper()
            # the text reportlab draws beside the bar (its own formatter, as at rendering)
            found[number] = (colour, chart.data[0][index], chart._getLabelText(0, index))
    return found


def xlsx_colours(path: Path, report) -> dict[str, str]:
    """Per question number the colour of its bar, read from the chart XML."""
    found = {}
    with zipfile.ZipFile(path) as archive:
        charts = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        for name, block in zip(charts, report.blocks, strict=True):
            root = ElementTree.fromstring(archive.read(name))
            for point in root.iter(f"{{{CHART}}}dPt"):
                index = int(point.find(f"{{{CHART}}}idx").get("val"))
                fill = point.find(f"{{{CHART}}}spPr/{{{DRAWING}}}solidFill/{{{DRAWING}}}srgbClr")
                found[block.rows[index].number] = "#" + fill.get("val")
    return found


def test_every_question_has_the_same_colour_in_view_pdf_and_excel(qtbot, session, tmp_path):
    report = unit_report(session)
    expected = {row.number: bar_colour(row.level) for row in report.rows}
    view = view_colours(qtbot, session)
    pdf = pdf_colours(report)
    target = export_unit_report(report, tmp_path / "f.xlsx", None)[0]
    excel = xlsx_colours(target, report)
    assert len(expected) == 14 + 25  # förhandsbedömning and utredning
    assert {n: c for n, (c, _, _) in view.items()} == expected
    assert {n: c for n, (c, _, _) in pdf.items()} == expected
    assert excel == expected
    levels = {row.level for row in report.rows}
    assert {Level.POOR, Level.NONE} <= levels and len(set(expected.values())) >= 3


def test_zero_percent_is_a_visible_red_bar_with_its_counts(qtbot, session, tmp_path):
    report = unit_report(session)
    row = next(r for r in report.rows if r.question.question_id == session.zero_id)
    assert row.tally.share == 0 and row.level is Level.POOR
    view = view_colours(qtbot, session)[row.number]
    assert view[0] == bar_colour(Level.POOR) and view[1] == 0.0 and view[2].startswith(f"0 av {row.tally.assessed}")
    colour, length, label = pdf_colours(report)[row.number]
    assert colour == bar_colour(Level.POOR) and length > 0 and label == f"0 av {row.tally.assessed} (0 %)"
    assert chart_label(row) == f"{row.number} 0 av {row.tally.assessed} (0 %)"
    assert bar_fraction(0.0) > 0


def test_no_ja_nej_is_no_bar_and_says_so(qtbot, session):
    report = unit_report(session)
    row = next(r for r in report.rows if r.question.question_id == session.none_id)
    assert row.tally.share is None and row.level is Level.NONE
    _colour, length, label = pdf_colours(report)[row.number]
    assert length == 0 and label == "– inga Ja/Nej"
    assert bar_label(row) == "– inga Ja/Nej" and chart_label(row).endswith("– inga Ja/Nej")
    view = view_colours(qtbot, session)[row.number]
    assert view[1] is None and view[0] == bar_colour(Level.NONE) != bar_colour(Level.POOR)
