"""One palette for the screen and for paper: each series keeps its colour, line style and marker in
every chart (plotly on screen, ReportLab vector graphics in the PDF, matplotlib in the Word pack, native charts in PowerPoint), and
the RAG colours (scorecard.rag) are never used for a series.

Colours follow the Government Analysis Function's palette where it meets WCAG 2.2 AA: every line is at
least 3:1 against white (1.4.11 Non-text Contrast) and every piece of text at least 4.5:1 (1.4.3).
England is the dark grey dashed line: it is the comparator people look for first, and grey never
competes with the area's own dark blue. Line style and marker shape mean no series is told apart by
colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass

WHITE = "#FFFFFF"
TEXT = "#0B0C0C"  # body text: 19.8:1 on white
SECONDARY_TEXT = "#505A5F"  # axis titles, tick labels, captions: 7.0:1 on white
GRID = "#D9D9D9"  # gridlines are not content, so need no contrast
OTHER_AREAS = "#BFBFBF"  # the other local authorities on a ranking, behind the ones that matter

DARK_BLUE, MID_BLUE, LIGHT_BLUE, PALE_BLUE = "#12436D", "#2073BC", "#6BACE6", "#C5DFF5"
TURQUOISE, DARK_PINK, DARK_GREY, TARGET_BROWN = "#28A197", "#801650", "#3D3D3D", "#A14A0E"


@dataclass(frozen=True)
class SeriesStyle:
    """How one kind of series is drawn everywhere: colour, plotly dash and marker, and their
    matplotlib equivalents."""

    label: str
    colour: str
    dash: str  # plotly: solid, dash, dot, dashdot, longdash
    marker: str  # plotly: circle, diamond, square, triangle-up, x

    @property
    def mpl_linestyle(self) -> str:
        return {"solid": "-", "dash": "--", "dot": ":", "dashdot": "-.", "longdash": (0, (8, 3))}[self.dash]

    @property
    def mpl_marker(self) -> str:
        return {"circle": "o", "diamond": "D", "square": "s", "triangle-up": "^", "x": "x"}[self.marker]


SERIES = {
    "area": SeriesStyle("The area", DARK_BLUE, "solid", "circle"),
    "area_national": SeriesStyle("The area (national measure)", MID_BLUE, "dash", "circle"),
    "england": SeriesStyle("England", DARK_GREY, "dash", "diamond"),
    "region": SeriesStyle("Region", TURQUOISE, "dot", "square"),
    "neighbours": SeriesStyle("Statistical neighbours (mean)", DARK_PINK, "dashdot", "triangle-up"),
    "target": SeriesStyle("Target", TARGET_BROWN, "longdash", "x"),
}
# The colours a chart may use for its series and highlights (never a RAG colour).
SERIES_COLOURS = tuple(dict.fromkeys(s.colour for s in SERIES.values())) + (OTHER_AREAS,)

# Quartile bands: the Analysis Function's sequential blues, darkest for the best quarter. Each band
# carries its letter in the hex and its words in the legend and the table, not colour alone.
BAND_COLOURS = {"A": DARK_BLUE, "B": MID_BLUE, "C": LIGHT_BLUE, "D": PALE_BLUE}
BAND_TEXT = {"A": WHITE, "B": WHITE, "C": TEXT, "D": TEXT}
# A figure on small numbers is drawn hollow: its outline in the series colour, filled white.
HOLLOW_FILL = WHITE
