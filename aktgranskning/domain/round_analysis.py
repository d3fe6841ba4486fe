"""Suggested texts for the område and förvaltning analysis, from the summary: the common
development areas and the strongest questions of the level, and the main points of the enheter's
own analyses, each named by enhet. A suggestion never replaces what the user wrote: `fill_empty`
puts it only into fields that are still empty."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from aktgranskning.domain.round import AnalysisLevel, LevelAnalysis, Round, SharedAction
from aktgranskning.domain.summary import LevelKind, LevelResult, Summary, cell_text
from aktgranskning.domain.thresholds import Level
from aktgranskning.domain.unit_data import question_numbers

POINTS_PER_UNIT = 3  # main points taken from each enhet's text
POINT_CHARACTERS = 240  # a longer point is cut with "…"
STRONGEST_QUESTIONS = 5
SHARED_AREAS = 8  # common development areas listed at most; the rest are counted
_BULLET = re.compile(r"^\s*(?:[-–•*·]|\d+[.)])\s+")


def prefilled(level: AnalysisLevel, name: str, summary: Summary) -> LevelAnalysis:
    """The suggestion for one område (`name` is the område) or the förvaltning."""
    units = _units_of(level, name, summary)
    result = _level_result(level, name, summary)
    numbers = question_numbers(summary.questions, {c.id: c.title for i in summary.inputs for c in i.data.checklists})
    unit_names = [unit.name for unit in units]
    return LevelAnalysis(
        level, name,
        strengths=_joined(_strongest(result, summary, numbers), _points(summary, unit_names, "strengths")),
        development_areas=_joined(_shared_areas(result, summary, unit_names, numbers),
                                  _points(summary, unit_names, "development_areas")),
        keep_good=_joined([], _points(summary, unit_names, "keep_good")),
    )


def fill_empty(current: LevelAnalysis, suggestion: LevelAnalysis) -> LevelAnalysis:
    """The current analysis with the suggestion put into every field that is empty (only
    white space counts as empty); what the user wrote is kept as it is."""
    def kept_or_suggested(field: str) -> str:
        return current.text(field) if current.text(field).strip() else suggestion.text(field) or current.text(field)

    return replace(current, strengths=kept_or_suggested("strengths"),
                   development_areas=kept_or_suggested("development_areas"),
                   keep_good=kept_or_suggested("keep_good"))


def level_analyses(round_: Round) -> list[tuple[str, LevelAnalysis]]:
    """The förvaltning's analysis, then each område's in the round's order, each with its title;
    a level nobody has written about is there too, empty."""
    levels = [("Förvaltning", round_.analysis(AnalysisLevel.ADMINISTRATION, round_.administration))]
    levels += [("Område", round_.analysis(AnalysisLevel.AREA, area)) for area in round_.areas()]
    return levels


def question_lines(action: SharedAction, summary: Summary) -> list[str]:
    """'F3 Har barnet fått komma till tals?' for each question the action targets; an id this
    year's questions lack is named as such."""
    titles = {c.id: c.title for i in summary.inputs for c in i.data.checklists}
    numbers = question_numbers(summary.questions, titles)
    texts = {q.question_id: q.text for q in summary.questions}
    return [
        f"{numbers[qid]} {texts[qid]}" if qid in texts else f"{qid} (finns inte bland årets frågor)"
        for qid in action.question_ids
    ]


def main_points(text: str, limit: int = POINTS_PER_UNIT) -> list[str]:
    """The first points of a free text: its bullet lines when it has any, otherwise its first
    lines (a paragraph's first sentence)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    bullets = [_BULLET.sub("", line) for line in lines if _BULLET.match(line)]
    points = bullets or [_first_sentence(line) for line in lines]
    return [_cut(point) for point in points if point][:limit]


def _units_of(level: AnalysisLevel, name: str, summary: Summary) -> list[LevelResult]:
    if level is AnalysisLevel.ADMINISTRATION:
        return summary.units()
    return [unit for unit in summary.units() if unit.area == name]


def _level_result(level: AnalysisLevel, name: str, summary: Summary) -> LevelResult | None:
    if level is AnalysisLevel.ADMINISTRATION:
        return summary.administration_level
    return next((lv for lv in summary.levels if lv.kind is LevelKind.AREA and lv.name == name), None)


def _shared_areas(result: LevelResult | None, summary: Summary, unit_names: Sequence[str],
                  numbers: dict[str, str]) -> list[str]:
    own = set(unit_names)
    lines = []
    for area in summary.shared_areas:
        below = [unit for unit in area.units if unit in own]
        question = area.question
        tally = result.tally(question.question_id) if result is not None else None
        limits = summary.thresholds.for_question(question)
        level_below = tally is not None and limits.level(tally.share) in (Level.POOR, Level.FAIR)
        # common to the level: two of its enheter below green, or one that pulls the level below
        if len(below) < 2 and not (below and level_below):
            continue
        share = f"; nivån totalt {cell_text(tally)}" if tally is not None else ""
        lines.append(f"{numbers.get(question.question_id, question.question_id)} {question.text} – under den "
                     f"gröna nivån i {', '.join(below)}{share}")
    if len(lines) > SHARED_AREAS:
        lines = [*lines[:SHARED_AREAS], f"… och {len(lines) - SHARED_AREAS} frågor till (se sammanställningen)"]
    return [_section("Gemensamma utvecklingsområden", lines)] if lines else []


def _strongest(result: LevelResult | None, summary: Summary, numbers: dict[str, str]) -> list[str]:
    if result is None:
        return []
    good = [
        (question, tally) for question in summary.questions
        if (tally := result.tally(question.question_id)) is not None and tally.assessed
        and summary.thresholds.for_question(question).level(tally.share) is Level.GOOD
    ]
    good.sort(key=lambda pair: (-(pair[1].share or 0), -pair[1].assessed))
    lines = [f"{numbers.get(q.question_id, q.question_id)} {q.text} – {cell_text(t)}"
             for q, t in good[:STRONGEST_QUESTIONS]]
    return [_section("Starkaste frågorna", lines)] if lines else []


def _points(summary: Summary, unit_names: Iterable[str], field: str) -> list[str]:
    # a round names its enheter as the round does, which may differ in case from the file
    analyses = {item.data.identity.unit.casefold(): item.data.analysis for item in summary.inputs}
    lines = [
        f"{unit}: {point}"
        for unit in unit_names if unit.casefold() in analyses
        for point in main_points(analyses[unit.casefold()].text(field))
    ]
    return [_section("Från enheternas analyser", lines)] if lines else []


def _section(title: str, lines: Sequence[str]) -> str:
    return "\n".join([f"{title}:", *(f"• {line}" for line in lines)])


def _joined(first: Sequence[str], second: Sequence[str]) -> str:
    return "\n\n".join([*first, *second])


def _first_sentence(line: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", line)
    return match.group(1) if match else line


def _cut(text: str) -> str:
    return text if len(text) <= POINT_CHARACTERS else text[:POINT_CHARACTERS - 1].rstrip() + "…"
