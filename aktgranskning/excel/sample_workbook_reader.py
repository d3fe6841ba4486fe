"""Reads the round's roster back from an urval workbook: område, enhet, akter and reserves.

The workbook may have been edited, renamed or be something else altogether, so it is read as
untrusted input: the zip is checked before anything is unpacked (`tables.read_sheets`), counts are
bounded and each cell is checked, and a problem names the sheet and row. Workbooks written before
the sheet "Enheter" existed are read from their case sheets (one per enhet, named after it):
the akter are the rows without a reserve mark, and the område is not known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aktgranskning.domain.errors import FileProblem
from aktgranskning.excel import tables
from aktgranskning.excel.sample_workbook import CASE_HEADERS, UNITS_HEADERS, UNITS_SHEET

MAX_UNITS = 2000
MAX_CASES = 100_000  # per enhet
EXCEL_SHEET_NAME = 31  # Excel cuts sheet names here, so an old workbook's enhet name may be cut
DRAWN_ON = "Dragningsdatum"


@dataclass(frozen=True)
class RosterUnit:
    area: str  # "" when the workbook does not say
    unit: str
    cases: int
    reserves: int


@dataclass(frozen=True)
class SampleRoster:
    units: tuple[RosterUnit, ...]
    drawn_on: date | None
    notices: tuple[str, ...] = ()  # Swedish: what the user should check


def read_sample_roster(path: Path) -> SampleRoster:
    names = _sheet_names(path)
    if UNITS_SHEET in names:
        sheets = tables.read_sheets(path, [UNITS_SHEET, *names[:1]])
        units = _units_sheet(path, sheets[UNITS_SHEET])
        first = sheets.get(names[0], []) if names[0] != UNITS_SHEET else []
        return SampleRoster(units, _drawn_on(first))
    case_sheets = list(names)
    if len(case_sheets) > MAX_UNITS:
        raise FileProblem(path, f"arbetsboken har {len(case_sheets)} blad, fler än de högst {MAX_UNITS} som läses.")
    sheets = tables.read_sheets(path, case_sheets)
    found: list[RosterUnit] = []
    drawn_on = None
    for name in case_sheets:
        rows = sheets.get(name, [])
        if not _is_case_sheet(rows):
            continue
        cases, reserves = _count_cases(path, name, rows)
        found.append(RosterUnit("", name, cases, reserves))
        drawn_on = drawn_on or _drawn_on(rows)
    if not found:
        raise FileProblem(path, "arbetsboken är ingen urvalsbok från Aktgranskning: den har varken bladet "
                                f"”{UNITS_SHEET}” eller blad med urvalets akter.")
    notices = ["Urvalsboken är gjord av en äldre version och anger inte enheternas område; ange det i omgången."]
    cut = [u.unit for u in found if len(u.unit) == EXCEL_SHEET_NAME]
    if cut:
        notices.append("Enhetsnamnen kommer från bladens namn, som Excel kortar till 31 tecken; kontrollera "
                       + ", ".join(f"”{name}”" for name in cut) + ".")
    return SampleRoster(tuple(found), drawn_on, tuple(notices))


def _sheet_names(path: Path) -> list[str]:
    if not path.exists():
        raise FileProblem(path, "filen finns inte.")
    if not path.is_file():
        raise FileProblem(path, "det här är ingen vanlig fil och den läses inte.")
    if path.suffix.casefold() not in (".xlsx", ".xlsm"):
        raise FileProblem(path, "urvalsboken ska vara en Excelfil (.xlsx) från Aktgranskning.")
    tables.read_sheets(path, [])  # checks the zip before anything is unpacked
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:  # calamine raises its own kinds for broken or hostile files
        raise FileProblem(path, tables.UNREADABLE_WORKBOOK) from exc


def _units_sheet(path: Path, rows: list[list[str]]) -> tuple[RosterUnit, ...]:
    place = f"blad {UNITS_SHEET}"
    if not rows or [cell.casefold() for cell in rows[0][:len(UNITS_HEADERS)]] != [
            h.casefold() for h in UNITS_HEADERS]:
        raise FileProblem(path, "rad 1 ska ha rubrikerna " + ", ".join(UNITS_HEADERS) + ".", f"{place}, rad 1")
    units: list[RosterUnit] = []
    seen: set[str] = set()
    for number, cells in enumerate(rows[1:], start=2):
        cells = [*cells, "", "", "", ""][:4]
        if not any(cells):
            continue
        if len(units) >= MAX_UNITS:
            raise FileProblem(path, f"fler än {MAX_UNITS} enheter.", place)
        where = f"{place}, rad {number}"
        area, unit = cells[0], cells[1]
        if not unit:
            raise FileProblem(path, "enhetens namn saknas.", where)
        if len(unit) > 200 or len(area) > 200:
            raise FileProblem(path, "namnet är längre än 200 tecken.", where)
        if unit.casefold() in seen:
            raise FileProblem(path, f"enheten ”{unit}” finns två gånger.", where)
        seen.add(unit.casefold())
        units.append(RosterUnit(area, unit, _count(path, cells[2], f"{where}, Akter i urvalet"),
                                _count(path, cells[3] or "0", f"{where}, Reserver")))
    if not units:
        raise FileProblem(path, "bladet har inga enheter.", place)
    return tuple(units)


def _count(path: Path, text: str, place: str) -> int:
    if not text.isdigit() or int(text) > MAX_CASES:
        raise FileProblem(path, f"ska vara ett heltal mellan 0 och {MAX_CASES} (inte ”{text}”).", place)
    return int(text)


def _is_case_sheet(rows: list[list[str]]) -> bool:
    return bool(rows) and tuple(rows[0][:len(CASE_HEADERS)]) == CASE_HEADERS


def _count_cases(path: Path, sheet: str, rows: list[list[str]]) -> tuple[int, int]:
    """The sample and the reserves of an enhet's case sheet: the table ends at its first blank row."""
    reserve_column = CASE_HEADERS.index("Reserv")
    cases = reserves = 0
    for cells in rows[1:]:
        if not any(cells):
            break
        if cases + reserves >= MAX_CASES:
            raise FileProblem(path, f"fler än {MAX_CASES} akter.", f"blad {sheet}")
        if len(cells) > reserve_column and cells[reserve_column]:
            reserves += 1
        else:
            cases += 1
    return cases, reserves


def _drawn_on(rows: list[list[str]]) -> date | None:
    for cells in rows[:MAX_CASES]:
        if cells and cells[0] == DRAWN_ON:
            value = next((cell for cell in cells[1:] if cell), "")
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                return None
    return None
