"""Checking, installing and exporting a checklist written in Excel (excel/checklist_workbook.py).

Every problem is found in one pass and named by sheet, Excel row and column header, so an
utvecklare can fix them all before checking again. Besides the form (required fields, ids,
answers, conditions that point to earlier questions) the workbook is held against the installed
checklists: a question id, case type, title or alias that another checklist uses is refused, the
same id must come with a higher version, and a question whose text changed so much that its
meaning may have changed is warned about (`TEXT_SIMILARITY_LIMIT`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aktgranskning.checklist_files import ID_PATTERN, checklist_from_data
from aktgranskning.domain.answers import ALL_ANSWERS, Answer
from aktgranskning.domain.checklist import (
    Checklist,
    InstalledChecklist,
    matching_name,
    names_for_matching,
)
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.excel.checklist_workbook import (
    CHECKLIST_SHEET,
    QUESTION_COLUMNS,
    QUESTIONS_SHEET,
    Cell,
    ChecklistWorkbook,
    QuestionRow,
    SheetProblem,
    read_checklist_workbook,
    write_checklist_workbook,
)
from aktgranskning.services.checklists import (
    ChecklistInventory,
    Installed,
    checklist_inventory,
    install_checklist,
    version_refusal,
)

# A question kept under its id in a new version is compared with the installed one: below this
# similarity of the two texts (difflib's ratio, after case and spacing are evened out) the
# meaning may have changed, and results would be compared across years as if it had not.
TEXT_SIMILARITY_LIMIT = 0.6
VERSION_PATTERN = re.compile(r"^\d+(\.\d+)*$")
CONDITION_PATTERN = re.compile(r"^\s*([^=\s]+)\s*=\s*(\S+)\s*$")
MAX_ID_LENGTH = 64
REQUIRED_COLUMNS = ("id", "avsnitt", "text")
COLUMNS = QUESTION_COLUMNS  # the sheet Frågor's columns, in order, for the window
KIND_LABEL_ROW = {"id": "id", "ärendetyp": "arendetyp", "titel": "titel", "alias": "alias"}


@dataclass(frozen=True)
class CheckResult:
    path: Path
    checklist: Checklist | None  # None while there are problems
    problems: tuple[SheetProblem, ...]
    warnings: tuple[SheetProblem, ...]
    notes: tuple[str, ...] = ()  # what installing it would do
    rows: tuple[QuestionRow, ...] = ()  # the sheet Frågor as read, for showing it beside its problems
    same_as_installed: bool = False  # installing it would change nothing

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self, with_notes: bool = True) -> list[str]:
        """The result as the CLI prints it and the window shows it."""
        if self.problems:
            head = [f"{self.path.name}: {len(self.problems)} fel att rätta innan checklistan kan installeras:"]
        else:
            assert self.checklist is not None
            head = [f"{self.path.name}: checklistan {self.checklist.id} version {self.checklist.version} "
                    f"(”{self.checklist.title}”, {len(self.checklist.question_ids())} frågor) är rätt ifylld."]
        return (head + [f"  Fel: {p}" for p in self.problems] + [f"  Varning: {w}" for w in self.warnings]
                + [f"  {note}" for note in self.notes if with_notes])


def check_checklist_workbook(path: Path, inventory: ChecklistInventory | None = None) -> CheckResult:
    workbook = read_checklist_workbook(path)
    inventory = inventory if inventory is not None else checklist_inventory()
    check = _Check(workbook)
    data = check.checklist_data()
    checklist: Checklist | None = None
    if not check.problems and data is not None:
        try:
            checklist = checklist_from_data(data, source=path)
        except FileProblem as problem:  # the TOML rules again: a safety net, every rule is above
            check.problems.append(SheetProblem("", None, "", problem.problem + f" ({problem.place})"))
    notes: list[str] = []
    if checklist is not None:
        notes = _against_installed(checklist, workbook, inventory, check)
    if check.problems:
        checklist = None
    current = inventory.entry(checklist.id) if checklist is not None else None
    same = current is not None and checklist is not None and current.checklist.content_hash == checklist.content_hash
    return CheckResult(path, checklist, tuple(check.problems), tuple(check.warnings), tuple(notes),
                       tuple(workbook.questions), same)


def install_checklist_workbook(
    path: Path, inventory: ChecklistInventory | None = None
) -> tuple[CheckResult, Installed]:
    """Check the workbook and, when it has no problem, install it into the organisation's folder."""
    inventory = inventory if inventory is not None else checklist_inventory()
    result = check_checklist_workbook(path, inventory)
    if result.checklist is None:
        raise UserError("\n".join(result.lines()))
    return result, install_checklist(result.checklist, inventory, path.name)


