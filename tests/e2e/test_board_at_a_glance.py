"""The board reads the scorecard at a glance, in a real browser: Plymouth with the illustrative sample
loaded and targets set, at 1440×900, shows every measure's figure and rating within the first 1,800
pixels and the R/A/G counts, large and in words, on the first screen. At 390 and 320 pixels wide
(a phone, and 400% zoom) no page scrolls sideways and no title is cut off, except where the
accessibility statement owns up to it. And a target is set with the keyboard alone, through the
Targets page's form, and rates its measure on the scorecard."""

from __future__ import annotations

import shutil

import pytest

from scorecard import accessibility, card, ingest, local_returns, store, summary, words
from scorecard.importers import SourceFile

from .browser import open_page, wait_idle
from .conftest import TIMEOUT_MS, start_server

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright").expect

PLYMOUTH = {"area": "E06000026", "term": "Autumn 2026/27"}
TARGETS = """area,metric,from_period,target,tolerance
E06000026,ehcp_20wk_pct,2020,60,2.5
E06000026,ehcp_20wk_term_pct,Autumn 2025/26,70,2.5
E06000026,ehcp_requests_6wk_pct,2020,80,2.5
E06000026,annual_reviews_on_time_pct,Autumn 2025/26,60,2.5
E06000026,complaints_on_time_pct,Autumn 2025/26,90,2
E06000026,perm_staff_pct,Autumn 2025/26,90,2
E06000026,ep_vacancies,Autumn 2025/26,2,0
E06000026,tribunal_appeal_rate_pct,2020,4,0.5
"""
TWO_SCREENS = 1800
FIRST_SCREEN = 900
PAGES = ("", "trends", "compare", "local_data", "targets", "data_sources", "accessibility")


def _prepared_store(seeded_template, folder, with_targets: bool):
    path = folder / "prepared.duckdb"
    shutil.copy(seeded_template, path)
    con = store.connect(str(path))
    local_returns.load_sample(con, actor=ADMIN)
    if with_targets:
        ingest.import_source(con, SourceFile("targets.csv", TARGETS.encode()), actor=ADMIN)
    groups = summary.board_summary(card.build(con, PLYMOUTH["area"], PLYMOUTH["term"]), "la")
    con.close()
    return path, groups


@pytest.fixture(scope="module")
def board(chromium, seeded_template, tmp_path_factory):
    """The dashboard on Plymouth with the sample loaded and targets set, and the summary it should show."""
    folder = tmp_path_factory.mktemp("e2e_board")
    path, groups = _prepared_store(seeded_template, folder, with_targets=True)
    server = start_server(path, folder)
    yield server, groups
    server.stop()


@pytest.fixture(scope="module")
def keyboard_server(chromium, seeded_template, tmp_path_factory):
    """A dashboard of its own (this test writes a target), with the sample loaded and no targets."""
    folder = tmp_path_factory.mktemp("e2e_keyboard")
    path, _ = _prepared_store(seeded_template, folder, with_targets=False)
    server = start_server(path, folder)
    yield server
    server.stop()


