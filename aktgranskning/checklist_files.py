"""Reads checklist files (TOML, Swedish keys) into domain checklists, with errors a person can act on.

Checklists are data: an utvecklare adds or adapts one by adding a file to `checklists/`.
The same dictionary form is stored inside each granskningsfil, so a file keeps the exact
questions it was reviewed with even when the checklist folder changes later.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

from aktgranskning.domain.answers import ALL_ANSWERS, Answer
from aktgranskning.domain.checklist import Checklist, Condition, Question, Section
from aktgranskning.domain.errors import FileProblem

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")  # checklists, sections and questions


def load_checklist_file(path: Path) -> Checklist:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileProblem(path, f"filen kunde inte läsas ({exc.strerror}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(path, "filen är inte sparad som UTF-8.", f"byte {exc.start}") from exc
    known = _parsed_toml.get(text)
    if known is not None:
        return known
    import tomllib  # only for installed checklists: opening a granskningsfil reads them as JSON

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FileProblem(path, f"filen är inte giltig TOML: {_translate_toml_error(exc)}") from exc
    except RecursionError as exc:
        raise FileProblem(path, "filen har listor eller tabeller inuti varandra i fler nivåer än en checklista "
                                "kan ha, och läses inte.") from exc
    except ValueError as exc:  # e.g. an integer of thousands of digits (Python's limit on converting it)
        raise FileProblem(path, "filen har ett tal som är för långt för att vara ett värde i en checklista, och "
                                "läses inte.") from exc
    return _parsed_toml.keep(text, checklist_from_data(data, source=path))


def load_checklist_folder(folder: Path) -> list[Checklist]:
    checklists = [load_checklist_file(path) for path in sorted(folder.glob("*.toml"))]
    _ensure_unique_ids(checklists, folder)
    return checklists


def checklist_to_toml(checklist: Checklist, comment: str = "") -> str:
    """The checklist as a TOML file of the same form as the built-in ones; loading it gives the
    same checklist (the same content hash)."""
    data = checklist_data(checklist)
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    if lines:
        lines.append("")
    for key in ("id", "version", "titel", "arendetyp"):
        lines.append(f"{key} = {_toml_string(data[key])}")
    lines.append(f"alias = {_toml_list(data['alias'])}")
    for section in data["avsnitt"]:
        lines += ["", "[[avsnitt]]", f"id = {_toml_string(section['id'])}",
                  f"rubrik = {_toml_string(section['rubrik'])}"]
        for question in section["fragor"]:
            lines += ["", "[[avsnitt.fragor]]"]
            for key in ("id", "text", "hjalptext", "lagrum"):
                if question[key] or key in ("id", "text"):
                    lines.append(f"{key} = {_toml_string(question[key])}")
            lines.append(f"svar = {_toml_list(question['svar'])}")
            if "grans" in question:
                lines.append(f"grans = {question['grans']}")
            if "villkor" in question:
                parent, answer = _toml_string(question["villkor"]["fraga"]), _toml_string(question["villkor"]["svar"])
                lines.append(f"villkor = {{ fraga = {parent}, svar = {answer} }}")
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    # A JSON string is a TOML basic string once DEL is escaped; a lone surrogate (which no TOML
    # or workbook text can hold) becomes the replacement character.
    encoded = json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
    return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in encoded)


def _toml_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_string(item) for item in items) + "]"


def checklist_from_json(text: str, source: object) -> Checklist:
    known = _parsed_json.get(text)
    if known is not None:
        return known
    return _parsed_json.keep(text, checklist_from_data(json.loads(text), source=source))


class _ParsedTexts:
    """Checklists already read, by the exact text they were read from: every granskningsfil of a
    round stores the same few definitions, and a summary of 300 files or a window that opens
    one file after another would otherwise check and build each of them again. A checklist is
    immutable and names no file, so one text gives one checklist wherever it came from; a text
    that fails is never kept, so its error names each file it is found in. Bounded by the
    characters kept (oldest out); shared by the window's background jobs, hence the lock."""

    def __init__(self, max_chars: int) -> None:
        self._max_chars = max_chars
        self._chars = 0
        self._by_text: dict[str, Checklist] = {}
        self._lock = threading.Lock()

    def get(self, text: str) -> Checklist | None:
        with self._lock:
            return self._by_text.get(text)

    def keep(self, text: str, checklist: Checklist) -> Checklist:
        if len(text) > self._max_chars:
            return checklist
        with self._lock:
            if text not in self._by_text:
                while self._chars + len(text) > self._max_chars:
                    oldest = next(iter(self._by_text))
                    self._chars -= len(oldest)
                    del self._by_text[oldest]
                self._by_text[text] = checklist
                self._chars += len(text)
        return checklist


