"""How sure a figure built from counts is: 95% confidence intervals, and the three judgements the
scorecard makes with them (PRODUCT.md, "Uncertainty, as public-health statistics handle it").

* A proportion (a percentage of a count: "6.0%: 24 of 403") gets Wilson's score interval.
* A rate per population or per 100 pupils (suspensions per 100, per 10,000 children), where the
  numerator counts events that may exceed the denominator, gets an interval for a Poisson count:
  exact (Garwood's, from the Poisson distribution itself) below 10 events, Byar's approximation from
  10 up, as OHID's Fingertips and PHE's confidence-interval guidance do; the count's bounds are then
  divided by the denominator and scaled like the rate.
* A rank and a quartile band are shown only where the interval stays within the figure's own band
  and at most one band next to it (`rank_is_certain`): otherwise the rank is "uncertain: small numbers".
* A change between two periods is better or worse only where the two figures differ at the 95%
  level (`differ`: the MOVER interval for the difference of two figures, Newcombe's hybrid score
  method for two proportions, excludes zero); otherwise there is "no clear change".
* A figure is "similar to England" where England's figure lies inside its interval (`contains`).

Pure functions: no store, no pandas. comparators.COMPARATORS_SQL computes the same intervals (the
same formulas, with EXACT_POISSON's table) to rank every area at once; a test checks they agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CONFIDENCE = 0.95
Z = 1.959963984540054  # the standard normal quantile for a two-sided 95% interval
WILSON, POISSON = "wilson", "poisson"
PROPORTION_UNITS = ("%",)
RATE_UNITS = {"rate per 100": 100.0, "per 10,000": 10_000.0}
EXACT_BELOW = 10  # counts below this use the exact Poisson interval, from here up Byar's
METHOD_WORDS = {WILSON: "Wilson score interval", POISSON: "exact Poisson interval below 10 events, Byar's from 10"}


@dataclass(frozen=True)
class Interval:
    """A 95% confidence interval in the measure's own units (per cent, per 100, per 10,000)."""

    lower: float
    upper: float
    method: str

    def contains(self, value) -> bool:
        return value is not None and self.lower <= float(value) <= self.upper


def method(unit: str, signed: bool = False) -> str | None:
    """Which interval a measure's figures get: WILSON for a percentage of a count, POISSON for a rate
    per population, None for anything else (a count, money, a balance that may be below zero)."""
    if signed:
        return None
    if unit in PROPORTION_UNITS:
        return WILSON
    if unit in RATE_UNITS:
        return POISSON
    return None


def wilson(successes: float, trials: float, z: float = Z) -> tuple[float, float]:
    """Wilson's score interval for a proportion, as fractions (0 to 1)."""
    n, x = float(trials), float(successes)
    z2 = z * z
    centre = x + z2 / 2
    spread = z * math.sqrt(x * (n - x) / n + z2 / 4)
    return max(0.0, (centre - spread) / (n + z2)), min(1.0, (centre + spread) / (n + z2))


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for a Poisson count with this mean (k small: a direct sum)."""
    term = total = math.exp(-mean)
    for i in range(1, k + 1):
        term *= mean / i
        total += term
    return total


def _solve(f, low: float, high: float) -> float:
    """The root of a decreasing function on [low, high], by bisection."""
    for _ in range(200):
        mid = (low + high) / 2
        if f(mid) > 0:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def exact_poisson(count: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Garwood's exact interval for the mean of a Poisson count: the means under which a count this
    high (lower bound) or this low (upper bound) has probability (1 - confidence) / 2."""
    tail = (1 - confidence) / 2
    upper = _solve(lambda mean: _poisson_cdf(count, mean) - tail, 0.0, 10.0 * count + 50.0)
    if count == 0:
        return 0.0, upper
    lower = _solve(lambda mean: tail - (1 - _poisson_cdf(count - 1, mean)), 0.0, 10.0 * count + 50.0)
    return lower, upper


# The exact bounds for the counts 0 to 9, worked out once (the comparator query uses the same table).
EXACT_POISSON = tuple(exact_poisson(k) for k in range(EXACT_BELOW))


def byar(count: float, z: float = Z) -> tuple[float, float]:
    """Byar's approximation to the exact Poisson interval for a count (good from about 10 events)."""
    o = float(count)
    lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return lower, upper


def poisson_count(count: float) -> tuple[float, float]:
    """The 95% interval for a Poisson count's mean: exact below EXACT_BELOW events, Byar's above."""
    if count < EXACT_BELOW:
        return EXACT_POISSON[int(count)]
    return byar(count)


def _whole(value) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and number >= 0 and number == int(number)


def interval(unit: str, numerator, denominator, signed: bool = False) -> Interval | None:
    """The 95% interval of a figure from its counts, in the measure's units; None where the measure
    gets none or its counts are not known (or are not whole counts: an estimate, money)."""
    how = method(unit, signed)
    if how is None or not _whole(numerator) or denominator is None:
        return None
    try:
        den = float(denominator)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(den) or den <= 0:
        return None
    num = float(numerator)
    if how == WILSON:
        if num > den or not _whole(den):
            return None
        low, high = wilson(num, den)
        return Interval(100 * low, 100 * high, WILSON)
    low, high = poisson_count(num)
    scale = RATE_UNITS[unit] / den
    return Interval(low * scale, high * scale, POISSON)


def differ(value_a: float, a: Interval | None, value_b: float, b: Interval | None) -> bool | None:
    """Whether two figures differ at the 95% level: the MOVER interval for their difference (Newcombe's
    hybrid score method when both are Wilson intervals) excludes zero. None where either has no
    interval: the counts are not known, so it cannot be judged."""
    if a is None or b is None or value_a is None or value_b is None:
        return None
    va, vb = float(value_a), float(value_b)
    difference = va - vb
    lower = difference - math.sqrt((va - a.lower) ** 2 + (b.upper - vb) ** 2)
    upper = difference + math.sqrt((a.upper - va) ** 2 + (vb - b.lower) ** 2)
    return lower > 0 or upper < 0


def band_index(goodness: float, cuts: tuple) -> int:
    """Which quarter (0 = A, the best, to 3 = D) a figure would fall in, given the goodness (the value,
    negated where lower is better) at the last place of bands A, B and C among the ranked."""
    return sum(1 for cut in cuts if cut is not None and goodness < cut)


def band_cuts(goodness_best_first: list[float]) -> tuple:
    """The goodness at the last place of bands A, B and C (places n//4, n//2 and 3n//4 of n, best
    first), as quartile bands are drawn by rank (comparators.quartile_band). Empty with fewer than 4."""
    n = len(goodness_best_first)
    if n < 4:
        return ()
    return tuple(goodness_best_first[k * n // 4 - 1] for k in (1, 2, 3))


def rank_is_certain(lower_band: int, upper_band: int) -> bool:
    """A rank and band stand where the whole interval lies in at most two neighbouring bands (its own
    and one next to it): the ends of the interval are no more than one band apart."""
    return abs(lower_band - upper_band) <= 1


def interval_words(value: Interval | None, fmt) -> str:
    """'95% confidence interval 3.9% to 8.8%', with `fmt` formatting a figure in the measure's units;
    '' where there is none."""
    if value is None:
        return ""
    return f"95% confidence interval {fmt(value.lower)} to {fmt(value.upper)}"
