"""A name from someone else's data (an enhet in a case list, a reviewer, a computer) as part of a
file name: never a folder, a device or a name Windows refuses."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
# Windows opens a device, not a file, for these names with any extension.
_DEVICES = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}


def file_name_part(text: str, fallback: str, limit: int = 40) -> str:
    """`text` with path separators, control characters and the characters Windows does not
    allow in a file name made spaces, spaces collapsed, dots and spaces trimmed from the ends
    (so never `..`), at most `limit` characters; `fallback` when nothing is left or it names a
    device."""
    cleaned = " ".join(_UNSAFE.sub(" ", text).split()).strip(" .")
    cleaned = cleaned[:limit].strip(" .")
    if not cleaned or cleaned.split(".")[0].strip().casefold() in _DEVICES:
        return fallback
    return cleaned
