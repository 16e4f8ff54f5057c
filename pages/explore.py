"""Explore one metric for one area, with England, region and neighbours for each period."""

import streamlit as st

from scorecard.tables import SHOW_COLUMNS
from scorecard.ui import data

metrics = data.metrics()
areas = data.areas()
st.title("Explore a metric")
las = [a for a in areas.current_las()]
area = st.selectbox("Local area", las, format_func=lambda a: f"{a.name} ({a.code})",
                    index=next(i for i, a in enumerate(las) if a.name == "Plymouth"))
metric_id = st.selectbox("Metric", [m for m in metrics if metrics[m].national],
                         format_func=lambda m: metrics[m].name)
table = data.metric_frame(metric_id)
mine = table[table["area_code"] == area.code][SHOW_COLUMNS]
st.dataframe(mine, hide_index=True)
st.download_button("Download CSV", mine.to_csv(index=False), file_name=f"{metric_id}_{area.code}.csv",
                   mime="text/csv")
