"""What a printed trend chart shows, worked out once for every renderer (matplotlib for the Word
pack, ReportLab's vector graphics for the PDF): the value axis from zero with its ticks and their
words, which points are on small numbers, the period labels, and text wrapped to a width."""

from __future__ import annotations

import math
import textwrap

from .. import words
from ..formatting import is_missing
from ..register import settings
from .content import MetricSection

SIZE_IN = (6.6, 2.6)  # width and height in inches: A4 text width, two measures to a page
TICK_PT = 7.5
SOURCE_PT = 6.5
TITLE_PT = 8.5
LINE_HEIGHT = 1.3  # of the font size, in points
CHAR_EM = 0.55  # an average character's width, of the font size (DejaVu Sans)
SMALL_LABELS = 2  # small-number points labelled in words: all of them up to this many, else the latest
MAX_TICKS = 5


def tick_words(unit: str, decimals: int):
    """The words on the value axis: "40%" for percentages (a decimal fewer than the figures), else
    the number with thousands separators."""
    def label(value, _pos=None):
        text = f"{value:,.{max(0, decimals - 1) if unit == '%' else decimals}f}"
        return f"{text}%" if unit == "%" else text
    return label


def wrap_to(text: str, width_in: float, size_pt: float) -> list[str]:
    """`text` in lines that fit `width_in` inches at `size_pt` points (neither renderer wraps)."""
    per_line = max(20, int(width_in * 72 / (size_pt * CHAR_EM)))
    return textwrap.wrap(text, per_line) or [""]


def small_points(section: MetricSection, threshold: int | None = None) -> list[bool]:
    """For each of the area's periods, whether its figure is a rate on small numbers (a denominator
    below the register's threshold)."""
    metric = section.metric
    data = section.data
    if metric.unit not in words.RATE_UNITS or "denominator" not in data:
        return [False] * len(section.periods)
    limit = settings().small_number_threshold if threshold is None else threshold
    return [not is_missing(v) and not is_missing(d) and float(d) < limit
            for v, d in zip(data["value"], data["denominator"])]


def labelled_small_points(points: list) -> list:
    """Of the small-number points, those labelled "small numbers" in words: each of the first few,
    or only the latest where there are more."""
    return points if len(points) <= SMALL_LABELS else points[-1:]


def ceiling(section: MetricSection) -> float:
    """The top of the value axis (which always starts at zero: honest comparisons): room above
    the highest figure of any series, and never past 100 for a percentage that fits under it."""
    top = max([0.0] + [float(v) for s in section.series for v in s.values if not is_missing(v)])
    high = top * 1.15 if top > 0 else 1
    if section.metric.unit == "%":
        high = min(100, high) if top <= 100 else high
        high = max(high, top * 1.05, 1)
    return high


def nice_ticks(high: float, most: int = MAX_TICKS) -> list[float]:
    """Ticks from zero to at most `high`, at a round step (1, 2, 2.5 or 5 times a power of ten),
    no more than `most` intervals."""
    if high <= 0:
        return [0.0]
    raw = high / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [i * step for i in range(int(high / step + 1e-9) + 1)]


def long_period_labels(section: MetricSection) -> bool:
    """Whether the period labels are long ("Autumn 2025/26"): they then go over two lines."""
    return max((len(p) for p in section.periods), default=0) > 7


def period_label_lines(section: MetricSection) -> list[list[str]]:
    """Each period's label, in one line or two (at its first space) when the labels are long."""
    two = long_period_labels(section)
    return [p.split(" ", 1) if two and " " in p else [p] for p in section.periods]


def default_source(section: MetricSection) -> str:
    """The chart's source line: the latest figure's release, from the section's scorecard row."""
    return words.row_source_line(section.view.row, section.periods[0] if section.periods else None)
