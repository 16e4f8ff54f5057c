"""The area SEND inspection on the pages: the latest one in a line under the scorecard's title, and
the history on the Data and sources page (an HTML table and CSV downloads). The words come from
scorecard.inspections; this module only places them."""

from __future__ import annotations

import streamlit as st

from .. import inspections
from ..text_safety import plain
from . import choosers, data, html_tables
from .widgets import csv_bytes


def show_latest(area) -> None:
    """One plain-English line: the latest inspection or revisit, its dates, outcome and source."""
    history = data.inspection_history(area.code) if area.level == "la" else []
    if history:
        latest = history[-1]
        st.markdown(f":material/assignment: {plain(latest.sentence(with_source=False, data_to=data.inspections_to()))}")
        st.caption(plain(f"Source: {latest.source}."))


def show_history() -> None:
    """The chosen area's inspections and revisits, newest first, with CSVs of it and of every area."""
    st.header("Area SEND inspections")
    st.markdown("Ofsted and CQC inspect each local area's SEND arrangements: under the 2016 framework, whether a "
                "written statement of action was required and, at a revisit, whether enough progress had been "
                "made; under the 2023 framework, the outcome in Ofsted's words and whether a priority action plan "
                "is required.")
    area = choosers.choose_area(include_overview=False, where=st)
    history = data.inspection_history(area.code)
    if history:
        st.markdown(html_tables.table_html(inspections.words_table(history),
                                           f"Area SEND inspections of {area.name}, newest first"),
                    unsafe_allow_html=True)
        st.caption(plain(f"Source: {'; '.join(dict.fromkeys(r.source for r in history))}. "
                         "Contains public sector information licensed under the Open Government Licence v3.0."))
    else:
        st.markdown(f"No area SEND inspection of {plain(area.name)} is recorded in the store.")
    left, right = st.columns(2)
    left.download_button(f"Download {area.name}'s inspections (CSV)", csv_bytes(inspections.table(history)),
                         file_name=f"inspections_{area.code}.csv", mime="text/csv", key="inspections_area_csv",
                         icon=":material/download:")
    right.download_button("Download every area's inspections (CSV)",
                          csv_bytes(inspections.table(data.inspection_history())),
                          file_name="inspections_england.csv", mime="text/csv", key="inspections_all_csv",
                          icon=":material/download:")
