"""Comparators, defined as LAIT defines them.

* England and the region: the published rows. Where a source has no regional row (the MoJ table;
  London in the EHE file) the region is calculated from its LAs as a ratio of sums
  (sum of numerators / sum of denominators), never as a mean of rates, and says how many LAs it used.
* Statistical neighbours: DfE's ten nearest LAs (the newest model that includes the area). The
  neighbour average is the unweighted mean of the neighbours that have a value, with the count.
* Rank: among LAs with a value, 1 = best by polarity, ties take the lowest rank ("12th of 150").
  Context metrics are ranked from the highest, and get no quartile.
* Quartile band: A (best quarter) to D (worst), by polarity.
"""

from __future__ import annotations

import math

import pandas as pd

from .areas import ENGLAND
from .register import Metric

BANDS = "ABCD"
BAND_WORDS = {"A": "A (best quarter)", "B": "B (second quarter)", "C": "C (third quarter)", "D": "D (worst quarter)"}


def neighbour_map(links: pd.DataFrame) -> pd.DataFrame:
    """Each area's neighbours from the newest model that includes it: area_code, neighbour_code,
    rank, closeness, model_year."""
    if links is None or not len(links):
        return pd.DataFrame(columns=["area_code", "neighbour_code", "rank", "closeness", "model_year"])
    newest = links.groupby("area_code")["model_year"].transform("max")
    return links[links["model_year"] == newest][["area_code", "neighbour_code", "rank", "closeness", "model_year"]]


def region_values(df: pd.DataFrame, metric: Metric) -> pd.DataFrame:
    """Region figure for every period and region: published where there is a regional row,
    otherwise calculated from the region's LAs. Columns: period, region_code, region, region_note."""
    published = df[df["level"] == "region"][["period", "area_code", "value", "status"]]
    published = published.rename(columns={"area_code": "region_code", "value": "region"})
    published["region_note"] = None
    las = df[(df["level"] == "la") & df["region_code"].notna()]
    have = set(zip(published["period"], published["region_code"]))
    rows = []
    for (period, region), group in las.groupby(["period", "region_code"]):
        if (period, region) in have:
            continue
        value, note = _sum_of_parts(group, metric)
        rows.append({"period": period, "region_code": region, "region": value, "status": "computed",
                     "region_note": note})
    calculated = pd.DataFrame(rows, columns=["period", "region_code", "region", "status", "region_note"])
    out = pd.concat([d for d in (published, calculated) if len(d)], ignore_index=True) if rows or len(published) \
        else calculated
    return out.rename(columns={"status": "region_status"})


def _sum_of_parts(group: pd.DataFrame, metric: Metric) -> tuple[float | None, str]:
    n = len(group)
    if metric.unit in ("%", "rate per 100"):
        parts = group.dropna(subset=["numerator", "denominator"])
        parts = parts[parts["denominator"] > 0]
        if not len(parts):
            return None, f"no regional figure is published, and the {n} LAs' counts are not available to calculate one"
        value = 100 * parts["numerator"].sum() / parts["denominator"].sum()
        return value, (f"calculated from {len(parts)} of {n} local authorities "
                       "(sum of numerators ÷ sum of denominators); no regional figure is published")
    if metric.unit == "count":
        have = group.dropna(subset=["value"])
        if not len(have):
            return None, f"no regional figure is published, and none of the {n} LAs has a figure"
        return float(have["value"].sum()), (f"sum of {len(have)} of {n} local authorities; "
                                            "no regional figure is published")
    return None, "no regional figure is published"


def add_comparators(df: pd.DataFrame, metric: Metric, links: pd.DataFrame) -> pd.DataFrame:
    """Add england, region, region_note, sn_mean, sn_count, sn_of, rank, rank_of and quartile
    to every row of a metric's figures (as returned by queries.metric_values)."""
    out = df.copy()
    england = out[out["area_code"] == ENGLAND].set_index("period")["value"]
    out["england"] = out["period"].map(england)

    regions = region_values(out, metric)
    out = out.merge(regions[["period", "region_code", "region", "region_note"]], how="left",
                    on=["period", "region_code"])
    out.loc[out["level"] != "la", ["region", "region_note"]] = None

    ranked = out[(out["level"] == "la") & out["value"].notna()]
    ascending = metric.polarity == "lower"
    ranks = ranked.groupby("period")["value"].rank(method="min", ascending=ascending)
    counts = ranked.groupby("period")["value"].transform("count")
    out["rank"] = ranks.reindex(out.index).astype("Int64")
    out["rank_of"] = counts.reindex(out.index).astype("Int64")
    out["quartile"] = [
        quartile_band(r, n) if metric.polarity != "context" and not pd.isna(r) else None
        for r, n in zip(out["rank"], out["rank_of"])
    ]

    nmap = neighbour_map(links)
    values = ranked[["area_code", "period", "value"]].rename(columns={"area_code": "neighbour_code",
                                                                      "value": "nb_value"})
    joined = nmap.merge(values, on="neighbour_code")
    stats = joined.groupby(["area_code", "period"])["nb_value"].agg(sn_mean="mean", sn_count="count").reset_index()
    out = out.merge(stats, how="left", on=["area_code", "period"])
    sizes = nmap.groupby("area_code").size()
    out["sn_of"] = out["area_code"].map(sizes).astype("Int64")
    out["sn_count"] = out["sn_count"].astype("Int64")
    has_model = out["sn_of"].notna() & (out["level"] == "la")
    out.loc[has_model & out["sn_count"].isna(), "sn_count"] = 0
    return out


def quartile_band(rank, rank_of) -> str | None:
    if rank is None or rank_of is None or pd.isna(rank) or pd.isna(rank_of) or not rank_of:
        return None
    return BANDS[min(3, max(0, math.ceil(int(rank) * 4 / int(rank_of)) - 1))]


def ordinal(n: int) -> str:
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_words(rank, rank_of, polarity: str = "higher") -> str:
    if rank is None or pd.isna(rank):
        return "not ranked"
    text = f"{ordinal(rank)} of {int(rank_of)}"
    return text + (" (1 = highest)" if polarity == "context" else "")


def sn_words(sn_count, sn_of) -> str:
    if sn_of is None or pd.isna(sn_of):
        return "no statistical neighbours"
    return f"mean of {int(sn_count or 0)} of {int(sn_of)}"
