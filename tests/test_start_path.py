"""Starting the window with a file imports only what the case list needs: the report, Excel, PDF,
summary-reading and migration code (and SQLAlchemy's ORM) stay unloaded until a page or a file
that needs them. Each start runs in a fresh Python process, as a user's start does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aktgranskning.services.checklists import installed_checklists
from aktgranskning.services.demo import DEMO_UNITS, demo_file_name
from tests.support.demo_cache import copy_demo

ROOT = Path(__file__).resolve().parent.parent
OFF_THE_START_PATH = ("reportlab", "openpyxl", "python_calamine", "alembic", "sqlalchemy.orm")

# Start as `aktgranskning FIL` does (app.start_window), wait until the case list's table has been
# painted, then report what is loaded. A timer quits after 20 s so a modal dialog cannot hang it.
_START_AND_REPORT = r"""
import json, sys

imported = []  # every module in the order it is first imported

class _Noting:
    def find_spec(self, name, path=None, target=None):
        imported.append(name)
        return None

sys.meta_path.insert(0, _Noting())
from aktgranskning.app import start_window

started = start_window([sys.argv[1]])
assert started is not None
from PySide6.QtCore import QEvent, QObject, QTimer

app, window = started
painted = []

class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not painted:
            painted.append(window.pages.currentWidget() is window.case_list)
            QTimer.singleShot(0, lambda: app.exit(0))  # quit() would close the window
        return False

probe = Painted()
window.case_list.table.viewport().installEventFilter(probe)
QTimer.singleShot(20_000, lambda: app.exit(0))
app.exec()
after_start = sorted(name for name in json.loads(sys.argv[2]) if name in sys.modules)
qt_first = next(i for i, name in enumerate(imported) if name.split(".")[0] == "PySide6")
qt_and_window = ("PySide6", "shiboken6", "shibokensupport", "signature_bootstrap", "__feature__", "encodings")
after_qt = sorted({name for name in imported[qt_first:] if name in sys.modules
                   and name.split(".")[0] not in qt_and_window and not name.startswith("aktgranskning.gui")})
window.show_results()
print(json.dumps({
    "case_list_painted": painted == [True],
    "rows": window.case_list.table.model().rowCount(),
    "loaded_at_start": after_start,
    "qt_free_after_qt": after_qt,
    "results_rows": window.results.table.rowCount(),
}))
window.close()
"""


def start_window_with(path: Path, data_folder: Path) -> dict:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", AKTGRANSKNING_DATAMAPP=str(data_folder))
    result = subprocess.run(
        [sys.executable, "-c", _START_AND_REPORT, str(path), json.dumps(OFF_THE_START_PATH)],
        cwd=ROOT, env=environment, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def twenty_cases(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("start")
    copy_demo(folder, installed_checklists(), year=2026)
    return folder / demo_file_name(DEMO_UNITS[0].unit, 2026)


def test_the_case_list_is_shown_without_report_excel_pdf_or_migration_code(twenty_cases, tmp_path):
    report = start_window_with(twenty_cases, tmp_path / "användardata")
    assert report["case_list_painted"] and report["rows"] == 25  # 20 akter and 5 reserves
    assert report["loaded_at_start"] == []
    # Once PySide6 is loaded its import hook reads the source of every module imported after it;
    # the Qt-free part of the start is imported before it (app._import_core_before_qt).
    assert report["qt_free_after_qt"] == []
    assert report["results_rows"] > 0  # the results page, made on first showing, still works


def test_a_file_that_needs_an_upgrade_is_upgraded_and_shown(tmp_path):
    """Only such a file brings the migrations (Alembic) into the start."""
    old = tmp_path / "gammal.granskning"
    shutil.copyfile(ROOT / "tests" / "data" / "schema_0001.granskning", old)
    for suffix in ("-wal", "-shm"):
        side = ROOT / "tests" / "data" / f"schema_0001.granskning{suffix}"
        if side.exists():
            shutil.copyfile(side, tmp_path / f"gammal.granskning{suffix}")
    report = start_window_with(old, tmp_path / "användardata")
    assert report["case_list_painted"] and report["rows"] > 0
    assert "alembic" in report["loaded_at_start"]
    assert list(tmp_path.glob("gammal.före-uppgradering-schema-0001*.granskning"))
