"""Who is using the dashboard, for the audit trail of imports, undos and edits."""

from __future__ import annotations

import streamlit as st

from ..ingest import os_user


def who() -> str:
    """The signed-in user where the app sits behind single sign-on (st.user), otherwise the dashboard
    and the account it runs under."""
    try:
        user = st.user
        if getattr(user, "is_logged_in", False):
            return str(user.get("email") or user.get("name") or "signed-in user")
    except Exception:  # st.user needs an auth-enabled Streamlit; a plain run has none
        pass
    return f"dashboard ({os_user()})"
