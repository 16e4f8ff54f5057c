"""Compare: every local authority ranked on one measure for one period, with the chosen area and its
statistical neighbours highlighted, England drawn, the quartile bands named, and a hex map of England
coloured by band. The CSVs follow DfE's Explore Education Statistics layout (England's row first,
then every LA, with rank, rank_of and quartile_band columns)."""

import streamlit as st

from scorecard import charts, hexmap, periods
from scorecard.areas import ENGLAND
from scorecard.comparators import neighbour_map
from scorecard.formatting import fmt
from scorecard.text_safety import plain
from scorecard.ui import choosers, data, navigation, widgets

navigation.through_app()

area = choosers.choose_area()
term = choosers.choose_term()
metric_id = choosers.choose_metric(only_national=True)
widgets.set_title(area.name, "Compare")

metric = data.metrics()[metric_id]
table = data.metric_frame(metric_id)
with_figures = table[(table["level"] == "la") & table["value"].notna()].drop_duplicates("period")
options = sorted((periods.Period(r.period, r.period_kind, r.start_date, r.end_date) for r in with_figures.itertuples()),
                 key=lambda p: p.sort_key, reverse=True)

st.title(plain(f"Compare local authorities: {metric.label}"))
if metric.description:
    st.caption(plain(metric.description))
if not options:
    st.info(plain(f"No local authority has a figure for {charts.lower_first(metric.label)} yet."))
    st.stop()

in_term = [p for p in options if p.end <= term.end]
period = choosers.choose_period(options, default=(in_term[0] if in_term else options[-1]).label)
index = data.areas()
current = {a.code for a in index.current_las()}
ranked = charts.ranking_frame(table, period.label, metric, current)
england_rows = table[(table["area_code"] == ENGLAND) & (table["period"] == period.label)]
england = float(england_rows["value"].iloc[0]) if len(england_rows) and england_rows["value"].notna().any() else None
links = neighbour_map(data.neighbour_links())
mine = links[links["area_code"] == area.code].sort_values("rank")
neighbour_codes = list(mine["neighbour_code"])

if metric.polarity == "context":
    st.caption("A context measure: neither a higher nor a lower figure is better, so authorities are ordered from "
               "the highest figure and the map shows quarters from highest to lowest, not better or worse.")
if metric.unit == "count" and england is not None:
    st.caption(f"England's figure, {fmt(england, metric)}, is a total for all authorities, so it is not drawn.")
if area.level != "la":
    st.caption(plain(f"{area.name} is not a local authority, so no authority is highlighted."))

ranking_title = charts.ranking_title(ranked, metric, area, england, period.label, period.kind)
st.subheader("Every local authority, ranked")
csv = charts.ranking_ees(ranked, metric, england_rows.assign(band=None))
widgets.chart_with_table(
    charts.ranking_chart(ranked, metric, ranking_title, area.code, neighbour_codes, england),
    charts.ranking_table(ranked, neighbour_codes, area.code),
    f"{metric_id}_{period.label.replace('/', '-')}_ranked.csv",
    charts.ranking_description(ranked, metric, area, neighbour_codes, england), csv=csv, key="ranking")

hexes = hexmap.load()
hex_title = charts.hex_title(ranked, metric, area, period.label, period.kind)
st.subheader("Map of the bands")
widgets.chart_with_table(
    charts.hex_chart(hexes, ranked, metric, hex_title, area.code),
    charts.ranking_table(ranked, neighbour_codes, area.code)[["Local authority", "ONS code", "Figure", "Band"]],
    f"{metric_id}_{period.label.replace('/', '-')}_map.csv", charts.hex_description(ranked, metric, len(hexes)),
    csv=csv, key="hexmap")
st.caption("Hex map layout: Open Innovations' UK upper-tier local authority hexmap (MIT licence), updated by this "
           "project for the reorganisations of 2020 to 2023.")

if len(mine):
    st.subheader(plain(f"{area.name}'s statistical neighbours"))
    model = int(mine["model_year"].iloc[0])
    st.caption(f"DfE's children's services statistical neighbours, {model} model: the ten most similar authorities, "
               "nearest first, with DfE's closeness words.")
    figures = ranked.set_index("area_code")
    near = mine.assign(
        name=[index.get(c).name for c in mine["neighbour_code"]],
        figure=[figures["value_words"].get(c, "no figure") for c in mine["neighbour_code"]],
        position=[figures["rank_words"].get(c, "not ranked") for c in mine["neighbour_code"]],
    )
    neighbours_table = near.rename(columns={"rank": "Nearness", "name": "Statistical neighbour",
                                            "neighbour_code": "ONS code", "closeness": "Closeness",
                                            "figure": f"Figure ({period.describe()})", "position": "Rank"})
    neighbours_table = neighbours_table[["Nearness", "Statistical neighbour", "ONS code", "Closeness",
                                         f"Figure ({period.describe()})", "Rank"]]
    st.dataframe(neighbours_table, hide_index=True, key="neighbours_table")
    st.download_button("Download the neighbours (CSV)", widgets.csv_bytes(neighbours_table),
                       file_name=f"neighbours_{area.code}.csv", mime="text/csv", key="neighbours_download",
                       icon=":material/download:")
    have = ranked[ranked["area_code"].isin(neighbour_codes) & ranked["value"].notna()]
    if len(have):
        st.caption(f"Mean of the {len(have)} of {len(mine)} neighbours with a figure: "
                   f"{fmt(have['value'].mean(), metric)}.")
