"""Driving Streamlit in the browser: open a page, wait for its script to finish, choose from a
select box, and scan with axe-core. Streamlit marks its root element with the script's state."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from scorecard import accessibility

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'

def axe_script() -> str:
    """axe-core as shipped in axe-playwright-python (the package's own wrapper is not needed)."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def wait_idle(page) -> None:
    """Wait until the app is connected and its script has finished running."""
    page.locator(IDLE).wait_for(state="attached")
    page.get_by_test_id("stStatusWidget").get_by_text("Running...").wait_for(state="detached")


def open_page(page, server, path: str = "", **params) -> None:
    query = f"?{urlencode(params)}" if params else ""
    page.goto(f"{server.url}/{path}{query}")
    page.locator('[data-testid="stMain"]').wait_for()
    wait_idle(page)
    # The first run paints the page before the sidebar's choosers settle the URL: wait for a heading.
    page.locator("h1").first.wait_for()
    page.get_by_test_id("stSidebarNavItems").wait_for(state="attached")  # hidden in a phone's closed sidebar
    wait_idle(page)


def choose(page, label: str, option: str) -> None:
    """Pick an option in a select box by typing into it, as a keyboard user would."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option).first.click()
    wait_idle(page)


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.2 A/AA violations on the page as it stands. Each failing element
    (node) is marked with the known-issue regions it sits inside (`inside`)."""
    page.evaluate(axe_script())
    regions = sorted({i.within for i in accessibility.scanned_issues()})
    result = page.evaluate(
        """async ([tags, regions]) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            for (const v of r.violations) {
                for (const n of v.nodes) {
                    const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
                    n.inside = regions.filter(w => el && el.closest(w));
                }
            }
            return r;
        }""",
        [accessibility.AXE_TAGS, regions])
    return [v for v in result["violations"] if v["impact"] in accessibility.BLOCKING_IMPACTS]


def unlisted(violations: list[dict]) -> list[str]:
    """Failing elements the accessibility statement does not own up to, in words."""
    out = []
    for v in violations:
        for node in v["nodes"]:
            if accessibility.known_issue(v["id"], node["inside"]) is None:
                out.append(f"{v['id']} ({v['impact']}): {v['help']}: {node['html'][:160]}")
    return out


def listed(violations: list[dict]) -> set:
    """The statement's known issues these violations show (by rule and region)."""
    return {issue for v in violations for node in v["nodes"]
            if (issue := accessibility.known_issue(v["id"], node["inside"])) is not None}
