"""Waiting in tests for work the window does off the GUI thread (gui/background.py)."""

from __future__ import annotations

from aktgranskning.gui.background import running_operations


def wait_for_background(qtbot, timeout: int = 20_000) -> None:
    """Let the event loop run until every background operation has finished and been handled
    (a merge started after a duplicate choice included)."""
    qtbot.waitUntil(lambda: not running_operations(), timeout=timeout)
