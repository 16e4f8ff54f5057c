"""The one sentence engine (scorecard.words): each rule in its docstring has a test here that fails if
the rule breaks. Rows are built by hand (card.CardRow), so the rules are checked without a store."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from scorecard import words
from scorecard.card import Card, CardRow
from scorecard.periods import calendar_year, from_label, term
from scorecard.register import Metric

TIMELINESS = Metric("ehcp_20wk_pct", "New EHC plans issued within 20 weeks, excluding exceptions", "%", "higher", 1,
                    short_name="EHC plans issued within 20 weeks", national=True,
                    summary="{area} issued {value} of new EHC plans within 20 weeks in {period}")
APPEALS = Metric("tribunal_appeals", "SEND Tribunal appeals registered", "count", "lower", 0, national=True,
                 summary="{value} appeals against {area} were registered with the SEND Tribunal in {period}")
APPEALS_TERM = Metric("tribunal_appeals_term", "SEND Tribunal appeals lodged this term", "count", "lower", 0,
                      short_name="Tribunal appeals (term)", national_equivalent="tribunal_appeals")
TERM_TIMELINESS = Metric("ehcp_20wk_term_pct", "New EHC plans issued within 20 weeks this term", "%", "higher", 1,
                         national_equivalent="ehcp_20wk_pct")
PLAIN = Metric("excl", "Permanent exclusion rate, all pupils", "%", "lower", 2, national=True)


def row(metric=TIMELINESS, value=6.0, numerator=24, denominator=403, when=calendar_year(2024), previous=17.8,
        previous_when=calendar_year(2023), comparator=None, england=46.4, sn_mean=48.5, rank=145, rank_of=149,
        quartile="D", **extra) -> CardRow:
    cm = comparator if comparator is not None else metric
    return CardRow(metric, "Timeliness", value=value, status=extra.pop("status", "published"), numerator=numerator,
                   denominator=denominator, period=when, previous=previous, previous_period=previous_when,
                   comparator_metric=cm, comparator_period=extra.pop("comparator_period", when), england=england,
                   sn_mean=sn_mean, sn_count=10, sn_of=10, rank=rank, rank_of=rank_of, quartile=quartile, **extra)


def small_row(**extra) -> CardRow:
    return row(value=100.0, numerator=1, denominator=1, previous=0.0, small_numbers=True, rank=None, rank_of=None,
               quartile=None, **extra)


# ---------------------------------------------------------------- acronyms and names keep their capitals

@pytest.mark.parametrize("text,expected", [
    ("New EHC plans issued within 20 weeks", "new EHC plans issued within 20 weeks"),
    ("EHC plans maintained (January)", "EHC plans maintained (January)"),
    ("SEND Tribunal appeals registered", "SEND Tribunal appeals registered"),
    ("EHE starts", "EHE starts"),
    ("Children in EHE (census)", "children in EHE (census)"),
    ("England's share", "England's share"),
    ("Ofsted inspections", "Ofsted inspections"),
    ("DfE returns", "DfE returns"),
    ("Permanent exclusion rate", "permanent exclusion rate"),
])
def test_lower_first_never_lower_cases_an_acronym_or_a_name(text, expected):
    assert words.lower_first(text) == expected


def test_a_sentence_about_a_measure_with_no_figure_keeps_its_acronyms():
    """City of London's narrative said "new ehc plans"."""
    missing = row(value=None, status="not_available", numerator=None, denominator=None)
    text = words.sentence(missing, "City of London")
    assert "new EHC plans issued within 20 weeks" in text and "ehc" not in text
    assert words.sentence(row(when=None), "City of London") == (
        "City of London has no figure yet for new EHC plans issued within 20 weeks, excluding exceptions.")


# ---------------------------------------------------------------- counts with rates

