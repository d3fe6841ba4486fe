"""A second window in the same process (the tests, `--demo` after a file) reuses the application's
Swedish texts and style: installing them again would re-polish and re-translate every widget."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTranslator
from PySide6.QtWidgets import QApplication, QPushButton

from aktgranskning.gui.launch import SWEDISH_TRANSLATOR, apply_style, install_swedish
from aktgranskning.paths import resources_dir


def test_swedish_texts_and_the_style_are_installed_once_per_application(qtbot):
    app = QApplication.instance()
    first = install_swedish(app)
    again = install_swedish(app)
    assert first and set(again) == set(first)
    assert set(app.findChildren(QTranslator, SWEDISH_TRANSLATOR)) == set(first)
    assert QApplication.translate("QPlatformTheme", "Cancel") == "Avbryt"

    apply_style(app)
    button = QPushButton("Spara")
    qtbot.addWidget(button)
    polished = []
    button.installEventFilter(watcher := _PolishWatcher(polished))
    apply_style(app)  # the same sheet: nothing is polished again
    assert app.styleSheet() == (resources_dir() / "style.qss").read_text(encoding="utf-8")
    assert polished == []
    button.removeEventFilter(watcher)


class _PolishWatcher(QObject):
    def __init__(self, seen: list[int]) -> None:
        super().__init__()
        self.seen = seen

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.Polish):
            self.seen.append(int(event.type()))
        return False
