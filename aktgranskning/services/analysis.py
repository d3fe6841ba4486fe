"""The enhetschef's analysis and the round's colour limits, kept in the granskningsfil."""

from __future__ import annotations

from aktgranskning.domain.analysis import (
    ANALYSIS_FIELDS,
    Activity,
    Analysis,
    parse_due_date,
)
from aktgranskning.domain.review_file import now_iso
from aktgranskning.domain.thresholds import Thresholds
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
    """Replace the table of improvement activities; rows left entirely empty are dropped."""
    cleaned = [
        Activity(
            activity=a.activity.strip(),
            linked=a.linked.strip(),
            responsible=a.responsible.strip(),
            due=parse_due_date(a.due),
            follow_up=a.follow_up.strip(),
            status=a.status,
            from_year=a.from_year,
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


def read_thresholds(session: ReviewSession) -> Thresholds:
    with session.reading() as tx:
        return tx.thresholds()


def save_thresholds(session: ReviewSession, thresholds: Thresholds) -> None:
    with session.writing() as tx:
        tx.write_thresholds(thresholds)
