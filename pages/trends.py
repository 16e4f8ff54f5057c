"""Trends: one measure over time for the chosen area, against England, the region and the
statistical neighbours' mean, with series breaks, boundary changes and the target marked.

The CSV download is in the layout of DfE's Explore Education Statistics open data (charts.trend_ees):
time_period, time_identifier, geographic_level, country_code, region_code, new_la_code, old_la_code,
la_name, then one column per indicator, named by the metric's id. England and the region are rows
of their own (geographic_level National and Regional), as in DfE's files; the statistical neighbours'
mean has no EES level, so it is a column on the area's rows (<metric>_sn_mean, with sn_count and
sn_of). A local measure's figures sit in its own column and its national equivalent's in a column
named after that metric, each row with its own period. A missing figure carries the EES symbol
(c suppressed, x not available, z not applicable, low rounds to zero, u low reliability).
"""

import streamlit as st

from scorecard import charts
from scorecard.text_safety import plain
from scorecard.ui import choosers, data, navigation, widgets

navigation.through_app()

area = choosers.choose_area()
term = choosers.choose_term()
metric_id = choosers.choose_metric()
widgets.set_title(area.name, "Trends")

metrics = data.metrics()
metric = metrics[metric_id]
national_metric = metrics.get(metric.national_equivalent) if not metric.national and metric.national_equivalent \
    else None
national = data.metric_frame(national_metric.id) if national_metric else None
frame = charts.trend_frame(data.metric_frame(metric_id), area, metric, national, national_metric)
frame = frame[frame["end_date"] <= term.end]

st.title(plain(f"{metric.label}: {area.name}"))
if metric.description:
    st.caption(plain(metric.description))

boundary = None
if area.valid_from:
    before = [data.areas().get(code).name for code, kind in data.areas().lineage(area.code) if kind != "code change"]
    if before:
        boundary = (area.valid_from, f"{area.name} formed {area.valid_from:%B %Y} from {', '.join(before)}")

if not len(frame):
    where = "add them with a local return on the Local returns page" if not metric.national else \
        "they arrive with the national release"
    if boundary and metric.national:
        where = f"{boundary[1]}, and earlier figures are for the old authority"
    st.info(plain(f"No figures yet for {charts.lower_first(metric.label)} in {area.name} up to the end of "
                  f"{term.describe()}: {where}."))
    st.stop()

breaks = data.series_breaks(metric_id) + (data.series_breaks(national_metric.id) if national_metric else [])
target = charts.target_points(frame, data.area_targets(area.code), metric_id)

title = charts.trend_title(frame, metric, area.name)
fig = charts.trend_chart(frame, metric, title, breaks, boundary, target)
st.subheader("Over time")
widgets.chart_with_table(fig, charts.trend_table(frame, metric),
                         f"{metric_id}_{area.code}_trend.csv",
                         charts.trend_description(frame, metric, breaks, boundary),
                         csv=charts.trend_ees(frame), key="trend")

notes = []
if boundary:
    notes.append(f"{boundary[1]}. Earlier figures belong to the old authority, so they are not drawn as "
                 f"{area.name}'s: compare like with like from {area.valid_from:%B %Y}.")
if national_metric:
    notes.append(f"A local measure: its figures come from local returns. The national comparator is "
                 f"{charts.lower_first(national_metric.name)}, shown with its own periods, which differ from the "
                 "local ones.")
if metric.unit == "count" and area.level == "la":
    notes.append("England's and the region's figures are totals for many authorities, so they are not drawn; "
                 "the statistical neighbours' mean is.")
if not target.empty:
    notes.append("The target is the one the board set for this measure (Targets and commentary page).")
if any(frame["status"] == "illustrative"):
    notes.append("Illustrative figures: made-up sample figures, not real data.")
for note in notes:
    st.caption(plain(note))
st.caption("The CSV follows the layout of DfE's Explore Education Statistics open data: England and the region "
           "are rows of their own; the neighbours' mean is a column on the area's rows; a missing figure carries "
           "the EES symbol (c suppressed, x not available, z not applicable, low rounds to zero).")
