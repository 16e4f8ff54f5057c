"""SEND Scorecard: the Streamlit entry point and router.

Who the visitor is decides what the menu offers (scorecard.ui.session): anonymous visitors the public
pages and a Sign in button, viewers every page read-only, editors and admins the board's pages, admins
the audit trail. The pages hide what a visitor may not do; the functions that write refuse it anyway."""

import streamlit as st

from scorecard import access, errors
from scorecard.text_safety import plain
from scorecard.ui import data, session
from scorecard.ui.failures import shown_on_page
from scorecard.ui.widgets import page_style


def sign_in_bar(viewer: access.Actor) -> None:
    """Who is signed in, with Sign out; or a Sign in button. Nothing in single-user mode. Someone the
    provider signed in but who is treated as not signed in (unverified email, an address that is not
    well formed) is told why, with Sign out."""
    with st.sidebar:
        if viewer.is_signed_in:
            st.caption(plain(session.signed_in_words(viewer)))
            st.button("Sign out", on_click=st.logout, key="sign_out", icon=":material/logout:")
        elif reason := session.not_signed_in_reason():
            st.warning(plain(reason), icon=":material/block:")
            st.button("Sign out", on_click=st.logout, key="sign_out", icon=":material/logout:")
        else:
            st.button("Sign in", on_click=st.login, key="sign_in", type="primary", icon=":material/login:")


def sign_in_required() -> None:
    st.title("SEND Scorecard")
    st.markdown("Sign in to see the scorecard. This dashboard is for the people its council has given access.")
    if reason := session.not_signed_in_reason():
        st.warning(plain(reason), icon=":material/block:")
        st.button("Sign out", on_click=st.logout, key="sign_out_page", icon=":material/logout:")
        return
    st.button("Sign in", on_click=st.login, key="sign_in_page", type="primary", icon=":material/login:")


def run() -> None:
    errors.redact_every_log_record()  # the server's log never holds a secret, whoever writes to it
    st.set_page_config(page_title="SEND Scorecard", page_icon=":bar_chart:", layout="wide")
    page_style()
    viewer, signed_in_mode = None, session.sign_in_configured()
    with shown_on_page("sign-in"):  # an access file that cannot be used is said in a sentence
        viewer = session.actor()
        if signed_in_mode and not viewer.is_signed_in and not session.rules().public_view:
            st.navigation([st.Page(sign_in_required, title="Sign in", url_path="sign-in")], position="hidden").run()
            return
    if viewer is None:  # the access file cannot be used: only the sentence, and a way to sign in or out
        if signed_in_mode:
            signed_in = getattr(st.user, "is_logged_in", False)
            with st.sidebar:
                st.button("Sign out" if signed_in else "Sign in", on_click=st.logout if signed_in else st.login,
                          key="sign_in_or_out", icon=":material/logout:" if signed_in else ":material/login:")
        return
    pages = {
        "Performance": [
            st.Page("app_pages/home.py", title="Scorecard", icon=":material/fact_check:", default=True),
            st.Page("app_pages/trends.py", title="Trends", icon=":material/show_chart:"),
            st.Page("app_pages/compare.py", title="Compare", icon=":material/leaderboard:"),
        ],
        "About": [
            st.Page("app_pages/data_sources.py", title="Data and sources", icon=":material/source:"),
            st.Page("app_pages/accessibility.py", title="Accessibility statement", icon=":material/accessibility:"),
        ],
    }
    if viewer.is_signed_in:
        pages["Board"] = [
            st.Page("app_pages/local_data.py", title="Local returns", icon=":material/upload_file:"),
            st.Page("app_pages/targets.py", title="Targets and commentary", icon=":material/flag:"),
        ]
    if viewer.may(access.VIEW_AUDIT):
        pages["Board"].append(st.Page("app_pages/audit_trail.py", title="Audit trail", icon=":material/history:"))
    pages = {group: pages[group] for group in ("Performance", "Board", "About") if group in pages}
    page = st.navigation(pages)
    if signed_in_mode:
        sign_in_bar(viewer)
    else:
        st.warning(session.SINGLE_USER_BANNER)
    with shown_on_page(page.title):
        if as_at_banner := data.as_at_banner():
            st.warning(as_at_banner, icon=":material/history:")
        page.run()


if __name__ == "__main__":
    run()
