"""Summaries straight from the server: each granskning's de-identified result in the catalog.

`write_result` is a hook of services/server.py (ON_CHANGED_GRANSKNING): inside the transaction
that made or changed a granskning, it writes the result that leaves the enhet in its workbook to
the catalog's `resultat` (storage/server_results.py), so the row is in the same commit as every
change. `read_server_results` gives the utvecklare those rows for one year as the summary's inputs,
so `merge_read`, `export_summary` and the window's result view work as they do on files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from aktgranskning.domain.case import CaseStatus
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.review_file import now_iso
from aktgranskning.domain.summary import ExcludedFile, SummaryInput
from aktgranskning.domain.unit_data import QuestionRef, UnitData
from aktgranskning.services.unit_data import unit_data_in
from aktgranskning.storage import server_catalog as catalog
from aktgranskning.storage import server_roles as roles
from aktgranskning.storage.server_address import ServerAddress, ServerProblem
from aktgranskning.storage.server_catalog import Granskning, unit_key
from aktgranskning.storage.server_results import (
    MAX_RESULT_BYTES,
    ResultShapeError,
    StoredResult,
    result_json,
    results_of_year,
    unit_data_from_json,
    write_result_row,
)
from aktgranskning.storage.store import ReviewTransaction

if TYPE_CHECKING:  # services.summary loads the workbook and PDF writers: only when summarising
    from aktgranskning.domain.summary import Summary
    from aktgranskning.services.summary import ReadFiles


def as_exported(data: UnitData) -> UnitData:
    """The result as the enhet workbook carries it out of the enhet (and reading the workbook
    back gives): the cases in löpnummer order; a dropout with no answers and every other case
    with one per question of its checklist; only the questions of checklists some counted case
    has, in the order the cases first reach them; the analysis without who filled it in or when."""
    by_type: dict[str, list[QuestionRef]] = {}
    for question in data.questions:
        by_type.setdefault(question.checklist_id, []).append(question)
    cases = sorted(data.cases, key=lambda case: case.sequence)
    reached: dict[str, QuestionRef] = {}
    for case in cases:
        if case.status is not CaseStatus.DROPOUT:
            for question in by_type.get(case.case_type, []):
                reached.setdefault(question.question_id, question)
    exported_cases = tuple(
        replace(case, answers={q.question_id: case.answers.get(q.question_id)
                               for q in by_type.get(case.case_type, [])} if case.counts else {})
        for case in cases
    )
    analysis = replace(data.analysis, filled_by="", filled_at="")
    return replace(data, questions=tuple(reached.values()), cases=exported_cases, analysis=analysis)


def write_result(connection: Connection, granskning: Granskning) -> None:
    """ON_CHANGED_GRANSKNING: the granskning's result for summaries, in the same transaction
    (its search_path is on the granskning's schema)."""
    data = as_exported(unit_data_in(ReviewTransaction(connection)))
    write_result_row(connection, granskning, result_json(data), now_iso())


def write_every_result(connection: Connection, address: ServerAddress) -> None:
    """ON_INITIALISED: every granskning's row written again (`server initiera` after an upgrade,
    or on a server whose granskningar were uploaded before the rows were written)."""
    for granskning in catalog.granskningar(connection):
        connection.execute(text(f'SET LOCAL search_path TO "{granskning.schema}"'))
        try:
            write_result(connection, granskning)
        finally:
            connection.execute(text("SET LOCAL search_path TO DEFAULT"))


# --- reading for the utvecklare ----------------------------------------------------------------------

def source_name(granskning: Granskning) -> str:
    """What the summary calls a result read from the server (in place of a file name)."""
    return f"{granskning.display_name} (servern)"


def read_server_results(address: ServerAddress, year: int,
                        progress: Callable[[int, int, str], None] | None = None) -> ReadFiles:
    """Every granskning of the year on the server as the summary's inputs; a row that is missing,
    too large or not of the expected shape is excluded with the reason, as an unreadable file is."""
    from aktgranskning.services.server import _require_catalog, on_server  # server imports this module
    from aktgranskning.services.summary import ReadFiles

    with on_server(address) as connection:
        _require_catalog(connection, address)
        _require_developer(connection, address)
        stored = results_of_year(connection, year)
    if not stored:
        raise UserError(f"Servern {address.text} har inga granskningar för {year}.")
    inputs: list[SummaryInput] = []
    excluded: list[ExcludedFile] = []
    for number, item in enumerate(stored, start=1):
        name = source_name(item.granskning)
        if progress is not None:
            progress(number, len(stored), name)
        try:
            inputs.append(SummaryInput(name, _checked(item, address)))
        except UserError as problem:
            excluded.append(ExcludedFile(name, problem.message))
    return ReadFiles(tuple(inputs), tuple(excluded))


def build_server_summary(address: ServerAddress, year: int,
                         progress: Callable[[int, int, str], None] | None = None) -> Summary:
    from aktgranskning.services.summary import merge_read

    return merge_read(read_server_results(address, year, progress))


def _require_developer(connection: Connection, address: ServerAddress) -> None:
    """Only the utvecklare (or the database's owner) sees every enhet's row; an enhet's reviewer
    would get a summary of its own enheter only, which would look like the förvaltning's."""
    if roles.is_developer(connection) or roles.sees_every_granskning(connection):
        return
    raise ServerProblem(
        f"{address.user} får inte sammanställa från servern {address.text}: det gör utvecklaren, som läser alla "
        "enheters avidentifierade resultat. Utvecklarens behörighet ger den som förvaltar databasen med: "
        f"aktgranskning server bevilja {address.text} --login {address.user} --utvecklare")


def _checked(item: StoredResult, address: ServerAddress) -> UnitData:
    granskning = item.granskning
    where = f"Resultatet för {granskning.display_name} på servern {address.text}"
    if item.size is None:
        raise UserError(f"{where} finns inte ännu. Den som förvaltar databasen skriver det med: "
                        f"aktgranskning server initiera {address.text}")
    if item.data is None:
        raise UserError(f"{where} är {item.size / 1e6:.1f} MB, mer än de {MAX_RESULT_BYTES / 1e6:.0f} MB "
                        "programmet läser, och har inte lästs.")
    try:
        data = unit_data_from_json(item.data)
    except ResultShapeError as error:
        raise UserError(f"{where} kan inte läsas: {error.problem}"
                        + (f" (vid {error.place})." if error.place else ".")) from None
    identity = data.identity
    if (identity.file_uuid, identity.year, unit_key(identity.unit)) != (
            granskning.file_uuid, granskning.year, unit_key(granskning.unit)):
        raise UserError(f"{where} hör inte till granskningen: det gäller {identity.display_name} med ett annat "
                        "fil-id.")
    return data
