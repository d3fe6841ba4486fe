"""Composition root: the CLI for subcommands, the window for everything else."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from aktgranskning.cli import SUBCOMMANDS, run_cli


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
    try:
        from aktgranskning.gui.launch import run_gui
    except ImportError as error:  # Qt missing or broken: the commands still work
        from aktgranskning.logging_setup import log_unexpected

        log_path = log_unexpected(error, where="starta fönstret")
        logged = f" Detaljer finns i loggen: {log_path}" if log_path else ""
        print(f"Fel: fönstret kunde inte startas (Qt saknas eller är skadat: {type(error).__name__}). "
              f"Kommandona fungerar ändå, se aktgranskning --help.{logged}", file=sys.stderr)
        return 1
    return run_gui(arguments)


if __name__ == "__main__":
    sys.exit(main())
