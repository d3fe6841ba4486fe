"""How far a review has come: klara, pågående, ej påbörjade and bortfall, and whether a result
built on it is preliminary. Every result the product shows or writes states this, so a
half-done review never passes as a result ("så att det faktiska antalet granskade ärenden framkommer")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aktgranskning.domain.case import CaseStatus


@dataclass(frozen=True)
class Completeness:
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    dropouts: int = 0
    conflicts: int = 0  # places where reviewers answered differently and nobody has decided

    def __add__(self, other: Completeness) -> Completeness:
        return Completeness(self.done + other.done, self.in_progress + other.in_progress,
                            self.not_started + other.not_started, self.dropouts + other.dropouts,
                            self.conflicts + other.conflicts)

    @classmethod
    def of(cls, statuses: Iterable[CaseStatus], conflicts: int = 0) -> Completeness:
        counts = {status: 0 for status in CaseStatus}
        for status in statuses:
            counts[status] += 1
        return cls(counts[CaseStatus.DONE], counts[CaseStatus.IN_PROGRESS], counts[CaseStatus.NOT_STARTED],
                   counts[CaseStatus.DROPOUT], conflicts)

    @property
    def total(self) -> int:
        """Every akt in the sample, dropouts included (as `status --json` counts "totalt")."""
        return self.done + self.in_progress + self.not_started + self.dropouts

    @property
    def to_review(self) -> int:
        """The akter that are to be reviewed: the sample without dropouts."""
        return self.done + self.in_progress + self.not_started

    @property
    def unfinished(self) -> int:
        return self.in_progress + self.not_started

    @property
    def preliminary(self) -> bool:
        return self.unfinished > 0 or self.conflicts > 0

    def counts_text(self) -> str:
        """'8 klara, 5 pågående, 7 ej påbörjade, 1 bortfall'."""
        return (f"{self.done} klara, {self.in_progress} pågående, {self.not_started} ej påbörjade, "
                f"{self.dropouts} bortfall")

    def banner(self) -> str:
        """The line every page and sheet carries: 'PRELIMINÄR – 12 av 20 akter är inte
        färdiggranskade (…)' or 'Alla 20 akter är färdiggranskade (…)'."""
        if self.preliminary:
            return f"PRELIMINÄR – {self.state_text()}"
        return self.state_text()

    def state_text(self) -> str:
        """'12 av 20 akter är inte färdiggranskade (…)' or 'Alla 20 akter är färdiggranskade (…)',
        and how many conflicts between reviewers are not decided."""
        if self.unfinished:
            text = f"{self.unfinished} av {self.to_review} akter är inte färdiggranskade ({self.counts_text()})"
        else:
            text = f"Alla {self.to_review} akter är färdiggranskade ({self.counts_text()})"
        return text + self.conflicts_text()

    def conflicts_text(self) -> str:
        if not self.conflicts:
            return ""
        many = "konflikt" if self.conflicts == 1 else "konflikter"
        return f"; {self.conflicts} {many} mellan granskarnas svar är inte avgjord{'' if self.conflicts == 1 else 'a'}"

    def as_json(self) -> dict[str, int]:
        return {"totalt": self.total, "klara": self.done, "pagaende": self.in_progress,
                "ej_paborjade": self.not_started, "bortfall": self.dropouts, "konflikter": self.conflicts}
