"""Reads a prepared sample list (xlsx/csv): one row per sampled case."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aktgranskning.domain.errors import FileProblem
from aktgranskning.domain.people import CASE_NUMBER_IS_PERSONNUMMER, looks_like_personnummer
from aktgranskning.excel.columns import map_columns, require_columns
from aktgranskning.excel.tables import read_table, sheet_names


@dataclass(frozen=True)
class SampleListRow:
    row_number: int
    case_number: str
    case_type: str
    gender: str
    age: str
    age_group: str
    birth_year: str
    birth_date: str
    personnummer: str  # kept in memory only, to derive gender and age
    caseworker: str
    reserve: bool
    start_date: str = ""  # when the case began (ÅÅÅÅ-MM-DD); the day its age is counted on


@dataclass(frozen=True)
class SampleList:
    path: Path
    rows: list[SampleListRow]
    unknown_columns: list[str]


def sheet_for_unit(path: Path, unit: str) -> str | None:
    """A sample workbook has one sheet per enhet: the one named after this enhet (as Excel
    compares sheet names, cut to its 31 characters), or None to read the first sheet."""
    wanted = unit.casefold()[:31]
    return next((name for name in sheet_names(path) if name.casefold() == wanted), None)


def read_sample_list(path: Path, sheet: str | None = None) -> SampleList:
    table = read_table(path, sheet=sheet, stop_at_blank=True)
    columns, unknown = map_columns(table.header)
    require_columns(path, columns, ("case_number", "case_type"), table.header_row)

    def cell(cells: list[str], field: str) -> str:
        index = columns.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    rows: list[SampleListRow] = []
    for number, cells in table.rows:
        case_number = cell(cells, "case_number")
        if not case_number:
            column = table.header[columns["case_number"]]
            raise FileProblem(path, "ärendenummer saknas.", f"rad {number}, kolumn {column}")
        if looks_like_personnummer(case_number):
            column = table.header[columns["case_number"]]
            raise FileProblem(path, CASE_NUMBER_IS_PERSONNUMMER, f"rad {number}, kolumn {column}")
        case_type = cell(cells, "case_type")
        if not case_type:
            raise FileProblem(path, "ärendetyp saknas.", f"rad {number}, kolumn {table.header[columns['case_type']]}")
        rows.append(
            SampleListRow(
                row_number=number,
                case_number=case_number,
                case_type=case_type,
                gender=cell(cells, "gender"),
                age=cell(cells, "age"),
                age_group=cell(cells, "age_group"),
                birth_year=cell(cells, "birth_year"),
                birth_date=cell(cells, "birth_date"),
                personnummer=cell(cells, "personnummer"),
                caseworker=cell(cells, "caseworker"),
                reserve=_is_reserve(cell(cells, "reserve")),
                start_date=cell(cells, "start_date"),
            )
        )
    if not rows:
        raise FileProblem(path, "listan innehåller inga ärenden under rubrikraden.", f"rad {table.header_row}")
    _ensure_unique_case_numbers(path, rows)
    return SampleList(path, rows, unknown)


def _ensure_unique_case_numbers(path: Path, rows: list[SampleListRow]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        if row.case_number in seen:
            raise FileProblem(
                path,
                f"ärendenummer {row.case_number} förekommer två gånger (även på rad {seen[row.case_number]}).",
                f"rad {row.row_number}",
            )
        seen[row.case_number] = row.row_number


def _is_reserve(text: str) -> bool:
    word = text.strip().casefold().split(" ")[0] if text.strip() else ""
    return word in ("ja", "j", "x", "1", "true", "reserv")
