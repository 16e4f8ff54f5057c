"""The trend chart: one measure over time for an area, against England, the region and the
statistical neighbours' mean (a local measure: its own figures, its published national equivalent's
and England's), with its table.

Rules it keeps (WCAG 2.2 AA and the Analysis Function's guidance):
* at most four series, told apart by line style and marker shape as well as colour (palette roles);
* a figure on small numbers is drawn hollow and labelled "small numbers";
* no unexplained gaps: a missing figure is marked with the reason (suppressed, not available);
* series breaks and boundary changes drawn and labelled; a target drawn when one is set;
* the year axis thins its labels on a narrow screen, and every label sits under its point.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from .. import palette, periods, words
from ..areas import ENGLAND, Area
from ..formatting import fmt, is_missing
from ..register import Metric
from .style import CHAR_PX, MAX_SERIES, UNIT_TITLES, axis, lay_out, safe, series

ROLE_ORDER = ("area", "area_national", "england", "region", "neighbours")
FRAME_COLUMNS = ["role", "series", "metric_id", "decimals", "area_code", "area_name", "level", "region_code",
                 "la_number", "period", "period_kind", "start_date", "end_date", "value", "numerator", "denominator",
                 "ci_lower", "ci_upper", "small_numbers", "status", "note", "source_id"]
# Where the middle of a period of each kind falls in its year: the axis puts a tick under each
# period of the chart's main kind (a term chart ticks at each autumn: one per academic year).
PHASE = {"calendar_year": 0.5, "academic_year": 0.16, "financial_year": 0.75, "term": 0.83, "census_date": 0.04,
         "month": 0.04}
PLOT_WIDTH_PX = 220  # the narrowest plot a 320 px phone leaves: labels that fit here are all shown
SMALL_LABELS = 2  # label each hollow point up to this many; beyond, only the latest (the legend says the rest)
MARK_ROW_PX = 16  # the height of one label of a series break or boundary change, above the plot


def _x(start, end) -> pd.Timestamp:
    """Each figure sits at the middle of its period, so that a calendar-year figure and a term's
    figure line up in time, and a break at the start of a period falls between two points."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    return start + (end - start) / 2


def _series_rows(rows: pd.DataFrame, role: str, name: str, metric: Metric, value: str = "value",
                 status: str | None = "status", note=None, counts: bool = True) -> pd.DataFrame:
    def column(col, default=None):
        return rows[col] if counts and col in rows else default

    return pd.DataFrame({
        "role": role, "series": name, "metric_id": rows["metric_id"], "decimals": metric.decimals,
        "area_code": rows["area_code"], "area_name": rows["area_name"], "level": rows["level"],
        "region_code": rows["region_code"], "la_number": rows["la_number"], "period": rows["period"],
        "period_kind": rows["period_kind"], "start_date": rows["start_date"], "end_date": rows["end_date"],
        "value": pd.to_numeric(rows[value], errors="coerce").astype("float64"),
        "numerator": column("numerator"), "denominator": column("denominator"),
        "ci_lower": column("ci_lower"), "ci_upper": column("ci_upper"),
        "small_numbers": column("small_numbers", False),
        "status": rows[status] if status else None,
        "note": note if note is not None else None,
        "source_id": rows["source_id"] if "source_id" in rows else None,
    }, columns=FRAME_COLUMNS)


def _source_words(rows: pd.DataFrame) -> str:
    return words.series_source(set(rows["status"].dropna()), rows["period_kind"].mode().iloc[0])


