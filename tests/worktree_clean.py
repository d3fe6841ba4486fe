"""A pytest plugin (registered by tests/conftest.py): the run fails if it leaves anything new in the
working tree. Tests and the programs they start write only under the system temp folder; a file or
folder left in the checkout — even one .gitignore hides, like a `tmpXXXX/` from a killed
TemporaryDirectory — is found by comparing `git status --ignored` before and after the run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

# What the tools write into the checkout on purpose and clean up themselves.
CACHES = frozenset({
    ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", ".import_linter_cache",
})


def worktree_entries(root: Path) -> set[str] | None:
    """Every untracked, ignored or changed path in the working tree as `git status` names it
    ('?? tmpab12/', '!! x.granskning-wal', ' M tests/data/x'), without the caches; None when
    `root` is no git checkout (an unpacked source archive) or git is missing."""
    try:
        result = subprocess.run(
            ["git", "status", "--porcelain=v1", "-z", "--ignored=traditional", "--untracked-files=normal"],
            cwd=root, capture_output=True, timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    fields = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    entries: set[str] = set()
    skip_next = False
    for field in fields:
        if skip_next or not field:  # a rename's second field is the old name
            skip_next = False
            continue
        status, path = field[:2], field[3:]
        skip_next = "R" in status or "C" in status
        if not _is_cache(path):
            entries.add(f"{status} {path}")
    return entries


def _is_cache(path: str) -> bool:
    parts = Path(path.rstrip("/")).parts
    return any(part in CACHES or part.endswith(".egg-info") for part in parts)


class WorktreeCheck:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.before: set[str] | None = None
        self.left: list[str] = []

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.before = worktree_entries(self.root)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.before is None:
            return
        after = worktree_entries(self.root)
        if after is None:
            return
        self.left = sorted(after - self.before)
        if self.left and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.left:
            return
        terminalreporter.section("arbetskopian är inte ren", red=True, bold=True)
        terminalreporter.line(f"Testkörningen lämnade {len(self.left)} nya sökvägar i {self.root} "
                              "(skriv under tmp_path eller systemets temporära mapp):", red=True)
        for entry in self.left:
            terminalreporter.line(f"  {entry}", red=True)
