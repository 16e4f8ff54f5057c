"""Issue 12's national measures against the published files, for every LA and period: what
`scorecard show` prints (scorecard.show.rows, on the store seeded from data/seed) equals the
publisher's figure, or says why there is none."""

import csv
import io
import zipfile

import pandas as pd
import pytest

from scorecard import periods, published, show
from scorecard.areas import AreaIndex
from scorecard.register import metrics_from_store
from tests.conftest import raw_path

EHCP_2025 = "ees/education-health-and-care-plans_2025.zip"
ALLOCATION_EDITIONS = {
    "sendap/finance/dedicated-schools-grant_2021_11_18.ods": "FY 2020-21",
    "sendap/finance/dedicated-schools-grant_2022_07_18.ods": "FY 2021-22",
    "sendap/finance/dedicated-schools-grant_2023_07_20.ods": "FY 2022-23",
    "sendap/finance/dedicated-schools-grant_2024_07_20.ods": "FY 2023-24",
}


def _ees_rows(member: str, topic_column: str = "breakdown_topic", topic: str | None = None) -> list[dict]:
    if member.startswith("data/"):
        with zipfile.ZipFile(raw_path(EHCP_2025)) as z:
            text = z.read(member).decode("utf-8-sig")
    else:
        text = raw_path(member).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    return [r for r in rows if topic is None or r.get(topic_column) == topic]


def _shown(con, metric_id: str) -> dict[tuple[str, str], dict]:
    metric = metrics_from_store(con)[metric_id]
    return {(r["area_code"], r["period"]): r for r in show.rows(con, metric)}


def _check_ees(con, metric_id: str, rows: list[dict], column, period_of, decimals: int, status=None) -> int:
    """Every LA row's published figure (column: a name, or a function of the row) is what show prints."""
    index = AreaIndex.from_store(con)
    shown = _shown(con, metric_id)
    checked = 0
    for r in rows:
        if r["geographic_level"] != "Local authority":
            continue
        code = index.by_ons_code(r["new_la_code"]) or index.by_la_number(r["old_la_code"])
        got = shown[(code, period_of(r))]
        expected = column(r) if callable(column) else r[column]
        if isinstance(expected, str) and expected.strip().lower() in published.EES_SYMBOLS:
            assert got["value"] is None, (metric_id, r["la_name"], r["time_period"])
            assert got["status"] == published.EES_SYMBOLS[expected.strip().lower()]
        else:
            assert got["value"] == pytest.approx(round(float(expected), decimals)), (metric_id, r["la_name"],
                                                                                      r["time_period"])
            assert got["status"] == (status or published.PUBLISHED)
        checked += 1
    return checked


def _january(r: dict) -> str:
    return f"January {int(r['time_period'][:4]) + 1}"


@pytest.mark.parametrize("metric_id, column", [
    ("ehcp_mainstream_pct", "mainstream_total_pc"), ("ehcp_special_pct", "special_total_pc"),
    ("ehcp_ap_pct", "AP_PRU_total_pc"), ("ehcp_elsewhere_pct", "ed_elsewhere_pc"), ("ehcp_neet", "neet")])
def test_caseload_placements_for_every_la_and_january(con, metric_id, column):
    rows = _ees_rows("data/caseload.csv", topic="All EHC plans")
    decimals = 0 if metric_id == "ehcp_neet" else 1
    assert _check_ees(con, metric_id, rows, column, _january, decimals) > 1000


def test_independent_special_is_calculated_for_every_la_and_january(con):
    rows = _ees_rows("data/caseload.csv", topic="All EHC plans")

    def share(r):
        for part in (r["special_independent"], r["ehcplans"]):
            if part.strip().lower() in published.EES_SYMBOLS:
                return part  # no figure, and the reason is the missing count's
        return 100 * float(r["special_independent"]) / float(r["ehcplans"])

    assert _check_ees(con, "ehcp_independent_special_pct", rows, share, _january, 1, published.COMPUTED) > 1000


@pytest.mark.parametrize("metric_id, member, topic, column", [
    ("ehcp_over_1yr_pct", "data/timeliness_20_week.csv", "All EHC plans issued", "PC_plans_issued_gt_1_year_ex"),
    ("requests_assessed_pct", "data/requests.csv", "All requests for EHC needs assessments", "request_assess_pc"),
    ("requests_withdrawn_pct", "data/requests.csv", "All requests for EHC needs assessments", "request_withdrawn_pc"),
    ("requests_outstanding_pct", "data/requests.csv", "All requests for EHC needs assessments",
     "request_outstanding_pc"),
    ("tribunal_after_mediation", "data/requests.csv", "All requests for EHC needs assessments",
     "tribunal_after_mediation_request"),
])
def test_backlog_and_requests_for_every_la_and_year(con, metric_id, member, topic, column):
    rows = _ees_rows(member, topic=topic)
    decimals = 0 if metric_id == "tribunal_after_mediation" else 1
    assert _check_ees(con, metric_id, rows, column, lambda r: r["time_period"], decimals) > 900


