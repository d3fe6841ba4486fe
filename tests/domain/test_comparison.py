import pytest
from hypothesis import given
from hypothesis import strategies as st

from aktgranskning.domain.comparison import compare, fisher_exact
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.results import Tally
from aktgranskning.domain.thresholds import Level, Thresholds


def test_fisher_exact_matches_published_values():
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(0.4857142857)  # the lady tasting tea
    assert fisher_exact(8, 2, 1, 5) == pytest.approx(0.0349650350)  # scipy.stats.fisher_exact's example
    assert fisher_exact(5, 0, 5, 0) == pytest.approx(1.0)


@given(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20), st.integers(0, 20))
def test_fisher_exact_is_a_probability_and_symmetric(a, b, c, d):
    p = fisher_exact(a, b, c, d)
    assert 0.0 <= p <= 1.0
    assert fisher_exact(c, d, a, b) == pytest.approx(p)
    assert fisher_exact(b, a, d, c) == pytest.approx(p)


def test_one_case_more_is_within_chance_but_a_collapse_is_not():
    one_more = compare(Tally(yes=18, no=2), Tally(yes=17, no=3))
    assert one_more.difference == pytest.approx(5.0)
    assert one_more.within_chance
    assert one_more.describe() == "+5 p.e. (kan vara slumpen)"
    collapse = compare(Tally(yes=4, no=16), Tally(yes=18, no=2))
    assert not collapse.within_chance
    assert collapse.describe() == "−70 p.e. (säkerställd)"


def test_no_comparison_without_ja_or_nej():
    change = compare(Tally(not_applicable=5), Tally(yes=3))
    assert change.difference is None and change.describe() == "–"


def test_thresholds_colour_the_share_as_it_is_shown():
    limits = Thresholds(good=90, fair=75)
    assert limits.level(17 / 19) is Level.FAIR  # 89 %
    assert limits.level(0.895) is Level.GOOD  # shown as 90 %
    assert limits.level(0.75) is Level.FAIR
    assert limits.level(0.74) is Level.POOR
    assert limits.level(None) is Level.NONE


def test_thresholds_that_contradict_each_other_are_refused_in_swedish():
    with pytest.raises(UserError, match="Gul måste ligga mellan 0 och grön"):
        Thresholds(good=70, fair=80)


def test_fisher_exact_on_a_whole_forvaltning_agrees_with_exact_integers():
    from fractions import Fraction
    from math import comb

    def exact(a: int, b: int, c: int, d: int) -> float:
        row1, row2, col1 = a + b, c + d, a + c
        probabilities = {x: Fraction(comb(row1, x) * comb(row2, col1 - x), comb(row1 + row2, col1))
                         for x in range(max(0, col1 - row2), min(row1, col1) + 1)}
        return float(sum(p for p in probabilities.values() if p <= probabilities[a]))

    for table in ((420, 80, 380, 120), (250, 250, 250, 250), (499, 1, 470, 30)):
        assert fisher_exact(*table) == pytest.approx(exact(*table), rel=1e-9)
