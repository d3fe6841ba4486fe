"""`aktgranskning importera-resultat`: an earlier year's Excel matrix into an enhet workbook, so
it can be compared with and summarised like any other year."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from aktgranskning import __version__
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.matrix_import import (
    MarkerMeaning,
    MatrixImport,
    import_matrix,
)
from aktgranskning.domain.review_file import now_iso
from aktgranskning.domain.unit_data import UnitIdentity
from aktgranskning.domain.unit_report import build_report
from aktgranskning.excel.tables import read_rows, sheet_title
from aktgranskning.excel.unit_workbook import write_unit_workbook
from aktgranskning.services.checklists import installed_checklists


def read_matrix(path: Path, administration: str, area: str, unit: str, year: int,
                marker: MarkerMeaning = MarkerMeaning.UNANSWERED, sheet: str | None = None) -> MatrixImport:
    rows = read_rows(path, sheet)
    # The same matrix imported twice gets the same id, so a summary sees one enhet, not two.
    digest = hashlib.sha256(path.read_bytes() + f"|{unit}|{year}".encode()).hexdigest()
    identity = UnitIdentity(administration, area, unit, year, str(uuid.uuid5(uuid.NAMESPACE_OID, digest)), __version__)
    try:
        return import_matrix(rows, installed_checklists(), identity, marker, sheet_title(path, sheet))
    except FileProblem:
        raise
    except UserError as error:  # name the file in the message
        raise FileProblem(path, error.message) from error


def write_imported(result: MatrixImport, target: Path) -> Path:
    if target.suffix.lower() != ".xlsx":
        raise FileProblem(target, "filnamnet ska sluta på .xlsx (en enhetsfil i Excelformat).")
    return write_unit_workbook(build_report(result.data), target, now_iso(), __version__)
