"""Changes that several reviewers make to one enhet, each in a file of their own, and how they merge.

Every change to what an enhet holds — an answer, a comment, a case's status, its bortfall, which
reserve replaces which case, an analysis text, the activities, the colour limits — is a `Change`
of one *register* (one value that a person sets). It carries who made it, when, the value, the
value the person's screen showed, and `replaces`: the ids of the changes that were current for
that register when it was made (the version the screen showed).

The merge rule (a multi-value register per key, as in Dynamo and Automerge):
- the changes of an enhet form a set, united over all files; a change is identified by its id, so
  reading a file twice or in any order gives the same set;
- the *heads* of a register are its changes that no other change replaces;
- one head, or several heads with the same value: that value holds;
- several heads with different values: a conflict. Two changes made from the same earlier state to
  different values; a change that saw another (replaces it) is an update, not a conflict;
- a decision is a new change that replaces every head, so the conflict is gone wherever that
  change arrives.
Every writer keeps every change it has seen in its own file, so each file is causally complete:
a file that holds a change also holds the changes it replaces. The heads of a set are a function
of the set alone, so every computer that has read the same files shows the same thing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


class Kind(Enum):
    """What a register holds; the value is the audit log's field name."""

    ANSWER = "svar"
    COMMENT = "kommentar"
    STATUS = "status"
    DROPOUT = "bortfall"
    RESERVE = "reserv"
    ANALYSIS = "analys"
    ACTIVITIES = "aktiviteter"
    THRESHOLDS = "trosklar"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    Kind.ANSWER: "svaret",
    Kind.COMMENT: "kommentaren",
    Kind.STATUS: "aktens status",
    Kind.DROPOUT: "bortfallet",
    Kind.RESERVE: "reserven",
    Kind.ANALYSIS: "analystexten",
    Kind.ACTIVITIES: "förbättringsaktiviteterna",
    Kind.THRESHOLDS: "färggränserna",
}

PER_QUESTION = frozenset({Kind.ANSWER, Kind.COMMENT})
PER_CASE = frozenset({Kind.STATUS, Kind.DROPOUT, Kind.RESERVE})
MAX_REGISTER = 300
_QUESTION_ID = re.compile(r"[^/\s]{1,200}")
_FIELD = re.compile(r"[a-z_]{1,100}")


@dataclass(frozen=True, order=True)
class Register:
    """One value a person sets: `svar/12/FB3`, `status/12`, `analys/strengths`, `aktiviteter`."""

    kind: Kind = field(compare=False)
    case_id: int | None = field(default=None, compare=False)
    name: str | None = field(default=None, compare=False)  # the question id, or the analysis field
    text: str = ""  # what identifies it; stored in the file

    @classmethod
    def answer(cls, case_id: int, question_id: str) -> Register:
        return cls.of(Kind.ANSWER, case_id, question_id)

    @classmethod
    def comment(cls, case_id: int, question_id: str) -> Register:
        return cls.of(Kind.COMMENT, case_id, question_id)

    @classmethod
    def of(cls, kind: Kind, case_id: int | None = None, name: str | None = None) -> Register:
        parts = [kind.value, *([str(case_id)] if case_id is not None else []), *([name] if name is not None else [])]
        return cls(kind, case_id, name, "/".join(parts))

    @classmethod
    def parse(cls, text: str) -> Register:
        """The register a stored key names; ValueError when it names none."""
        if len(text) > MAX_REGISTER:
            raise ValueError("för lång")
        kind_text, _, rest = text.partition("/")
        kind = Kind(kind_text)
        if kind in PER_QUESTION:
            case_text, _, question_id = rest.partition("/")
            if not _QUESTION_ID.fullmatch(question_id):
                raise ValueError("ingen fråga")
            register = cls.of(kind, _case_id(case_text), question_id)
        elif kind in PER_CASE:
            register = cls.of(kind, _case_id(rest))
        elif kind is Kind.ANALYSIS:
            if not _FIELD.fullmatch(rest):
                raise ValueError("inget fält")
            register = cls.of(kind, None, rest)
        else:
            if rest:
                raise ValueError("okänd del")
            register = cls.of(kind)
        if register.text != text:
            raise ValueError("inte på normal form")
        return register

    def __str__(self) -> str:
        return self.text


