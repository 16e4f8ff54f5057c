"""The accessibility statement, in the GOV.UK model's sections (Public Sector Bodies Accessibility
Regulations 2018), as data: the page renders it and the browser test reads KNOWN_ISSUES, so the
list of failures the statement owns up to and the failures the automated scan allows cannot drift.

The organisation that runs the dashboard names itself and its contact with environment variables
SCORECARD_ORGANISATION and SCORECARD_ACCESSIBILITY_CONTACT (an email address or web page).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date

STANDARD = "Web Content Accessibility Guidelines (WCAG) version 2.2 AA"
PREPARED = date(2026, 11, 24)
LAST_TESTED = date(2026, 12, 1)
GUIDANCE = "https://www.gov.uk/guidance/accessibility-requirements-for-public-sector-websites-and-apps"
EASS = "https://www.equalityadvisoryservice.com/"
ECNI = "https://www.equalityni.org/Home"
# The axe-core rule tags the automated scan runs: WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")
PAGES_TESTED = ("Scorecard", "Trends", "Compare", "Local returns", "Targets and commentary", "Data and sources",
                "Accessibility statement")


# The checks the browser tests run on every page (tests/e2e): the axe-core scan, and the reflow check
# at 390 and 320 pixels wide (320 is a 1280-pixel screen at 400% zoom): no sideways scrolling of the
# page, no heading or chart title cut off.
AXE, REFLOW, MANUAL = "axe", "reflow", "manual"
REFLOW_WIDTHS = (390, 320)
# What the reflow check reports, as rule names for KnownIssue.
REFLOW_PAGE_OVERFLOW = "page-scrolls-sideways"
REFLOW_CLIPPED_HEADING = "heading-cut-off"
REFLOW_CLIPPED_CHART_TITLE = "chart-title-cut-off"


@dataclass(frozen=True)
class KnownIssue:
    """A failure we know about: the check that finds it (AXE, REFLOW, or MANUAL when only people
    testing find it), its rule (the axe-core rule, or the reflow check's name) and the part of the
    page it is confined to (`within`, a CSS selector: the tests allow the failure there and nowhere
    else), what it means for someone, the WCAG criterion, and what we are doing."""

    rule: str
    within: str
    where: str
    problem: str
    criterion: str
    plan: str
    check: str = AXE


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        rule="list", within='[data-testid="stSidebarNav"]', where="The list of pages in the sidebar",
        problem="The section headings (Performance, Board, About) sit directly inside the list of pages, so a "
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
        rule="", within="", check=MANUAL,
        where="Tables of data on the Trends, Compare, Local returns and Data and sources pages, the scorecard's "
              "Table tab, and the priority-area editor",
        problem="These tables are drawn by Streamlit on a canvas. Keyboard users can move through the cells with "
                "the arrow keys, but the Tab key steps through a table's columns one by one before leaving it, "
                "screen readers read them only partly, and editing a cell with a screen reader is difficult. Every "
                "one can be downloaded as a CSV file. The board summary, the targets, the red ratings, how each "
                "measure is rated, and the glossary are plain HTML tables instead, and targets are set with an "
                "ordinary form.",
        criterion="1.3.1 Info and Relationships and 4.1.2 Name, Role, Value",
        plan="Show the remaining short tables as plain HTML tables, replace the priority-area editor with a "
             "form, and keep the CSV downloads for long tables."),
    KnownIssue(
        rule="", within="", check=MANUAL, where="Charts",
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


def scanned_issues(check: str = AXE) -> list[KnownIssue]:
    """The known issues an automated check finds: the axe-core scan (AXE) or the reflow check (REFLOW)."""
    return [i for i in KNOWN_ISSUES if i.check == check and i.rule]


def known_issue(rule: str, inside: list[str], check: str = AXE) -> KnownIssue | None:
    """The statement's entry that covers a failing element: same check and rule, and the element sits
    inside the part of the page the entry names (`inside`: the `within` selectors the element matches)."""
    return next((i for i in scanned_issues(check) if i.rule == rule and i.within in inside), None)


def _issue_paragraph(issue: KnownIssue) -> str:
    rule = f" (automated check `{issue.rule}`)" if issue.rule and issue.check == AXE else (
        " (found by the automated check at narrow widths)" if issue.check == REFLOW else "")
    criteria = "success criteria" if re.search(r" and \d", issue.criterion) else "success criterion"
    return f"- **{issue.where}**: {issue.problem} This fails WCAG 2.2 {criteria} {issue.criterion}{rule}."


def sections() -> list[Section]:
    named = organisation()
    org = named or "the organisation that runs this dashboard"
    org_title = org[0].upper() + org[1:]
    run_by = f", as run by {named}" if named else ""
    issues = [_issue_paragraph(i) for i in KNOWN_ISSUES]
    plans = [f"- {i.where}: {i.plan}" for i in KNOWN_ISSUES]
    pages = ", ".join(PAGES_TESTED)
    reflow_caveat = " (apart from the problems listed below)" if scanned_issues(REFLOW) else ""
    return [
        Section("Accessibility statement for SEND Scorecard", (
            f"This accessibility statement applies to SEND Scorecard, the performance scorecard for special "
            f"educational needs and disability (SEND) services{run_by}. It covers every page of the "
            f"dashboard: {pages}. It does not cover the Excel, PDF, Word or PowerPoint files the dashboard "
            "produces, nor the published statistics it links to.",
        )),
        Section("Using this service", (
            f"{org_title} wants as many people as possible to be able to use this dashboard. "
            "The project's browser tests check, on every change, that you can:",
            "- zoom in up to 400%, or use a screen 320 pixels wide, without the page scrolling sideways: the "
            f"board summary then lists each measure's figures one below the other{reflow_caveat}\n"
            "- use the dashboard with a keyboard alone: reach the list of pages, the area and term choosers and "
            "the main content, and set a target on the Targets and commentary page\n"
            "- read the board summary as a real table with column and row headings, which screen readers, "
            "zoom and the browser's find-in-page all work with",
            "Every chart has a table view of the same figures and a CSV download. Red, amber and green "
            "ratings are always given in words and with a shape (■ Red, ▲ Amber, ● Green) as well as a colour. "
            "Chart titles state the finding in words, and a glossary on the Data and sources page explains the "
            "terms and abbreviations the dashboard uses.",
            "We have not yet tested the dashboard with screen readers, speech recognition software, or changed "
            "colours and fonts.",
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
            "- a check of every page at 390 and 320 pixels wide (a phone, and a 1280-pixel screen at 400% "
            "zoom): the page must not scroll sideways, and no heading or chart title may be cut off\n"
            "- a keyboard-only walkthrough: Tab, Shift+Tab, Enter, Escape and the arrow keys. The first Tab "
            "reaches a 'Skip to main content' link; then come the list of pages, the area and term choosers "
            "(type a name or code, then Enter) and the main content. The browser tests repeat the walk to the "
            "area chooser and the main content, and set a target with the keyboard alone, on every change",
            "Automated tools find only some failures. We have not yet had the dashboard audited by people who "
            "use assistive technology every day.",
        )),
    ]


def as_markdown() -> str:
    return "\n\n".join(f"## {s.heading}\n\n" + "\n\n".join(s.paragraphs) for s in sections())
