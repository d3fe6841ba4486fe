"""Comparing a question's result with an earlier year, honest about small samples.

With 20 cases a single case moves the share by five points, so every change is tested with
Fisher's exact test on the 2×2 table (Ja/Nej this year and the earlier year). A change whose
p-value is 0.05 or more is reported as within what chance explains. Fisher's test is a dozen
lines; scipy would add tens of megabytes to the installer for this one function. The
probabilities are computed from logarithms of the binomial coefficients (math.lgamma): with
exact integers (math.comb) a förvaltning of 6 000 akter a year took a second per question.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp, lgamma

from aktgranskning.domain.results import Tally

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class YearChange:
    current: Tally
    previous: Tally
    p_value: float | None  # None when either year has no Ja/Nej

    @property
    def difference(self) -> float | None:
        """Change of the share in percentage points."""
        if self.current.share is None or self.previous.share is None:
            return None
        return (self.current.share - self.previous.share) * 100

    @property
    def within_chance(self) -> bool:
        return self.p_value is None or self.p_value >= SIGNIFICANCE

    def describe(self) -> str:
        """'+15 p.e. (kan vara slumpen)', '−40 p.e. (säkerställd)', or '–'."""
        difference = self.difference
        if difference is None:
            return "–"
        points = round(difference)
        sign = "+" if points > 0 else ("−" if points < 0 else "±")
        text = f"{sign}{abs(points)} p.e."
        if points == 0:
            return text
        return f"{text} ({'kan vara slumpen' if self.within_chance else 'säkerställd'})"


def compare(current: Tally, previous: Tally) -> YearChange:
    if not current.assessed or not previous.assessed:
        return YearChange(current, previous, None)
    return YearChange(current, previous, fisher_exact(current.yes, current.no, previous.yes, previous.no))


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test for the table [[a, b], [c, d]]."""
    row1, row2, col1 = a + b, c + d, a + c
    total = row1 + row2
    denominator = _log_comb(total, col1)

    def log_probability(x: int) -> float:
        return _log_comb(row1, x) + _log_comb(row2, col1 - x) - denominator

    observed = log_probability(a)
    low, high = max(0, col1 - row2), min(row1, col1)
    # The tolerance keeps tables as likely as the observed one despite rounding.
    p = sum(exp(lp) for x in range(low, high + 1) if (lp := log_probability(x)) <= observed + 1e-7)
    return min(1.0, p)


def _log_comb(n: int, k: int) -> float:
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
