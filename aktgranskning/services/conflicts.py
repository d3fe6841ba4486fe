"""Conflicts between reviewers, as a person reads them: which akt and question, whose versions
and when. Never decided here; a person decides in the window (`ReviewSession.decide`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aktgranskning.domain.case import Case, CaseStatus, DropoutReason
from aktgranskning.domain.changes import ChangeLog, Kind, Register, RegisterState, decode
from aktgranskning.domain.checklist import Checklist


@dataclass(frozen=True)
class ConflictVersion:
    value: object  # the register value (decoded JSON)
    text: str  # the value in words
    who: str
    at: str


@dataclass(frozen=True)
class Conflict:
    register: Register
    sequence: int | None  # the akt's löpnummer, None for the analysis
    versions: tuple[ConflictVersion, ...]
    question_text: str = ""

    @property
    def kind(self) -> Kind:
        return self.register.kind

    @property
    def case_id(self) -> int | None:
        return self.register.case_id

    @property
    def question_id(self) -> str | None:
        return self.register.name if self.register.kind in (Kind.ANSWER, Kind.COMMENT) else None

    def describe(self) -> str:
        where = f"akt {self.sequence}" if self.sequence is not None else "analysen"
        what = self.kind.label
        if self.question_id:
            what = f"frågan ”{self.question_text}”" if self.question_text else f"frågan {self.question_id}"
            if self.kind is Kind.COMMENT:
                what = f"kommentaren till {what}"
        said = " och ".join(f"{v.who or 'okänd'} {v.text} ({v.at[:16].replace('T', ' ')})" for v in self.versions)
        return f"{where}, {what}: {said}"


def conflicts_of(log: ChangeLog, cases: list[Case], checklists: Mapping[str, Checklist]) -> list[Conflict]:
    sequences = {case.id: case.sequence for case in cases}
    types = {case.id: case.case_type for case in cases}
    found = []
    for state in log.conflicts():
        case_id = state.register.case_id
        if case_id is not None and case_id not in sequences:
            continue
        found.append(Conflict(state.register, sequences.get(case_id) if case_id is not None else None,
                              _versions(state, sequences), _question_text(state.register, types, checklists)))
    return found


def _question_text(register: Register, types: dict[int, str], checklists: Mapping[str, Checklist]) -> str:
    if register.kind not in (Kind.ANSWER, Kind.COMMENT) or register.case_id is None:
        return ""
    checklist = checklists.get(types.get(register.case_id, ""))
    if checklist is None or not checklist.has_question(register.name or ""):
        return ""
    return checklist.question(register.name or "").text


def _versions(state: RegisterState, sequences: dict[int, int]) -> tuple[ConflictVersion, ...]:
    by_value: dict[str, ConflictVersion] = {}
    for head in reversed(state.heads):  # the newest of each value stands for it
        if head.value not in by_value:
            value = decode(head.value)
            by_value[head.value] = ConflictVersion(value, value_text(state.register.kind, value, sequences),
                                                   head.who, head.at)
    return tuple(sorted(by_value.values(), key=lambda v: v.at))


def value_text(kind: Kind, value: object, sequences: dict[int, int] | None = None) -> str:
    """A register value in words, as the window and `status` show it."""
    if kind is Kind.ANSWER:
        return str(value) if value else "inget svar"
    if kind in (Kind.COMMENT, Kind.ANALYSIS):
        return f"”{value}”" if value else "ingen text"
    if kind is Kind.STATUS:
        try:
            return CaseStatus(value).label.lower()
        except ValueError:
            return str(value)
    if kind is Kind.DROPOUT:
        reason, text = value if isinstance(value, list) and len(value) == 2 else (None, "")
        if not reason:
            return "inget bortfall"
        label = DropoutReason(reason).label if reason in {r.value for r in DropoutReason} else str(reason)
        return f"bortfall ({label}{': ' + text if text else ''})"
    if kind is Kind.RESERVE:
        if value is None:
            return "oanvänd reserv"
        shown = sequences.get(value, value) if sequences and isinstance(value, int) else value
        return f"ersätter akt {shown}"
    if kind is Kind.ACTIVITIES:
        return f"{len(value) if isinstance(value, list) else 0} aktiviteter"
    if isinstance(value, list) and len(value) == 2:
        return f"grön från {value[0]} %, gul från {value[1]} %"
    return str(value)
