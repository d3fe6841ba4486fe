"""A checklist as an Excel workbook, in the spirit of XLSForm: the sheet *Checklista* holds
label/value rows (id, version, titel, arendetyp, alias), the sheet *Frågor* a header row and one
row per question in order. This module only reads cells (and writes them); what they must say is
checked in `services.checklist_authoring`.

A workbook from someone else is untrusted: its size, rows, columns and cell lengths are bounded
before anything is read, formulas are never evaluated (a formula cell is a problem, not a value),
merged cells are refused except down the avsnitt column, and other sheets are left alone.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.errors import FileProblem
from aktgranskning.excel.writing import excel_text, put, save_atomically

CHECKLIST_SHEET = "Checklista"
QUESTIONS_SHEET = "Frågor"
INSTRUCTIONS_SHEET = "Instruktioner"
META_LABELS = ("id", "version", "titel", "arendetyp", "alias")
QUESTION_COLUMNS = ("id", "avsnitt", "text", "hjalptext", "lagrum", "svar", "villkor", "avsnitt_id", "grans")

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_SHEET_ROWS = 5000  # how far down a sheet may reach at all (formatting included)
MAX_QUESTIONS = 1000
MAX_META_ROWS = 100
MAX_COLUMNS = 40
MAX_CELL_CHARACTERS = 5000
UNREADABLE = ("filen kunde inte läsas som Excelfil; den är skadad eller sparad i ett annat format. "
              "Öppna den i Excel och spara den som Excel-arbetsbok (.xlsx).")


@dataclass(frozen=True)
class SheetProblem:
    """A problem at a place in the workbook: the sheet, the row as Excel numbers it, the column."""

    sheet: str
    row: int | None
    column: str
    text: str

    def __str__(self) -> str:
        place = [f"blad {self.sheet}"] if self.sheet else []
        if self.row is not None:
            place.append(f"rad {self.row}")
        if self.column:
            place.append(f"kolumn {self.column}")
        where = ", ".join(place)
        return f"{where[:1].upper()}{where[1:]}: {self.text}" if place else self.text


@dataclass(frozen=True)
class Cell:
    row: int
    column: str  # the header (Frågor) or the label (Checklista) as written in the workbook
    text: str
    number: bool = False  # Excel held a number here (a version typed as 2026.10 reads 2026.1)


@dataclass(frozen=True)
class QuestionRow:
    row: int
    cells: dict[str, Cell]  # by canonical column name

    def text(self, column: str) -> str:
        cell = self.cells.get(column)
        return cell.text if cell is not None else ""


@dataclass
class ChecklistWorkbook:
    path: Path
    meta: dict[str, Cell] | None = None  # by canonical label; None when the sheet is missing
    header_row: int | None = None  # None when the sheet Frågor is missing or empty
    headers: dict[str, str] = field(default_factory=dict)  # canonical → as written
    questions: list[QuestionRow] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    warnings: list[SheetProblem] = field(default_factory=list)

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


def canonical(name: str) -> str:
    """A label or header as the program knows it: 'Ärendetyp' and 'ärendetyp ' are `arendetyp`."""
    cleaned = name.strip().casefold().translate(str.maketrans("åäöéü", "aaoeu"))
    return "_".join(cleaned.replace("-", " ").split())


def read_checklist_workbook(path: Path) -> ChecklistWorkbook:
    """The cells of the two sheets, with every problem of form found on the way (all of them)."""
    workbook = _open(path)
    result = ChecklistWorkbook(path)
    try:
        sheets = {canonical(name): name for name in workbook.sheetnames}
        checklist_sheet = sheets.get(canonical(CHECKLIST_SHEET))
        questions_sheet = sheets.get(canonical(QUESTIONS_SHEET)) or sheets.get("fragor")
        for wanted, found in ((CHECKLIST_SHEET, checklist_sheet), (QUESTIONS_SHEET, questions_sheet)):
            if found is None:
                result.problems.append(SheetProblem(
                    wanted, None, "", f"bladet saknas (arbetsboken har: {', '.join(workbook.sheetnames)})."))
        if checklist_sheet is not None:
            _read_meta(workbook[checklist_sheet], result)
        if questions_sheet is not None:
            _read_questions(workbook[questions_sheet], result)
    finally:
        workbook.close()
    return result


def _open(path: Path) -> Any:
    if not path.is_file():
        raise FileProblem(path, "filen finns inte.")
    if path.suffix.casefold() not in (".xlsx", ".xlsm"):
        raise FileProblem(path, "en checklista skrivs som Excel-arbetsbok (.xlsx).")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileProblem(path, f"filen är {size // (1024 * 1024)} MB; en checklista får vara högst "
                                f"{MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if not zipfile.is_zipfile(path):
        raise FileProblem(path, "filen är ingen giltig Excelfil (.xlsx är ett zip-arkiv, och det här är inte det).")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(path, UNREADABLE) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileProblem(path, f"filen packas upp till {unpacked // (1024 * 1024)} MB, mer än gränsen "
                                f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB; den läses inte.")
    from openpyxl import load_workbook

    try:
        # Not read-only: merged cells are only known this way. data_only=False: a formula is
        # seen as a formula (and refused), never as a value someone else's Excel computed.
        return load_workbook(path, data_only=False, keep_vba=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for broken or hostile files
        raise FileProblem(path, UNREADABLE) from exc


def _extent_problem(sheet: Any) -> SheetProblem | None:
    if sheet.max_row > MAX_SHEET_ROWS:
        return SheetProblem(sheet.title, None, "", f"bladet når ned till rad {sheet.max_row}; högst "
                            f"{MAX_SHEET_ROWS} rader läses. Ta bort tomma eller formaterade rader under tabellen.")
    return None


def _read_meta(sheet: Any, result: ChecklistWorkbook) -> None:
    result.meta = {}
    if (problem := _extent_problem(sheet)) is not None:
        result.problems.append(problem)
        return
    for merged in sheet.merged_cells.ranges:
        result.problems.append(SheetProblem(sheet.title, merged.min_row, "", f"sammanfogade celler ({merged.coord}); "
                                            "dela upp dem så att varje värde står i en egen cell."))
    used = 0
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=2):
        label_cell, value_cell = (row[0], row[1]) if len(row) > 1 else (row[0], None)
        label = _cell(label_cell, sheet.title, "A", result)
        value = _cell(value_cell, sheet.title, f"B ({label.text})", result) if value_cell is not None else None
        if not label.text:
            if value is not None and value.text:
                result.problems.append(SheetProblem(sheet.title, label.row, "A", "värdet i kolumn B har ingen "
                                                    "rubrik i kolumn A (id, version, titel, arendetyp, alias)."))
            continue
        used += 1
        if used > MAX_META_ROWS:
            result.problems.append(SheetProblem(sheet.title, label.row, "A",
                                                f"bladet har fler än {MAX_META_ROWS} rader."))
            return
        key = canonical(label.text)
        if key not in META_LABELS:
            result.warnings.append(SheetProblem(sheet.title, label.row, "A", f"”{label.text}” är ingen uppgift "
                                                "programmet känner till och läses inte."))
            continue
        if key in result.meta:
            result.problems.append(SheetProblem(sheet.title, label.row, "A", f"”{label.text}” står redan på rad "
                                                f"{result.meta[key].row}; ange varje uppgift en gång."))
            continue
        result.meta[key] = value or Cell(label.row, f"B ({label.text})", "")


def _read_questions(sheet: Any, result: ChecklistWorkbook) -> None:
    if (problem := _extent_problem(sheet)) is not None:
        result.problems.append(problem)
        return
    rows = sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=min(sheet.max_column, MAX_COLUMNS))
    columns: dict[int, str] = {}
    for row in rows:
        number = row[0].row
        if result.header_row is None:
            texts = [_cell(c, sheet.title, c.column_letter, result) for c in row]
            if any(t.text for t in texts):
                result.header_row = number
                columns = _header(texts, sheet.title, result)
            continue
        cells = {columns[i]: _cell(c, sheet.title, result.header(columns[i]), result)
                 for i, c in enumerate(row) if i in columns}
        if not any(cell.text for cell in cells.values()):
            continue
        if len(result.questions) == MAX_QUESTIONS:
            result.problems.append(SheetProblem(sheet.title, number, "", f"en checklista får ha högst {MAX_QUESTIONS} "
                                                "frågor; raderna härifrån läses inte."))
            break
        result.questions.append(QuestionRow(number, cells))
    if result.header_row is None:
        result.problems.append(SheetProblem(sheet.title, None, "", "bladet är tomt; rad 1 ska ha rubrikerna "
                                            + ", ".join(QUESTION_COLUMNS[:7]) + "."))
        return
    _check_merged_questions(sheet, result, columns)


def _header(texts: list[Cell], sheet: str, result: ChecklistWorkbook) -> dict[int, str]:
    columns: dict[int, str] = {}
    seen: dict[str, Cell] = {}
    for index, cell in enumerate(texts):
        if not cell.text:
            continue
        key = canonical(cell.text)
        if key not in QUESTION_COLUMNS:
            result.warnings.append(SheetProblem(sheet, cell.row, cell.text, "okänd kolumnrubrik; kolumnen läses inte "
                                                f"(kända: {', '.join(QUESTION_COLUMNS)})."))
            continue
        if key in seen:
            result.problems.append(SheetProblem(sheet, cell.row, cell.text, f"rubriken finns redan i kolumn "
                                                f"{seen[key].column}; ha varje kolumn en gång."))
            continue
        seen[key] = Cell(cell.row, _letter(index), cell.text)
        columns[index] = key
        result.headers[key] = cell.text
    return columns


def _check_merged_questions(sheet: Any, result: ChecklistWorkbook, columns: dict[int, str]) -> None:
    for merged in sheet.merged_cells.ranges:
        column = columns.get(merged.min_col - 1, "")
        if merged.min_col == merged.max_col and column == "avsnitt":
            continue  # an avsnitt written once down its questions: a blank avsnitt continues the one above
        result.problems.append(SheetProblem(
            sheet.title, merged.min_row, result.header(column) if column else _letter(merged.min_col - 1),
            f"sammanfogade celler ({merged.coord}); bara avsnitt får sammanfogas nedåt. Dela upp cellerna "
            "och skriv värdet på varje rad."))


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _cell(cell: Any, sheet: str, column: str, result: ChecklistWorkbook) -> Cell:
    row = int(cell.row)
    value = cell.value
    if value is None:
        return Cell(row, column, "")
    if cell.data_type == "f" or (isinstance(value, str) and cell.data_type != "s" and value.startswith("=")):
        result.problems.append(SheetProblem(sheet, row, column, "cellen innehåller en formel; formler räknas inte "
                                            "ut här. Skriv in värdet som text."))
        return Cell(row, column, "")
    if cell.data_type == "e":
        result.problems.append(SheetProblem(sheet, row, column, f"cellen innehåller ett Excelfel ({value})."))
        return Cell(row, column, "")
    if isinstance(value, bool):
        return Cell(row, column, "Ja" if value else "Nej")
    if isinstance(value, (int, float)) and "%" in str(cell.number_format):
        # A cell formatted as percent holds 1 for "100 %": read it as the person typed it.
        return Cell(row, column, f"{round(value * 100, 6):g} %", number=True)
    if isinstance(value, int):
        return Cell(row, column, str(value), number=True)
    if isinstance(value, float):
        return Cell(row, column, str(int(value)) if value.is_integer() else repr(value), number=True)
    if isinstance(value, (datetime, date, time)):
        result.problems.append(SheetProblem(sheet, row, column, "Excel har gjort om värdet till ett datum eller "
                                            "klockslag; skriv det som text (börja med ')."))
        return Cell(row, column, "")
    text = str(value).replace("\r\n", "\n").strip()
    if len(text) > MAX_CELL_CHARACTERS:
        result.problems.append(SheetProblem(sheet, row, column, f"texten har {len(text)} tecken; högst "
                                            f"{MAX_CELL_CHARACTERS} får stå i en cell."))
        return Cell(row, column, text[:MAX_CELL_CHARACTERS])
    return Cell(row, column, text)


# --- writing ---------------------------------------------------------------------------------

META_HELP = {
    "id": "Checklistans id: små bokstäver a–z, siffror, punkt, bindestreck, understreck. Ändras aldrig.",
    "version": "Höj versionen (t.ex. 2026.1 → 2026.2) varje gång checklistan ändras.",
    "titel": "Det granskarna ser.",
    "arendetyp": "Ärendetypen som den står i urvalslistan.",
    "alias": "Andra sätt att skriva ärendetypen, åtskilda med kommatecken. Inget alias får höra till "
             "en annan checklista.",
}
COLUMN_HELP = (
    ("id", "Frågans id, unikt bland alla checklistor, gärna med checklistans förkortning först "
           "(t.ex. ut.samtycke). Behåll id när texten ändras, så jämförs resultaten med tidigare år."),
    ("avsnitt", "Avsnittets rubrik. Frågorna i ett avsnitt står i följd; en tom cell fortsätter avsnittet ovanför."),
    ("text", "Frågan som granskaren besvarar."),
    ("hjalptext", "Vad som krävs för Ja (visas vid frågan)."),
    ("lagrum", "Lagrum eller föreskrift."),
    ("svar", "Tillåtna svar, t.ex. Ja, Nej, X. Tomt betyder Ja, Nej, X."),
    ("villkor", "Frågan gäller bara när en tidigare fråga har ett visst svar, t.ex. ut.samtycke = Nej."),
    ("avsnitt_id", "Avsnittets id (valfritt; tomt: skapas av rubriken)."),
    ("grans", "Frågans egen gräns för grönt i procent, t.ex. 100 där lagen inte medger undantag (valfritt; "
              "tomt: omgångens gränser)."),
)


def write_checklist_workbook(checklist: Checklist, target: Path) -> Path:
    """Write a checklist as an authoring workbook; reading it back gives the same checklist."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    meta = workbook.active
    meta.title = CHECKLIST_SHEET
    values = {"id": checklist.id, "version": checklist.version, "titel": checklist.title,
              "arendetyp": checklist.case_type, "alias": ", ".join(checklist.aliases)}
    for row, label in enumerate(META_LABELS, start=1):
        put(meta, row, 1, label).font = bold
        put(meta, row, 2, values[label]).number_format = "@"
        put(meta, row, 3, META_HELP[label]).alignment = wrap
    for letter, width in (("A", 14), ("B", 50), ("C", 80)):
        meta.column_dimensions[letter].width = width
    questions = workbook.create_sheet(QUESTIONS_SHEET)
    for column, name in enumerate(QUESTION_COLUMNS, start=1):
        cell = put(questions, 1, column, name)
        cell.font, cell.fill = bold, header_fill
    row = 1
    for section in checklist.sections:
        for question in section.questions:
            row += 1
            condition = question.condition
            cells = (question.id, section.title, question.text, question.help_text, question.legal_basis,
                     ", ".join(a.value for a in question.allowed),
                     f"{condition.question_id} = {condition.answer.value}" if condition else "", section.id,
                     question.green_limit)
            for column, value in enumerate(cells, start=1):
                put(questions, row, column, value).alignment = wrap
    for letter, width in zip("ABCDEFGHI", (26, 28, 60, 50, 32, 12, 30, 14, 8), strict=True):
        questions.column_dimensions[letter].width = width
    questions.freeze_panes = "A2"
    questions.auto_filter.ref = f"A1:I{row}"
    _write_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), bold, wrap)
    return save_atomically(workbook, target)


def _write_instructions(sheet: Any, bold: Any, wrap: Any) -> None:
    lines = [
        ("Så skrivs en checklista", ""),
        ("Bladet Checklista", "En uppgift per rad: rubriken i kolumn A, värdet i kolumn B."),
        ("Bladet Frågor", "Rubrikerna på rad 1, sedan en fråga per rad i den ordning granskaren ser dem."),
        *COLUMN_HELP,
        ("Kontrollera", "aktgranskning checklista kontrollera FIL.xlsx (eller Arkiv → Checklistor… i fönstret)."),
        ("Installera", "aktgranskning checklista installera FIL.xlsx"),
    ]
    for row, (label, text) in enumerate(lines, start=1):
        put(sheet, row, 1, label).font = bold
        put(sheet, row, 2, excel_text(text)).alignment = wrap
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100
