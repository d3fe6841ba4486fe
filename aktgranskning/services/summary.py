"""Summaries for the utvecklare: read every enhet's file, merge, and write workbook and JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from aktgranskning.atomic_file import build_atomically
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.safe_text import JSON, recording, safe_text
from aktgranskning.domain.summary import ExcludedFile, Summary, SummaryInput, changes, summarise
from aktgranskning.excel.summary_workbook import write_summary_workbook
from aktgranskning.paths import resources_dir
from aktgranskning.pdf.summary_report import write_summary_pdf
from aktgranskning.services.enhet_folder import known_file_uuid
from aktgranskning.services.exported import Exported
from aktgranskning.services.unit_data import WORKBOOK_SUFFIXES, read_unit_file

REVIEW_SUFFIX = ".granskning"


def input_files(paths: Iterable[Path]) -> list[Path]:
    """The files to read: folders are searched (not recursively) for workbooks and granskningsfiler;
    Excel's lock files (~$…) and our own temporary files are skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.iterdir()
                if p.suffix.lower() in (*WORKBOOK_SUFFIXES, REVIEW_SUFFIX) and not p.name.startswith(("~$", "."))
            )
        else:
            found.append(path)
    return found


def read_input(path: Path) -> SummaryInput:
    if not path.exists():
        raise FileProblem(path, "filen finns inte.")
    if not path.is_file():  # a named pipe or a device would block the read for ever
        raise FileProblem(
            path, "det här är ingen vanlig fil (t.ex. ett namngivet rör eller en enhet) och den läses inte.")
    data, checksum_matches = read_unit_file(path)
    return SummaryInput(path.name, data, checksum_matches)


def read_inputs(paths: Sequence[Path], progress: Callable[[int, int, str], None] | None = None
                ) -> tuple[list[SummaryInput], list[ExcludedFile]]:
    """Every file that can be read, and every one that cannot with the reason: one bad file
    (hostile, broken, not an enhet file) never stops the others."""
    files = input_files(paths)
    if not files:
        raise UserError("Inga enhetsfiler hittades (Excelfiler från Aktgranskning eller granskningsfiler).")
    inputs: list[SummaryInput] = []
    excluded: list[ExcludedFile] = []
    enheter: dict[tuple[Path, str], int] = {}  # an enhet's folder and file id → its input
    for number, path in enumerate(files, start=1):
        if progress is not None:
            progress(number, len(files), path.name)
        if path.suffix.lower() == REVIEW_SUFFIX and (path.parent, known_file_uuid(path)) in enheter:
            _name_enhet_by(inputs, enheter[(path.parent, known_file_uuid(path))], path)
            continue  # a reviewer's own file of an enhet already read with its folder
        try:
            read = read_input(path)
        except UserError as problem:
            excluded.append(ExcludedFile(path.name, _reason(problem, path)))
            continue
        except Exception as exc:  # any failure while reading one file is that file's problem
            excluded.append(ExcludedFile(path.name, _unexpected(exc, path)))
        else:
            key = (path.parent, read.data.identity.file_uuid)
            if path.suffix.lower() == REVIEW_SUFFIX and key in enheter:
                _name_enhet_by(inputs, enheter[key], path)
                continue
            if path.suffix.lower() == REVIEW_SUFFIX:
                enheter[key] = len(inputs)
            inputs.append(read)
    return inputs, excluded


def _name_enhet_by(inputs: list[SummaryInput], index: int, path: Path) -> None:
    """An enhet read from its folder is named by its own file, the shortest name of the folder's
    files (a reviewer's file adds ' – namn på dator (id)' to it)."""
    if len(path.name) < len(inputs[index].source):
        inputs[index] = replace(inputs[index], source=path.name)


def _reason(problem: UserError, path: Path) -> str:
    """The message without the file's path in front: the file is named beside it."""
    if isinstance(problem, FileProblem) and problem.path == str(path):
        return f"{problem.place}: {problem.problem}" if problem.place else problem.problem
    return problem.message


def _unexpected(exc: Exception, path: Path) -> str:
    from aktgranskning.logging_setup import log_unexpected

    step = "Excelfilen lästes" if path.suffix.lower() in WORKBOOK_SUFFIXES else "granskningsfilen lästes"
    return (f"ett oväntat fel inträffade när {step} ({type(exc).__name__}); detaljer finns i loggen "
            f"{log_unexpected(exc)}.")


