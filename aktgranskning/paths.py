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


def checklists_dir() -> Path:
    override = os.environ.get("AKTGRANSKNING_CHECKLISTOR")
    if override:
        return Path(override)
    return bundle_root() / "checklists"


def resources_dir() -> Path:
    return bundle_root() / "resources"


def _platform_dirs() -> PlatformDirs:
    from platformdirs import PlatformDirs

    return PlatformDirs(APP_NAME, appauthor=False)


def user_data_dir() -> Path:
    override = os.environ.get("AKTGRANSKNING_DATAMAPP")
    path = Path(override) if override else Path(_platform_dirs().user_data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_config_dir() -> Path:
    override = os.environ.get("AKTGRANSKNING_DATAMAPP")
    path = Path(override) / "inställningar" if override else Path(_platform_dirs().user_config_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_log_dir() -> Path:
    override = os.environ.get("AKTGRANSKNING_DATAMAPP")
    path = Path(override) / "logg" if override else Path(_platform_dirs().user_log_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path
