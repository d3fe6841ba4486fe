"""A demo round written once per module, and the enhet report of one unit produced by the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from aktgranskning.services.checklists import installed_checklists
from tests.cli_runner import run_in_process
from tests.support.demo_cache import copy_demo

UNIT = "Mottagningen"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_in_process(*args)


@pytest.fixture(scope="package")
def demo_round(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rapport") / "demo"
    copy_demo(folder, installed_checklists(), year=2026)
    return folder


@pytest.fixture(scope="package")
def exported(demo_round: Path, tmp_path_factory) -> dict:
    """`aktgranskning rapport` on this year's file against last year's, plus `status --json`."""
    out = tmp_path_factory.mktemp("ut")
    source = out / f"{UNIT} 2026.granskning"
    shutil.copy(demo_round / f"{UNIT} 2026.granskning", source)
    workbook, pdf = out / f"{UNIT} 2026.xlsx", out / f"{UNIT} 2026.pdf"
    result = run_cli("rapport", str(source), "-o", str(workbook), "--pdf", str(pdf),
                     "--jamfor", str(demo_round / f"{UNIT} 2025.granskning"))
    assert result.returncode == 0, result.stderr
    status = run_cli("status", "--json", str(source))
    assert status.returncode == 0, status.stderr
    return {"source": source, "workbook": workbook, "pdf": pdf, "status": json.loads(status.stdout),
            "stdout": result.stdout}
