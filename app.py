"""SEND Scorecard: the Streamlit entry point and router."""

import streamlit as st

from scorecard.ui import data
from scorecard.ui.failures import shown_on_page
from scorecard.ui.widgets import page_style


def run() -> None:
    st.set_page_config(page_title="SEND Scorecard", page_icon=":bar_chart:", layout="wide")
    page_style()
    pages = {
        "Performance": [
            st.Page("pages/home.py", title="Scorecard", icon=":material/fact_check:", default=True),
            st.Page("pages/trends.py", title="Trends", icon=":material/show_chart:"),
            st.Page("pages/compare.py", title="Compare", icon=":material/leaderboard:"),
        ],
        "Board": [
            st.Page("pages/local_data.py", title="Local returns", icon=":material/upload_file:"),
            st.Page("pages/targets.py", title="Targets and commentary", icon=":material/flag:"),
        ],
        "About": [
            st.Page("pages/data_sources.py", title="Data and sources", icon=":material/source:"),
            st.Page("pages/accessibility.py", title="Accessibility statement", icon=":material/accessibility:"),
        ],
    }
    page = st.navigation(pages)
    with shown_on_page(page.title):
        if as_at_banner := data.as_at_banner():
            st.warning(as_at_banner, icon=":material/history:")
        page.run()


if __name__ == "__main__":
    run()
