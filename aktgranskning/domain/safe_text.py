"""What each output format can hold, and the one rule that replaces what it cannot.

Users paste text from Word and e-mail into comments, analyses and activities: vertical tabs,
NUL, lone surrogates, emoji, very long texts. The granskningsfil keeps that text exactly as
typed; only an export replaces what its format cannot store, visibly (with "�"), and counts
what it replaced so the user can be told. Every writer (Excel, pdf, JSON) calls `safe_text`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

REPLACEMENT = "\ufffd"
EXCEL_CELL_LIMIT = 32767  # characters (UTF-16 code units) Excel keeps in one cell
_LINE_BREAKS = re.compile(r"\r\n?")
# XML 1.0's characters, which is what an xlsx can hold: tab, LF, CR and the rest without
# surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class OutputFormat:
    """A format's limits: which characters it can hold and how long one text may be."""

    name: str  # as the user reads it in a notice: "Excel", "pdf", "JSON"
    holds: Callable[[str], bool]  # per character
    fast_check: re.Pattern[str] | None = None  # matches any character the format cannot hold
    max_length: int | None = None  # in UTF-16 code units, as Excel counts
    warns_right_to_left: bool = False


def _xml_char(char: str) -> bool:
    return _NOT_XML.match(char) is None


def _encodable(char: str) -> bool:
    return _SURROGATE.match(char) is None


XLSX = OutputFormat("Excel", _xml_char, _NOT_XML, EXCEL_CELL_LIMIT)
JSON = OutputFormat("JSON", _encodable, _SURROGATE)


def pdf_format(has_glyph: Callable[[int], bool]) -> OutputFormat:
    """The pdf holds what the embedded font can draw; control characters other than tab and
    line break have no glyph and are replaced too."""

    def holds(char: str) -> bool:
        if char in "\t\n":
            return True
        if unicodedata.category(char) in ("Cc", "Cs", "Cn", "Co"):
            return False
        return has_glyph(ord(char))

    return OutputFormat("pdf", holds, warns_right_to_left=True)


@dataclass
class ReplacementLog:
    """What the writers replaced during one export, per format."""

    replaced: Counter[str] = field(default_factory=Counter)  # characters, by format name
    truncated: Counter[str] = field(default_factory=Counter)  # texts cut to the format's limit
    right_to_left: Counter[str] = field(default_factory=Counter)  # texts with RTL script

    def notices(self) -> list[str]:
        """Swedish sentences for the user, one per kind of replacement, none when nothing changed."""
        lines = []
        for name, count in sorted(self.replaced.items()):
            what = "pdf-typsnittet inte kan rita" if name == "pdf" else f"{name} inte kan lagra"
            lines.append(f"{count} tecken som {what} ersattes med {REPLACEMENT} i {name}-filen. "
                         "Originaltexten ändras inte.")
        for name, count in sorted(self.truncated.items()):
            lines.append(f"{_texts(count)} var längre än {name}s gräns på {EXCEL_CELL_LIMIT:,} tecken per cell "
                         "och kortades av (markerat i cellen).".replace(",", " "))
        for name, count in sorted(self.right_to_left.items()):
            lines.append(f"{_texts(count)} med höger-till-vänster-skrift (t.ex. arabiska) står i {name}-filen med "
                         "bokstäverna i skrivordning och utan sammanbindning; Excelfilen visar dem rätt.")
        return lines


def _texts(count: int) -> str:
    return "1 text" if count == 1 else f"{count} texter"


_current: ContextVar[ReplacementLog | None] = ContextVar("replacement_log", default=None)


@contextmanager
def recording() -> Iterator[ReplacementLog]:
    """Collect what every `safe_text` call inside the block replaced."""
    log = ReplacementLog()
    token = _current.set(log)
    try:
        yield log
    finally:
        _current.reset(token)


def safe_text(text: str, output: OutputFormat) -> str:
    """The text as `output` can hold it: line breaks as LF, every character the format cannot
    hold replaced with "�", cut with a visible marker at the format's length limit. Applying it
    twice changes nothing more, so a writer may call it on text that was already made safe."""
    log = _current.get()
    cleaned = _LINE_BREAKS.sub("\n", text) if "\r" in text else text
    if output.fast_check is not None:
        cleaned, count = output.fast_check.subn(REPLACEMENT, cleaned)
    elif cleaned.isascii() and cleaned.isprintable():
        count = 0
    else:
        kept = [char if output.holds(char) else REPLACEMENT for char in cleaned]
        count = sum(1 for char, new in zip(cleaned, kept, strict=True) if char != new)
        cleaned = "".join(kept)
    if count and log is not None:
        log.replaced[output.name] += count
    # Two UTF-16 units per character at most: a text of up to half the limit needs no counting.
    limit = output.max_length
    if limit is not None and len(cleaned) * 2 > limit and _utf16_length(cleaned) > limit:
        cleaned = _cut(cleaned, limit)
        if log is not None:
            log.truncated[output.name] += 1
    if output.warns_right_to_left and log is not None and _has_right_to_left(cleaned):
        log.right_to_left[output.name] += 1
    return cleaned


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def truncation_marker(missing: int) -> str:
    return f" … [avkortad i Excel: {missing} tecken till finns i granskningsfilen]"


def _cut(text: str, limit: int) -> str:
    # The marker names how many characters are left out; its own length depends on that number,
    # so reserve room for the longest marker possible.
    room = limit - len(truncation_marker(len(text)))
    kept: list[str] = []
    used = 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > room:
            break
        kept.append(char)
        used += width
    return "".join(kept) + truncation_marker(len(text) - len(kept))


def _has_right_to_left(text: str) -> bool:
    if text.isascii():
        return False
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)