def trend_frame(table: pd.DataFrame, area: Area, metric: Metric, national: pd.DataFrame | None = None,
                national_metric: Metric | None = None) -> pd.DataFrame:
    """The series for a trend chart: the area, England, the region and the neighbour mean (a local
    metric: the area's local figures, its published national-equivalent figures and England's).

    `table` is the metric's table (tables.metric_table); `national` the national equivalent's.
    Columns: FRAME_COLUMNS, x (mid-period), sn_count, sn_of. A count is compared with no other area's
    count: England's and a region's counts are totals, so they are left out; the neighbours' mean is
    kept as context.
    """
    mine = table[table["area_code"] == area.code]
    frames = [_series_rows(mine, "area", area.name, metric)]
    totals_compare = not metric.is_total
    if area.code != ENGLAND and metric.national:
        if totals_compare:
            frames.append(_series_rows(table[table["area_code"] == ENGLAND], "england", "England", metric,
                                       counts=False))
        if area.level == "la" and len(mine):
            if totals_compare:
                region = mine.assign(area_code=mine["region_code"], area_name=area.region_name or "Region",
                                     level="region", la_number=None)
                status = ["not_available" if is_missing(v) else ("computed" if isinstance(n, str) else "published")
                          for v, n in zip(region["region"], region["region_note"])]
                frames.append(_series_rows(region.assign(region_status=status), "region",
                                           area.region_name or "Region", metric, "region", "region_status",
                                           note=region["region_note"], counts=False))
            if mine["sn_of"].notna().any():
                notes = [words.sn_words(c, o) for c, o in zip(mine["sn_count"], mine["sn_of"])]
                frames.append(_series_rows(mine, "neighbours", "Statistical neighbours (mean)", metric, "sn_mean",
                                           None, note=notes, counts=False))
    elif national is not None and national_metric is not None:
        own = national[national["area_code"] == area.code]
        if area.code != ENGLAND and len(own):
            frames.append(_series_rows(own, "area_national", f"{area.name} ({_source_words(own)})", national_metric))
        eng = national[national["area_code"] == ENGLAND]
        if len(eng) and (not national_metric.is_total or area.code == ENGLAND):
            frames.append(_series_rows(eng, "england", f"England ({_source_words(eng)})", national_metric,
                                       counts=False))
        if len(mine):
            frames[0]["series"] = f"{area.name} ({_source_words(mine)})"
    filled = [f for f in frames if len(f)]
    out = pd.concat(filled, ignore_index=True) if filled else frames[0]
    if national is not None and len(mine):
        # A local series is short: show the national comparators from two years before it starts.
        since = pd.Timestamp(min(mine["start_date"])) - pd.DateOffset(years=2)
        out = out[(out["role"] == "area") | (pd.to_datetime(out["end_date"]) >= since)]
    out = out.assign(x=[_x(s, e) for s, e in zip(out["start_date"], out["end_date"])])
    sn = mine.set_index("period")[["sn_count", "sn_of"]] if "sn_count" in mine else None
    for col in ("sn_count", "sn_of"):
        out[col] = out["period"].map(sn[col]) if sn is not None else None
        out.loc[out["role"] != "neighbours", col] = None
    out["small_numbers"] = [words.flag(v) for v in out["small_numbers"]]
    out["role_order"] = out["role"].map(ROLE_ORDER.index)
    return out.sort_values(["role_order", "end_date"]).drop(columns="role_order").reset_index(drop=True)


def target_points(frame: pd.DataFrame, targets: pd.DataFrame, metric_id: str) -> pd.DataFrame:
    """The target for each of the area's periods (columns x, period, target), from targets.targets_for."""
    from .. import targets as target_rules

    main = frame[frame["role"] == "area"]
    rows = []
    for r in main.itertuples():
        t = target_rules.target_for(targets, metric_id, periods.Period(r.period, r.period_kind, r.start_date,
                                                                        r.end_date))
        if t is not None:
            rows.append({"x": r.x, "period": r.period, "target": t.target})
    return pd.DataFrame(rows, columns=["x", "period", "target"])


# ---------------------------------------------------------------- the time axis

def main_kind(frame: pd.DataFrame) -> str:
    """The kind of period the axis is ticked by: the area's own figures' kind."""
    main = frame[frame["role"].isin(["area", "area_national"])] if len(frame) else frame
    kinds = (main if len(main) else frame)["period_kind"]
    return kinds.mode().iloc[0] if len(kinds) else "calendar_year"


