"""The EES readers on committed cuts of the real files (tests/fixtures/ees): exact values, parts,
statuses, periods, area codes, warnings and skipped lists, with no raw release needed.

Every figure read from a fixture must also equal the figure the committed seed holds for it: the
seed was built from the whole releases, so a reader or a register mapping that drifts fails here."""

import math

import pandas as pd
import pytest

from scorecard import config, ingest, queries, seed
from scorecard.importers import ees_csv, ees_zip, read_file
from tests.conftest import fixture_file

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PUBLISHED_FIXTURES = (
    "ees/timeliness_20_week.csv", "ees/requests.csv", "ees/caseload.csv", "ees/annual_reviews.csv",
    "ees/sen2_mi.csv", "ees/ehe_academic_year.csv", "ees/exc_nat_region_la_fy.csv",
    "ees/education-health-and-care-plans_2025.zip",
    "moj/SEND Tribunals and appeal rate 2014-2024.csv", "moj/send_appeal_rate_table_2022.ods",
)


def _row(plan, metric, area, period) -> pd.Series:
    v = plan.values
    match = v[(v["metric_id"] == metric) & (v["area_code"] == area) & (v["period_label"] == period)]
    assert len(match) == 1, f"{metric} {area} {period}: {len(match)} rows"
    return match.iloc[0]


def _same(a, b) -> bool:
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return math.isclose(float(a), float(b), rel_tol=1e-12)


@pytest.fixture(scope="module")
def seed_values() -> pd.DataFrame:
    values = seed.read_table(config.SEED_DIR, "values").df()
    return values.set_index(["metric_id", "area_code", "period_label", "source_id"])


@pytest.mark.parametrize("relative", PUBLISHED_FIXTURES)
def test_every_figure_read_from_a_fixture_is_the_seed_figure(relative, empty_ctx, seed_values):
    plan = read_file(fixture_file(relative), empty_ctx)
    assert len(plan.values) > 0
    for r in plan.values.itertuples():
        key = (r.metric_id, r.area_code, r.period_label, r.source_id)
        assert key in seed_values.index, f"{relative} row {r.source_row}: {key} is not in the seed"
        s = seed_values.loc[key]
        for col in ("value", "numerator", "denominator"):
            assert _same(getattr(r, col), s[col]), f"{relative} row {r.source_row}: {key} {col} " \
                                                    f"{getattr(r, col)} but the seed has {s[col]}"
        assert r.status == s["status"], f"{relative} row {r.source_row}: {key}"


def test_timeliness_headline_rows_and_the_dorset_x(empty_ctx):
    plan = read_file(fixture_file("ees/timeliness_20_week.csv"), empty_ctx)
    assert plan.format == "ees-csv" and plan.source_id == "dfe-ehcp-2025" and plan.new_releases == []
    assert sorted(plan.periods) == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert {p.kind for p in plan.periods.values()} == {"calendar_year"}
    england = _row(plan, "ehcp_20wk_pct", "E92000001", "2024")
    assert (england.value, england.numerator, england.denominator, england.status) == (46.4, 39407, 84866, "published")
    assert (england.source_row, england.source_column) == (17, "PC_plans_issued_20_weeks_ex")
    plymouth = _row(plan, "ehcp_20wk_pct", "E06000026", "2019")
    assert (plymouth.value, plymouth.numerator, plymouth.denominator) == (72.3, 102, 141)
    incl = _row(plan, "ehcp_20wk_incl_exc_pct", "E06000026", "2019")
    assert (incl.value, incl.numerator, incl.denominator, incl.source_column) == (
        79.0, 147, 186, "pc_plans_issued_within_20_weeks")
    # Dorset 2024: every plan was an exception, so the rate is printed as x.
    dorset = _row(plan, "ehcp_20wk_pct", "E06000059", "2024")
    assert dorset.status == "not_available" and pd.isna(dorset.value)
    assert _row(plan, "ehcp_20wk_incl_exc_pct", "E06000059", "2024").value == 49.1
    # The two Sex breakdown rows (18, 19) are not headline rows: never read.
    assert not plan.values["source_row"].isin([18, 19]).any()
    assert set(plan.values["area_code"]) == {"E92000001", "E12000009", "E06000026", "E06000047", "E06000059",
                                             "E06000061"}
    assert len(plan.values) == 63 and plan.warnings == [] and plan.skipped == []  # 21 rows, 3 measures


