"""Reads the first sheet of an xlsx file, or a csv file, into rows of text with their row numbers.

CSV may be UTF-8 (with or without BOM) or Windows-1252, separated by ';' or ','. Sizes are checked
before anything is unpacked, so a zip bomb is refused rather than read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from aktgranskning.domain.errors import FileProblem
from aktgranskning.excel.workbook_bounds import ensure_bounded

MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_CSV_BYTES = 512 * 1024 * 1024
UNREADABLE_WORKBOOK = ("filen kunde inte läsas som Excelfil; den är skadad eller sparad i ett annat format. "
                       "Öppna den i Excel och spara den som Excel-arbetsbok (.xlsx).")


@dataclass(frozen=True)
class Table:
    path: Path
    header: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]]  # (row number as the user sees it, cell texts)


def read_table(path: Path, sheet: str | None = None, stop_at_blank: bool = False) -> Table:
    """Rows of the first sheet (or the named one). With `stop_at_blank` the table ends at the first
    empty row after the header, so notes below a table are not read as data."""
    if not path.exists():
        raise FileProblem(path, "filen finns inte.")
    suffix = path.suffix.casefold()
    if suffix in (".xlsx", ".xlsm"):
        rows = list(_xlsx_rows(path, sheet))
    elif suffix in (".csv", ".txt"):
        rows = list(_csv_rows(path))
    else:
        raise FileProblem(path, "filtypen stöds inte; använd en Excelfil (.xlsx) eller en csv-fil.")
    return _with_header(path, rows, stop_at_blank)


def read_rows(path: Path, sheet: str | None = None) -> list[tuple[int, list[str]]]:
    """Every row of the first sheet (or the named one) as cell texts, with its row number."""
    if not path.exists():
        raise FileProblem(path, "filen finns inte.")
    suffix = path.suffix.casefold()
    if suffix in (".xlsx", ".xlsm"):
        return list(_xlsx_rows(path, sheet))
    if suffix in (".csv", ".txt"):
        return list(_csv_rows(path))
    raise FileProblem(path, "filtypen stöds inte; använd en Excelfil (.xlsx) eller en csv-fil.")


def sheet_title(path: Path, sheet: str | None = None) -> str:
    """The name of the sheet `read_rows` reads: the named one, the first one, or '' for csv."""
    if sheet is not None or path.suffix.casefold() not in (".xlsx", ".xlsm"):
        return sheet or ""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except Exception:  # read_rows has already said what is wrong with the file
        return ""
    try:
        return workbook.sheetnames[0] if workbook.sheetnames else ""
    finally:
        workbook.close()


def sheet_names(path: Path) -> list[str]:
    """The sheets of an xlsx workbook; none for csv and for a file that cannot be opened (reading
    it then says what is wrong)."""
    if path.suffix.casefold() not in (".xlsx", ".xlsm") or not path.is_file():
        return []
    from openpyxl import load_workbook

    try:
        _ensure_safe_zip(path)
        workbook = load_workbook(path, read_only=True)
    except Exception:  # FileProblem or whatever openpyxl raises for a broken file
        return []
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _with_header(path: Path, rows: list[tuple[int, list[str]]], stop_at_blank: bool) -> Table:
    for index, (number, cells) in enumerate(rows):
        if any(cell.strip() for cell in cells):
            header = [cell.strip() for cell in cells]
            body: list[tuple[int, list[str]]] = []
            for row_number, row_cells in rows[index + 1 :]:
                if any(x.strip() for x in row_cells):
                    body.append((row_number, row_cells))
                elif stop_at_blank and body:
                    break
            return Table(path, header, number, body)
    raise FileProblem(path, "filen innehåller inga rader.")


def _xlsx_rows(path: Path, sheet_name: str | None = None) -> Iterator[tuple[int, list[str]]]:
    _ensure_safe_zip(path)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise FileProblem(path, UNREADABLE_WORKBOOK) from exc
    number = 0
    try:
        if sheet_name is not None and sheet_name not in workbook.sheetnames:
            raise FileProblem(path, f"bladet ”{sheet_name}” finns inte (blad: {', '.join(workbook.sheetnames)}).")
        if not workbook.worksheets:
            raise FileProblem(path, "arbetsboken har inga blad.")
        sheet = workbook[sheet_name] if sheet_name is not None else workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(value) for value in values]
    except FileProblem:
        raise
    except Exception as exc:  # broken or hostile XML inside the archive (defusedxml refuses entities)
        raise FileProblem(path, "bladet kunde inte läsas; filen är skadad eller innehåller något som inte hör "
                                "hemma i en arbetsbok.", f"efter rad {number}") from exc
    finally:
        workbook.close()


def read_sheets(path: Path, names: list[str]) -> dict[str, list[list[str]]]:
    """The cell texts of the named sheets that exist, read in one pass over the workbook.

    python-calamine (Rust) rather than openpyxl: summaries read hundreds of workbooks, and it
    reads them some thirty times faster (benchmarks/summary_300.py)."""
    if not path.exists():
        raise FileProblem(path, "filen finns inte.")
    from python_calamine import CalamineWorkbook

    sheets: dict[str, list[list[str]]] = {}
    name = ""
    with _safe_zip(path) as archive:
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            present = [name for name in names if name in workbook.sheet_names]
        except Exception as exc:  # calamine raises its own kinds for broken or hostile files
            raise FileProblem(path, UNREADABLE_WORKBOOK) from exc
        try:
            ensure_bounded(path, archive, present)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error) as exc:
            raise FileProblem(path, f"filen är skadad ({exc}).") from exc
    try:
        for name in present:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets[name] = sheet_texts(rows)
    except Exception as exc:  # calamine raises its own kinds for broken or hostile files
        place = f"blad {name}" if name else ""
        raise FileProblem(path, UNREADABLE_WORKBOOK, place) from exc
    return sheets


def sheet_texts(rows: Sequence[Sequence[object]]) -> list[list[str]]:
    """`cell_text` of every cell, with str.strip run in C over the text cells: this runs for every
    row of every summary input. calamine gives "" for an empty cell and a float for a number, such
    as the löpnummer that starts each row of the Data sheet; a row with numbers or dates elsewhere
    takes the cell-by-cell way."""
    texts: list[list[str]] = []
    append = texts.append
    for row in rows:
        try:
            if row and type(row[0]) is not str:
                append([cell_text(row[0]), *map(str.strip, row[1:])])  # type: ignore[arg-type]
            else:
                append([*map(str.strip, row)])  # type: ignore[arg-type]
        except TypeError:
            append([cell_text(value) for value in row])
    return texts


def cell_text(value: object) -> str:
    if type(value) is str:  # the common case first: this runs for every cell of every summary input
        return value.strip()
    if type(value) is float:  # every number calamine reads, e.g. each data row's löpnummer
        return str(int(value)) if value.is_integer() else str(value).strip()
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _ensure_safe_zip(path: Path) -> None:
    with _safe_zip(path):
        pass


@contextmanager
def _safe_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    """The workbook's archive, open, once its sizes say it unpacks to at most MAX_UNPACKED_BYTES
    (a member that unpacks to more than its stated size fails its check when it is read)."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise FileProblem(path, "filen är ingen giltig Excelfil (.xlsx är ett zip-arkiv, och det här är inte "
                                "det).") from exc
    except OSError as exc:
        raise FileProblem(path, f"filen är skadad ({exc.strerror or exc}).") from exc
    with archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise FileProblem(
                path,
                f"filen packas upp till {unpacked // (1024 * 1024)} MB, mer än gränsen "
                f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB; den läses inte.",
            )
        yield archive


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    raw = path.read_bytes()
    if len(raw) > MAX_CSV_BYTES:
        raise FileProblem(path, "filen är för stor för att läsas.")
    body, encoding = _encoding_of(path, raw)
    sample = body[:80_000].decode(encoding, errors="ignore")[:20000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    if sample.count("\t") > sample.count(delimiter):  # Excel's "Unicode text" is tab separated
        delimiter = "\t"
    # decoded as it is read, 8 kB at a time: decoding a 100 000-row list at once and copying it
    # into a StringIO were two single C calls of some 35 ms that held the GIL (and the window)
    text = io.TextIOWrapper(io.BytesIO(body), encoding=encoding, errors="replace", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise FileProblem(path, f"raden kunde inte tolkas som csv ({exc}).", f"rad {reader.line_num}") from exc


_UTF8_BOM = b"\xef\xbb\xbf"
_CHECKED_AT_A_TIME = 1024 * 1024


def _encoding_of(path: Path, raw: bytes) -> tuple[bytes, str]:
    """(the bytes after a BOM, their encoding): UTF-16 with its BOM (Excel's "Unicode text"),
    UTF-8 with a BOM, or if every byte is valid UTF-8; Windows-1252 for files saved by older
    Excel. A file that is UTF-8 in one place and not in another (a line pasted from an older
    program) is refused with that line: read either way, some of its å ä ö would be wrong.
    Checked a megabyte at a time, so that the GIL can pass to the window between the steps."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw, "utf-16"
    without_bom = _utf16_without_bom(raw[:4096])
    if without_bom:
        return raw, without_bom
    if raw.startswith(_UTF8_BOM):
        return raw[len(_UTF8_BOM):], "utf-8"
    decoder = codecs.getincrementaldecoder("utf-8")()
    start = 0
    try:
        for start in range(0, len(raw), _CHECKED_AT_A_TIME):
            decoder.decode(raw[start:start + _CHECKED_AT_A_TIME])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        if _UTF8_LETTER.search(raw):
            line = raw[:start + max(exc.start, 0)].count(b"\n") + 1
            raise FileProblem(path, "filen är sparad som UTF-8 men har här ett tecken i en annan teckenkodning "
                                    "(kanske inklistrat från ett äldre program), så å, ä och ö kan inte läsas "
                                    "rätt. Spara om listan som CSV UTF-8 i Excel.", f"rad {line}") from exc
        return raw, "cp1252"
    return raw, "utf-8"


def _utf16_without_bom(start: bytes) -> str:
    """'utf-16-le' or 'utf-16-be' when the start of the file is UTF-16 without its BOM (every
    other byte nul, as Latin letters and digits are), else ''. A text file has no nul bytes."""
    if len(start) < 4 or b"\x00" not in start:
        return ""
    odd, even = start[1::2], start[0::2]
    if odd.count(0) > 0.8 * len(odd):
        return "utf-16-le"
    if even.count(0) > 0.8 * len(even):
        return "utf-16-be"
    return ""


# å ä ö Å Ä Ö é ü … in UTF-8: in Windows-1252 these bytes would read "Ã" and a symbol.
_UTF8_LETTER = re.compile(rb"\xc3[\x80-\xbf]")

