"""The MoJ appeal-rate table, CSV and ODS, as published."""

import pytest

from scorecard import ingest, queries
from scorecard.importers import ImportContext, SourceFile, read_file
from tests.conftest import raw_path

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

CSV = "moj/SEND Tribunals and appeal rate 2014-2024.csv"
ODS = "moj/send_appeal_rate_table_2022.ods"


def _figure(con, metric, area, year):
    t = queries.metric_values(con, metric)
    return t[(t["area_code"] == area) & (t["period"] == year)].iloc[0]


def test_number_and_name_disagreement_is_reported(empty_con):
    plan = read_file(SourceFile.from_path(raw_path(CSV)), ImportContext.from_store(empty_con))
    messages = [str(w) for w in plan.warnings]
    northants = [m for m in messages if "row 68" in m]
    assert northants and "LA number 892 is Nottingham" in northants[0] and "Northamptonshire" in northants[0]
    result = ingest.commit(empty_con, plan, actor=ADMIN)
    issues = queries.batch_issues(empty_con, result.batch_id)
    assert (issues["message"].str.contains("data-quality problem")).sum() == 5
    # Taken by name: Northamptonshire's 2014 figure is 41 of 4,248, not Nottingham's 18 of 671.
    t = queries.metric_values(empty_con, "tribunal_appeals")
    assert t[(t["area_code"] == "E10000021") & (t["period"] == "2014")]["value"].item() == 41
    assert t[(t["area_name"] == "Nottingham") & (t["period"] == "2014")]["value"].item() == 18


def test_ods_edition_reads_fractions_as_percentages(empty_con):
    plan = read_file(SourceFile.from_path(raw_path(ODS)), ImportContext.from_store(empty_con))
    assert plan.format == "moj-appeal-rate-ods"
    ingest.commit(empty_con, plan, actor=ADMIN)
    durham = _figure(empty_con, "tribunal_appeal_rate_pct", "E06000047", "2014")
    assert durham.value == pytest.approx(100 * 34 / 2533)
    assert durham.source_id == "moj-send-appeal-rate-2022"

