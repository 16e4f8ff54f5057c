"""The statistical-neighbour reader on committed cuts of DfE's two workbooks (tests/fixtures/
neighbours): sheet "LA SN Groups" under two rows of column letters and numbers, closeness in
inconsistent capitals, abolished LAs under "Old SNs:", and the model year read from the content."""

import io

import openpyxl
import pytest

from scorecard import config, ingest, seed
from scorecard.importers import neighbours, read_file
from tests.conftest import fixture_file

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PLYMOUTH_2025 = ["E08000008", "E06000027", "E06000020", "E08000027", "E08000018",
                 "E08000036", "E08000034", "E08000037", "E06000035", "E06000052"]


@pytest.mark.parametrize("name,year,areas", [("sn_may_2025.xlsx", 2025, 14), ("sn_april_2021.xlsx", 2021, 12)])
def test_each_list_is_the_seed_list(name, year, areas, empty_ctx):
    plan = read_file(fixture_file(f"neighbours/{name}"), empty_ctx)
    assert plan.format == neighbours.FORMAT and plan.neighbour_model_year == year
    assert plan.source_id == f"dfe-sn-{year}" and len(plan.values) == 0
    got = plan.neighbours
    assert got["area_code"].nunique() == areas and (got.groupby("area_code").size() == 10).all()
    stored = seed.read_table(config.SEED_DIR, "neighbours").df()
    stored = stored[stored["model_year"] == year].set_index(["area_code", "rank"])
    for r in got.itertuples():
        s = stored.loc[(r.area_code, r.rank)]
        assert (r.neighbour_code, r.closeness) == (s["neighbour_code"], s["closeness"]), (r.area_code, r.rank)


def test_plymouth_2025_in_rank_order_with_closeness_normalised(empty_ctx):
    plan = read_file(fixture_file("neighbours/sn_may_2025.xlsx"), empty_ctx)
    plymouth = plan.neighbours[plan.neighbours["area_code"] == "E06000026"].sort_values("rank")
    assert list(plymouth["neighbour_code"]) == PLYMOUTH_2025
    assert list(plymouth["closeness"]) == ["Very close"] * 6 + ["Close"] * 4
    assert set(plan.neighbours["closeness"]) <= set(neighbours.CLOSENESS)


def test_old_sns_are_the_abolished_authorities(empty_ctx):
    plan = read_file(fixture_file("neighbours/sn_may_2025.xlsx"), empty_ctx)
    codes = set(plan.neighbours["area_code"])
    # Under "Old SNs:", 835 is the old Dorset county, 928 Northamptonshire, 909 Cumbria.
    assert {"E10000009", "E10000021", "E10000006"} <= codes
    dorset_old = plan.neighbours[plan.neighbours["area_code"] == "E10000009"].sort_values("rank")
    assert dorset_old.iloc[0]["closeness"] == "Extremely close"  # "Extremely Close" in the workbook


def test_the_2021_model_lists_cumberland_without_neighbours(empty_ctx):
    plan = read_file(fixture_file("neighbours/sn_april_2021.xlsx"), empty_ctx)
    assert "E06000063" not in set(plan.neighbours["area_code"]), "Cumberland's '-' cells are not neighbours"
    assert "E06000061" in set(plan.neighbours["area_code"])


def test_model_year_can_be_given(empty_ctx):
    plan = read_file(fixture_file("neighbours/sn_april_2021.xlsx"), empty_ctx, model_year=2022)
    assert plan.neighbour_model_year == 2022 and set(plan.neighbours["model_year"]) == {2022}


def test_unknown_neighbour_and_closeness_are_refused_by_cell(empty_ctx):
    source = fixture_file("neighbours/sn_may_2025.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(source.data))
    ws = wb[neighbours.SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == 879)
    ws.cell(row, 6, 999)
    ws.cell(row, 9, "Quite near")
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(neighbours.ImportFailure) as failure:
        neighbours.read(type(source)(source.name, out.getvalue()), empty_ctx)
    message = str(failure.value)
    assert f"sn_may_2025.xlsx, row {row}, column 'SN1': unknown neighbour LA number 999" in message
    assert f"sn_may_2025.xlsx, row {row}, column 'SNP': closeness 'Quite near' is not one of" in message


def test_both_models_are_stored_side_by_side(empty_con):
    ingest.import_source(empty_con, fixture_file("neighbours/sn_april_2021.xlsx"), actor=ADMIN)
    ingest.import_source(empty_con, fixture_file("neighbours/sn_may_2025.xlsx"), actor=ADMIN)
    rows = empty_con.execute("SELECT model_year, count(*) FROM neighbour GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [(2021, 120), (2025, 140)]
    plymouth = empty_con.execute("SELECT neighbour_code FROM neighbour WHERE model_year = 2025 "
                                 "AND area_code = 'E06000026' ORDER BY rank").fetchall()
    assert [r[0] for r in plymouth] == PLYMOUTH_2025
