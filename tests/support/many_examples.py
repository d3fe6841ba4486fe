"""The fuzz tests run a few examples in the default run and many in the slow run (CI's
`pytest -m slow`): a slow test reruns them in a pytest of its own with `AKTGRANSKNING_FUZZ` set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VARIABLE = "AKTGRANSKNING_FUZZ"


def examples(default: int) -> int:
    """The examples per fuzz test: `AKTGRANSKNING_FUZZ` when set, else `default`."""
    return int(os.environ.get(VARIABLE, str(default)))


def rerun_with_many_examples(test_file: str, selection: str, count: int) -> None:
    """Run the fuzz tests of `test_file` matching `-k selection` again with `count` examples each;
    fails with their output if any fails."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow", "-k", selection,
         test_file],
        cwd=ROOT, env={**os.environ, VARIABLE: str(count)}, capture_output=True, text=True, encoding="utf-8",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]  # 5: none selected
