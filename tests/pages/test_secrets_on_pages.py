"""What a page never shows a visitor: the access file's name or its entries' emails (an ?as_at= in the
address, or an access file that cannot be used), and a PostgreSQL password, whatever DuckDB's error
text holds. The detail of an access file's problem goes to the server log."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from scorecard import access
from scorecard.ui import failures

EDITOR_EMAIL = "first.editor@plymouth.gov.uk"
ACCESS_FILE = f"""anonymous = "public"

[[users]]
email = "{EDITOR_EMAIL}"
role = "editor"
areas = ["Plymouth"]

[[users]]
email = "boss@plymouth.gov.uk"
role = "admin"
"""
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "id",
        "client_secret": "client-secret-value", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def _everything_shown(at: AppTest) -> str:
    parts = [e.value for kind in (at.markdown, at.caption, at.error, at.warning, at.info, at.success,
                                  at.title, at.header, at.subheader, at.code) for e in kind]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def visitor_app(db_path, tmp_path, monkeypatch):
    """The whole app as a visitor who is not signed in sees it, sign-in set up and an access file named."""
    monkeypatch.setenv("SCORECARD_DB", str(db_path))
    access_file = tmp_path / "board-access.toml"
    access_file.write_text(ACCESS_FILE, encoding="utf-8")
    monkeypatch.setenv(access.ACCESS_ENV, str(access_file))
    st.cache_resource.clear()
    st.cache_data.clear()

    def run(**params) -> AppTest:
        at = AppTest.from_file("../../app.py", default_timeout=90)
        at.secrets["auth"] = AUTH
        at.query_params["area"] = "E06000026"
        for key, value in params.items():
            at.query_params[key] = value
        return at.run()

    run.access_file = access_file
    yield run
    st.cache_resource.clear()
    st.cache_data.clear()


def test_an_as_at_the_store_cannot_answer_shows_a_visitor_no_access_file_and_no_email(visitor_app):
    at = visitor_app(as_at="x")
    assert not at.exception, [e.value for e in at.exception]
    shown = _everything_shown(at)
    assert EDITOR_EMAIL not in shown and "board-access.toml" not in shown and "[[users]]" not in shown, shown
    errors = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]  # shown as plain text: Markdown escaped
    assert len(errors) == 1 and "as it stood at" in errors[0] and "Remove as_at from the address" in errors[0], errors
    # The rest of the app works: the menu is there, and so is the Sign in button.
    assert "Sign in" in [b.label for b in at.sidebar.button]
    assert not any(failures.ACCESS_SETTINGS_FAILURE in e for e in errors)


def test_an_access_file_that_cannot_be_used_is_one_sentence_for_visitors_and_detail_in_the_log(visitor_app,
                                                                                                  server_log):
    visitor_app.access_file.write_text(ACCESS_FILE.replace('areas = ["Plymouth"]', 'areas = ["Atlantis"]'),
                                       encoding="utf-8")
    at = visitor_app()
    assert not at.exception
    shown = _everything_shown(at)
    assert EDITOR_EMAIL not in shown and "board-access.toml" not in shown and "Atlantis" not in shown, shown
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(failures.ACCESS_SETTINGS_FAILURE), errors
    reference = re.search(r"reference ([0-9A-F]{6})", errors[0]).group(1)
    log = server_log.read_text()
    assert f"reference {reference}" in log and "board-access.toml" in log and EDITOR_EMAIL in log
    assert "Sign in" in [b.label for b in at.sidebar.button]


def test_a_wrong_postgresql_password_is_never_on_the_page_nor_in_the_log(postgres_lake, monkeypatch, server_log):
    wrong = "Wr0ngPassw0rd-on-the-page"
    target = postgres_lake.replace("password=scorecard_test", f"password={wrong}")
    assert wrong in target
    monkeypatch.setenv("SCORECARD_DB", target)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file("../../app.py", default_timeout=90).run()
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
    assert not at.exception
    shown = _everything_shown(at)
    assert wrong not in shown, shown
    errors = [e.value for e in at.error]
    assert errors and "PostgreSQL refused the password" in errors[0] and "PGPASSWORD" in errors[0], errors
    assert not server_log.exists() or wrong not in server_log.read_text()