def test_requests_rate_printed_as_x_is_calculated_and_says_so(empty_ctx):
    plan = read_file(fixture_file("ees/requests.csv"), empty_ctx)
    computed = _row(plan, "ehcp_requests_refused_pct", "E92000001", "2022")
    assert computed.status == "computed" and computed.value == pytest.approx(100 * 25255 / 114482)
    assert (computed.numerator, computed.denominator) == (25255, 114482)
    assert "the release prints 'x' for the rate" in computed.note
    printed = _row(plan, "ehcp_requests_refused_pct", "E92000001", "2024")
    assert (printed.value, printed.status) == (25.2, "published") and pd.isna(printed.note)
    # Six-week timeliness: the denominator is the sum of two columns.
    six = _row(plan, "ehcp_requests_6wk_pct", "E92000001", "2024")
    assert (six.value, six.numerator, six.denominator) == (84.8, 126160, 148753)
    early = _row(plan, "ehcp_requests_6wk_pct", "E92000001", "2019")
    assert early.status == "not_available" and pd.isna(early.value) and pd.isna(early.numerator)
    assert _row(plan, "ehcp_requests", "E06000026", "2024").value == 1176
    assert _row(plan, "mediation_requests", "E92000001", "2024").source_column == "mediation_related_request"


def test_caseload_academic_years_are_january_censuses(empty_ctx):
    plan = read_file(fixture_file("ees/caseload.csv"), empty_ctx)
    assert sorted(plan.periods) == [f"January {y}" for y in range(2019, 2026)]
    assert {p.kind for p in plan.periods.values()} == {"census_date"}
    assert _row(plan, "ehcp_caseload", "E92000001", "January 2025").value == 638745
    assert _row(plan, "ehcp_caseload", "E06000026", "January 2019").value == 2024
    assert len(plan.values) == 24 * 7  # the caseload and the six placement measures


def test_annual_reviews_duplicated_column_is_a_warning(empty_ctx):
    plan = read_file(fixture_file("ees/annual_reviews.csv"), empty_ctx)
    assert [str(w) for w in plan.warnings] == [
        "annual_reviews.csv, row 1, column 'review_meeting_prior_24': column name appears 2 times with "
        "identical contents"]
    england = _row(plan, "ehcp_ar_4wk_pct", "E92000001", "2024")
    assert (england.value, england.numerator, england.denominator) == (44.4, 154924, 154924 + 193835)
    plymouth = _row(plan, "ehcp_ar_4wk_pct", "E06000026", "2024")
    assert plymouth.status == "not_available" and pd.isna(plymouth.value)


def test_annual_reviews_duplicated_column_with_different_contents_is_named_when_unused(empty_ctx):
    source = fixture_file("ees/annual_reviews.csv")
    lines = source.data.split(b"\r\n")
    cells = lines[1].split(b",")
    cells[18] = b"999"  # the second review_meeting_prior_24; no metric reads it
    lines[1] = b",".join(cells)
    plan = ees_csv.read(type(source)(source.name, b"\r\n".join(lines)), empty_ctx)
    assert [str(w) for w in plan.warnings] == [
        "annual_reviews.csv, row 1, column 'review_meeting_prior_24': column name appears 2 times; not used"]


