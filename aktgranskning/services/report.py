"""The enhet's report: the results (optionally against an earlier year) as workbook and PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aktgranskning import __version__
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.review_file import now_iso
from aktgranskning.domain.safe_text import recording
from aktgranskning.domain.unit_data import ALL_CASES, CaseFilter, UnitData
from aktgranskning.domain.unit_report import UnitReport, build_report
from aktgranskning.excel.unit_workbook import write_unit_workbook
from aktgranskning.paths import resources_dir
from aktgranskning.pdf.unit_report import write_unit_pdf
from aktgranskning.services.analysis import without_filler
from aktgranskning.services.exported import Exported
from aktgranskning.services.session import ReviewSession
from aktgranskning.services.unit_data import (
    find_previous_year,
    load_unit_data,
    unit_data_of,
)


def comparable_previous(current: UnitData, path: Path) -> UnitData:
    """Read an earlier year's result for the same enhet, or say why it cannot be compared."""
    previous = load_unit_data(path)
    if previous.identity.unit.casefold() != current.identity.unit.casefold():
        raise FileProblem(
            path, f"filen gäller enheten {previous.identity.unit}, inte {current.identity.unit}."
        )
    if previous.identity.year >= current.identity.year:
        raise FileProblem(
            path,
            f"filen gäller {previous.identity.year}; jämförelsen kräver ett tidigare år än {current.identity.year}.",
        )
    return previous


def unit_report(
    session: ReviewSession, previous_path: Path | None = None, case_filter: CaseFilter = ALL_CASES
) -> UnitReport:
    data = unit_data_of(session)
    previous = comparable_previous(data, previous_path) if previous_path else None
    return build_report(data, previous, case_filter)


def current_report(
    session: ReviewSession, previous: UnitData | None, case_filter: CaseFilter = ALL_CASES
) -> UnitReport:
    """The report on the file as it is now, against an earlier year already read."""
    return build_report(unit_data_of(session), previous, case_filter)


def previous_year_for(session: ReviewSession) -> tuple[Path | None, UnitData | None, str]:
    """Last year's result found beside the file: (path, data, problem). The problem is a Swedish
    message when a file was found but could not be used; then data is None."""
    return previous_year_search(session)()


def previous_year_search(session: ReviewSession) -> Callable[[], tuple[Path | None, UnitData | None, str]]:
    """`previous_year_for` in two steps: what it needs of the session is read now (on the thread
    that owns the session); the search it returns touches only files or its own server
    connections, so it may run on any thread. A granskning on the server finds last year's on the
    same server; a file finds the one beside it."""
    from aktgranskning.services.server import origin_of, previous_year_on_server

    origin = origin_of(session)
    current = unit_data_of(session)
    path, meta = session.path, session.meta

    def search() -> tuple[Path | None, UnitData | None, str]:
        if origin is not None:
            return previous_year_on_server(origin)
        found = find_previous_year(path, meta.unit, meta.year)
        if found is None:
            return None, None, ""
        try:
            return found, comparable_previous(current, found), ""
        except UserError as error:  # a file was found but cannot be used: say why, show the rest
            return found, None, error.message

    return search

def export_unit_report(
    report: UnitReport, workbook: Path | None, pdf: Path | None, print_filler: bool = False
) -> Exported:
    """Write the workbook and/or the PDF; each appears whole or not at all. The analysis filler's
    name is printed only when `print_filler` (the user's choice). The notices say whether the
    result is preliminary and which characters the formats could not hold."""
    if workbook is None and pdf is None:
        raise UserError("Ange minst en fil att skriva: en Excelfil (.xlsx) eller en pdf.")
    for target, suffix in ((workbook, ".xlsx"), (pdf, ".pdf")):
        if target is not None and target.suffix.lower() != suffix:
            raise FileProblem(target, f"filnamnet ska sluta på {suffix}.")
    if not print_filler:
        report = without_filler(report)
    exported_at = now_iso()
    written = []
    with recording() as replacements:
        if workbook is not None:
            written.append(write_unit_workbook(report, workbook, exported_at, __version__))
        if pdf is not None:
            written.append(write_unit_pdf(report, pdf, exported_at, resources_dir() / "fonts"))
    notices = replacements.notices()
    if report.completeness.preliminary:
        notices.insert(0, f"Resultatet är preliminärt: {report.completeness.state_text()}. "
                          "Det står på varje sida och blad.")
    return Exported(tuple(written), tuple(notices))


def default_report_name(data: UnitData) -> str:
    """'<Enhet> <år>' with characters that file systems refuse replaced."""
    name = f"{data.identity.unit} {data.identity.year}"
    return "".join("_" if ch in '<>:"/\\|?*' else ch for ch in name).strip() or "Enhetsrapport"
