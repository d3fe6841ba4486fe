"""The text inside an xlsx (or any zip) as a reader sees it, for tests that search it for what must
or must not be there. openpyxl writes through lxml, which writes every character outside ASCII as
a character reference (`§` as `&#167;`, `å` as `&#229;`): a search of the raw bytes for Swedish
text would miss it, and a check that a name is *not* there would pass without looking."""

from __future__ import annotations

import html
import zipfile
from pathlib import Path


def zip_member_texts(path: Path) -> dict[str, str]:
    """Each member of the archive, decoded, with XML character and entity references resolved."""
    with zipfile.ZipFile(path) as archive:
        return {name: html.unescape(archive.read(name).decode("utf-8", "replace")) for name in archive.namelist()}


def zip_text(path: Path, suffix: str = "") -> str:
    """All members (those whose names end with `suffix`) as one text."""
    return "\n".join(text for name, text in zip_member_texts(path).items() if name.endswith(suffix))
