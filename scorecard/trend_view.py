"""What the Trends page shows, worked out without Streamlit: one measure over time for an area,
against England, the region and the statistical neighbours' mean, with series breaks, a boundary
change and the target marked, the finding above the chart, the source line under it, and its table
and CSV. app_pages/trends.py only lays this out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from . import words
from .areas import Area, AreaIndex
from .charts.sources import sources_used
from .charts.trend import target_points, trend_chart, trend_frame, trend_table
from .ees_export import trend_ees
from .periods import Period
from .published import ILLUSTRATIVE
from .register import Metric

CSV_NOTE = ("The CSV follows the layout of DfE's Explore Education Statistics open data: England and the region "
            "are rows of their own; the neighbours' mean is a column on the area's rows; a missing figure carries "
            "the EES symbol (c suppressed, x not available, z not applicable, low rounds to zero). Figures are "
            "rounded as they are shown.")


@dataclass
class TrendView:
    heading: str
    intro: str  # the measure's description
    empty: str | None = None  # why there is nothing to chart, when there is not
    title: str = ""  # the finding, printed above the chart
    figure: go.Figure | None = None
    table: pd.DataFrame | None = None
    csv: pd.DataFrame | None = None
    filename: str = ""
    description: str = ""  # the text alternative
    source: str = ""  # the source line, printed under the chart
    notes: list[str] = field(default_factory=list)
    csv_note: str = CSV_NOTE

    @property
    def caption(self) -> str:
        """What goes directly under the chart: its description, then its source line."""
        return f"{self.description}\n\n{self.source}"


def boundary_change(area: Area, areas: AreaIndex) -> tuple[date, str] | None:
    """(when, words) for an authority formed from others, e.g. Cumberland from Cumbria in 2023."""
    if not area.valid_from:
        return None
    before = [areas.get(code).name for code, kind in areas.lineage(area.code) if kind != "code change"]
    if not before:
        return None
    return area.valid_from, f"{area.name} formed {area.valid_from:%B %Y} from {', '.join(before)}"


def build(area: Area, term: Period, metric: Metric, metrics: dict[str, Metric],
          table_for: Callable[[str], pd.DataFrame], areas: AreaIndex,
          breaks_for: Callable[[str], list[tuple[str, str]]], targets: pd.DataFrame,
          sources: pd.DataFrame) -> TrendView:
    """The Trends page for an area, term and measure. `table_for(metric_id)` gives a metric's table
    (tables.metric_table), `breaks_for(metric_id)` its series breaks, `targets` the area's targets
    (targets.targets_for), `sources` queries.sources."""
    national_metric = metrics.get(metric.national_equivalent) \
        if not metric.national and metric.national_equivalent else None
    national = table_for(national_metric.id) if national_metric else None
    frame = trend_frame(table_for(metric.id), area, metric, national, national_metric)
    frame = frame[frame["end_date"] <= term.end]
    view = TrendView(heading=f"{metric.label}: {area.name}", intro=metric.description)
    boundary = boundary_change(area, areas)
    if not len(frame):
        where = ("add them with a local return on the Local returns page" if not metric.national else
                 "they arrive with the national release")
        if boundary and metric.national:
            where = f"{boundary[1]}, and earlier figures are for the old authority"
        view.empty = (f"No figures yet for {words.lower_first(metric.label)} in {area.name} up to the end of "
                      f"{term.describe()}: {where}.")
        return view
    breaks = list(breaks_for(metric.id)) + (list(breaks_for(national_metric.id)) if national_metric else [])
    target = target_points(frame, targets, metric.id)
    view.title = words.trend_title(frame, metric, area.name)
    view.figure = trend_chart(frame, metric, breaks, boundary, target)
    view.table = trend_table(frame, metric)
    view.csv = trend_ees(frame)
    view.filename = f"{metric.id}_{area.code}_trend.csv"
    view.description = words.trend_description(frame, metric, breaks, boundary)
    view.source = words.source_line(sources_used(frame, sources))
    view.notes = notes(area, metric, national_metric, boundary, target, frame)
    return view


def notes(area: Area, metric: Metric, national_metric: Metric | None, boundary, target: pd.DataFrame,
          frame: pd.DataFrame) -> list[str]:
    """What a reader needs to know to read the chart fairly."""
    out = []
    if boundary:
        out.append(f"{boundary[1]}. Earlier figures belong to the old authority, so they are not drawn as "
                   f"{area.name}'s: compare like with like from {area.valid_from:%B %Y}.")
    if national_metric:
        out.append(f"A local measure: its figures come from local returns. The national comparator is "
                   f"{words.lower_first(national_metric.name)}, shown with its own periods, which differ from the "
                   f"local ones: it is context only, {words.NOT_COMPARABLE}.")
    if metric.is_total and area.level == "la":
        out.append("A count is context: bigger areas have more. England's and the region's figures are totals for "
                   "many authorities, so they are not drawn; the statistical neighbours' mean is, as context, not "
                   "as a comparison.")
    if (frame["small_numbers"] & frame["value"].notna()).any():
        out.append("Hollow points are figures on small numbers: treat them with caution. They are not ranked, "
                   "banded or called better or worse.")
    if not target.empty:
        out.append("The target is the one the board set for this measure (Targets and commentary page).")
    if (frame["status"] == ILLUSTRATIVE).any():
        out.append("Illustrative figures: made-up sample figures, not real data.")
    return out
