"""The dashboard's charts, and the tables behind them. Each chart is a pure function from a DataFrame
(plus plain parameters) to a plotly Figure, so it is tested without Streamlit.

Rules every chart keeps (WCAG 2.2 AA and the Analysis Function's guidance):
* Analysis Function colours, at most four series on a line chart, and line style and marker shape
  as well as colour, so no series is told apart by colour alone;
* a title that states the finding with real numbers (`trend_title`, `ranking_title`, `hex_title`);
* no unexplained gaps: a missing figure is annotated with the reason (suppressed, not available);
* series breaks and boundary changes drawn and labelled; a target drawn when one is set;
* a table of the same figures (`trend_table`, `ranking_table`) and a CSV in the layout of DfE's
  Explore Education Statistics open data (`ees_table`).
"""

from __future__ import annotations

import html
import textwrap
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from . import periods
from .areas import ENGLAND, Area
from .comparators import BAND_WORDS, ordinal, quartile_band, rank_words, sn_words
from .formatting import fmt, is_missing
from .hexmap import centre, corners
from .published import EES_SYMBOLS, status_words
from .register import Metric

DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE = "#12436D", "#28A197", "#801650", "#F46A25"
DARK_GREY, LIGHT_GREY, TEXT = "#3D3D3D", "#BFBFBF", "#0B0C0C"
PALETTE = (DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_GREY)
# Ordered bands use the Analysis Function's sequential blues (#12436D, #2073BC, #6BACE6) and one lighter
# tint of the same blue for the fourth band. Every hex also carries its band letter and hover words.
BAND_COLOURS = {"A": DARK_BLUE, "B": "#2073BC", "C": "#6BACE6", "D": "#C5DFF5"}
BAND_TEXT = {"A": "#FFFFFF", "B": "#FFFFFF", "C": TEXT, "D": TEXT}
CONTEXT_BAND_WORDS = {"A": "A (highest quarter)", "B": "B (second-highest quarter)",
                      "C": "C (second-lowest quarter)", "D": "D (lowest quarter)"}
MAX_SERIES = 4
ROLE_STYLE = {  # colour, dash, marker
    "area": (DARK_BLUE, "solid", "circle"),
    "england": (ORANGE, "dash", "diamond"),
    "region": (TURQUOISE, "dot", "square"),
    "neighbours": (DARK_PINK, "dashdot", "triangle-up"),
    "area_national": (TURQUOISE, "dot", "square"),
}
ROLE_ORDER = ("area", "area_national", "england", "region", "neighbours")
EES_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "region_code",
               "new_la_code", "old_la_code", "la_name"]
EES_LEVELS = {"england": "National", "region": "Regional", "la": "Local authority"}
EES_SYMBOL_FOR = {"suppressed": "c", "not_applicable": "z", "not_available": "x", "low": "low",
                  "low_reliability": "u"}
UNIT_TITLES = {"%": "Per cent", "count": "Number", "rate per 100": "Per 100 pupils", "days": "Days", "£": "Pounds"}
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}

assert set(EES_SYMBOL_FOR.values()) <= set(EES_SYMBOLS)


# ---------------------------------------------------------------- words

def lower_first(text: str) -> str:
    """'Permanent exclusion rate' -> 'permanent exclusion rate'; 'EHC plans' stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def period_phrase(label: str, kind: str) -> str:
    """'2024', '2024/25', 'Autumn term 2026/27', 'January 2025 census': the words used in titles."""
    if kind in ("calendar_year", "academic_year"):
        return label
    if kind == "financial_year":
        return f"financial year {label[3:]}"
    if kind == "term":
        return periods.from_label(label).describe()
    if kind == "census_date":
        return f"{label} census"
    return label


def _in(label: str, kind: str) -> str:
    return f"at the {period_phrase(label, kind)}" if kind == "census_date" else f"in {period_phrase(label, kind)}"


def statement(metric: Metric, area_name: str, value: float, period: str, kind: str) -> str:
    """The register's sentence for a figure ('Plymouth issued 6.0% of new EHC plans within 20 weeks
    in 2024'), or a plain one."""
    words = fmt(value, metric)
    if metric.summary:
        return metric.summary.format(area=area_name, value=words, period=period_phrase(period, kind))
    return f"{area_name}, {lower_first(metric.label)}: {words} {_in(period, kind)}"


def _compare_word(value: float, other: float, decimals: int) -> str:
    if round(value, decimals) == round(other, decimals):
        return "the same as"
    return "above" if value > other else "below"


def wrap(title: str, width: int = 95) -> str:
    """A chart title for Plotly: wrapped (Plotly does not wrap titles), and with <, > and & escaped,
    since Plotly reads tags such as <a href> in titles and a title holds names people typed."""
    lines = textwrap.wrap(title, width) if len(title) > width else [title]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


