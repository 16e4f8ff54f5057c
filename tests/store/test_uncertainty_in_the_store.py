"""Small numbers judged by their uncertainty, on the real seeded figures (issue 18): the comparator
query's intervals and rank rule are uncertainty.py's; City of London's 0 of 26 appeals is unranked
while Bristol's 2019 3 of 395 keeps its place near the bottom; changes within the uncertainty are
"no clear change"; "similar to England" where England lies inside the interval; and every output
that shows a figure shows its interval."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from scorecard import card, cli, compare_view, hexmap, queries, summary, uncertainty, words
from scorecard.areas import AreaIndex
from scorecard.charts.hexmap_chart import SMALL, _group
from scorecard.charts.ranking import ranking_frame
from scorecard.register import metrics_from_store
from scorecard.tables import metric_table
from scorecard.ui import widgets

TERM = "Autumn 2026/27"
CITY_OF_LONDON, BRISTOL, PLYMOUTH, SCILLY = "E09000001", "E06000023", "E06000026", "E06000053"


def _la_rows(con, metric_id: str, period: str) -> pd.DataFrame:
    table = metric_table(con, metrics_from_store(con)[metric_id])
    return table[(table["period"] == period) & (table["level"] == "la")].set_index("area_code")


def test_city_of_london_is_unranked_and_bristol_keeps_its_place(con):
    appeals = _la_rows(con, "tribunal_appeal_rate_pct", "2024")
    london = appeals.loc[CITY_OF_LONDON]
    assert (london["numerator"], london["denominator"], london["value"]) == (0, 26, 0)
    assert round(london["ci_lower"], 1) == 0.0 and round(london["ci_upper"], 1) == 12.9
    assert london["rank_uncertain"] and pd.isna(london["rank"]) and pd.isna(london["quartile"])
    assert appeals["rank"].notna().sum() == appeals["rank_of"].dropna().iloc[0]  # ranked among the certain only
    assert 1 not in set(appeals.loc[appeals["rank_uncertain"], "rank"].dropna())

    timeliness = _la_rows(con, "ehcp_20wk_pct", "2019")
    bristol = timeliness.loc[BRISTOL]
    assert (bristol["numerator"], bristol["denominator"]) == (3, 395)
    assert (round(bristol["ci_lower"], 1), round(bristol["ci_upper"], 1)) == (0.3, 2.2)
    assert not bristol["rank_uncertain"] and bristol["quartile"] == "D"
    assert bristol["rank"] >= bristol["rank_of"] - 2  # certainly near the bottom


@pytest.mark.parametrize("metric_id", ["tribunal_appeal_rate_pct", "ehcp_20wk_pct", "excl_susp_rate",
                                       "ehcp_requests_refused_pct"])
def test_the_query_uses_the_statistics_modules_intervals_and_rank_rule(con, metric_id):
    """The comparator query works the intervals and the rank rule out in SQL for every area at once;
    here they are worked out again, row by row, with uncertainty.py, and must agree."""
    metric = metrics_from_store(con)[metric_id]
    table = metric_table(con, metric)
    for r in table.itertuples():
        found = uncertainty.interval(metric.unit, None if pd.isna(r.numerator) else r.numerator,
                                     None if pd.isna(r.denominator) else r.denominator, metric.signed)
        if found is None:
            assert pd.isna(r.ci_lower) and pd.isna(r.ci_upper), (r.area_name, r.period)
        else:
            assert r.ci_lower == pytest.approx(found.lower, abs=1e-9) and r.ci_upper == pytest.approx(found.upper, abs=1e-9)
    sign = -1 if metric.polarity == "lower" else 1
    for period, rows in table[(table["level"] == "la")].groupby("period"):
        eligible = rows[rows["value"].notna() & ~rows["small_numbers"] & rows["status"].isin(["published", "computed"])]
        goodness = sorted((v * sign for v in eligible["value"]), reverse=True)
        cuts = uncertainty.band_cuts(goodness)
        for r in eligible.itertuples():
            if pd.isna(r.ci_lower) or not cuts:
                expected = True
            else:
                ends = [uncertainty.band_index(e * sign, cuts) for e in (r.ci_lower, r.ci_upper)]
                expected = uncertainty.rank_is_certain(*ends)
            assert bool(r.rank_uncertain) is (not expected), (metric_id, period, r.area_name)
            assert pd.isna(r.rank) is (not expected), (metric_id, period, r.area_name)
        ranked = eligible[eligible["rank"].notna()]
        if len(ranked):
            assert ranked["rank_of"].iloc[0] == len(ranked)
            best = ranked.sort_values("value", ascending=metric.polarity == "lower").iloc[0]
            assert best["rank"] == 1


def test_every_output_says_rank_uncertain_and_leaves_it_off_the_map(con):
    built = card.build(con, CITY_OF_LONDON, TERM)
    row = next(r for r in built.rows if r.metric.id == "tribunal_appeal_rate_pct")
    assert row.rank is None and row.rank_uncertain and row.quartile is None
    assert words.position(row) == "rank uncertain: small numbers"
    line = next(r for g in summary.board_summary(built, "la") for r in g.rows if r.metric_id == row.metric.id)
    assert line.position == "rank uncertain: small numbers" and line.interval == "0.0% to 12.9%"
    assert "too wide to place it among other areas: rank uncertain: small numbers" in words.sentence(row, "City of London")
    assert "1st" not in words.sentence(row, "City of London")
    assert "95% confidence interval: 0.0% to 12.9%" in widgets.period_words(row)
    assert widgets.card_table(built).set_index("Measure").loc[row.metric.label, "95% confidence interval"] \
        == "0.0% to 12.9%"
    assert "95% confidence interval" in summary.summary_frame(summary.board_summary(built, "la")).columns

    areas = AreaIndex.from_store(con)
    metric = metrics_from_store(con)["tribunal_appeal_rate_pct"]
    table = metric_table(con, metric)
    period = next(p for p in compare_view.period_options(table) if p.label == "2024")
    view = compare_view.build(areas.get(CITY_OF_LONDON), metric, table, period, areas, queries.neighbour_links(con),
                              hexmap.load(), queries.sources(con))
    assert "rank uncertain, not ranked" in view.ranking.title or "rank uncertain: small numbers" in view.ranking.title
    mine = view.ranking.table[view.ranking.table["ONS code"] == CITY_OF_LONDON].iloc[0]
    assert mine["Rank"] == "rank uncertain: small numbers" and mine["Band"] == "no band: rank uncertain (small numbers)"
    bars = [code for trace in view.ranking.figure.data for code in (trace.customdata or [])]
    assert not any("City of London" == c[0] for c in bars), "no bar among the ranked"
    ranked = view.ranking.csv.set_index("new_la_code")
    assert ranked.loc[CITY_OF_LONDON, "rank_note"] == "rank uncertain: small numbers"
    assert ranked.loc[CITY_OF_LONDON, "tribunal_appeal_rate_pct_ci_upper"] == 12.9
    frame = ranking_frame(table, "2024", metric).set_index("area_code", drop=False)
    assert _group(frame.loc[CITY_OF_LONDON]) == SMALL  # hollow on the hex map, not banded
    assert "small numbers, not banded (hollow circle)" in view.hexmap.description


def test_show_and_card_print_the_interval_and_why_a_figure_is_unranked(db_path, capsys):
    assert cli.main(["--db", str(db_path), "show", "--metric", "tribunal_appeal_rate_pct", "--area",
                     "City of London", "--format", "json"]) == 0
    shown = [r for r in json.loads(capsys.readouterr().out) if r["period"] == "2024"]
    assert shown[0]["rank"] is None and shown[0]["rank_note"] == "rank uncertain: small numbers"
    assert (shown[0]["ci_lower"], shown[0]["ci_upper"]) == (0.0, 12.9)
    assert cli.main(["--db", str(db_path), "card", "--area", "City of London", "--term", TERM, "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("metric")
    row = frame.loc["tribunal_appeal_rate_pct"]
    assert (row["ci_lower"], row["ci_upper"]) == (0.0, 12.87) and bool(row["rank_uncertain"])
    assert pd.isna(row["rank"])


def test_a_change_within_the_uncertainty_is_no_clear_change(con):
    """Scilly's suspensions: a change of a suspension or two on a few hundred pupils is not 'worse'."""
    built = card.build(con, SCILLY, TERM)
    row = next(r for r in built.rows if r.metric.id == "excl_susp_rate")
    assert row.clear_change is False and row.direction == "no clear change"
    assert words.direction(row).endswith("no clear change") and "worse" not in words.change(row)
    assert widgets.delta_words(row)["colour"] == "gray"
    plymouth = card.build(con, PLYMOUTH, TERM)
    timeliness = next(r for r in plymouth.rows if r.metric.id == "ehcp_20wk_pct")
    assert timeliness.clear_change is True and words.direction(timeliness) == "↓ worse"  # 72 of 403 to 24 of 403


