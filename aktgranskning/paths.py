"""Where things are: the user's folders (platformdirs) and resources, also inside the PyInstaller build."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platformdirs import PlatformDirs

APP_NAME = "Aktgranskning"


def bundle_root() -> Path:
    """The folder holding `checklists/` and `resources/`: the project root when run from source,
    the unpacked bundle when frozen by PyInstaller."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


# The organisation's own checklists, read besides the built-in ones (services/checklists.py).
ORGANISATION_CHECKLISTS_VARIABLE = "AKTGRANSKNING_CHECKLISTOR"
ORGANISATION_CHECKLISTS_FOLDER = "checklistor"


def checklists_dir() -> Path:
    """The built-in checklists, shipped with the program."""
    return bundle_root() / "checklists"


def organisation_checklists_override() -> Path | None:
    override = os.environ.get(ORGANISATION_CHECKLISTS_VARIABLE, "").strip()
    return Path(override) if override else None


def default_organisation_checklists_dir() -> Path:
    """Where installed checklists go unless the variable or a saved setting says otherwise.
    Not created here: a missing folder simply holds no checklists."""
    return user_data_path() / ORGANISATION_CHECKLISTS_FOLDER


def resources_dir() -> Path:
    return bundle_root() / "resources"


def _platform_dirs() -> PlatformDirs:
    from platformdirs import PlatformDirs

    return PlatformDirs(APP_NAME, appauthor=False)


def user_data_path() -> Path:
    """The user's data folder, without creating it."""
    override = os.environ.get("AKTGRANSKNING_DATAMAPP")
    return Path(override) if override else Path(_platform_dirs().user_data_dir)


def user_data_dir() -> Path:
    path = user_data_path()
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_config_path() -> Path:
    """The user's settings folder, without creating it."""
    override = os.environ.get("AKTGRANSKNING_DATAMAPP")
    return Path(override) / "inställningar" if override else Path(_platform_dirs().user_config_dir)


def user_config_dir() -> Path:
    path = user_config_path()
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_log_dir() -> Path:
    override = os.environ.get("AKTGRANSKNING_DATAMAPP")
    path = Path(override) / "logg" if override else Path(_platform_dirs().user_log_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path
