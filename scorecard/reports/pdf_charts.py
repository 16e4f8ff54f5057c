"""The PDF pack's trend charts, drawn as vector graphics with ReportLab itself: sharp at any zoom,
a few milliseconds each (a matplotlib picture took about a tenth of a second), and text that stays
text. They look as the Word pack's matplotlib charts do (charts_static.py) and take their layout
from the same place (chart_layout.py): each series in its palette colour, line style and marker
(England the dark grey dashed line with diamonds, on screen and on paper), never a RAG colour, the
value axis from zero, axis text at least 4.5:1, a figure on small numbers hollow and labelled,
series breaks marked, and the source line (publisher, release, periods) under every chart.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from .. import palette, words
from ..formatting import fmt, is_missing
from .chart_layout import (LINE_HEIGHT, SIZE_IN, SOURCE_PT, TICK_PT, TITLE_PT, ceiling, default_source,
                           labelled_small_points, long_period_labels, nice_ticks, period_label_lines,
                           small_points, tick_words)
from .content import MetricSection

FONT, BOLD = "DejaVu", "DejaVu-Bold"  # registered by pdf.py before any chart is drawn
SECONDARY = colors.HexColor(palette.SECONDARY_TEXT)
# Line patterns in points, for a line one point wide (scaled with the line): plotly's names.
DASHES = {"solid": None, "dash": [4, 2.5], "dot": [1, 2], "dashdot": [4, 2, 1, 2], "longdash": [8, 3]}
LEFT, RIGHT = 36.0, 11.0  # the plot's margins, in points: room for the value axis's words


def _colour(hex_colour: str):
    return colors.HexColor(hex_colour)


def _wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """`text` in lines no wider than `width` points, measured in the font itself."""
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and stringWidth(trial, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line] if line else lines or [""]


def _marker(kind: str, x: float, y: float, size: float, stroke, fill, stroke_width: float):
    """One point's marker, in the palette's shape for its series: circle, diamond, square, triangle or x."""
    r = size / 2
    if kind == "circle":
        return Circle(x, y, r, strokeColor=stroke, fillColor=fill, strokeWidth=stroke_width)
    if kind == "square":
        return Rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8, strokeColor=stroke, fillColor=fill,
                    strokeWidth=stroke_width)
    if kind == "diamond":
        return Polygon([x, y + r * 1.15, x + r * 1.15, y, x, y - r * 1.15, x - r * 1.15, y], strokeColor=stroke,
                       fillColor=fill, strokeWidth=stroke_width)
    if kind == "triangle-up":
        return Polygon([x, y + r * 1.2, x + r * 1.1, y - r * 0.8, x - r * 1.1, y - r * 0.8], strokeColor=stroke,
                       fillColor=fill, strokeWidth=stroke_width)
    cross = Group()
    for dx in (-1, 1):
        cross.add(Line(x - r, y - dx * r, x + r, y + dx * r, strokeColor=stroke, strokeWidth=max(1.0, stroke_width)))
    return cross


def _runs(xs: list[float], values: list) -> list[list[tuple[float, float]]]:
    """The unbroken stretches of a series: a period with no figure (or a suppressed one) is a gap."""
    runs, run = [], []
    for x, v in zip(xs, values):
        if is_missing(v):
            if run:
                runs.append(run)
            run = []
        else:
            run.append((x, v))
    return runs + [run] if run else runs


def line_chart(section: MetricSection, width: float, source: str | None = None,
               title: str | None = None, height: float | None = None) -> Drawing:
    """The section's trend as a Drawing `width` points wide and `height` high (by default in proportion
    SIZE_IN), with the source line under it (by default the latest figure's release, from the
    section's scorecard row) and, when given, a title above it."""
    height = height or width * SIZE_IN[1] / SIZE_IN[0]
    metric = section.metric
    source = default_source(section) if source is None else source
    d = Drawing(width, height)

    # From the bottom up: source line, legend, period labels, then the plot; a title above it.
    source_lines = _wrap(source, width - 14, FONT, SOURCE_PT)
    lead = SOURCE_PT * LINE_HEIGHT
    for i, text in enumerate(reversed(source_lines)):
        d.add(String(7, 3 + i * lead, text, fontName=FONT, fontSize=SOURCE_PT, fillColor=SECONDARY))
    y = 3 + len(source_lines) * lead + 4
    if len(section.series) > 1:
        y = _legend(d, section, width, y) + 6
    tick_lines = 2 if long_period_labels(section) else 1
    bottom = y + tick_lines * TICK_PT * 1.15 + 6
    top = height - 9
    if title:
        title_lines = _wrap(title, width - 14, BOLD, TITLE_PT)
        for i, text in enumerate(title_lines):
            d.add(String(7, height - 4 - TITLE_PT - i * TITLE_PT * LINE_HEIGHT, text, fontName=BOLD,
                         fontSize=TITLE_PT, fillColor=_colour(palette.TEXT)))
        top = height - 9 - len(title_lines) * TITLE_PT * LINE_HEIGHT
    left, right = LEFT, width - RIGHT
    count = max(len(section.periods), 1)
    step = (right - left) / (count - 0.2 if count > 1 else 1)
    xs = [left + step * (0.4 + i) for i in range(len(section.periods))]
    high = ceiling(section)

    def y_of(value: float) -> float:
        return bottom + (top - bottom) * float(value) / high

    words_for = tick_words(metric.unit, metric.decimals)
    for tick in nice_ticks(high):
        ty = y_of(tick)
        d.add(Line(left, ty, right, ty, strokeColor=_colour(palette.GRID), strokeWidth=0.6))
        d.add(String(left - 4, ty - TICK_PT * 0.35, words_for(tick), fontName=FONT, fontSize=TICK_PT,
                     fillColor=SECONDARY, textAnchor="end"))
    d.add(Line(left, bottom, right, bottom, strokeColor=SECONDARY, strokeWidth=0.8))
    for x, lines in zip(xs, period_label_lines(section)):
        d.add(Line(x, bottom, x, bottom - 3, strokeColor=SECONDARY, strokeWidth=0.6))
        for j, text in enumerate(lines):
            d.add(String(x, bottom - 4 - TICK_PT - j * TICK_PT * 1.15, text, fontName=FONT, fontSize=TICK_PT,
                         fillColor=SECONDARY, textAnchor="middle"))
    for label, _note in section.breaks:
        bx = xs[section.periods.index(label)] - step / 2
        d.add(Line(bx, bottom, bx, top, strokeColor=_colour(palette.DARK_GREY), strokeWidth=1,
                   strokeDashArray=[1, 2]))
        d.add(String(bx + 2, top - 7, words.series_break_mark(label), fontName=FONT, fontSize=7,
                     fillColor=SECONDARY))

    small = small_points(section)
    for s in reversed(section.series):  # the area's own line last, on top
        style = palette.SERIES.get(s.role, palette.SERIES["target"])
        main = s.role == "area"
        _series(d, xs, [None if is_missing(v) else y_of(v) for v in s.values], style, main)
        if main and any(small):
            _hollow(d, xs, s.values, small, style, y_of)
    area = section.series[0] if section.series else None
    if area is not None:
        last = next(((i, v) for i in reversed(range(len(area.values)))
                     if not is_missing(v := area.values[i])), None)
        if last is not None and not small[last[0]]:
            d.add(String(xs[last[0]], y_of(last[1]) + 6, fmt(last[1], metric), fontName=BOLD, fontSize=8,
                         fillColor=_colour(palette.SERIES["area"].colour), textAnchor="middle"))
    return d


def _series(d: Drawing, xs: list[float], ys: list, style: palette.SeriesStyle, main: bool) -> None:
    colour = _colour(style.colour)
    width = 2.4 if main else 1.5
    dash = DASHES[style.dash]
    for run in _runs(xs, ys):
        if len(run) > 1:
            d.add(PolyLine([c for point in run for c in point], strokeColor=colour, strokeWidth=width,
                           strokeDashArray=[p * width / 1.5 for p in dash] if dash else None,
                           strokeLineJoin=1, strokeLineCap=1 if style.dash == "dot" else 0))
        for x, y in run:
            d.add(_marker(style.marker, x, y, 4.5 if main else 3.5, colour, colour, 0.5))


def _hollow(d: Drawing, xs, values, small, style, y_of) -> None:
    """Small-number points: white inside, outlined in the series colour, with the words 'small
    numbers' above each of the first few (or only the latest)."""
    colour = _colour(style.colour)
    points = [(x, y_of(v)) for x, v, s in zip(xs, values, small) if s and not is_missing(v)]
    for x, y in points:
        d.add(_marker(style.marker, x, y, 6.5, colour, _colour(palette.HOLLOW_FILL), 1.6))
    for x, y in labelled_small_points(points):
        d.add(String(x, y + 7, words.SMALL_NUMBERS_SHORT, fontName=FONT, fontSize=6.5, fillColor=SECONDARY,
                     textAnchor="middle"))


def _legend(d: Drawing, section: MetricSection, width: float, y: float) -> float:
    """One line of keys, centred (a second line where they don't fit): each a stretch of the
    series' line with its marker, then its name. Returns the top of the legend."""
    sample = 20
    entries = [(palette.SERIES.get(s.role, palette.SERIES["target"]), s.name) for s in section.series]
    widths = [sample + 4 + stringWidth(name, FONT, TICK_PT) + 12 for _, name in entries]
    rows, row, used = [], [], 0.0
    for entry, w in zip(entries, widths):
        if row and used + w > width - 14:
            rows.append((row, used))
            row, used = [], 0.0
        row.append((entry, w))
        used += w
    rows.append((row, used))
    for line, (row, used) in enumerate(reversed(rows)):
        x = (width - used) / 2
        base = y + line * (TICK_PT + 5)
        for (style, name), w in row:
            colour = _colour(style.colour)
            mid = base + TICK_PT * 0.35
            dash = DASHES[style.dash]
            d.add(Line(x, mid, x + sample, mid, strokeColor=colour, strokeWidth=1.5, strokeDashArray=dash))
            d.add(_marker(style.marker, x + sample / 2, mid, 3.5, colour, colour, 0.5))
            d.add(String(x + sample + 4, base, name, fontName=FONT, fontSize=TICK_PT, fillColor=_colour(palette.TEXT)))
            x += w
    return y + len(rows) * (TICK_PT + 5) - 5
