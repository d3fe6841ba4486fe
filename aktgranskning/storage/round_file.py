"""The round file (`*.omgang`): the utvecklare's round as JSON, UTF-8.

Written whole and durably (`atomic_file.replace_durably`), so a copy or a sync client always
carries a complete file. Read as untrusted input: the file may come from a colleague, a share or
a hand edit, so its size is bounded, every field is checked against what the program expects and
a problem is named in Swedish with the file and the place, e.g.
"enheter[3].forvantade_akter: ska vara ett heltal ≥ 1".

Unknown keys are ignored (a later version may add some); a file of a later format version is
refused, since it may hold what this version would silently drop when saving.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from aktgranskning.atomic_file import replace_durably
from aktgranskning.domain.analysis import ActivityStatus
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.round import (
    AnalysisLevel,
    LevelAnalysis,
    Milestone,
    Round,
    RoundUnit,
    SharedAction,
)
from aktgranskning.domain.thresholds import Thresholds

ROUND_SUFFIX = ".omgang"
FILE_TYPE = "aktgranskning-omgang"
FORMAT_VERSION = 1
MAX_BYTES = 5 * 1024 * 1024
MAX_UNITS = 2000
MAX_ITEMS = 1000  # checklists, timetable steps, analyses, actions, questions of one action
MAX_NAME = 200  # förvaltning, område, enhet, file and checklist names
MAX_TEXT = 20_000  # analysis and action texts
MAX_DEPTH = 20

T = TypeVar("T")


# --- writing -------------------------------------------------------------------------------------

def round_to_json(round_: Round) -> dict[str, Any]:
    """The file's content. Keys are Swedish without å ä ö, as in the program's other JSON."""
    return {
        "typ": FILE_TYPE,
        "version": FORMAT_VERSION,
        "forvaltning": round_.administration,
        "ar": round_.year,
        "mapp": round_.folder,
        "enheter": [
            {"omrade": u.area, "enhet": u.unit, "forvantade_akter": u.expected_cases, "fil": u.file}
            for u in round_.units
        ],
        "checklistor": list(round_.checklist_ids),
        "trosklar": {"gron": round_.thresholds.good, "gul": round_.thresholds.fair},
        "tidplan": [{"steg": m.step, "datum": _date_text(m.due)} for m in round_.timetable],
        "analyser": [
            {"niva": a.level.value, "namn": a.name, "fungerar_bra": a.strengths,
             "behover_utvecklas": a.development_areas, "behalla_goda": a.keep_good}
            for a in round_.analyses
        ],
        "atgarder": [
            {"atgard": a.action, "prioritet": a.priority, "ansvarig": a.owner, "klart_senast": _date_text(a.due),
             "fragor": list(a.question_ids), "status": a.status.value, "uppfoljning": a.follow_up,
             "fran_ar": a.from_year}
            for a in round_.actions
        ],
    }


def round_bytes(round_: Round) -> bytes:
    return (json.dumps(round_to_json(round_), ensure_ascii=False, indent=2) + "\n").encode("utf-8", "replace")


def write_round_file(path: Path, round_: Round, *, new: bool = False) -> Path:
    """Write the round whole: beside the file, flushed, renamed over it. With `new` an existing
    file is never overwritten."""
    if path.suffix.lower() != ROUND_SUFFIX:
        raise FileProblem(path, f"filnamnet ska sluta på {ROUND_SUFFIX}.")
    if new and (path.exists() or path.is_symlink()):
        raise FileProblem(path, "filen finns redan och skrivs inte över. Välj ett annat namn.")
    data = round_bytes(round_)
    if len(data) > MAX_BYTES:
        raise FileProblem(path, f"omgången blir större än {MAX_BYTES // (1024 * 1024)} MB och sparas inte.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_durably(path, data)
    except OSError as exc:
        raise FileProblem(path, f"filen kunde inte skrivas ({exc.strerror or exc}).") from exc
    return path


def _date_text(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- reading -------------------------------------------------------------------------------------

def read_round_file(path: Path) -> Round:
    """The round in the file, checked field by field; FileProblem names what is wrong and where."""
    raw = _read_bounded(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(path, "filen är inte text i UTF-8 och är ingen omgångsfil.",
                          f"byte {exc.start}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(path, f"filen är inte giltig JSON ({exc.msg}) och är ingen omgångsfil.",
                          f"rad {exc.lineno}, kolumn {exc.colno}") from exc
    except RecursionError as exc:
        raise FileProblem(path, "filen är nästlad för djupt och läses inte.") from exc
    return round_from_json(data, path)


def _read_bounded(path: Path) -> bytes:
    if not path.exists():
        raise FileProblem(path, "filen finns inte.")
    if not path.is_file():  # a pipe or a device would block the read for ever
        raise FileProblem(path, "det här är ingen vanlig fil och den läses inte.")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise FileProblem(path, f"filen kunde inte läsas ({exc.strerror or exc}).") from exc
    if len(raw) > MAX_BYTES:
        raise FileProblem(path, f"filen är större än {MAX_BYTES // (1024 * 1024)} MB och är ingen omgångsfil "
                                "från Aktgranskning; den läses inte.")
    return raw


def round_from_json(data: object, path: Path) -> Round:
    reader = _Reader(path)
    reader.check_depth(data)
    root = reader.mapping(data, "")
    if root.get("typ") != FILE_TYPE:
        raise FileProblem(path, "filen är ingen omgångsfil från Aktgranskning (fältet ”typ” saknas eller är fel).")
    version = reader.integer(root.get("version"), "version", minimum=1)
    if version > FORMAT_VERSION:
        raise FileProblem(path, f"filen är sparad av en nyare version av Aktgranskning (format {version}); "
                                "uppdatera programmet för att öppna den.", "version")
    units = reader.items(root, "enheter", reader.unit, limit=MAX_UNITS)
    thresholds = reader.thresholds(root.get("trosklar"), "trosklar")
    try:
        return Round(
            administration=reader.text(root.get("forvaltning"), "forvaltning", MAX_NAME, required=True),
            year=reader.integer(root.get("ar"), "ar", minimum=1900, maximum=2200),
            units=tuple(units),
            checklist_ids=tuple(reader.items(root, "checklistor",
                                             lambda v, p: reader.text(v, p, MAX_NAME, required=True))),
            thresholds=thresholds,
            timetable=tuple(reader.items(root, "tidplan", reader.milestone)),
            folder=reader.text(root.get("mapp", ""), "mapp", 4096),
            analyses=tuple(reader.items(root, "analyser", reader.analysis)),
            actions=tuple(reader.items(root, "atgarder", reader.action)),
        )
    except FileProblem:
        raise
    except UserError as problem:  # the round's own rules (an enhet twice, …)
        raise FileProblem(path, problem.message, "enheter") from problem


class _Reader:
    """Checks one value at a time and names its place ('enheter[3].forvantade_akter')."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, place: str, problem: str) -> FileProblem:
        return FileProblem(self.path, problem, place)

    def check_depth(self, data: object) -> None:
        stack: list[tuple[object, int]] = [(data, 0)]
        while stack:
            value, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise FileProblem(self.path, "filen är nästlad för djupt och är ingen omgångsfil.")
            if isinstance(value, dict):
                stack += [(item, depth + 1) for item in value.values()]
            elif isinstance(value, list):
                stack += [(item, depth + 1) for item in value]

    def mapping(self, value: object, place: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(place, "ska vara ett objekt ({…})." if place else
                            "filen är ingen omgångsfil från Aktgranskning (ett JSON-objekt väntades).")
        return value

    def items(self, parent: dict[str, Any], key: str, read: Callable[[Any, str], T],
              limit: int = MAX_ITEMS, prefix: str = "") -> list[T]:
        place = f"{prefix}{key}"
        value = parent.get(key, [])
        if not isinstance(value, list):
            raise self.fail(place, "ska vara en lista ([…]).")
        if len(value) > limit:
            raise self.fail(place, f"har {len(value)} poster, fler än de högst {limit} som läses.")
        return [read(item, f"{place}[{index}]") for index, item in enumerate(value)]

    def text(self, value: object, place: str, limit: int = MAX_TEXT, *, required: bool = False) -> str:
        if not isinstance(value, str):
            raise self.fail(place, "ska vara en text.")
        if len(value) > limit:
            raise self.fail(place, f"texten är {len(value)} tecken, längre än de högst {limit} som tillåts.")
        if any(ch in value for ch in "\x00") or any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            raise self.fail(place, "texten innehåller tecken som inte hör hemma i en text.")
        if required and not value.strip():
            raise self.fail(place, "får inte vara tom.")
        return value

    def optional_text(self, parent: dict[str, Any], key: str, place: str, limit: int = MAX_TEXT) -> str:
        value = parent.get(key, "")
        return "" if value is None else self.text(value, f"{place}.{key}", limit)

    def integer(self, value: object, place: str, minimum: int | None = None, maximum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(place, _integer_rule(minimum, maximum))
        if minimum is not None and value < minimum:
            raise self.fail(place, _integer_rule(minimum, maximum))
        if maximum is not None and value > maximum:
            raise self.fail(place, f"ska vara ett heltal mellan {minimum or 0} och {maximum}.")
        return value

    def day(self, value: object, place: str) -> date | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or len(value) != 10:
            raise self.fail(place, "ska vara ett datum ÅÅÅÅ-MM-DD eller null.")
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise self.fail(place, "ska vara ett datum ÅÅÅÅ-MM-DD eller null.") from exc

    def unit(self, value: object, place: str) -> RoundUnit:
        item = self.mapping(value, place)
        return RoundUnit(
            area=self.text(item.get("omrade", ""), f"{place}.omrade", MAX_NAME),
            unit=self.text(item.get("enhet"), f"{place}.enhet", MAX_NAME, required=True),
            expected_cases=self.integer(item.get("forvantade_akter"), f"{place}.forvantade_akter",
                                        minimum=1, maximum=10_000),
            file=self._file_name(self.optional_text(item, "fil", place, MAX_NAME), f"{place}.fil"),
        )

    def _file_name(self, name: str, place: str) -> str:
        if name and (name in (".", "..") or "/" in name or "\\" in name):
            raise self.fail(place, "ska vara ett filnamn i omgångens mapp, utan mappar.")
        return name

    def thresholds(self, value: object, place: str) -> Thresholds:
        if value is None:
            return Thresholds()
        item = self.mapping(value, place)
        good = self.integer(item.get("gron"), f"{place}.gron", minimum=0, maximum=100)
        fair = self.integer(item.get("gul"), f"{place}.gul", minimum=0, maximum=100)
        try:
            return Thresholds(good, fair)
        except UserError as problem:
            raise self.fail(place, problem.message) from problem

    def milestone(self, value: object, place: str) -> Milestone:
        item = self.mapping(value, place)
        return Milestone(self.text(item.get("steg"), f"{place}.steg", MAX_NAME, required=True),
                         self.day(item.get("datum"), f"{place}.datum"))

    def analysis(self, value: object, place: str) -> LevelAnalysis:
        item = self.mapping(value, place)
        level_text = item.get("niva")
        levels = {level.value: level for level in AnalysisLevel}
        if level_text not in levels:
            raise self.fail(f"{place}.niva", "ska vara ”omrade” eller ”forvaltning”.")
        return LevelAnalysis(
            level=levels[level_text],
            name=self.text(item.get("namn", ""), f"{place}.namn", MAX_NAME),
            strengths=self.optional_text(item, "fungerar_bra", place),
            development_areas=self.optional_text(item, "behover_utvecklas", place),
            keep_good=self.optional_text(item, "behalla_goda", place),
        )

    def action(self, value: object, place: str) -> SharedAction:
        item = self.mapping(value, place)
        statuses = {status.value: status for status in ActivityStatus}
        status = item.get("status", ActivityStatus.PLANNED.value)
        if status not in statuses:
            raise self.fail(f"{place}.status", "ska vara en av " + ", ".join(f"”{s}”" for s in statuses) + ".")
        from_year = item.get("fran_ar")
        questions = self.items(item, "fragor", lambda v, p: self.text(v, p, MAX_NAME, required=True),
                               prefix=f"{place}.")
        return SharedAction(
            action=self.optional_text(item, "atgard", place),
            priority=self.integer(item.get("prioritet", 1), f"{place}.prioritet", minimum=1, maximum=10_000),
            owner=self.optional_text(item, "ansvarig", place, MAX_NAME),
            due=self.day(item.get("klart_senast"), f"{place}.klart_senast"),
            question_ids=tuple(questions),
            status=statuses[status],
            follow_up=self.optional_text(item, "uppfoljning", place),
            from_year=None if from_year is None else self.integer(from_year, f"{place}.fran_ar", 1900, 2200),
        )


def _integer_rule(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None and maximum < 10_000:
        return f"ska vara ett heltal mellan {minimum} och {maximum}."
    if minimum is not None:
        return f"ska vara ett heltal ≥ {minimum}."
    return "ska vara ett heltal."
