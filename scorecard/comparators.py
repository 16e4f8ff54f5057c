"""Comparators, defined as LAIT defines them.

* England and the region: the published rows. Where a source has no regional row (the MoJ table;
  London in the EHE file) the region is calculated from its LAs as a ratio of sums
  (sum of numerators / sum of denominators), never as a mean of rates, and says how many LAs it used.
* Statistical neighbours: DfE's ten nearest LAs (the newest model that includes the area). The
  neighbour average is the unweighted mean of the neighbours that have a value, with the count.
* Only the publishers' figures are ranked, averaged or summed: a board's own figure (a local or
  provisional figure, or an illustrative one) is shown, but never compared as if it were published.
* Rank: among LAs with a value, 1 = best by polarity, ties take the lowest rank ("12th of 150").
  Context metrics are ranked from the highest, and get no quartile.
* Quartile band: A (best quarter) to D (worst), by polarity.
* Small numbers: a rate on a denominator below the small-number threshold (default 10, set in the
  register) is marked `small_numbers`, and left out of ranks and bands: the Isles of Scilly's 100% from
  2 requests is not "1st of 151".
* Counts are context: a raw count (or a sum of money for the whole area) is bigger in bigger areas,
  so it gets no rank or band (a rate per population, "per 10,000" or "£ per head", does).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .published import is_missing
from .register import Metric, settings

if TYPE_CHECKING:
    import pandas as pd

BANDS = "ABCD"


def neighbour_map(links: pd.DataFrame) -> pd.DataFrame:
    """Each area's neighbours from the newest model that includes it: area_code, neighbour_code,
    rank, closeness, model_year."""
    import pandas as pd  # pandas is loaded only by the tables that need it, so `scorecard show` starts fast
    if links is None or not len(links):
        return pd.DataFrame(columns=["area_code", "neighbour_code", "rank", "closeness", "model_year"])
    newest = links.groupby("area_code")["model_year"].transform("max")
    return links[links["model_year"] == newest][["area_code", "neighbour_code", "rank", "closeness", "model_year"]]


# One query computes every comparator for every area and period of any number of metrics. Parameters:
# $1, the metrics as a list of {id, sign, unit} (sign +1: higher ranks first; -1: lower ranks first);
# $2, the small-number threshold. Every window and group is per metric.
COMPARATORS_SQL = """
WITH wanted AS (SELECT w.id AS metric_id, w.sign AS _sign, w.unit AS _unit FROM (SELECT unnest($1) AS w)),
v AS (
    SELECT v.metric_id, v.area_code, a.la_number, a.name AS area_name, a.level, a.region_code,
           a.is_current AS area_is_current, v.period_label AS period, p.kind AS period_kind,
           p.start_date, p.end_date, v.value, v.numerator, v.denominator, v.status, v.note, v.source_id,
           s.title AS source, s.released AS source_released, v.batch_id, v.source_file, v.source_row,
           coalesce(w._unit IN ('%', 'rate per 100') AND v.denominator < $2, FALSE) AS small_numbers,
           w._sign, w._unit
    FROM metric_value v
    JOIN wanted w ON w.metric_id = v.metric_id
    JOIN area a ON a.code = v.area_code
    JOIN period p ON p.label = v.period_label
    LEFT JOIN source_release s ON s.id = v.source_id
    WHERE v.is_current
),
la AS (SELECT * FROM v WHERE level = 'la' AND status NOT IN ('local', 'provisional', 'illustrative')),
england AS (SELECT metric_id, period, value AS england FROM v WHERE area_code = 'E92000001'),
published_region AS (SELECT metric_id, period, area_code AS region_code, value AS region FROM v WHERE level = 'region'),
calculated_region AS (
    SELECT metric_id, _unit, period, region_code, count(*) AS n,
           count(*) FILTER (WHERE numerator IS NOT NULL AND denominator > 0) AS with_parts,
           sum(numerator) FILTER (WHERE numerator IS NOT NULL AND denominator > 0) AS num,
           sum(denominator) FILTER (WHERE numerator IS NOT NULL AND denominator > 0) AS den,
           count(value) AS with_value, sum(value) AS total
    FROM la WHERE region_code IS NOT NULL GROUP BY ALL
),
region AS (
    SELECT c.metric_id, c.period, c.region_code,
           CASE WHEN pr.region_code IS NOT NULL THEN pr.region
                WHEN c._unit IN ('%', 'rate per 100', 'per 10,000', '£ per head') AND c.with_parts > 0
                    THEN (CASE c._unit WHEN 'per 10,000' THEN 10000 WHEN '£ per head' THEN 1 ELSE 100 END) * c.num / c.den
                WHEN c._unit IN ('count', '£') AND c.with_value > 0 THEN c.total END AS region,
           CASE WHEN pr.region_code IS NOT NULL THEN NULL
                WHEN c._unit IN ('%', 'rate per 100', 'per 10,000', '£ per head') AND c.with_parts > 0 THEN format(
                    'calculated from {} of {} local authorities (sum of numerators ÷ sum of denominators); '
                    || 'no regional figure is published', c.with_parts, c.n)
                WHEN c._unit IN ('%', 'rate per 100', 'per 10,000', '£ per head') THEN format(
                    'no regional figure is published, and the {} LAs'' counts are not available to calculate one', c.n)
                WHEN c._unit IN ('count', '£') AND c.with_value > 0 THEN format(
                    'sum of {} of {} local authorities; no regional figure is published', c.with_value, c.n)
                WHEN c._unit IN ('count', '£') THEN format(
                    'no regional figure is published, and none of the {} LAs has a figure', c.n)
                ELSE 'no regional figure is published' END AS region_note
    FROM calculated_region c
    LEFT JOIN published_region pr USING (metric_id, period, region_code)
),
ranked AS (
    SELECT metric_id, area_code, period,
           rank() OVER (PARTITION BY metric_id, period ORDER BY value * _sign DESC) AS rank,
           count(*) OVER (PARTITION BY metric_id, period) AS rank_of
    FROM la WHERE value IS NOT NULL AND NOT small_numbers AND _unit NOT IN ('count', '£')
),
latest_batch AS (
    SELECT n.model_year, max(n.batch_id) AS batch_id FROM neighbour n
    JOIN import_batch b ON b.id = n.batch_id AND b.status = 'committed' GROUP BY n.model_year),
