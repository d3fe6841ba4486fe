"""Earlier years' results from Excel matrices: questions as rows, cases as columns.

A sheet holds one or more blocks. A block starts with a title row naming the case type
("Förhandsbedömningar 2023", "Utredningar …"), then a header row of case numbers, then one row
per question; footnote rows may follow. Cells hold Ja / Nej / X in any case, possibly with
footnote markers (`Nej*`); a bare marker means "uppgift saknas". Everything that is not a plain
Ja/Nej/X is reported with its place. Case numbers are read only to count the columns and are
never kept: cases get löpnummer 1, 2, … in column order.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, Gender
from aktgranskning.domain.checklist import Checklist, Question, find_checklist
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.unit_data import (
    CaseData,
    ChecklistRef,
    QuestionRef,
    UnitData,
    UnitIdentity,
)

_VALUE = re.compile(r"^(ja|nej|x)\s*([*¹²³†#]+|\(\d\))?$", re.IGNORECASE)
_BARE_MARKER = re.compile(r"^([*¹²³†#]+|\(\d\))$")
_NUMBERING = re.compile(r"^\s*\d+[.):]?\s+")
SIMILARITY = 0.88


class MarkerMeaning(str, Enum):
    UNANSWERED = "obesvarad"
    NOT_APPLICABLE = "x"


@dataclass(frozen=True)
class Note:
    row: int
    column: str  # the column letter, or "" for the whole row
    message: str

    @property
    def place(self) -> str:
        return f"rad {self.row}" + (f", kolumn {self.column}" if self.column else "")


@dataclass(frozen=True)
class MatrixImport:
    data: UnitData
    notes: tuple[Note, ...]
    blocks: tuple[tuple[str, int], ...]  # (checklist id, cases) per block


def normalised(text: str) -> str:
    """Wording compared without case, numbering, punctuation or extra spaces."""
    text = unicodedata.normalize("NFC", _NUMBERING.sub("", text)).casefold()
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(text.split())


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def import_matrix(
    rows: Sequence[tuple[int, list[str]]],
    checklists: Iterable[Checklist],
    identity: UnitIdentity,
    marker: MarkerMeaning = MarkerMeaning.UNANSWERED,
) -> MatrixImport:
    checklists = list(checklists)
    notes: list[Note] = []
    cases: list[CaseData] = []
    blocks: list[tuple[str, int]] = []
    used: dict[str, Checklist] = {}
    index = 0
    while index < len(rows):
        number, cells = rows[index]
        checklist = _block_title(cells, checklists)
        if checklist is None:
            if any(c.strip() for c in cells) and not blocks:
                notes.append(Note(number, "", f"raden står före första blocket och lästes inte: ”{_first(cells)}”"))
            index += 1
            continue
        used[checklist.id] = checklist
        index, block_cases = _read_block(rows, index + 1, checklist, checklists, marker, notes, len(cases) + 1)
        cases += block_cases
        blocks.append((checklist.id, len(block_cases)))
    if not cases:
        raise UserError(
            "Inget block med svar hittades. Ett block börjar med en rubrikrad som namnger ärendetypen "
            "(t.ex. ”Förhandsbedömningar 2023”) följd av en rad med ärendenummer."
        )
    ordered = [c for c in checklists if c.id in used]
    data = UnitData(
        identity=identity,
        checklists=tuple(ChecklistRef(c.id, c.version, c.content_hash, c.title) for c in ordered),
        questions=tuple(
            QuestionRef(c.id, s.id, s.title, q.id, q.text) for c in ordered for s in c.sections for q in s.questions
        ),
        cases=tuple(cases),
    )
    return MatrixImport(data, tuple(notes), tuple(blocks))


def _first(cells: list[str]) -> str:
    return next((c.strip() for c in cells if c.strip()), "")


def _block_title(cells: list[str], checklists: list[Checklist]) -> Checklist | None:
    text = _first(cells)
    if not text or sum(1 for c in cells if c.strip()) > 2:
        return None
    first_word = re.split(r"[^\wåäöÅÄÖ-]+", text.strip())[0]
    return find_checklist(first_word, checklists)


def _read_block(
    rows: Sequence[tuple[int, list[str]]], index: int, checklist: Checklist, checklists: list[Checklist],
    marker: MarkerMeaning, notes: list[Note], start: int,
) -> tuple[int, list[CaseData]]:
    while index < len(rows) and not any(c.strip() for c in rows[index][1]):
        index += 1
    if index >= len(rows):
        return index, []
    header_number, header = rows[index]
    columns = [i for i, cell in enumerate(header) if i > 0 and cell.strip()]
    if not columns:
        notes.append(Note(header_number, "", "rubrikraden med ärendenummer saknas; blocket lästes inte"))
        return index + 1, []
    answers: list[dict[str, Answer | None]] = [{} for _ in columns]
    questions = {normalised(q.text): q for q in checklist.questions()}
    index += 1
    while index < len(rows):
        number, cells = rows[index]
        if not any(c.strip() for c in cells):
            index += 1
            continue
        values = [(cells[i] if i < len(cells) else "").strip() for i in columns]
        label = cells[0].strip() if cells else ""
        question = _match(label, questions, number, notes)
        if question is None:
            if _block_title(cells, checklists) is not None:
                break  # the next block begins
            if any(values):
                notes.append(Note(number, "A", f"frågan känns inte igen och lästes inte: ”{label}”"))
            else:
                notes.append(Note(number, "", f"fotnot eller kommentar, lästes inte: ”{_first(cells)}”"))
            index += 1
            continue
        for position, (column, value) in enumerate(zip(columns, values, strict=True)):
            answers[position][question.id] = _answer(value, marker, Note(number, column_letter(column), ""), notes)
        index += 1
    cases = [
        CaseData(
            sequence=start + position,
            case_type=checklist.id,
            gender=Gender.UNKNOWN,
            age_group="",
            status=CaseStatus.DONE,
            answers={q.id: case_answers.get(q.id) for q in checklist.questions()},
        )
        for position, case_answers in enumerate(answers)
    ]
    return index, cases


def _match(label: str, questions: dict[str, Question], row: int, notes: list[Note]) -> Question | None:
    if not label:
        return None
    key = normalised(label)
    if key in questions:
        return questions[key]
    close = difflib.get_close_matches(key, list(questions), n=1, cutoff=SIMILARITY)
    if close:
        question = questions[close[0]]
        notes.append(Note(row, "A", f"”{label}” matchades mot ”{question.text}” (liknande formulering)"))
        return question
    return None


def _answer(value: str, marker: MarkerMeaning, place: Note, notes: list[Note]) -> Answer | None:
    match = _VALUE.match(value)
    if match:
        answer = Answer.parse(match.group(1))
        if match.group(2):
            notes.append(Note(place.row, place.column, f"”{value}” lästes som {answer.value} (fotnotsmarkering)"))
        return answer
    if not value:
        notes.append(Note(place.row, place.column, "tom cell, räknas som obesvarad"))
        return None
    if _BARE_MARKER.match(value):
        meaning = "X" if marker is MarkerMeaning.NOT_APPLICABLE else "obesvarad"
        notes.append(Note(place.row, place.column, f"”{value}” (uppgift saknas) räknas som {meaning}"))
        return Answer.NOT_APPLICABLE if marker is MarkerMeaning.NOT_APPLICABLE else None
    notes.append(Note(place.row, place.column, f"”{value}” är inget Ja/Nej/X, räknas som obesvarad"))
    return None
