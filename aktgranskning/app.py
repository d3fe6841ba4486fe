"""Composition root: the CLI for subcommands, the window for everything else."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from aktgranskning.cli import SUBCOMMANDS, run_cli


def wants_cli(argv: Sequence[str]) -> bool:
    return bool(argv) and (argv[0] in SUBCOMMANDS or argv[0] in ("-h", "--help", "--version"))


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if wants_cli(arguments):
        return run_cli(arguments)
    from aktgranskning.gui.launch import run_gui

    return run_gui(arguments)


if __name__ == "__main__":
    sys.exit(main())
