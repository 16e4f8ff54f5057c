"""What the Compare page shows, worked out without Streamlit: every local authority ranked on one
measure for one period, the chosen area and its statistical neighbours highlighted, England drawn,
the quartile bands named, a hex map of England by band, and the area's neighbours with their
figures. app_pages/compare.py only lays this out.

A count is context (bigger areas have more): it is neither ranked nor banded, so the page lists
every authority's figure instead of a ranking and a map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from . import words
from .areas import ENGLAND, Area, AreaIndex
from .charts.hexmap_chart import hex_chart
from .charts.ranking import ranking_chart, ranking_frame, ranking_table
from .charts.sources import sources_used
from .comparators import neighbour_map
from .ees_export import ranking_ees, rounded
from .formatting import fmt
from .periods import Period
from .register import Metric

MAP_CREDIT = ("Hex map layout: Open Innovations' UK upper-tier local authority hexmap (MIT licence), updated by this "
              "project for the reorganisations of 2020 to 2023.")


@dataclass
class Chart:
    """A chart with its finding (above), description and source (under), table and CSV."""

    title: str
    figure: go.Figure | None
    table: pd.DataFrame
    csv: pd.DataFrame
    filename: str
    description: str
    source: str

    @property
    def caption(self) -> str:
        return f"{self.description}\n\n{self.source}"


@dataclass
class CompareView:
    notes: list[str] = field(default_factory=list)
    ranking: Chart | None = None
    band_key: str = ""
    hexmap: Chart | None = None
    counts: Chart | None = None  # a count: every authority's figure, not ranked (no figure)
    neighbours_heading: str = ""
    neighbours_caption: str = ""
    neighbours: pd.DataFrame | None = None
    neighbours_csv: pd.DataFrame | None = None
    neighbours_filename: str = ""
    neighbours_mean: str = ""

    @property
    def neighbours_to_read(self) -> pd.DataFrame | None:
        """The neighbours table as a page shows it: each neighbour's name, then its figure and rank (what
        a reader compares, first, so a phone shows them without scrolling sideways), then how near it is."""
        if self.neighbours is None:
            return None
        figure = next(c for c in self.neighbours.columns if c.startswith("Figure"))
        return self.neighbours[["Statistical neighbour", figure, "Rank", "Closeness", "Nearness", "ONS code"]]


def heading(metric: Metric) -> str:
    return f"Compare local authorities: {metric.label}"


def period_options(table: pd.DataFrame) -> list[Period]:
    """The periods in which any local authority has a figure, newest first."""
    with_figures = table[(table["level"] == "la") & table["value"].notna()].drop_duplicates("period")
    return sorted((Period(r.period, r.period_kind, r.start_date, r.end_date) for r in with_figures.itertuples()),
                  key=lambda p: p.sort_key, reverse=True)


def default_period(options: list[Period], term: Period) -> Period:
    """The newest period that ends by the end of the term (else the oldest there is)."""
    in_term = [p for p in options if p.end <= term.end]
    return in_term[0] if in_term else options[-1]


def no_figures(metric: Metric) -> str:
    return f"No local authority has a figure for {words.lower_first(metric.label)} yet."


def build(area: Area, metric: Metric, table: pd.DataFrame, period: Period, areas: AreaIndex,
          neighbour_links: pd.DataFrame, hexes: dict[str, dict], sources: pd.DataFrame) -> CompareView:
    """The Compare page for an area, measure and period. `table` is the measure's table
    (tables.metric_table), `neighbour_links` queries.neighbour_links, `hexes` hexmap.load(),
    `sources` queries.sources."""
    current = {a.code for a in areas.current_las()}
    ranked = ranking_frame(table, period.label, metric, current)
    england_rows = table[(table["area_code"] == ENGLAND) & (table["period"] == period.label)]
    have_england = len(england_rows) and england_rows["value"].notna().any()
    england = float(england_rows["value"].iloc[0]) if have_england else None
    links = neighbour_map(neighbour_links)
    mine = links[links["area_code"] == area.code].sort_values("rank")
    neighbour_codes = list(mine["neighbour_code"])
    view = CompareView(notes=_notes(area, metric, england))
    stem = f"{metric.id}_{period.label.replace('/', '-')}"
    csv = ranking_ees(ranked, metric, england_rows)
    source = words.source_line(sources_used(pd.concat([england_rows, ranked]), sources))
    table_view = ranking_table(ranked, neighbour_codes, area.code)
    if metric.is_total:
        listed = table_view.sort_values("Local authority")[["Local authority", "ONS code", "Figure",
                                                            "Chosen area or neighbour"]]
        view.counts = Chart(words.ranking_title(ranked, metric, area, england, period.label, period.kind), None,
                            listed, csv, f"{stem}_figures.csv", "", source)
    else:
        view.ranking = Chart(
            words.ranking_title(ranked, metric, area, england, period.label, period.kind),
            ranking_chart(ranked, metric, area.code, neighbour_codes, england), table_view, csv, f"{stem}_ranked.csv",
            words.ranking_description(ranked, metric, area, neighbour_codes, england), source)
        view.band_key = words.band_key(metric) if metric.polarity != "context" else ""
        view.hexmap = Chart(
            words.hex_title(ranked, metric, area, period.label, period.kind),
            hex_chart(hexes, ranked, metric, area.code), table_view[["Local authority", "ONS code", "Figure", "Band"]],
            csv, f"{stem}_map.csv", words.hex_description(ranked, metric, len(hexes)), source)
    if len(mine):
        _neighbours(view, area, metric, period, ranked, mine, areas)
    return view


def _notes(area: Area, metric: Metric, england: float | None) -> list[str]:
    notes = []
    if metric.is_total:
        notes.append("A count is context: bigger areas have more, so local authorities are not ranked, banded or "
                     "compared on it. The table lists every authority's figure.")
        if england is not None:
            notes.append(f"England's figure, {fmt(england, metric)}, is a total for all authorities.")
    elif metric.polarity == "context":
        notes.append("A context measure: neither a higher nor a lower figure is better, so authorities are ordered "
                     "from the highest figure and the map shows quarters from highest to lowest, not better or worse.")
    if area.level != "la":
        notes.append(f"{area.name} is not a local authority, so no authority is highlighted.")
    return notes


def _neighbours(view: CompareView, area: Area, metric: Metric, period: Period, ranked: pd.DataFrame,
                mine: pd.DataFrame, areas: AreaIndex) -> None:
    model = int(mine["model_year"].iloc[0])
    figures = ranked.set_index("area_code")
    codes = list(mine["neighbour_code"])
    figure_column = f"Figure ({period.describe()})"
    view.neighbours_heading = f"{area.name}'s statistical neighbours"
    view.neighbours_caption = (f"DfE's children's services statistical neighbours, {model} model: the ten most "
                               "similar authorities, nearest first, with DfE's closeness words.")
    view.neighbours = pd.DataFrame({
        "Nearness": list(mine["rank"]), "Statistical neighbour": [areas.get(c).name for c in codes],
        "ONS code": codes, "Closeness": list(mine["closeness"]),
        figure_column: [figures["value_words"].get(c, "no figure") for c in codes],
        "Rank": [figures["rank_words"].get(c, "not ranked") for c in codes],
    })
    values = [rounded(figures["value"].get(c), metric.decimals) for c in codes]
    ends = {f"{metric.id}_{end}": [rounded(figures[end].get(c), metric.decimals) if end in figures else None
                                   for c in codes] for end in ("ci_lower", "ci_upper")}
    view.neighbours_csv = view.neighbours.assign(**{f"{metric.id}": values}, **ends)
    view.neighbours_filename = f"neighbours_{area.code}.csv"
    have = ranked[ranked["area_code"].isin(codes) & ranked["value"].notna()]
    if len(have):
        view.neighbours_mean = (f"Mean of the {len(have)} of {len(mine)} neighbours with a figure: "
                                f"{fmt(have['value'].mean(), metric)}.")