def test_similar_to_england_where_england_lies_inside_the_interval(con):
    built = card.build(con, CITY_OF_LONDON, TERM)
    row = next(r for r in built.rows if r.metric.id == "tribunal_appeal_rate_pct")
    assert row.interval.contains(row.england)
    assert "similar to England (3.2%)" in words.sentence(row, "City of London")
    assert "below England" not in words.sentence(row, "City of London")
    plymouth = next(r for r in card.build(con, PLYMOUTH, TERM).rows if r.metric.id == "tribunal_appeal_rate_pct")
    assert "above England (3.2%)" in words.sentence(plymouth, "Plymouth")  # 7.2% to 9.2% leaves England out



def test_the_neighbours_csv_and_the_excel_pack_carry_each_interval(con):
    from openpyxl import load_workbook

    from scorecard.reports import build_pack, render

    areas = AreaIndex.from_store(con)
    metric = metrics_from_store(con)["tribunal_appeal_rate_pct"]
    table = metric_table(con, metric)
    period = next(p for p in compare_view.period_options(table) if p.label == "2024")
    view = compare_view.build(areas.get(PLYMOUTH), metric, table, period, areas, queries.neighbour_links(con),
                              hexmap.load(), queries.sources(con))
    assert {"tribunal_appeal_rate_pct_ci_lower", "tribunal_appeal_rate_pct_ci_upper"} <= set(view.neighbours_csv)
    assert view.neighbours_csv["tribunal_appeal_rate_pct_ci_upper"].notna().all()
    workbook = load_workbook(io.BytesIO(render(build_pack(con, CITY_OF_LONDON, TERM), "xlsx")[0]))
    header = [c.value for c in workbook["Values"][1]]
    rows = {r[0]: dict(zip(header, r)) for r in workbook["Values"].iter_rows(min_row=2, values_only=True)}
    assert (rows["tribunal_appeal_rate_pct"]["ci_lower_95"], rows["tribunal_appeal_rate_pct"]["ci_upper_95"]) == (0.0, 12.87)
