"""The results page and the summary window on a 1366×768 laptop at 100, 125 and 150 % scaling:
screenshots into docs/screens/ and the measurements as JSON (tests/gui/test_screen_fit.py).

    python scripts/screen_fit.py 1.5 [--spara]

Runs in a child process per scaling, because Qt reads QT_SCALE_FACTOR once at start; the
offscreen platform's screen is set to 1366×768 through its configfile option.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from aktgranskning.gui.background import wait_until_idle

SCREENS = Path(__file__).resolve().parent.parent / "docs" / "screens"
SCREEN = {"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                       "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}


def environment(scale: float, folder: Path) -> dict[str, str]:
    """The environment of a child process that sees a 1366×768 screen at `scale`."""
    config = folder / "skarm.json"
    config.write_text(json.dumps(SCREEN), encoding="utf-8")
    return {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": str(scale),
            "AKTGRANSKNING_DATAMAPP": str(folder)}


def measure(scale: float, save: bool) -> dict[str, object]:
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtWidgets import QStyle

    from aktgranskning.gui.launch import build_main_window, create_application
    from aktgranskning.gui.results_page import SHARE_COLUMN
    from aktgranskning.gui.summary_dialog import SummaryDialog

    app = create_application()
    available = app.primaryScreen().availableGeometry()
    window = build_main_window()
    window.setGeometry(available)  # as large as the screen allows, which is what a user gets maximised
    window.show()
    window.open_demo()
    window.show_results()
    wait_until_idle()
    table = window.results.table
    metrics = table.fontMetrics()
    question_width = table.columnWidth(1)
    # the text area of a cell, as QStyledItemDelegate lays it out: the focus frame margin + 1 each side
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    cut_rows = []
    for row in range(table.rowCount()):
        item = table.item(row, 1)
        if item is None or table.columnSpan(row, 0) > 1:
            continue
        needed = metrics.boundingRect(QRect(0, 0, question_width - 2 * margin, 10_000), Qt.TextFlag.TextWordWrap,
                                      item.text()).height()
        if needed > table.rowHeight(row):
            cut_rows.append(f"{item.text()} ({needed} > {table.rowHeight(row)} px, bredd {question_width})")
    tag = round(scale * 100)
    if save:
        SCREENS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SCREENS / f"resultat-{tag}.png"))

    dialog = SummaryDialog(window)
    dialog.add_paths(sorted(window.session.path.parent.glob(f"* {window.session.meta.year}.granskning")))
    dialog.show()
    dialog.run()
    wait_until_idle()
    frame = dialog.frameGeometry()
    hidden = [button.text() for button in (dialog.run_button, *dialog.save_buttons)
              if not dialog.rect().contains(button.mapTo(dialog, button.rect().bottomRight()))]
    if save:
        dialog.grab().save(str(SCREENS / f"sammanstallning-{tag}.png"))
    result = {
        "scale": scale,
        "available": [available.x(), available.y(), available.width(), available.height()],
        "dialog": [frame.x(), frame.y(), frame.width(), frame.height()],
        "dialog_inside": available.contains(frame),
        "buttons_outside_dialog": hidden,
        "question_column_characters": question_width // max(1, metrics.averageCharWidth()),
        "question_rows_cut": cut_rows,
        "share_column_visible": not table.isColumnHidden(SHARE_COLUMN),
        "window_inside": available.contains(window.frameGeometry()),
    }
    dialog.close()
    window.close()
    wait_until_idle()
    return result


def main(argv: list[str]) -> int:
    scale = float(argv[0]) if argv else 1.0
    save = "--spara" in argv
    if os.environ.get("QT_SCALE_FACTOR") != str(scale):
        import subprocess

        with tempfile.TemporaryDirectory() as folder:
            child = subprocess.run([sys.executable, __file__, *argv], env=environment(scale, Path(folder)))
            return child.returncode
    print(json.dumps(measure(scale, save), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
