"""An enhet's anonymous result data, from an open granskningsfil or from a file on disk
(a granskningsfil or an enhet workbook), and where last year's file is likely to be."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case
from aktgranskning.domain.checklist import Checklist, effective_answers
from aktgranskning.domain.review_file import FileMeta
from aktgranskning.domain.unit_data import (
    CaseData,
    ChecklistRef,
    QuestionRef,
    UnitData,
    UnitIdentity,
)
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.session import ReviewSession
from aktgranskning.storage.store import ReviewTransaction

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def unit_data_of(session: ReviewSession) -> UnitData:
    conflicts = len(session.conflicts())  # its own transactions: not inside the one below
    with session.reading() as tx:
        return _unit_data(tx, session.meta, list(session.checklists.values()), conflicts)


def unit_data_in(tx: ReviewTransaction) -> UnitData:
    """The result of the granskning the transaction is on, read within it (the server's hook
    that writes the result for summaries runs inside the transaction that changed it). The
    granskning is at the newest schema, as every one on the server is, so it has change rows."""
    from aktgranskning.domain.changes import ChangeLog
    from aktgranskning.services.conflicts import conflicts_of

    checklists = tx.checklists()
    log = ChangeLog(tx.changes())
    conflicts = len(conflicts_of(log, tx.cases(), checklists)) if log.conflicts() else 0
    return _unit_data(tx, tx.read_meta(), list(checklists.values()), conflicts)


def _unit_data(tx: ReviewTransaction, meta: FileMeta, checklists: list[Checklist], conflicts: int) -> UnitData:
    cases = tx.cases()
    answers = tx.all_answers()
    by_id = {c.id: c for c in checklists}
    return UnitData(
        identity=UnitIdentity(
            meta.administration, meta.area, meta.unit, meta.year, meta.file_uuid, meta.app_version
        ),
        checklists=tuple(ChecklistRef(c.id, c.version, c.content_hash, c.title) for c in checklists),
        questions=tuple(question_refs(checklists)),
        cases=tuple(
            _case_data(case, by_id[case.case_type], answers.get(case.id, {}))
            for case in cases
            if case.in_sample
        ),
        analysis=tx.analysis(),
        thresholds=tx.thresholds(),
        conflicts=conflicts,
    )


def question_refs(checklists: list[Checklist]) -> list[QuestionRef]:
    return [
        QuestionRef(checklist.id, section.id, section.title, question.id, question.text,
                    question.green_limit)
        for checklist in checklists
        for section in checklist.sections
        for question in section.questions
    ]


def _case_data(case: Case, checklist: Checklist, stored: Mapping[str, Answer | None]) -> CaseData:
    counted = case.counts_in_results
    return CaseData(
        sequence=case.sequence,
        case_type=case.case_type,
        gender=case.gender,
        age_group=case.age_group,
        status=case.status,
        dropout_reason=case.dropout_reason,
        answers=effective_answers(checklist, stored) if counted else {},
    )


def read_unit_file(path: Path) -> tuple[UnitData, bool | None]:
    """An enhet's result from a granskningsfil or an enhet workbook, and whether the workbook's
    Data sheet matches its checksum (None for a granskningsfil, which has none). Case numbers
    never leave the granskningsfil's session."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from aktgranskning.excel.unit_workbook_reader import read_unit_workbook  # openpyxl: only when read

        book = read_unit_workbook(path)
        return book.data, book.checksum_matches
    session = open_for_reading(path)
    try:
        return unit_data_of(session), None
    finally:
        session.close()


def load_unit_data(path: Path) -> UnitData:
    return read_unit_file(path)[0]


def find_previous_year(path: Path, unit: str, year: int) -> Path | None:
    """Last year's file for the same enhet beside this one: the granskningsfil, else the workbook."""
    for suffix in (path.suffix, ".xlsx"):
        candidate = path.with_name(f"{unit} {year - 1}{suffix}")
        if candidate.is_file():
            return candidate
    return None

