"""The local-returns loop in the browser, as an officer does it: download the Excel template for an
area, fill it in, upload it, check the preview, confirm, set a target, write the commentary, and
see the rating and commentary on the scorecard. Here the target comes from a targets CSV uploaded on
the Targets page, the route a board with many targets takes; test_board_at_a_glance.py sets one with
the keyboard through the page's form."""

from __future__ import annotations

import openpyxl
import pytest

from scorecard import template

from .browser import open_page, wait_idle
from .conftest import start_server

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright").expect

AREA = {"area": "E06000026", "term": "Autumn 2026/27"}
METRIC = "ehcp_20wk_term_pct"
METRIC_NAME = "New EHC plans issued within 20 weeks this term, excluding exceptions"
COMMENT = "Two extra panel dates a month since September have cleared the backlog."


@pytest.fixture(scope="module")
def loop_server(chromium, seeded_template, tmp_path_factory):
    """A dashboard of its own: this test writes to its store."""
    server = start_server(seeded_template, tmp_path_factory.mktemp("e2e_loop"))
    yield server
    server.stop()


def _sidebar_pages(page) -> list[str]:
    """The menu's page titles (each link's text also holds its icon's ligature name, first)."""
    return [t.strip().split("\n")[-1] for t in page.get_by_test_id("stSidebarNavLink").all_inner_texts()]


def test_a_deep_link_opened_first_on_a_fresh_server_gets_the_apps_navigation(page, loop_server):
    """Must run first on its server (it does: tests in a module run in file order)."""
    try:
        open_page(page, loop_server, "targets", **AREA)
        assert "Targets and commentary" in _sidebar_pages(page)
        assert "/targets" in page.url and "area=E06000026" in page.url
        expect(page.get_by_role("heading", name="Targets and commentary", exact=False).first).to_be_visible()
    finally:
        # Whatever happened, the home page runs app.py, which puts the server into the app's navigation.
        open_page(page, loop_server, **AREA)


def _fill(path, figures: dict[tuple[str, str], float]) -> None:
    """Type figures into the downloaded template: (metric id, term) -> figure."""
    wb = openpyxl.load_workbook(path)
    ws = wb[template.SHEET]
    terms = {ws.cell(template.HEADER_ROW, c).value: c for c in range(template.FIRST_TERM_COL, ws.max_column + 1)}
    rows = {ws.cell(r, template.ID_COL).value: r for r in range(template.FIRST_ROW, ws.max_row + 1)}
    for (metric_id, term), figure in figures.items():
        ws.cell(rows[metric_id], terms[term], figure)
    wb.save(path)


def _upload(page, path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))


def test_template_to_scorecard(page, loop_server, tmp_path):
    open_page(page, loop_server, "local_data", **AREA)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the Excel template for Plymouth").click()
    filled = tmp_path / download.value.suggested_filename
    download.value.save_as(filled)
    _fill(filled, {(METRIC, "Summer 2025/26"): 40, (METRIC, "Autumn 2026/27"): 45,
                   ("perm_staff_pct", "Autumn 2026/27"): 91})

    _upload(page, filled)
    expect(page.get_by_text("This file would add 3 new, 0 revised, 0 unchanged figures")).to_be_visible()
    expect(page.get_by_text("New figures: 3")).to_be_visible()
    wait_idle(page)
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Imported as batch 2: 3 new, 0 revised, 0 unchanged figures.")).to_be_visible()
    expect(page.get_by_role("button", name="Undo batch 2")).to_be_visible()

    open_page(page, loop_server, "targets", **AREA)
    page.get_by_text("Import targets from a CSV file").click()
    targets_csv = tmp_path / "targets.csv"
    targets_csv.write_text(f"area,metric,from_period,target,tolerance\nE06000026,{METRIC},Autumn 2025/26,50,2.5\n")
    _upload(page, targets_csv)
    page.get_by_role("button", name="Import the targets").click()
    expect(page.get_by_text("Imported 1 target(s) from targets.csv as batch 3.", exact=False)).to_be_visible()
    wait_idle(page)

    box = page.get_by_role("combobox", name="Measure to comment on", exact=True)
    box.click()
    box.fill(METRIC_NAME)
    page.get_by_role("option", name=METRIC_NAME).click()
    expect(page.get_by_text("▲ Amber: 45.0% (Autumn term 2026/27). 45.0% misses the target of 50.0% by 5.0 "
                            "points, within the amber margin of 5.0 points (10% of the target).")).to_be_visible()
    wait_idle(page)
    page.get_by_role("textbox", name="Commentary for Autumn term 2026/27", exact=True).fill(COMMENT)
    page.get_by_role("button", name="Save commentary").click()
    expect(page.get_by_text("Commentary saved for Autumn term 2026/27.")).to_be_visible()

    open_page(page, loop_server, **AREA)
    # The measure's bordered block: the innermost block holding both its name and its rating.
    card = page.get_by_test_id("stVerticalBlock").filter(has_text=METRIC_NAME).filter(has_text="Rating:").last
    expect(card.get_by_text("▲ Amber")).to_be_visible()
    expect(card.get_by_text(COMMENT)).to_be_visible()
    expect(card.get_by_text("45.0%").first).to_be_visible()