def _decimal_year(when) -> float:
    t = pd.Timestamp(when)
    days = 366 if t.is_leap_year else 365
    return t.year + (t.day_of_year - 1 + t.hour / 24) / days


def axis_position(when, kind: str) -> float:
    """Where a moment sits on the axis: in years, shifted so that each period of `kind` (at its
    middle) sits on a whole number, and its label right under it."""
    return _decimal_year(when) - PHASE.get(kind, 0.5)


def axis_positions(when: pd.Series, kind: str) -> list[float]:
    """axis_position for a column of moments at once."""
    t = pd.to_datetime(when)
    days = t.dt.is_leap_year.map({True: 366, False: 365})
    years = t.dt.year + (t.dt.day_of_year - 1 + t.dt.hour / 24) / days - PHASE.get(kind, 0.5)
    return [float(v) for v in years]


def year_label(n: int, kind: str) -> str:
    """The label of tick `n`: '2024', '2024/25' (academic years and terms), '2024-25' (financial)."""
    if kind == "academic_year":
        return f"{n - 1}/{n % 100:02d}"
    if kind == "term":
        return f"{n}/{(n + 1) % 100:02d}"
    if kind == "financial_year":
        return f"{n}-{(n + 1) % 100:02d}"
    return str(n)


def time_axis(frame: pd.DataFrame) -> dict:
    """The x axis: a tick under each year's point, labelled as the period is ('2024/25'). Where all
    the labels fit on a 320 px phone they are all shown; otherwise plotly chooses the step from the
    chart's width (every year on a wide screen, every second or fifth on a phone), and a small tick
    still marks each year. Labels are never slanted."""
    kind = main_kind(frame)
    xs = axis_positions(frame["x"], kind)
    lo, hi = min(xs), max(xs)
    pad = 0.2 if kind in ("term", "month") else 0.45
    years = list(range(math.ceil(lo - 0.05), math.floor(hi + 0.05) + 1))
    labels = {str(n): year_label(n, kind) for n in range(math.floor(lo) - 1, math.ceil(hi) + 2)}
    widest = max((len(v) for v in labels.values()), default=4) * CHAR_PX + 12
    common = axis(None, range=[lo - pad, hi + pad], tickangle=0, showgrid=False, ticks="outside",
                  ticklen=5, tickcolor=palette.SECONDARY_TEXT, zeroline=False)
    if len(years) * widest <= PLOT_WIDTH_PX or len(years) < 2:
        return {**common, "tickmode": "array", "tickvals": years, "ticktext": [labels[str(n)] for n in years]}
    # Too many to show them all on a phone: plotly picks the step from the chart's width. Only whole
    # years are labelled: on a wide chart of a few years plotly ticks every half year, and those
    # ticks keep no label (two decimals, so every step plotly may choose is named and blanked).
    steps = {f"{n / 20:.2f}": "" for n in range(20 * (math.floor(lo) - 1), 20 * (math.ceil(hi) + 2))}
    return {**common, "tickmode": "auto", "tickformat": ".2f",
            "labelalias": {**steps, **{f"{int(n)}.00": text for n, text in labels.items()}}}


# ---------------------------------------------------------------- the chart

