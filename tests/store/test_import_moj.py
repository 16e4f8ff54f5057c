"""The MoJ appeal-rate table, CSV and ODS, as published."""

import pytest

from scorecard import queries

CSV = "moj/SEND Tribunals and appeal rate 2014-2024.csv"
ODS = "moj/send_appeal_rate_table_2022.ods"


def _figure(con, metric, area, year):
    t = queries.metric_values(con, metric)
    return t[(t["area_code"] == area) & (t["period"] == year)].iloc[0]


def test_durham_2014_and_plymouth_2024(con):
    durham = _figure(con, "tribunal_appeal_rate_pct", "E06000047", "2014")
    assert (durham.numerator, durham.denominator, durham.value) == (34, 2533, 1.3)
    plymouth = _figure(con, "tribunal_appeal_rate_pct", "E06000026", "2024")
    assert (plymouth.numerator, plymouth.denominator, plymouth.value) == (252, 3089, 8.2)
    assert _figure(con, "tribunal_appeals", "E06000026", "2024").value == 252


def test_in_development_columns_are_a_separate_metric(con):
    durham = _figure(con, "tribunal_appeal_rate_dev_pct", "E06000047", "2024")
    assert (durham.value, durham.denominator) == (11.0, 3124)
    assert _figure(con, "tribunal_appeal_rate_pct", "E06000047", "2024").value == 5.9
    plymouth_dev = _figure(con, "tribunal_appeal_rate_dev_pct", "E06000026", "2024")
    assert plymouth_dev.status == "not_available" and plymouth_dev.value != plymouth_dev.value


def test_nil_dash_is_zero_and_dots_are_not_available(con):
    t = queries.metric_values(con, "tribunal_appeals")
    hartlepool = t[(t["area_name"] == "Hartlepool") & (t["period"] == "2014")].iloc[0]
    assert hartlepool.value == 0 and hartlepool.status == "published"
    cumbria_2023 = t[(t["area_code"] == "E10000006") & (t["period"] == "2023")].iloc[0]
    assert cumbria_2023.status == "not_available" and cumbria_2023.value != cumbria_2023.value
    cumberland = t[t["area_code"] == "E06000063"]
    assert set(cumberland["period"]) == {"2023", "2024"}, "'..' for years before Cumberland existed is not stored"


def test_dorset_before_2019_belongs_to_the_old_county(con):
    t = queries.metric_values(con, "tribunal_appeals")
    assert t[(t["area_code"] == "E10000009") & (t["period"] == "2014")]["value"].item() == 20
    assert t[(t["area_code"] == "E06000059") & (t["period"] == "2014")].empty
    assert t[(t["area_code"] == "E06000059") & (t["period"] == "2019")]["value"].item() == 57


def test_region_is_a_ratio_of_sums_when_not_published(con):
    from scorecard.register import metrics_from_store
    from scorecard.tables import metric_table

    metric = metrics_from_store(con)["tribunal_appeal_rate_pct"]
    t = metric_table(con, metric)
    durham = t[(t["area_code"] == "E06000047") & (t["period"] == "2024")].iloc[0]
    las = t[(t["region_code"] == "E12000001") & (t["period"] == "2024") & (t["level"] == "la")]
    assert durham.region == pytest.approx(100 * las["numerator"].sum() / las["denominator"].sum())
    assert durham.region_note.startswith(f"calculated from {len(las)} of {len(las)} local authorities")
    assert "sum of numerators" in durham.region_note

