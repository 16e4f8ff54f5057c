"""The ranking chart (Compare): every ranked local authority as a bar, best (or highest) first, with
the chosen area and its statistical neighbours highlighted, England as a line and the quartile bands
marked by letter; and the table of every authority behind it.

A figure on small numbers (a small denominator, or a 95% confidence interval too wide for its rank
to stand), and any count, is not ranked (comparators.py), so it gets no bar among the ranked: a 100%
from 1 request is not drawn beside the best. The table lists it with the reason.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import palette, words
from ..comparators import quartile_band
from ..formatting import fmt, is_missing
from ..register import Metric
from .style import UNIT_TITLES, axis, lay_out, safe, series


def ranking_frame(table: pd.DataFrame, period: str, metric: Metric, current_codes: set[str] | None = None
                  ) -> pd.DataFrame:
    """Every LA for one period, best first (context metrics: highest first), with its band; then the
    LAs not ranked (small numbers), then those with no figure, each with the reason. Columns of the
    metric table plus band, band_words, value_words (with counts and labels) and rank_words."""
    rows = table[(table["period"] == period) & (table["level"] == "la")].copy()
    if current_codes is not None:
        rows = rows[rows["area_code"].isin(current_codes)]
    context = metric.polarity == "context"
    rows["band"] = [quartile_band(r, n) if context else (None if is_missing(q) else q)
                    for r, n, q in zip(rows["rank"], rows["rank_of"], rows["quartile"])]
    band_words = words.band_words(metric)
    small = [words.flag(s) for s in rows["small_numbers"]] if "small_numbers" in rows else [False] * len(rows)
    uncertain = [words.flag(u) for u in rows["rank_uncertain"]] if "rank_uncertain" in rows else [False] * len(rows)
    rows["small_numbers"], rows["rank_uncertain"] = small, uncertain
    rows["band_words"] = [band_words[b] if b in band_words else words.no_band_words(metric, v, s, u)
                          for b, v, s, u in zip(rows["band"], rows["value"], small, uncertain)]
    rows["value_words"] = [fmt(v, metric, st) if is_missing(v) else words.point(v, metric, st, n, d, s)
                           for v, st, n, d, s in zip(rows["value"], rows["status"], rows["numerator"],
                                                     rows["denominator"], small)]
    rows["rank_words"] = [words.rank_cell(metric, r, n, v, s, u)
                          for r, n, v, s, u in zip(rows["rank"], rows["rank_of"], rows["value"], small, uncertain)]
    rows["no_figure"] = rows["value"].isna()
    rows = rows.sort_values(["no_figure", "rank", "area_name"], na_position="last")
    return rows.drop(columns="no_figure").reset_index(drop=True)


def ranking_chart(frame: pd.DataFrame, metric: Metric, area_code: str | None = None,
                  neighbour_codes: list[str] = (), england: float | None = None) -> go.Figure:
    """Every ranked LA as a bar, best (or highest) first; the chosen area and its statistical
    neighbours highlighted; England as a dashed line; the quartile bands marked by their letters
    (words.band_key says what they mean, under the chart). No title inside: the page prints it."""
    ranked = frame[frame["rank"].notna() & frame["value"].notna()].reset_index(drop=True)
    ranked = ranked.assign(position=range(1, len(ranked) + 1))
    others, near, mine = palette.OTHER_AREAS, series("neighbours"), series("area")
    roles = [("Other local authorities", others, ~ranked["area_code"].isin([area_code, *neighbour_codes])),
             ("Statistical neighbours", near.colour, ranked["area_code"].isin(neighbour_codes)),
             (None, mine.colour, ranked["area_code"] == area_code)]
    fig = go.Figure()
    for name, colour, mask in roles:
        rows = ranked[mask]
        if not len(rows):
            continue
        fig.add_trace(go.Bar(
            x=rows["position"], y=rows["value"], name=safe(name or rows["area_name"].iloc[0]),
            marker={"color": colour},
            customdata=[[safe(v) for v in c] for c in zip(rows["area_name"], rows["value_words"],
                                                         rows["rank_words"], rows["band_words"])],
            hovertemplate=("%{customdata[0]}: %{customdata[1]}<br>%{customdata[2]}; band %{customdata[3]}"
                           "<extra></extra>"),
        ))
    if not is_missing(england) and not metric.is_total:  # a national count is a total, not a comparator
        style = series("england")
        fig.add_shape(type="line", x0=0.5, x1=len(ranked) + 0.5, y0=england, y1=england, name="england",
                      line={"color": style.colour, "width": 2.5, "dash": style.dash})
        fig.add_annotation(x=len(ranked) + 0.5, y=england, text=f"England {fmt(england, metric)}", showarrow=False,
                           xanchor="right", yanchor="bottom", name="england",
                           font={"color": palette.TEXT, "size": 12}, bgcolor="rgba(255,255,255,0.85)")
    if metric.polarity != "context":
        for band, rows in ranked.groupby("band", sort=True):
            lo, hi = rows["position"].min() - 0.5, rows["position"].max() + 0.5
            if band != "A":
                fig.add_shape(type="line", x0=lo, x1=lo, y0=0, y1=1, yref="paper", name="band",
                              line={"color": palette.DARK_GREY, "width": 1, "dash": "dot"})
            # The letter only: four quarters' words do not fit side by side on a phone.
            fig.add_annotation(x=(lo + hi) / 2, y=1, yref="paper", yanchor="bottom", showarrow=False, name="band",
                               text=band, hovertext=words.band_words(metric)[band],
                               font={"size": 13, "color": palette.SECONDARY_TEXT})
    you = ranked[ranked["area_code"] == area_code]
    if len(you):
        r = you.iloc[0]
        fig.add_annotation(x=r["position"], y=r["value"], text=safe(f"{r['area_name']}: {fmt(r['value'], metric)}"),
                           name="area", showarrow=True, arrowhead=2, ay=-40, font={"color": palette.TEXT, "size": 12},
                           bgcolor="rgba(255,255,255,0.85)",
                           xanchor="right" if r["position"] > len(ranked) / 2 else "left")
    lay_out(fig, height=440, margin={"t": 36, "l": 56, "r": 16, "b": 40})
    fig.update_layout(bargap=0.15)
    fig.update_xaxes(**axis(f"Best to worst ({len(ranked)})" if metric.polarity != "context"
                            else f"Highest to lowest ({len(ranked)})", showticklabels=False, showgrid=False,
                            range=[0.5 - 0.01 * len(ranked), len(ranked) + 0.5]))
    fig.update_yaxes(**axis(UNIT_TITLES.get(metric.unit, metric.unit), rangemode="tozero",
                            ticksuffix="%" if metric.unit == "%" else ""))
    return fig


def ranking_table(frame: pd.DataFrame, neighbour_codes: list[str] = (), area_code: str | None = None) -> pd.DataFrame:
    """Every LA with its rank (or why none), figure with counts, and band (or why none)."""
    table = pd.DataFrame({
        "Rank": frame["rank_words"], "Local authority": frame["area_name"], "ONS code": frame["area_code"],
        "Figure": frame["value_words"], "Band": frame["band_words"],
    })
    table["Chosen area or neighbour"] = ["chosen area" if c == area_code else ("statistical neighbour"
                                         if c in neighbour_codes else "") for c in frame["area_code"]]
    return table
