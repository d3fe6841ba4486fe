"""Legal references are written the Swedish way, "11 kap. 2 §", everywhere the program writes them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from aktgranskning.paths import checklists_dir
from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.demo import write_demo

WITHOUT_DOT = re.compile(r"\bkap\s*\d")  # "11 kap 2 §", "kap2"; "11 kap. 2 §" is right
PACKAGE = Path(__file__).resolve().parents[1] / "aktgranskning"


def test_checklists_write_kap_with_a_dot():
    files = sorted(checklists_dir().glob("*.toml"))
    assert files
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not WITHOUT_DOT.search(line), f"{path.name}, rad {number}: {line}"
    texts = [t for c in installed_checklists() for q in c.questions() for t in (q.text, q.legal_basis, q.help_text)]
    assert any("11 kap. 2 §" in text for text in texts)  # the references are there, with the dot


def test_the_programs_own_texts_write_kap_with_a_dot():
    for path in PACKAGE.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not WITHOUT_DOT.search(line), f"{path.relative_to(PACKAGE.parent)}, rad {number}"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aktgranskning", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=180)


@pytest.mark.slow
def test_the_workbook_and_pdf_write_kap_with_a_dot(tmp_path):
    folder = tmp_path / "demo"
    write_demo(folder, installed_checklists(), year=2026)
    source = next(p for p in sorted(folder.glob("* 2026.granskning")))
    workbook, pdf = tmp_path / "enhet.xlsx", tmp_path / "enhet.pdf"
    result = _run("rapport", str(source), "-o", str(workbook), "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(workbook) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
    assert "11 kap. 2 §" in xml and not WITHOUT_DOT.search(xml)
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils saknas (apt-get install poppler-utils)")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "kap." in text and not WITHOUT_DOT.search(text)
