"""Run in its own process by test_screen_fit.py, on an offscreen 1366×768 screen at one scale
factor (fixed when Qt starts): opens the window as a user does, visits every page and the
sampling dialog, and prints what it measured as JSON."""

from __future__ import annotations

import json
import os
import sys
import tempfile

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QScrollArea,
    QWidget,
)

from aktgranskning.gui.background import wait_until_idle


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def in_scroll_area(widget: QWidget, page: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not page:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def controls_off_screen(window: QWidget, page: QWidget) -> list[str]:
    """Visible buttons and choice boxes of the page that are not wholly inside the window. A
    control inside a scroll area is reachable by scrolling and is not counted."""
    inside = window.rect()
    off = []
    for control in page.findChildren(QWidget):
        if not isinstance(control, (QAbstractButton, QComboBox)) or not control.isVisible():
            continue
        if in_scroll_area(control, page):
            continue
        if not inside.contains(rect_in(control, window)):
            off.append(control.text() if isinstance(control, QAbstractButton) else control.accessibleName())
    return off


def write_case_list(folder: str) -> str:
    """A small export from a case system: two enheter, 70 cases."""
    export = os.path.join(folder, "export.csv")
    rows = ["Ärendenummer;Kön;Ålder;Handläggare;Enhet"] + [
        f"K-{i};{'K' if i % 2 else 'M'};{i % 17};S{i % 6};{'Norr' if i < 40 else 'Söder'}" for i in range(70)]
    with open(export, "w", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    return export


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["AKTGRANSKNING_DATAMAPP"] = folder
        from aktgranskning.gui.launch import build_main_window, create_application
        from aktgranskning.gui.sampling_dialog import SamplingDialog

        app = create_application()
        available = app.primaryScreen().availableGeometry()
        window = build_main_window()
        window.show()
        wait_until_idle()
        result: dict[str, object] = {
            "available": [available.x(), available.y(), available.width(), available.height()],
            "frame": list(window.frameGeometry().getRect()),
            "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
            "pages": {},
        }
        pages: dict[str, list[str]] = {}
        pages["startsida"] = controls_off_screen(window, window.start_page)
        window.open_demo()
        wait_until_idle()
        page = window.case_list
        pages["ärendelista"] = controls_off_screen(window, page)
        result["case_list"] = {
            "filter_visible": page.filter.isVisible() and window.rect().contains(rect_in(page.filter, window)),
            "open_visible": page.open_button.isVisible()
            and window.rect().contains(rect_in(page.open_button, window)),
            "status_cut": [page.table.columnWidth(c) < page.table.sizeHintForColumn(c)
                           for c in range(page.model.columnCount())],
            "rows_shown": page.table.viewport().height() // max(page.table.rowHeight(0), 1),
        }
        case = window.session.first_unfinished_case()
        window.open_case(case.id)
        wait_until_idle()
        pages["granskning"] = controls_off_screen(window, window.review)
        window.show_results()
        wait_until_idle()
        pages["resultat"] = controls_off_screen(window, window.results)
        window.show_analysis()
        wait_until_idle()
        pages["analys"] = controls_off_screen(window, window.analysis)
        result["pages"] = pages
        result["frame_after_pages"] = list(window.frameGeometry().getRect())
        dialog = SamplingDialog(window.workspace, window, window.settings)
        dialog.show()
        wait_until_idle()
        result["sampling_dialog"] = {
            "frame": list(dialog.frameGeometry().getRect()),
            "off": controls_off_screen(dialog, dialog),
        }
        dialog.source.setText(str(write_case_list(folder)))
        dialog.seed.setText("5")
        dialog.preview_button.click()  # the preview adds tables and a report: still on screen
        wait_until_idle()
        result["sampling_preview"] = {
            "frame": list(dialog.frameGeometry().getRect()),
            "off": controls_off_screen(dialog, dialog),
            "units": dialog.units.rowCount(),
        }
        dialog.close()
        again = SamplingDialog(window.workspace, window, window.settings)
        again.show()
        wait_until_idle()
        result["sampling_dialog_again"] = list(again.frameGeometry().getRect())
        again.close()
        window.showNormal()
        window.move(available.x(), available.y() + 20)
        window.resize(window.minimumSizeHint().width(), 400)  # a place that fits at every scale
        wait_until_idle()
        result["left_at"] = list(window.frameGeometry().getRect())
        window.close()
        wait_until_idle()
        reopened = build_main_window()
        reopened.show()
        wait_until_idle()
        result["reopened_at"] = list(reopened.frameGeometry().getRect())
        reopened.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
