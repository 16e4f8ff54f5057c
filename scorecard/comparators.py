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
    published = published.rename(columns={"area_code": "region_code", "value": "region", "status": "region_status"})
    published["region_note"] = None
    las = df[(df["level"] == "la") & df["region_code"].notna()]
    have = pd.MultiIndex.from_frame(published[["period", "region_code"]])
    las = las[~pd.MultiIndex.from_frame(las[["period", "region_code"]]).isin(have)]
    if not len(las):
        return published
    ratio = metric.unit in ("%", "rate per 100")
    parts_ok = las["numerator"].notna() & las["denominator"].gt(0)
    grouped = las.assign(
        num=las["numerator"].where(parts_ok), den=las["denominator"].where(parts_ok),
    ).groupby(["period", "region_code"])
    calc = grouped.agg(n=("area_code", "size"), num=("num", "sum"), den=("den", "sum"),
                       with_parts=("num", "count"), total=("value", "sum"), with_value=("value", "count"))
    calc = calc.reset_index()
    if ratio:
        calc["region"] = (100 * calc["num"] / calc["den"]).where(calc["with_parts"] > 0)
        calc["region_note"] = [
            f"calculated from {k} of {n} local authorities (sum of numerators ÷ sum of denominators); "
            "no regional figure is published" if k else
            f"no regional figure is published, and the {n} LAs' counts are not available to calculate one"
            for k, n in zip(calc["with_parts"], calc["n"])]
    elif metric.unit == "count":
        calc["region"] = calc["total"].where(calc["with_value"] > 0)
        calc["region_note"] = [
            f"sum of {k} of {n} local authorities; no regional figure is published" if k else
            f"no regional figure is published, and none of the {n} LAs has a figure"
            for k, n in zip(calc["with_value"], calc["n"])]
    else:
        calc["region"] = None
        calc["region_note"] = "no regional figure is published"
    calc["region_status"] = "computed"
    columns = ["period", "region_code", "region", "region_status", "region_note"]
    return pd.concat([d[columns] for d in (published, calc) if len(d)], ignore_index=True)


def add_comparators(df: pd.DataFrame, metric: Metric, links: pd.DataFrame) -> pd.DataFrame:
    """Add england, region, region_note, sn_mean, sn_count, sn_of, rank, rank_of and quartile
    to every row of a metric's figures (as returned by queries.metric_values)."""
    out = df.copy()
    england = out[out["area_code"] == ENGLAND].set_index("period")["value"]
    out["england"] = out["period"].map(england)
    if not metric.national:
        # Local returns come from one or a few boards: a "region", rank or neighbour mean built from
        # them would describe the boards that happen to use this tool, not the region.
        for col in ("region", "region_note", "sn_mean", "quartile"):
            out[col] = None
        for col in ("sn_count", "sn_of", "rank", "rank_of"):
            out[col] = pd.array([None] * len(out), dtype="Int64")
        return out

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
    if metric.polarity == "context":
        out["quartile"] = None
    else:
        out["quartile"] = [quartile_band(r, n) for r, n in zip(out["rank"], out["rank_of"])]

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
    if rank is None or rank_of is None or pd.isna(rank) or pd.isna(rank_of) or int(rank_of) < 4:
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