# ---------------------------------------------------------------- trends

def _x(start, end) -> pd.Timestamp:
    """Each figure sits at the middle of its period, so that a calendar-year figure and a term's
    figure line up in time, and a break at the start of a period falls between two points."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    return start + (end - start) / 2


def _series_rows(rows: pd.DataFrame, role: str, series: str, value: str = "value", status: str | None = "status",
                 note=None) -> pd.DataFrame:
    out = pd.DataFrame({
        "role": role, "series": series, "metric_id": rows["metric_id"], "area_code": rows["area_code"],
        "area_name": rows["area_name"], "level": rows["level"], "region_code": rows["region_code"],
        "la_number": rows["la_number"], "period": rows["period"], "period_kind": rows["period_kind"],
        "start_date": rows["start_date"], "end_date": rows["end_date"],
        "value": pd.to_numeric(rows[value], errors="coerce").astype("float64"),
        "status": rows[status] if status else None,
        "note": note if note is not None else None,
    })
    return out


def trend_frame(table: pd.DataFrame, area: Area, metric: Metric, national: pd.DataFrame | None = None,
                national_metric: Metric | None = None) -> pd.DataFrame:
    """The series for a trend chart: the area, England, the region and the neighbour mean (a local
    metric: the area's local figures, its published national-equivalent figures and England's).

    `table` is the metric's table (tables.metric_table); `national` the national equivalent's.
    Columns: role, series, metric_id, area and period details, x (mid-period), value, status, note,
    sn_count, sn_of.
    """
    mine = table[table["area_code"] == area.code]
    frames = [_series_rows(mine, "area", area.name)]
    totals_compare = metric.unit != "count"  # England's and a region's counts are totals, not comparators
    if area.code != ENGLAND and metric.national:
        if totals_compare:
            frames.append(_series_rows(table[table["area_code"] == ENGLAND], "england", "England"))
        if area.level == "la" and len(mine):
            if totals_compare:
                region = mine.assign(area_code=mine["region_code"], area_name=area.region_name or "Region",
                                     level="region", la_number=None)
                status = ["not_available" if is_missing(v) else ("computed" if isinstance(n, str) else "published")
                          for v, n in zip(region["region"], region["region_note"])]
                frames.append(_series_rows(region.assign(region_status=status), "region",
                                           area.region_name or "Region", "region", "region_status",
                                           note=region["region_note"]))
            if mine["sn_of"].notna().any():
                notes = [sn_words(c, o) for c, o in zip(mine["sn_count"], mine["sn_of"])]
                frames.append(_series_rows(mine, "neighbours", "Statistical neighbours (mean)", "sn_mean", None,
                                           note=notes))
    elif national is not None and national_metric is not None:
        own = national[national["area_code"] == area.code]
        if area.code != ENGLAND and len(own):
            frames.append(_series_rows(own, "area_national", f"{area.name} ({_source_words(own)})"))
        eng = national[national["area_code"] == ENGLAND]
        if len(eng) and (national_metric.unit != "count" or area.code == ENGLAND):
            frames.append(_series_rows(eng, "england", f"England ({_source_words(eng)})"))
        if len(mine):
            frames[0]["series"] = f"{area.name} ({_source_words(mine)})"
    out = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else frames[0]
    if national is not None and len(mine):
        # A local series is short: show the national comparators from two years before it starts.
        since = pd.Timestamp(min(mine["start_date"])) - pd.DateOffset(years=2)
        out = out[(out["role"] == "area") | (pd.to_datetime(out["end_date"]) >= since)]
    out["x"] = [_x(s, e) for s, e in zip(out["start_date"], out["end_date"])]
    sn = mine.set_index("period")[["sn_count", "sn_of"]] if "sn_count" in mine else None
    for col in ("sn_count", "sn_of"):
        out[col] = out["period"].map(sn[col]) if sn is not None else None
        out.loc[out["role"] != "neighbours", col] = None
    out["role_order"] = out["role"].map(ROLE_ORDER.index)
    return out.sort_values(["role_order", "end_date"]).drop(columns="role_order").reset_index(drop=True)


def _source_words(rows: pd.DataFrame) -> str:
    kind = rows["period_kind"].mode().iloc[0]
    kind_words = periods.KIND_WORDS.get(kind, kind)
    statuses = set(rows["status"].dropna())
    cadence = "termly" if kind == "term" else kind_words
    if "illustrative" in statuses:
        return f"illustrative figures, {cadence}"
    if "local" in statuses:
        return f"local return, {cadence}"
    return f"published, {kind_words}"


def _latest_with_value(rows: pd.DataFrame):
    have = rows[rows["value"].notna()]
    return have.iloc[-1] if len(have) else None


def trend_title(frame: pd.DataFrame, metric: Metric, area_name: str) -> str:
    """The finding, in words: 'Plymouth issued 6.0% of new EHC plans within 20 weeks in 2024, down from
    17.8% in 2023 and below England (46.4%)'."""
    main = frame[frame["role"] == "area"].sort_values("end_date")
    england = frame[frame["role"] == "england"].sort_values("end_date")
    if not len(main):
        text = f"{area_name} has no figures yet for {lower_first(metric.label)}"
        eng = _latest_with_value(england)
        if eng is not None:
            cm = metric if eng["metric_id"] == metric.id else None
            text += f"; England: {fmt(eng['value'], cm or metric)} {_in(eng['period'], eng['period_kind'])}"
        return text
    latest = main.iloc[-1]
    if is_missing(latest["value"]):
        text = (f"{area_name} has no published figure for {lower_first(metric.label)} "
                f"{_in(latest['period'], latest['period_kind'])}: {status_words(latest['status'])}")
        have = _latest_with_value(main)
        if have is not None:
            text += f"; the latest figure is {fmt(have['value'], metric)} {_in(have['period'], have['period_kind'])}"
        return text
    text = statement(metric, area_name, latest["value"], latest["period"], latest["period_kind"])
    clauses = []
    earlier = main[(main["end_date"] < latest["end_date"]) & (main["period_kind"] == latest["period_kind"])]
    if len(earlier) and not is_missing(earlier.iloc[-1]["value"]):
        prev = earlier.iloc[-1]
        word = _compare_word(latest["value"], prev["value"], metric.decimals)
        clauses.append(f"the same as {_in(prev['period'], prev['period_kind'])}" if word == "the same as" else
                       f"{'up' if word == 'above' else 'down'} from {fmt(prev['value'], metric)} "
                       f"{_in(prev['period'], prev['period_kind'])}")
    national = len(england) and england.iloc[0]["metric_id"] != metric.id  # a local metric's comparator
    same = england[england["period"] == latest["period"]]
    if not national and metric.unit != "count" and len(same) and not is_missing(same.iloc[0]["value"]):
        e = same.iloc[0]["value"]
        clauses.append(f"{_compare_word(latest['value'], e, metric.decimals)} England ({fmt(e, metric)})")
    neighbours = frame[(frame["role"] == "neighbours") & (frame["period"] == latest["period"])]
    if metric.unit == "count" and len(neighbours) and not is_missing(neighbours.iloc[0]["value"]):
        n = neighbours.iloc[0]["value"]
        clauses.append(f"{_compare_word(latest['value'], n, metric.decimals)} its statistical neighbours' mean "
                       f"({fmt(n, metric)})")
    if clauses:
        text += ", " + " and ".join(clauses)
    eng = _latest_with_value(england) if national else None
    if eng is not None:
        source = eng["series"].partition("(")[2].rstrip(")")
        text += f"; England {fmt(eng['value'], metric)} {_in(eng['period'], eng['period_kind'])} ({source})"
    return text


