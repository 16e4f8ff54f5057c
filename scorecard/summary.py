"""The board summary: every measure on the scorecard in one compact table, grouped by the improvement
plan's priority areas (or by accountable partner), with the R/A/G counts of each group in words. The home page opens with it,
and so do the PDF, PowerPoint and Word packs, so a board reads the same one page everywhere.

Each row: the short name; the latest figure (with its counts) and its period; the direction of
travel as an arrow and a word; the target; the rating as shape, word and colour; England; the
neighbours' mean; the rank or band. Pure functions of a card: no store, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import rag, words
from .card import Card, CardRow
from .register import PARTNERS

# How a board may group its summary: by its priority areas (themes for measures outside them), or by
# the partner accountable for each measure, so that it can hold each partner to account.
BY_PLAN, BY_PARTNER = "plan", "partner"
GROUPINGS = {BY_PLAN: "Priority areas and themes", BY_PARTNER: "Accountable partner"}

COLUMNS = ("Measure", "Latest", "Period", "Direction", "Target", "Rating", "England", "Neighbours",
           "Rank or band")


@dataclass(frozen=True)
class SummaryRow:
    metric_id: str
    measure: str
    latest: str
    period: str
    direction: str
    target: str
    rating: str
    rag: str | None  # Red, Amber, Green or None: for colour, always beside the words
    england: str
    neighbours: str
    position: str
    illustrative: bool
    partner: str = ""  # the accountable partner in words
    interval: str = ""  # the latest figure's 95% confidence interval ("3.9% to 8.8%"), where it has one

    def cells(self) -> tuple[str, ...]:
        return (self.measure, self.latest, self.period, self.direction, self.target, self.rating, self.england,
                self.neighbours, self.position)


@dataclass(frozen=True)
class SummaryGroup:
    heading: str
    rows: list[SummaryRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Ratings on real figures: a rating on an illustrative figure never counts as the area's own."""
        return {k: sum(1 for r in self.rows if r.rag == k and not r.illustrative) for k in (rag.RED, rag.AMBER, rag.GREEN)}

    @property
    def not_rated(self) -> int:
        return sum(1 for r in self.rows if r.rag is None)

    @property
    def illustrative_rated(self) -> int:
        """Measures rated on illustrative (made-up) figures, counted apart."""
        return sum(1 for r in self.rows if r.rag is not None and r.illustrative)

    @property
    def counts_words(self) -> str:
        """'3 red, 2 amber, 5 green, 4 not rated; plus 4 rated on illustrative figures'."""
        return words.rag_counts(self.counts, self.not_rated, self.illustrative_rated)


def summary_row(row: CardRow, area_level: str, hidden: frozenset[str] | set[str] = frozenset()) -> SummaryRow:
    return SummaryRow(
        metric_id=row.metric.id, measure=row.metric.label, latest=words.figure(row, hidden),
        period=words.period(row), direction=words.direction(row, hidden), target=words.target(row),
        rating=words.rating(row.rating), rag=row.rating.rag, england=words.england(row, hidden),
        neighbours=words.neighbours(row, hidden) if area_level == "la" else "—",
        position=words.position(row, area_level), illustrative=words.ILLUSTRATIVE_LABEL in words.figure_labels(row),
        partner=row.partner_words, interval=words.interval(row, hidden))


def board_summary(card: Card, area_level: str, hidden: dict[str, set[str]] | None = None,
                  by: str = BY_PLAN) -> list[SummaryGroup]:
    """The summary, group by group in the scorecard's order (by=BY_PARTNER: one group per accountable
    partner, in register.PARTNERS order, each in the scorecard's order). `hidden` names the fields
    suppressed in a public version, per metric (suppression.public_card)."""
    hidden = hidden or {}
    groups = by_partner(card) if by == BY_PARTNER else card.groups()
    return [SummaryGroup(heading, [summary_row(r, area_level, hidden.get(r.metric.id, frozenset())) for r in rows])
            for heading, rows in groups]


def by_partner(card: Card) -> list[tuple[str, list[CardRow]]]:
    """The card's rows grouped by accountable partner: partners with no measure are left out."""
    return [(title, rows) for key, title in PARTNERS.items()
            if (rows := [r for r in card.rows if r.partner == key])] + \
        [(r.partner, [r]) for r in card.rows if r.partner not in PARTNERS]


def totals(groups: list[SummaryGroup]) -> SummaryGroup:
    """Every measure as one group, for the card's overall counts."""
    return SummaryGroup("All measures", [r for g in groups for r in g.rows])


def partner_groups(groups: list[SummaryGroup]) -> list[SummaryGroup]:
    """The same summary rows regrouped by accountable partner (for a pack's page on partners)."""
    rows = [r for g in groups for r in g.rows]
    return [SummaryGroup(title, kept) for title in PARTNERS.values() if (kept := [r for r in rows if r.partner == title])]


INTERVAL_COLUMN = "95% confidence interval"


def summary_frame(groups: list[SummaryGroup]) -> pd.DataFrame:
    """The summary as one table (a column for the group, one for the latest figure's 95% confidence
    interval and one for the accountable partner), for a CSV or a spreadsheet."""
    return pd.DataFrame([(g.heading, *r.cells()[:2], r.interval, *r.cells()[2:], r.partner)
                         for g in groups for r in g.rows],
                        columns=("Group", *COLUMNS[:2], INTERVAL_COLUMN, *COLUMNS[2:], "Accountable partner"))