def test_a_rate_shows_its_counts_in_cells_and_sentences():
    r = row()
    assert words.figure(r) == "6.0%: 24 of 403"
    assert words.point(6.0, TIMELINESS, "published", 24, 403) == "6.0%: 24 of 403"
    assert words.finding(r, "Plymouth").startswith("Plymouth issued 6.0% (24 of 403) of new EHC plans")
    assert "6.0% (24 of 403)" in words.sentence(r, "Plymouth")
    assert words.point(6.0, TIMELINESS) == "6.0%"  # no counts known: the figure alone
    assert words.counts(1176, None, APPEALS) == ""  # a count has no counts of its own


# ---------------------------------------------------------------- small numbers

def test_small_numbers_are_said_never_ranked_and_never_better_or_worse():
    r = small_row()
    assert r.direction == "changed"
    assert words.figure(r) == "100.0%: 1 of 1 (small numbers: treat with caution)"
    assert words.position(r) == "not ranked: small numbers"
    assert words.direction(r) == "↑ up"
    change = words.change(r)
    assert "small numbers" in change and "better" not in change and "worse" not in change
    text = words.sentence(r, "Isles of Scilly")
    assert "1 of 1; small numbers: treat with caution" in text and "not compared with other areas or ranked" in text
    assert "England" not in text and "ranks" not in text and "better" not in text
    finding = words.finding(r, "Isles of Scilly")
    assert "small numbers" in finding and "England" not in finding  # never set above or below England
    assert "better" not in words.delta(r)["delta"] and words.delta(r)["colour"] == "gray"


def test_a_small_number_figure_is_not_counted_in_the_lead_against_england():
    card = Card("E06000053", "Isles of Scilly", term("Autumn", 2026), [small_row()])
    assert "better than England" not in words.summary(card)[0]
    card = Card("E06000026", "Plymouth", term("Autumn", 2026), [row(value=50.0)])
    assert "it does better than England on 1" in words.summary(card)[0]


# ---------------------------------------------------------------- counts are context

def test_a_count_is_never_compared_with_england_or_ranked():
    r = row(metric=APPEALS, value=252.0, numerator=None, denominator=None, previous=230.0, england=22276.0,
            sn_mean=180.0, rank=None, rank_of=None, quartile=None)
    assert not r.comparable
    assert words.position(r) == "not ranked: a count (bigger areas have more)"
    assert words.england(r).endswith(words.CONTEXT_ONLY)
    text = words.sentence(r, "Plymouth")
    assert "England" not in text and "neighbours" not in text and "above" not in text and "below" not in text
    assert words.rank_cell(APPEALS, None, None, 252.0, False) == "not ranked: a count (bigger areas have more)"
    assert words.no_band_words(APPEALS, 252.0, False).startswith("no band: a count")


def test_a_count_trend_shows_the_neighbours_as_context_not_as_a_comparison():
    frame = trend_frame_of([("area", "Plymouth", 2023, 895.0), ("area", "Plymouth", 2024, 1176.0),
                            ("neighbours", "Statistical neighbours (mean)", 2024, 801.0)], "ehcp_requests")
    requests = Metric("ehcp_requests", "Requests received", "count", "context", 0, national=True)
    title = words.trend_title(frame, requests, "Plymouth")
    assert "801" in title and "context only" in title
    assert "above" not in title and "below" not in title


# ---------------------------------------------------------------- like with like

def test_a_termly_count_beside_an_annual_england_total_has_no_comparable_national_figure():
    """'Tribunal appeals (term) 21' sat beside England's '22,276 (2024)' (issue 18)."""
    r = row(metric=APPEALS_TERM, value=21.0, numerator=None, denominator=None, when=term("Autumn", 2025),
            previous=None, previous_when=None, comparator=APPEALS, comparator_period=calendar_year(2024),
            england=22276.0, sn_mean=None, rank=None, rank_of=None, quartile=None)
    assert not r.comparable and not r.like_with_like
    assert words.england(r) == words.neighbours(r) == words.region(r) == "no comparable national figure"
    sentence = words.sentence(r, "Plymouth")
    assert "above" not in sentence and "below" not in sentence and "22,276" not in sentence
    assert "There is no comparable national figure: the nearest national measure" in sentence
    assert "covers a calendar year, not a term" in sentence


