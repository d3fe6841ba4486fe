"""Earlier years' results from Excel matrices: questions as rows, cases as columns.

A sheet holds one or more blocks. A block starts with a title row naming the case type
("Förhandsbedömningar 2023", "Utredningar …"), then a header row of case numbers, then one row
per question; footnote rows may follow. Cells hold Ja / Nej / X in any case, possibly with
footnote markers (`Nej*`); a bare marker means "uppgift saknas". Everything that is not a plain
Ja/Nej/X is reported with its place. Case numbers are read only to count the columns and to name
a column in the notes shown to the user; they are never kept: cases get löpnummer 1, 2, … in
column order.

The answers then count exactly as a review counts them: a question whose condition is not met is
X whatever the source says, one whose parent is unanswered is unanswered, and a case is klar only
when every applicable question has an answer. A column the source marks as not a valid case
(“Felaktigt urval”, “Ej aktuellt ärende”, a "Bortfall" row) is a bortfall.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason, Gender
from aktgranskning.domain.checklist import (
    Applicability,
    Checklist,
    Question,
    applicability,
    effective_answers,
    find_checklist,
    unanswered_question_ids,
)
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
_NOT_APPLICABLE_WORDS = re.compile(r"^(ej|inte) aktuell[t]?\.?$|^e\.?\s?a\.?$", re.IGNORECASE)
_NUMBERING = re.compile(r"^\s*\d+[.):]?\s+")
SIMILARITY = 0.88

# How the matrices people kept by hand say that a column is not a case to count. Checked in order.
_DROPOUT_PHRASES: tuple[tuple[re.Pattern[str], DropoutReason], ...] = (
    (re.compile(r"fel(aktigt)?\s+urval|fel(aktig)?\s+ärendetyp|(ej|inte)\s+(ett\s+)?(aktuell[t]?|relevant[a]?)\s+"
                r"(ärende|akt)", re.IGNORECASE), DropoutReason.WRONG_SAMPLE),
    (re.compile(r"akt(en)?\s+(saknas|hittades\s+inte|finns\s+inte)|saknad\s+akt", re.IGNORECASE),
     DropoutReason.FILE_MISSING),
    (re.compile(r"annan\s+(kommun|enhet)|tillhör\s+annan", re.IGNORECASE), DropoutReason.OTHER_UNIT),
    (re.compile(r"\bbortfall\b|ej\s+granskningsbar|kunde\s+inte\s+granskas|(ej|inte)\s+granskad", re.IGNORECASE),
     DropoutReason.OTHER),
)
# Row labels (column A) of a row that says, per column, whether and why a case is a bortfall.
_DROPOUT_ROW_LABELS = ("bortfall", "orsak till bortfall", "bortfallsorsak", "ej granskad", "ej granskningsbar")
# Row labels of a comment row; a comment names a bortfall only in the words above.
_COMMENT_ROW_LABELS = ("kommentar", "kommentarer", "anmärkning", "anmärkningar", "notering", "noteringar",
                       "status", "övrigt")
_NO_DROPOUT = ("", "nej", "-", "–", "0", "ingen", "inget")


class NoteKind(Enum):
    READING = "reading"  # a cell or row that was not a plain Ja/Nej/X or a known question
    NOT_APPLICABLE = "not_applicable"  # an answer to a question that did not apply to the case
    DROPOUT = "dropout"  # a column the source marks as not a valid case


class MarkerMeaning(str, Enum):
    UNANSWERED = "obesvarad"
    NOT_APPLICABLE = "x"


@dataclass(frozen=True)
class Note:
    row: int
    column: str  # the column letter, or "" for the whole row
    message: str
    case: str = ""  # the column's case header as the source wrote it: shown to the user, never stored
    sheet: str = ""
    kind: NoteKind = NoteKind.READING

    @property
    def place(self) -> str:
        parts = [f"blad {self.sheet}"] if self.sheet else []
        parts.append(f"rad {self.row}")
        if self.column:
            parts.append(f"kolumn {self.column}")
        return ", ".join(parts) + (f" (akt {self.case})" if self.case else "")


@dataclass(frozen=True)
class MatrixImport:
    data: UnitData
    notes: tuple[Note, ...]
    blocks: tuple[tuple[str, int], ...]  # (checklist id, cases) per block
    sheet: str = ""

    @property
    def condition_notes(self) -> tuple[Note, ...]:
        """The cells where the source answered a question that did not apply."""
        return self.notes_of(NoteKind.NOT_APPLICABLE)

    def notes_of(self, kind: NoteKind) -> tuple[Note, ...]:
        return tuple(n for n in self.notes if n.kind is kind)


@dataclass(frozen=True)
class _Cell:
    row: int
    column: int
    text: str


@dataclass(frozen=True)
class _Column:
    """One case column of a block as read, before the checklist's rules are applied."""

    index: int
    header: str
    cells: dict[str, _Cell]  # question id → the cell
    dropout: tuple[DropoutReason, str, _Cell] | None = None  # reason, source text, where


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


