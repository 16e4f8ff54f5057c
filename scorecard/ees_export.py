"""The CSV a chart offers for download, in the layout of DfE's Explore Education Statistics open data:
time_period, time_identifier, geographic_level, country_code, region_code, new_la_code, old_la_code,
la_name, then one column per indicator, named by the metric's id.

England and the region are rows of their own (geographic_level National and Regional), as in DfE's
files. The statistical neighbours' mean has no EES level, so it is a column on the area's rows
(<metric>_sn_mean, with sn_count and sn_of). A missing figure carries the EES symbol (c suppressed,
x not available, z not applicable, low rounds to zero, u low reliability). Every figure is rounded to
its measure's decimal places, as it is shown: no 5.300000000000004.
"""

from __future__ import annotations

import pandas as pd

from . import periods
from .areas import ENGLAND
from .formatting import is_missing
from .published import EES_SYMBOLS
from .register import Metric

EES_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "region_code",
               "new_la_code", "old_la_code", "la_name"]
EES_LEVELS = {"england": "National", "region": "Regional", "la": "Local authority"}
EES_SYMBOL_FOR = {"suppressed": "c", "not_applicable": "z", "not_available": "x", "low": "low",
                  "low_reliability": "u"}

assert set(EES_SYMBOL_FOR.values()) <= set(EES_SYMBOLS)


def ees_period(label: str, kind: str) -> tuple[str, str]:
    """The EES time_period and time_identifier for a period: ('2024', 'Calendar year'),
    ('202425', 'Academic year'), ('202627', 'Autumn term'), ('2025', 'January')."""
    p = periods.from_label(label, kind)
    if kind in ("academic_year", "term", "financial_year"):
        start = p.start.year if kind != "term" else int(label.split(" ", 1)[1][:4])
        six = f"{start}{(start + 1) % 100:02d}"
        ident = {"academic_year": "Academic year", "financial_year": "Financial year"}.get(
            kind, f"{label.split(' ', 1)[0]} term")
        return six, ident
    if kind in ("month", "census_date"):
        return str(p.start.year), periods.MONTHS[p.start.month - 1]
    return str(p.start.year), "Calendar year"


def rounded(value, decimals: int):
    """A figure rounded to the measure's decimals (a whole number stays whole); None when missing."""
    if is_missing(value):
        return None
    value = round(float(value), int(decimals))
    return int(value) if int(decimals) == 0 else value


def ees_value(value, status, decimals: int) -> object:
    """A figure rounded to its measure's decimals, or the EES symbol that says why there is none."""
    if is_missing(value):
        return EES_SYMBOL_FOR.get(status or "", "x")
    return rounded(value, decimals)


def ees_table(rows: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """Rows in the EES open-data layout. `rows` needs period, period_kind, level, area_code, la_number,
    region_code, area_name and the indicator columns (already rounded figures or symbols)."""
    out = []
    for r in rows.to_dict("records"):
        time_period, ident = ees_period(r["period"], r["period_kind"])
        level = r["level"]
        out.append({
            "time_period": time_period, "time_identifier": ident,
            "geographic_level": EES_LEVELS.get(level, level), "country_code": ENGLAND,
            "region_code": {"region": r["area_code"], "england": ""}.get(level, r["region_code"] or ""),
            "new_la_code": r["area_code"] if level == "la" else "",
            "old_la_code": (r["la_number"] or "") if level == "la" else "",
            "la_name": r["area_name"] if level == "la" else "",
            **{k: ("" if k not in r or (not isinstance(r[k], str) and is_missing(r[k])) else r[k]) for k in indicators},
        })
    return pd.DataFrame(out, columns=EES_COLUMNS + indicators)


def trend_ees(frame: pd.DataFrame) -> pd.DataFrame:
    """A trend chart's figures (charts.trend.trend_frame) in EES layout. A local metric's figures sit
    in its own column, and the national equivalent's in a column named after that metric, each row
    with its own time_period. Each figure is rounded to its own measure's decimals (column decimals),
    and a rate built from counts has its 95% confidence interval beside it (<metric>_ci_lower,
    <metric>_ci_upper)."""
    rows = frame[frame["role"] != "neighbours"].copy()
    indicators = list(dict.fromkeys(rows["metric_id"]))
    intervals = []
    for m in indicators:
        rows[m] = [ees_value(v, s, d) if mid == m else None
                   for v, s, d, mid in zip(rows["value"], rows["status"], rows["decimals"], rows["metric_id"])]
        if "ci_lower" in rows and rows.loc[rows["metric_id"] == m, "ci_lower"].notna().any():
            for end in ("ci_lower", "ci_upper"):
                rows[f"{m}_{end}"] = [rounded(v, d) if mid == m else None
                                      for v, d, mid in zip(rows[end], rows["decimals"], rows["metric_id"])]
            intervals += [f"{m}_ci_lower", f"{m}_ci_upper"]
    extra = []
    neighbours = frame[frame["role"] == "neighbours"]
    if len(neighbours):
        col = f"{neighbours['metric_id'].iloc[0]}_sn_mean"
        by_period = neighbours.set_index("period")
        decimals = int(neighbours["decimals"].iloc[0])
        area = rows["role"] == "area"
        rows[col] = rows["period"].map(by_period["value"].map(lambda v: rounded(v, decimals))).where(area)
        rows["sn_count"] = rows["period"].map(by_period["sn_count"]).where(area).astype("Int64")
        rows["sn_of"] = rows["period"].map(by_period["sn_of"]).where(area).astype("Int64")
        extra = [col, "sn_count", "sn_of"]
    rows["level_order"] = rows["level"].map({"england": 0, "region": 1, "la": 2})
    rows = rows.sort_values(["end_date", "level_order"])
    return ees_table(rows, indicators + intervals + extra)


def ranking_ees(frame: pd.DataFrame, metric: Metric, england_rows: pd.DataFrame) -> pd.DataFrame:
    """A ranking (charts.ranking.ranking_frame) in EES layout: England's row first, then every LA,
    with its 95% confidence interval, rank, rank_of and quartile_band (empty where an authority is not
    ranked or banded, and rank_note saying why)."""
    rows = pd.concat([england_rows.assign(band=None), frame], ignore_index=True)
    rows[metric.id] = [ees_value(v, s, metric.decimals) for v, s in zip(rows["value"], rows["status"])]
    for end in ("ci_lower", "ci_upper"):
        rows[f"{metric.id}_{end}"] = [rounded(v, metric.decimals) for v in rows[end]] if end in rows else None
    rows["rank"] = rows["rank"].astype("Int64")
    rows["rank_of"] = rows["rank_of"].astype("Int64")
    rows["quartile_band"] = rows["band"] if "band" in rows else None
    ranked_or_why = rows["rank_words"] if "rank_words" in rows else pd.Series("", index=rows.index)
    rows["rank_note"] = [w if is_missing(r) and isinstance(w, str) else "" for r, w in zip(rows["rank"], ranked_or_why)]
    return ees_table(rows, [metric.id, f"{metric.id}_ci_lower", f"{metric.id}_ci_upper", "rank", "rank_of",
                            "quartile_band", "rank_note"])