@dataclass(frozen=True)
class ReadFiles:
    """What reading the files gave, kept so that a summary can be merged again (after the user
    chose between two files for the same enhet) without reading any file twice."""

    inputs: tuple[SummaryInput, ...]
    excluded: tuple[ExcludedFile, ...]


def read_files(paths: Sequence[Path], progress: Callable[[int, int, str], None] | None = None) -> ReadFiles:
    inputs, excluded = read_inputs(paths, progress)
    return ReadFiles(tuple(inputs), tuple(excluded))


def merge_read(read: ReadFiles, replacements: Iterable[Path] = ()) -> Summary:
    """The summary of what was read; `Summary.excluded` names the files that could not be read and
    why. Raises DuplicateUnit when two files hold the same enhet and year with different content
    and neither is named in `replacements`. When no file at all could be read, nothing is
    summarised and every file is named."""
    if not read.inputs:
        raise UserError("Ingen av filerna kunde läsas, så ingen sammanställning gjordes:\n"
                        + "\n".join(f"  {item.source}: {item.reason}" for item in read.excluded))
    return replace(summarise(list(read.inputs), [p.name for p in replacements]), excluded=read.excluded)


def build_summary(paths: Sequence[Path], replacements: Iterable[Path] = (),
                  progress: Callable[[int, int, str], None] | None = None) -> Summary:
    """Read every file once and merge them (see merge_read)."""
    return merge_read(read_files(paths, progress), replacements)


def summary_json(summary: Summary) -> dict[str, Any]:
    """The numbers for BI tools. Keep the keys stable. "akter" per level counts the akter in the
    sample by status; "preliminar" is true while some of them are not finished; "ej_inlasta" names
    the files that could not be read and are not in the numbers."""
    return {
        "forvaltning": summary.administration,
        "ar": summary.year,
        "metod": "andel = summa Ja / summa (Ja + Nej) per nivå (poolad)",
        "preliminar": summary.completeness.preliminary,
        "ej_inlasta": [{"fil": item.source, "orsak": item.reason} for item in summary.excluded],
        "nivaer": [
            {
                "niva": level.kind,
                "namn": level.name,
                "omrade": level.area,
                "akter": level.completeness.as_json(),
                "akter_i_resultatet": level.cases,
                "bortfall": level.dropouts,
                "preliminar": level.preliminary,
                "fragor": [
                    {"id": q.question_id, "ja": t.yes, "nej": t.no, "x": t.not_applicable,
                     "obesvarad": t.unanswered, "andel": t.share}
                    for q in summary.questions
                    if (t := level.tally(q.question_id)) is not None
                ],
            }
            for level in summary.levels
        ],
    }


def json_safe(value: Any) -> Any:
    """Every string of a JSON structure as UTF-8 can hold it (no lone surrogates)."""
    if isinstance(value, str):
        return safe_text(value, JSON)
    if isinstance(value, dict):
        return {json_safe(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def export_summary(summary: Summary, workbook: Path | None, json_path: Path | None,
                   earlier: Summary | None = None, pdf: Path | None = None) -> Exported:
    with recording() as replacements:
        written = _write_summary(summary, workbook, json_path, earlier, pdf)
    notices = replacements.notices()
    if summary.completeness.preliminary:
        notices.insert(0, f"Sammanställningen är preliminär: {summary.state_text()}. "
                          "Det står på varje sida och blad.")
    return Exported(tuple(written), tuple(notices))


def _write_summary(summary: Summary, workbook: Path | None, json_path: Path | None,
                   earlier: Summary | None, pdf: Path | None) -> list[Path]:
    written = []
    if workbook is not None:
        if workbook.suffix.lower() != ".xlsx":
            raise FileProblem(workbook, "filnamnet ska sluta på .xlsx.")
        delta = changes(summary, earlier) if earlier is not None else None
        written.append(write_summary_workbook(summary, workbook, delta, earlier.year if earlier else None))
    if pdf is not None:
        if pdf.suffix.lower() != ".pdf":
            raise FileProblem(pdf, "filnamnet ska sluta på .pdf.")
        delta = changes(summary, earlier) if earlier is not None else None
        written.append(write_summary_pdf(summary, pdf, resources_dir() / "fonts", delta,
                                         earlier.year if earlier else None))
    if json_path is not None:
        text = json.dumps(json_safe(summary_json(summary)), ensure_ascii=False, indent=2)
        written.append(build_atomically(lambda path: path.write_text(text, encoding="utf-8"), json_path))
    return written
