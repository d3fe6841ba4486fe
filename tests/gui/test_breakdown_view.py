"""The results page's tab "Kön och ålder": the enhet's results per kön and per åldersgrupp as the
file holds them, small cells hidden, the rule stated."""

from __future__ import annotations

from pathlib import Path

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.breakdown import SUPPRESSION_RULE
from aktgranskning.domain.case import Case, Gender
from aktgranskning.services.opening import NewFileInfo, create_review_file, open_for_filling
from tests.gui.conftest import opened_window
from tests.gui.waiting import wait_for_background

# 12 girls (six 0–5, six 13–17), all Ja on F1; 8 boys 6–12, 3 Ja and 5 Nej. Nothing else answered.
AKTER = [(Gender.FEMALE, "0–5 år" if n < 6 else "13–17 år", Answer.YES) for n in range(12)] + [
    (Gender.MALE, "6–12 år", Answer.YES if n < 3 else Answer.NO) for n in range(8)]


def enhet_file(folder: Path, checklists_by_id) -> Path:
    path = folder / "Mottagningen 2026.granskning"
    cases = [Case.drawn(n, f"T-{n}", "forhandsbedomning", gender, age, "HX1", False)
             for n, (gender, age, _answer) in enumerate(AKTER, start=1)]
    create_review_file(path, NewFileInfo("Förvaltningen", "Norr", "Mottagningen", 2026),
                       [checklists_by_id["forhandsbedomning"]], cases)
    session = open_for_filling(path, reviewer="test")
    try:
        by_sequence = {case.sequence: case.id for case in session.cases()}
        answers = {by_sequence[n]: {"fb.anmalare": answer} for n, (_g, _a, answer) in enumerate(AKTER, start=1)}
        session.apply_answers(answers, reviewer="AB", at="2026-10-05T10:00:00+02:00")
    finally:
        session.close()
    return path


def rows_of(table) -> dict[str, list[str]]:
    """The table's rows by their number ('F1'), a checklist's own row by its text."""
    rows = {}
    for r in range(table.rowCount()):
        if table.columnSpan(r, 0) == 1:
            cells = [table.item(r, c).text() for c in range(table.columnCount())]
            rows[cells[0] or cells[1]] = cells
    return rows


def headers_of(table) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def test_the_tab_shows_the_file_per_kon_and_age_with_small_cells_hidden(qtbot, tmp_path, checklists_by_id):
    main = opened_window(qtbot, enhet_file(tmp_path, checklists_by_id))
    try:
        main.show_results()
        wait_for_background(qtbot)
        page = main.results
        page.tabs.setCurrentWidget(page.breakdown)
        view = page.breakdown
        assert view.isVisible() and SUPPRESSION_RULE in view.rule.text()
        assert headers_of(view.by_gender) == ["Nr", "Fråga", "Alla", "Flickor/kvinnor", "Pojkar/män", "Annat kön",
                                              "Kön okänt"]
        by_gender = rows_of(view.by_gender)
        assert by_gender["F1"][2:] == ["75 % (15/20)", "100 % (12/12)", "38 % (3/8)", "<5", "<5"]
        assert by_gender["Alla frågor sammantaget"][2:] == ["75 % (15/20)", "100 % (12/12)", "38 % (3/8)", "<5", "<5"]
        assert by_gender["F2"][3:] == ["<5", "<5", "<5", "<5"]  # not answered: no Ja or Nej
        assert headers_of(view.by_age)[2:] == ["Alla", "0–5 år", "6–12 år", "13–17 år"]
        assert rows_of(view.by_age)["F1"][2:] == ["75 % (15/20)", "100 % (6/6)", "38 % (3/8)", "100 % (6/6)"]
        shown = [text for row in by_gender.values() for text in row]
        assert not any(text.startswith("T-") for text in shown), "no case number on screen"
    finally:
        main.close()
