"""`aktgranskning sammanfoga`: answers from reviewers' copies into the enhet's granskningsfil."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aktgranskning.domain.copy_merge import Key, MergePlan, Version, plan_merge
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.review_file import AuditEntry, now_iso
from aktgranskning.services.opening import open_for_reading, open_review_file
from aktgranskning.services.session import ReviewSession


@dataclass(frozen=True)
class MergeResult:
    plan: MergePlan
    applied: int
    not_applied: tuple[tuple[Key, str], ...]  # answers that could not be recorded, with why


def answer_versions(session: ReviewSession, source: str) -> dict[Key, Version]:
    with session.reading() as tx:
        cases = {case.id: case for case in tx.cases()}
        result = {}
        for case_id, case in cases.items():
            for question_id, record in tx.answer_records(case_id).items():
                if record.answer is not None:
                    result[(case.sequence, question_id)] = Version(
                        record.answer, record.answered_at, record.reviewer, source
                    )
    return result


def _case_numbers(session: ReviewSession) -> dict[int, str]:
    return {case.sequence: case.case_number for case in session.cases()}


CONFLICT_FIELD = "konflikt"


def merge_copies(target_path: Path, copies: Sequence[Path], who: str, keep_target: bool = False,
                 session: ReviewSession | None = None) -> MergeResult:
    """Bring the copies' answers in. With `keep_target`, a person has decided: for every conflict
    where the enhet's file has an answer, that answer stands, and the differing answers of the
    copies are recorded in the audit log as set aside, so they are not reported again. `session`:
    the enhet as the window has it open (it stays open); otherwise it is opened here."""
    if not copies:
        raise UserError("Ange minst en kopia att föra in.")
    target = session if session is not None else open_review_file(target_path, reviewer=who)
    try:
        set_aside = _set_aside(target)
        copy_versions = [
            {k: v for k, v in _read_copy(path, target).items() if _fingerprint(k, v) not in set_aside}
            for path in copies
        ]
        target_versions = answer_versions(target, target_path.name)
        plan = plan_merge(target_versions, copy_versions)
        if keep_target and plan.conflicts:
            _record_decisions(target, plan, target_versions)
            plan = plan_merge(target_versions, [
                {k: v for k, v in versions.items() if _fingerprint(k, v) not in _set_aside(target)}
                for versions in copy_versions
            ])
        applied, not_applied = _apply(target, plan)
    finally:
        if session is None:
            target.close()
    return MergeResult(plan, applied, tuple(not_applied))


def _fingerprint(key: Key, version: Version) -> str:
    return json.dumps([key[0], key[1], version.answer.value, version.reviewer, version.at, version.source],
                      ensure_ascii=False)


def _set_aside(target: ReviewSession) -> set[str]:
    return {entry.old_value or "" for entry in target.audit_entries() if entry.field == CONFLICT_FIELD}


def _record_decisions(target: ReviewSession, plan: MergePlan, target_versions: dict[Key, Version]) -> None:
    ids = {case.sequence: case.id for case in target.cases()}
    at = now_iso()
    with target.writing() as tx:
        for conflict in plan.conflicts:
            key = (conflict.sequence, conflict.question_id)
            kept = target_versions.get(key)
            if kept is None:
                continue  # nobody has answered in the enhet's file yet: a person must first
            for version in conflict.versions:
                if version.answer is not kept.answer:
                    tx.audit(AuditEntry(at, target.reviewer, ids[conflict.sequence], conflict.question_id,
                                        CONFLICT_FIELD, _fingerprint(key, version), f"behöll {kept.answer.value}"))


def _read_copy(path: Path, target: ReviewSession) -> dict[Key, Version]:
    if path.resolve() == target.path.resolve():
        raise FileProblem(path, "det är enhetens egen fil, inte en kopia.")
    copy = open_for_reading(path)
    try:
        if copy.meta.file_uuid != target.meta.file_uuid:
            raise FileProblem(
                path, f"filen är inte en kopia av {target.path.name} (den gäller {copy.meta.display_name} "
                f"med ett annat fil-id)."
            )
        if _case_numbers(copy) != _case_numbers(target):
            raise FileProblem(path, f"akterna i kopian stämmer inte med akterna i {target.path.name}.")
        return answer_versions(copy, path.name)
    finally:
        copy.close()


def _apply(target: ReviewSession, plan: MergePlan) -> tuple[int, list[tuple[Key, str]]]:
    ids = {case.sequence: case.id for case in target.cases()}
    by_case: dict[int, list[tuple[str, Version]]] = {}
    for (sequence, question_id), version in plan.to_apply.items():
        by_case.setdefault(sequence, []).append((question_id, version))
    applied = 0
    not_applied: list[tuple[Key, str]] = []
    for sequence, items in sorted(by_case.items()):
        # Parents before their conditional questions: the checklist's order.
        case = target.case(ids[sequence])
        order = {q.id: n for n, q in enumerate(target.checklist_for(case).questions())}
        for question_id, version in sorted(items, key=lambda item: order.get(item[0], 0)):
            try:
                target.apply_answers({ids[sequence]: {question_id: version.answer}}, version.reviewer, version.at)
                applied += 1
            except UserError as error:
                not_applied.append(((sequence, question_id), error.message))
    return applied, not_applied
