"""The Trends and Compare charts on a phone (390 px and 320 px, what 400% zoom of a 1280 px screen
leaves), in headless Chromium: the finding above a chart wraps and is never cut off, year labels thin
out rather than overlap, the quartile letters stand apart, the hex map fills its width, and the
area's name on the map covers no other hexagon."""

from __future__ import annotations

import pytest

from urllib.parse import urlencode

from .browser import wait_idle

PLYMOUTH = {"area": "E06000026", "term": "Autumn 2026/27"}
WIDTHS = (320, 390)


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def phone(request, chromium):
    context = chromium.new_context(viewport={"width": request.param, "height": 844}, is_mobile=True,
                                   has_touch=True, device_scale_factor=2)
    context.set_default_timeout(60_000)
    tab = context.new_page()
    yield tab
    context.close()


def open_page(page, server, path: str, **params) -> None:
    """As browser.open_page, but on a phone, whose sidebar starts closed."""
    page.goto(f"{server.url}/{path}?{urlencode(params)}")
    page.locator('[data-testid="stMain"]').wait_for()
    wait_idle(page)
    page.locator("h1").first.wait_for()
    wait_idle(page)


def _chart(page, index: int = 0):
    chart = page.locator(".js-plotly-plot").nth(index)
    chart.scroll_into_view_if_needed()
    chart.locator(".main-svg").first.wait_for()
    page.wait_for_timeout(500)
    return chart


def _texts(chart, selector: str) -> list[tuple[str, dict]]:
    """Each SVG text under `selector` in the chart, with its box on the screen."""
    return [(t["text"], t) for t in chart.evaluate("""(root, selector) => [...root.querySelectorAll(selector)]
        .map(e => { const r = e.getBoundingClientRect();
                    return {text: e.textContent, x: r.x, y: r.y, width: r.width, height: r.height}; })
        .filter(b => b.width > 0)""", selector)]


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def _no_text_cut_off(page) -> None:
    """Nothing in the main column is wider than the screen: no clipped title, no sideways scroll."""
    widest = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return {scroll: main.scrollWidth, client: main.clientWidth,
                texts: [...main.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
                    .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.innerText.slice(0, 60))};
    }""")
    assert widest["scroll"] <= widest["client"] + 1 and not widest["texts"], widest


def test_the_trend_finding_wraps_and_the_year_labels_do_not_overlap(phone, app_server):
    open_page(phone, app_server, "trends", **PLYMOUTH, metric="ehcp_20wk_pct")
    finding = phone.get_by_text("Plymouth issued 6.0% (24 of 403) of new EHC plans", exact=False).first
    finding.wait_for()
    box = finding.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= phone.viewport_size["width"]
    assert box["height"] > 30  # it wrapped onto more lines instead of running off the screen
    chart = _chart(phone)
    assert not [t for t, _ in _texts(chart, ".gtitle")]  # no plotly title: it could not wrap
    ticks = [b for _, b in _texts(chart, ".xtick text")]
    assert 2 <= len(ticks) <= 6, [t["x"] for t in ticks]  # thinned: 2014 to 2024 has 11 years
    for a, b in zip(ticks, ticks[1:]):
        assert not _overlap(a, b)
    fills = set(chart.evaluate("""root => [...root.querySelectorAll('.xtick text, .ytick text, .g-ytitle text')]
        .map(e => getComputedStyle(e).fill)"""))
    assert fills == {"rgb(80, 90, 95)"}  # palette.SECONDARY_TEXT, 7:1: Streamlit's theme does not turn it grey
    plot = chart.bounding_box()
    assert all(t["x"] >= plot["x"] - 1 and t["x"] + t["width"] <= plot["x"] + plot["width"] + 1 for t in ticks)
    _no_text_cut_off(phone)


def test_compare_bands_stand_apart_and_the_map_fills_its_width(phone, app_server):
    open_page(phone, app_server, "compare", **PLYMOUTH, metric="ehcp_20wk_pct", period="2024")
    ranking = _chart(phone, 0)
    letters = [b for t, b in _texts(ranking, ".annotation-text") if t in ("A", "B", "C", "D")]
    assert len(letters) == 4
    for i, a in enumerate(letters):
        assert not any(_overlap(a, b) for b in letters[i + 1:])
    hexes = _chart(phone, 1)
    container = hexes.bounding_box()
    drawn = hexes.locator(".scatterlayer .trace").first.bounding_box()
    layer = hexes.locator(".scatterlayer").bounding_box()
    assert layer["width"] >= 0.9 * container["width"], (layer, container, drawn)
    # The area's name covers no hexagon: no hexagon's letter lies under it.
    name = next(b for t, b in _texts(hexes, ".annotation-text") if t == "Plymouth")
    letters = [b for _, b in _texts(hexes, ".textpoint text")]
    assert len(letters) == 153
    assert not [b for b in letters if _overlap(name, b)]
    _no_text_cut_off(phone)
