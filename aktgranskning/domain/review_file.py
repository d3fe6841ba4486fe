"""What a granskningsfil says about itself, and what is stored per answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aktgranskning.domain.answers import Answer

# The years a granskning can be of: every reader of a file or a workbook refuses any other.
REVIEW_YEARS = range(1990, 2201)


@dataclass(frozen=True)
class FileMeta:
    file_uuid: str
    administration: str  # förvaltning
    area: str  # område
    unit: str  # enhet
    year: int
    app_version: str
    created_at: str
    schema_version: str = ""

    @property
    def display_name(self) -> str:
        return f"{self.unit} {self.year}"


@dataclass(frozen=True)
class AnswerRecord:
    question_id: str
    answer: Answer | None
    comment: str = ""
    reviewer: str = ""
    answered_at: str = ""


@dataclass(frozen=True)
class AuditEntry:
    at: str
    who: str
    case_id: int
    question_id: str | None
    field: str  # "svar", "kommentar" or "status"
    old_value: str | None
    new_value: str | None


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
