"""The enhetschef's analysis and the round's colour limits, kept in the granskningsfil."""

from __future__ import annotations

from dataclasses import replace

from aktgranskning.domain.analysis import (
    ANALYSIS_FIELDS,
    Activity,
    Analysis,
    cleaned_question_ids,
)
from aktgranskning.domain.review_file import now_iso
from aktgranskning.domain.thresholds import Thresholds
from aktgranskning.domain.unit_report import UnitReport
from aktgranskning.services.session import ReviewSession


def read_analysis(session: ReviewSession) -> Analysis:
    with session.reading() as tx:
        return tx.analysis()


def save_analysis_text(session: ReviewSession, name: str, value: str) -> None:
    """Store one text of the analysis; committed before this returns. Unchanged text is not
    rewritten, so who filled in the analysis and when stays true."""
    if name not in ANALYSIS_FIELDS:
        raise KeyError(name)
    with session.writing() as tx:
        if tx.analysis().text(name) == value:
            return
        tx.put_analysis_text(name, value, session.reviewer, now_iso())


def save_activities(session: ReviewSession, activities: list[Activity]) -> None:
    """Replace the table of improvement activities; rows left entirely empty are dropped.
    A due date is a `date` already: the window's date picker and the readers parse typed text."""
    cleaned = [
        Activity(
            activity=a.activity.strip(),
            linked=a.linked.strip(),
            responsible=a.responsible.strip(),
            due=a.due,
            follow_up=a.follow_up.strip(),
            status=a.status,
            from_year=a.from_year,
            question_ids=cleaned_question_ids(a.question_ids),
        )
        for a in activities
        if not a.is_empty
    ]
    with session.writing() as tx:
        if list(tx.analysis().activities) == cleaned:
            return
        tx.replace_activities(cleaned)
        # The activities count as part of the analysis: record who changed them and when.
        tx.put_analysis_text("improvements", tx.analysis().improvements, session.reviewer, now_iso())


def without_filler(report: UnitReport) -> UnitReport:
    """The report with the name of who filled in the analysis left out: outputs print that name
    only when the user has chosen so (setting skriv_ut_ifylld_av); when it was changed stays."""
    if not report.data.analysis.filled_by:
        return report
    analysis = replace(report.data.analysis, filled_by="")
    return replace(report, data=replace(report.data, analysis=analysis))


def read_thresholds(session: ReviewSession) -> Thresholds:
    with session.reading() as tx:
        return tx.thresholds()


def save_thresholds(session: ReviewSession, thresholds: Thresholds) -> None:
    with session.writing() as tx:
        tx.write_thresholds(thresholds)