def _case_id(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 18 or text.startswith("0"):
        raise ValueError("inget akt-id")
    return int(text)


@dataclass(frozen=True)
class Change:
    id: str  # 32 hex digits, unique across every file
    writer: str  # the id of the file that made it
    at: str  # ISO time with zone
    who: str  # the reviewer's name or initials
    register: Register
    value: str  # canonical JSON
    old_value: str  # canonical JSON of the value the screen showed
    replaces: frozenset[str] = frozenset()

    @property
    def order_key(self) -> tuple[str, str]:
        """Newest last; the id breaks ties, so the order is the same everywhere."""
        return (self.at, self.id)


def encode(value: object) -> str:
    """The canonical JSON of a register value: equal values give equal text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def decode(text: str) -> object:
    return json.loads(text)


@dataclass(frozen=True)
class RegisterState:
    register: Register
    heads: tuple[Change, ...]  # oldest first

    @property
    def values(self) -> tuple[str, ...]:
        """The distinct values of the heads, in the order they were first given."""
        return tuple(dict.fromkeys(head.value for head in self.heads))

    @property
    def conflicted(self) -> bool:
        return len(self.values) > 1

    @property
    def latest(self) -> Change:
        return self.heads[-1]

    @property
    def head_ids(self) -> frozenset[str]:
        return frozenset(head.id for head in self.heads)


class ChangeLog:
    """The changes of one enhet as far as they are known here, with the heads of each register.

    Adding is idempotent and order-independent: the state depends only on the set of changes."""

    def __init__(self, changes: Iterable[Change] = ()) -> None:
        self._changes: dict[str, Change] = {}
        self._replaced: set[str] = set()
        self._by_register: dict[Register, dict[str, Change]] = {}
        self._heads: dict[Register, dict[str, Change]] = {}  # the changes no known change replaces
        self._conflicts: list[RegisterState] | None = None
        self._states: dict[Register, RegisterState | None] = {}  # cached; dropped when heads change
        self.add(changes)

    def __len__(self) -> int:
        return len(self._changes)

    def __contains__(self, change_id: object) -> bool:
        return change_id in self._changes

    def add(self, changes: Iterable[Change]) -> set[Register]:
        """Add the changes not known yet; return the registers whose heads may have changed."""
        touched: set[Register] = set()
        for change in changes:
            if change.id in self._changes:
                continue
            self._changes[change.id] = change
            self._by_register.setdefault(change.register, {})[change.id] = change
            touched.add(change.register)
            for replaced_id in change.replaces:
                self._replaced.add(replaced_id)
                replaced = self._changes.get(replaced_id)
                if replaced is not None and self._heads.get(replaced.register, {}).pop(replaced_id, None) is not None:
                    touched.add(replaced.register)  # another register's change only in a forged file
            if change.id not in self._replaced:  # a change that arrives after what replaces it
                self._heads.setdefault(change.register, {})[change.id] = change
        if touched:
            self._conflicts = None
            for register in touched:
                self._states.pop(register, None)
        return touched

    def changes(self) -> list[Change]:
        return sorted(self._changes.values(), key=lambda c: c.order_key)

    def registers(self) -> set[Register]:
        return set(self._by_register)

    def state(self, register: Register) -> RegisterState | None:
        """The register's heads, or None when nobody has changed it."""
        if register in self._states:
            return self._states[register]
        state = self._state(register)
        self._states[register] = state
        return state

    def _state(self, register: Register) -> RegisterState | None:
        known = self._by_register.get(register)
        if not known:
            return None
        heads = tuple(sorted(self._heads.get(register, {}).values(), key=lambda c: c.order_key))
        if not heads:  # a cycle of replacements can only come from a forged file: the newest holds
            heads = (max(known.values(), key=lambda c: c.order_key),)
        return RegisterState(register, heads)

    def conflicts(self) -> list[RegisterState]:
        """Every register in conflict; worked out again only after changes were added (the
        window asks on every key press)."""
        if self._conflicts is None:
            states = (self.state(register) for register in self._by_register)
            found = [state for state in states if state is not None and state.conflicted]
            self._conflicts = sorted(found, key=lambda s: (s.register.case_id or 0, s.register.kind.value,
                                                           s.register.text))
        return list(self._conflicts)

    def history(self, register: Register) -> list[Change]:
        return sorted(self._by_register.get(register, {}).values(), key=lambda c: c.order_key)


@dataclass(frozen=True)
class Presence:
    """Who has which akt open, from a record in their file that expires by itself."""

    writer: str
    who: str
    case_id: int | None
    heartbeat: str  # ISO time of the last sign of life


def fresh_presences(presences: Iterable[Presence], now: str, seconds: float) -> list[Presence]:
    """The presences whose last sign of life is at most `seconds` before `now` (ISO times)."""
    moment = datetime.fromisoformat(now)
    result = []
    for presence in presences:
        try:
            age = (moment - datetime.fromisoformat(presence.heartbeat)).total_seconds()
        except (TypeError, ValueError):
            continue
        if -seconds <= age <= seconds:  # a clock a little ahead is tolerated as much as one behind
            result.append(presence)
    return sorted(result, key=lambda p: (p.who, p.writer))
