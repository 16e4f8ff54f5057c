"""Static line charts for the PDF and Word packs, drawn with matplotlib's Agg renderer.

No pyplot: a Figure with its own Agg canvas uses no global backend or GUI, so this is safe inside
Streamlit and on servers, and needs nothing beyond `pip install matplotlib`.
"""

from __future__ import annotations

import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..formatting import is_missing
from .content import MetricSection

# Analysis Function palette, by role, so a series keeps its colour in every chart.
COLOURS = {"area": "#12436D", "england": "#28A197", "region": "#801650", "neighbours": "#F46A25",
           "target": "#3D3D3D"}
GRID = "#BFBFBF"
SIZE_IN = (6.6, 2.35)  # width and height in inches: A4 text width, two measures to a page
TEXT = "#0B0C0C"


def _tick_words(unit: str, decimals: int):
    def label(value, _pos):
        text = f"{value:,.{max(0, decimals - 1) if unit == '%' else decimals}f}"
        return f"{text}%" if unit == "%" else text
    return label


def line_chart_png(section: MetricSection, size_in: tuple[float, float] = SIZE_IN, dpi: int = 200) -> bytes:
    """The chart as PNG bytes, drawn once per section and size (the PDF and Word packs share it)."""
    key = (size_in, dpi)
    cache = section.__dict__.setdefault("_png", {})
    if key not in cache:
        cache[key] = _draw(section, size_in, dpi)
    return cache[key]


def _draw(section: MetricSection, size_in: tuple[float, float], dpi: int) -> bytes:
    """The section's series as a PNG: the area in dark blue, comparators in the palette, the target
    dashed, gaps where there is no figure (or it is suppressed), and series breaks marked."""
    metric = section.metric
    fig = Figure(figsize=size_in, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    x = list(range(len(section.periods)))
    top = 0.0
    for s in section.series:
        y = [math.nan if is_missing(v) else float(v) for v in s.values]
        top = max([top] + [v for v in y if not math.isnan(v)])
        main = s.role == "area"
        ax.plot(x, y, color=COLOURS.get(s.role, "#3D3D3D"), linewidth=2.6 if main else 1.6,
                linestyle="--" if s.role == "target" else "-", marker="o" if main else None,
                markersize=4.5, label=s.name, zorder=3 if main else 2)
    area = section.series[0] if section.series else None
    if area is not None:
        last = next(((i, v) for i, v in zip(reversed(x), reversed(area.values)) if not is_missing(v)), None)
        if last is not None:
            from ..formatting import fmt

            ax.annotate(fmt(last[1], metric), (last[0], last[1]), xytext=(5, 6), textcoords="offset points",
                        fontsize=8, fontweight="bold", color=COLOURS["area"])
    for label, _note in section.breaks:
        i = section.periods.index(label)
        ax.axvline(i - 0.5, color="#3D3D3D", linestyle=":", linewidth=1)
        ax.text(i - 0.45, 1.0, "Series break", transform=ax.get_xaxis_transform(), fontsize=7,
                color="#3D3D3D", va="top", ha="left")
    ceiling = top * 1.15 if top > 0 else 1
    if metric.unit == "%":
        ceiling = min(100, ceiling) if top <= 100 else ceiling
        ceiling = max(ceiling, top * 1.05, 1)
    ax.set_ylim(0, ceiling)  # zero baseline: honest comparisons
    ax.set_xlim(-0.4, max(len(x) - 0.6, 0.4))
    ax.set_xticks(x)
    long_labels = max((len(p) for p in section.periods), default=0) > 7
    # "Autumn 2025/26" over two lines rather than slanted
    ax.set_xticklabels([p.replace(" ", "\n", 1) if long_labels else p for p in section.periods], fontsize=7.5,
                       color=TEXT, linespacing=1.1)
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.yaxis.set_major_formatter(FuncFormatter(_tick_words(metric.unit, metric.decimals)))
    ax.tick_params(axis="y", labelsize=7.5, colors=TEXT, length=0)
    ax.tick_params(axis="x", length=3, colors=TEXT)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#3D3D3D")
    # Fixed margins rather than tight_layout: a third of the drawing time, and every chart lines up.
    bottom = 0.13 + (0.1 if long_labels else 0) + (0.1 if len(section.series) > 1 else 0)
    fig.subplots_adjust(left=0.075, right=0.965, top=0.93, bottom=bottom)
    if len(section.series) > 1:
        fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=len(section.series), frameon=False,
                   fontsize=7.5, handlelength=2.2)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi)
    return out.getvalue()
