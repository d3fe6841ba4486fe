"""The application log: in the user's log folder, rotated, and never with case data.

Only technical events are logged (what failed and where in the code); messages that could carry
case numbers or answers are not passed to the log.
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path

LOG_NAME = "aktgranskning.log"
_handler: logging.handlers.RotatingFileHandler | None = None
_MAX_CHAINED = 5


def configure_logging() -> Path:
    """Log to the user's log folder; if that folder has changed (AKTGRANSKNING_DATAMAPP), follow it."""
    global _handler
    from aktgranskning.paths import user_log_dir

    path = user_log_dir() / LOG_NAME
    if _handler is None or Path(_handler.baseFilename) != path.absolute():
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger("aktgranskning")
        if _handler is not None:
            root.removeHandler(_handler)
            _handler.close()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        _handler = handler
    return path


def log_unexpected(error: BaseException, where: str = "") -> Path | None:
    """Log an unexpected error by its type and stack only: the message text may quote case data.
    `where` is the program's own description of the step (fixed text, never data). Returns the
    log file, or None when the log cannot be written either (the caller still tells the user)."""
    try:
        path = configure_logging()
        logging.getLogger("aktgranskning").error(
            "Oväntat fel %s%s\n%s", type(error).__name__, f" ({where})" if where else "", _stacks(error)
        )
        return path
    except Exception:  # a log that cannot be written must not hide the error it was to record
        return None


def _stacks(error: BaseException) -> str:
    """The stack of the error and of the errors it came from: types and code lines, no messages."""
    parts: list[str] = []
    current: BaseException | None = error
    for _depth in range(_MAX_CHAINED):
        if current is None:
            break
        if parts:
            parts.append(f"som orsakades av {type(current).__name__}:\n")
        parts.append("".join(traceback.format_tb(current.__traceback__)))
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "".join(parts)
