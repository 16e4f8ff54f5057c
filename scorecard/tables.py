"""The metric table behind `scorecard show`, the scorecard, the packs and every chart's table view:
one row per area and period, with the row's comparators."""

from __future__ import annotations

import pandas as pd

from .comparators import comparators_table
from .register import Metric

SHOW_COLUMNS = [
    "area_code", "la_number", "area_name", "period", "value", "numerator", "denominator", "status", "source",
    "england", "region", "sn_mean", "sn_count", "rank", "rank_of", "quartile",
]


def metric_table(con, metric: Metric, area_code: str | None = None) -> pd.DataFrame:
    """Every current figure for a metric (or one area's), with England, region, neighbour mean,
    rank and quartile for the same period."""
    table = comparators_table(con, metric)
    if area_code is not None:
        table = table[table["area_code"] == area_code]
    return table.reset_index(drop=True)
