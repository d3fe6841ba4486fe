"""Composition root: the CLI for subcommands, the window for everything else."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from aktgranskning.cli import SUBCOMMANDS, run_cli

if TYPE_CHECKING:  # only for the types: the commands never load Qt
    from PySide6.QtWidgets import QApplication

    from aktgranskning.gui.main_window import MainWindow


def wants_cli(argv: Sequence[str]) -> bool:
    """Subcommands and --help/--version go to the CLI. A first word that is neither a file nor
    looks like one is a mistyped command: the CLI says so instead of opening a window."""
    if not argv:
        return False
    first = argv[0]
    if first in SUBCOMMANDS or first in ("-h", "--help", "--version"):
        return True
    return not first.startswith("-") and not _looks_like_a_path(first)


def _looks_like_a_path(text: str) -> bool:
    return Path(text).exists() or "." in text or "/" in text or "\\" in text


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _start(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:  # Ctrl+C while starting; commands handle their own
        try:
            print("Avbrutet.", file=sys.stderr)
        except OSError:
            pass
        return 130


def _start(arguments: list[str]) -> int:
    if wants_cli(arguments):
        return run_cli(arguments)
    started = start_window(arguments)
    if started is None:
        return 1
    app, _window = started  # the window must stay referenced while the loop runs
    return app.exec()


def start_window(arguments: Sequence[str]) -> tuple[QApplication, MainWindow] | None:
    """The window's start path up to its first page (the case list when a file is given):
    (application, window) ready for `exec()`, or None when it could not start (already said).
    `benchmarks/startup.py` times exactly this."""
    with _collection_paused():
        _import_core_before_qt()
        try:
            from aktgranskning.gui.launch import launch_window
        except ImportError as error:  # Qt missing or broken: the commands still work
            from aktgranskning.logging_setup import log_unexpected

            log_path = log_unexpected(error, where="starta fönstret")
            logged = f" Detaljer finns i loggen: {log_path}" if log_path else ""
            print(f"Fel: fönstret kunde inte startas (Qt saknas eller är skadat: {type(error).__name__}). "
                  f"Kommandona fungerar ändå, se aktgranskning --help.{logged}", file=sys.stderr)
            return None
        return launch_window(arguments)


def _import_core_before_qt() -> None:
    """The Qt-free part of the start path (the services, storage and SQLAlchemy), imported before
    PySide6: once PySide6 is loaded, its import hook reads the source of every module imported
    after it to look for `from __feature__` (shibokensupport.feature._mod_uses_pyside), some
    300 files on this path that never use Qt. Besides the services the window imports, that is
    what opening a file imports on first use: SQLAlchemy's SQLite dialect (loaded by the first
    `create_engine`) and the enhet folder's reader (imported inside functions of `opening`)."""
    import sqlalchemy.dialects.sqlite  # noqa: F401

    import aktgranskning.domain.labels
    import aktgranskning.services.enhet_folder
    import aktgranskning.services.enhet_link
    import aktgranskning.services.settings
    import aktgranskning.services.workspace  # noqa: F401


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's cycle collector would walk the ~100 000 objects that importing Qt, SQLAlchemy and
    the program creates several times over while the window starts, and once more on the first
    paint after it (together some 50 ms here). Those objects (modules, classes, the window)
    live as long as the program, so collection is off while starting and they are then frozen
    (`gc.freeze`): later collections skip them instead of rescanning them all."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


if __name__ == "__main__":
    sys.exit(main())
