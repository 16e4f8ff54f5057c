"""The scorecard page's words for one card row (scorecard/ui/widgets.py), on real figures: the change
in words, the figure with its counts, comparators with their periods and like-with-like caveats, and
rank or why not; and the card's Table view in the summary's words."""

from scorecard import card, ingest, local_returns
from scorecard.importers import SourceFile
from scorecard.ui import widgets

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PLYMOUTH, SCILLY, ENGLAND = "E06000026", "E06000053", "E92000001"
TERM = "Autumn 2026/27"


def _row(built, metric_id):
    return next(r for r in built.rows if r.metric.id == metric_id)


def test_scorecard_row_words(con):
    plymouth = card.build(con, PLYMOUTH, TERM)
    row = _row(plymouth, "ehcp_20wk_pct")
    assert widgets.delta_words(row) == {"delta": "down 11.8 points: worse", "arrow": "down", "colour": "orange"}
    assert widgets.period_words(row).startswith("6.0%: 24 of 403, calendar year 2024.")
    assert "Previous: 17.8% (calendar year 2023). 95% confidence interval: 4.0% to 8.7% (Wilson score interval)." \
        in widgets.period_words(row)
    assert widgets.comparator_lines(row, "la") == [
        "England: 46.4% (calendar year 2024)", "South West: 28.5% (calendar year 2024)",
        "Statistical neighbours: 48.5% (mean of 10 of 10) (calendar year 2024)"]
    assert widgets.position_lines(row, "la") == ["Rank: 145th of 149", "Band: D (worst quarter)"]
    table = widgets.card_table(plymouth).set_index("Measure")
    assert table.loc["EHC plans issued within 20 weeks", "Trend"][-2:] == [17.8, 6.0]
    assert table.loc["EHC plans issued within 20 weeks", "Latest"] == "6.0%: 24 of 403"
    scilly = card.build(con, SCILLY, TERM)
    ehe = _row(scilly, "ehe_anytime")
    assert widgets.value_words(ehe) == "No figure"
    assert widgets.period_words(ehe).startswith("Academic year 2024/25: no published figure (rounds to zero).")
    england = card.build(con, ENGLAND, TERM)
    assert widgets.position_lines(england.rows[0], "england") == ["Not ranked: only local authorities are ranked"]


def test_a_count_is_not_ranked_and_its_comparators_are_context_only(con):
    row = _row(card.build(con, PLYMOUTH, TERM), "ehcp_requests")
    assert widgets.position_lines(row, "la") == ["Not ranked: a count (bigger areas have more)"]
    lines = widgets.comparator_lines(row, "la")
    assert lines[0] == "England total: 154,489 (calendar year 2024): context only, not directly comparable"
    assert all(line.endswith("context only, not directly comparable") for line in lines)


def test_small_numbers_are_never_better_or_worse_on_the_card(con):
    row = _row(card.build(con, SCILLY, TERM), "ehcp_20wk_pct")
    assert row.small_numbers
    delta = widgets.delta_words(row)
    assert "better" not in delta["delta"] and "worse" not in delta["delta"]
    assert delta["delta"].endswith("(small numbers: treat with caution)") and delta["colour"] == "gray"
    assert widgets.period_words(row).startswith("100.0%: 1 of 1 (small numbers: treat with caution), ")
    assert widgets.position_lines(row, "la") == ["Not ranked: small numbers"]


def test_the_table_view_rounds_and_labels_illustrative_figures(con):
    local_returns.load_sample(con, actor=ADMIN)
    table = widgets.card_table(card.build(con, PLYMOUTH, TERM)).set_index("Measure")
    assert table.loc["EHC plans within 20 weeks (term)", "Latest"] == "66.7%: 86 of 129 (illustrative)"
    assert table.loc["EHC plans within 20 weeks (term)", "Change"].startswith("up 5.3 points on Summer term 2025/26")
    for trend in table["Trend"]:
        assert all(v == round(v, 4) for v in trend)


def test_a_termly_local_count_has_no_comparable_national_figure(con, tmp_path):
    path = tmp_path / "return.csv"
    path.write_text("area,metric,period,value\nPlymouth,tribunal_appeals_term,Autumn 2025/26,21\n")
    ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    table = widgets.card_table(card.build(con, PLYMOUTH, TERM)).set_index("Measure")
    assert table.loc["Tribunal appeals (term)", "England"] == "no comparable national figure"
    assert table.loc["Tribunal appeals (term)", "Statistical neighbours"] == "no comparable national figure"