def dropout_reason_in(text: str) -> DropoutReason | None:
    """The bortfall reason a matrix cell or comment states, or None when it states none."""
    return next((reason for pattern, reason in _DROPOUT_PHRASES if pattern.search(text)), None)


def import_matrix(
    rows: Sequence[tuple[int, list[str]]],
    checklists: Iterable[Checklist],
    identity: UnitIdentity,
    marker: MarkerMeaning = MarkerMeaning.UNANSWERED,
    sheet: str = "",
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
        index, columns = _read_block(rows, index + 1, checklist, checklists, notes)
        for column in columns:
            cases.append(_case_of(column, checklist, marker, len(cases) + 1, notes))
        blocks.append((checklist.id, len(columns)))
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
            QuestionRef(c.id, s.id, s.title, q.id, q.text, q.green_limit)
            for c in ordered for s in c.sections for q in s.questions
        ),
        cases=tuple(cases),
    )
    in_order = sorted(notes, key=lambda n: (n.row, len(n.column), n.column))
    placed = tuple(replace(note, sheet=sheet) for note in in_order)
    return MatrixImport(data, placed, tuple(blocks), sheet)


def _first(cells: list[str]) -> str:
    return next((c.strip() for c in cells if c.strip()), "")


def _block_title(cells: list[str], checklists: list[Checklist]) -> Checklist | None:
    text = _first(cells)
    if not text or sum(1 for c in cells if c.strip()) > 2:
        return None
    # The longest run of leading words that names a checklist: "Utredning vuxen 2023" is not
    # "Utredning", and "Ekonomiskt bistånd (10 akter)" needs both words.
    words = [w for w in re.split(r"[^\wåäöÅÄÖ-]+", text.strip()) if w]
    for count in range(len(words), 0, -1):
        checklist = find_checklist(" ".join(words[:count]), checklists)
        if checklist is not None:
            return checklist
    return None


def _label_kind(label: str) -> str:
    key = normalised(label)
    if key.startswith(_DROPOUT_ROW_LABELS):
        return "dropout"
    if key in _COMMENT_ROW_LABELS:
        return "comment"
    return ""


