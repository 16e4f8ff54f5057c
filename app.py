"""SEND Scorecard: the Streamlit entry point and router."""

import streamlit as st


def run() -> None:
    st.set_page_config(page_title="SEND Scorecard", page_icon=":bar_chart:", layout="wide")
    pages = [
        st.Page("pages/explore.py", title="Explore a metric", icon=":material/table_chart:", default=True),
    ]
    st.navigation(pages).run()


if __name__ == "__main__":
    run()
