"""The catalog's `resultat` rows: one granskning's de-identified result as canonical JSON.

A row holds what leaves the enhet in its workbook (domain.UnitData without case numbers,
caseworker codes, comments or names), written in the same transaction as every change of the
granskning, so the utvecklare's summary never needs a granskning's schema. Rows are untrusted when
read: anyone with an enhet's login writes that enhet's row, so a row is refused when it is larger
than `MAX_RESULT_BYTES` (without fetching it) or not of the shape written here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection, case, func, select
from sqlalchemy.dialects.postgresql import insert

from aktgranskning.domain.analysis import ANALYSIS_FIELDS, Activity, ActivityStatus, Analysis
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, DropoutReason, Gender
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.domain.unit_data import CaseData, ChecklistRef, QuestionRef, UnitData, UnitIdentity
from aktgranskning.storage.server_catalog import GRANSKNINGAR, RESULTAT, Granskning, _granskning

FORMAT = 1
# A granskning of 2 000 akter × 100 questions is some 6 MB; far beyond any real one, and small
# enough that reading every enhet's row stays cheap.
MAX_RESULT_BYTES = 16_000_000
MAX_ITEMS = 1_000_000  # cases, questions, answers or activities in one row

T = TypeVar("T")


class ResultShapeError(Exception):
    """A row that is not what this module writes: where in the JSON and what is wrong."""

    def __init__(self, place: str, problem: str) -> None:
        super().__init__(f"{place}: {problem}" if place else problem)
        self.place = place
        self.problem = problem


class ResultTooLarge(UserError):
    def __init__(self, granskning: Granskning, size: int) -> None:
        super().__init__(
            f"Resultatet för {granskning.display_name} är {size / 1e6:.1f} MB som JSON, mer än de "
            f"{MAX_RESULT_BYTES / 1e6:.0f} MB en granskning får ha på servern. Inget ändrades.")


@dataclass(frozen=True)
class StoredResult:
    """One granskning of the year and its row: `data` is None when there is no row or it is too
    large (`size` then says how large)."""

    granskning: Granskning
    data: str | None
    size: int | None
    updated: str


# --- writing ---------------------------------------------------------------------------------------

def result_json(data: UnitData) -> str:
    """The canonical JSON of a de-identified result: keys sorted, no spaces, UTF-8 as is, so the
    same result is always the same text."""
    identity, thresholds = data.identity, data.thresholds
    document = {
        "format": FORMAT,
        "forvaltning": identity.administration, "omrade": identity.area, "enhet": identity.unit,
        "ar": identity.year, "fil_uuid": identity.file_uuid, "appversion": identity.app_version,
        "trosklar": {"gron": thresholds.good, "gul": thresholds.fair},
        "checklistor": [{"id": c.id, "version": c.version, "hash": c.content_hash, "titel": c.title}
                        for c in data.checklists],
        "fragor": [{"checklista": q.checklist_id, "avsnitt": q.section_id, "avsnittsrubrik": q.section_title,
                    "id": q.question_id, "text": q.text, "grans": q.green_limit} for q in data.questions],
        "akter": [{"lopnummer": c.sequence, "arendetyp": c.case_type, "kon": c.gender.value,
                   "aldersgrupp": c.age_group, "status": c.status.value,
                   "bortfallsorsak": c.dropout_reason.value if c.dropout_reason else None,
                   "svar": {q: (a.value if a is not None else None) for q, a in c.answers.items()}}
                  for c in data.cases],
        "analys": {name: data.analysis.text(name) for name in ANALYSIS_FIELDS},
        "aktiviteter": [{"aktivitet": a.activity, "kopplad": a.linked, "ansvarig": a.responsible,
                         "klart_senast": a.due_text or None, "uppfoljning": a.follow_up, "status": a.status.value,
                         "fran_ar": a.from_year, "fragor": list(a.question_ids)}
                        for a in data.analysis.activities],
        "konflikter": data.conflicts,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_result_row(connection: Connection, granskning: Granskning, document: str, at: str) -> None:
    """Insert or replace the granskning's row (refused whole when it is too large)."""
    size = len(document.encode("utf-8"))
    if size > MAX_RESULT_BYTES:
        raise ResultTooLarge(granskning, size)
    statement = insert(RESULTAT).values(granskning_id=granskning.id, enhet_roll=granskning.unit_role,
                                        data=document, uppdaterad=at)
    connection.execute(statement.on_conflict_do_update(
        index_elements=[RESULTAT.c.granskning_id],
        set_={"enhet_roll": statement.excluded.enhet_roll, "data": statement.excluded.data,
              "uppdaterad": statement.excluded.uppdaterad}))


