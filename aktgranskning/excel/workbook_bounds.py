"""What a workbook from someone else could make python-calamine allocate, checked before calamine
opens it.

calamine (Rust) reads a sheet into a dense grid as tall and wide as the cells' outermost
positions: one cell at XFD1048576 in a 39 kB file asks for 512 GB and aborts the whole process,
which no Python code can catch; a cell at CV1000000 takes 4 GB. Every cell that refers to a
shared string gets its own copy of it, so one 100 MB string used by 30 cells takes 6 GB. So
before a sheet is read, its extent and what its shared strings can grow to are bounded here.

The check reads the sheet's XML as calamine finds it (xl/workbook.xml and its relationships)
and looks for what a workbook of this program, or one edited in Excel, never has: a column
beyond Z, a row beyond 99 999, or a cell without its address. Only a sheet with one of those is
measured exactly (every address), and refused when its grid would pass MAX_GRID_CELLS."""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from aktgranskning.domain.errors import FileProblem

MAX_GRID_CELLS = 4_000_000  # calamine keeps some 32 bytes a cell: at most ~128 MB for one sheet
MAX_SHARED_TEXT_BYTES = 256 * 1024 * 1024  # what the cells' copies of shared strings may add up to
MAX_PART_BYTES = 4 * 1024 * 1024  # workbook.xml and its relationships: a few kB in any real workbook

# An address with two or more column letters, or a row of six digits or more; a cell element
# whose first attribute is not its address, or that has none. Not found in an ordinary sheet.
# Two searches: as one alternation neither could start from its literal prefix (ten times slower).
_FAR_ADDRESS = re.compile(rb' r="(?:[A-Z]{2}|[A-Z][0-9]{6})')
_CELL_WITHOUT_ADDRESS = re.compile(rb'<c(?: (?!r=")|>|/>)')
_CELL = re.compile(rb'<c\b([^>]*)>|<c\b([^>]*)/>')
_ADDRESS = re.compile(rb'\br="([A-Z]{1,4})([0-9]{1,8})"')
_ROW = re.compile(rb'<row\b[^>]*?\br="([0-9]{1,8})"')
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*>')
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')
_RELATIONSHIP = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*>')
_SHARED_TEXT = re.compile(rb'<(?:\w+:)?t\b[^>]*>([^<]*)<')
_SHARED_CELL = re.compile(rb't="s"')


def ensure_bounded(path: Path, archive: zipfile.ZipFile, names: Iterable[str]) -> None:
    """Raise FileProblem unless each named sheet (those that exist) can be read without an
    unbounded grid or unbounded copies of shared strings."""
    wanted = list(names)
    if not wanted:
        return
    parts = _sheet_parts(archive)
    shared = _longest_shared_text(archive)
    for name in wanted:
        member = parts.get(name)
        # a sheet calamine found where this reading did not: every XML part, to be safe
        for candidate in [member] if member is not None else _every_xml_part(archive):
            _check_sheet(path, name, unpacked(archive, archive.getinfo(candidate)), shared)


def _check_sheet(path: Path, name: str, xml: bytes, longest_shared: int) -> None:
    if longest_shared and _SHARED_CELL.search(xml):
        copies = len(_SHARED_CELL.findall(xml)) * longest_shared
        if copies > MAX_SHARED_TEXT_BYTES:
            raise FileProblem(path, f"bladet har celler som tillsammans skulle bli {copies // (1024 * 1024)} MB text "
                                    "när de läses; en enhetsrapport är långt mindre. Filen läses inte.", f"blad {name}")
    if _FAR_ADDRESS.search(xml) is None and _CELL_WITHOUT_ADDRESS.search(xml) is None:
        return  # every cell has an address within A1:Z99999
    rows, columns = _extent(xml)
    if rows * columns > MAX_GRID_CELLS:
        raise FileProblem(path, f"bladet sträcker sig över {rows} rader och {columns} kolumner, långt mer än en "
                                "enhetsrapport; det kan inte läsas utan att programmet tar slut på minne. "
                                "Filen läses inte.", f"blad {name}")


def _extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) of the grid calamine would make, counted generously: a cell without an
    address is placed one column beyond the widest addressed one."""
    last_row = max((int(row) for row in _ROW.findall(xml)), default=0)
    widest = 0
    without_address = 0
    for match in _CELL.finditer(xml):
        attributes = match.group(1) if match.group(1) is not None else match.group(2)
        address = _ADDRESS.search(attributes)
        if address is None:
            without_address += 1
            continue
        widest = max(widest, _column_number(address.group(1)))
        last_row = max(last_row, int(address.group(2)))
    return max(last_row, 1), max(widest + without_address, 1)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str | None]:
    """Sheet name → the archive member calamine reads for it (None when its target is not in
    the archive: then every XML part is checked)."""
    workbook = _small_part(archive, "xl/workbook.xml")
    relationships = _small_part(archive, "xl/_rels/workbook.xml.rels")
    targets = {}
    for element in _RELATIONSHIP.findall(relationships):
        attributes = dict(_ATTRIBUTE.findall(element))
        if b"Id" in attributes and b"Target" in attributes:
            targets[attributes[b"Id"]] = _member_name(attributes[b"Target"].decode("utf-8", "replace"))
    members = set(archive.namelist())
    parts: dict[str, str | None] = {}
    for element in _SHEET.findall(workbook):
        attributes = dict(_ATTRIBUTE.findall(element))
        name = _xml_text(attributes.get(b"name", b""))
        target = next((targets.get(v) for k, v in attributes.items() if k.endswith(b":id")), None)
        parts[name] = target if target in members else None
    return parts


def _member_name(target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    if target.startswith("xl/"):
        return posixpath.normpath(target)
    return posixpath.normpath(f"xl/{target}")


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    for entity, character in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, character)
    return text


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > MAX_PART_BYTES:
        return b""  # calamine refuses such a workbook itself; nothing to bound here
    return archive.read(info)


def unpacked(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, at most its stated size. A deflated member is inflated straight from the
    archive, without zipfile's reading loop and CRC: half the time, and this runs for every sheet
    of every workbook a summary reads (calamine checks the CRC when it reads the sheet)."""
    if info.compress_type != zipfile.ZIP_DEFLATED or archive.fp is None:
        return archive.read(info)
    archive.fp.seek(info.header_offset)
    header = archive.fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        return archive.read(info)  # zipfile says what is wrong with it
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    archive.fp.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    return zlib.decompressobj(-zlib.MAX_WBITS).decompress(archive.fp.read(info.compress_size), info.file_size)


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def _every_xml_part(archive: zipfile.ZipFile) -> list[str]:
    return [info.filename for info in archive.infolist() if info.filename.endswith(".xml")]


def _longest_shared_text(archive: zipfile.ZipFile) -> int:
    """The longest shared string in bytes (0 when there are none): every cell that refers to one
    is given its own copy of it."""
    try:
        info = archive.getinfo("xl/sharedStrings.xml")
    except KeyError:
        return 0
    if info.file_size == 0:
        return 0
    return max((match.end(1) - match.start(1) for match in _SHARED_TEXT.finditer(archive.read(info))), default=0)
