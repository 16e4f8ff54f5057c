"""What every dashboard chart shares: the palette's series roles (scorecard.palette, the same as on
paper), text at WCAG contrast (axis titles and tick labels in palette.SECONDARY_TEXT, 7:1), the
modebar, and plotly text made safe.

No chart carries its title inside the figure: a plotly title does not wrap, so on a phone or at
400% zoom it is cut off. The page prints the finding above the chart, where it wraps like any text,
and the source line directly under it.
"""

from __future__ import annotations

import html
import textwrap

import plotly.graph_objects as go

from .. import palette

CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "responsive": True}
FONT = "Arial, sans-serif"
TICK_SIZE = 12
MAX_SERIES = 4
UNIT_TITLES = {"%": "Per cent", "count": "Number", "rate per 100": "Per 100 pupils", "days": "Days", "£": "Pounds", "£ per head": "Pounds per head",
               "per 10,000": "Per 10,000"}
CHAR_PX = 7.0  # the width of a character of 12 px Arial, near enough, for laying out labels


def series(role: str) -> palette.SeriesStyle:
    """How a series of this role is drawn (colour, dash, marker), on screen as on paper."""
    return palette.SERIES[role]


def axis(title: str | None = None, **extra) -> dict:
    """An axis whose title and tick labels are secondary text (7:1 on white), on light gridlines."""
    return {"title": {"text": safe(title) if title else None, "font": {"color": palette.SECONDARY_TEXT, "size": 13}},
            "tickfont": {"color": palette.SECONDARY_TEXT, "size": TICK_SIZE}, "gridcolor": palette.GRID,
            "linecolor": palette.SECONDARY_TEXT, "zerolinecolor": palette.SECONDARY_TEXT, **extra}


def lay_out(fig: go.Figure, height: int, margin: dict, legend: dict | None = None) -> None:
    """The shared layout: white, Arial, text colours from the palette, the legend under the chart
    (it wraps onto more lines on a narrow screen), and no title inside the figure."""
    # No plotly template: every colour is set here, and a template costs a deep copy per chart.
    fig.update_layout(
        height=height, margin=margin, title=None, plot_bgcolor=palette.WHITE, paper_bgcolor=palette.WHITE,
        colorway=list(palette.SERIES_COLOURS),
        font={"family": FONT, "color": palette.TEXT, "size": 13},
        legend=legend or {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0, "font": {"color": palette.TEXT}},
        hoverlabel={"font": {"family": FONT}},
    )


def safe(text: str) -> str:
    """Text for plotly with <, > and & escaped: plotly reads tags such as <a href> in names, labels
    and hover text, and these hold names people typed."""
    return html.escape(str(text), quote=False)


def wrap(text: str, width: int = 95) -> str:
    """Text for plotly, escaped and broken into lines of at most `width` characters (plotly does not
    wrap): for labels drawn inside a chart."""
    lines = textwrap.wrap(str(text), width) if len(str(text)) > width else [str(text)]
    return "<br>".join(safe(line) for line in lines)
