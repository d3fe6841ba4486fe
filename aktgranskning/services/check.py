"""`kontrollera`: integrity and consistency of a granskningsfil, in plain Swedish."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from aktgranskning.checklist_files import checklist_from_json, content_hash
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case, CaseStatus
from aktgranskning.domain.checklist import (
    Applicability,
    Checklist,
    applicability,
    effective_answers,
)
from aktgranskning.domain.errors import FileProblem
from aktgranskning.domain.review import is_complete
from aktgranskning.services.opening import merge_enhet_folder, read_snapshot, session_from_snapshot
from aktgranskning.services.session import ReviewSession
from aktgranskning.storage.file_checks import integrity_of
from aktgranskning.storage.snapshot import Snapshot


@dataclass
class CheckReport:
    path: Path
    facts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: bool = False  # the file could not be read at all

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        lines = [f"Kontroll av {self.path}", ""]
        lines += [f"  {fact}" for fact in self.facts]
        if self.notes:
            lines += ["", "Att känna till:"] + [f"  – {note}" for note in self.notes]
        if self.problems:
            lines += ["", f"Problem ({len(self.problems)}):"] + [f"  – {p}" for p in self.problems]
            verdict = ("filen kan inte läsas av Aktgranskning." if self.refused
                       else "filen har fel som behöver rättas.")
            lines += ["", f"Bedömning: {verdict}"]
        else:
            lines += ["", "Bedömning: filen är hel och konsekvent."]
        return "\n".join(lines)


def check_review_file(path: Path) -> CheckReport:
    """Reads a private snapshot of the file (with the side files that belong to it), so the
    check never changes the file and says what exists only in a side file."""
    report = CheckReport(path)
    if not path.exists() or path.is_dir():
        read_snapshot(path)  # raises the plain message: there is no file to report on
    try:
        snapshot = read_snapshot(path)
    except FileProblem as refused:  # not a file the program wrote, or changed outside it
        where = f" ({refused.place})" if refused.place else ""
        report.problems.append(f"{refused.problem}{where}")
        report.refused = True
        return report
    _check_side_files(snapshot, report)
    problems_before = len(report.problems)
    _check_sqlite_integrity(path, snapshot, report)
    if len(report.problems) > problems_before:
        snapshot.connection.close()
        return report
    session = session_from_snapshot(path, snapshot, accept_older=True, reviewer="kontroll")
    try:
        report.notes.extend(merge_enhet_folder(session, path))
        _check_session(session, report)
    finally:
        session.close()
    return report


def check_open_session(session: ReviewSession) -> CheckReport:
    """The same checks of the content on a granskning already open for reading (on the server,
    where the database itself keeps the storage whole)."""
    report = CheckReport(session.path)
    _check_session(session, report)
    return report


def _check_session(session: ReviewSession, report: CheckReport) -> None:
    path = session.path
    meta = session.meta
    report.facts += [
        f"Enhet: {meta.unit}, område: {meta.area}, förvaltning: {meta.administration}, år: {meta.year}",
        f"Fil-id: {meta.file_uuid}",
        f"Schemaversion: {meta.schema_version}",
        f"Skapad med Aktgranskning {meta.app_version} ({meta.created_at})",
    ]
    with session.store.transaction() as tx:
        rows = tx.checklist_rows()
        all_answers = tx.all_answers()
        cases = tx.cases()
        audit_count = len(tx.audit_entries()) + len(session.change_log())
    for checklist_id, version, stored_hash, definition in rows:
        actual = content_hash(json.loads(definition))
        verdict = "stämmer" if actual == stored_hash else "STÄMMER INTE"
        report.facts.append(f"Checklista {checklist_id} version {version}: kontrollsumma {stored_hash[:12]}… {verdict}")
        if actual != stored_hash:
            report.problems.append(f"checklistan {checklist_id} har ändrats i filen efter att den skapades.")
        checklist_from_json(definition, source=f"{path}, checklistan {checklist_id}")
    progress = session.progress()
    report.facts.append(
        f"Akter: {progress.total} i urvalet, {progress.done} klara, {progress.in_progress} pågående, "
        f"{progress.not_started} ej påbörjade, {progress.dropouts} bortfall"
    )
    answered = sum(1 for answers in all_answers.values() for a in answers.values() if a is not None)
    report.facts.append(f"Svar: {answered}; rader i ändringsloggen: {audit_count}")
    if session.sources > 1:
        report.facts.append(f"Enhetens filer i mappen: {session.sources}")
    _check_cases(session.checklists, cases, all_answers, report)
    for conflict in session.conflicts():
        report.problems.append(f"granskarna har svarat olika och ingen har bestämt vad som gäller: "
                               f"{conflict.describe()}. Välj i akten i Aktgranskning.")
    if session.folder_warning:
        report.notes.append(session.folder_warning)


def _check_side_files(snapshot: Snapshot, report: CheckReport) -> None:
    applied = ", ".join(side.path.name for side in snapshot.applied)
    report.facts.append(f"Sidofiler som hör till filen: {applied}" if applied else "Sidofiler: inga")
    for side in snapshot.foreign:
        report.problems.append(f"sidofilen {side.path.name} hör inte till filen ({side.reason}); den lästes inte. "
                               "Flytta bort den.")
    if snapshot.answers_only_in_wal:
        report.problems.append(next(n for n in snapshot.notes() if "finns bara i sidofilen" in n))
    if any(side.kind == "journal" for side in snapshot.applied):
        report.notes.append("filen hade en ofullbordad ändring (-journal); kontrollen gäller filen utan den, "
                            "så som den blir när den öppnas nästa gång.")


def _check_sqlite_integrity(path: Path, snapshot: Snapshot, report: CheckReport) -> None:
    integrity = integrity_of(path, snapshot.connection)
    if integrity.ok():
        report.facts.append("Databasens integritet: ok")
    else:
        report.problems.append("databasens integritetskontroll hittade fel: " + "; ".join(integrity.problems[:5]))
    if integrity.broken_references:
        report.problems.append(f"{integrity.broken_references} rader pekar på saker som inte finns "
                               "(främmande nycklar).")


def _check_cases(checklists: dict[str, Checklist], cases: list[Case],
                 all_answers: dict[int, dict[str, Answer | None]], report: CheckReport) -> None:
    for case in cases:
        checklist = checklists.get(case.case_type)
        label = f"akt {case.sequence}"
        if checklist is None:
            report.problems.append(f"{label} har ärendetypen {case.case_type}, som saknar checklista i filen.")
            continue
        stored = all_answers.get(case.id, {})
        for question_id, answer in stored.items():
            if not checklist.has_question(question_id):
                report.problems.append(f"{label} har ett svar på frågan {question_id}, som inte finns i checklistan.")
                continue
            question = checklist.question(question_id)
            if answer is not None and answer not in question.allowed:
                report.problems.append(
                    f"{label}: frågan {question_id} har svaret {answer.value}, som inte är tillåtet.")
        effective = effective_answers(checklist, stored)
        for question in checklist.questions():
            if question.condition is None or stored.get(question.id) is None:
                continue
            if applicability(question, effective) is not Applicability.APPLICABLE:
                report.notes.append(
                    f"{label}: frågan {question.id} har ett sparat svar men gäller inte längre "
                    "(räknas som X)."
                )
        if case.status is CaseStatus.DONE and not is_complete(checklist, stored):
            report.problems.append(f"{label} är markerad som klar men har obesvarade frågor.")
        if case.status is CaseStatus.NOT_STARTED and any(a is not None for a in stored.values()):
            report.problems.append(f"{label} är markerad som ej påbörjad men har svar.")
        if case.status is CaseStatus.DROPOUT and case.dropout_reason is None:
            report.problems.append(f"{label} är bortfall utan angiven orsak.")
        if case.is_reserve and case.replaces_case_id is None and stored:
            report.notes.append(f"{label} är en oanvänd reserv men har svar (från när den ersatte ett bortfall "
                                "som sedan togs tillbaka); svaren räknas inte i resultatet.")
    _check_reserves(cases, report)


def _check_reserves(cases: list[Case], report: CheckReport) -> None:
    by_id = {case.id: case for case in cases}
    replaced: dict[int, list[int]] = {}
    for case in cases:
        label = f"akt {case.sequence}"
        if not case.in_sample and case.status is CaseStatus.DROPOUT:
            report.problems.append(f"{label} är en oanvänd reserv men markerad som bortfall.")
        if case.replaces_case_id is None:
            continue
        if not case.is_reserve:
            report.problems.append(f"{label} är ingen reserv men står som ersättare för en annan akt.")
        original = by_id.get(case.replaces_case_id)
        if original is None:
            report.problems.append(f"{label} ersätter en akt som inte finns.")
        elif original.status is not CaseStatus.DROPOUT:
            report.problems.append(f"{label} ersätter akt {original.sequence}, som inte är bortfall.")
        replaced.setdefault(case.replaces_case_id, []).append(case.sequence)
    for original_id, reserves in replaced.items():
        if len(reserves) > 1 and original_id in by_id:
            numbers = " och ".join(str(n) for n in reserves)
            report.problems.append(f"akt {by_id[original_id].sequence} ersätts av flera reserver ({numbers}).")