def test_ehe_returns_for_every_la_and_year(con):
    rows = _ees_rows("ees/ehe_academic_year.csv")

    def year(r):
        start = int(r["time_period"][:4])
        return f"{start}/{(start + 1) % 100:02d}"

    assert _check_ees(con, "ehe_returns", rows, "ehe_returns_full_year", year, 0) > 500


def test_ap_placements_for_every_la_are_the_total_and_the_sum_of_the_mix(con):
    rows = _ees_rows("sendap/ap/spc_ap_setting.csv", topic_column="setting_type", topic="Total")
    assert _check_ees(con, "ap_placements", rows, "placements", lambda r: "2022/23", 0) > 140
    every = _ees_rows("sendap/ap/spc_ap_setting.csv")
    totals = {r["la_name"]: float(r["placements"]) for r in rows if r["geographic_level"] == "Local authority"}
    summed: dict[str, float] = {}
    for r in every:
        if r["geographic_level"] == "Local authority" and r["setting_type"] != "Total":
            summed[r["la_name"]] = summed.get(r["la_name"], 0) + float(r["placements"])
    assert summed == totals


def test_dsg_balance_for_every_named_la_and_year(con):
    frame = pd.read_excel(raw_path("sendap/finance/dsg_deficit_derived.xlsx"))
    shown = _shown(con, "dsg_balance_pct")
    by_name: dict[tuple[str, str], list] = {}
    for r in shown.values():
        by_name.setdefault((r["area_name"], r["period"]), []).append(r)
    las = frame[frame["geographic_level"] == "Local authority"]
    assert len(las) == 448
    index = AreaIndex.from_store(con)
    for r in las.itertuples():
        period = f"FY {r.financial_year}"
        codes = [c for c in index.by_area_name(r.la_name) if (c, period) in shown]
        assert len(codes) == 1, f"{r.la_name} {period}: matched {codes}"
        got = shown[(codes[0], period)]
        assert got["value"] == pytest.approx(round(r[6], 2)), (r.la_name, period)
        assert got["status"] == published.PUBLISHED
    england = frame[frame["geographic_level"] == "National"]
    for r in england.itertuples():
        assert shown[("E92000001", f"FY {r.financial_year}")]["value"] == pytest.approx(r[6])


def _allocations(relative: str) -> pd.DataFrame:
    grid = pd.read_excel(raw_path(relative), sheet_name="Allocations_summary", header=None, engine="odf")
    header = [str(c) for c in grid.iloc[1]]
    column = header.index("High needs block (£s)")
    rows = grid[grid[0].map(lambda v: str(v).strip().removesuffix(".0").isdigit())]
    return pd.DataFrame({"la_number": rows[0].map(lambda v: str(v).strip().removesuffix(".0")), "la_name": rows[1],
                         "value": rows[column].astype(float)})


@pytest.mark.parametrize("relative, period", ALLOCATION_EDITIONS.items())
def test_high_needs_block_for_every_la_in_every_edition(con, relative, period):
    published_rows = _allocations(relative)
    shown = _shown(con, "high_needs_block")
    index = AreaIndex.from_store(con)
    assert len(published_rows) >= 149
    for r in published_rows.itertuples():
        code = index.attribute_to_period(index.by_la_number(r.la_number), periods.parse(period).end)
        got = shown[(code, period)]
        assert got["value"] == r.value, (r.la_name, period)


def test_high_needs_block_per_head_wherever_the_population_is_published(con):
    grid = pd.read_excel(raw_path("sendap/finance/Outturn data 202122.xlsx"), header=None)
    rows = grid[grid[2].map(lambda v: str(v).isdigit())]
    population = {str(n): float(p) for n, p in zip(rows[2], rows[4]) if p == p}
    allocation = {r.la_number: r.value for r in _allocations("sendap/finance/dedicated-schools-grant_2022_07_18.ods")
                  .itertuples()}
    shown = _shown(con, "high_needs_block_per_head")
    index = AreaIndex.from_store(con)
    checked, top, bottom = 0, 0.0, 0.0
    for number, people in population.items():
        if number not in allocation:
            continue
        got = shown[(index.by_la_number(number), "FY 2021-22")]
        assert got["value"] == round(allocation[number] / people), number
        assert got["status"] == published.COMPUTED
        checked, top, bottom = checked + 1, top + allocation[number], bottom + people
    england = shown.pop(("E92000001", "FY 2021-22"))
    regions = {key: shown.pop(key) for key in [k for k in shown if k[0].startswith("E12")]}
    assert checked >= 149 and len(shown) == checked
    # No region's figure is published: each is its LAs' ratio of sums, the one value its LAs' cards give it.
    assert len(regions) == 9 and all(r["status"] == published.COMPUTED for r in regions.values())
    assert england["value"] == round(top / bottom) and england["status"] == published.COMPUTED
