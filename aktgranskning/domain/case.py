"""A sampled case: an opaque case number plus the few facts the review needs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class CaseStatus(str, Enum):
    NOT_STARTED = "ej_paborjad"
    IN_PROGRESS = "pagaende"
    DONE = "klar"
    DROPOUT = "bortfall"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    CaseStatus.NOT_STARTED: "Ej påbörjad",
    CaseStatus.IN_PROGRESS: "Pågående",
    CaseStatus.DONE: "Klar",
    CaseStatus.DROPOUT: "Bortfall",
}


class DropoutReason(str, Enum):
    WRONG_SAMPLE = "felaktigt_urval"
    FILE_MISSING = "akten_saknas"
    OTHER_UNIT = "annan_kommun_enhet"
    OTHER = "annat"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    DropoutReason.WRONG_SAMPLE: "Felaktigt urval",
    DropoutReason.FILE_MISSING: "Akten saknas",
    DropoutReason.OTHER_UNIT: "Ärendet tillhör annan kommun/enhet",
    DropoutReason.OTHER: "Annat",
}


class Gender(str, Enum):
    FEMALE = "kvinna"
    MALE = "man"
    OTHER = "annat"
    UNKNOWN = "okänt"

    @classmethod
    def parse(cls, text: str | None) -> Gender:
        if text is None:
            return cls.UNKNOWN
        cleaned = text.strip().casefold()
        return _GENDER_WORDS.get(cleaned, cls.UNKNOWN)


_GENDER_WORDS = {
    "k": Gender.FEMALE, "kvinna": Gender.FEMALE, "flicka": Gender.FEMALE, "f": Gender.FEMALE,
    "kv": Gender.FEMALE, "tjej": Gender.FEMALE, "kvinna/flicka": Gender.FEMALE, "flicka/kvinna": Gender.FEMALE,
    "man/pojke": Gender.MALE, "pojke/man": Gender.MALE,
    "m": Gender.MALE, "man": Gender.MALE, "pojke": Gender.MALE, "p": Gender.MALE, "kille": Gender.MALE,
    "annat": Gender.OTHER, "annan": Gender.OTHER, "ickebinär": Gender.OTHER,
    "okänt": Gender.UNKNOWN, "okänd": Gender.UNKNOWN, "": Gender.UNKNOWN,
}


@dataclass(frozen=True)
class Case:
    """What the review knows of a case. `case_number` stays inside the enhet's file."""

    id: int
    sequence: int  # löpnummer 1..n within the sample; reserves continue after the sample
    case_number: str
    case_type: str  # the id of the checklist that applies
    gender: Gender
    age_group: str
    caseworker_code: str
    status: CaseStatus
    is_reserve: bool = False
    replaces_case_id: int | None = None
    dropout_reason: DropoutReason | None = None
    dropout_text: str = ""
    reviewer: str = ""

    @classmethod
    def drawn(
        cls, sequence: int, case_number: str, case_type: str, gender: Gender, age_group: str,
        caseworker_code: str, is_reserve: bool = False,
    ) -> Case:
        """A case as it enters a new granskningsfil: not started, id given by the file."""
        return cls(0, sequence, case_number, case_type, gender, age_group, caseworker_code,
                   CaseStatus.NOT_STARTED, is_reserve=is_reserve)

    @property
    def in_sample(self) -> bool:
        """True for the original sample and for reserves that replaced a dropout."""
        return not self.is_reserve or self.replaces_case_id is not None

    @property
    def counts_in_results(self) -> bool:
        return self.in_sample and self.status is not CaseStatus.DROPOUT