def test_a_local_rate_beside_an_annual_england_rate_is_context_only():
    r = row(metric=TERM_TIMELINESS, value=66.7, numerator=86, denominator=129, when=term("Autumn", 2026),
            previous=61.4, previous_when=from_label("Summer 2025/26"), comparator=TIMELINESS,
            comparator_period=calendar_year(2024), rank=None, rank_of=None, quartile=None)
    assert not r.comparable and not r.like_with_like
    text = words.sentence(r, "Plymouth")
    assert "46.4%" not in text and "There is no comparable national figure" in text
    assert "below England" not in text and "above England" not in text
    assert "England" not in words.finding(r, "Plymouth")
    assert words.england(r) == "no comparable national figure"


def test_a_comparator_for_another_period_of_the_same_kind_says_its_period():
    r = row(when=calendar_year(2023), comparator_period=calendar_year(2024))
    assert "below England (46.4% in 2024)" in words.sentence(r, "Plymouth")


# ---------------------------------------------------------------- illustrative and provisional

def test_illustrative_and_provisional_figures_are_labelled_on_the_figure():
    illustrative = row(status="illustrative")
    assert words.figure(illustrative).endswith("(illustrative)")
    assert "(24 of 403; illustrative)" in words.sentence(illustrative, "Plymouth")
    assert "illustrative" in words.finding(illustrative, "Plymouth")
    provisional = row(status="provisional")
    assert "local (provisional)" in words.sentence(provisional, "Plymouth")
    assert words.point(6.0, TIMELINESS, "provisional") == "6.0% (local (provisional))"


# ---------------------------------------------------------------- changes and findings

def test_changes_say_their_size_and_the_verdict_only_where_there_is_a_direction():
    r = row()
    assert words.change(r) == "down 11.8 points on calendar year 2023: worse"
    assert words.direction(r) == "↓ worse"
    assert words.delta(r) == {"delta": "down 11.8 points: worse", "arrow": "down", "colour": "orange"}
    assert words.finding(r, "Plymouth") == ("Plymouth issued 6.0% (24 of 403) of new EHC plans within 20 weeks in "
                                            "2024, down from 17.8% in 2023 and below England (46.4%)")


def test_a_suppressed_figure_is_said_to_be_suppressed_and_not_compared():
    r = row()
    assert words.finding(r, "Plymouth", {"value"}, 5) == (
        "EHC plans issued within 20 weeks: the Plymouth figure in 2024 is suppressed in the public version "
        "(fewer than 5)")
    assert words.figure(r, {"value"}) == "c"
    assert "England" not in words.finding(r, "Plymouth", {"england"})


def test_a_measure_without_a_register_sentence_reads_plainly():
    r = row(metric=PLAIN, value=0.13, numerator=52, denominator=39014, previous=0.11, england=0.11)
    assert words.finding(r, "Plymouth") == ("Plymouth, permanent exclusion rate, all pupils: 0.13% (52 of 39,014) in "
                                            "2024, up from 0.11% in 2023 and similar to England (0.11%)")


@pytest.mark.parametrize("label,kind,phrase,tick", [
    ("2024", "calendar_year", "in 2024", "2024"),
    ("2024/25", "academic_year", "in 2024/25", "2024/25"),
    ("Autumn 2026/27", "term", "in Autumn term 2026/27", "Autumn 2026/27"),
    ("January 2025", "census_date", "at the January 2025 census", "Jan 2025"),
    ("FY 2024-25", "financial_year", "in financial year 2024-25", "2024-25"),
])
def test_periods_read_the_same_in_every_sentence(label, kind, phrase, tick):
    assert words.period_in(label, kind) == phrase
    assert words.period_in(from_label(label, kind)) == phrase
    assert words.period_tick(label, kind) == tick


