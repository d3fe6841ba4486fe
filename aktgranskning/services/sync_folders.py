"""Folders kept in sync by a cloud client (OneDrive/SharePoint, Dropbox, Google Drive, iCloud).

Such a client copies whole files between computers some time after they change; it has no idea
of SQLite's locks. That is safe here because every reviewer's program writes only its own file
(services/own_file.py) and reads everyone's; the user is told what that means.
"""

from __future__ import annotations

from pathlib import Path, PurePath

# Path components a sync client names its folder with (compared case-insensitively).
_FOLDER_NAMES = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "min enhet": "Google Drive",
    "icloud drive": "iCloud",
    "iclouddrive": "iCloud",
    "mobile documents": "iCloud",
    "com~apple~clouddocs": "iCloud",
}
_FOLDER_PREFIXES = {
    "onedrive - ": "OneDrive",  # "OneDrive - Kommunen" (work or school account)
    "onedrive-": "OneDrive",
    "dropbox (": "Dropbox",  # "Dropbox (Kommunen)"
    "googledrive-": "Google Drive",  # ~/Library/CloudStorage/GoogleDrive-namn@…
}
# Files a sync client leaves at the top of (or in) the folders it keeps.
_MARKER_FILES = {
    ".dropbox": "Dropbox",
    ".dropbox.cache": "Dropbox",
    ".tmp.drivedownload": "Google Drive",
    ".tmp.driveupload": "Google Drive",
}


def sync_service(path: PurePath, markers_in: list[Path] | None = None) -> str:
    """The name of the sync client that keeps the folder of `path`, or '' when none is seen."""
    for part in reversed(path.parts[:-1]):
        lowered = part.lower()
        if lowered in _FOLDER_NAMES:
            return _FOLDER_NAMES[lowered]
        for prefix, service in _FOLDER_PREFIXES.items():
            if lowered.startswith(prefix):
                return service
        if "sharepoint" in lowered:
            return "OneDrive/SharePoint"
    for folder in markers_in if markers_in is not None else _folders_up_from(Path(path)):
        found = _marker_in(folder)
        if found:
            return found
    return ""


def folder_warning(path: Path) -> str:
    """What the user should know about the folder the file is in, in Swedish; '' for a folder
    no sync client is seen in."""
    try:
        service = sync_service(Path(path).absolute())
    except OSError:
        return ""
    if not service:
        return ""
    return (
        f"Filen ligger i en mapp som synkroniseras av {service}. Det går bra att vara flera: varje "
        "granskare skriver bara i en egen fil i mappen, så ingen skriver över någon annan, och andras "
        f"svar syns här när {service} har hämtat deras filer till den här datorn. Kopior som {service} "
        "gör när två datorer ändrat samtidigt läses in och slås ihop."
    )


def _folders_up_from(path: Path) -> list[Path]:
    return list(path.parents)[:8]  # the sync root is near the file; do not walk a whole drive


def _marker_in(folder: Path) -> str:
    for name, service in _MARKER_FILES.items():
        if (folder / name).exists():
            return service
    desktop_ini = folder / "desktop.ini"
    try:
        if desktop_ini.is_file() and desktop_ini.stat().st_size < 64 * 1024:
            text = desktop_ini.read_bytes().decode("utf-16", errors="ignore") + desktop_ini.read_bytes().decode(
                "latin-1", errors="ignore")
            if "onedrive" in text.lower():
                return "OneDrive"
    except OSError:
        return ""
    return ""
