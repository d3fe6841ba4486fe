"""Age groups and personnummer: used in memory to derive gender and age, never stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from aktgranskning.domain.case import Gender

DEFAULT_AGE_BANDS = "0-5,6-12,13-17,18-25,26-64,65-"
UNKNOWN_AGE_GROUP = "okänd"


@dataclass(frozen=True)
class AgeBand:
    low: int
    high: int | None  # None: no upper limit

    @property
    def label(self) -> str:
        return f"{self.low}+ år" if self.high is None else f"{self.low}–{self.high} år"

    def contains(self, age: int) -> bool:
        return age >= self.low and (self.high is None or age <= self.high)


def parse_age_bands(text: str) -> tuple[AgeBand, ...]:
    """'0-5,6-12,13-17' → bands. Raises ValueError with a Swedish message when malformed."""
    bands: list[AgeBand] = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*[-–]\s*(\d*)\s*", part)
        if not match:
            raise ValueError(f"Åldersgruppen ”{part.strip()}” ska skrivas som t.ex. 0-5 eller 65-.")
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else None
        if high is not None and high < low:
            raise ValueError(f"Åldersgruppen ”{part.strip()}” slutar före den börjar.")
        if bands and (bands[-1].high is None or low <= bands[-1].high):
            raise ValueError(f"Åldersgruppen ”{part.strip()}” överlappar den föregående.")
        bands.append(AgeBand(low, high))
    return tuple(bands)


def age_group_of(age: int | None, bands: tuple[AgeBand, ...]) -> str:
    if age is None or age < 0:
        return UNKNOWN_AGE_GROUP
    for band in bands:
        if band.contains(age):
            return band.label
    last = bands[-1] if bands else None
    if last is not None and last.high is not None and age > last.high:
        return f"{last.high + 1}+ år"
    return UNKNOWN_AGE_GROUP


def age_group_order(label: str) -> tuple[int, str]:
    """Sort key that puts '6–12 år' before '13–17 år' and 'okänd' last."""
    digits = re.match(r"\d+", label)
    return (int(digits.group()) if digits else 10**6, label)


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_reference_date(case_start: date | None, drawn_on: date) -> date:
    """The day an age is counted on: when the case began, so a child whose case began at 17 is
    in the children's group even when the sample is drawn after the 18th birthday."""
    return case_start or drawn_on


@dataclass(frozen=True)
class AgeBasis:
    """Which day the ages of a case list were counted on, said in the urval's summary and workbook."""

    drawn_on: date
    start_column: str = ""  # the export's header for the case's start date; "" when it has none
    counted_at_start: int = 0  # ages counted from a birth date, -year or personnummer at the start
    counted_at_draw: int = 0  # the same, at the draw date because the case had no start date
    stated: int = 0  # ages taken as the export's "Ålder" column states them

    def text(self) -> str:
        drawn = self.drawn_on.isoformat()
        if self.start_column:
            text = f"Ålder räknades vid ärendets start (kolumnen {self.start_column})."
            if self.counted_at_draw:
                text += (f" {self.counted_at_draw} ärenden saknar startdatum; deras ålder räknades vid "
                         f"dragningsdagen {drawn}.")
        elif self.counted_at_start or self.counted_at_draw:
            text = f"Ärendets startdatum saknas; ålder räknades vid dragningsdagen {drawn}."
        else:
            text = ""
        if self.stated:
            stated = f"Åldern i exportens kolumn för ålder användes som den står ({self.stated} ärenden)."
            text = f"{text} {stated}" if text else stated
        return text or "Exporten anger ingen ålder; åldersgruppen är okänd."


_PNR = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{3})(\d)$")


@dataclass(frozen=True)
class PersonFacts:
    gender: Gender
    birth_date: date


def parse_personnummer(text: str, today: date) -> PersonFacts | None:
    """Gender and birth date from a valid personnummer or samordningsnummer; None otherwise."""
    cleaned = re.sub(r"\s", "", text)
    match = _PNR.match(cleaned)
    if not match:
        return None
    century, yy, mm, dd, serial, check = match.groups()
    if _luhn_check_digit(f"{yy}{mm}{dd}{serial}") != int(check):
        return None
    day = int(dd) - 60 if int(dd) > 60 else int(dd)  # samordningsnummer add 60 to the day
    year = _full_year(century, int(yy), "+" in cleaned, today)
    try:
        birth = date(year, int(mm), day)
    except ValueError:
        return None
    gender = Gender.FEMALE if int(serial[2]) % 2 == 0 else Gender.MALE
    return PersonFacts(gender, birth)


def looks_like_personnummer(text: str) -> bool:
    return parse_personnummer(text, date.today()) is not None


# Said, with the row, when a list's ärendenummer is a personnummer: the program stores no personnummer.
CASE_NUMBER_IS_PERSONNUMMER = ("ärendenumret är ett personnummer. Aktgranskning sparar inga personnummer: ta med "
                               "verksamhetssystemets ärendenummer i listan i stället. Inget har sparats.")


def _full_year(century: str | None, yy: int, plus: bool, today: date) -> int:
    if century:
        return int(century) * 100 + yy
    year = (today.year // 100) * 100 + yy
    if year > today.year:
        year -= 100
    if plus:
        year -= 100
    return year


def _luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10