def _read_block(
    rows: Sequence[tuple[int, list[str]]], index: int, checklist: Checklist, checklists: list[Checklist],
    notes: list[Note],
) -> tuple[int, list[_Column]]:
    while index < len(rows) and not any(c.strip() for c in rows[index][1]):
        index += 1
    if index >= len(rows):
        return index, []
    header_number, header = rows[index]
    positions = [i for i, cell in enumerate(header) if i > 0 and cell.strip()]
    if not positions:
        notes.append(Note(header_number, "", "rubrikraden med ärendenummer saknas; blocket lästes inte"))
        return index + 1, []
    columns = [_Column(i, header[i].strip(), {}) for i in positions]
    for position, column in enumerate(columns):  # "2023-0105 (felaktigt urval)" in the header
        reason = dropout_reason_in(column.header)
        if reason is not None:
            columns[position] = replace(column, dropout=(reason, column.header, _Cell(header_number, column.index,
                                                                                        column.header)))
    questions = {normalised(q.text): q for q in checklist.questions()}
    index += 1
    while index < len(rows):
        number, cells = rows[index]
        if not any(c.strip() for c in cells):
            index += 1
            continue
        values = [(cells[c.index] if c.index < len(cells) else "").strip() for c in columns]
        label = cells[0].strip() if cells else ""
        kind = _label_kind(label) if label else ""
        if kind:
            _read_dropout_row(number, kind, values, columns, notes)
            index += 1
            continue
        question = _match(label, questions, number, notes)
        if question is None:
            if _block_title(cells, checklists) is not None:
                break  # the next block begins
            if any(values):
                notes.append(Note(number, "A", f"frågan känns inte igen och lästes inte: ”{label}”"))
            elif not _dropouts_named_in(_first(cells), number, columns):
                notes.append(Note(number, "", f"fotnot eller kommentar, lästes inte: ”{_first(cells)}”"))
            index += 1
            continue
        for position, (column, value) in enumerate(zip(columns, values, strict=True)):
            cell = _Cell(number, column.index, value)
            column.cells[question.id] = cell
            reason = dropout_reason_in(value) if value and not _VALUE.match(value) else None
            if reason is not None and column.dropout is None:
                columns[position] = replace(column, dropout=(reason, value, cell))
        index += 1
    _note_missing_questions(checklist, columns, header_number, notes)
    return index, columns


def _note_missing_questions(checklist: Checklist, columns: list[_Column], header_row: int, notes: list[Note]) -> None:
    """One note for the checklist's questions the block has no row for (an older year asked fewer)."""
    present = set().union(*(column.cells for column in columns)) if columns else set()
    missing = [f"”{q.text}”" for q in checklist.questions() if q.id not in present]
    if len(missing) == 1:
        notes.append(Note(header_row, "", f"frågan {missing[0]} finns inte i blocket och räknas som obesvarad"))
    elif missing:
        notes.append(Note(header_row, "", f"{len(missing)} av checklistans frågor finns inte i blocket och räknas "
                                          f"som obesvarade: {', '.join(missing)}"))


def _dropouts_named_in(text: str, number: int, columns: list[_Column]) -> bool:
    """A note below the answers such as "Akt 2023-0105: felaktigt urval" makes that column a
    bortfall. True when the note named one."""
    reason = dropout_reason_in(text)
    if reason is None:
        return False
    named = False
    for position, column in enumerate(columns):
        if len(column.header) >= 3 and re.search(rf"(?<![\w-]){re.escape(column.header)}(?![\w-])", text):
            named = True
            if column.dropout is None:
                columns[position] = replace(column, dropout=(reason, text, _Cell(number, 0, text)))
    return named


def _read_dropout_row(number: int, kind: str, values: list[str], columns: list[_Column], notes: list[Note]) -> None:
    for position, (column, value) in enumerate(zip(columns, values, strict=True)):
        if not value:
            continue
        reason = dropout_reason_in(value)
        if reason is None and kind == "dropout" and value.casefold() not in _NO_DROPOUT:
            reason = DropoutReason.OTHER
        if reason is None:
            notes.append(Note(number, column_letter(column.index), f"kommentar, lästes inte: ”{value}”",
                              column.header))
        elif column.dropout is None:
            columns[position] = replace(column, dropout=(reason, value, _Cell(number, column.index, value)))


def _case_of(column: _Column, checklist: Checklist, marker: MarkerMeaning, sequence: int,
             notes: list[Note]) -> CaseData:
    if column.dropout is not None:
        return _dropout_case(column, checklist, sequence, notes)
    parsed: dict[str, Answer | None] = {}
    pending: dict[str, str] = {}  # question id → what the cell needs said about it, if it applies
    for question in checklist.questions():
        cell = column.cells.get(question.id)
        if cell is None:
            parsed[question.id] = None
            continue
        answer, remark = _answer(cell.text, marker)
        if answer is not None and answer not in question.allowed:
            allowed = ", ".join(a.value for a in question.allowed)
            remark = f"”{cell.text}” är inte tillåtet för frågan (bara {allowed}), räknas som obesvarad"
            answer = None
        parsed[question.id] = answer
        if remark:
            pending[question.id] = remark
    effective = effective_answers(checklist, parsed)
    for question in checklist.questions():
        cell = column.cells.get(question.id)
        if cell is None:
            continue
        place = (cell.row, column_letter(cell.column))
        remark = _condition_remark(question, checklist, parsed, effective)
        if remark:
            notes.append(Note(*place, remark, column.header, kind=NoteKind.NOT_APPLICABLE))
        elif question.id in pending and applicability(question, effective) is not Applicability.NOT_APPLICABLE:
            # where the question did not apply, whatever the cell holds counts as X: nothing to say
            notes.append(Note(*place, pending[question.id], column.header))
    return CaseData(
        sequence=sequence,
        case_type=checklist.id,
        gender=Gender.UNKNOWN,
        age_group="",
        status=_status(checklist, parsed, set(column.cells)),
        answers=effective,
    )


