"""The EES reader against the real releases: every figure as published, suppression kept, the
newer release winning with the older kept as history."""


import pytest

from scorecard import ingest, queries
from scorecard.importers import SourceFile

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

ENGLAND_20WK = {"2019": 60.4, "2020": 58.0, "2021": 59.9, "2022": 49.2, "2023": 50.3, "2024": 46.4}


def test_england_headline_series(con):
    stored = queries.metric_values(con, "ehcp_20wk_pct")
    england = stored[stored["area_code"] == "E92000001"].set_index("period")["value"].to_dict()
    for year, value in ENGLAND_20WK.items():
        assert england[year] == pytest.approx(value)


def test_older_release_is_kept_as_history_and_newer_wins(con):
    history = queries.value_history(con, "ehcp_requests", "E92000001", "2019")
    assert set(history["source_id"]) == {"dfe-ehcp-2022", "dfe-ehcp-2025"}
    current = history[history["is_current"]]
    assert list(current["source_id"]) == ["dfe-ehcp-2025"]
    # 2014-2018 only exist in the 2022 release (sen2_mi.csv).
    older = queries.metric_values(con, "ehcp_20wk_pct")
    assert older[(older["area_code"] == "E92000001") & (older["period"] == "2016")]["source_id"].item() == "dfe-ehcp-2022"


def test_suppressed_and_missing_cells_stay_missing(con):
    ehe = queries.metric_values(con, "ehe_anytime")
    city = ehe[ehe["area_name"] == "City of London"]
    assert len(city) == 4 and set(city["status"]) == {"low"} and city["value"].isna().all()
    scilly = ehe[(ehe["area_name"] == "Isles of Scilly") & (ehe["period"] == "2021/22")]
    assert scilly["status"].item() == "not_available" and scilly["value"].isna().all()
    # Dorset 2024: all plans classed as exceptions, so DfE prints x for the rate.
    t = queries.metric_values(con, "ehcp_20wk_pct")
    dorset = t[(t["area_name"] == "Dorset") & (t["period"] == "2024")]
    assert dorset["status"].item() == "not_available" and dorset["value"].isna().all()


def test_rate_printed_as_x_is_calculated_from_its_counts_and_says_so(con):
    t = queries.metric_values(con, "ehcp_requests_refused_pct")
    row = t[(t["area_code"] == "E92000001") & (t["period"] == "2022")].iloc[0]
    assert row.status == "computed" and row.value == pytest.approx(100 * 25255 / 114482)
    assert "release prints 'x'" in row.note
    # Where the older release printed the rate, the printed figure stays current.
    row2021 = t[(t["area_code"] == "E92000001") & (t["period"] == "2021")].iloc[0]
    assert row2021.status == "published" and row2021.value == pytest.approx(22.3254)


def test_caseload_is_a_january_census(con):
    t = queries.metric_values(con, "ehcp_caseload")
    england = t[t["area_code"] == "E92000001"].set_index("period")
    assert england.loc["January 2025", "value"] == 638745
    assert england.loc["January 2025", "period_kind"] == "census_date"


def test_boundary_changes_follow_the_published_codes(con):
    t = queries.metric_values(con, "ehcp_20wk_pct")
    cumbria = t[t["area_code"] == "E10000006"]
    assert set(cumbria["period"]) >= {"2019", "2022"} and "2023" not in set(cumbria["period"])
    cumberland = t[t["area_code"] == "E06000063"]
    assert set(cumberland["period"]) == {"2023", "2024"}
    # North Yorkshire is published under its old county code to 2024; it is one continuous series.
    north_yorks = t[t["area_code"] == "E06000065"]
    assert {"2014", "2019", "2024"} <= set(north_yorks["period"])


def test_termly_census_layout_is_accepted(con, tmp_path):
    """DfE's termly EHE census file is not in the shared data, but it follows the same standard."""
    path = tmp_path / "ehe_census_termly.csv"
    path.write_text(
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        "new_la_code,old_la_code,la_name,breakdown_topic,breakdown,child_count,rate_per_100\n"
        "202526,Autumn term,National,E92000001,England,,,,,,Total,Total,111700,1.3\n"
        "202526,Autumn term,Local authority,E92000001,England,E12000009,South West,E06000026,879,Plymouth,"
        "Total,Total,640,1.64\n"
        "202526,Autumn term,Local authority,E92000001,England,E12000009,South West,E06000026,879,Plymouth,"
        "Sex,Girls,310,c\n")
    result = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    assert result.added == 4
    t = queries.metric_values(con, "ehe_census")
    row = t[(t["area_code"] == "E06000026")].iloc[0]
    assert (row.period, row.period_kind, row.value) == ("Autumn 2025/26", "term", 640)
    assert queries.metric_values(con, "ehe_census_rate")["value"].max() == 1.64