# --- reading ---------------------------------------------------------------------------------------

def results_of_year(connection: Connection, year: int) -> list[StoredResult]:
    """Every granskning of the year this login may see, with its row. The data column is fetched
    only where it is within the limit (a CASE in SQL), so a hostile row is measured, not sent."""
    size = func.octet_length(RESULTAT.c.data)
    query = (
        select(GRANSKNINGAR, size.label("storlek"), RESULTAT.c.uppdaterad.label("resultat_uppdaterad"),
               case((size <= MAX_RESULT_BYTES, RESULTAT.c.data), else_=None).label("resultat_data"))
        .select_from(GRANSKNINGAR.outerjoin(RESULTAT, RESULTAT.c.granskning_id == GRANSKNINGAR.c.id))
        .where(GRANSKNINGAR.c.ar == year)
        .order_by(GRANSKNINGAR.c.omrade, GRANSKNINGAR.c.enhet_nyckel)
    )
    return [
        StoredResult(_granskning(row), row.resultat_data, row.storlek, row.resultat_uppdaterad or "")
        for row in connection.execute(query)
    ]


def unit_data_from_json(document: str) -> UnitData:
    """The result a row holds; ResultShapeError names the place when it is not what result_json
    writes (unknown values, wrong types, answers to questions the row does not list)."""
    try:
        root = json.loads(document)
    except (ValueError, RecursionError) as error:
        raise ResultShapeError("", f"ingen giltig JSON ({error})") from None
    top = _object(root, "", {"format", "forvaltning", "omrade", "enhet", "ar", "fil_uuid", "appversion",
                             "trosklar", "checklistor", "fragor", "akter", "analys", "aktiviteter", "konflikter"})
    if top["format"] != FORMAT:
        raise ResultShapeError("format", f"formatet {top['format']!r} känns inte igen (programmet läser {FORMAT})")
    identity = UnitIdentity(_str(top, "forvaltning", ""), _str(top, "omrade", ""), _str(top, "enhet", ""),
                            _int(top, "ar", ""), _str(top, "fil_uuid", ""), _str(top, "appversion", ""))
    limits = _object(top["trosklar"], "trosklar", {"gron", "gul"})
    try:
        thresholds = Thresholds(_int(limits, "gron", "trosklar"), _int(limits, "gul", "trosklar"))
    except UserError as error:
        raise ResultShapeError("trosklar", error.message) from None
    checklists = tuple(_list(top, "checklistor", _checklist))
    questions = tuple(_list(top, "fragor", _question))
    known = {q.question_id for q in questions}
    cases = tuple(_list(top, "akter", lambda value, place: _case(value, place, known)))
    analysis_texts = _object(top["analys"], "analys", set(ANALYSIS_FIELDS))
    activities = tuple(_list(top, "aktiviteter", _activity))
    analysis = Analysis(**{name: _str(analysis_texts, name, "analys") for name in ANALYSIS_FIELDS},
                        activities=activities)
    conflicts = _int(top, "konflikter", "")
    if conflicts < 0:
        raise ResultShapeError("konflikter", "ett negativt antal")
    return UnitData(identity, checklists, questions, cases, analysis, thresholds, conflicts)


def _checklist(value: object, place: str) -> ChecklistRef:
    item = _object(value, place, {"id", "version", "hash", "titel"})
    return ChecklistRef(_str(item, "id", place), _str(item, "version", place), _str(item, "hash", place),
                        _str(item, "titel", place))


def _question(value: object, place: str) -> QuestionRef:
    item = _object(value, place, {"checklista", "avsnitt", "avsnittsrubrik", "id", "text", "grans"})
    limit = item["grans"]
    if limit is not None and not (_is_int(limit) and 0 <= limit <= 100):
        raise ResultShapeError(f"{place}.grans", "ska vara ett heltal 0–100 eller null")
    return QuestionRef(_str(item, "checklista", place), _str(item, "avsnitt", place),
                       _str(item, "avsnittsrubrik", place), _str(item, "id", place), _str(item, "text", place), limit)


