"""The application log: in the user's log folder, rotated, and never with case data.

Only technical events are logged (what failed and where in the code); messages that could carry
case numbers or answers are not passed to the log.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_NAME = "aktgranskning.log"
_configured = False


def configure_logging() -> Path:
    global _configured
    from aktgranskning.paths import user_log_dir

    path = user_log_dir() / LOG_NAME
    if not _configured:
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger("aktgranskning")
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        _configured = True
    return path


def log_unexpected(error: BaseException) -> Path:
    """Log an unexpected error by its type and stack only: the message text may quote data."""
    path = configure_logging()
    import traceback

    frames = traceback.format_tb(error.__traceback__)
    logging.getLogger("aktgranskning").error("Oväntat fel %s\n%s", type(error).__name__, "".join(frames))
    return path
