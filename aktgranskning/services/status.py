"""The status of a granskningsfil: progress and per-question counts, as JSON and as Swedish text."""

from __future__ import annotations

from typing import Any

from aktgranskning.domain.changes import Kind
from aktgranskning.domain.results import format_percent
from aktgranskning.services.conflicts import Conflict
from aktgranskning.services.session import ReviewSession


def status_data(session: ReviewSession) -> dict[str, Any]:
    """The stable scripting interface of `aktgranskning status --json`. Keep it compatible."""
    meta = session.meta
    cases = session.cases()
    progress = session.progress()
    questions = []
    for result in session.results():
        for q in result.questions:
            questions.append(
                {
                    "id": q.question_id,
                    "checklista": q.checklist_id,
                    "text": q.text,
                    "ja": q.tally.yes,
                    "nej": q.tally.no,
                    "x": q.tally.not_applicable,
                    "obesvarad": q.tally.unanswered,
                    "andel": q.tally.share,
                }
            )
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
        },
        "fragor": questions,
        "konflikter": [conflict_json(conflict) for conflict in session.conflicts()],
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
    for result in session.results():
        lines += ["", f"{result.checklist.title} ({result.cases_reviewed} akter utan bortfall)"]
        lines.append(f"  {'Fråga':<62} {'Ja':>3} {'Nej':>4} {'X':>3} {'Obesv.':>6}  Andel")
        for q in result.questions:
            text = q.text if len(q.text) <= 60 else q.text[:59] + "…"
            tally = q.tally
            share = f"{tally.yes} av {tally.assessed} ({format_percent(tally.share)})" if tally.assessed else "–"
            lines.append(
                f"  {text:<62} {tally.yes:>3} {tally.no:>4} {tally.not_applicable:>3} {tally.unanswered:>6}  {share}"
            )
    return "\n".join(lines)