def _status(checklist: Checklist, stored: dict[str, Answer | None], in_matrix: set[str]) -> CaseStatus:
    """The status a review would have reached with these answers, the case marked klar when it could
    be. A question the matrix has no row for was not asked that year, so it does not make the case
    unfinished (it still counts as unanswered)."""
    if not [qid for qid in unanswered_question_ids(checklist, stored) if qid in in_matrix]:
        return CaseStatus.DONE
    return CaseStatus.IN_PROGRESS if any(a is not None for a in stored.values()) else CaseStatus.NOT_STARTED


def _condition_remark(question: Question, checklist: Checklist, parsed: dict[str, Answer | None],
                      effective: dict[str, Answer | None]) -> str:
    """What happened to an answer the source gave to a question that did not apply; '' otherwise."""
    condition = question.condition
    given = parsed.get(question.id)
    if condition is None:
        return ""
    parent = checklist.question(condition.question_id)
    state = applicability(question, effective)
    if state is Applicability.NOT_APPLICABLE:
        if given is None or given is Answer.NOT_APPLICABLE:
            return ""
        parent_answer = effective[parent.id]
        assert parent_answer is not None
        return (f"frågan gällde inte – den gäller bara när ”{parent.text}” besvarats {condition.answer.value}, "
                f"och där står {parent_answer.value}. Svaret {given.value} räknades som X")
    if state is Applicability.UNDETERMINED and given is not None:
        return (f"frågan gällde inte – den gäller bara när ”{parent.text}” besvarats "
                f"{condition.answer.value}, och den frågan är obesvarad. Svaret {given.value} räknades som obesvarat")
    return ""


def _dropout_case(column: _Column, checklist: Checklist, sequence: int, notes: list[Note]) -> CaseData:
    assert column.dropout is not None
    reason, text, cell = column.dropout
    answered = sum(1 for c in column.cells.values() if c.text and c is not cell)
    ignored = f"; kolumnens {answered} svar räknades inte" if answered else ""
    notes.append(Note(cell.row, column_letter(cell.column),
                      f"”{text}”: akten räknas som bortfall ({reason.label}){ignored}", column.header,
                      kind=NoteKind.DROPOUT))
    return CaseData(sequence=sequence, case_type=checklist.id, gender=Gender.UNKNOWN, age_group="",
                    status=CaseStatus.DROPOUT, dropout_reason=reason, answers={})


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


def _answer(value: str, marker: MarkerMeaning) -> tuple[Answer | None, str]:
    """The answer a cell holds and, when the cell was not a plain Ja/Nej/X, what was made of it."""
    match = _VALUE.match(value)
    if match:
        answer = Answer.parse(match.group(1))
        if match.group(2):
            return answer, f"”{value}” lästes som {answer.value} (fotnotsmarkering)"
        return answer, ""
    if not value:
        return None, "tom cell, räknas som obesvarad"
    if _BARE_MARKER.match(value):
        if marker is MarkerMeaning.NOT_APPLICABLE:
            return Answer.NOT_APPLICABLE, f"”{value}” (uppgift saknas) räknas som X"
        return None, f"”{value}” (uppgift saknas) räknas som obesvarad"
    if _NOT_APPLICABLE_WORDS.match(value):
        return Answer.NOT_APPLICABLE, f"”{value}” lästes som X"
    return None, f"”{value}” är inget Ja/Nej/X, räknas som obesvarad"