def _tab(chromium, width: int, height: int):
    context = chromium.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def test_every_measure_and_its_rating_are_within_two_screens_and_the_counts_on_the_first(chromium, board):
    server, groups = board
    context, page = _tab(chromium, 1440, 900)
    try:
        open_page(page, server, **PLYMOUTH)
        found = page.evaluate("""() => {
            const rows = [...document.querySelectorAll('.sc-table tbody tr')].filter(r => r.querySelector('th[scope=row]'));
            const cells = r => Object.fromEntries([...r.querySelectorAll('td')].map(c => [c.dataset.label, c.innerText.trim()]));
            const glance = document.querySelector('.sc-glance');
            return {
                rows: rows.map(r => ({measure: r.querySelector('th').innerText.trim(), bottom: r.getBoundingClientRect().bottom,
                                      ...cells(r)})),
                scrolled: document.querySelector('[data-testid="stMain"]').scrollTop + window.scrollY,
                glanceBottom: glance.getBoundingClientRect().bottom,
                glanceText: glance.innerText,
                totalSize: parseFloat(getComputedStyle(glance.querySelector('.sc-glance-all')).fontSize),
                groupSize: parseFloat(getComputedStyle(glance.querySelector('li')).fontSize),
                bodySize: parseFloat(getComputedStyle(document.documentElement).fontSize),
            };
        }""")
    finally:
        context.close()
    expected = [r for g in groups for r in g.rows]
    assert found["scrolled"] == 0
    assert [r["measure"] for r in found["rows"]] == [r.measure for r in expected]
    assert len(expected) >= 20, "the sample and the national measures: about two dozen rows"
    for shown_row, row in zip(found["rows"], expected):
        assert shown_row["Latest figure"].startswith(row.latest.split(" (")[0]), shown_row
        assert shown_row["Rating"] == row.rating, shown_row
    last = max(r["bottom"] for r in found["rows"])
    assert last <= TWO_SCREENS, f"the last measure ends {last:.0f}px down the page, beyond {TWO_SCREENS}px"
    assert found["glanceBottom"] <= FIRST_SCREEN, f"the counts end {found['glanceBottom']:.0f}px down"
    total = summary.totals(groups)
    assert f"{len(total.rows)} measures: {words.rag_counts_with_shapes(total.counts, total.not_rated)}" in (
        found["glanceText"].replace("\n", " "))
    for group in groups:
        assert words.rag_counts_with_shapes(group.counts, group.not_rated) in found["glanceText"], group.heading
    assert found["totalSize"] >= 1.4 * found["bodySize"] and found["groupSize"] >= 1.05 * found["bodySize"]


_REFLOW = """([clippedHeading, clippedChart, overflow]) => {
    const vw = document.documentElement.clientWidth;
    const out = [];
    if (document.documentElement.scrollWidth > vw + 1)
        out.push({rule: overflow, what: `page is ${document.documentElement.scrollWidth}px wide`, within: []});
    for (const h of document.querySelectorAll('[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6)')) {
        const r = h.getBoundingClientRect();
        if (h.scrollWidth > h.clientWidth + 1 || r.right > vw + 1 || r.left < -1)
            out.push({rule: clippedHeading, what: h.innerText.slice(0, 80), element: h});
    }
    for (const t of document.querySelectorAll('.js-plotly-plot .gtitle')) {
        const r = t.getBoundingClientRect(), box = t.closest('svg').getBoundingClientRect();
        if (r.right > box.right + 1 || r.left < box.left - 1)
            out.push({rule: clippedChart, what: t.textContent.slice(0, 80), element: t});
    }
    return out.map(f => ({rule: f.rule, what: f.what,
                          within: f.element ? REGIONS.filter(w => f.element.closest(w)) : []}));
}"""


def _reflow_failures(page) -> list[dict]:
    regions = sorted({i.within for i in accessibility.scanned_issues(accessibility.REFLOW)})
    script = _REFLOW.replace("REGIONS", repr(regions).replace("'", '"'))
    return page.evaluate(script, [accessibility.REFLOW_CLIPPED_HEADING, accessibility.REFLOW_CLIPPED_CHART_TITLE,
                                  accessibility.REFLOW_PAGE_OVERFLOW])


@pytest.fixture(scope="module")
def reflow(chromium, board):
    """Every page at each narrow width: width -> page -> failures, and the summary's figures at that width."""
    server, _ = board
    found, figures = {}, {}
    for width in accessibility.REFLOW_WIDTHS:
        context, page = _tab(chromium, width, 800)
        try:
            for path in PAGES:
                open_page(page, server, path, **PLYMOUTH)
                page.wait_for_timeout(500)  # charts settle their titles after the script ends
                found.setdefault(width, {})[path or "home"] = _reflow_failures(page)
                if not path:
                    figures[width] = page.evaluate("""() => {
                        const scroller = document.querySelector('.sc-scroll');
                        return {scrollsSideways: scroller.scrollWidth > scroller.clientWidth + 1,
                                cells: [...document.querySelectorAll('.sc-table td.sc-figure')].map(c => {
                                    const r = c.getBoundingClientRect();
                                    return {text: c.innerText, left: r.left, right: r.right, width: r.width,
                                            size: parseFloat(getComputedStyle(c).fontSize)};
                                }), vw: document.documentElement.clientWidth};
                    }""")
        finally:
            context.close()
    return found, figures


