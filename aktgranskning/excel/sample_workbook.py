"""The sample workbook: one sheet per enhet with the chosen cases, the reserves, and how the
sample spreads over the strata compared with the population."""

from __future__ import annotations

from pathlib import Path

from aktgranskning.domain.labels import gender_label
from aktgranskning.domain.people import age_group_order
from aktgranskning.excel.writing import put, save_atomically, sheet_title

CASE_HEADERS = ("Löpnummer", "Ärendenummer", "Ärendetyp", "Kön", "Åldersgrupp", "Handläggare", "Reserv")
# The round's roster: one row per enhet, read back when a round (omgång) is made from the urval.
UNITS_SHEET = "Enheter"
UNITS_HEADERS = ("Område", "Enhet", "Akter i urvalet", "Reserver")


def age_basis_text(source) -> str:  # type: ignore[no-untyped-def]
    """Which day the ages were counted on, as the urval's method text says it."""
    return source.age_basis.text() if source.age_basis is not None else ""


def write_sample_workbook(sampling, target: Path) -> Path:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = {UNITS_SHEET}  # an enhet named so gets "Enheter (2)"; the roster keeps the name
    for unit in sampling.units:
        sheet = workbook.create_sheet(sheet_title(unit.unit, taken))
        for column, title in enumerate(CASE_HEADERS, start=1):
            put(sheet, 1, column, title).font = bold
            sheet.cell(row=1, column=column).fill = header_fill
        row = 2
        entries = [(c, "") for c in unit.result.chosen] + [
            (c, f"ja ({n})") for n, c in enumerate(unit.result.reserves, start=1)
        ]
        for sequence, (candidate, reserve) in enumerate(entries, start=1):
            imported = unit.case_of(candidate)
            values = (sequence, imported.case_number, imported.case_type, gender_label(imported.gender),
                      candidate.stratum[1], candidate.caseworker, reserve)
            for column, value in enumerate(values, start=1):
                put(sheet, row, column, value)
            row += 1
        row += 1  # a blank row ends the case table (readers stop there)
        put(sheet, row, 1, "Fördelning per stratum").font = bold
        row += 1
        for column, title in enumerate(("Kön", "Åldersgrupp", "I populationen", "I urvalet"), start=1):
            put(sheet, row, column, title).font = bold
        row += 1
        for stratum in sorted(unit.result.population_per_stratum, key=lambda s: (s[0], age_group_order(s[1]))):
            gender, age_group = stratum
            counts = (gender_label(gender), age_group, unit.result.population_per_stratum[stratum],
                      unit.result.allocation.get(stratum, 0))
            for column, value in enumerate(counts, start=1):
                put(sheet, row, column, value)
            row += 1
        row += 1
        facts = (
            ("Ärenden i populationen", sum(unit.result.population_per_stratum.values())),
            ("Ärenden i urvalet", len(unit.result.chosen)),
            ("Reserver", len(unit.result.reserves)),
            ("Olika handläggare i urvalet", unit.result.distinct_caseworkers),
            ("Slumpfrö (seed)", sampling.seed),
            ("Dragningsdatum", sampling.drawn_on.isoformat()),
            ("Åldersgrupper", sampling.options.age_bands),
            ("Ålder räknad", age_basis_text(sampling.source)),
            ("Filter ärendetyp", sampling.options.case_type or "inget"),
        )
        for label, value in facts:
            put(sheet, row, 1, label).font = bold
            put(sheet, row, 3, value)
            row += 1
        for warning in unit.result.warnings:
            put(sheet, row, 1, f"Obs: {warning}")
            row += 1
        for letter, width in zip("ABCDEFG", (11, 22, 20, 14, 13, 13, 9), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
    _units_sheet(workbook.create_sheet(UNITS_SHEET), sampling, bold, header_fill)
    return save_atomically(workbook, target)


def _units_sheet(sheet, sampling, bold, header_fill) -> None:  # type: ignore[no-untyped-def]
    """Område, enhet and how many akter and reserves were drawn: what a round is made from."""
    for column, title in enumerate(UNITS_HEADERS, start=1):
        put(sheet, 1, column, title).font = bold
        sheet.cell(row=1, column=column).fill = header_fill
    for row, unit in enumerate(sampling.units, start=2):
        for column, value in enumerate((unit.area, unit.unit, len(unit.result.chosen), len(unit.result.reserves)),
                                       start=1):
            put(sheet, row, column, value)
    for letter, width in zip("ABCD", (28, 34, 16, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