def test_the_2022_release_old_schema_and_old_areas(empty_ctx):
    plan = read_file(fixture_file("ees/sen2_mi.csv"), empty_ctx)
    assert plan.source_id == "dfe-ehcp-2022"
    assert sorted(plan.periods) == [str(y) for y in range(2014, 2022)]
    england = _row(plan, "ehcp_20wk_pct", "E92000001", "2021")
    assert (england.value, england.numerator, england.denominator, england.source_column) == (
        59.9, 34249, 57196, "NoExc20weekRate")
    assert _row(plan, "ehcp_20wk_incl_exc_pct", "E92000001", "2014").value == 61.5
    # z for years before the measure: not applicable, never 0.
    early = _row(plan, "ehcp_requests", "E92000001", "2014")
    assert early.status == "not_applicable" and pd.isna(early.value)
    # Areas before and after the reorganisations, each under its own code.
    assert _row(plan, "ehcp_requests", "E06000028", "2018").value == 141  # Bournemouth
    assert _row(plan, "ehcp_requests", "E06000058", "2019").value == 541  # BCP
    assert _row(plan, "ehcp_requests", "E10000009", "2018").value == 600  # Dorset county
    assert _row(plan, "ehcp_requests", "E06000059", "2019").value == 688  # Dorset unitary
    assert _row(plan, "ehcp_requests", "E10000021", "2020").value == 1071  # Northamptonshire
    assert _row(plan, "ehcp_requests", "E06000061", "2021").value == 406  # North Northamptonshire
    mediation = _row(plan, "mediation_tribunal_pct", "E92000001", "2021")
    assert (mediation.value, mediation.numerator, mediation.denominator) == (25.5444, 1302, 5097)


def test_ehe_inner_london_skipped_and_symbols_kept(empty_ctx):
    plan = read_file(fixture_file("ees/ehe_academic_year.csv"), empty_ctx)
    assert plan.source_id == "dfe-ehe-2025-26-autumn"
    assert plan.skipped == ["ehe_academic_year.csv: 1 Inner/Outer London geographies are not stored "
                            "(London is compared as a whole region)"]
    assert sorted(plan.periods) == ["2021/22", "2022/23", "2023/24", "2024/25"]
    assert {p.kind for p in plan.periods.values()} == {"academic_year"}
    assert _row(plan, "ehe_anytime", "E92000001", "2024/25").value == 175900
    city = plan.values[(plan.values["area_code"] == "E09000001") & (plan.values["metric_id"] == "ehe_anytime")]
    assert len(city) == 4 and set(city["status"]) == {"low"} and city["value"].isna().all()
    scilly = _row(plan, "ehe_anytime", "E06000053", "2021/22")
    assert scilly.status == "not_available" and pd.isna(scilly.value)
    assert _row(plan, "ehe_starts", "E06000026", "2024/25").value == 520
    assert not (plan.values["area_code"].str.startswith("E13")).any()


def test_exclusions_quirks_fractional_counts_and_zero_headcounts(empty_ctx):
    """The published rates stand; counts that are estimates (fractional) or above a headcount of 0
    are dropped from the figure, each with a warning naming the row."""
    plan = read_file(fixture_file("ees/exc_nat_region_la_fy.csv"), empty_ctx)
    assert plan.source_id == "dfe-exclusions-2022-23"
    assert len(plan.periods) == 17 and min(plan.periods) == "2006/07" and max(plan.periods) == "2022/23"
    england = _row(plan, "excl_perm_rate", "E92000001", "2022/23")
    assert (england.value, england.numerator, england.denominator) == (0.11121, 9376, 8430600)
    fractional = _row(plan, "excl_perm_rate", "E92000001", "2009/10")
    assert fractional.value == 0.07689 and pd.isna(fractional.numerator) and pd.isna(fractional.denominator)
    hounslow = _row(plan, "excl_perm_rate", "E09000018", "2007/08")
    assert hounslow.value == 0.20506 and pd.isna(hounslow.numerator)
    cheshire = _row(plan, "excl_perm_rate", "E06000049", "2008/09")
    assert cheshire.status == "not_applicable" and pd.isna(cheshire.value)
    special = _row(plan, "excl_perm_rate_special", "E06000026", "2022/23")
    assert (special.value, special.numerator, special.denominator, special.source_column) == (
        0.13569, 1, 737, "perm_excl_rate")
    assert _row(plan, "excl_susp_rate", "E06000026", "2022/23").value == 13.23371
    warned = sorted((w.row, w.column, w.message.split(";")[0]) for w in plan.warnings)
    # The register declares DfE's estimated counts for 2007/08 and 2009/10; a count above a headcount of
    # 0 is dropped only where no rate is published. Any other such cell would refuse the whole file.
    assert warned == [
        (5, "perm_excl", "the counts for 2007/08 are the publisher's estimates (74.0003 of 36088)"),
        (6, "perm_excl", "numerator 36 is greater than denominator 0"),
        (7, "perm_excl", "numerator 1 is greater than denominator 0"),
        (9, "perm_excl", "numerator 33 is greater than denominator 0"),
        (11, "perm_excl", "the counts for 2009/10 are the publisher's estimates (5741.02 of 7.46688e+06)"),
        (12, "perm_excl", "the counts for 2009/10 are the publisher's estimates (45.9412 of 42688)"),
    ]
    assert all(w.severity == "warning" for w in plan.warnings)
    assert 2 not in set(plan.values["source_row"]), "Sandwell's state-funded secondary row is not read"


