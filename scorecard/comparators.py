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
* Uncertainty: every rate built from counts has a 95% confidence interval (ci_lower, ci_upper;
  uncertainty.py). A figure keeps its rank and band only where its interval lies within its own
  quartile band and at most one next to it; otherwise it is `rank_uncertain` ("rank uncertain: small
  numbers") and left out of the ranks, bands and hex map, and the others are ranked without it. City
  of London's 0 of 26 appeals (0 to 12.9%) is not "1st of 153"; Bristol's 3 of 395 (0.3 to 2.2%)
  stays near the bottom.
* A region with no published row (the MoJ table) has its calculated figure as a row of its own
  (status "computed", its note saying how it was calculated), so the region's own scorecard says
  what every LA's card in it says.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import uncertainty
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
# $1, the metrics as a list of {id, sign, unit, ci} (sign +1: higher ranks first; -1: lower ranks first;
# ci: the interval its figures get, uncertainty.method); $2, the small-number threshold. Every window
# and group is per metric. The 95% intervals are uncertainty.py's, worked out here for every row at
# once: Wilson's for a percentage of a count, a Poisson count's (exact below 10, Byar's from 10)
# scaled by the denominator for a rate per 100 or per 10,000.
COMPARATORS_SQL = """
WITH wanted AS (SELECT w.id AS metric_id, w.sign AS _sign, w.unit AS _unit, w.ci AS _ci FROM (SELECT unnest($1) AS w)),
v AS (
    SELECT v.metric_id, v.area_code, a.la_number, a.name AS area_name, a.level, a.region_code,
           a.is_current AS area_is_current, v.period_label AS period, p.kind AS period_kind,
           p.start_date, p.end_date, v.value, v.numerator, v.denominator, v.status, v.note, v.source_id,
           s.title AS source, s.released AS source_released, v.batch_id, v.source_file, v.source_row,
           coalesce(w._unit IN ('%', 'rate per 100') AND v.denominator < $2, FALSE) AS small_numbers,
           w._sign, w._unit, w._ci
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
    SELECT metric_id, _sign, _unit, _ci, period, period_kind, start_date, end_date, region_code, count(*) AS n,
           count(*) FILTER (WHERE numerator IS NOT NULL AND denominator > 0) AS with_parts,
           sum(numerator) FILTER (WHERE numerator IS NOT NULL AND denominator > 0) AS num,
           sum(denominator) FILTER (WHERE numerator IS NOT NULL AND denominator > 0) AS den,
           count(value) AS with_value, sum(value) AS total,
           min(source_id) AS source_id, min(source) AS source, min(source_released) AS source_released
    FROM la WHERE region_code IS NOT NULL GROUP BY ALL
),
region AS (
    SELECT c.metric_id, c.period, c.region_code, pr.region_code IS NULL AS calculated,
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
-- A region with no published row has the figure its LAs' comparators give it, as a row of its own,
-- so the region's own scorecard and `show` say the same as every LA's card in it.
region_rows AS (
    SELECT c.metric_id, c.region_code AS area_code, a.la_number, a.name AS area_name, a.level, a.region_code,
           a.is_current AS area_is_current, c.period, c.period_kind, c.start_date, c.end_date, r.region AS value,
           CASE WHEN c._unit IN ('count', '£') THEN NULL ELSE c.num END AS numerator,
           CASE WHEN c._unit IN ('count', '£') THEN NULL ELSE c.den END AS denominator,
           'computed' AS status, r.region_note AS note, c.source_id, c.source, c.source_released,
           NULL::INTEGER AS batch_id, NULL::VARCHAR AS source_file, NULL::INTEGER AS source_row,
           FALSE AS small_numbers, c._sign, c._unit, c._ci
    FROM calculated_region c
    JOIN region r USING (metric_id, period, region_code)
    JOIN area a ON a.code = c.region_code
    WHERE r.calculated AND r.region IS NOT NULL
),
everyone AS (SELECT * FROM v UNION ALL BY NAME SELECT * FROM region_rows),
with_interval AS (
    SELECT *,
           CASE WHEN _ci = 'wilson' AND numerator >= 0 AND denominator > 0 AND numerator <= denominator
                     AND numerator = round(numerator) AND denominator = round(denominator)
                THEN greatest(0, 100 * (numerator + 1.920729410347062
                     - 1.959963984540054 * sqrt(numerator * (denominator - numerator) / denominator + 0.960364705173531))
                     / (denominator + 3.841458820694124))
                WHEN _ci = 'poisson' AND numerator >= 0 AND denominator > 0 AND numerator = round(numerator)
                THEN (CASE _unit WHEN 'per 10,000' THEN 10000 ELSE 100 END) / denominator * (CASE
                     WHEN numerator < 10 THEN __EXACT_LOWER__[numerator::INTEGER + 1]
                     ELSE numerator * pow(1 - 1 / (9 * numerator) - 1.959963984540054 / (3 * sqrt(numerator)), 3) END)
           END AS ci_lower,
           CASE WHEN _ci = 'wilson' AND numerator >= 0 AND denominator > 0 AND numerator <= denominator
                     AND numerator = round(numerator) AND denominator = round(denominator)
                THEN least(100, 100 * (numerator + 1.920729410347062
                     + 1.959963984540054 * sqrt(numerator * (denominator - numerator) / denominator + 0.960364705173531))
                     / (denominator + 3.841458820694124))
                WHEN _ci = 'poisson' AND numerator >= 0 AND denominator > 0 AND numerator = round(numerator)
                THEN (CASE _unit WHEN 'per 10,000' THEN 10000 ELSE 100 END) / denominator * (CASE
                     WHEN numerator < 10 THEN __EXACT_UPPER__[numerator::INTEGER + 1]
                     ELSE (numerator + 1) * pow(1 - 1 / (9 * (numerator + 1))
                                                + 1.959963984540054 / (3 * sqrt(numerator + 1)), 3) END)
           END AS ci_upper
    FROM everyone
),
-- Ranks: first among every LA that may be ranked (a published figure, not on small numbers, not a
-- count); then again among those whose 95% interval lies within at most two neighbouring quartile
-- bands, its own and one next to it (uncertainty.rank_is_certain). The rest are "rank uncertain".
eligible AS (
    SELECT metric_id, area_code, period, value * _sign AS g, ci_lower * _sign AS g_lower, ci_upper * _sign AS g_upper,
           row_number() OVER (PARTITION BY metric_id, period ORDER BY value * _sign DESC) AS place,
           count(*) OVER (PARTITION BY metric_id, period) AS n
    FROM with_interval
    WHERE level = 'la' AND status NOT IN ('local', 'provisional', 'illustrative') AND value IS NOT NULL
          AND NOT small_numbers AND _unit NOT IN ('count', '£')
),
cuts AS (
    SELECT metric_id, period, max(g) FILTER (WHERE place = n // 4) AS cut_a, max(g) FILTER (WHERE place = n // 2) AS cut_b,
           max(g) FILTER (WHERE place = 3 * n // 4) AS cut_c
    FROM eligible GROUP BY ALL
),
judged AS (
    SELECT e.*, g_lower IS NULL OR g_upper IS NULL OR cut_a IS NULL OR abs(
        ((g_lower < cut_a)::INTEGER + (g_lower < cut_b)::INTEGER + (g_lower < cut_c)::INTEGER)
        - ((g_upper < cut_a)::INTEGER + (g_upper < cut_b)::INTEGER + (g_upper < cut_c)::INTEGER)) <= 1 AS certain
    FROM eligible e JOIN cuts USING (metric_id, period)
),
ranked AS (
    SELECT metric_id, area_code, period, rank() OVER (PARTITION BY metric_id, period ORDER BY g DESC) AS rank,
           count(*) OVER (PARTITION BY metric_id, period) AS rank_of
    FROM judged WHERE certain
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
SELECT v.* EXCLUDE (_sign, _unit, _ci), e.england,
       CASE WHEN v.level = 'la' THEN r.region END AS region,
       CASE WHEN v.level = 'la' THEN r.region_note END AS region_note,
       sn.sn_mean,
       CASE WHEN v.level = 'la' AND so.sn_of IS NOT NULL THEN coalesce(sn.sn_count, 0) END AS sn_count,
       so.sn_of, k.rank, k.rank_of, coalesce(NOT j.certain, FALSE) AS rank_uncertain
FROM with_interval v
LEFT JOIN england e USING (metric_id, period)
LEFT JOIN region r ON r.metric_id = v.metric_id AND r.period = v.period AND r.region_code = v.region_code
LEFT JOIN sn ON sn.metric_id = v.metric_id AND sn.area_code = v.area_code AND sn.period = v.period
LEFT JOIN sn_of so ON so.area_code = v.area_code
LEFT JOIN ranked k ON k.metric_id = v.metric_id AND k.area_code = v.area_code AND k.period = v.period
LEFT JOIN judged j ON j.metric_id = v.metric_id AND j.area_code = v.area_code AND j.period = v.period
ORDER BY v.metric_id, v.end_date, v.level, v.area_name
"""
# The exact Poisson bounds for 0 to 9 events, as list literals: numbers worked out by uncertainty.py
# when it loads, never a value from a file or a person.
COMPARATORS_SQL = COMPARATORS_SQL.replace(
    "__EXACT_LOWER__", "[" + ", ".join(repr(low) for low, _ in uncertainty.EXACT_POISSON) + "]").replace(
    "__EXACT_UPPER__", "[" + ", ".join(repr(high) for _, high in uncertainty.EXACT_POISSON) + "]")


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
    return [{"id": m.id, "sign": -1 if m.polarity == "lower" else 1, "unit": m.unit,
             "ci": uncertainty.method(m.unit, m.signed) or ""} for m in metrics]


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
        out["rank_uncertain"] = False
    out["quartile"] = None if metric.polarity == "context" else \
        [quartile_band(r, n) for r, n in zip(out["rank"], out["rank_of"])]
    return out


def quartile_band(rank, rank_of) -> str | None:
    if rank is None or rank_of is None or is_missing(rank) or is_missing(rank_of) or int(rank_of) < 4:
        return None
    return BANDS[min(3, max(0, math.ceil(int(rank) * 4 / int(rank_of)) - 1))]

