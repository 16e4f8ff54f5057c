"""User-supplied text is shown as plain text on every page: commentary, exception notes, authors,
a board metric's name and description, priority areas, file names, and text typed into a link.
Each page is run with links, images and HTML planted in all of them, and every string the page hands
to Streamlit's Markdown renderer is read as that renderer would (tests/rendered.py): none may
make a link or an image, and the text must still be there for the reader. tests/e2e checks the same
in a real browser, with the network watched."""

from __future__ import annotations

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from scorecard import commentary, config, ingest, priorities, register, store
from scorecard.importers import SourceFile
from scorecard.register import Metric, metrics_from_store

from ..rendered import live_markup, markdown_sources, shown

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PAGES = config.PROJECT_ROOT / "app_pages"
ROUTER = f"""
import streamlit as st
st.navigation([st.Page({str(PAGES / "home.py")!r}, title="Scorecard", default=True),
               st.Page({str(PAGES / "trends.py")!r}, title="Trends"),
               st.Page({str(PAGES / "compare.py")!r}, title="Compare")]).run()
"""
PLYMOUTH, TERM = "E06000026", "Autumn 2026/27"
IMAGE, LINK = "![x](https://example.invalid/x.png)", "[x](https://example.invalid)"
COMMENT = f"{IMAGE} and {LINK} and <img src=https://example.invalid/h.png> at www.example.invalid"
AUTHOR = "[Head of SEND](https://example.invalid/author)"
CAUSE = "Backlog ![c](https://example.invalid/c.png)"
BOARD_ID = "board_internships"
BOARD_NAME = "![m](https://example.invalid/m.png) Supported internships"
BOARD_DESCRIPTION = "Counted as [d](https://example.invalid/d) says"
PRIORITY = "![p](https://example.invalid/p.png) Timeliness"
FILE = "![f](https://example.invalid/f.png).csv"
AREA_PARAM = "![p](https://example.invalid/area.png)"


@pytest.fixture
def hostile_store(db_path):
    """The seeded store with links and images planted wherever a user or a file can put text."""
    con = store.connect(str(db_path))
    # A board metric defined before its words were checked: register.insert_metric does not check.
    with store.transaction(con):
        register.insert_metric(con, Metric(BOARD_ID, BOARD_NAME, "count", "higher", 0,
                                           description=BOARD_DESCRIPTION, origin="board"), 999)
    rows = "".join(f"{PLYMOUTH},{BOARD_ID},{t},{n}\n" for t, n in (("Spring 2025/26", 4), ("Summer 2025/26", 9)))
    ingest.import_source(con, SourceFile(FILE, f"area,metric,period,value\n{rows}".encode()), actor=ADMIN)
    priorities.save(con, PLYMOUTH, [priorities.Priority(1, PRIORITY, ["ehcp_20wk_pct", BOARD_ID])],
                    set(metrics_from_store(con)), actor=ADMIN)
    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, COMMENT, actor=ADMIN, cause=CAUSE, action=LINK,
                   owner=AUTHOR, recovery_period="Summer 2026/27")
    commentary.add(con, PLYMOUTH, BOARD_ID, TERM, IMAGE, actor=ADMIN)
    con.close()
    return db_path


@pytest.fixture
def run_page(hostile_store, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(hostile_store))
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()

    def run(page: str, **params) -> AppTest:
        if page in ("home", "trends", "compare"):
            at = AppTest.from_string(ROUTER, default_timeout=180)
        else:
            at = AppTest.from_file(f"../../app_pages/{page}.py", default_timeout=180)
        for key, value in {"area": PLYMOUTH, "term": TERM, **params}.items():
            at.query_params[key] = value
        at.run()
        if page in ("trends", "compare"):
            at.switch_page(str(PAGES / f"{page}.py")).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    yield run
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()


def _live(at: AppTest) -> list[str]:
    """Links, images and HTML the page would render that point at the planted address."""
    return [found for source in markdown_sources(at) for found in live_markup(source) if "example.invalid" in found]


def _shown(at: AppTest) -> str:
    return "\n".join(shown(s) for s in markdown_sources(at))


def test_the_scorecard_shows_commentary_names_and_priorities_as_typed(run_page):
    at = run_page("home")
    assert _live(at) == []
    text = _shown(at)
    for planted in (COMMENT, AUTHOR, CAUSE, BOARD_NAME, BOARD_DESCRIPTION, PRIORITY, f"Action: {LINK}"):
        assert planted in text, planted


def test_trends_and_compare_show_a_board_metric_as_typed(run_page):
    trends = run_page("trends", metric=BOARD_ID)
    assert _live(trends) == [] and BOARD_NAME in _shown(trends) and BOARD_DESCRIPTION in _shown(trends)
    compare = run_page("compare", metric="ehcp_20wk_pct")
    assert _live(compare) == []


@pytest.mark.parametrize("page", ["targets", "local_data", "data_sources"])
def test_the_board_pages_show_user_text_as_typed(run_page, page):
    at = run_page(page)
    assert _live(at) == []
    if page == "data_sources":
        assert f"Local return {FILE}" in _shown(at)  # the release a return makes is named after its file


@pytest.mark.parametrize("page, param, value", [
    ("home", "area", AREA_PARAM),
    ("trends", "metric", "![m](https://example.invalid/metric.png)"),
    ("home", "term", "[t](https://example.invalid/term)"),
    ("targets", "area", AREA_PARAM),
])
def test_text_typed_into_a_link_is_echoed_inertly(run_page, page, param, value):
    at = run_page(page, **{param: value})
    assert _live(at) == []
    warnings = [shown(w.value) for w in at.warning]
    assert any(value in w for w in warnings), warnings


def test_the_check_is_not_vacuous(run_page, monkeypatch):
    """With plain() made to do nothing, the same page renders the planted links and images."""
    def unchanged(text):
        return "" if text is None else str(text)

    for module in ("scorecard.text_safety", "scorecard.ui.choosers", "scorecard.ui.widgets"):
        monkeypatch.setattr(f"{module}.plain", unchanged)
    live = _live(run_page("home", area=AREA_PARAM))
    for planted in ("https://example.invalid/x.png", "https://example.invalid/m.png", "https://example.invalid/p.png",
                    "https://example.invalid/area.png"):
        assert any(planted in found for found in live), planted


def test_the_html_tables_check_is_not_vacuous(run_page, monkeypatch):
    """With html_text() made to do nothing, the board summary (HTML the page writes) carries the planted
    image in a board metric's name: so the check above would catch a table that forgot to escape."""
    monkeypatch.setattr("scorecard.ui.html_tables.html_text", lambda text: "" if text is None else str(text))
    live = _live(run_page("home"))
    assert any("https://example.invalid/m.png" in found for found in live)


@pytest.mark.parametrize("as_at", ["[Sign in](https://example.invalid/signin)", "![](https://example.invalid/asat.png)"])
def test_an_as_at_in_the_address_that_names_no_point_is_echoed_inertly(hostile_store, monkeypatch, as_at):
    """The error that quotes an unusable ?as_at= (issue 17): plain text, not a live link or a fetched image."""
    monkeypatch.setenv("SCORECARD_DB", str(hostile_store))
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    at = AppTest.from_file(str(PAGES.parent / "app.py"), default_timeout=180)
    at.query_params["area"], at.query_params["as_at"] = PLYMOUTH, as_at
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [shown(e.value) for e in at.error]
    assert any(f"as it stood at {as_at!r}" in e for e in errors), errors
    assert _live(at) == []
    streamlit.cache_resource.clear()
