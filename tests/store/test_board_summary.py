"""The board summary and the words about figures, on the cases that misled users: the Isles of
Scilly's 1-of-1, Cornwall's 7.0% against 60%, counts banded "worst quarter", a termly count beside
an annual England total."""

from datetime import date

import pytest

from scorecard import card, ingest, queries, sources_info, summary, targets, words
from scorecard.importers import SourceFile

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

pytestmark = pytest.mark.both_backends  # the same store code serves a DuckDB file and a DuckLake

TERM = "Autumn 2026/27"
PLYMOUTH, SCILLY, CORNWALL = "E06000026", "E06000053", "E06000052"


def _row(built, metric_id):
    return next(r for r in built.rows if r.metric.id == metric_id)


def _summary_row(groups, metric_id):
    return next(r for g in groups for r in g.rows if r.metric_id == metric_id)


def test_isles_of_scilly_shows_its_counts_and_a_caution_and_no_rank(con):
    built = card.build(con, SCILLY, TERM)
    row = _row(built, "ehcp_20wk_pct")
    assert row.small_numbers and row.rank is None and row.quartile is None
    line = _summary_row(summary.board_summary(built, "la"), "ehcp_20wk_pct")
    assert line.latest == "100.0%: 1 of 1 (small numbers: treat with caution)"
    assert line.position == "not ranked: small numbers" and "1st" not in line.position
    assert line.direction in ("↑ up", "↓ down", "→ no change")  # never better or worse on small numbers
    assert "better" not in words.change(row) and "worse" not in words.change(row)


def test_cornwall_at_seven_per_cent_against_sixty_is_red_whatever_its_trend(con):
    targets.save_targets(con, [{"area_code": CORNWALL, "metric_id": "ehcp_20wk_pct", "period_label": None,
                                "from_period": None, "to_period": None, "target": 60.0, "tolerance": 0,
                                "baseline_period": None}], actor=ADMIN)
    built = card.build(con, CORNWALL, TERM)
    row = _row(built, "ehcp_20wk_pct")
    assert row.value == 7.0 and row.rating.rag == "Red"
    line = _summary_row(summary.board_summary(built, "la"), "ehcp_20wk_pct")
    assert (line.rating, line.direction) == ("■ Red", "↑ better")  # the trend beside the rating, not in it


def test_counts_carry_no_rank_or_band_and_the_rate_is_the_headline(con):
    built = card.build(con, PLYMOUTH, TERM)
    ids = [r.metric.id for r in built.rows]
    assert "tribunal_appeals" not in ids and "tribunal_appeal_rate_pct" in ids
    rate = _summary_row(summary.board_summary(built, "la"), "tribunal_appeal_rate_pct")
    assert rate.latest == "8.2%: 252 of 3,089"
    for metric_id in ("ehcp_requests", "ehe_anytime", "ehcp_caseload"):
        row = _row(built, metric_id)
        assert row.rank is None and row.quartile is None
        line = _summary_row(summary.board_summary(built, "la"), metric_id)
        assert line.position == "not ranked: a count (bigger areas have more)" and "band" not in line.position
        assert "not directly comparable" in line.england


def test_a_termly_count_beside_an_annual_england_total_has_no_comparable_national_figure(con, tmp_path):
    """Issue 18: 'Tribunal appeals (term) 21' sat beside England's '22,276 (2024)'."""
    path = tmp_path / "return.csv"
    path.write_text("area,metric,period,value\nPlymouth,tribunal_appeals_term,Autumn 2025/26,21\n")
    ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    built = card.build(con, PLYMOUTH, TERM)
    row = _row(built, "tribunal_appeals_term")
    assert not row.comparable and not row.like_with_like
    assert row.england is None and row.sn_mean is None  # no national figure of another kind is carried
    line = _summary_row(summary.board_summary(built, "la"), "tribunal_appeals_term")
    assert line.england == line.neighbours == "no comparable national figure"
    assert "22,276" not in " ".join(line.cells()) and "22,276" not in words.sentence(row, "Plymouth")


def test_group_counts_read_in_words(con):
    targets.save_targets(con, [
        {"area_code": PLYMOUTH, "metric_id": m, "period_label": None, "from_period": None, "to_period": None,
         "target": t, "tolerance": 0, "baseline_period": None}
        for m, t in (("ehcp_20wk_pct", 60.0), ("ehcp_requests_6wk_pct", 19.5), ("tribunal_appeal_rate_pct", 9.0))], actor=ADMIN)
    groups = summary.board_summary(card.build(con, PLYMOUTH, TERM), "la")
    total = summary.totals(groups)
    assert total.counts_words == f"1 red, 1 amber, 1 green, {len(total.rows) - 3} not rated"
    frame = summary.summary_frame(groups)
    assert list(frame.columns) == ["Group", *summary.COLUMNS[:2], summary.INTERVAL_COLUMN, *summary.COLUMNS[2:],
                                   "Accountable partner"] and len(frame) == len(total.rows)


def test_the_staleness_statement_names_each_sources_latest_period_and_next_release(con):
    lines = sources_info.latest_releases(queries.sources(con), queries.latest_periods(con), date(2026, 12, 1))
    ehcp = next(line for line in lines if "Education, health and care plans" in line)
    assert "latest figures for calendar year 2024 and January 2025 census" in ehcp
    assert "released in June 2025" in ehcp and "June 2026" in ehcp
    assert not any("Local" in line for line in lines)


@pytest.mark.parametrize("value,expected", [(6.0, "6.0%: 24 of 403")])
def test_value_with_counts(con, value, expected):
    metric = card.metrics_from_store(con)["ehcp_20wk_pct"]
    assert words.value_with_counts(value, 24, 403, metric) == expected
    assert words.value_with_counts(value, None, 403, metric) == "6.0%"