def trend_chart(frame: pd.DataFrame, metric: Metric, breaks: list[tuple[str, str]] = (),
                boundary: tuple[date, str] | None = None, target: pd.DataFrame | None = None) -> go.Figure:
    """Line chart of at most four series, with small-number points hollow and labelled, missing
    figures, series breaks, a boundary change and the target marked in words. No title inside: the
    page prints the finding (words.trend_title) above it."""
    names = list(dict.fromkeys(frame["series"]))
    if len(names) > MAX_SERIES:
        raise ValueError(f"a trend chart shows at most {MAX_SERIES} series, not {len(names)}")
    fig = go.Figure()
    if not len(frame):
        return fig
    kind = main_kind(frame)
    frame = frame.assign(position=axis_positions(frame["x"], kind))
    hollow_drawn = False
    for name in names:
        rows = frame[frame["series"] == name]
        role = rows["role"].iloc[0]
        style = series(role)
        series_metric = metric if rows["metric_id"].iloc[0] == metric.id else None
        small = [words.flag(s) and not is_missing(v) for s, v in zip(rows["small_numbers"], rows["value"])]
        cell = [_point_words(r, series_metric or metric) for r in rows.to_dict("records")]
        labelled = _labelled(small)
        hollow_drawn = hollow_drawn or any(small)
        fig.add_trace(go.Scatter(
            x=list(rows["position"]), y=rows["value"], name=safe(name),
            mode="lines+markers+text" if any(labelled) else "lines+markers", connectgaps=False,
            line={"color": style.colour, "dash": style.dash, "width": 3 if role == "area" else 2},
            marker={"symbol": style.marker, "size": [11 if s else (8 if role == "area" else 7) for s in small],
                    "color": [palette.HOLLOW_FILL if s else style.colour for s in small],
                    "line": {"color": style.colour, "width": [2.5 if s else 0 for s in small]}},
            text=[words.SMALL_NUMBERS_SHORT if lab else "" for lab in labelled], cliponaxis=False,
            textposition=_text_positions(rows, frame), textfont={"color": palette.SECONDARY_TEXT, "size": 11},
            customdata=list(zip([words.period_phrase(p, k) for p, k in zip(rows["period"], rows["period_kind"])],
                                [safe(c) for c in cell])),
            hovertemplate="%{fullData.name}<br>%{customdata[0]}: %{customdata[1]}<extra></extra>",
        ))
    if hollow_drawn:
        style = series("area")
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=f"Hollow: {words.SMALL_NUMBERS}",
            marker={"symbol": style.marker, "size": 11, "color": palette.HOLLOW_FILL,
                    "line": {"color": palette.SECONDARY_TEXT, "width": 2.5}}, hoverinfo="skip"))
    main = frame[frame["role"] == "area"]
    for r in main[main["value"].isna()].itertuples():
        reason = words.missing_mark(r.status)
        fig.add_annotation(x=r.position, y=0, yref="paper", yanchor="bottom", text=reason,
                           textangle=-90, showarrow=False, font={"size": 11, "color": palette.SECONDARY_TEXT},
                           name="missing", hovertext=safe(f"{r.area_name}, {words.period_phrase(r.period, r.period_kind)}: "
                                                          f"no figure ({reason})"))
    first, last = frame["x"].min(), frame["x"].max()
    marks = [(at, words.series_break_mark(label), note, "series_break")
             for label, note, at in periods.breaks_within(breaks, first, last)]
    if boundary is not None and first < pd.Timestamp(boundary[0]) <= last:
        marks.append((pd.Timestamp(boundary[0]), words.boundary_mark(boundary[0]), boundary[1], "boundary_change"))
    centre = (axis_position(first, kind) + axis_position(last, kind)) / 2
    for i, (at, label, hover, name) in enumerate(marks):
        _marker(fig, axis_position(at, kind), label, hover, name, row=i, left_half=axis_position(at, kind) < centre)
    if target is not None and len(target):
        _target(fig, target, metric, kind)
    lay_out(fig, height=440, margin={"t": 24 + MARK_ROW_PX * len(marks), "l": 56, "r": 16, "b": 40})
    fig.update_xaxes(**time_axis(frame))
    fig.update_yaxes(**axis(UNIT_TITLES.get(metric.unit, metric.unit), rangemode="tozero", zeroline=True,
                            tickformat=",", ticksuffix="%" if metric.unit == "%" else ""))
    return fig


def _point_words(r: dict, metric: Metric) -> str:
    if r["role"] in ("area", "area_national"):
        if is_missing(r["value"]):
            return fmt(r["value"], metric, r["status"])
        return words.point(r["value"], metric, r["status"], r["numerator"], r["denominator"],
                           words.flag(r["small_numbers"]))
    text = fmt(r["value"], metric, r["status"])
    return text + (f" ({r['note']})" if isinstance(r["note"], str) and r["note"] else "")