def _case(value: object, place: str, known: set[str]) -> CaseData:
    item = _object(value, place, {"lopnummer", "arendetyp", "kon", "aldersgrupp", "status", "bortfallsorsak", "svar"})
    answers = _object(item["svar"], f"{place}.svar", None)
    if len(answers) > len(known):
        raise ResultShapeError(f"{place}.svar", "fler svar än frågor")
    for question_id in answers:
        if question_id not in known:
            raise ResultShapeError(f"{place}.svar", f"frågan {question_id!r} finns inte bland frågorna")
    reason = item["bortfallsorsak"]
    return CaseData(
        sequence=_int(item, "lopnummer", place),
        case_type=_str(item, "arendetyp", place),
        gender=_enum(Gender, item["kon"], f"{place}.kon"),
        age_group=_str(item, "aldersgrupp", place),
        status=_enum(CaseStatus, item["status"], f"{place}.status"),
        dropout_reason=None if reason is None else _enum(DropoutReason, reason, f"{place}.bortfallsorsak"),
        answers={q: None if a is None else _enum(Answer, a, f"{place}.svar.{q}") for q, a in answers.items()},
    )


def _activity(value: object, place: str) -> Activity:
    item = _object(value, place, {"aktivitet", "kopplad", "ansvarig", "klart_senast", "uppfoljning", "status",
                                  "fran_ar", "fragor"})
    due_text, from_year, ids = item["klart_senast"], item["fran_ar"], item["fragor"]
    try:
        due = None if due_text is None else date.fromisoformat(due_text if isinstance(due_text, str) else "")
    except ValueError:
        raise ResultShapeError(f"{place}.klart_senast", "inget datum ÅÅÅÅ-MM-DD") from None
    if from_year is not None and not _is_int(from_year):
        raise ResultShapeError(f"{place}.fran_ar", "ska vara ett år eller null")
    if not isinstance(ids, list) or len(ids) > MAX_ITEMS or not all(isinstance(i, str) for i in ids):
        raise ResultShapeError(f"{place}.fragor", "ska vara en lista med frågornas id")
    return Activity(_str(item, "aktivitet", place), _str(item, "kopplad", place), _str(item, "ansvarig", place), due,
                    _str(item, "uppfoljning", place), _enum(ActivityStatus, item["status"], f"{place}.status"),
                    from_year, tuple(ids))


# --- shape checks ------------------------------------------------------------------------------------

def _object(value: object, place: str, keys: set[str] | None) -> dict[str, Any]:
    """A JSON object with exactly `keys` (any string keys when None)."""
    if not isinstance(value, dict):
        raise ResultShapeError(place, "ska vara ett objekt")
    if keys is not None and set(value) != keys:
        missing, extra = sorted(keys - set(value)), sorted(set(value) - keys)
        said = ", ".join([*(f"{k} saknas" for k in missing), *(f"{k} känns inte igen" for k in extra)])
        raise ResultShapeError(place, said)
    return value


def _list(item: Mapping[str, Any], key: str, read: Callable[[object, str], T]) -> list[T]:
    value = item[key]
    if not isinstance(value, list):
        raise ResultShapeError(key, "ska vara en lista")
    if len(value) > MAX_ITEMS:
        raise ResultShapeError(key, f"fler än {MAX_ITEMS} poster")
    return [read(entry, f"{key}[{index}]") for index, entry in enumerate(value)]


def _str(item: Mapping[str, Any], key: str, place: str) -> str:
    value = item[key]
    if not isinstance(value, str):
        raise ResultShapeError(_at(place, key), "ska vara en text")
    return value


def _int(item: Mapping[str, Any], key: str, place: str) -> int:
    value = item[key]
    if not _is_int(value):
        raise ResultShapeError(_at(place, key), "ska vara ett heltal")
    return int(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


E = TypeVar("E", Gender, CaseStatus, DropoutReason, Answer, ActivityStatus)


def _enum(kind: type[E], value: object, place: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise ResultShapeError(place, f"värdet {value!r} känns inte igen") from None


def _at(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key
