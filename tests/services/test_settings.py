"""Settings are written through the one atomic-write helper: whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aktgranskning import atomic_file
from aktgranskning.services.settings import RECENT_FILES, REVIEWER_NAME, Settings


def test_a_setting_survives_a_restart_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    path = tmp_path / "inställningar" / "installningar.json"
    Settings(path).set(REVIEWER_NAME, "Åsa Ö")
    assert Settings(path).reviewer() == "Åsa Ö"
    assert [p.name for p in path.parent.iterdir()] == ["installningar.json"]


def test_a_failed_write_leaves_the_earlier_settings_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "installningar.json"
    settings = Settings(path)
    settings.set(REVIEWER_NAME, "Första")

    def disk_full(source: Path, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_file, "_replace_patiently", disk_full)
    with pytest.raises(OSError):
        settings.set(RECENT_FILES, ["a.granskning"])
    assert json.loads(path.read_text(encoding="utf-8")) == {"granskare": "Första"}
    assert [p.name for p in tmp_path.iterdir()] == ["installningar.json"]
