"""Carrying last year's improvement activities over (the plain-list rule the window uses)."""

from datetime import date

from aktgranskning.domain.analysis import Activity, ActivityStatus, carry_over


def test_last_years_activities_follow_this_years_with_their_year_and_status():
    this_year = [Activity("Ny rutin")]
    last_year = [Activity("Utbildning", "F3", "Enhetschef", date(2025, 11, 30), "På APT", ActivityStatus.ONGOING),
                 Activity("Checklista", from_year=2023)]
    result = carry_over(this_year, last_year, 2025)
    assert result == [
        Activity("Ny rutin"),
        Activity("Utbildning", "F3", "Enhetschef", date(2025, 11, 30), "På APT", ActivityStatus.ONGOING,
                 from_year=2025),
        Activity("Checklista", from_year=2023),  # carried again: keeps the year it started
    ]


def test_an_activity_already_in_the_list_is_not_carried_over_twice():
    once = carry_over([], [Activity("Utbildning")], 2025)
    assert carry_over(once, [Activity("Utbildning")], 2025) == once
