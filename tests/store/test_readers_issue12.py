"""Issue 12's national measures on committed cuts of the real files: where children with EHC plans are
educated (caseload.csv), the backlog over a year, the request outcomes, tribunal after mediation, AP
placements with their setting mix (tests/fixtures/ees, tests/fixtures/sendap), and DfE's finance
files: the DSG balance (LAs named, not coded), the DSG allocations (high needs block) and the 2-18
population, with the high needs block per head derived from the two."""

import io
import re
import zipfile

import pandas as pd
import pytest

from scorecard import ingest, published, queries
from scorecard.importers import ImportContext, ImportFailure, SourceFile, dfe_finance, read_file
from tests.conftest import fixture_file

from scorecard import access

ADMIN = access.command_line("test")

PLYMOUTH, DORSET, WALSALL, ENGLAND = "E06000026", "E06000059", "E08000030", "E92000001"
CUMBRIA, BRISTOL, SOUTH_WEST, LONDON = "E10000006", "E06000023", "E12000009", "E12000007"
BALANCE = "sendap/dsg_deficit_derived.xlsx"
ALLOCATIONS = "sendap/dedicated-schools-grant_2022_07_18.ods"
OUTTURN = "sendap/Outturn data 202122.xlsx"


def _row(plan, metric, area, period) -> pd.Series:
    v = plan.values
    match = v[(v["metric_id"] == metric) & (v["area_code"] == area) & (v["period_label"] == period)]
    assert len(match) == 1, f"{metric} {area} {period}: {len(match)} rows"
    return match.iloc[0]


# ------------------------------------------------------------------ EHC plans release (EES CSVs)


def test_where_children_with_plans_are_educated(empty_ctx):
    plan = read_file(fixture_file("ees/caseload.csv"), empty_ctx)
    when = "January 2025"
    mainstream = _row(plan, "ehcp_mainstream_pct", PLYMOUTH, when)
    assert (mainstream.value, mainstream.numerator, mainstream.denominator) == (39.6, 1220, 3081)
    assert _row(plan, "ehcp_special_pct", PLYMOUTH, when).value == 25.6
    assert _row(plan, "ehcp_ap_pct", PLYMOUTH, when).value == 2.0
    assert _row(plan, "ehcp_elsewhere_pct", PLYMOUTH, when).value == 10.3
    neet = _row(plan, "ehcp_neet", PLYMOUTH, when)
    assert neet.value == 192 and pd.isna(neet.denominator)
    assert _row(plan, "ehcp_neet", ENGLAND, when).value == 18056


def test_independent_special_is_calculated_and_says_so(empty_ctx):
    plan = read_file(fixture_file("ees/caseload.csv"), empty_ctx)
    row = _row(plan, "ehcp_independent_special_pct", PLYMOUTH, "January 2025")
    assert row.value == pytest.approx(100 * 100 / 3081)
    assert (row.numerator, row.denominator) == (100, 3081)
    assert row.status == published.COMPUTED
    assert "special_independent / ehcplans" in row.note and "not this percentage" in row.note
    assert row.source_column == "special_independent / ehcplans"
    england = _row(plan, "ehcp_independent_special_pct", ENGLAND, "January 2019")
    assert england.value == pytest.approx(100 * 13744 / 353995)


def test_newplans_is_not_taken_for_the_caseload(empty_ctx):
    """newplans.csv has a neet column and the same placement columns but no ehcplans: it is not read
    as the caseload (the neet read requires ehcplans)."""
    source = fixture_file("ees/education-health-and-care-plans_2025.zip")
    plan = read_file(source, empty_ctx)
    assert "ehcp_neet" not in set(plan.values["metric_id"])


def test_backlog_and_request_outcomes(empty_ctx):
    timeliness = read_file(fixture_file("ees/timeliness_20_week.csv"), empty_ctx)
    over = _row(timeliness, "ehcp_over_1yr_pct", PLYMOUTH, "2024")
    assert (over.value, over.numerator, over.denominator) == (32.3, 130, 403)
    before = _row(timeliness, "ehcp_over_1yr_pct", PLYMOUTH, "2022")
    assert pd.isna(before.value) and before.status == published.NOT_AVAILABLE
    requests = read_file(fixture_file("ees/requests.csv"), empty_ctx)
    assert _row(requests, "requests_assessed_pct", PLYMOUTH, "2024").value == 44.4
    assert _row(requests, "requests_withdrawn_pct", PLYMOUTH, "2024").value == 38.4
    outstanding = _row(requests, "requests_outstanding_pct", PLYMOUTH, "2024")
    assert (outstanding.value, outstanding.numerator, outstanding.denominator) == (17.1, 201, 1176)
    assert _row(requests, "tribunal_after_mediation", ENGLAND, "2024").value == 1473
    assert _row(requests, "tribunal_after_mediation", PLYMOUTH, "2023").value == 0


def test_ap_placements_take_the_total_with_the_setting_mix_in_the_note(empty_ctx):
    plan = read_file(fixture_file("sendap/spc_ap_setting.csv"), empty_ctx)
    assert plan.source_id == "dfe-ap-placements-2022-23"
    walsall = _row(plan, "ap_placements", WALSALL, "2022/23")
    parts = dict(re.findall(r"([A-Za-z][A-Za-z -]+?) (\d[\d,]*)(?:;|$)", walsall.note.removeprefix("By setting type: ")))
    assert walsall.note.startswith("By setting type: ") and "One on one tuition 21" in walsall.note
    assert walsall.value == sum(int(v.replace(",", "")) for v in parts.values()), "the total is the sum of the mix"
    england = _row(plan, "ap_placements", ENGLAND, "2022/23")
    assert england.value == 41319 and "Education setting with URN 33,008" in england.note


