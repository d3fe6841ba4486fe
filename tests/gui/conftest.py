from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from aktgranskning.gui.launch import apply_style, build_main_window, install_swedish


def shown_window(qtbot):
    """The main window as a user starts it, shown on a 1366×768 screen, with nothing open."""
    app = QApplication.instance()
    install_swedish(app)
    apply_style(app)
    main = build_main_window()
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    return main


def opened_window(qtbot, path):
    """The main window as a user starts it, shown and active, with `path` open."""
    main = shown_window(qtbot)
    main.activateWindow()
    qtbot.waitUntil(lambda: main.isActiveWindow())
    assert main.open_file(path)
    return main


@pytest.fixture
def window(qtbot, review_file):
    main = opened_window(qtbot, review_file)
    yield main
    main.close()


def press(qtbot, *keys, modifier=None):
    """Type keys into whatever has the keyboard focus, as a user would."""
    from PySide6.QtCore import Qt

    for key in keys:
        target = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        qtbot.keyClick(target, key, modifier or Qt.KeyboardModifier.NoModifier)