links AS (SELECT n.* FROM neighbour n JOIN latest_batch USING (model_year, batch_id)),
newest_model AS (SELECT area_code, max(model_year) AS model_year FROM links GROUP BY area_code),
neighbours AS (SELECT area_code, neighbour_code FROM links JOIN newest_model USING (area_code, model_year)),
sn_of AS (SELECT area_code, count(*) AS sn_of FROM neighbours GROUP BY area_code),
sn AS (
    SELECT x.metric_id, nb.area_code, x.period, round(avg(x.value), 9) AS sn_mean, count(*) AS sn_count  -- rounding drops float noise
    FROM neighbours nb JOIN la x ON x.area_code = nb.neighbour_code
    WHERE x.value IS NOT NULL GROUP BY ALL
)
SELECT v.* EXCLUDE (_sign, _unit), e.england,
       CASE WHEN v.level = 'la' THEN r.region END AS region,
       CASE WHEN v.level = 'la' THEN r.region_note END AS region_note,
       sn.sn_mean,
       CASE WHEN v.level = 'la' AND so.sn_of IS NOT NULL THEN coalesce(sn.sn_count, 0) END AS sn_count,
       so.sn_of, k.rank, k.rank_of
FROM v
LEFT JOIN england e USING (metric_id, period)
LEFT JOIN region r ON r.metric_id = v.metric_id AND r.period = v.period AND r.region_code = v.region_code
LEFT JOIN sn ON sn.metric_id = v.metric_id AND sn.area_code = v.area_code AND sn.period = v.period
LEFT JOIN sn_of so ON so.area_code = v.area_code
LEFT JOIN ranked k ON k.metric_id = v.metric_id AND k.area_code = v.area_code AND k.period = v.period
ORDER BY v.metric_id, v.end_date, v.level, v.area_name
"""


def comparators_table(con, metric: Metric, small_number_threshold: int | None = None) -> pd.DataFrame:
    """Every current figure for a metric with england, region, region_note, sn_mean, sn_count, sn_of,
    rank, rank_of, quartile and small_numbers for the same period (the definitions above)."""
    return comparators_tables(con, [metric], small_number_threshold)[metric.id]


def comparators_tables(con, metrics: Iterable[Metric], small_number_threshold: int | None = None
                       ) -> dict[str, pd.DataFrame]:
    """comparators_table for each of `metrics`, worked out in one query (a scorecard needs two dozen;
    one query for all of them takes about the time of two for one each)."""
    import pandas as pd
    metrics = list({m.id: m for m in metrics}.values())
    threshold = settings().small_number_threshold if small_number_threshold is None else small_number_threshold
    everything = con.execute(COMPARATORS_SQL, [wanted(metrics), threshold]).df()
    for col in ("start_date", "end_date"):
        everything[col] = pd.to_datetime(everything[col]).dt.date
    for col in ("sn_count", "sn_of", "rank", "rank_of", "source_row"):
        everything[col] = everything[col].astype("Int64")
    by_metric = dict(tuple(everything.groupby("metric_id", sort=False))) if len(everything) else {}
    return {m.id: _finish(by_metric.get(m.id, everything.iloc[0:0]), m) for m in metrics}


def wanted(metrics: list[Metric]) -> list[dict]:
    """The comparator query's $1: each metric's id, the sign that ranks it by its polarity, and its unit."""
    return [{"id": m.id, "sign": -1 if m.polarity == "lower" else 1, "unit": m.unit} for m in metrics]


def _finish(out: pd.DataFrame, metric: Metric) -> pd.DataFrame:
    """A metric's share of the query's answer, with the rules that depend on the metric itself."""
    import pandas as pd
    out = out.reset_index(drop=True)
    if not metric.national:
        # Local returns come from one or a few boards: a "region", rank or neighbour mean built from
        # them would describe the boards that happen to use this tool, not the region.
        out[["region", "region_note", "sn_mean"]] = None
        for col in ("sn_count", "sn_of", "rank", "rank_of"):
            out[col] = pd.array([None] * len(out), dtype="Int64")
    out["quartile"] = None if metric.polarity == "context" else \
        [quartile_band(r, n) for r, n in zip(out["rank"], out["rank_of"])]
    return out


def quartile_band(rank, rank_of) -> str | None:
    if rank is None or rank_of is None or is_missing(rank) or is_missing(rank_of) or int(rank_of) < 4:
        return None
    return BANDS[min(3, max(0, math.ceil(int(rank) * 4 / int(rank_of)) - 1))]

