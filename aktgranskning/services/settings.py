"""User settings, each declared once with its type, default and description; stored as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aktgranskning.atomic_file import replace_durably


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    description: str


REVIEWER_NAME = Setting(
    "granskare", "", "Namn eller initialer som sparas med varje svar och med analysens texter. "
    "Datorns inloggningsnamn används aldrig i stället."
)
RECENT_FILES = Setting("senaste_filer", [], "De senast öppnade granskningsfilerna.")
PRINT_FILLER = Setting(
    "skriv_ut_ifylld_av", False, "Skriv namnet på den som fyllde i analysen i enhetsrapportens Excelfil och pdf."
)
WINDOW_PLACES = Setting(
    "fonsterlagen", {}, "Var fönstren och dialogerna stängdes: x, y, bredd, höjd, maximerat (per fönster)."
)
CHECKLIST_FOLDER = Setting(
    "checklistmapp", "", "Mappen med organisationens egna checklistor (tom: standardmappen under "
    "användarens datamapp). Miljövariabeln AKTGRANSKNING_CHECKLISTOR går före."
)
SERVER_URL = Setting(
    "serveradress", "", "Den senaste servern som Arkiv → Anslut till server… anslöt till, som "
    "postgresql://användare@värd:port/databas. Aldrig lösenordet: det finns i datorns nyckelring eller frågas efter."
)
ALL_SETTINGS = (REVIEWER_NAME, RECENT_FILES, PRINT_FILLER, WINDOW_PLACES, CHECKLIST_FOLDER, SERVER_URL)
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
        replace_durably(self.path, json.dumps(self._values, ensure_ascii=False, indent=2).encode("utf-8"))

    def reviewer(self) -> str:
        """The name the user set; empty until they set one (never the operating-system login)."""
        return str(self.get(REVIEWER_NAME)).strip()

    def print_filler(self) -> bool:
        return bool(self.get(PRINT_FILLER))

    def window_place(self, name: str) -> list[int] | None:
        place = self.get(WINDOW_PLACES).get(name)
        if isinstance(place, list) and len(place) >= 4 and all(type(v) is int for v in place):
            return place
        return None

    def set_window_place(self, name: str, place: list[int]) -> None:
        places = dict(self.get(WINDOW_PLACES))
        places[name] = [int(v) for v in place]
        self.set(WINDOW_PLACES, places)

    def add_recent_file(self, path: Path) -> None:
        entry = str(path.resolve())
        recent = [p for p in self.get(RECENT_FILES) if p != entry]
        self.set(RECENT_FILES, [entry, *recent][:MAX_RECENT])

    def recent_files(self) -> list[Path]:
        return [Path(p) for p in self.get(RECENT_FILES) if isinstance(p, str)]

