"""Statistical neighbours and LAIT-style comparators, checked against the raw workbooks."""

import openpyxl
import pytest

from scorecard import queries
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