def target_points(frame: pd.DataFrame, targets: pd.DataFrame, metric_id: str) -> pd.DataFrame:
    """The target for each of the area's periods (columns x, period, target), from targets.targets_for."""
    from . import targets as target_rules

    main = frame[frame["role"] == "area"]
    rows = []
    for r in main.itertuples():
        t = target_rules.target_for(targets, metric_id, periods.Period(r.period, r.period_kind, r.start_date,
                                                                        r.end_date))
        if t is not None:
            rows.append({"x": r.x, "period": r.period, "target": t.target})
    return pd.DataFrame(rows, columns=["x", "period", "target"])


def trend_chart(frame: pd.DataFrame, metric: Metric, title: str, breaks: list[tuple[str, str]] = (),
                boundary: tuple[date, str] | None = None, target: pd.DataFrame | None = None) -> go.Figure:
    """Line chart of at most four series, with missing figures, series breaks, a boundary change and
    the target marked in words."""
    names = list(dict.fromkeys(frame["series"]))
    if len(names) > MAX_SERIES:
        raise ValueError(f"a trend chart shows at most {MAX_SERIES} series, not {len(names)}")
    fig = go.Figure()
    for name in names:
        rows = frame[frame["series"] == name]
        role = rows["role"].iloc[0]
        colour, dash, symbol = ROLE_STYLE[role]
        series_metric = metric if rows["metric_id"].iloc[0] == metric.id else None
        words = [fmt(v, series_metric or metric, s) + (f" ({n})" if isinstance(n, str) and n else "")
                 for v, s, n in zip(rows["value"], rows["status"], rows["note"])]
        fig.add_trace(go.Scatter(
            x=rows["x"], y=rows["value"], name=name, mode="lines+markers", connectgaps=False,
            line={"color": colour, "dash": dash, "width": 3 if role == "area" else 2},
            marker={"symbol": symbol, "size": 8 if role == "area" else 7, "color": colour},
            customdata=list(zip([period_phrase(p, k) for p, k in zip(rows["period"], rows["period_kind"])], words)),
            hovertemplate="%{fullData.name}<br>%{customdata[0]}: %{customdata[1]}<extra></extra>",
        ))
    main = frame[frame["role"] == "area"]
    for r in main[main["value"].isna()].itertuples():
        reason = status_words(r.status) or "no figure"
        fig.add_annotation(x=r.x, y=0, yref="paper", yanchor="bottom", text=reason, textangle=-90, showarrow=False,
                           font={"size": 11, "color": DARK_GREY}, name="missing",
                           hovertext=f"{r.area_name}, {period_phrase(r.period, r.period_kind)}: no figure ({reason})")
    if len(frame):
        first, last = frame["x"].min(), frame["x"].max()
        marks = []
        for label, note, at in breaks_in_window(breaks, first, last):
            marks.append((at, f"Series break {label}", note, "series_break"))
        if boundary is not None and first < pd.Timestamp(boundary[0]) <= last:
            marks.append((pd.Timestamp(boundary[0]), boundary[1], boundary[1], "boundary_change"))
        for i, mark in enumerate(marks):
            _marker(fig, *mark, row=i)
    if target is not None and len(target):
        _target(fig, target, metric, frame)
    fig.update_layout(
        title={"text": wrap(title), "font": {"size": 16, "color": TEXT}, "x": 0, "xanchor": "left"},
        template="plotly_white", height=460, margin={"t": 80, "l": 60, "r": 20, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        font={"family": "Arial, sans-serif", "color": TEXT},
        yaxis={"title": UNIT_TITLES.get(metric.unit, metric.unit), "rangemode": "tozero", "zeroline": True},
    )
    ticks = frame.drop_duplicates("period").sort_values("x")
    fig.update_xaxes(tickvals=list(ticks["x"]), ticktext=list(ticks["period"]), tickangle=0 if len(ticks) < 12 else -45)
    return fig


def _marker(fig: go.Figure, at: pd.Timestamp, label: str, hover: str, name: str, row: int = 0) -> None:
    """A dotted vertical line with its label inside the top of the plot; labels of nearby marks are
    stacked so they never overlap."""
    fig.add_shape(type="line", x0=at, x1=at, y0=0, y1=1, yref="paper", name=name,
                  line={"color": DARK_GREY, "width": 1.5, "dash": "dot"})
    fig.add_annotation(x=at, y=1 - 0.07 * row, yref="paper", yanchor="top", xanchor="right", text=label,
                       showarrow=False, name=name, font={"size": 11, "color": DARK_GREY}, hovertext=hover,
                       bgcolor="rgba(255,255,255,0.85)")


def _target(fig: go.Figure, target: pd.DataFrame, metric: Metric, frame: pd.DataFrame) -> None:
    line = {"color": TEXT, "width": 2, "dash": "longdash"}
    values = target["target"].unique()
    if len(values) == 1:  # one target over the periods it covers
        v = float(values[0])
        start, end = target["x"].min(), target["x"].max()
        if start == end:
            start, end = start - pd.Timedelta(days=45), end + pd.Timedelta(days=45)
        fig.add_shape(type="line", x0=start, x1=end, y0=v, y1=v, line=line, name="target")
        label = f"Target {fmt(v, metric)}"
        x = end
    else:
        path = " ".join(("M" if i == 0 else "L") + f" {pd.Timestamp(x).isoformat()},{t}"
                        for i, (x, t) in enumerate(zip(target["x"], target["target"])))
        fig.add_shape(type="path", path=path, line=line, name="target")
        v, x = float(target["target"].iloc[-1]), target["x"].iloc[-1]
        label = f"Target trajectory ({fmt(v, metric)} for {target['period'].iloc[-1]})"
    fig.add_annotation(x=x, y=v, text=label, showarrow=False, yanchor="bottom", xanchor="right", name="target",
                       font={"size": 12, "color": TEXT})


def trend_table(frame: pd.DataFrame, metric: Metric) -> pd.DataFrame:
    """The chart's figures as people read them: one row per period, one column per series."""
    if not len(frame):
        return pd.DataFrame(columns=["Period"])
    words = []
    for r in frame.itertuples():
        m = metric if r.metric_id == metric.id else None
        w = fmt(r.value, m or metric, r.status if is_missing(r.value) else None)
        if isinstance(r.note, str) and r.note:
            w += f" ({r.note})"
        words.append(w)
    wide = frame.assign(words=words, when=[period_phrase(p, k) for p, k in zip(frame["period"], frame["period_kind"])])
    order = wide.sort_values("end_date")[["when"]].drop_duplicates()["when"]
    table = wide.pivot_table(index="when", columns="series", values="words", aggfunc="first", sort=False)
    table = table.reindex(index=order, columns=list(dict.fromkeys(frame["series"]))).fillna("—")
    return table.reset_index().rename(columns={"when": "Period"})


# ---------------------------------------------------------------- EES open-data layout

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


def ees_value(value, status) -> object:
    """A figure, or the EES symbol that says why there is none (c, x, z, low, u)."""
    if is_missing(value):
        return EES_SYMBOL_FOR.get(status or "", "x")
    return float(value)


def ees_table(rows: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """Rows in the EES open-data layout. `rows` needs period, period_kind, level, area_code, la_number,
    region_code, area_name and the indicator columns (already figures or symbols)."""
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
    """The trend's figures in EES layout. England and the region are rows of their own, as in DfE's
    files (geographic_level National / Regional); the neighbour mean goes in columns on the area's
    rows (`<metric>_sn_mean`, sn_count, sn_of), as EES has no level for statistical neighbours.
    A local metric's figures sit in its own column, and the national equivalent's in a column named
    after that metric, each row with its own time_period."""
    rows = frame[frame["role"] != "neighbours"].copy()
    indicators = list(dict.fromkeys(rows["metric_id"]))
    for m in indicators:
        rows[m] = [ees_value(v, s) if mid == m else None for v, s, mid in zip(rows["value"], rows["status"],
                                                                           rows["metric_id"])]
    extra = []
    neighbours = frame[frame["role"] == "neighbours"]
    if len(neighbours):
        col = f"{neighbours['metric_id'].iloc[0]}_sn_mean"
        by_period = neighbours.set_index("period")
        area = rows["role"] == "area"
        rows[col] = rows["period"].map(by_period["value"]).where(area)
        rows["sn_count"] = rows["period"].map(by_period["sn_count"]).where(area)
        rows["sn_of"] = rows["period"].map(by_period["sn_of"]).where(area)
        extra = [col, "sn_count", "sn_of"]
    rows["level_order"] = rows["level"].map({"england": 0, "region": 1, "la": 2})
    rows = rows.sort_values(["end_date", "level_order"])
    return ees_table(rows, indicators + extra)


# ---------------------------------------------------------------- ranking (Compare)

def ranking_frame(table: pd.DataFrame, period: str, metric: Metric, current_codes: set[str] | None = None
                  ) -> pd.DataFrame:
    """Every LA for one period, best first (context metrics: highest first), with its band; LAs with
    no figure come last, with the reason. Columns of the metric table plus band, band_words, value_words."""
    rows = table[(table["period"] == period) & (table["level"] == "la")].copy()
    if current_codes is not None:
        rows = rows[rows["area_code"].isin(current_codes)]
    context = metric.polarity == "context"
    rows["band"] = [quartile_band(r, n) if context else (None if is_missing(q) else q)
                    for r, n, q in zip(rows["rank"], rows["rank_of"], rows["quartile"])]
    words = CONTEXT_BAND_WORDS if context else BAND_WORDS
    small = rows["small_numbers"] if "small_numbers" in rows else pd.Series(False, index=rows.index)
    rows["band_words"] = [words[b] if b in words else no_band_words(metric, v, s)
                          for b, v, s in zip(rows["band"], rows["value"], small)]
    rows["value_words"] = [fmt(v, metric, s) for v, s in zip(rows["value"], rows["status"])]
    rows["rank_words"] = [rank_words(r, n, metric.polarity) for r, n in zip(rows["rank"], rows["rank_of"])]
    rows["no_figure"] = rows["value"].isna()
    rows = rows.sort_values(["no_figure", "rank", "area_name"], na_position="last")
    return rows.drop(columns="no_figure").reset_index(drop=True)


def no_band_words(metric: Metric, value, small_numbers: bool) -> str:
    """Why a local authority has no band: no figure, small numbers, or a count (never compared)."""
    if is_missing(value):
        return "no band: no figure"
    if metric.unit == "count":
        return "no band: a count, not compared across areas (bigger areas have more)"
    if small_numbers:
        return "no band: small numbers"
    return "no band"


def ranking_title(frame: pd.DataFrame, metric: Metric, area: Area, england: float | None, period: str,
                  kind: str) -> str:
    """'Plymouth ranks 147th of 151 local authorities on EHC plans issued within 20 weeks in 2024 (6.0%;
    England 46.4%)'."""
    when = _in(period, kind)
    label = lower_first(metric.label)
    eng = (f"England {'total ' if metric.unit == 'count' else ''}{fmt(england, metric)}"
           if not is_missing(england) else "")
    have = frame[frame["value"].notna()]
    mine = frame[frame["area_code"] == area.code]
    if len(mine) and not is_missing(mine.iloc[0]["value"]) and is_missing(mine.iloc[0]["rank"]):
        r = mine.iloc[0]
        why = ("a count, not ranked against other areas" if metric.unit == "count"
               else "small numbers: not ranked")
        return f"{area.name}: {label} {when} was {r['value_words']} ({why}){'; ' + eng if eng else ''}"
    if len(mine) and not is_missing(mine.iloc[0]["value"]):
        r = mine.iloc[0]
        position = (f"has the {ordinal(r['rank'])} highest figure of {int(r['rank_of'])} local authorities"
                    if metric.polarity == "context" else
                    f"ranks {ordinal(r['rank'])} of {int(r['rank_of'])} local authorities")
        return f"{area.name} {position} on {label} {when} ({r['value_words']}{'; ' + eng if eng else ''})"
    spread = (f"local authorities ranged from {fmt(have['value'].min(), metric)} to {fmt(have['value'].max(), metric)}"
              if len(have) else "no local authority has a figure")
    if area.level == "la":
        reason = status_words(mine.iloc[0]["status"]) if len(mine) else "no figure"
        return f"{area.name} has no figure for {label} {when} ({reason}); {spread}{'; ' + eng if eng else ''}"
    head = f"{metric.label} {when}: {spread}"
    return head + (f"; {eng}" if eng else "")


def ranking_chart(frame: pd.DataFrame, metric: Metric, title: str, area_code: str | None = None,
                  neighbour_codes: list[str] = (), england: float | None = None) -> go.Figure:
    """Every LA with a figure as a bar, best (or highest) first; the chosen area and its statistical
    neighbours highlighted; England as a line; the quartile bands marked and named."""
    have = frame[frame["value"].notna()].reset_index(drop=True)
    have = have.assign(position=range(1, len(have) + 1))
    roles = [("Other local authorities", LIGHT_GREY, ~have["area_code"].isin([area_code, *neighbour_codes])),
             ("Statistical neighbours", TURQUOISE, have["area_code"].isin(neighbour_codes)),
             (None, DARK_BLUE, have["area_code"] == area_code)]
    fig = go.Figure()
    for name, colour, mask in roles:
        rows = have[mask]
        if not len(rows):
            continue
        fig.add_trace(go.Bar(
            x=rows["position"], y=rows["value"], name=name or rows["area_name"].iloc[0], marker={"color": colour},
            customdata=list(zip(rows["area_name"], rows["value_words"], rows["rank_words"], rows["band_words"])),
            hovertemplate=("%{customdata[0]}: %{customdata[1]}<br>%{customdata[2]}; band %{customdata[3]}"
                           "<extra></extra>"),
        ))
    if not is_missing(england) and metric.unit != "count":  # a national count is a total, not a comparator
        fig.add_shape(type="line", x0=0.5, x1=len(have) + 0.5, y0=england, y1=england, name="england",
                      line={"color": ORANGE, "width": 2.5, "dash": "dash"})
        fig.add_annotation(x=len(have) + 0.5, y=england, text=f"England {fmt(england, metric)}", showarrow=False,
                           xanchor="right", yanchor="bottom", name="england", font={"color": TEXT, "size": 12})
    words = CONTEXT_BAND_WORDS if metric.polarity == "context" else BAND_WORDS
    if metric.polarity != "context":
        for band, rows in have.groupby("band", sort=True):
            lo, hi = rows["position"].min() - 0.5, rows["position"].max() + 0.5
            if band != "A":
                fig.add_shape(type="line", x0=lo, x1=lo, y0=0, y1=1, yref="paper", name="band",
                              line={"color": DARK_GREY, "width": 1, "dash": "dot"})
            fig.add_annotation(x=(lo + hi) / 2, y=1, yref="paper", yanchor="bottom", showarrow=False, name="band",
                               text=words[band], font={"size": 11, "color": DARK_GREY})
    mine = have[have["area_code"] == area_code]
    if len(mine):
        r = mine.iloc[0]
        fig.add_annotation(x=r["position"], y=r["value"], text=f"{r['area_name']}: {r['value_words']}", name="area",
                           showarrow=True, arrowhead=2, ay=-40, font={"color": TEXT, "size": 12},
                           bgcolor="rgba(255,255,255,0.85)")
    order = "highest to lowest" if metric.polarity == "context" else "best to worst"
    fig.update_layout(
        title={"text": wrap(title), "font": {"size": 16, "color": TEXT}, "x": 0, "xanchor": "left"},
        template="plotly_white", height=460, bargap=0.15, margin={"t": 100, "l": 60, "r": 20, "b": 50},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        font={"family": "Arial, sans-serif", "color": TEXT},
        xaxis={"title": f"{len(have)} local authorities, from {order}", "showticklabels": False},
        yaxis={"title": UNIT_TITLES.get(metric.unit, metric.unit), "rangemode": "tozero"},
    )
    return fig


def ranking_table(frame: pd.DataFrame, neighbour_codes: list[str] = (), area_code: str | None = None) -> pd.DataFrame:
    table = pd.DataFrame({
        "Rank": frame["rank_words"], "Local authority": frame["area_name"], "ONS code": frame["area_code"],
        "Figure": frame["value_words"], "Band": frame["band_words"],
    })
    table["Chosen area or neighbour"] = ["chosen area" if c == area_code else ("statistical neighbour"
                                         if c in neighbour_codes else "") for c in frame["area_code"]]
    return table


def ranking_ees(frame: pd.DataFrame, metric: Metric, england_rows: pd.DataFrame) -> pd.DataFrame:
    """The ranking in EES layout: England's row first, then every LA, with rank, rank_of and band."""
    rows = pd.concat([england_rows, frame], ignore_index=True)
    rows[metric.id] = [ees_value(v, s) for v, s in zip(rows["value"], rows["status"])]
    rows["rank"] = rows["rank"].astype("Int64")
    rows["rank_of"] = rows["rank_of"].astype("Int64")
    rows["quartile_band"] = rows["band"] if "band" in rows else None
    return ees_table(rows, [metric.id, "rank", "rank_of", "quartile_band"])


# ---------------------------------------------------------------- hex map

def hex_title(frame: pd.DataFrame, metric: Metric, area: Area, period: str, kind: str) -> str:
    when = _in(period, kind)
    label = lower_first(metric.label)
    counts = frame["band"].value_counts()
    mine = frame[frame["area_code"] == area.code]
    kind_words = "quarters, from highest to lowest" if metric.polarity == "context" else "quartile bands"
    if len(mine) and mine.iloc[0]["band"]:
        r = mine.iloc[0]
        return f"{area.name} is in band {r['band_words']} for {label} {when}"
    have = int(counts.sum())
    return f"{label[:1].upper() + label[1:]} {when}: {have} local authorities in {kind_words}"


def hex_chart(hexes: dict[str, dict], frame: pd.DataFrame, metric: Metric, title: str,
              area_code: str | None = None) -> go.Figure:
    """England's upper-tier LAs as hexes, coloured by band, each with its band letter inside and the
    figure in words on hover; LAs with no figure are white with a grey edge and a dash."""
    by_code = frame.set_index("area_code")
    words = CONTEXT_BAND_WORDS if metric.polarity == "context" else BAND_WORDS
    groups: dict[str | None, list[str]] = {}
    for code in hexes:
        band = by_code["band"].get(code) if code in by_code.index else None
        groups.setdefault(band if isinstance(band, str) else None, []).append(code)
    fig = go.Figure()
    for band in [*"ABCD", None]:
        codes = groups.get(band, [])
        if not codes:
            continue
        xs, ys = [], []
        for code in codes:
            for x, y in corners(hexes[code]["q"], hexes[code]["r"]):
                xs.append(x)
                ys.append(y)
            xs.append(None)
            ys.append(None)
        fill = BAND_COLOURS.get(band, "#FFFFFF")
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", fill="toself", fillcolor=fill, hoverinfo="skip",
            line={"color": "#FFFFFF" if band else DARK_GREY, "width": 1},
            name=words[band] if band else "No figure", legendgroup=band or "none",
        ))
    label_x, label_y, text, colours, hover = [], [], [], [], []
    for code, h in hexes.items():
        x, y = centre(h["q"], h["r"])
        row = by_code.loc[code] if code in by_code.index else None
        band = row["band"] if row is not None and isinstance(row["band"], str) else None
        name = row["area_name"] if row is not None else h["n"]
        label_x.append(x)
        label_y.append(y)
        text.append(band or "–")
        colours.append(BAND_TEXT.get(band, TEXT))
        hover.append(f"{name}: {row['value_words'] if row is not None else 'no figure'}"
                     + (f"<br>{row['rank_words']}; band {row['band_words']}" if band else ""))
    fig.add_trace(go.Scatter(x=label_x, y=label_y, mode="text", text=text, hovertext=hover, hoverinfo="text",
                             textfont={"color": colours, "size": 10}, showlegend=False, name="labels"))
    if area_code in hexes:
        h = hexes[area_code]
        pts = corners(h["q"], h["r"])
        path = "M " + " L ".join(f"{x:.4f},{y:.4f}" for x, y in pts) + " Z"
        fig.add_shape(type="path", path=path, line={"color": ORANGE, "width": 4}, name="area")
        x, y = centre(h["q"], h["r"])
        fig.add_annotation(x=x, y=y, text=by_code["area_name"].get(area_code, h["n"]), ax=60, ay=-30, arrowhead=2,
                           showarrow=True, bgcolor="rgba(255,255,255,0.9)", font={"color": TEXT, "size": 12},
                           name="area")
    fig.update_layout(
        title={"text": wrap(title, 70), "font": {"size": 16, "color": TEXT}, "x": 0, "xanchor": "left"},
        template="plotly_white", height=640, margin={"t": 70, "l": 10, "r": 10, "b": 10},
        legend={"title": {"text": "Band"}, "orientation": "v", "x": 0, "y": 0.98},
        font={"family": "Arial, sans-serif", "color": TEXT},
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1},
    )
    return fig


