"""Small-number suppression for public packs, published with committee papers (PRODUCT.md: "suppress
counts below a threshold, default fewer than 5, and the percentages built on them").

The rule, with threshold N:
  * a count below N, zero included, is shown as "c";
  * a rate or percentage is shown as "c" when its numerator or its denominator is below N;
  * a change, or progress along a trajectory, worked out from a suppressed figure is hidden too,
    because it would give the figure away;
  * so are its counts, its 95% confidence interval, its rank, quartile band and any rank caveat, and
    every other place that would give away where it stands: a suppressed figure has no position.
Rates whose counts the store does not hold are shown as published: the publisher has already
applied its own suppression. England and regional rates are sums over many areas and are not
checked; for count measures every comparator (including the neighbour mean) is checked.

Pure functions on the card and on frames; nothing here touches the store.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from . import queries
from .card import FLAG_RANK_UNCERTAIN, FLAG_SMALL_NUMBERS, Card, CardRow, build
from .formatting import is_missing
from .rag import Rating
from .register import Metric

MARK = "c"
DEFAULT_THRESHOLD = 5
RATE_UNITS = ("%", "rate per 100", "per 10,000")
COMPARATOR_FIELDS = ("england", "region", "sn_mean")
# What a suppressed figure takes with it: the figure, and everything that says where it stands.
POSITION_FIELDS = ("value", "numerator", "denominator", "ci_lower", "ci_upper", "rank", "rank_of", "quartile")
POSITION_FLAGS = (FLAG_RANK_UNCERTAIN, "Rank not comparable", FLAG_SMALL_NUMBERS)
# The columns of a metric table emptied with a suppressed figure (suppress_frame).
POSITION_COLUMNS = ("ci_lower", "ci_upper", "rank", "rank_of", "quartile")


def check_threshold(threshold) -> int:
    """The threshold as a whole number of 1 or more, or ValueError saying what is wrong."""
    try:
        value = int(str(threshold).strip())
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"the suppression threshold must be a whole number of 1 or more, not {threshold!r}")
    return value


def status(threshold: int) -> str:
    """The status given to a suppressed figure; words.py prints it as the reason for no figure."""
    return f"suppressed in the public version (fewer than {threshold})"


def note(threshold: int) -> str:
    return (f'"{MARK}" marks a figure suppressed to protect individuals: a count below {threshold} '
            f"(zero included), or a rate or percentage whose numerator or denominator is below {threshold}. "
            "Changes worked out from a suppressed figure are suppressed too.")


def count_is_small(value, threshold: int) -> bool:
    return not is_missing(value) and float(value) < threshold


def rate_is_small(numerator, denominator, threshold: int) -> bool:
    return count_is_small(numerator, threshold) or count_is_small(denominator, threshold)


def hides(unit: str, value, numerator, denominator, threshold: int) -> bool:
    """Whether one figure must be shown as "c" in a public pack."""
    if is_missing(value):
        return False
    if unit == "count":
        return count_is_small(value, threshold)
    if unit in RATE_UNITS:
        return rate_is_small(numerator, denominator, threshold)
    return False


def counts_lookup(counts: pd.DataFrame) -> dict[tuple[str, str], tuple]:
    """(metric_id, period) -> (numerator, denominator), from queries.area_counts."""
    return {(m, p): (n, d) for m, p, n, d in
            zip(counts["metric_id"], counts["period"], counts["numerator"], counts["denominator"])}


def suppress_row(row: CardRow, lookup: dict, threshold: int) -> tuple[CardRow, set[str]]:
    """A copy of a scorecard row with small figures removed, and the names of the fields removed
    (value, previous, change, last_year, baseline, change_since_baseline, trajectory_progress,
    england, region, sn_mean, trend:<period>)."""
    m = row.metric
    hidden: set[str] = set()

    def small(value, period_label) -> bool:
        num, den = lookup.get((m.id, period_label), (None, None))
        return hides(m.unit, value, num, den, threshold)

    changes: dict = {}
    if row.period is not None and small(row.value, row.period.label):
        hidden.update(POSITION_FIELDS)
        changes.update(value=None, status=status(threshold), numerator=None, denominator=None, rank=None,
                       rank_of=None, quartile=None, rank_uncertain=False, rank_caveat=None, alongside=[])
        if row.rating.rag:
            changes["rating"] = Rating(row.rating.rag, "Rated on a figure suppressed in the public version.")
    if row.previous_period is not None and small(row.previous, row.previous_period.label):
        hidden.add("previous")
        changes.update(previous=None, previous_status=status(threshold), previous_numerator=None,
                       previous_denominator=None)
    if row.last_year_period and small(row.last_year, row.last_year_period):
        hidden.add("last_year")
        changes["last_year"] = None
    if row.baseline_period and small(row.baseline, row.baseline_period):
        hidden.add("baseline")
        changes["baseline"] = None
    if hidden & {"value", "previous"} and not is_missing(row.change):
        hidden.add("change")
    if hidden & {"value", "baseline"} and not is_missing(row.change_since_baseline):
        hidden.update({"change_since_baseline", "trajectory_progress"})
    trend = []
    for point in row.trend:
        if small(point["value"], point["period"]):
            hidden.add(f"trend:{point['period']}")
            point = {**point, "value": None, "status": status(threshold)}
        trend.append(dict(point))
    changes["trend"] = trend
    cm = row.comparator_metric
    if cm is not None and cm.unit == "count":
        for name in COMPARATOR_FIELDS:
            if count_is_small(getattr(row, name), threshold):
                hidden.add(name)
                changes[name] = None
    flags = list(row.flags)
    if "value" in hidden:  # no flag may say where a suppressed figure stands, or how small its counts are
        flags = [f for f in flags if not f.startswith(POSITION_FLAGS)]
    if hidden:
        flags.append(f"Figures below {threshold}, and rates built on them, are shown as {MARK} in this public version")
    changes["flags"] = flags
    return replace(row, **changes), hidden


def suppress_card(card: Card, counts: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD
                  ) -> tuple[Card, dict[str, set[str]]]:
    """A copy of the card safe to publish, and for each metric the fields that were suppressed.
    `counts` holds the area's numerators and denominators (queries.area_counts)."""
    threshold = check_threshold(threshold)
    lookup = counts_lookup(counts)
    rows, hidden = [], {}
    for row in card.rows:
        new, gone = suppress_row(row, lookup, threshold)
        rows.append(new)
        hidden[row.metric.id] = gone
    return replace(card, rows=rows), hidden


