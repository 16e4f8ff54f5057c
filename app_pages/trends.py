"""Trends: one measure over time for the chosen area, against England, the region and the
statistical neighbours' mean (scorecard.trend_view works out what to show; this page lays it out).
The finding is printed above the chart, so it wraps on a phone; the source line sits under it.
"""

import streamlit as st

from scorecard import trend_view
from scorecard.text_safety import plain
from scorecard.ui import choosers, data, session, widgets


area = choosers.choose_area()
term = choosers.choose_term()
metric_id = choosers.choose_metric()
widgets.set_title(area.name, "Trends")

metrics = data.metrics()
public = session.is_public(session.actor())  # small counts as c for a visitor who is not signed in
table_for = data.public_metric_frame if public else data.metric_frame
view = trend_view.build(area, term, metrics[metric_id], metrics, table_for, data.areas(),
                        data.series_breaks, data.area_targets(area.code), data.sources())

st.title(plain(view.heading))
if view.intro:
    st.caption(plain(view.intro))
if view.empty:
    st.info(plain(view.empty))
    st.stop()

st.subheader("Over time")
st.markdown(f"**{plain(view.title)}**")
widgets.chart_with_table(view.figure, view.table, view.filename, view.caption, csv=view.csv, key="trend")
for note in view.notes:
    st.caption(plain(note))
st.caption(plain(view.csv_note))