def test_the_release_zip_reads_its_data_and_supporting_files(empty_ctx):
    plan = read_file(fixture_file("ees/education-health-and-care-plans_2025.zip"), empty_ctx)
    assert plan.format == ees_zip.FORMAT
    assert plan.skipped == [
        "data-guidance/data-guidance.txt: not a data file",
        "data/work_based_placements.csv: no metric in the register reads its columns",
        "education-health-and-care-plans_2025.zip:supporting-files/SEND Tribunals and appeal rate 2014-2024.csv: "
        "row 27 (England total excluding suppressed) is an alternative England total, not stored",
    ]
    files = plan.values.groupby("source_file").size().to_dict()
    assert files == {
        "education-health-and-care-plans_2025.zip:data/requests.csv": 21 * 8,
        "education-health-and-care-plans_2025.zip:data/timeliness_20_week.csv": 21 * 3,
        "education-health-and-care-plans_2025.zip:supporting-files/SEND Tribunals and appeal rate 2014-2024.csv": 461,
    }
    assert set(plan.values["source_id"]) == {"dfe-ehcp-2025", "moj-send-appeal-rate-2024"}
    assert [w.row for w in plan.warnings] == [16, 17, 18, 21, 25]
    assert _row(plan, "ehcp_20wk_pct", "E92000001", "2024").value == 46.4
    assert _row(plan, "tribunal_appeal_rate_pct", "E06000026", "2024").value == 8.2


def test_a_new_release_is_titled_from_its_data_guidance(empty_ctx):
    """A release the store has not seen is registered, titled from data-guidance.txt."""
    empty_ctx.releases = [r for r in empty_ctx.releases if r["publication_id"] != "dfe-ehcp"]
    plan = read_file(fixture_file("ees/education-health-and-care-plans_2025.zip"), empty_ctx)
    new = [r for r in plan.new_releases if r["publication_id"] == "dfe-ehcp"]
    assert [r["title"] for r in new] == ["Education, health and care plans, reporting year 2025"]
    assert new[0]["covers_to"] == ["2024"]


def test_both_releases_imported_the_newer_wins_and_the_older_is_history(empty_con):
    for relative in ("ees/sen2_mi.csv", "ees/education-health-and-care-plans_2025.zip"):
        ingest.import_source(empty_con, fixture_file(relative), actor=ADMIN)
    history = queries.value_history(empty_con, "ehcp_requests", "E92000001", "2019")
    assert set(history["source_id"]) == {"dfe-ehcp-2022", "dfe-ehcp-2025"}
    assert list(history[history["is_current"]]["source_id"]) == ["dfe-ehcp-2025"]
    t = queries.metric_values(empty_con, "ehcp_20wk_pct")
    england = t[t["area_code"] == "E92000001"].set_index("period")
    assert england.loc["2016", "source_id"] == "dfe-ehcp-2022" and england.loc["2016", "value"] == 58.6
    assert england.loc["2024", "value"] == 46.4
    # The calculated 2022 refusal rate does not displace the rate the older release printed for 2021.
    refused = queries.metric_values(empty_con, "ehcp_requests_refused_pct")
    r2021 = refused[(refused["area_code"] == "E92000001") & (refused["period"] == "2021")].iloc[0]
    assert r2021.status == "published" and r2021.value == pytest.approx(22.3254)
