"""On a phone (390×844), in headless Chromium, with Plymouth's sample loaded and targets set: every
measure's name, figure and rating show within 4,000 pixels of the top (the rest opens on demand);
Compare's neighbours show their figure and rank without scrolling sideways; the Targets page's theme
and partner editors fit the screen; the hex map's letters are at least 10 pixels tall; and at 1440
pixels, as on the phone, no label on a page is cut off with "…"."""

from __future__ import annotations

import pytest

from .browser import open_page, wait_idle
from .conftest import TIMEOUT_MS, start_server
from .test_board_at_a_glance import PLYMOUTH, _prepared_store

PHONE = {"width": 390, "height": 844}
WITHIN = 4000
SCILLY = {"area": "E06000053", "term": "Autumn 2026/27"}


@pytest.fixture(scope="module")
def board(chromium, seeded_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e_phones")
    path, groups = _prepared_store(seeded_template, folder, with_targets=True)
    server = start_server(path, folder)
    yield server, groups
    server.stop()


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _open(page, server, path: str = "", **params) -> None:
    """As browser.open_page, but on a phone, whose sidebar starts closed."""
    from urllib.parse import urlencode

    page.goto(f"{server.url}/{path}?{urlencode(params)}")
    page.locator('[data-testid="stMain"]').wait_for()
    wait_idle(page)
    page.locator("h1").first.wait_for()
    wait_idle(page)
    page.wait_for_timeout(500)


def test_every_measures_name_figure_and_rating_are_within_4000_pixels_on_a_phone(phone, board):
    server, groups = board
    _open(phone, server, **PLYMOUTH)
    found = phone.evaluate("""() => {
        const scrolled = document.querySelector('[data-testid="stMain"]').scrollTop + window.scrollY;
        const box = e => { const r = e.getBoundingClientRect(); return {top: r.top + scrolled, bottom: r.bottom + scrolled,
                                                                        height: r.height, text: e.innerText.trim()}; };
        return [...document.querySelectorAll('.sc-table tbody tr')].filter(r => r.querySelector('th[scope=row]'))
            .map(r => ({name: box(r.querySelector('th')), figure: box(r.querySelector('td.sc-figure')),
                        rating: box(r.querySelector('td.sc-rating')),
                        detail: [...r.querySelectorAll('td.sc-detail')].map(c => getComputedStyle(c).display),
                        open: r.querySelector('td.sc-more details').open}));
    }""")
    expected = [r for g in groups for r in g.rows]
    assert [f["name"]["text"] for f in found] == [r.measure for r in expected]
    for shown, row in zip(found, expected):
        for part in ("name", "figure", "rating"):
            assert shown[part]["height"] > 0 and shown[part]["bottom"] <= WITHIN, (row.measure, part, shown[part])
        assert shown["figure"]["text"].startswith(row.latest.split(" (")[0])
        assert shown["rating"]["text"] == row.rating
        assert set(shown["detail"]) == {"none"} and not shown["open"]  # the rest opens on demand
    releases = phone.locator(".sc-releases li").first
    assert not releases.is_visible()  # each source's latest release, folded on a phone
    phone.locator(".sc-releases summary").click()
    assert releases.is_visible()
    first = phone.locator(".sc-table td.sc-more summary").first
    first.click()
    england = phone.locator(".sc-table td.sc-more").first
    assert f"England: {expected[0].england.split(':')[0]}" in england.inner_text()
    assert f"Direction: {expected[0].direction}" in england.inner_text()


def test_compares_neighbours_show_figure_and_rank_without_scrolling_sideways(phone, board):
    server, _ = board
    _open(phone, server, "compare", **PLYMOUTH, metric="ehcp_20wk_pct", period="2024")
    table = phone.locator(".sc-plain", has=phone.get_by_text("Plymouth's statistical neighbours"))
    table.scroll_into_view_if_needed()
    found = table.evaluate("""root => {
        const scroller = root.querySelector('.sc-scroll');
        const vw = document.documentElement.clientWidth;
        const cells = [...root.querySelectorAll('td')].filter(c => /^(Figure|Rank$)/.test(c.dataset.label))
            .map(c => { const r = c.getBoundingClientRect();
                        return {label: c.dataset.label, text: c.innerText, left: r.left, right: r.right,
                                visible: r.width > 0 && r.height > 0 && getComputedStyle(c).display !== 'none'}; });
        return {sideways: scroller.scrollWidth > scroller.clientWidth + 1, vw, cells};
    }""")
    assert not found["sideways"]
    assert len(found["cells"]) == 20  # ten neighbours, each with its figure and its rank
    for cell in found["cells"]:
        assert cell["visible"] and cell["left"] >= 0 and cell["right"] <= found["vw"], cell
    assert any(c["text"].startswith("29.4%: ") for c in found["cells"])  # Tameside


def test_the_theme_and_partner_editors_fit_a_phone(phone, board):
    server, _ = board
    _open(phone, server, "targets", **PLYMOUTH)
    form = phone.locator('[data-testid="stForm"]', has=phone.get_by_text("Save themes and partners"))
    form.scroll_into_view_if_needed()
    for expander in form.locator('[data-testid="stExpander"] summary').all()[:2]:
        expander.click()  # a theme's measures, opened
    wait_idle(phone)
    phone.wait_for_timeout(1000)  # the expanders' animation ends
    found = form.evaluate("""root => {
        const vw = document.documentElement.clientWidth;
        const out = {grids: root.querySelectorAll('canvas, [data-testid="stDataFrame"]').length, outside: [], cut: [],
                     fields: 0};
        for (const e of root.querySelectorAll('label, input, [data-baseweb="select"], [data-testid="stWidgetLabel"]')) {
            const r = e.getBoundingClientRect();
            if (r.width === 0) continue;
            out.fields += 1;
            if (r.left < -1 || r.right > vw + 1) out.outside.push(e.innerText || e.value || e.tagName);
        }
        for (const e of root.querySelectorAll('*')) {
            const cs = getComputedStyle(e);
            if (e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1 && cs.textOverflow === 'ellipsis')
                out.cut.push((e.innerText || '').slice(0, 60));
        }
        return out;
    }""")
    assert found["grids"] == 0, "a grid on a canvas shows a phone only its first columns"
    assert found["fields"] > 30 and not found["outside"] and not found["cut"], found


def test_the_hex_maps_letters_are_at_least_10_pixels_tall(phone, board):
    server, _ = board
    _open(phone, server, "compare", **PLYMOUTH, metric="ehcp_20wk_pct", period="2024")
    chart = phone.locator(".js-plotly-plot").nth(1)
    chart.scroll_into_view_if_needed()
    chart.locator(".textpoint text").first.wait_for()
    letters = chart.evaluate("""root => [...root.querySelectorAll('.textpoint text')].map(t => {
        const cs = getComputedStyle(t);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const m = ctx.measureText(t.textContent);
        return {text: t.textContent, tall: m.actualBoundingBoxAscent + m.actualBoundingBoxDescent};
    }).filter(l => /^[ABCD]$/.test(l.text))""")
    assert len(letters) > 100
    assert min(letter["tall"] for letter in letters) >= 10, min(letters, key=lambda x: x["tall"])


_CUT = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return [...main.querySelectorAll('*')].filter(e => {
        const cs = getComputedStyle(e);
        return cs.clipPath === 'none' && e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1
            && (cs.textOverflow === 'ellipsis' || cs.overflowX === 'hidden') && (e.innerText || '').trim();
    }).map(e => e.innerText.trim().slice(0, 80));
}"""


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("path, area", [("", SCILLY), ("", PLYMOUTH), ("local_data", PLYMOUTH),
                                        ("targets", PLYMOUTH)])
def test_no_label_is_cut_off(chromium, board, width, path, area):
    server, _ = board
    context = chromium.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        open_page(page, server, path, **area) if width > 600 else _open(page, server, path, **area)
        page.wait_for_timeout(500)
        cut = page.evaluate(_CUT)
    finally:
        context.close()
    assert not cut, f"cut off with '…' at {width} px: {cut}"
