"""Folders kept in sync by a cloud client (OneDrive/SharePoint, Dropbox, Google Drive, iCloud).

Such a client copies the whole file between computers some time after it changes; it has no idea
of SQLite's locks. The file itself is whole at every moment (rollback journal), so a synced copy
is never half a file, but two people writing their own copies at once make two versions of which
the client keeps one. The user is told what is safe.
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
        f"Filen ligger i en mapp som synkroniseras av {service}. Det är säkert så länge en person i "
        "taget skriver i filen: stäng den innan någon annan öppnar den, och vänta tills "
        f"{service} visat att synkroniseringen är klar innan filen öppnas på en annan dator. "
        "Svarar två personer i var sin kopia samtidigt behåller tjänsten bara den ena."
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
