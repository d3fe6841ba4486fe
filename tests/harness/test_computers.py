"""Each simulated computer's program processes find their own settings, data, log and temporary
folders and the reviewer's name; a process that hangs is stopped at its timeout."""

from __future__ import annotations

import pytest

from tests.support.computers import make_computers, run_cli, run_python, start_python, synced_folders_of

pytestmark = pytest.mark.slow  # the harness's own checks with real processes: run with the slow suite

WHERE_AM_I = """
import json, tempfile
from aktgranskning import paths
from aktgranskning.services.settings import Settings
settings = Settings(paths.user_config_dir() / "installningar.json")
print(json.dumps({"data": str(paths.user_data_dir()), "settings": str(paths.user_config_dir()),
                  "log": str(paths.user_log_dir()), "tmp": tempfile.gettempdir(), "reviewer": settings.reviewer()}))
"""


def test_every_computer_has_folders_of_its_own_and_its_reviewer_s_name(tmp_path):
    computers = make_computers(tmp_path / "datorer", ["Anna", "Örjan"], shared_folder=tmp_path / "delad")
    assert [c.name for c in computers] == ["DATOR-ANNA", "DATOR-ORJAN"]
    seen = []
    for computer in computers:
        result = run_python(computer, WHERE_AM_I, timeout=60)
        assert result.ok, result.describe()
        where = result.json()
        assert where == {"data": str(computer.data_dir), "settings": str(computer.settings_dir),
                         "log": str(computer.log_dir), "tmp": str(computer.temp_dir), "reviewer": computer.reviewer}
        seen.append(where)
    assert seen[0]["data"] != seen[1]["data"] and seen[0]["settings"] != seen[1]["settings"]
    assert all(c.work_folder == tmp_path / "delad" for c in computers)


def test_without_a_shared_folder_each_computer_gets_a_work_folder_of_its_own(tmp_path):
    anna, bertil = make_computers(tmp_path, ["Anna", "Bertil"])
    assert anna.work_folder != bertil.work_folder and anna.work_folder.is_dir()
    assert [(f.name, f.user, f.folder) for f in synced_folders_of([anna, bertil])] == \
        [("DATOR-ANNA", "Anna", anna.work_folder), ("DATOR-BERTIL", "Bertil", bertil.work_folder)]


def test_the_program_runs_as_one_computer_and_a_hanging_process_is_stopped(tmp_path):
    [anna] = make_computers(tmp_path, ["Anna"])
    version = run_cli(anna, "--version", timeout=60)
    assert version.ok and version.stdout.strip(), version.describe()
    hanging = start_python(anna, "import time; print('startad', flush=True); time.sleep(60)")
    result = hanging.finish(timeout=1.0)
    assert result.timed_out and result.returncode is None and "startad" in result.stdout
