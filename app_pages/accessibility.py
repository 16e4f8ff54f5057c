"""The accessibility statement (GOV.UK model), rendered from scorecard.accessibility."""

import streamlit as st

from scorecard import accessibility
from scorecard.ui.widgets import APP_NAME

st.set_page_config(page_title=f"Accessibility statement – {APP_NAME}")
first, *rest = accessibility.sections()
st.title(first.heading)
for paragraph in first.paragraphs:
    st.markdown(paragraph)
for section in rest:
    st.header(section.heading)
    for paragraph in section.paragraphs:
        st.markdown(paragraph)
