"""What the Trends and Compare pages show, worked out without Streamlit (scorecard.trend_view and
scorecard.compare_view): the pages only lay these out."""

from __future__ import annotations

import pytest

from scorecard import compare_view, hexmap, periods, queries, targets, trend_view
from scorecard.areas import AreaIndex
from scorecard.register import metrics_from_store
from scorecard.tables import metric_table

PLYMOUTH, CUMBERLAND, SCILLY, ENGLAND = "E06000026", "E06000063", "E06000053", "E92000001"
TERM = periods.parse("Autumn 2026/27")


@pytest.fixture
def trends(con):
    metrics = metrics_from_store(con)
    index = AreaIndex.from_store(con)

    def build(code: str, metric_id: str = "ehcp_20wk_pct", term=TERM):
        return trend_view.build(index.get(code), term, metrics[metric_id], metrics,
                                lambda m: metric_table(con, metrics[m]), index,
                                lambda m: queries.series_breaks(con, m), targets.targets_for(con, code),
                                queries.sources(con))
    return build


@pytest.fixture
def compare(con):
    metrics = metrics_from_store(con)
    index = AreaIndex.from_store(con)

    def build(code: str, metric_id: str = "ehcp_20wk_pct", period: str | None = None):
        metric = metrics[metric_id]
        table = metric_table(con, metric)
        options = compare_view.period_options(table)
        chosen = next(p for p in options if p.label == period) if period else \
            compare_view.default_period(options, TERM)
        return compare_view.build(index.get(code), metric, table, chosen, index, queries.neighbour_links(con),
                                  hexmap.load(), queries.sources(con))
    return build


def test_the_trend_view_has_a_finding_a_chart_a_table_a_csv_and_a_source(trends):
    view = trends(PLYMOUTH)
    assert view.heading == "EHC plans issued within 20 weeks: Plymouth" and view.empty is None
    assert view.title.startswith("Plymouth issued 6.0% (24 of 403)")
    assert view.figure is not None and not view.figure.layout.title.text
    assert view.filename == "ehcp_20wk_pct_E06000026_trend.csv"
    assert view.caption.startswith(view.description) and view.caption.endswith(view.source)
    assert view.source.startswith("Source: Department for Education") and "released in June 2025" in view.source
    assert list(view.table.columns)[:2] == ["Period", "Plymouth"]
    assert "time_period" in view.csv.columns
    assert not any("Hollow" in n for n in view.notes)  # Plymouth's figures are not on small numbers


def test_the_trend_view_says_why_there_is_nothing_to_chart(trends):
    view = trends(CUMBERLAND, "mediation_cases")
    assert view.figure is None and view.empty == (
        "No figures yet for mediation cases in Cumberland up to the end of Autumn term 2026/27: Cumberland formed "
        "April 2023 from Cumbria, and earlier figures are for the old authority.")


def test_the_trend_view_notes_what_a_reader_needs(trends):
    scilly = trends(SCILLY)
    assert any(n.startswith("Hollow points are figures on small numbers") for n in scilly.notes)
    counts = trends(PLYMOUTH, "ehcp_requests")
    assert any(n.startswith("A count is context: bigger areas have more") for n in counts.notes)
    cumberland = trends(CUMBERLAND)
    assert any(n.startswith("Cumberland formed April 2023 from Cumbria.") for n in cumberland.notes)
    earlier = trends(PLYMOUTH, term=periods.parse("Spring 2023/24"))
    assert earlier.title.startswith("Plymouth issued 17.8%")  # nothing after the end of the term


def test_the_compare_view_ranks_maps_and_lists_the_neighbours(compare):
    view = compare(PLYMOUTH, period="2024")
    assert view.ranking.title.startswith("Plymouth ranks 145th of 149 local authorities")
    assert view.ranking.filename == "ehcp_20wk_pct_2024_ranked.csv" and view.hexmap.filename == "ehcp_20wk_pct_2024_map.csv"
    assert view.ranking.source.startswith("Source: Department for Education")
    assert view.band_key.startswith("Bands: A (best quarter)")
    assert view.counts is None
    assert len(view.neighbours) == 10 and view.neighbours_mean == "Mean of the 10 of 10 neighbours with a figure: 48.5%."
    assert view.neighbours_heading == "Plymouth's statistical neighbours"
    tameside = view.neighbours_csv.set_index("Statistical neighbour").loc["Tameside"]
    assert tameside["ehcp_20wk_pct"] == 29.4 and tameside["Figure (calendar year 2024)"].startswith("29.4%: ")


def test_the_compare_view_lists_a_count_without_ranking_or_mapping_it(compare):
    view = compare(PLYMOUTH, "ehcp_requests", "2024")
    assert view.ranking is None and view.hexmap is None
    assert view.counts.figure is None and len(view.counts.table) == 153
    assert list(view.counts.table["Local authority"]) == sorted(view.counts.table["Local authority"])
    assert any(n.startswith("A count is context") for n in view.notes)


def test_the_default_period_is_the_newest_by_the_end_of_the_term(con):
    table = metric_table(con, metrics_from_store(con)["ehcp_20wk_pct"])
    options = compare_view.period_options(table)
    assert options[0].label == "2024"
    assert compare_view.default_period(options, TERM).label == "2024"
    assert compare_view.default_period(options, periods.parse("Spring 2023/24")).label == "2023"


def test_england_is_not_highlighted_among_the_authorities(compare):
    view = compare(ENGLAND)
    assert "England is not a local authority, so no authority is highlighted." in view.notes
    assert view.neighbours is None