def _labelled(small: list[bool]) -> list[bool]:
    """Which hollow points carry the words 'small numbers': each of the first few, or only the latest."""
    if sum(small) <= SMALL_LABELS:
        return small
    last = max(i for i, s in enumerate(small) if s)
    return [i == last for i in range(len(small))]


def _marker(fig: go.Figure, at: float, label: str, hover: str, name: str, row: int = 0, left_half: bool = False) -> None:
    """A dotted vertical line, its label above the plot (where no point or its label can be), on the
    side with more room; the labels of several marks are stacked so they never overlap."""
    fig.add_shape(type="line", x0=at, x1=at, y0=0, y1=1, yref="paper", name=name,
                  line={"color": palette.DARK_GREY, "width": 1.5, "dash": "dot"})
    fig.add_annotation(x=at, y=1, yref="paper", yanchor="bottom", yshift=2 + MARK_ROW_PX * row,
                       xanchor="left" if left_half else "right", xshift=-4 if left_half else 4, text=safe(label),
                       showarrow=False, name=name, font={"size": 11, "color": palette.SECONDARY_TEXT},
                       hovertext=safe(hover))


def _text_positions(rows: pd.DataFrame, frame: pd.DataFrame) -> list[str]:
    """Where each point's words go: below a point near the top of the chart and above the others;
    leftwards near the right edge and rightwards near the left, so that no label is cut off."""
    lo, hi = frame["position"].min(), frame["position"].max()
    top = max(frame["value"].max(), 0) if frame["value"].notna().any() else 0
    out = []
    for x, v in zip(rows["position"], rows["value"]):
        at = (x - lo) / ((hi - lo) or 1)
        side = " left" if at > 0.75 else (" right" if at < 0.25 else " center")
        out.append(("bottom" if not is_missing(v) and top and v >= 0.85 * top else "top") + side)
    return out


def _target(fig: go.Figure, target: pd.DataFrame, metric: Metric, kind: str) -> None:
    style = series("target")
    line = {"color": style.colour, "width": 2, "dash": style.dash}
    values = target["target"].unique()
    xs = axis_positions(target["x"], kind)
    if len(values) == 1:  # one target over the periods it covers
        v = float(values[0])
        start, end = min(xs), max(xs)
        if start == end:
            start, end = start - 0.15, end + 0.15
        fig.add_shape(type="line", x0=start, x1=end, y0=v, y1=v, line=line, name="target")
        label, x = words.target_mark(v, metric), end
    else:
        path = " ".join(("M" if i == 0 else "L") + f" {x},{t}" for i, (x, t) in enumerate(zip(xs, target["target"])))
        fig.add_shape(type="path", path=path, line=line, name="target")
        v, x = float(target["target"].iloc[-1]), xs[-1]
        label = words.target_mark(v, metric, target["period"].iloc[-1])
    fig.add_annotation(x=x, y=v, text=safe(label), showarrow=False, yanchor="bottom", xanchor="right", name="target",
                       font={"size": 12, "color": style.colour})


def trend_table(frame: pd.DataFrame, metric: Metric) -> pd.DataFrame:
    """The chart's figures as people read them: one row per period, one column per series; the
    area's figures with their counts and labels ('6.0%: 24 of 403', 'small numbers')."""
    if not len(frame):
        return pd.DataFrame(columns=["Period"])
    cells = [_point_words(r, metric if r["metric_id"] == metric.id else metric) for r in frame.to_dict("records")]
    wide = frame.assign(words=cells, when=[words.period_phrase(p, k) for p, k in zip(frame["period"],
                                                                                    frame["period_kind"])])
    order = wide.sort_values("end_date")[["when"]].drop_duplicates()["when"]
    table = wide.pivot_table(index="when", columns="series", values="words", aggfunc="first", sort=False)
    table = table.reindex(index=order, columns=list(dict.fromkeys(frame["series"]))).fillna("—")
    return table.reset_index().rename(columns={"when": "Period"})
