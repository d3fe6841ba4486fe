"""User settings, each declared once with its type, default and description; stored as JSON."""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    description: str


REVIEWER_NAME = Setting("granskare", "", "Namn eller initialer som sparas med varje svar.")
RECENT_FILES = Setting("senaste_filer", [], "De senast öppnade granskningsfilerna.")
ALL_SETTINGS = (REVIEWER_NAME, RECENT_FILES)
MAX_RECENT = 8


class Settings:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._values = self._load()

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, setting: Setting) -> Any:
        value = self._values.get(setting.key, setting.default)
        return value if isinstance(value, type(setting.default)) else setting.default

    def set(self, setting: Setting, value: Any) -> None:
        self._values[setting.key] = value
        self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self._values, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(temporary, self.path)

    def reviewer(self) -> str:
        return self.get(REVIEWER_NAME).strip() or default_reviewer()

    def add_recent_file(self, path: Path) -> None:
        entry = str(path.resolve())
        recent = [p for p in self.get(RECENT_FILES) if p != entry]
        self.set(RECENT_FILES, [entry, *recent][:MAX_RECENT])

    def recent_files(self) -> list[Path]:
        return [Path(p) for p in self.get(RECENT_FILES) if isinstance(p, str)]


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name on some systems: never block the start
        return "okänd"
