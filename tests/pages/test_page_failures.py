"""The dashboard's error boundary (app.py, scorecard.ui.failures): a page that fails shows a sentence
and a reference, never a traceback or a server path; a store held by another process or damaged is
named in a sentence; Streamlit's own st.rerun and st.stop pass straight through."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import (
    RerunException,
    StopException,
)
from streamlit.testing.v1 import AppTest

from scorecard import config
from scorecard.ui import data, failures
from tests.conftest import cut_short, store_held
from tests.rendered import shown

REFERENCE = re.compile(r"[Rr]eference ([0-9A-F]{6})")


@pytest.fixture
def open_app(db_path, monkeypatch):
    """Run the whole app (app.py, opening on the Scorecard page) on this test's copy of the store."""
    monkeypatch.setenv("SCORECARD_DB", str(db_path))
    st.cache_resource.clear()
    st.cache_data.clear()

    def run() -> AppTest:
        at = AppTest.from_file("../../app.py", default_timeout=90)
        at.query_params["area"] = "E06000026"
        at.run()
        return at

    yield run
    st.cache_resource.clear()
    st.cache_data.clear()


def _everything_shown(at: AppTest) -> str:
    parts = [e.value for kind in (at.markdown, at.caption, at.error, at.warning, at.info, at.success,
                                  at.title, at.header, at.subheader, at.code) for e in kind]
    return "\n".join(str(p) for p in parts)


def _no_detail(at: AppTest, db_path) -> None:
    assert not at.exception, [e.value for e in at.exception]
    shown = _everything_shown(at)
    for secret in ("Traceback", "RuntimeError", "Error:", "_duckdb", "IO Error", str(config.PROJECT_ROOT), str(db_path.parent)):
        assert secret not in shown, f"{secret!r} is on the page:\n{shown}"


def test_a_page_that_fails_shows_a_sentence_and_a_reference_and_logs_the_detail(open_app, monkeypatch, db_path,
                                                                                    server_log):
    def broken(*args, **kwargs):
        raise RuntimeError(f"a bug in {config.PROJECT_ROOT}/scorecard/card.py")

    monkeypatch.setattr(data, "card", broken)
    at = open_app()
    _no_detail(at, db_path)
    shown = [e.value for e in at.error]
    assert len(shown) == 1, shown
    assert shown[0].startswith("Something went wrong on this page (reference ")
    assert "give the reference to whoever runs the dashboard" in shown[0]
    reference = REFERENCE.search(shown[0]).group(1)
    log = server_log.read_text()
    assert f"reference {reference} in Scorecard" in log
    assert "Traceback (most recent call last)" in log and "RuntimeError: a bug in" in log


def test_the_page_runs_again_once_the_failure_is_gone(open_app, monkeypatch, db_path):
    with monkeypatch.context() as patch:  # undoes only this patch, not the fixture's SCORECARD_DB
        patch.setattr(data, "card", lambda *a, **k: 1 / 0)
        at = open_app()
        assert at.error
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert shown(at.title[0].value) == "Plymouth: SEND scorecard"


def test_the_dashboard_says_when_another_process_holds_the_store_and_tries_again_next_run(open_app, db_path):
    with store_held(db_path):
        at = open_app()
        _no_detail(at, db_path)
        assert [e.value for e in at.error] == [
            "The store (scorecard.duckdb) is open in another process, such as a `scorecard` command-line import, "
            "so the dashboard cannot open it just now. Nothing was changed. Wait for it to finish, then reload "
            "this page."]
    at.run()  # the other process has let go: the failure was not cached
    assert not at.exception and not at.error
    assert shown(at.title[0].value) == "Plymouth: SEND scorecard"


def test_a_damaged_store_is_named_on_the_page_with_a_reference(open_app, db_path, server_log):
    cut_short(db_path)
    at = open_app()
    _no_detail(at, db_path)
    shown = [e.value for e in at.error]
    assert len(shown) == 1
    assert shown[0].startswith("The store (scorecard.duckdb) is damaged (the file is shorter than its contents say")
    assert "`scorecard check`" in shown[0]
    reference = REFERENCE.search(shown[0]).group(1)
    assert f"reference {reference}" in server_log.read_text()


@pytest.mark.parametrize("control", [StopException(), RerunException(None)], ids=["st.stop", "st.rerun"])
def test_streamlit_control_flow_passes_through_the_boundary(control, server_log):
    with pytest.raises(type(control)):
        with failures.shown_on_page("a page"):
            raise control
    assert not server_log.exists(), "control flow is not a failure to log"


def test_streamlit_itself_never_shows_exception_details():
    """Anything that escapes the boundary (a widget callback, say) still shows no type, message or traceback."""
    import tomllib

    from streamlit.config import ShowErrorDetailsConfigOptions

    settings = tomllib.loads((config.PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value
