"""Who is using the dashboard: the mode it runs in and the acting user (access.Actor) of this visit.

Single-user mode (no [auth] in .streamlit/secrets.toml): whoever opens the page may change the figures,
as the account the dashboard runs under. Signed-in mode: Streamlit's own sign-in (st.login, OpenID
Connect) says who the person is, and the access file ($SCORECARD_ACCESS) their role."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from .. import access

SINGLE_USER_BANNER = ("Single-user mode: anyone who can open this page can change the figures. "
                      "Set up sign-in before sharing it.")


def sign_in_configured() -> bool:
    """Whether the secrets file has an [auth] section (Streamlit's sign-in settings)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: single-user mode
        return False


@st.cache_data(show_spinner=False, max_entries=8)
def _rules(path: str, modified: float, _resolve) -> access.AccessRules:
    return access.load_access(_resolve, path=Path(path) if path else None)


def rules() -> access.AccessRules:
    """The access file's rules, read again when the file changes."""
    from . import data

    path = access.access_path()
    modified = os.path.getmtime(path) if path is not None and path.exists() else 0.0
    # Against the store as it is now: an address's ?as_at= changes what a page shows, never who may see it.
    return _rules(str(path or ""), modified, lambda text: data.live_areas().resolve(text).code)


def _claims() -> tuple[str | None, object] | None:
    """The signed-in person's email and the provider's email_verified claim (None when it sent none),
    or None when nobody is signed in."""
    user = st.user
    if not getattr(user, "is_logged_in", False):
        return None
    email = user.get("email")
    return (None if email is None else str(email)), user.get("email_verified")


def actor() -> access.Actor:
    """The acting user of this visit, for every write and every choice of what to show."""
    if not sign_in_configured():
        return access.single_user()
    claims = _claims()
    if claims is None:
        return access.anonymous()
    email, verified = claims
    if not email or not email.strip():
        # Signed in, but the provider gave no email: no role can be matched, so only the public view.
        return access.anonymous()
    return rules().actor_for(email, verified)


def not_signed_in_reason() -> str | None:
    """Why someone the provider signed in is treated as not signed in (an address that is not well formed or
    poses as another, or one the provider has not verified), in a sentence; None otherwise."""
    if not sign_in_configured():
        return None
    claims = _claims()
    if claims is None:
        return None
    email, verified = claims
    if not email or not email.strip():
        return "Your sign-in provider gave no email address, so you are not signed in. Ask whoever runs the dashboard."
    return rules().refusal(email, verified)


def is_public(viewer: access.Actor) -> bool:
    """Whether this visit sees only the public version (suppressed small numbers, no internal commentary)."""
    return not viewer.may(access.VIEW_INTERNAL)


def may(action: str, area_code: str | None = None) -> bool:
    return actor().may(action, area_code)


def signed_in_words(viewer: access.Actor) -> str:
    """'Signed in as officer@plymouth.gov.uk: an editor for Plymouth' for the sidebar."""
    from . import data

    words = f"Signed in as {viewer.identity}: {access.ROLE_WORDS[viewer.role]}"
    if viewer.role == access.EDITOR:
        index = data.live_areas()
        names = sorted(index.get(code).name for code in viewer.areas if code in index.by_code)
        words += " for " + ", ".join(names or sorted(viewer.areas))
    return words + "."
