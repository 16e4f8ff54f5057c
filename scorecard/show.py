"""`scorecard show`: a measure's figures for one area, several or all, with their comparators, as
plain rows. It runs the same comparator query as every page and pack (scorecard.comparators), but
reads no DataFrame, so a whole `scorecard show` process starts and ends in well under a second.

Figures are rounded to the measure's decimals, as every download is. Each rate built from counts
carries its 95% confidence interval (ci_lower, ci_upper); a figure left out of the ranks says why
(rank_note: "rank uncertain: small numbers", or "not ranked: small numbers").
"""

from __future__ import annotations

from . import comparators
from .comparators import COMPARATORS_SQL, quartile_band
from .published import is_missing
from .register import Metric, settings
from .store import literal

COLUMNS = ("area_code", "la_number", "area_name", "period", "value", "numerator", "denominator", "ci_lower", "ci_upper",
           "status", "source", "england", "region", "sn_mean", "sn_count", "rank", "rank_of", "quartile", "rank_note")
_FIGURES = ("value", "ci_lower", "ci_upper", "england", "region", "sn_mean")
RANK_UNCERTAIN = "rank uncertain: small numbers"
SMALL_NUMBERS = "not ranked: small numbers"


def rows(con, metric: Metric, area_codes: list[str] | None = None) -> list[dict]:
    """Every current figure of the measure (or the given areas'), oldest period first."""
    # The comparator query's $1 (the one metric) and $2, and the areas, as literals of values already
    # checked (a register id, a unit, numbers, area codes from the area table): binding Python
    # parameters makes DuckDB load pandas, which would add most of a second to the command
    # (store.literal).
    wanted = comparators.wanted([metric])[0]
    sql = COMPARATORS_SQL.replace("$2", literal(settings().small_number_threshold)).replace(
        "$1", "[{" + ", ".join(f"{literal(key)}: {literal(value)}" for key, value in wanted.items()) + "}]")
    areas = "" if not area_codes else (" WHERE area_code IN (" + ", ".join(literal(c) for c in area_codes) + ")")
    found = con.execute(
        "SELECT area_code, la_number, area_name, period, value, numerator, denominator, ci_lower, ci_upper, status, "
        "source, england, region, sn_mean, sn_count, rank, rank_of, rank_uncertain, small_numbers FROM (" + sql + ") c"
        + areas
        + " ORDER BY end_date, level, area_name").fetchall()
    out = []
    names = [c for c in COLUMNS if c not in ("quartile", "rank_note")] + ["rank_uncertain", "small_numbers"]
    for values in found:
        row = dict(zip(names, values))
        uncertain, small = bool(row.pop("rank_uncertain")), bool(row.pop("small_numbers"))
        if not metric.national:  # local returns from a few boards: no region, neighbours or rank
            row.update(region=None, sn_mean=None, sn_count=None, rank=None, rank_of=None)
            uncertain = small = False
        row["quartile"] = None if metric.polarity == "context" else quartile_band(row["rank"], row["rank_of"])
        row["rank_note"] = RANK_UNCERTAIN if uncertain else (SMALL_NUMBERS if small and not is_missing(row["value"])
                                                               else None)
        for name in _FIGURES:
            if not is_missing(row[name]):
                row[name] = round(float(row[name]), metric.decimals)
        out.append(row)
    return out