def suppress_frame(frame: pd.DataFrame, metric: Metric, threshold: int = DEFAULT_THRESHOLD,
                   value_column: str = "value", comparator_columns: tuple[str, ...] = COMPARATOR_FIELDS
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suppress an area's rows of a metric table (value, numerator, denominator and comparator
    columns). Returns the frame with suppressed cells emptied (numerators and denominators too)
    and a frame of booleans marking them."""
    threshold = check_threshold(threshold)
    out = frame.copy()
    columns = [c for c in (value_column, *comparator_columns) if c in out.columns]
    mask = pd.DataFrame(False, index=out.index, columns=columns)
    num = out["numerator"] if "numerator" in out.columns else pd.Series(None, index=out.index, dtype="float64")
    den = out["denominator"] if "denominator" in out.columns else pd.Series(None, index=out.index, dtype="float64")
    mask[value_column] = [hides(metric.unit, v, n, d, threshold)
                          for v, n, d in zip(out[value_column], num, den)]
    if metric.unit == "count":
        for col in columns[1:]:
            mask[col] = [count_is_small(v, threshold) for v in out[col]]
    for col in columns:
        if mask[col].any():
            out[col] = out[col].astype("float64").where(~mask[col])
    small_parts = mask[value_column]
    if small_parts.any():  # a suppressed figure has no interval, rank or band: they would place it
        for col in POSITION_COLUMNS:
            if col in out.columns:
                out[col] = out[col].where(~small_parts)
        if "rank_uncertain" in out.columns:
            out["rank_uncertain"] = out["rank_uncertain"].where(~small_parts, False)
    for col in ("numerator", "denominator"):
        if col in out.columns:
            parts = [count_is_small(v, threshold) for v in out[col]]
            out[col] = out[col].astype("float64").where(~(small_parts | pd.Series(parts, index=out.index)))
    return out, mask


def public_card(con, area_code: str, term, threshold: int = DEFAULT_THRESHOLD, **build_options
                ) -> tuple[Card, dict[str, set[str]]]:
    """The scorecard as the public may see it (`card --public`, public packs, the public view):
    internal commentary left out, and small counts and the rates built on them suppressed. Returns
    the card and, for each metric, the fields shown as "c"."""
    built = build(con, area_code, term, public=True, **build_options)
    return suppress_card(built, queries.area_counts(con, built.area_code), threshold)


def public_frame(frame: pd.DataFrame, metric: Metric, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """A metric table (tables.metric_table) as the public view shows it: suppress_frame, with each figure
    removed given the status that says why (so it reads as suppressed, not as missing)."""
    out, mask = suppress_frame(frame, metric, threshold)
    if "status" in out.columns and mask["value"].any():
        out["status"] = out["status"].astype(object).where(~mask["value"], status(check_threshold(threshold)))
    return out