def export_checklist_workbook(checklist_id: str, target: Path, inventory: ChecklistInventory | None = None) -> Path:
    inventory = inventory if inventory is not None else checklist_inventory()
    entry = inventory.entry(checklist_id)
    if entry is None:
        known = ", ".join(sorted(c.id for c in inventory.checklists))
        raise UserError(f"Det finns ingen installerad checklista med id {checklist_id} (installerade: {known}).")
    if target.suffix.casefold() != ".xlsx":
        raise UserError(f"{target}: skriv checklistan till en Excelfil som slutar på .xlsx.")
    try:
        return write_checklist_workbook(entry.checklist, target)
    except OSError as exc:
        raise FileProblem(target, f"filen kunde inte skrivas ({exc.strerror}).") from exc


@dataclass
class _Check:
    workbook: ChecklistWorkbook
    problems: list[SheetProblem] = field(default_factory=list)
    warnings: list[SheetProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.problems += self.workbook.problems
        self.warnings += self.workbook.warnings

    def fail(self, sheet: str, row: int | None, column: str, text: str) -> None:
        self.problems.append(SheetProblem(sheet, row, column, text))

    def checklist_data(self) -> dict[str, Any] | None:
        meta = self._meta()
        sections = self._sections()
        if meta is None or sections is None:
            return None
        return {**meta, "avsnitt": sections}

    # --- the sheet Checklista ---
    def _meta(self) -> dict[str, Any] | None:
        meta = self.workbook.meta
        if meta is None:
            return None
        values: dict[str, Any] = {}
        for label in ("id", "version", "titel"):
            cell = meta.get(label)
            if cell is None or not cell.text:
                row = cell.row if cell is not None else None
                self.fail(CHECKLIST_SHEET, row, f"B ({label})" if cell else "A",
                          f"uppgiften ”{label}” saknas; skriv {label} i kolumn A och värdet i kolumn B.")
            else:
                values[label] = cell.text
        if "id" in values:
            self._identifier(CHECKLIST_SHEET, meta["id"], "checklistans id")
        if "version" in values:
            self._version(meta["version"])
        case_type = meta.get("arendetyp")
        values["arendetyp"] = case_type.text if case_type is not None and case_type.text else values.get("titel", "")
        alias = meta.get("alias")
        values["alias"] = [a.strip() for a in re.split(r"[,;]", alias.text) if a.strip()] if alias else []
        return values

    def _version(self, cell: Cell) -> None:
        if not VERSION_PATTERN.match(cell.text):
            self.fail(CHECKLIST_SHEET, cell.row, cell.column, f"versionen ”{cell.text}” ska vara tal åtskilda med "
                      "punkt, t.ex. 2026.1, så att en högre version kan kännas igen.")
        elif cell.number and "." in cell.text:
            self.warnings.append(SheetProblem(CHECKLIST_SHEET, cell.row, cell.column, "versionen är sparad som tal; "
                                 "Excel gör 2026.10 till 2026.1. Skriv den som text (börja med ')."))

    def _identifier(self, sheet: str, cell: Cell, what: str) -> bool:
        if len(cell.text) > MAX_ID_LENGTH:
            self.fail(sheet, cell.row, cell.column, f"{what} ”{cell.text[:20]}…” är längre än {MAX_ID_LENGTH} tecken.")
            return False
        if not ID_PATTERN.match(cell.text):
            self.fail(sheet, cell.row, cell.column, f"{what} ”{cell.text}” får bara innehålla små bokstäver a–z, "
                      "siffror, punkt, bindestreck och understreck (inga å, ä, ö eller mellanslag).")
            return False
        return True

    # --- the sheet Frågor ---
    def _sections(self) -> list[dict[str, Any]] | None:
        workbook = self.workbook
        if workbook.header_row is None:
            return None
        missing = [c for c in REQUIRED_COLUMNS if c not in workbook.headers]
        for column in missing:
            self.fail(QUESTIONS_SHEET, workbook.header_row, column, "kolumnen saknas i rubrikraden.")
        if missing:
            return None
        if not workbook.questions:
            self.fail(QUESTIONS_SHEET, workbook.header_row + 1, "", "bladet har inga frågor under rubrikraden.")
            return None
        sections: list[dict[str, Any]] = []
        section_rows: dict[str, int] = {}  # title → the row it began on
        rows_by_id: dict[str, QuestionRow] = {}
        allowed_by_id: dict[str, list[Answer]] = {}
        order = {row.text("id"): row.row for row in workbook.questions if row.text("id")}
        avsnitt = workbook.header("avsnitt")
        for row in workbook.questions:
            title = row.text("avsnitt")
            if not title and not sections:
                self.fail(QUESTIONS_SHEET, row.row, avsnitt, "den första frågan måste ha ett avsnitt.")
                title = "Frågor"
            if title and (not sections or sections[-1]["rubrik"] != title):
                if title in section_rows:
                    self.fail(QUESTIONS_SHEET, row.row, avsnitt, f"avsnittet ”{title}” började redan "
                              f"på rad {section_rows[title]}; håll ett avsnitts frågor i följd.")
                section_rows.setdefault(title, row.row)
                sections.append({"id": self._section_id(row, title, sections), "rubrik": title, "fragor": []})
            question = self._question(row, rows_by_id, allowed_by_id, order)
            if question is not None:
                sections[-1]["fragor"].append(question)
        return sections

    def _section_id(self, row: QuestionRow, title: str, sections: list[dict[str, Any]]) -> str:
        cell = row.cells.get("avsnitt_id")
        taken = {s["id"] for s in sections}
        if cell is not None and cell.text:
            if self._identifier(QUESTIONS_SHEET, cell, "avsnittets id") and cell.text in taken:
                self.fail(QUESTIONS_SHEET, row.row, cell.column, f"avsnittets id ”{cell.text}” används redan av ett "
                          "annat avsnitt.")
            return cell.text
        base = re.sub(r"[^a-z0-9]+", "_", title.casefold().translate(str.maketrans("åäöéü", "aaoeu"))).strip("_")
        base = (base or "avsnitt")[:MAX_ID_LENGTH - 4]
        candidate, counter = base, 2
        while candidate in taken:
            candidate, counter = f"{base}_{counter}", counter + 1
        return candidate

    def _question(self, row: QuestionRow, rows_by_id: dict[str, QuestionRow],
                  allowed_by_id: dict[str, list[Answer]], order: Mapping[str, int]) -> dict[str, Any] | None:
        header = self.workbook.header
        id_cell = row.cells.get("id")
        question_id = id_cell.text if id_cell is not None else ""
        valid_id = False
        if not question_id:
            self.fail(QUESTIONS_SHEET, row.row, header("id"), "frågan har inget id.")
        elif id_cell is not None and self._identifier(QUESTIONS_SHEET, id_cell, "frågans id"):
            if question_id in rows_by_id:
                self.fail(QUESTIONS_SHEET, row.row, header("id"), f"id ”{question_id}” används redan på rad "
                          f"{rows_by_id[question_id].row}; varje fråga måste ha ett eget id.")
            else:
                valid_id = True
        text = row.text("text")
        if not text:
            self.fail(QUESTIONS_SHEET, row.row, header("text"), "frågans text saknas.")
        allowed = self._allowed(row)
        condition = self._condition(row, question_id, rows_by_id, allowed_by_id, order)
        if valid_id:
            rows_by_id[question_id] = row
            allowed_by_id[question_id] = allowed
        data: dict[str, Any] = {"id": question_id, "text": text, "hjalptext": row.text("hjalptext"),
                                "lagrum": row.text("lagrum"), "svar": [a.value for a in allowed]}
        if condition is not None:
            data["villkor"] = condition
        limit = self._green_limit(row)
        if limit is not None:
            data["grans"] = limit
        return data

    def _green_limit(self, row: QuestionRow) -> int | None:
        cell = row.cells.get("grans")
        if cell is None or not cell.text:
            return None
        digits = cell.text.removesuffix("%").strip()
        if not digits.isdigit() or not 0 <= int(digits) <= 100:
            self.fail(QUESTIONS_SHEET, row.row, cell.column, f"gränsen ”{cell.text}” ska vara ett heltal mellan 0 och "
                      "100 (procent), t.ex. 100; lämna cellen tom för omgångens gränser.")
            return None
        return int(digits)

    def _allowed(self, row: QuestionRow) -> list[Answer]:
        cell = row.cells.get("svar")
        if cell is None or not cell.text:
            return list(ALL_ANSWERS)
        answers: list[Answer] = []
        unknown = False
        for word in (w.strip() for w in re.split(r"[,;/]", cell.text)):
            if not word:
                continue
            try:
                answers.append(Answer.parse(word))
            except ValueError:
                unknown = True
                self.fail(QUESTIONS_SHEET, row.row, cell.column, f"svaret ”{word}” finns inte; tillåtna svar är "
                          "Ja, Nej och X, åtskilda med kommatecken.")
        if not unknown and len(set(answers)) < 2:
            self.fail(QUESTIONS_SHEET, row.row, cell.column, "en fråga måste tillåta minst två svar, t.ex. Ja, Nej.")
        return [a for a in ALL_ANSWERS if a in answers] or list(ALL_ANSWERS)

    def _condition(self, row: QuestionRow, question_id: str, rows_by_id: Mapping[str, QuestionRow],
                   allowed_by_id: Mapping[str, list[Answer]], order: Mapping[str, int]) -> dict[str, str] | None:
        cell = row.cells.get("villkor")
        if cell is None or not cell.text:
            return None
        match = CONDITION_PATTERN.match(cell.text)
        if match is None:
            self.fail(QUESTIONS_SHEET, row.row, cell.column, f"villkoret ”{cell.text}” ska skrivas som "
                      "frågans id = svar, t.ex. ut.samtycke = Nej.")
            return None
        parent, word = match.group(1), match.group(2)
        if parent == question_id:
            self.fail(QUESTIONS_SHEET, row.row, cell.column, "villkoret pekar på frågan själv.")
            return None
        if parent not in rows_by_id:
            later = order.get(parent)
            where = (f"som står längre ned (rad {later}); en fråga kan bara bero på en fråga ovanför"
                     if later is not None and later > row.row else "som inte finns ovanför i bladet")
            self.fail(QUESTIONS_SHEET, row.row, cell.column, f"villkoret pekar på frågan ”{parent}”, {where}.")
            return None
        try:
            answer = Answer.parse(word)
        except ValueError:
            self.fail(QUESTIONS_SHEET, row.row, cell.column, f"svaret ”{word}” i villkoret finns inte; tillåtna svar "
                      "är Ja, Nej och X.")
            return None
        if answer not in allowed_by_id[parent]:
            allowed = ", ".join(a.value for a in allowed_by_id[parent])
            self.fail(QUESTIONS_SHEET, row.row, cell.column, f"frågan ”{parent}” (rad {rows_by_id[parent].row}) kan "
                      f"inte besvaras {answer.value}; den tillåter {allowed}.")
            return None
        return {"fraga": parent, "svar": answer.value}


def _against_installed(checklist: Checklist, workbook: ChecklistWorkbook, inventory: ChecklistInventory,
                       check: _Check) -> list[str]:
    """Clashes with the other installed checklists, the version rule, and changed wordings."""
    notes: list[str] = []
    meta = workbook.meta or {}
    question_rows = {row.text("id"): row.row for row in workbook.questions}
    current = inventory.entry(checklist.id)
    others = [e for e in inventory.installed.checklists if e.checklist.id != checklist.id]
    _shared_question_ids(checklist, others, question_rows, workbook, check)
    _shared_names(checklist, others, meta, check)
    if current is None:
        notes.append(f"Installeras som ny checklista i {inventory.organisation_folder}.")
        return notes
    refusal = version_refusal(checklist, current)
    version_cell = meta.get("version")
    if refusal:
        check.fail(CHECKLIST_SHEET, version_cell.row if version_cell else None,
                   version_cell.column if version_cell else "", refusal)
    elif current.checklist.content_hash == checklist.content_hash:
        notes.append(f"Samma innehåll som den installerade: {current.describe()}; inget ändras.")
    else:
        notes.append(f"Uppdaterar {current.describe()} från version {current.checklist.version} till "
                     f"{checklist.version}.")
        _changed_wordings(checklist, current, question_rows, workbook, check)
    return notes


def _shared_question_ids(checklist: Checklist, others: list[InstalledChecklist], question_rows: Mapping[str, int],
                         workbook: ChecklistWorkbook, check: _Check) -> None:
    owners = {qid: entry for entry in others for qid in entry.checklist.question_ids()}
    for question_id in checklist.question_ids():
        owner = owners.get(question_id)
        if owner is not None:
            check.fail(QUESTIONS_SHEET, question_rows.get(question_id), workbook.header("id"),
                       f"frågans id ”{question_id}” används redan av {owner.describe()}. Ge frågan ett eget id, "
                       "t.ex. med checklistans förkortning först.")


def _shared_names(checklist: Checklist, others: list[InstalledChecklist], meta: Mapping[str, Cell],
                  check: _Check) -> None:
    owners = {matching_name(name): (entry, kind, name) for entry in others
              for kind, name in names_for_matching(entry.checklist)}
    for kind, name in names_for_matching(checklist):
        owner = owners.get(matching_name(name))
        if owner is None:
            continue
        cell = meta.get(KIND_LABEL_ROW[kind]) or meta.get("titel")
        check.fail(CHECKLIST_SHEET, cell.row if cell else None, cell.column if cell else "",
                   f"”{name}” ({kind}) används redan som {owner[1]} ”{owner[2]}” av {owner[0].describe()}. "
                   "Ett ärende kan bara höra till en checklista; ta bort eller byt det.")


def _changed_wordings(checklist: Checklist, current: InstalledChecklist, question_rows: Mapping[str, int],
                      workbook: ChecklistWorkbook, check: _Check) -> None:
    old = current.checklist
    for question in checklist.questions():
        if not old.has_question(question.id):
            continue
        before = old.question(question.id).text
        similarity = text_similarity(before, question.text)
        if similarity < TEXT_SIMILARITY_LIMIT:
            check.warnings.append(SheetProblem(
                QUESTIONS_SHEET, question_rows.get(question.id), workbook.header("text"),
                f"texten har ändrats mycket sedan version {old.version} (likhet {round(similarity * 100)} %, "
                f"varning under {round(TEXT_SIMILARITY_LIMIT * 100)} %): förut ”{before}”. Om frågan nu betyder "
                "något annat, ge den ett nytt id – annars jämförs dess resultat med tidigare år som om det vore "
                "samma fråga."))
    removed = [qid for qid in old.question_ids() if not checklist.has_question(qid)]
    if removed:
        check.warnings.append(SheetProblem(QUESTIONS_SHEET, None, workbook.header("id"), (
            f"{len(removed)} frågor i version {old.version} finns inte längre ({', '.join(removed)}); "
            "deras resultat jämförs inte med tidigare år.")))


def text_similarity(before: str, after: str) -> float:
    """difflib's ratio of the two texts with case and spacing evened out (1.0: the same)."""
    return difflib.SequenceMatcher(None, matching_name(before), matching_name(after)).ratio()

