"""Static line charts for the Word pack, drawn with matplotlib's Agg renderer (the PDF draws the same
chart in vector graphics: pdf_charts.py; both take their layout from chart_layout.py), in the same
look as the dashboard's (scorecard.palette): each series keeps its colour, line style and marker
(England is the dark grey dashed line with diamonds, on screen and on paper), RAG colours are never
used for a series, axis text is at least 4.5:1, a figure on small numbers is drawn hollow and
labelled, and every chart carries its source line (publisher, release, periods), wrapped to the
chart's width.

No pyplot: a Figure with its own Agg canvas uses no global backend or GUI, so this is safe inside
Streamlit and on servers, and needs nothing beyond `pip install matplotlib`.
"""

from __future__ import annotations

import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

from .. import palette, words
from ..formatting import fmt, is_missing
from .chart_layout import (CHAR_EM, LINE_HEIGHT, SIZE_IN, SOURCE_PT, TICK_PT, TITLE_PT, ceiling, default_source,
                           labelled_small_points, long_period_labels, nice_ticks, small_points, tick_words, wrap_to)
from .content import MetricSection

# Each role's colour, for the PowerPoint pack's native charts: the palette's, as on screen.
COLOURS = {role: style.colour for role, style in palette.SERIES.items()}
GRID = palette.GRID
TEXT = palette.TEXT
__all__ = ["CHAR_EM", "COLOURS", "SIZE_IN", "SOURCE_PT", "figure", "line_chart_png", "small_points", "wrap_to"]


def line_chart_png(section: MetricSection, size_in: tuple[float, float] = SIZE_IN, dpi: int = 200,
                   source: str | None = None, title: str | None = None) -> bytes:
    """The chart as PNG bytes, drawn once per section and size (the PDF and Word packs share it).
    `source` is its source line (words.source_line; by default the latest figure's release, from
    the section's scorecard row); `title`, when given, is drawn above it, wrapped."""
    key = (size_in, dpi, source, title)
    cache = section.__dict__.setdefault("_png", {})
    if key not in cache:
        if source is None:
            source = default_source(section)
        out = io.BytesIO()
        figure(section, size_in, source, title, dpi).savefig(out, format="png", dpi=dpi)
        cache[key] = out.getvalue()
    return cache[key]


