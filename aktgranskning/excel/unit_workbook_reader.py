"""Reads an enhet workbook back: the Data sheet into UnitData, the analysis and the activities,
and whether the Data sheet still matches its checksum."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

from aktgranskning.domain.analysis import (
    ANALYSIS_FIELDS,
    Activity,
    ActivityStatus,
    Analysis,
    cleaned_question_ids,
    parse_due_date,
)
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason, Gender
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.review_file import REVIEW_YEARS
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.domain.unit_data import (
    CaseData,
    ChecklistRef,
    QuestionRef,
    UnitData,
    UnitIdentity,
)
from aktgranskning.excel import data_sheet
from aktgranskning.excel.tables import read_sheets
from aktgranskning.excel.unit_workbook import ACTIVITY_HEADERS, QUESTION_LIMIT_KEY

# Lookups rather than Enum(value) calls: a summary reads some 100 000 rows.
_STATUSES = {status.value: status for status in CaseStatus}
_REASONS = {reason.value: reason for reason in DropoutReason}
_ANSWERS = {answer.value: answer for answer in Answer}

_AS_WRITTEN = list(range(len(data_sheet.COLUMNS)))
MAX_ACTIVITY_ROWS = 10_000  # as many as a granskningsfil may hold
MAX_QUESTION_ID_LENGTH = 200

ANALYSIS_SHEET = "Analys"
ACTIVITIES_SHEET = "Förbättringsaktiviteter"


@dataclass(frozen=True)
class UnitWorkbook:
    path: Path
    data: UnitData
    exported_at: str
    checksum_matches: bool


def read_unit_workbook(path: Path) -> UnitWorkbook:
    sheets = read_sheets(path, [data_sheet.SHEET_NAME, ANALYSIS_SHEET, ACTIVITIES_SHEET])
    if data_sheet.SHEET_NAME not in sheets:
        raise FileProblem(
            path, "arbetsboken har inget blad ”Data” och är ingen enhetsrapport från Aktgranskning."
        )
    reader = _DataSheetReader(path, sheets[data_sheet.SHEET_NAME])
    data = reader.unit_data()
    analysis = _analysis(sheets.get(ANALYSIS_SHEET, []))
    activities = _with_questions(_activities(path, sheets.get(ACTIVITIES_SHEET, [])), reader.activity_rows)
    data = UnitData(
        data.identity, data.checklists, data.questions, data.cases,
        Analysis(**{**analysis.__dict__, "activities": activities}), data.thresholds,
    )
    return UnitWorkbook(path, data, reader.meta.get("exporterad", ""), reader.checksum_matches)


class _DataSheetReader:
    def __init__(self, path: Path, rows: list[list[str]]) -> None:
        self.path = path
        self.rows = rows
        self.meta: dict[str, str] = {}
        self.meta_rows: list[list[str]] = []
        self.checklist_rows: list[list[str]] = []
        self.activity_rows: list[list[str]] = []
        self.green_limits: dict[str, int] = {}
        self.stored_checksum = ""
        self.header_index = self._read_meta()
        self.columns = self._columns()
        self._positions = [self.columns[name] for name in data_sheet.COLUMNS]
        # with the row number a spreadsheet shows, blank rows counted
        numbered = [(index + 1, row) for index, row in enumerate(rows) if index > self.header_index and any(row)]
        self.data_row_numbers = [number for number, _row in numbered]
        self.data_rows = [self._cells(row) for _number, row in numbered]

    def _place(self, index: int) -> str:
        return f"bladet Data, rad {index + 1}"

    def _read_meta(self) -> int:
        for index, row in enumerate(self.rows[2:], start=2):
            key = row[0].strip() if row else ""
            if not key:
                if self.meta_rows:
                    return self._find_header(index)
                continue
            if key == data_sheet.CHECKSUM_KEY:
                self.stored_checksum = row[1].strip() if len(row) > 1 else ""
                continue
            self.meta_rows.append(row)
            if key == data_sheet.CHECKLIST_KEY:
                self.checklist_rows.append(row)
            elif key == data_sheet.ACTIVITY_KEY:
                self.activity_rows.append(row)
            elif key == QUESTION_LIMIT_KEY:
                self._add_green_limit(row, index)
            else:
                self.meta[key] = row[1].strip() if len(row) > 1 else ""
        raise FileProblem(self.path, "bladet Data saknar rubrikraden för data.", "bladet Data")

    def _add_green_limit(self, row: list[str], index: int) -> None:
        question_id = row[1].strip() if len(row) > 1 else ""
        text = row[2].strip() if len(row) > 2 else ""
        if not question_id or not _DIGITS.fullmatch(text) or not 0 <= int(text) <= 100:
            raise FileProblem(self.path, f"frågans egen gräns ”{text}” ska vara ett heltal 0–100 med frågans id "
                              "före.", self._place(index))
        self.green_limits[question_id] = int(text)

    def _find_header(self, start: int) -> int:
        for index in range(start, len(self.rows)):
            if any(cell.strip() for cell in self.rows[index]):
                return index
        raise FileProblem(self.path, "bladet Data saknar rubrikraden för data.", "bladet Data")

    def _columns(self) -> dict[str, int]:
        header = [cell.strip() for cell in self.rows[self.header_index]]
        missing = [name for name in data_sheet.COLUMNS if name not in header]
        if missing:
            raise FileProblem(
                self.path, f"kolumnerna {', '.join(missing)} saknas.", self._place(self.header_index)
            )
        if self.meta.get("format") != data_sheet.FORMAT_VERSION:
            raise FileProblem(
                self.path,
                f"dataformat ”{self.meta.get('format', '')}” känns inte igen (programmet läser format "
                f"{data_sheet.FORMAT_VERSION}).",
                "bladet Data",
            )
        return {name: header.index(name) for name in data_sheet.COLUMNS}

    @property
    def checksum_matches(self) -> bool:
        computed = data_sheet.checksum_of_texts(self.meta_rows, self.data_rows)
        return bool(self.stored_checksum) and computed == self.stored_checksum

    def _cells(self, row: list[str]) -> list[str]:
        positions = self._positions
        if positions == _AS_WRITTEN and len(row) >= len(positions):  # the columns where the program put them
            return row if len(row) == len(positions) else row[: len(positions)]
        return [row[i] if i < len(row) else "" for i in positions]

    def unit_data(self) -> UnitData:
        if not self.meta.get("enhet", "").strip():
            raise FileProblem(self.path, "bladet Data saknar enhetens namn (raden enhet); utan det kan enhetens "
                                         "resultat inte räknas in någonstans.", "bladet Data")
        identity = UnitIdentity(
            administration=self.meta.get("forvaltning", ""),
            area=self.meta.get("omrade", ""),
            unit=self.meta.get("enhet", ""),
            year=self._year(),
            file_uuid=self.meta.get("fil_uuid", ""),
            app_version=self.meta.get("appversion", ""),
        )
        checklists = tuple(
            ChecklistRef(*(list(row[1:5]) + [""] * 4)[:4]) for row in self.checklist_rows
        )
        questions: dict[str, QuestionRef] = {}
        cases: dict[int, dict] = {}  # type: ignore[type-arg]
        for number, row in zip(self.data_row_numbers, self.data_rows, strict=True):
            self._add_row(row, number, questions, cases)
        return UnitData(
            identity=identity,
            checklists=checklists,
            questions=tuple(questions.values()),
            cases=tuple(CaseData(**fields) for _, fields in sorted(cases.items())),
            thresholds=self._thresholds(),
        )

    def _add_row(self, cells: list[str], number: int, questions: dict, cases: dict) -> None:  # type: ignore[type-arg]
        (sequence_text, case_type, gender, age_group, status_text, reason_text,
         section_id, section_title, question_id, question_text, answer_text) = cells
        try:
            sequence = int(sequence_text)
            case = cases.get(sequence)
            if case is None:
                case = cases[sequence] = {
                    "sequence": sequence, "case_type": case_type, "gender": Gender.parse(gender),
                    "age_group": age_group, "status": _STATUSES[status_text],
                    "dropout_reason": _REASONS[reason_text] if reason_text else None, "answers": {},
                }
            elif status_text not in _STATUSES or (reason_text and reason_text not in _REASONS):
                raise KeyError(status_text if status_text not in _STATUSES else reason_text)
            answer = _ANSWERS[answer_text] if answer_text else None
        except (ValueError, KeyError) as exc:
            self._refuse_row(cells, number, exc)
        if not question_id:
            return
        if answer is not None and case["status"] is CaseStatus.NOT_STARTED:
            raise FileProblem(self.path, f"akt {sequence} står som ej påbörjad men har svaret ”{answer.value}” på "
                                         f"fråga {question_id}. Så skriver programmet aldrig bladet: det har ändrats "
                                         "för hand, och akten skulle räknas fel.", f"bladet Data, rad {number}")
        if question_id not in questions:
            questions[question_id] = QuestionRef(case_type, section_id, section_title, question_id, question_text,
                                                 self.green_limits.get(question_id))
        case["answers"][question_id] = answer

    def _refuse_row(self, cells: list[str], number: int, problem: Exception) -> NoReturn:
        """The Swedish message for a row whose löpnummer or a value is not what the program wrote."""
        value = dict(zip(data_sheet.COLUMNS, cells, strict=True))
        place = f"bladet Data, rad {number}"
        self._int(value["lopnummer"], "löpnumret", place)
        kinds: tuple[tuple[str, type[Enum]], ...] = (
            ("status", CaseStatus), ("bortfallsorsak", DropoutReason), ("svar", Answer))
        for column, kind in kinds:
            text = value[column]
            known = ", ".join(str(member.value) for member in kind)
            if text and text not in {str(member.value) for member in kind}:
                raise FileProblem(self.path, f"kolumnen {column} har ”{text[:40]}”, som inte är ett av de värden "
                                             f"programmet skriver ({known}).", place)
        raise FileProblem(self.path, f"raden kan inte läsas ({type(problem).__name__}).", place) from None

    def _thresholds(self) -> Thresholds:
        defaults = Thresholds()
        try:
            return Thresholds(
                good=int(self.meta.get("troskel_gron") or defaults.good),
                fair=int(self.meta.get("troskel_gul") or defaults.fair),
            )
        except (ValueError, UserError):
            return defaults

    def _year(self) -> int:
        text = self.meta.get("ar", "").strip()
        if not re.fullmatch(r"[0-9]{4}", text) or int(text) not in REVIEW_YEARS:
            raise FileProblem(self.path, f"året (ar) ”{text[:40]}” är inget rimligt årtal för en granskning.",
                              "bladet Data")
        return int(text)

    def _int(self, text: str, what: str, place: str = "bladet Data") -> int:
        if not _INTEGER.fullmatch(text.strip()):  # int() takes "²"-less Unicode digits and "1_000"
            raise FileProblem(self.path, f"{what} ”{text[:40]}” är inget heltal.", place)
        return int(text)


_DIGITS = re.compile(r"[0-9]{1,9}")
_INTEGER = re.compile(r"-?[0-9]{1,12}")


def _activity_year(text: str, path: Path, number: int) -> int | None:
    """The year an activity was carried from, when one is given."""
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{4}", text):
        raise FileProblem(path, f"året aktiviteten fördes över från, ”{text[:40]}”, är inget årtal.",
                          f"bladet Förbättringsaktiviteter, rad {number}")
    return int(text)


def _analysis(rows: list[list[str]]) -> Analysis:
    by_label = {row[0].strip(): (row[1] if len(row) > 1 else "") for row in rows if row and row[0].strip()}
    # Any: the keys are the text fields' names (ANALYSIS_FIELDS), which mypy cannot see in a dict.
    texts: dict[str, Any] = {name: by_label.get(label, "") for name, label in ANALYSIS_FIELDS.items()}
    filled_by = by_label.get("Ifylld av", "")
    return Analysis(**texts, filled_by="" if filled_by == "–" else filled_by)


def _activities(path: Path, rows: list[list[str]]) -> tuple[Activity, ...]:
    if not rows:
        return ()
    # The header is row 1 in older workbooks and follows the completeness line in newer ones.
    start = next((i for i, row in enumerate(rows[:3]) if [c.strip() for c in row][:1] == ACTIVITY_HEADERS[:1]), 0)
    header = [cell.strip() for cell in rows[start]]
    if header[: len(ACTIVITY_HEADERS)] != ACTIVITY_HEADERS:
        raise FileProblem(path, "rubrikerna i bladet Förbättringsaktiviteter har ändrats.", f"rad {start + 1}")
    activities = []
    for number, row in enumerate(rows[start + 1:], start=start + 2):
        cells = (row + [""] * len(ACTIVITY_HEADERS))[: len(ACTIVITY_HEADERS)]
        if not any(cell.strip() for cell in cells):
            continue
        try:
            status = ActivityStatus.parse(cells[5]) if cells[5].strip() else ActivityStatus.PLANNED
            due = parse_due_date(cells[3])
        except UserError as exc:
            raise FileProblem(path, str(exc), f"bladet Förbättringsaktiviteter, rad {number}") from None
        activities.append(Activity(
            activity=cells[0], linked=cells[1], responsible=cells[2], due=due, follow_up=cells[4],
            status=status, from_year=_activity_year(cells[6], path, number),
        ))
    return tuple(activities)


def _with_questions(activities: tuple[Activity, ...], rows: list[list[str]]) -> tuple[Activity, ...]:
    """The activities with the question ids the Data sheet holds for them: by number when the text
    there is the activity's (rows moved in Förbättringsaktiviteter are found by their text).
    A workbook from before these rows, or a row that matches no activity, adds none."""
    by_number: dict[int, tuple[str, tuple[str, ...]]] = {}
    for row in rows[:MAX_ACTIVITY_ROWS]:
        cells = [cell.strip() for cell in row[1:]]
        if len(cells) < 2 or not cells[0].isdigit():
            continue
        ids = cleaned_question_ids([c for c in cells[2:] if len(c) <= MAX_QUESTION_ID_LENGTH])
        by_number[int(cells[0])] = (cells[1], ids)
    by_text = {text: ids for text, ids in by_number.values()}
    result = []
    for number, activity in enumerate(activities, start=1):
        text, ids = by_number.get(number, ("", ()))
        if text != activity.activity.strip():
            ids = by_text.get(activity.activity.strip(), ())
        result.append(replace(activity, question_ids=ids) if ids else activity)
    return tuple(result)