# ---------------------------------------------------------------- text alternatives

def breaks_in_window(breaks, first, last) -> list[tuple[str, str, pd.Timestamp]]:
    """The series breaks (period label, note) that start after `first` and by `last`, with where
    each starts on the chart's time axis."""
    out = []
    for label, note in breaks:
        try:
            at = pd.Timestamp(periods.parse(label).start)
        except periods.PeriodError:
            continue
        if first < at <= last:
            out.append((label, note, at))
    return out


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def trend_description(frame: pd.DataFrame, metric: Metric, breaks: list[tuple[str, str]] = (),
                      boundary: tuple[date, str] | None = None) -> str:
    """A text alternative for the trend chart: what it shows, the range of periods and the marks."""
    if not len(frame):
        return f"No figures to chart for {lower_first(metric.label)}."
    parts = []
    for name in dict.fromkeys(frame["series"]):
        rows = frame[frame["series"] == name].sort_values("end_date")
        have = rows[rows["value"].notna()]
        if len(have) == 1:
            only = have.iloc[0]
            parts.append(f"{name}: {fmt(only['value'], metric)} ({period_phrase(only['period'], only['period_kind'])})")
        elif len(have):
            first, last = have.iloc[0], have.iloc[-1]
            start = period_phrase(first["period"], first["period_kind"])
            end = period_phrase(last["period"], last["period_kind"])
            parts.append(f"{name} from {fmt(first['value'], metric)} ({start}) to {fmt(last['value'], metric)} ({end})")
        else:
            parts.append(f"{name} (no figures)")
    text = f"Line chart of {lower_first(metric.label)}: {_join(parts)}."
    missing = frame[(frame["role"] == "area") & frame["value"].isna()]
    if len(missing):
        text += " No figure for " + _join([f"{period_phrase(p, k)} ({status_words(s) or 'no figure'})" for p, k, s in
                                           zip(missing["period"], missing["period_kind"], missing["status"])]) + "."
    lo, hi = frame["x"].min(), frame["x"].max()
    for label, note, _ in breaks_in_window(breaks, lo, hi):
        text += f" A dotted line marks the series break at {label}: {note}"
    if boundary is not None and lo < pd.Timestamp(boundary[0]) <= hi:
        text += f" A dotted line marks the boundary change: {boundary[1]}."
    return text


