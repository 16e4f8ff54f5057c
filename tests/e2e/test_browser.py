"""The running dashboard in headless Chromium, on the seeded store: links open the right view, the
choosers keep the link in step, a chart's table downloads as CSV, every page passes the axe-core
scan apart from what the accessibility statement owns up to, and the keyboard reaches the choosers
and the main content."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright").expect

from scorecard import accessibility

from .browser import axe_violations, choose, listed, open_page, unlisted, wait_idle

PLYMOUTH = {"area": "E06000026", "term": "Autumn 2026/27"}
PAGES = {"": "Scorecard", "trends": "Trends", "compare": "Compare", "local_data": "Local returns",
         "targets": "Targets and commentary", "data_sources": "Data and sources",
         "accessibility": "Accessibility statement"}


def _params(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_a_link_opens_the_scorecard_for_its_area_with_real_figures(page, app_server):
    open_page(page, app_server, **PLYMOUTH)
    assert "Plymouth" in page.title()
    expect(page.get_by_role("heading", name="Plymouth: SEND scorecard", level=1)).to_be_visible()
    # Real published figures: Plymouth issued 6.0% of new plans within 20 weeks in 2024 (England 46.4%).
    expect(page.get_by_text("6.0%", exact=True).first).to_be_visible()
    # (visible: on a wide screen the summary's folded "More" for phones holds the same words, not displayed)
    expect(page.get_by_text("England: 46.4%").filter(visible=True).first).to_be_visible()
    assert _params(page)["area"] == "E06000026" and _params(page)["term"] == "Autumn 2026/27"


def test_choosing_a_measure_and_a_term_changes_the_link(page, app_server):
    open_page(page, app_server, "trends", **PLYMOUTH, metric="ehcp_20wk_pct")
    choose(page, "Measure", "Requests for an EHC needs assessment received")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plymouth")
    page.wait_for_url(lambda url: "metric=ehcp_requests&" in url + "&")
    choose(page, "Term", "Summer term 2025/26")
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("term") == ["Summer 2025/26"])
    assert _params(page) == {"area": "E06000026", "term": "Summer 2025/26", "metric": "ehcp_requests"}


def test_a_charts_table_view_downloads_its_figures_as_csv(page, app_server):
    open_page(page, app_server, "trends", **PLYMOUTH, metric="ehcp_20wk_pct")
    page.get_by_role("tab", name="Table").click()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the data (CSV)").click()
    assert download.value.suggested_filename == "ehcp_20wk_pct_E06000026_trend.csv"
    csv = pd.read_csv(io.BytesIO(open(download.value.path(), "rb").read()), dtype=str)
    plymouth = csv[(csv["la_name"] == "Plymouth") & (csv["time_period"] == "2024")]
    england = csv[(csv["geographic_level"] == "National") & (csv["time_period"] == "2024")]
    assert plymouth["ehcp_20wk_pct"].tolist() == ["6.0"]
    assert england["ehcp_20wk_pct"].tolist() == ["46.4"]


def test_the_scorecard_page_downloads_a_committee_pack(page, app_server):
    open_page(page, app_server, **PLYMOUTH)
    page.get_by_text("Download the committee or stocktake pack").click()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="PDF (committee paper)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(download.value.path()).pages[:4])
    assert "Plymouth" in text and "46.4%" in text


@pytest.fixture(scope="module")
def scans(chromium, app_server):
    """Every page scanned once with axe-core: page title -> serious and critical violations."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    tab = context.new_page()
    found = {}
    for path, title in PAGES.items():
        open_page(tab, app_server, path, **PLYMOUTH)
        found[title] = axe_violations(tab)
    context.close()
    return found


def test_every_page_passes_axe_apart_from_the_issues_the_statement_lists(scans):
    failures = {title: found for title, violations in scans.items() if (found := unlisted(violations))}
    assert not failures, ("serious or critical accessibility failures that the accessibility statement does not "
                          f"list (fix them, or add them to scorecard/accessibility.py KNOWN_ISSUES): {failures}")


def test_the_statement_lists_only_failures_that_still_happen(scans):
    seen = set().union(*(listed(violations) for violations in scans.values()))
    stale = [f"{i.rule} in {i.where}" for i in accessibility.scanned_issues() if i not in seen]
    assert not stale, f"the accessibility statement lists failures the scan no longer finds: {stale}"


def _focus(page) -> dict:
    return page.evaluate("""() => {
        const e = document.activeElement;
        const inside = id => !!document.querySelector(`[data-testid="${id}"]`)?.contains(e);
        return {tag: e.tagName, label: e.getAttribute('aria-label') || '', text: (e.innerText || '').slice(0, 60),
                sidebar: inside('stSidebar'), main: inside('stMain')};
    }""")


def test_the_keyboard_reaches_the_area_chooser_and_the_main_content(page, app_server):
    open_page(page, app_server, **PLYMOUTH)
    expect(page.get_by_role("combobox", name="Local area", exact=True)).to_be_visible()
    page.locator("body").focus()
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stops.append(_focus(page))
        if stops[-1]["main"] and any(s["label"] == "Local area" for s in stops):
            break
    walk = " > ".join(f"{s['tag']}:{(s['label'] or s['text'])[:24]!r}{' (main)' if s['main'] else ''}"
                      for s in stops)
    assert stops[0]["text"] == "Skip to main content", walk
    assert any(s["tag"] == "INPUT" and s["label"] == "Local area" and s["sidebar"] for s in stops), walk
    assert stops[-1]["main"], walk
    # The area chooser works from the keyboard: type a name and press Enter.
    chooser = page.get_by_label("Local area", exact=True)
    chooser.focus()
    page.keyboard.type("Cumberland")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Cumberland: SEND scorecard", level=1)).to_be_visible()
    wait_idle(page)
    assert _params(page)["area"] == "E06000063"