# ------------------------------------------------------------------ finance


def test_dsg_balance_matches_names_to_areas(empty_ctx):
    plan = read_file(fixture_file(BALANCE), empty_ctx)
    assert plan.format == dfe_finance.FORMATS[dfe_finance.BALANCE]
    assert plan.source_id == "dfe-dsg-balance-2021-22"
    assert _row(plan, "dsg_balance_pct", ENGLAND, "FY 2021-22").value == -2.26
    assert _row(plan, "dsg_balance_pct", SOUTH_WEST, "FY 2020-21").value == -4.59
    assert _row(plan, "dsg_balance_pct", PLYMOUTH, "FY 2021-22").value == 0.97
    assert _row(plan, "dsg_balance_pct", BRISTOL, "FY 2019-20").published_area == "Bristol, City of"
    assert _row(plan, "dsg_balance_pct", CUMBRIA, "FY 2021-22").value is not None, "Cumbria before its 2023 split"
    assert _row(plan, "dsg_balance_pct", DORSET, "FY 2019-20").source_row > 1, "today's Dorset, from 2019"


def _with_name_replaced(fixture: str, old: bytes, new: bytes) -> SourceFile:
    source = fixture_file(fixture)
    archive = zipfile.ZipFile(io.BytesIO(source.data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in archive.infolist():
            body = archive.read(info)
            target.writestr(info, body.replace(old, new) if info.filename.endswith("sharedStrings.xml") else body)
    return SourceFile(source.name, out.getvalue())


def test_a_name_that_matches_no_area_refuses_the_file_naming_row_and_column(empty_con):
    ctx = ImportContext.from_store(empty_con)
    source = _with_name_replaced(BALANCE, b">Plymouth<", b">Plymouth Rock<")
    with pytest.raises(ImportFailure) as failure:
        read_file(source, ctx)
    problems = failure.value.issues
    assert len(problems) == 3 and {p.column for p in problems} == {"la_name"}
    assert "unknown local authority 'Plymouth Rock'" in problems[0].message
    assert problems[0].row > 1
    assert not len(queries.metric_values(empty_con, "dsg_balance_pct")), "nothing is written"


def test_high_needs_block_from_the_allocations_edition(empty_ctx):
    plan = read_file(fixture_file(ALLOCATIONS), empty_ctx)
    assert plan.source_id == "dfe-dsg-allocations-2021-22"
    assert set(plan.periods) == {"FY 2021-22"}
    assert _row(plan, "high_needs_block", ENGLAND, "FY 2021-22").value == 7_906_348_577
    plymouth = _row(plan, "high_needs_block", PLYMOUTH, "FY 2021-22")
    assert plymouth.value == 38_037_510 and plymouth.source_column == "High needs block (£s)"
    assert _row(plan, "high_needs_block", LONDON, "FY 2021-22").value == 1_554_046_963  # once, though printed twice
    assert _row(plan, "high_needs_block", SOUTH_WEST, "FY 2021-22").value == 695_410_967
    assert any("METROPOLITAN AUTHORITIES" in s for s in plan.skipped)


def test_population_and_the_high_needs_block_per_head_in_either_order(empty_con):
    for first, second in ((ALLOCATIONS, OUTTURN), (OUTTURN, ALLOCATIONS)):
        ingest.commit(empty_con, read_file(fixture_file(first), ImportContext.from_store(empty_con)), actor=ADMIN)
        plan = read_file(fixture_file(second), ImportContext.from_store(empty_con))
        per_head = _row(plan, "high_needs_block_per_head", PLYMOUTH, "FY 2021-22")
        assert per_head.value == pytest.approx(38_037_510 / 50_883.936)
        assert (per_head.numerator, per_head.denominator) == (38_037_510, pytest.approx(50_883.936))
        assert per_head.status == published.COMPUTED
        assert "High needs block 38,037,510" in per_head.note and "Population aged 2 to 18 50,884" in per_head.note
        england = _row(plan, "high_needs_block_per_head", ENGLAND, "FY 2021-22")
        assert england.value == pytest.approx((38_037_510 + 42_238_205 + 45_504_413) / (50_883.936 + 66_393.247 + 75_388))
        assert "from the 3 local authorities with both figures" in england.note
        for batch in queries.batches(empty_con).query("status == 'committed'")["batch"]:
            ingest.undo(empty_con, int(batch), actor=ADMIN)
    population = read_file(fixture_file(OUTTURN), ImportContext.from_store(empty_con))
    assert _row(population, "population_2_18", DORSET, "FY 2021-22").published_area == "Dorset (New, LA code 838)"
    assert "high_needs_block_per_head" not in set(population.values["metric_id"]), "no allocation stored: no per head"


def test_an_allocations_sheet_without_its_year_is_refused(empty_ctx):
    source = fixture_file(ALLOCATIONS)
    archive = zipfile.ZipFile(io.BytesIO(source.data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in archive.infolist():
            body = archive.read(info)
            if info.filename == "content.xml":
                body = body.replace(b"2021 to 2022 allocations", b"allocations")
            target.writestr(info, body, compress_type=info.compress_type)
    with pytest.raises(ImportFailure) as failure:
        read_file(SourceFile(source.name, out.getvalue()), empty_ctx)
    assert "which financial year" in failure.value.issues[0].message
