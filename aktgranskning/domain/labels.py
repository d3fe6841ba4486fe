"""The words a user sees for kön, in the glossary's wording (flicka/pojke before kvinna/man),
in one place: the case list, the review page, the sampling window, the sample workbook and the
summary's breakdown all take them from here. (`Gender` in domain/case.py holds the stored values.)"""

from __future__ import annotations

from aktgranskning.domain.case import Gender

GENDER_LABELS: dict[Gender, str] = {
    Gender.FEMALE: "Flicka/kvinna",
    Gender.MALE: "Pojke/man",
    Gender.OTHER: "Annat",
    Gender.UNKNOWN: "Okänt",
}
# Inside a sentence, such as the review page's line about the akt: "flicka/kvinna, 6–12 år".
GENDER_IN_TEXT: dict[Gender, str] = {
    Gender.FEMALE: "flicka/kvinna",
    Gender.MALE: "pojke/man",
    Gender.OTHER: "annat kön",
    Gender.UNKNOWN: "kön okänt",
}
# Column headings of a breakdown by kön (the summary's sheet Kön).
GENDER_GROUPS: dict[Gender, str] = {
    Gender.FEMALE: "Flickor/kvinnor",
    Gender.MALE: "Pojkar/män",
    Gender.OTHER: "Annat kön",
    Gender.UNKNOWN: "Kön okänt",
}


def gender_label(gender: Gender | str) -> str:
    """'Flicka/kvinna' for Gender.FEMALE or its stored value 'kvinna'; other text as it is."""
    try:
        return GENDER_LABELS[Gender(gender)]
    except ValueError:
        return str(gender)