def ranking_description(frame: pd.DataFrame, metric: Metric, area: Area, neighbour_codes: list[str],
                        england: float | None) -> str:
    have = frame[frame["value"].notna()]
    if not len(have):
        return f"No local authority has a figure for {lower_first(metric.label)} in this period."
    order = "highest to lowest" if metric.polarity == "context" else "best to worst"
    top, bottom = have.iloc[0], have.iloc[-1]
    text = (f"Bar chart of {len(have)} local authorities' figures for {lower_first(metric.label)}, from {order}: "
            f"from {top['value_words']} ({top['area_name']}) to {bottom['value_words']} ({bottom['area_name']}).")
    mine = frame[frame["area_code"] == area.code]
    if len(mine):
        r = mine.iloc[0]
        ranked = r["rank_words"] != "not ranked"
        text += f" {area.name}: {r['value_words']}" + (f", {r['rank_words']}." if ranked else ".")
    near = have[have["area_code"].isin(neighbour_codes)]
    if len(near):
        text += (f" Its statistical neighbours are highlighted, from {near.iloc[0]['value_words']} "
                 f"({near.iloc[0]['area_name']}) to {near.iloc[-1]['value_words']} ({near.iloc[-1]['area_name']}).")
    if not is_missing(england) and metric.unit != "count":
        text += f" A dashed line marks England's figure, {fmt(england, metric)}."
    return text


def hex_description(frame: pd.DataFrame, metric: Metric, hex_count: int) -> str:
    words = CONTEXT_BAND_WORDS if metric.polarity == "context" else BAND_WORDS
    counts = frame["band"].value_counts()
    bands = [f"{words[b]}: {int(counts.get(b, 0))}" for b in "ABCD" if counts.get(b, 0)]
    small = int((frame["small_numbers"].fillna(False) & frame["value"].notna()).sum()) if "small_numbers" in frame else 0
    no_figure = hex_count - int(counts.sum()) - small
    small_words = f"; small numbers, not banded: {small}" if small else ""
    return (f"Hex map of England's {hex_count} upper-tier local authorities, one hexagon each, shaded and lettered "
            f"by band. {'; '.join(bands) if bands else 'No bands'}{small_words}; no figure: {no_figure}. The table "
            "lists every authority with its figure and band.")
