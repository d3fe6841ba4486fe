"""Every file the product writes for others to read — enhet workbooks and PDFs, summaries in
xlsx, PDF and JSON, imported matrices — is searched for the source's case numbers, caseworker
codes and anything shaped like a personnummer. The granskningsfil keeps case numbers by design
(the enhet needs them to find its cases), and so does the sample workbook the utvecklare hands
to the enhet; neither holds a personnummer (tests/test_case_list_import.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.workbook_text import zip_text

pytestmark = pytest.mark.slow  # long: runs in CI after the default suite (pytest -m slow)

PERSONNUMMER = re.compile(r"(?<![\w-])(\d{6}|\d{8})[-+]?\d{4}(?![\w-])")
UNITS = ("Mottagningen", "Utredning barn", "Utredning ungdom")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "aktgranskning", *args], capture_output=True, text=True,
                            encoding="utf-8", timeout=180)
    assert result.returncode == 0, result.stderr
    return result


def readable_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        return zip_text(path)
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return path.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils saknas (apt-get install poppler-utils)")
def test_no_output_holds_a_case_number_caseworker_code_or_personnummer(tmp_path):
    demo = tmp_path / "demo"
    run("demo", str(demo), "--ar", "2026")
    secrets: set[str] = set()
    out = tmp_path / "ut"
    out.mkdir()
    for unit in UNITS:
        for year in (2025, 2026):
            source = demo / f"{unit} {year}.granskning"
            status = json.loads(run("status", "--json", str(source)).stdout)
            secrets |= {case["arendenummer"] for case in status["arenden"]}
            secrets |= {case["handlaggare"] for case in status["arenden"]}
            folder = out / str(year)
            folder.mkdir(exist_ok=True)
            run("rapport", str(source), "-o", str(folder / f"{unit} {year}.xlsx"), "--pdf",
                str(folder / f"{unit} {year}.pdf"))
    run("sammanstall", str(out / "2026"), "-o", str(out / "summa.xlsx"), "--pdf", str(out / "summa.pdf"),
        "--json", str(out / "summa.json"), "--jamfor", str(out / "2025"))
    this_year = [str(demo / f"{unit} 2026.granskning") for unit in UNITS]
    run("sammanstall", *this_year, "--json", str(out / "fran-granskningsfiler.json"))  # straight from the files
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(written) == 16 and len(secrets) > 100
    for path in written:
        text = readable_text(path)
        assert len(text) > 1000 and ("Ja" in text or "\"ja\"" in text)  # the text was really extracted
        leaked = sorted(secret for secret in secrets if secret in text)
        assert not leaked, f"{path.name}: {leaked[:5]}"
        assert not PERSONNUMMER.search(text), f"{path.name}: {PERSONNUMMER.search(text).group(0)}"
    logs = Path(os.environ["AKTGRANSKNING_DATAMAPP"])  # the user folders these commands used
    for log in logs.rglob("*.log*"):
        text = log.read_text(encoding="utf-8", errors="replace")
        assert not [secret for secret in secrets if secret in text], log