@pytest.mark.parametrize("width", accessibility.REFLOW_WIDTHS)
def test_no_page_scrolls_sideways_or_cuts_a_title_off_beyond_what_the_statement_lists(reflow, width):
    found, _ = reflow
    unlisted = {page: [f"{f['rule']}: {f['what']}" for f in failures
                       if accessibility.known_issue(f["rule"], f["within"], accessibility.REFLOW) is None]
                for page, failures in found[width].items()}
    unlisted = {page: f for page, f in unlisted.items() if f}
    assert not unlisted, (f"at {width}px wide these are cut off or scroll sideways, and the accessibility statement "
                          f"does not list them (fix them, or add them to KNOWN_ISSUES): {unlisted}")


def test_the_statement_lists_only_reflow_failures_that_still_happen(reflow):
    found, _ = reflow
    seen = {accessibility.known_issue(f["rule"], f["within"], accessibility.REFLOW)
            for pages in found.values() for failures in pages.values() for f in failures}
    stale = [i.where for i in accessibility.scanned_issues(accessibility.REFLOW) if i not in seen]
    assert not stale, f"the accessibility statement lists narrow-screen failures that no longer happen: {stale}"


@pytest.mark.parametrize("width", accessibility.REFLOW_WIDTHS)
def test_the_summarys_figures_are_readable_on_a_narrow_screen(reflow, width):
    _, figures = reflow
    shown = figures[width]
    assert not shown["scrollsSideways"], "the summary stacks each measure rather than scrolling sideways"
    assert len(shown["cells"]) >= 20
    for cell in shown["cells"]:
        assert 0 <= cell["left"] and cell["right"] <= shown["vw"], cell
        assert cell["size"] >= 13 and cell["width"] >= 0.6 * shown["vw"], cell


def _focus(page) -> dict:
    return page.evaluate("""() => {
        const e = document.activeElement;
        const label = e.getAttribute('aria-label') || (e.labels && e.labels[0] ? e.labels[0].innerText : '');
        return {tag: e.tagName, type: e.type || '', label: label.trim(), text: (e.innerText || '').slice(0, 60)};
    }""")


def _tab_to(page, wanted, limit: int = 60) -> dict:
    """Press Tab until the focused element is the one `wanted(focus)` describes."""
    walk = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = _focus(page)
        walk.append(f"{focus['tag']}:{focus['label'][:30]!r}")
        if wanted(focus):
            return focus
    raise AssertionError("Tab never reached it: " + " > ".join(walk))


def test_a_target_is_set_by_keyboard_alone_and_rates_the_measure(chromium, keyboard_server):
    name = "New EHC plans issued within 20 weeks this term, excluding exceptions"
    context, page = _tab(chromium, 1440, 900)
    try:
        open_page(page, keyboard_server, "targets", **PLYMOUTH)
        page.locator("body").focus()
        _tab_to(page, lambda f: f["tag"] == "INPUT" and f["label"] == "Measure")
        page.keyboard.type("this term, excluding")
        page.keyboard.press("Enter")
        wait_idle(page)
        expect(page.get_by_text("Higher is better. This measure is a percentage")).to_be_visible()
        _tab_to(page, lambda f: f["label"].startswith("From (the first term"))
        page.keyboard.type("Autumn 2025/26")
        page.keyboard.press("Enter")  # no target yet: refused, saying what is missing
        wait_idle(page)
        expect(page.get_by_text("Nothing was saved: the target is missing.")).to_be_visible()
        _tab_to(page, lambda f: f["label"] == "Target")
        page.keyboard.type("70")
        _tab_to(page, lambda f: f["tag"] == "INPUT" and f["label"].startswith("Tolerance"), limit=3)
        page.keyboard.type("2.5")
        page.keyboard.press("Enter")
        wait_idle(page)
        expect(page.get_by_text(f"Saved: a target of 70.0% for {name}, from Autumn 2025/26 onwards.")).to_be_visible()
        row = page.get_by_role("table", name="Targets set for Plymouth").locator("tr", has_text=name)
        expect(row).to_contain_text("From Autumn 2025/26 onwards")
        expect(row).to_contain_text("70.0%")

        open_page(page, keyboard_server, **PLYMOUTH)
        summary_row = page.locator(".sc-table tr", has=page.locator("th", has_text="EHC plans within 20 weeks (term)"))
        expect(summary_row.locator('td[data-label="Target"]')).to_have_text("70.0%")
        expect(summary_row.locator('td[data-label="Rating"]')).to_have_text("▲ Amber")
    finally:
        context.close()
