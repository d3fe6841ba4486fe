"""`aktgranskning ARGS` run in the test's own process, through the same entry point as
`python -m aktgranskning`: what it printed and its exit code. Starting a Python process per
command would cost a third of a second each; tests that are about the process itself start one."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from pathlib import Path


def run_in_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    from aktgranskning.app import main

    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as leaving:  # argparse: --help, --version, usage errors
                code = leaving.code if isinstance(leaving.code, int) else 1
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(["aktgranskning", *args], code, out.getvalue(), err.getvalue())
