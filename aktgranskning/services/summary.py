"""Summaries for the utvecklare: read every enhet's file, merge, and write workbook and JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from aktgranskning.atomic_file import build_atomically
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.domain.level_counts import LevelComparison, LevelCounts, YearComparison, compare_years
from aktgranskning.domain.safe_text import JSON, recording, safe_text
from aktgranskning.domain.summary import (
    ExcludedFile,
    LevelKind,
    LevelResult,
    Summary,
    SummaryInput,
    summarise,
)
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


def summary_json(summary: Summary, comparison: YearComparison | None = None) -> dict[str, Any]:
    """The numbers for BI tools. Keep the keys stable. "akter" per level counts the akter in the
    sample by status; "preliminar" is true while some of them are not finished; "ej_inlasta" names
    the files that could not be read and are not in the numbers. Each enhet has its "status"
    (saknas, ej_paborjad, pagaende, klar) and, in a summary of a round, "akter" has the akter it
    was to review ("forvantade"); a missing enhet has zeros and that number. "trosklar" are the
    colour limits used, "andra_trosklar" the files made with other limits; "jamforelse" (only
    with an earlier year) is `comparison_json`."""
    result = {
        "forvaltning": summary.administration,
        "ar": summary.year,
        "metod": "andel = summa Ja / summa (Ja + Nej) per nivå (poolad)",
        "preliminar": summary.preliminary,
        "omgang": summary.round is not None,
        "trosklar": {"gron": summary.thresholds.good, "gul": summary.thresholds.fair},
        "andra_trosklar": [{"fil": source, "gron": limits.good, "gul": limits.fair}
                           for source, limits in summary.other_limits],
        "ej_inlasta": [{"fil": item.source, "orsak": item.reason} for item in summary.excluded],
        "saknas": [level.name for level in summary.missing_units()],
        "nivaer": [
            {
                "niva": level.kind,
                "namn": level.name,
                "omrade": level.area,
                **_unit_state(level),
                "akter": _akter(level),
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
    if comparison is not None:
        result["jamforelse"] = comparison_json(comparison)
    return result


def comparison_json(comparison: YearComparison) -> dict[str, Any]:
    """Every level of either year: "finns" says whether it is in both years, "ny_i_ar" or
    "fanns_forra_aret"; its counts this year (null when it was found only last year) and in
    "forra_aret" (null when new); per question both years have, the shares, the change in
    percentage points, Fisher's p-value and whether the change is within chance."""
    return {
        "ar": comparison.earlier_year,
        "preliminar_forra_aret": comparison.earlier_preliminary,
        "omformulerade": [{"id": question_id, "text": now, "text_forra_aret": before}
                          for question_id, now, before in comparison.reworded],
        "nivaer": [
            {
                "niva": level.kind,
                "namn": level.name,
                "omrade": level.area,
                "finns": level.presence.value,
                **_counts_json(level.current),
                "forra_aret": {"namn": level.previous.name, **_counts_json(level.previous)}
                if level.previous is not None else None,
                "fragor": _changes_json(level),
            }
            for level in comparison.levels
        ],
    }


def _counts_json(counts: LevelCounts | None) -> dict[str, int | None]:
    if counts is None:
        return {"akter": None, "akter_i_resultatet": None, "bortfall": None, "enheter": None}
    return {"akter": counts.sample, "akter_i_resultatet": counts.counted, "bortfall": counts.dropouts,
            "enheter": counts.units}


def _changes_json(level: LevelComparison) -> list[dict[str, Any]]:
    return [
        {"id": question_id, "andel": change.current.share, "andel_forra_aret": change.previous.share,
         "skillnad_pe": None if change.difference is None else round(change.difference, 1),
         "p_varde": change.p_value, "kan_vara_slumpen": change.within_chance}
        for question_id, change in level.changes.items()
    ]


def _unit_state(level: LevelResult) -> dict[str, str]:
    return {"status": level.state.value} if level.kind is LevelKind.UNIT and level.state is not None else {}


def _akter(level: LevelResult) -> dict[str, int | None]:
    counts: dict[str, int | None] = dict(level.completeness.as_json())
    if level.kind is LevelKind.UNIT and level.expected is not None:  # a summary of a round
        counts["forvantade"] = level.expected
    return counts


def json_safe(value: Any) -> Any:
    """Every string of a JSON structure as UTF-8 can hold it (no lone surrogates)."""
    if isinstance(value, str):
        return safe_text(value, JSON)
    if isinstance(value, dict):
        return {json_safe(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def json_text(data: Any) -> str:
    """The structure as JSON (`layered_json`) with every string made safe (`json_safe`). Walking
    the whole structure is needed only when some string has a carriage return or a lone
    surrogate: the text written without the walk shows both (an escaped \\r; a surrogate cannot
    be encoded), and otherwise the walk would change nothing."""
    text = layered_json(data)
    if "\\r" in text or not _encodable(text):
        text = layered_json(json_safe(data))
    return text


def layered_json(data: Any) -> str:
    """JSON with each top-level key on a line of its own, and each element of a top-level list
    (a level of the summary) on one line; inside those, compact. json.dumps with `indent` runs
    in Python, not in C: for 300 enheter it took five times as long as the same JSON unindented."""
    if not isinstance(data, dict) or not data:
        return json.dumps(data, ensure_ascii=False, indent=2)
    entries = []
    for key, value in data.items():
        name = json.dumps(str(key), ensure_ascii=False)
        if isinstance(value, list) and value:
            items = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in value)
            entries.append(f"  {name}: [\n{items}\n  ]")
        else:
            entries.append(f"  {name}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(entries) + "\n}"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def export_summary(summary: Summary, workbook: Path | None, json_path: Path | None,
                   earlier: Summary | None = None, pdf: Path | None = None) -> Exported:
    with recording() as replacements:
        written = _write_summary(summary, workbook, json_path, earlier, pdf)
    notices = replacements.notices()
    if summary.preliminary:
        notices.insert(0, f"Sammanställningen är preliminär: {summary.state_text()}. "
                          "Det står på varje sida och blad.")
    return Exported(tuple(written), tuple(notices))


def _write_summary(summary: Summary, workbook: Path | None, json_path: Path | None,
                   earlier: Summary | None, pdf: Path | None) -> list[Path]:
    written = []
    comparison = compare_years(summary, earlier) if earlier is not None else None
    if workbook is not None:
        if workbook.suffix.lower() != ".xlsx":
            raise FileProblem(workbook, "filnamnet ska sluta på .xlsx.")
        written.append(write_summary_workbook(summary, workbook, comparison))
    if pdf is not None:
        if pdf.suffix.lower() != ".pdf":
            raise FileProblem(pdf, "filnamnet ska sluta på .pdf.")
        written.append(write_summary_pdf(summary, pdf, resources_dir() / "fonts", comparison))
    if json_path is not None:
        text = json_text(summary_json(summary, comparison))
        written.append(build_atomically(lambda path: path.write_text(text, encoding="utf-8"), json_path))
    return written
