"""Bringing reviewers' copies of a granskningsfil back into the enhet's file.

Answers for different cases combine; the same answer twice is harmless; two different answers to
the same question of the same case are a conflict, listed with who and when, and never resolved
here — a person decides. A copy that left a question unanswered does not clear an answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aktgranskning.domain.answers import Answer

Key = tuple[int, str]  # (löpnummer, question id)


@dataclass(frozen=True, order=True)
class Version:
    answer: Answer
    at: str
    reviewer: str
    source: str  # the file it comes from


@dataclass(frozen=True)
class Conflict:
    sequence: int
    question_id: str
    versions: tuple[Version, ...]  # one per file that answered, sorted


@dataclass(frozen=True)
class MergePlan:
    to_apply: Mapping[Key, Version]  # answers the enhet's file lacks
    conflicts: tuple[Conflict, ...]

    @property
    def clean(self) -> bool:
        return not self.conflicts


def plan_merge(target: Mapping[Key, Version], copies: Sequence[Mapping[Key, Version]]) -> MergePlan:
    """What to bring over from the copies, and what conflicts. Independent of the copies' order."""
    versions: dict[Key, set[Version]] = {}
    for source in (target, *copies):
        for key, version in source.items():
            versions.setdefault(key, set()).add(version)
    to_apply: dict[Key, Version] = {}
    conflicts = []
    for key in sorted(versions):
        found = sorted(versions[key], key=lambda v: (v.at, v.source, v.reviewer, v.answer.value))
        if len({v.answer for v in found}) > 1:
            conflicts.append(Conflict(key[0], key[1], tuple(found)))
        elif key not in target:
            to_apply[key] = found[0]  # the earliest of identical answers, whoever gave it
    return MergePlan(to_apply, tuple(conflicts))
