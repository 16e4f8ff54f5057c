"""The hex map (Compare): England's upper-tier local authorities as hexagons (scorecard.hexmap),
shaded and lettered by quartile band. An authority on small numbers is not banded: it is drawn
hollow, with a circle, as small-number points are on the trend chart. One with no figure is white
with a dash. The chosen area is outlined, and its name sits above or below the map with an arrow,
so that the label never covers a neighbouring hexagon.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import palette, words
from ..formatting import is_missing
from ..hexmap import centre, corners
from ..register import Metric
from .style import CHAR_PX, lay_out, safe

NO_FIGURE, SMALL = "none", "small"
MARKS = {NO_FIGURE: "–", SMALL: "○"}
HEIGHT = 580
PHONE_PX_PER_HEX = 18  # a hexagon's width on a 320 px phone: labels are sized for the narrowest map
LETTER_PX = 15  # each hexagon's band letter: at least 10 px tall on a phone (Arial's capitals are 0.72 of the size)


def _group(row) -> str:
    if row is None or is_missing(row["value"]):
        return NO_FIGURE
    if isinstance(row["band"], str):
        return row["band"]
    return SMALL if words.flag(row.get("small_numbers")) or words.flag(row.get("rank_uncertain")) else NO_FIGURE


def hex_chart(hexes: dict[str, dict], frame: pd.DataFrame, metric: Metric, area_code: str | None = None) -> go.Figure:
    """Every hex in its band's colour with its letter inside, the figure in words on hover; no title
    inside (the page prints the finding above)."""
    by_code = frame.set_index("area_code")
    band_words = words.band_words(metric)
    rows = {code: (by_code.loc[code] if code in by_code.index else None) for code in hexes}
    groups: dict[str, list[str]] = {}
    for code, row in rows.items():
        groups.setdefault(_group(row), []).append(code)
    fig = go.Figure()
    names = {**band_words, SMALL: f"Small numbers ({MARKS[SMALL]}): not banded", NO_FIGURE: f"No figure ({MARKS[NO_FIGURE]})"}
    for group in [*"ABCD", SMALL, NO_FIGURE]:
        codes = groups.get(group, [])
        if not codes:
            continue
        xs, ys = [], []
        for code in codes:
            for x, y in corners(hexes[code]["q"], hexes[code]["r"]):
                xs.append(x)
                ys.append(y)
            xs.append(None)
            ys.append(None)
        banded = group in band_words
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", fill="toself", hoverinfo="skip", name=names[group], legendgroup=group,
            fillcolor=palette.BAND_COLOURS[group] if banded else palette.HOLLOW_FILL,
            line={"color": palette.WHITE if banded else palette.SECONDARY_TEXT, "width": 1,
                  "dash": "dot" if group == SMALL else "solid"},
        ))
    label_x, label_y, text, colours, hover = [], [], [], [], []
    for code, h in hexes.items():
        x, y = centre(h["q"], h["r"])
        row = rows[code]
        group = _group(row)
        name = row["area_name"] if row is not None else h["n"]
        label_x.append(x)
        label_y.append(y)
        text.append(group if group in band_words else MARKS[group])
        colours.append(palette.BAND_TEXT.get(group, palette.TEXT))
        detail = f"<br>{safe(row['rank_words'])}; band {safe(row['band_words'])}" if row is not None else ""
        hover.append(f"{safe(name)}: {safe(row['value_words']) if row is not None else 'no figure'}{detail}")
    fig.add_trace(go.Scatter(x=label_x, y=label_y, mode="text", text=text, hovertext=hover, hoverinfo="text",
                             textfont={"color": colours, "size": LETTER_PX}, showlegend=False, name="labels"))
    xs = [centre(h["q"], h["r"])[0] for h in hexes.values()]
    ys = [centre(h["q"], h["r"])[1] for h in hexes.values()]
    x_range, y_range = [min(xs) - 0.7, max(xs) + 0.7], [min(ys) - 0.8, max(ys) + 0.8]
    if area_code in hexes:
        x_range, y_range = _mark_area(fig, hexes[area_code], by_code["area_name"].get(area_code, hexes[area_code]["n"]),
                                      x_range, y_range)
    # The key above the map, and the map against it: on a phone the map fills the width and any
    # height to spare falls below it, not between the key and the map.
    lay_out(fig, height=HEIGHT, margin={"t": 10, "l": 4, "r": 4, "b": 4},
            legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"color": palette.TEXT},
                    "title": {"text": "Band "}})
    fig.update_xaxes(visible=False, range=x_range, fixedrange=True, constrain="domain")
    fig.update_yaxes(visible=False, range=y_range, scaleanchor="x", scaleratio=1, fixedrange=True,
                     constrain="domain", constraintoward="top")
    return fig


def _mark_area(fig: go.Figure, h: dict, name: str, x_range: list[float], y_range: list[float]
               ) -> tuple[list[float], list[float]]:
    """Outline the chosen area (black, with white inside it, so it shows on every band's colour) and
    put its name beyond the top or bottom edge of the map, whichever is nearer, with an arrow to it.
    Returns the axis ranges, grown to hold the name."""
    pts = corners(h["q"], h["r"])
    path = "M " + " L ".join(f"{x:.4f},{y:.4f}" for x, y in pts) + " Z"
    fig.add_shape(type="path", path=path, line={"color": palette.TEXT, "width": 5}, name="area")
    fig.add_shape(type="path", path=path, line={"color": palette.WHITE, "width": 1.5}, name="area")
    x, y = centre(h["q"], h["r"])
    half = len(name) * CHAR_PX / 2 / PHONE_PX_PER_HEX
    low, high = x_range
    label_x = min(max(x, low + half), high - half) if high - low > 2 * half else (low + high) / 2
    below = (y - y_range[0]) < (y_range[1] - y)
    label_y = y_range[0] - 0.5 if below else y_range[1] + 0.5
    fig.add_annotation(x=x, y=y, ax=label_x, ay=label_y, axref="x", ayref="y", text=f"<b>{safe(name)}</b>",
                       showarrow=True, arrowhead=2, arrowwidth=1.5, arrowcolor=palette.TEXT, standoff=8,
                       yanchor="top" if below else "bottom", font={"color": palette.TEXT, "size": 12},
                       bgcolor="rgba(255,255,255,0.9)", name="area")
    grow = 1.3
    return x_range, ([y_range[0] - grow, y_range[1]] if below else [y_range[0], y_range[1] + grow])
