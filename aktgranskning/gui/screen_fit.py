"""Windows and dialogs open inside the screen's available area (a 1366×768 laptop at 150 % has
room for about 910×512 logical pixels) and come back where the user left them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# What a window manager adds around a window's contents (title bar and borders), so the whole
# frame fits, not only the inside. Windows 11 at 150 % adds about 31 + 8 pixels in logical units.
FRAME_ALLOWANCE = QSize(16, 40)
# A remembered place is used only if at least this much of it is on a screen available now.
MIN_VISIBLE = QSize(200, 120)


def available_area(widget: QWidget) -> QRect:
    """The available area of the screen the widget is on (without taskbar and docks)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def room_for_contents(area: QRect) -> QSize:
    return QSize(max(area.width() - FRAME_ALLOWANCE.width(), 1), max(area.height() - FRAME_ALLOWANCE.height(), 1))


def fit_to_available_screen(widget: QWidget, preferred: QSize, remembered: Sequence[int] | None = None) -> None:
    """Size and place a top-level window: where it was left if that is still on screen, otherwise
    `preferred` shrunk to the available area and centred. Never larger than the screen."""
    area = available_area(widget)
    room = room_for_contents(area)
    place = _remembered_rect(remembered)
    if place is not None and _visible_enough(place, area):
        size = place.size().boundedTo(room)
        top_left = place.topLeft()
    else:
        size = preferred.boundedTo(room)
        top_left = QPoint(area.x() + (area.width() - size.width() - FRAME_ALLOWANCE.width()) // 2,
                          area.y() + (area.height() - size.height() - FRAME_ALLOWANCE.height()) // 2)
    widget.resize(size)
    widget.move(_clamped(top_left, size, area))
    if remembered is not None and len(remembered) >= 5 and remembered[4]:
        widget.setWindowState(widget.windowState() | Qt.WindowState.WindowMaximized)


def remembered_place(widget: QWidget) -> list[int]:
    """What `fit_to_available_screen` needs to put the window back: x, y, width, height, maximized.
    A maximized window remembers its normal size, so un-maximizing later still fits."""
    maximized = widget.isMaximized()
    rect = widget.normalGeometry() if maximized and widget.normalGeometry().isValid() else widget.geometry()
    frame_offset = widget.geometry().topLeft() - widget.frameGeometry().topLeft()
    return [rect.x() - frame_offset.x(), rect.y() - frame_offset.y(), rect.width(), rect.height(), int(maximized)]


def frame_fits(widget: QWidget) -> bool:
    """True when the whole window, frame included, is inside the available screen area."""
    return available_area(widget).contains(widget.frameGeometry())


def _remembered_rect(remembered: Sequence[int] | None) -> QRect | None:
    if remembered is None or len(remembered) < 4 or not all(isinstance(v, int) for v in remembered[:4]):
        return None
    x, y, width, height = remembered[:4]
    if width <= 0 or height <= 0:
        return None
    return QRect(x, y, width, height)


def _visible_enough(place: QRect, area: QRect) -> bool:
    overlap = place.intersected(area)
    return overlap.width() >= MIN_VISIBLE.width() and overlap.height() >= MIN_VISIBLE.height()


def _clamped(top_left: QPoint, size: QSize, area: QRect) -> QPoint:
    """Move the frame's top-left so that the whole frame lies inside the area."""
    max_x = area.right() + 1 - size.width() - FRAME_ALLOWANCE.width()
    max_y = area.bottom() + 1 - size.height() - FRAME_ALLOWANCE.height()
    return QPoint(max(area.x(), min(top_left.x(), max_x)), max(area.y(), min(top_left.y(), max_y)))
