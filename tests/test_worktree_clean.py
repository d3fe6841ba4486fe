"""The check that fails a test run which leaves files in the working tree (tests/worktree_clean.py,
registered for every run by tests/conftest.py), tried on a scratch git checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.worktree_clean import worktree_entries

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git saknas")

CONFTEST = f"""
import sys
from pathlib import Path

sys.path.insert(0, {str(ROOT)!r})
from tests.worktree_clean import WorktreeCheck


def pytest_configure(config):
    config.pluginmanager.register(WorktreeCheck(Path(__file__).resolve().parent), "worktree-clean")
"""


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    folder = tmp_path / "utcheckning"
    folder.mkdir()
    subprocess.run(["git", "init", "-q", str(folder)], check=True, timeout=60)
    (folder / ".gitignore").write_text("/tmp*/\n*-wal\n__pycache__/\n", encoding="utf-8")
    (folder / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    return folder


def _run_pytest(folder: Path, test_body: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_something.py").write_text(
        f"from pathlib import Path\n\n\ndef test_something():\n    {test_body}\n", encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=folder, capture_output=True, text=True, timeout=120, env=environment)


def test_a_run_that_leaves_an_ignored_temp_folder_fails_and_names_it(checkout):
    result = _run_pytest(checkout, 'Path("tmpab12cd").mkdir(); Path("tmpab12cd", "x.granskning").touch()')
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 passed" in result.stdout and "!! tmpab12cd/" in result.stdout


def test_a_run_that_leaves_nothing_passes(checkout):
    result = _run_pytest(checkout, "assert True")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "arbetskopian" not in result.stdout


def test_new_untracked_and_changed_tracked_files_are_found_but_not_caches(checkout):
    before = worktree_entries(checkout)
    assert before is not None
    (checkout / "Enheten 2026.granskning-wal").touch()
    (checkout / "ny.txt").touch()
    (checkout / "conftest.py").write_text(CONFTEST + "\n", encoding="utf-8")  # untracked: same entry
    for cache in ("__pycache__", ".hypothesis", ".pytest_cache", "paket.egg-info"):
        (checkout / cache).mkdir()
        (checkout / cache / "x").touch()
    after = worktree_entries(checkout)
    assert after is not None
    assert sorted(after - before) == ["!! Enheten 2026.granskning-wal", "?? ny.txt"]


def test_outside_a_git_checkout_there_is_nothing_to_compare(tmp_path):
    assert worktree_entries(tmp_path / "finns-inte") is None
