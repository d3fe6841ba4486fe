"""The results page's tab "Kön och ålder": the enhet's results per kön and per åldersgrupp as the
file holds them, small cells hidden, the rule stated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aktgranskning.domain.breakdown import SUPPRESSION_RULE
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.demo import write_demo
from tests.enhet_db import enhet_db
from tests.gui.conftest import opened_window
from tests.gui.waiting import wait_for_background


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gui-uppdelning") / "demo"
    write_demo(folder, installed_checklists(), year=2026)
    return folder


def stored_by_gender(path: Path, question_id: str, gender: str) -> tuple[int, int]:
    """Ja and Nej to an unconditional question among the counted akter of one kön, by plain SQL."""
    with enhet_db(path) as connection:
        answers = [answer for (answer,) in connection.execute(
            "SELECT a.answer FROM cases c JOIN answers a ON a.case_id = c.id AND a.question_id = ? "
            "WHERE c.status != 'bortfall' AND (c.is_reserve = 0 OR c.replaces_case_id IS NOT NULL) AND c.gender = ?",
            (question_id, gender))]
    return answers.count("Ja"), answers.count("Nej")


def rows_of(table) -> dict[str, list[str]]:
    rows = {}
    for r in range(table.rowCount()):
        first = table.item(r, 0)
        if first is not None and table.columnSpan(r, 0) == 1:
            rows[first.text() or table.item(r, 1).text()] = [
                table.item(r, c).text() for c in range(table.columnCount())]
    return rows


def test_the_tab_shows_the_file_per_kon_and_age_with_small_cells_hidden(qtbot, demo, tmp_path):
    path = tmp_path / "Mottagningen 2026.granskning"
    shutil.copy(demo / path.name, path)
    main = opened_window(qtbot, path)
    try:
        main.show_results()
        wait_for_background(qtbot)
        page = main.results
        page.tabs.setCurrentWidget(page.breakdown)
        view = page.breakdown
        assert SUPPRESSION_RULE in view.rule.text()
        headers = [view.by_gender.horizontalHeaderItem(c).text() for c in range(view.by_gender.columnCount())]
        assert headers == ["Nr", "Fråga", "Alla", "Flickor/kvinnor", "Pojkar/män", "Annat kön", "Kön okänt"]
        gender_rows = rows_of(view.by_gender)
        for column, gender in ((3, "kvinna"), (4, "man")):
            yes, no = stored_by_gender(path, "fb.anmalare", gender)
            shown = gender_rows["F1"][column]
            if yes + no >= 5 and shown != "dold":
                assert shown.endswith(f"({yes}/{yes + no})"), (gender, shown)
            else:
                assert shown in ("<5", "dold")
        assert gender_rows["F1"][5:] == ["<5", "<5"]  # the demo has fewer than five akter of each
        age_headers = [view.by_age.horizontalHeaderItem(c).text() for c in range(view.by_age.columnCount())][3:]
        assert age_headers and all(h.endswith("år") for h in age_headers)
        cells = [text for row in rows_of(view.by_age).values() for text in row[3:]]
        assert all(text in ("<5", "dold", "–") or "(" in text for text in cells)
        assert not any("TEST-" in text or "-20" in text for row in gender_rows.values() for text in row)
    finally:
        main.close()
