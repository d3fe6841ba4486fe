"""The layer rules of ARCHITECTURE.md, checked by import-linter's contracts in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_hold():
    result = subprocess.run(
        [sys.executable, "-c",
         "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
         "--no-cache"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout


def test_domain_imports_no_qt_or_sqlalchemy_textually():
    for path in (ROOT / "aktgranskning" / "domain").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("PySide6", "sqlalchemy", "openpyxl"):
            assert f"import {forbidden}" not in text and f"from {forbidden}" not in text, path