# ---------------------------------------------------------------- ranks, bands, sources

def test_rank_and_band_words():
    assert words.position(row()) == "145th of 149, band D (worst quarter)"
    assert words.rank_words(12, 150, "context") == "12th of 150 (1 = highest)"
    assert [words.ordinal(n) for n in (1, 2, 3, 11, 12, 13, 21, 112)] == [
        "1st", "2nd", "3rd", "11th", "12th", "13th", "21st", "112th"]
    assert words.rank_cell(TIMELINESS, None, None, 100.0, True) == "not ranked: small numbers"
    assert words.rank_cell(TIMELINESS, None, None, None, False) == "not ranked"


def test_a_source_line_names_publisher_release_and_periods():
    uses = [words.SourceUse("Department for Education", "Education, health and care plans, reporting year 2025",
                            "June 2025", "2019", "2024"),
            words.SourceUse("Local authority", "Local termly return", "", "Autumn term 2025/26",
                            "Autumn term 2026/27", "illustrative figures")]
    assert words.source_line(uses) == (
        "Source: Department for Education, Education, health and care plans, reporting year 2025, released in June 2025: "
        "2019 to 2024; Local authority, Local termly return: Autumn term 2025/26 to Autumn term 2026/27 "
        "(illustrative figures).")
    r = row(source="Education, health and care plans, reporting year 2025", source_publisher="Department for Education",
            source_released="June 2025")
    assert words.row_source_line(r, "2017") == ("Source: Department for Education, Education, health and care plans, "
                                                "reporting year 2025, released in June 2025: 2017 to 2024.")


def trend_frame_of(points, metric_id: str) -> pd.DataFrame:
    """A trend frame (charts.trend) with the columns the words read, from (role, series, year, value)."""
    return pd.DataFrame([{
        "role": role, "series": name, "metric_id": metric_id, "period": str(year), "period_kind": "calendar_year",
        "end_date": date(year, 12, 31), "x": pd.Timestamp(year, 7, 2), "value": value, "status": "published",
        "numerator": None, "denominator": None, "small_numbers": False, "note": None,
    } for role, name, year, value in points])


def test_a_trend_title_compares_like_with_like_and_labels_small_numbers():
    frame = trend_frame_of([("area", "Plymouth", 2023, 17.8), ("area", "Plymouth", 2024, 6.0),
                            ("england", "England", 2024, 46.4)], "ehcp_20wk_pct")
    assert words.trend_title(frame, TIMELINESS, "Plymouth") == (
        "Plymouth issued 6.0% of new EHC plans within 20 weeks in 2024, down from 17.8% in 2023 and below England "
        "(46.4%)")
    small = frame.copy()
    small.loc[1, ["numerator", "denominator", "small_numbers"]] = [1, 1, True]
    title = words.trend_title(small, TIMELINESS, "Isles of Scilly")
    assert "(1 of 1; small numbers: treat with caution)" in title
    assert "below England" not in title and "England 46.4% (context only" in title
    assert "Hollow points are on small numbers" in words.trend_description(small, TIMELINESS)


def test_ranking_and_map_titles_say_why_an_area_is_not_ranked():
    class Area:
        code, name, level = "E06000053", "Isles of Scilly", "la"

    frame = pd.DataFrame([{"area_code": "E06000053", "area_name": "Isles of Scilly", "value": 100.0, "rank": None,
                           "rank_of": None, "band": None, "small_numbers": True, "status": "published",
                           "value_words": "100.0%: 1 of 1 (small numbers: treat with caution)",
                           "band_words": "no band: small numbers", "rank_words": "not ranked: small numbers"}])
    title = words.ranking_title(frame, TIMELINESS, Area, 46.4, "2024", "calendar_year")
    assert "(small numbers, not ranked)" in title and "1st" not in title
    assert words.hex_title(frame, TIMELINESS, Area, "2024", "calendar_year").endswith(
        "Isles of Scilly is not banded (small numbers)")