def figure(section: MetricSection, size_in: tuple[float, float] = SIZE_IN, source: str = "", title: str | None = None,
           dpi: int = 200) -> Figure:
    """The section's series as a matplotlib Figure: each role in its palette style, gaps where there
    is no figure (or it is suppressed), small-number points hollow and labelled, series breaks
    marked, the source line under it."""
    metric = section.metric
    width, height = size_in
    fig = Figure(figsize=size_in, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    x = list(range(len(section.periods)))
    small = small_points(section)
    for s in section.series:
        style = palette.SERIES.get(s.role, palette.SERIES["target"])
        y = [math.nan if is_missing(v) else float(v) for v in s.values]
        main = s.role == "area"
        ax.plot(x, y, color=style.colour, linestyle=style.mpl_linestyle, linewidth=2.4 if main else 1.5,
                marker=style.mpl_marker, markersize=4.5 if main else 3.5, label=s.name, zorder=3 if main else 2)
        if main and any(small):
            _hollow(ax, x, y, small, style)
    area = section.series[0] if section.series else None
    if area is not None:
        last = next(((i, v) for i, v in zip(reversed(x), reversed(area.values)) if not is_missing(v)), None)
        if last is not None and not (small and small[last[0]]):
            ax.annotate(fmt(last[1], metric), (last[0], last[1]), xytext=(0, 6), textcoords="offset points",
                        ha="center", fontsize=8, fontweight="bold", color=COLOURS["area"])
    for label, _note in section.breaks:
        i = section.periods.index(label)
        ax.axvline(i - 0.5, color=palette.DARK_GREY, linestyle=":", linewidth=1)
        ax.text(i - 0.45, 1.0, words.series_break_mark(label), transform=ax.get_xaxis_transform(), fontsize=7,
                color=palette.SECONDARY_TEXT, va="top", ha="left")
    high = ceiling(section)
    ax.set_ylim(0, high)  # zero baseline: honest comparisons
    ax.set_xlim(-0.4, max(len(x) - 0.6, 0.4))
    ax.set_xticks(x)
    long_labels = long_period_labels(section)
    # "Autumn 2025/26" over two lines rather than slanted
    ax.set_xticklabels([p.replace(" ", "\n", 1) if long_labels else p for p in section.periods], fontsize=TICK_PT,
                       color=palette.SECONDARY_TEXT, linespacing=1.1)
    ax.yaxis.set_major_locator(FixedLocator(nice_ticks(high)))
    ax.yaxis.set_major_formatter(FuncFormatter(tick_words(metric.unit, metric.decimals)))
    ax.tick_params(axis="y", labelsize=TICK_PT, colors=palette.SECONDARY_TEXT, length=0)
    ax.tick_params(axis="x", length=3, colors=palette.SECONDARY_TEXT)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(palette.SECONDARY_TEXT)
    _frame(fig, section, width, height, source, title, long_labels)
    return fig


def _hollow(ax, x, y, small, style) -> None:
    """Small-number points: white inside, outlined in the series colour, with the words 'small
    numbers' above each of the first few (or only the latest)."""
    points = [(i, v) for i, v, s in zip(x, y, small) if s and not math.isnan(v)]
    ax.plot([i for i, _ in points], [v for _, v in points], linestyle="none", marker=style.mpl_marker,
            markersize=6.5, markerfacecolor=palette.HOLLOW_FILL, markeredgecolor=style.colour, markeredgewidth=1.6,
            zorder=4)
    for i, v in labelled_small_points(points):
        ax.annotate(words.SMALL_NUMBERS_SHORT, (i, v), xytext=(0, 7), textcoords="offset points", ha="center",
                    fontsize=6.5, color=palette.SECONDARY_TEXT)


def _frame(fig: Figure, section: MetricSection, width: float, height: float, source: str, title: str | None,
           long_labels: bool) -> None:
    """Margins, title, legend and source line, in fixed inches so every chart lines up (a third of
    tight_layout's drawing time); the source line and the title wrap to the chart's width."""
    source_lines = wrap_to(source, width - 0.2, SOURCE_PT)
    source_in = len(source_lines) * SOURCE_PT * LINE_HEIGHT / 72 + 0.06
    fig.text(0.1 / width, 0.04 / height, "\n".join(source_lines), fontsize=SOURCE_PT, color=palette.SECONDARY_TEXT,
             va="bottom", ha="left", linespacing=LINE_HEIGHT)
    legend_in = 0.0
    if len(section.series) > 1:
        legend_in = 0.24
        fig.legend(loc="lower center", bbox_to_anchor=(0.5, source_in / height), ncol=len(section.series),
                   frameon=False, fontsize=TICK_PT, handlelength=2.6, labelcolor=palette.TEXT)
    title_in = 0.12
    if title:
        title_lines = wrap_to(title, width - 0.2, TITLE_PT)
        title_in = len(title_lines) * TITLE_PT * LINE_HEIGHT / 72 + 0.12
        fig.text(0.1 / width, 1 - 0.06 / height, "\n".join(title_lines), fontsize=TITLE_PT, fontweight="bold",
                 color=palette.TEXT, va="top", ha="left", linespacing=LINE_HEIGHT)
    ticks_in = 0.3 + (0.14 if long_labels else 0)
    bottom = (source_in + legend_in + ticks_in) / height
    fig.subplots_adjust(left=0.5 / width, right=1 - 0.15 / width, top=1 - title_in / height,
                        bottom=min(bottom, 0.6))
