"""The accessibility statement, in the GOV.UK model's sections (Public Sector Bodies Accessibility
Regulations 2018), as data: the page renders it and the browser test reads KNOWN_ISSUES, so the
list of failures the statement owns up to and the failures the automated scan allows cannot drift.

The organisation that runs the dashboard names itself and its contact with environment variables
SCORECARD_ORGANISATION and SCORECARD_ACCESSIBILITY_CONTACT (an email address or web page).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

STANDARD = "Web Content Accessibility Guidelines (WCAG) version 2.2 AA"
PREPARED = date(2026, 11, 24)
LAST_TESTED = date(2026, 11, 24)
GUIDANCE = "https://www.gov.uk/guidance/accessibility-requirements-for-public-sector-websites-and-apps"
EASS = "https://www.equalityadvisoryservice.com/"
ECNI = "https://www.equalityni.org/Home"
# The axe-core rule tags the automated scan runs: WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")
PAGES_TESTED = ("Scorecard", "Trends", "Compare", "Local returns", "Targets and commentary", "Data and sources",
                "Accessibility statement")


@dataclass(frozen=True)
class KnownIssue:
    """A failure we know about: the axe-core rule that finds it (blank if only manual testing does)
    and the part of the page it is confined to (`within`, a CSS selector: the scan allows the rule
    there and nowhere else), what it means for someone, the WCAG criterion, and what we are doing."""

    rule: str
    within: str
    where: str
    problem: str
    criterion: str
    plan: str


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        rule="list", within='[data-testid="stSidebarNav"]', where="The list of pages in the sidebar",
        problem="The section headings (Scorecard, Board, About) sit directly inside the list of pages, so a "
                "screen reader may announce the list and its number of items wrongly.",
        criterion="1.3.1 Info and Relationships",
        plan="The list is drawn by Streamlit, the framework the dashboard is built on. We will report it to "
             "Streamlit and take its fix when it is released."),
    KnownIssue(
        rule="listitem", within='[data-testid="stSidebarNav"]', where="The pages listed in the sidebar",
        problem="Because of the same headings, each page's entry is not announced as part of a single list.",
        criterion="1.3.1 Info and Relationships",
        plan="As for the list of pages: a fix in Streamlit."),
    KnownIssue(
        rule="", within="", where="Tables (every table of figures, and the targets and priority-area editors)",
        problem="Tables are drawn by Streamlit on a canvas. Keyboard users can move through the cells with the "
                "arrow keys, but the Tab key steps through a table's columns one by one before leaving it, screen "
                "readers read tables only partly, and editing a cell with a screen reader is difficult. Every table can be downloaded as a CSV file, and targets can be uploaded as a CSV file "
                "instead of typed into the editor.",
        criterion="1.3.1 Info and Relationships and 4.1.2 Name, Role, Value",
        plan="Show short tables as plain HTML tables, which screen readers read in full, and keep the CSV "
             "downloads and uploads for the rest."),
    KnownIssue(
        rule="", within="", where="Charts",
        problem="Zooming into a chart and the details shown on hover work with a mouse only. Every chart has a "
                "title that states the finding, a description in words, a Table tab with the same figures and "
                "a CSV download.",
        criterion="2.1.1 Keyboard",
        plan="Keep the table view and description with every chart; turn off the hover-only extras where they "
             "add nothing the table does not give."),
)


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


def organisation() -> str | None:
    """Who runs this copy of the dashboard (SCORECARD_ORGANISATION), if it says."""
    return os.environ.get("SCORECARD_ORGANISATION", "").strip() or None


def contact() -> str:
    given = os.environ.get("SCORECARD_ACCESSIBILITY_CONTACT", "").strip()
    if not given:
        return ("the team that runs this dashboard in your organisation (whoever gave you its address). "
                "Its administrator can publish a contact here by setting SCORECARD_ACCESSIBILITY_CONTACT")
    return f"<{given}>" if "@" in given and not given.startswith("mailto:") else given


def scanned_issues() -> list[KnownIssue]:
    """The known issues the automated scan finds (those with an axe rule)."""
    return [i for i in KNOWN_ISSUES if i.rule]


def known_issue(rule: str, inside: list[str]) -> KnownIssue | None:
    """The statement's entry that covers a failing element: same rule, and the element sits inside
    the part of the page the entry names (`inside`: the `within` selectors the element matches)."""
    return next((i for i in scanned_issues() if i.rule == rule and i.within in inside), None)


def _issue_paragraph(issue: KnownIssue) -> str:
    rule = f" (automated check `{issue.rule}`)" if issue.rule else ""
    criteria = "success criteria" if " and " in issue.criterion else "success criterion"
    return f"- **{issue.where}**: {issue.problem} This fails WCAG 2.2 {criteria} {issue.criterion}{rule}."


def sections() -> list[Section]:
    named = organisation()
    org = named or "the organisation that runs this dashboard"
    org_title = org[0].upper() + org[1:]
    run_by = f", as run by {named}" if named else ""
    issues = [_issue_paragraph(i) for i in KNOWN_ISSUES]
    plans = [f"- {i.where}: {i.plan}" for i in KNOWN_ISSUES]
    pages = ", ".join(PAGES_TESTED)
    return [
        Section("Accessibility statement for SEND Scorecard", (
            f"This accessibility statement applies to SEND Scorecard, the performance scorecard for special "
            f"educational needs and disability (SEND) services{run_by}. It covers every page of the "
            f"dashboard: {pages}. It does not cover the Excel, PDF, Word or PowerPoint files the dashboard "
            "produces, nor the published statistics it links to.",
        )),
        Section("Using this service", (
            f"{org_title} wants as many people as possible to be able to use this dashboard. "
            "For example, that means you should be able to:",
            "- change colours, contrast levels and fonts using browser or device settings\n"
            "- zoom in up to 400% without the text spilling off the screen\n"
            "- navigate most of the dashboard using just a keyboard\n"
            "- navigate most of the dashboard using speech recognition software\n"
            "- listen to most of the dashboard using a screen reader",
            "Every chart has a table view of the same figures and a CSV download. Red, amber and green "
            "ratings are always given in words and with a shape (■ Red, ▲ Amber, ● Green) as well as a colour, "
            "and the colours are the Government Analysis Function's accessible palette. Chart titles state the "
            "finding in words. We have also made the text as simple as possible to understand.",
            "[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your device easier to use if "
            "you have a disability.",
        )),
        Section("How accessible this service is", (
            "We know some parts of this dashboard are not fully accessible:",
            *(issues or ["- We know of no failures at the date of this statement."]),
        )),
        Section("Feedback and contact information", (
            f"If you need information from this dashboard in a different format, such as accessible PDF, large "
            f"print, easy read, audio recording or braille, or you find a problem not listed on this page, "
            f"contact {contact()}.",
            "We'll consider your request and get back to you within 10 working days.",
        )),
        Section("Enforcement procedure", (
            "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector "
            "Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the "
            "'accessibility regulations'). If you're not happy with how we respond to your complaint, contact "
            f"the [Equality Advisory and Support Service (EASS)]({EASS}). If you are in Northern Ireland, contact "
            f"the [Equality Commission for Northern Ireland]({ECNI}).",
        )),
        Section("Technical information about this service's accessibility", (
            f"{org_title} is committed to making its websites accessible, in accordance with the "
            "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.",
        )),
        Section("Compliance status", (
            f"This dashboard is partially compliant with the {STANDARD} standard, due to the non-compliances "
            "listed below.",
        )),
        Section("Non-accessible content", (
            "The content listed below is non-accessible for the following reasons.",
            "**Non-compliance with the accessibility regulations**",
            *(issues or ["- None known at the date of this statement."]),
            "**Disproportionate burden**: we are not claiming disproportionate burden for any content.",
            "**Content that's not within the scope of the accessibility regulations**: the published statistics "
            "this dashboard links to belong to their publishers, whose own statements cover them.",
        )),
        Section("What we're doing to improve accessibility", (
            "Every change to the dashboard runs the automated scan described below; a new serious or critical "
            "failure stops the change unless it is added to this statement. For the known issues:",
            *(plans or ["- No open issues."]),
        )),
        Section("Preparation of this accessibility statement", (
            f"This statement was prepared on {PREPARED:%d %B %Y}. It was last reviewed on {LAST_TESTED:%d %B %Y}.",
            f"This dashboard was last tested on {LAST_TESTED:%d %B %Y} by the SEND Scorecard developers against "
            f"the {STANDARD} standard. We tested every page ({pages}), with real published figures loaded, in "
            "two ways:",
            "- an automated scan of every page with axe-core (the rules for WCAG 2.0, 2.1 and 2.2 at levels A "
            "and AA) in headless Chromium, run by the project's browser tests on every change "
            "(tests/e2e in the source code)\n"
            "- a keyboard-only walkthrough of every page: Tab, Shift+Tab, Enter, Escape and the arrow keys. The "
            "first Tab reaches a 'Skip to main content' link; then come the list of pages, the area and term "
            "choosers (type a name or code, then Enter) and the main content. Focus is visible throughout and "
            "nothing traps it. The browser tests repeat the walk to the area chooser and the main content on "
            "every change",
            "Automated tools find only some failures. We have not yet had the dashboard audited by people who "
            "use assistive technology every day.",
        )),
    ]


def as_markdown() -> str:
    return "\n\n".join(f"## {s.heading}\n\n" + "\n\n".join(s.paragraphs) for s in sections())
