"""The status of a granskningsfil: progress and per-question counts, as JSON and as Swedish text."""

from __future__ import annotations

from typing import Any

from aktgranskning.domain.changes import Kind
from aktgranskning.domain.unit_data import QuestionTally, UnitData, counted_by_type, question_tallies
from aktgranskning.services.conflicts import Conflict
from aktgranskning.services.session import ReviewSession
from aktgranskning.services.unit_data import unit_data_of


def _every_question(data: UnitData) -> list[QuestionTally]:
    """Every question of every checklist in the file, counted by the one tally engine; a
    checklist without cases that count is listed with zeros."""
    return question_tallies(data, with_empty_checklists=True)


def status_data(session: ReviewSession) -> dict[str, Any]:
    """The stable scripting interface of `aktgranskning status --json`. Keep it compatible."""
    meta = session.meta
    cases = session.cases()
    progress = session.progress()
    conflicts = session.conflicts()
    questions = [
        {
            "id": q.question.question_id,
            "checklista": q.question.checklist_id,
            "text": q.question.text,
            "ja": q.tally.yes,
            "nej": q.tally.no,
            "x": q.tally.not_applicable,
            "obesvarad": q.tally.unanswered,
            "andel": q.tally.share,
        }
        for q in _every_question(unit_data_of(session))
    ]
    return {
        "forvaltning": meta.administration,
        "omrade": meta.area,
        "enhet": meta.unit,
        "ar": meta.year,
        "akter": {
            "totalt": progress.total,
            "klara": progress.done,
            "pagaende": progress.in_progress,
            "ej_paborjade": progress.not_started,
            "bortfall": progress.dropouts,
            "konflikter": len(conflicts),
        },
        "fragor": questions,
        "konflikter": [conflict_json(conflict) for conflict in conflicts],
        "arenden": [
            {
                "lopnummer": case.sequence,
                "arendenummer": case.case_number,
                "arendetyp": case.case_type,
                "kon": case.gender.value,
                "aldersgrupp": case.age_group,
                "handlaggare": case.caseworker_code,
                "status": case.status.value,
                "reserv": case.is_reserve,
            }
            for case in cases
        ],
    }


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    """One conflict for `status --json`: where, and each version with who and when."""
    answer = conflict.kind is Kind.ANSWER
    return {
        "akt": conflict.sequence,
        "fraga": conflict.question_id,
        "falt": conflict.kind.value,
        "svar": [{"svar": version.value if answer else version.text, "granskare": version.who, "tid": version.at}
                 for version in conflict.versions],
    }


def status_text(session: ReviewSession) -> str:
    meta = session.meta
    progress = session.progress()
    lines = [
        f"{meta.unit} {meta.year} ({meta.area}, {meta.administration})",
        f"Fil: {session.path}",
        "",
        f"Akter: {progress.total} i urvalet – {progress.done} klara, {progress.in_progress} pågående, "
        f"{progress.not_started} ej påbörjade, {progress.dropouts} bortfall.",
    ]
    reserves = len(session.unused_reserves())
    if reserves:
        lines.append(f"Oanvända reserver: {reserves}.")
    if session.sources > 1:
        lines.append(f"Enheten lästes ur {session.sources} filer (enhetens fil och granskarnas egna).")
    conflicts = session.conflicts()
    if conflicts:
        lines += ["", f"Konflikter mellan granskarna ({len(conflicts)}), välj i akten vad som gäller:"]
        lines += [f"  – {conflict.describe()}" for conflict in conflicts]
    data = unit_data_of(session)
    tallies = _every_question(data)
    counted = counted_by_type(data)
    for checklist in data.checklists:
        lines += ["", f"{checklist.title} ({len(counted.get(checklist.id, ()))} akter utan bortfall)"]
        lines.append(f"  {'Fråga':<62} {'Ja':>3} {'Nej':>4} {'X':>3} {'Obesv.':>6}  Andel")
        for q in (t for t in tallies if t.question.checklist_id == checklist.id):
            text = q.question.text if len(q.question.text) <= 60 else q.question.text[:59] + "…"
            tally = q.tally
            share = tally.describe() if tally.assessed else "–"
            lines.append(
                f"  {text:<62} {tally.yes:>3} {tally.no:>4} {tally.not_applicable:>3} {tally.unanswered:>6}  {share}"
            )
    return "\n".join(lines)
