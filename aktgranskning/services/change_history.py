"""The change log as audit entries (who changed what, from what, to what), in the form the
history dialog and `kontrollera` have always read."""

from __future__ import annotations

from aktgranskning.domain.changes import PER_CASE, PER_QUESTION, Change, ChangeLog, Kind, decode
from aktgranskning.domain.review_file import AuditEntry


def audit_of_changes(log: ChangeLog, case_id: int | None, sequences: dict[int, int]) -> list[AuditEntry]:
    entries = []
    for change in log.changes():
        register = change.register
        if register.kind not in PER_QUESTION | PER_CASE or register.case_id is None:
            continue
        if case_id is not None and register.case_id != case_id:
            continue
        entries.append(AuditEntry(
            change.at, change.who, register.case_id, register.name if register.kind in PER_QUESTION else None,
            register.kind.value, _audit_text(change, change.old_value, sequences),
            _audit_text(change, change.value, sequences),
        ))
    return entries


def _audit_text(change: Change, encoded: str, sequences: dict[int, int]) -> str | None:
    value = decode(encoded)
    kind = change.register.kind
    if kind is Kind.DROPOUT:
        return value[0] if isinstance(value, list) and value else None
    if kind is Kind.RESERVE:
        return f"ersätter akt {sequences.get(value, value)}" if isinstance(value, int) else None
    if kind is Kind.COMMENT:
        return value if isinstance(value, str) else ""
    return value if isinstance(value, str) else None
