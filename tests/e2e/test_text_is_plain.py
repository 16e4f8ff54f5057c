"""In a real browser, text planted with links and images (commentary, an author, a board metric's
name and description, text typed into the link's ?area=) is shown as typed: the page holds no link
or image to the planted address, and the browser never asks for it."""

from __future__ import annotations

import shutil
from urllib.parse import urlparse

import pytest

from scorecard import commentary, ingest, register, store
from scorecard.importers import SourceFile
from scorecard.register import Metric

from .browser import open_page, wait_idle
from .conftest import Server

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright")

PLYMOUTH, TERM = "E06000026", "Autumn 2026/27"
COMMENT = "Backlog ![x](https://example.invalid/x.png) see [this](https://example.invalid/l) or www.example.invalid"
AUTHOR = "[Head of SEND](https://example.invalid/author)"
BOARD_ID = "board_internships"
BOARD_NAME = "![m](https://example.invalid/m.png) Supported internships"
BOARD_DESCRIPTION = "Counted as [d](https://example.invalid/d) says"
AREA_PARAM = "![p](https://example.invalid/area.png)"


@pytest.fixture(scope="module")
def hostile_server(chromium, seeded_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e_hostile")
    db_path = folder / "scorecard.duckdb"
    shutil.copy(seeded_template, db_path)
    con = store.connect(str(db_path))
    with store.transaction(con):  # a board metric stored before its words were checked
        register.insert_metric(con, Metric(BOARD_ID, BOARD_NAME, "count", "higher", 0,
                                           description=BOARD_DESCRIPTION, origin="board"), 999)
    rows = "".join(f"{PLYMOUTH},{BOARD_ID},{t},{n}\n" for t, n in (("Spring 2025/26", 4), ("Summer 2025/26", 9)))
    ingest.import_source(con, SourceFile("return.csv", f"area,metric,period,value\n{rows}".encode()), actor=ADMIN)
    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, COMMENT, actor=access.command_line(AUTHOR))
    commentary.add(con, PLYMOUTH, BOARD_ID, TERM, COMMENT, actor=access.command_line(AUTHOR))
    con.close()
    server = Server(db_path, folder / "streamlit.log")
    try:
        server.wait_until_up()
    except Exception:
        server.stop()
        raise
    yield server
    server.stop()


@pytest.fixture
def requests_out(page):
    """Every request the page makes to the planted address."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url)
            if (urlparse(request.url).hostname or "").endswith("example.invalid") else None)
    return seen


def _shown(page, text: str) -> None:
    """`text` is on the page as typed (the invisible word joiners that stop web addresses becoming
    links, scorecard.text_safety.plain, are not part of what the reader sees)."""
    shown = page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")
    assert text in shown, shown[:2000]


def _no_planted_links_or_images(page, requests_out) -> None:
    page.wait_for_timeout(1500)  # time for any image the page held to be asked for
    main = page.locator('[data-testid="stApp"]')
    assert main.locator('img[src*="example.invalid"]').count() == 0
    assert main.locator('a[href*="example.invalid"]').count() == 0
    assert requests_out == []


def test_the_scorecard_shows_commentary_and_board_metric_names_as_typed(page, hostile_server, requests_out):
    open_page(page, hostile_server, area=PLYMOUTH, term=TERM)
    _shown(page, f"Commentary ({AUTHOR}")
    _shown(page, COMMENT)
    _shown(page, BOARD_NAME)
    _no_planted_links_or_images(page, requests_out)


def test_trends_shows_a_board_metric_as_typed(page, hostile_server, requests_out):
    open_page(page, hostile_server, "trends", area=PLYMOUTH, term=TERM, metric=BOARD_ID)
    _shown(page, BOARD_DESCRIPTION)
    _no_planted_links_or_images(page, requests_out)


def test_text_typed_into_the_link_is_echoed_inertly(page, hostile_server, requests_out):
    open_page(page, hostile_server, area=AREA_PARAM, term=TERM)
    wait_idle(page)
    _shown(page, f"The link names an area this tool does not know ({AREA_PARAM})")
    _no_planted_links_or_images(page, requests_out)
