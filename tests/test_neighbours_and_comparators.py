"""Statistical neighbours and LAIT-style comparators, checked against the raw workbooks."""

import openpyxl
import pytest

from scorecard import queries
from scorecard.comparators import quartile_band, rank_words, sn_words
from scorecard.tables import metric_table
from scorecard.importers import ImportContext, SourceFile, read_file
from scorecard.register import metrics_from_store
from tests.conftest import raw_path


def _raw_neighbours(workbook: str, la_number: str) -> list[str]:
    ws = openpyxl.load_workbook(raw_path(workbook), read_only=True)["LA SN Groups"]
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[0] is not None and str(row[0]) == la_number:
            return [str(row[j]) for j in range(5, 25, 2)]
    raise AssertionError(la_number)


def test_model_years_are_read_from_content(empty_con):
    for workbook, year in (("neighbours/sn_may_2025.xlsx", 2025), ("neighbours/sn_april_2021.xlsx", 2021)):
        plan = read_file(SourceFile.from_path(raw_path(workbook)), ImportContext.from_store(empty_con))
        assert plan.neighbour_model_year == year


def test_closeness_is_normalised_and_dashes_skipped(con):
    links = queries.neighbour_links(con)
    assert set(links["closeness"]) <= {"Extremely close", "Very close", "Close", "Somewhat close", "Not close"}
    cumberland_2021 = links[(links["model_year"] == 2021) & (links["area_code"] == "E06000063")]
    assert cumberland_2021.empty  # '-' in the 2021 model: Cumberland did not exist
    assert len(links[(links["model_year"] == 2025) & (links["area_code"] == "E06000063")]) == 10


def test_plymouth_neighbours_match_the_workbook(con, areas):
    links = queries.neighbour_links(con, 2025)
    mine = links[links["area_code"] == "E06000026"].sort_values("rank")
    assert [areas.get(c).la_number for c in mine["neighbour_code"]] == _raw_neighbours("neighbours/sn_may_2025.xlsx", "879")


def test_neighbour_mean_is_the_mean_of_those_with_a_value(con, areas):
    metric = metrics_from_store(con)["ehcp_20wk_pct"]
    values = queries.metric_values(con, metric.id)
    table = metric_table(con, metric)
    row = table[(table["area_code"] == "E06000026") & (table["period"] == "2024")].iloc[0]
    numbers = _raw_neighbours("neighbours/sn_may_2025.xlsx", "879")
    neighbour_values = []
    for n in numbers:
        v = values[(values["area_code"] == areas.by_la_number(n)) & (values["period"] == "2024")]["value"]
        if len(v) and v.notna().item():
            neighbour_values.append(v.item())
    assert row.sn_count == len(neighbour_values) and row.sn_of == 10
    assert row.sn_mean == pytest.approx(sum(neighbour_values) / len(neighbour_values))
    assert row.england == pytest.approx(46.4)


def test_mean_counts_only_neighbours_with_a_figure(con):
    metric = metrics_from_store(con)["ehcp_20wk_pct"]
    table = metric_table(con, metric)
    # Dorset's 2024 rate is 'x'; so an LA with Dorset as a neighbour averages fewer than 10.
    partial = table[(table["period"] == "2024") & (table["sn_count"] < table["sn_of"])]
    assert len(partial) > 0


def test_ranks_follow_polarity_and_ties_take_the_lowest(con):
    metrics = metrics_from_store(con)
    higher = metrics["ehcp_20wk_pct"]
    table = metric_table(con, higher)
    y = table[(table["period"] == "2024") & (table["level"] == "la") & table["value"].notna()]
    best = y.sort_values("value", ascending=False).iloc[0]
    assert best["rank"] == 1 and best["quartile"] == "A"
    assert y["rank"].max() <= y["rank_of"].iloc[0]
    hundreds = y[y["value"] == 100]
    if len(hundreds) > 1:
        assert set(hundreds["rank"]) == {1}
    plymouth = y[y["area_code"] == "E06000026"].iloc[0]
    assert (plymouth["rank"], plymouth["rank_of"], plymouth["quartile"]) == (147, 151, "D")

    lower = metrics["tribunal_appeal_rate_pct"]
    t = metric_table(con, lower)
    y = t[(t["period"] == "2024") & (t["level"] == "la") & t["value"].notna()]
    assert y.sort_values("value").iloc[0]["rank"] == 1


def test_context_metrics_get_no_quartile(con):
    metric = metrics_from_store(con)["ehcp_requests"]
    t = metric_table(con, metric)
    assert t["quartile"].isna().all()


def test_words():
    assert quartile_band(1, 150) == "A" and quartile_band(150, 150) == "D" and quartile_band(38, 150) == "B"
    assert rank_words(12, 150) == "12th of 150" and rank_words(1, 151) == "1st of 151"
    assert rank_words(2, 150) == "2nd of 150" and rank_words(113, 150) == "113th of 150"
    assert sn_words(9, 10) == "mean of 9 of 10"
