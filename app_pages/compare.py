"""Compare: every local authority ranked on one measure for one period, with the chosen area and its
statistical neighbours highlighted, England drawn, the quartile bands named, and a hex map of England
coloured by band (scorecard.compare_view works out what to show; this page lays it out). The CSVs
follow DfE's Explore Education Statistics layout."""

import streamlit as st

from scorecard import compare_view, hexmap
from scorecard.text_safety import plain
from scorecard.ui import choosers, data, html_tables, session, widgets


area = choosers.choose_area()
term = choosers.choose_term()
metric_id = choosers.choose_metric(only_national=True)
widgets.set_title(area.name, "Compare")

metric = data.metrics()[metric_id]
public = session.is_public(session.actor())  # small counts as c for a visitor who is not signed in
table = data.public_metric_frame(metric_id) if public else data.metric_frame(metric_id)
options = compare_view.period_options(table)

st.title(plain(compare_view.heading(metric)))
if metric.description:
    st.caption(plain(metric.description))
if not options:
    st.info(plain(compare_view.no_figures(metric)))
    st.stop()

period = choosers.choose_period(options, default=compare_view.default_period(options, term).label)
view = compare_view.build(area, metric, table, period, data.areas(), data.neighbour_links(), hexmap.load(),
                          data.sources())
for note in view.notes:
    st.caption(plain(note))


def show(chart: compare_view.Chart, key: str) -> None:
    st.markdown(f"**{plain(chart.title)}**")
    widgets.chart_with_table(chart.figure, chart.table, chart.filename, chart.caption, csv=chart.csv, key=key)


if view.counts is not None:
    st.subheader("Every local authority's figure")
    st.markdown(f"**{plain(view.counts.title)}**")
    st.dataframe(view.counts.table, hide_index=True, key="figures_table")
    st.caption(plain(view.counts.source))
    st.download_button("Download the data (CSV)", widgets.csv_bytes(view.counts.csv), file_name=view.counts.filename,
                       mime="text/csv", key="figures_download", icon=":material/download:")
else:
    st.subheader("Every local authority, ranked")
    show(view.ranking, "ranking")
    if view.band_key:
        st.caption(plain(view.band_key))
    st.subheader("Map of the bands")
    show(view.hexmap, "hexmap")
    st.caption(plain(compare_view.MAP_CREDIT))

if view.neighbours is not None:
    st.subheader(plain(view.neighbours_heading))
    st.caption(plain(view.neighbours_caption))
    st.markdown(html_tables.table_html(view.neighbours_to_read, view.neighbours_heading), unsafe_allow_html=True)
    st.download_button("Download the neighbours (CSV)", widgets.csv_bytes(view.neighbours_csv),
                       file_name=view.neighbours_filename, mime="text/csv", key="neighbours_download",
                       icon=":material/download:")
    if view.neighbours_mean:
        st.caption(plain(view.neighbours_mean))