_parsed_json = _ParsedTexts(4_000_000)
_parsed_toml = _ParsedTexts(4_000_000)


def checklist_to_json(checklist_data: Mapping[str, Any]) -> str:
    return json.dumps(checklist_data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def checklist_data(checklist: Checklist) -> dict[str, Any]:
    """The dictionary form of a checklist (the same keys as the TOML files)."""
    return {
        "id": checklist.id,
        "version": checklist.version,
        "titel": checklist.title,
        "arendetyp": checklist.case_type,
        "alias": list(checklist.aliases),
        "avsnitt": [
            {
                "id": section.id,
                "rubrik": section.title,
                "fragor": [_question_data(q) for q in section.questions],
            }
            for section in checklist.sections
        ],
    }


def _question_data(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": question.id,
        "text": question.text,
        "hjalptext": question.help_text,
        "lagrum": question.legal_basis,
        "svar": [a.value for a in question.allowed],
    }
    if question.green_limit is not None:
        # Only when set, so a checklist without own limits keeps its content hash.
        data["grans"] = question.green_limit
    if question.condition is not None:
        data["villkor"] = {
            "fraga": question.condition.question_id,
            "svar": question.condition.answer.value,
        }
    return data


def content_hash(data: Mapping[str, Any]) -> str:
    """A hash of what the checklist says, blind to comments, key order and spacing in the file."""
    canonical = checklist_to_json({k: v for k, v in data.items() if k != "content_hash"})
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def checklist_from_data(data: Mapping[str, Any], source: object) -> Checklist:
    reader = _Reader(source)
    checklist_id = reader.identifier(data, "id", "checklistan")
    version = reader.text(data, "version", "checklistan")
    title = reader.text(data, "titel", "checklistan")
    case_type = reader.text(data, "arendetyp", "checklistan", default=title)
    aliases = tuple(reader.text_list(data, "alias", "checklistan"))
    raw_sections = reader.table_list(data, "avsnitt", "checklistan")
    if not raw_sections:
        reader.fail("checklistan", "checklistan har inga avsnitt ([[avsnitt]]).")
    sections: list[Section] = []
    seen: dict[str, Answer | None] = {}
    for s_index, raw_section in enumerate(raw_sections, start=1):
        sections.append(reader.section(raw_section, s_index, seen))
    normalised = checklist_data(
        Checklist(checklist_id, version, title, case_type, tuple(sections), aliases)
    )
    return Checklist(
        checklist_id, version, title, case_type, tuple(sections), aliases,
        content_hash=content_hash(normalised),
    )


class _Reader:
    """Validates one checklist's data; every failure names the file and the place."""

    def __init__(self, source: object) -> None:
        self.source = source

    def fail(self, place: str, problem: str) -> NoReturn:
        raise FileProblem(self.source, problem, place)

    def value(self, table: Mapping[str, Any], key: str, place: str) -> Any:
        if not isinstance(table, Mapping):
            self.fail(place, "här ska det stå en tabell med nycklar och värden.")
        if key not in table:
            self.fail(place, f"nyckeln ”{key}” saknas.")
        return table[key]

    def text(self, table: Mapping[str, Any], key: str, place: str, default: str | None = None) -> str:
        if default is not None and key not in table:
            return default
        value = self.value(table, key, place)
        if not isinstance(value, str) or not value.strip():
            self.fail(place, f"”{key}” ska vara en text som inte är tom.")
        return value.strip()

    def optional_text(self, table: Mapping[str, Any], key: str, place: str) -> str:
        if key not in table:
            return ""
        value = table[key]
        if not isinstance(value, str):
            self.fail(place, f"”{key}” ska vara en text.")
        return value.strip()

    def identifier(self, table: Mapping[str, Any], key: str, place: str) -> str:
        value = self.text(table, key, place)
        if not ID_PATTERN.match(value):
            self.fail(
                place,
                f"id ”{value}” får bara innehålla små bokstäver a–z, siffror, punkt, bindestreck "
                "och understreck (inga å, ä, ö eller mellanslag).",
            )
        return value

    def text_list(self, table: Mapping[str, Any], key: str, place: str) -> list[str]:
        if key not in table:
            return []
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(place, f"”{key}” ska vara en lista med texter, t.ex. [\"Ja\", \"Nej\"].")
        return [v.strip() for v in value]

    def table_list(self, table: Mapping[str, Any], key: str, place: str) -> list[Mapping[str, Any]]:
        value = self.value(table, key, place)
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            self.fail(place, f"”{key}” ska vara en lista av tabeller ([[{key}]]).")
        return value

    def section(
        self, raw: Mapping[str, Any], index: int, seen: dict[str, Answer | None]
    ) -> Section:
        place = f"avsnitt {index}"
        section_id = self.identifier(raw, "id", place)
        title = self.text(raw, "rubrik", place)
        raw_questions = self.table_list(raw, "fragor", f"{place} (id {section_id})")
        if not raw_questions:
            self.fail(place, "avsnittet har inga frågor ([[avsnitt.fragor]]).")
        questions = tuple(
            self.question(raw_q, f"avsnitt {index}, fråga {q_index}", seen)
            for q_index, raw_q in enumerate(raw_questions, start=1)
        )
        return Section(section_id, title, questions)

    def question(self, raw: Mapping[str, Any], place: str, seen: dict[str, Answer | None]) -> Question:
        question_id = self.identifier(raw, "id", place)
        place = f"{place} (id {question_id})"
        if question_id in seen:
            self.fail(place, f"frågans id ”{question_id}” används redan av en annan fråga.")
        question = Question(
            id=question_id,
            text=self.text(raw, "text", place),
            help_text=self.optional_text(raw, "hjalptext", place),
            legal_basis=self.optional_text(raw, "lagrum", place),
            allowed=self.allowed_answers(raw, place),
            condition=self.condition(raw, place, seen),
            green_limit=self.green_limit(raw, place),
        )
        seen[question_id] = None
        return question

    def allowed_answers(self, raw: Mapping[str, Any], place: str) -> tuple[Answer, ...]:
        if "svar" not in raw:
            return ALL_ANSWERS
        words = self.text_list(raw, "svar", place)
        answers: list[Answer] = []
        for word in words:
            try:
                answers.append(Answer.parse(word))
            except ValueError:
                self.fail(place, f"svaret ”{word}” finns inte; tillåtna svar är Ja, Nej och X.")
        if len(answers) < 2:
            self.fail(place, "en fråga måste tillåta minst två svar.")
        return tuple(a for a in ALL_ANSWERS if a in answers)

    def green_limit(self, raw: Mapping[str, Any], place: str) -> int | None:
        if "grans" not in raw:
            return None
        value = raw["grans"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            self.fail(place, "”grans” ska vara ett heltal mellan 0 och 100 (procent), t.ex. grans = 100.")
        return value

    def condition(
        self, raw: Mapping[str, Any], place: str, seen: Mapping[str, Answer | None]
    ) -> Condition | None:
        if "villkor" not in raw:
            return None
        table = raw["villkor"]
        where = f"{place}, villkor"
        parent = self.text(table, "fraga", where)
        if parent not in seen:
            self.fail(
                where,
                f"villkoret pekar på frågan ”{parent}”, som inte finns före denna fråga "
                "i checklistan.",
            )
        word = self.text(table, "svar", where)
        try:
            answer = Answer.parse(word)
        except ValueError:
            self.fail(where, f"svaret ”{word}” finns inte; tillåtna svar är Ja, Nej och X.")
        return Condition(parent, answer)


def _ensure_unique_ids(checklists: Iterable[Checklist], folder: Path) -> None:
    seen: set[str] = set()
    for checklist in checklists:
        if checklist.id in seen:
            raise FileProblem(
                folder, f"två checklistor har samma id ”{checklist.id}”; varje id måste vara unikt."
            )
        seen.add(checklist.id)


_TOML_PHRASES = {
    "Invalid value": "ogiltigt värde",
    "Expected '=' after a key in a key/value pair": "”=” saknas efter en nyckel",
    "Unclosed array": "en lista saknar avslutande ]",
    "Invalid statement": "ogiltig rad",
    "Cannot overwrite a value": "ett värde anges två gånger",
    "Illegal character": "otillåtet tecken",
    "Unterminated string": "en text saknar avslutande citattecken",
}


def _translate_toml_error(exc: ValueError) -> str:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    location = f"rad {match.group(1)}, kolumn {match.group(2)}" if match else ""
    phrase = message.split(" (at ")[0]
    for english, swedish in _TOML_PHRASES.items():
        if phrase.startswith(english):
            phrase = swedish
            break
    else:
        phrase = f"syntaxfel ({phrase})"
    return f"{phrase} på {location}." if location else f"{phrase}."
