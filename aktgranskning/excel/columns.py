"""Recognises columns by the header texts people use in case-system exports."""

from __future__ import annotations

import re

from aktgranskning.domain.errors import FileProblem

COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "case_number": ("ärendenummer", "ärendenr", "ärende-id", "ärendeid", "ärende", "aktnummer", "akt", "aktnr"),
    "case_type": ("ärendetyp", "typ", "checklista"),
    "gender": ("kön",),
    "age_group": ("åldersgrupp", "åldersintervall"),
    "age": ("ålder",),
    "birth_year": ("födelseår",),
    "birth_date": ("födelsedatum",),
    "personnummer": ("personnummer", "personnr", "pnr", "samordningsnummer"),
    "caseworker": ("handläggare", "handläggarsignatur", "handläggarkod", "signatur"),
    "unit": ("enhet",),
    "area": ("område", "avdelning"),
    "reserve": ("reserv",),
    "sequence": ("löpnummer", "nr"),
    "start_date": ("inledningsdatum", "startdatum", "inledd", "inleddes", "inledddatum", "ärendestart",
                   "ärendetstart", "påbörjad", "påbörjaddatum", "aktualiseringsdatum", "aktualiserad",
                   "öppnad", "öppningsdatum", "öppnat"),
    "date": ("datum", "inkom", "inkomstdatum", "registreringsdatum", "beslutsdatum", "avslutsdatum"),
}

# A date column with one of these headers tells when the case came in, so it serves as the case's
# start when the export has no start date column of its own.
START_DATE_FALLBACKS: tuple[str, ...] = ("inkom", "inkomstdatum", "inkommet", "registreringsdatum")

# Columns whose content must never be read into the product (names of clients).
IGNORED_NAMES: tuple[str, ...] = ("namn", "klient", "klientnamn", "förnamn", "efternamn")


def normalise_header(text: str) -> str:
    return re.sub(r"[\s_.:]+", "", text.strip().casefold())


def map_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column index per known field, and the headers that were not recognised."""
    lookup = {normalise_header(name): field for field, names in COLUMN_NAMES.items() for name in names}
    found: dict[str, int] = {}
    unknown: list[str] = []
    for index, title in enumerate(header):
        key = normalise_header(title)
        field = lookup.get(key)
        if field and field not in found:
            found[field] = index
        elif title.strip():
            unknown.append(title.strip())
    return found, unknown


FIELD_LABELS = {
    "case_number": "ärendenummer",
    "case_type": "ärendetyp",
    "gender": "kön",
    "age_group": "åldersgrupp",
    "age": "ålder",
    "birth_year": "födelseår",
    "birth_date": "födelsedatum",
    "personnummer": "personnummer",
    "caseworker": "handläggare",
    "unit": "enhet",
    "area": "område",
    "reserve": "reserv",
    "sequence": "löpnummer",
    "start_date": "ärendets startdatum",
    "date": "datum",
}


def field_label(field: str) -> str:
    """The Swedish name of a field, for messages (never the code's name)."""
    return FIELD_LABELS.get(field, field)


def require_columns(path: object, found: dict[str, int], needed: tuple[str, ...], header_row: int) -> None:
    for field in needed:
        if field not in found:
            alternatives = ", ".join(name.capitalize() for name in COLUMN_NAMES[field])
            raise FileProblem(
                path,
                f"det finns ingen kolumn för {field_label(field)} "
                f"(rubriker som känns igen: {alternatives}).",
                f"rubrikraden, rad {header_row}",
            )
