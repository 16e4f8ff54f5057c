"""Keep every visit inside app.py's navigation.

Streamlit treats a folder named pages/ beside the entry point as an old-style multipage app until
app.py's st.navigation has run once in the server process. So a link straight to a page (say from a
committee paper), opened first after the server starts, would run that page without app.py: the
wrong menu and the wrong layout. Each page calls `through_app()` first; on such a run it switches the
old mode off and reruns, so the same page is served through app.py."""

from __future__ import annotations

import streamlit as st


def through_app() -> None:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the old mode has nothing to undo
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
