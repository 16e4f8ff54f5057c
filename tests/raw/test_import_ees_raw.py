"""The EES reader against the real releases: every figure as published, suppression kept, the
newer release winning with the older kept as history."""

import csv
import io
import zipfile

import pytest

from scorecard import ingest, queries
from scorecard.importers import ImportContext, SourceFile, read_file
from tests.conftest import raw_path

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

ENGLAND_20WK = {"2019": 60.4, "2020": 58.0, "2021": 59.9, "2022": 49.2, "2023": 50.3, "2024": 46.4}


def _published_timeliness():
    """Read PC_plans_issued_20_weeks_ex straight from the 2025 ZIP with the csv module."""
    with zipfile.ZipFile(raw_path("ees/education-health-and-care-plans_2025.zip")) as z:
        text = z.read("data/timeliness_20_week.csv").decode("utf-8-sig")
    return [r for r in csv.DictReader(io.StringIO(text)) if r["breakdown_topic"] == "All EHC plans issued"]


def test_every_la_and_year_matches_the_published_headline(con):
    rows = _published_timeliness()
    stored = queries.metric_values(con, "ehcp_20wk_pct")
    lookup = {(r.area_code, r.period): r for r in stored.itertuples()}
    checked = 0
    from scorecard.areas import AreaIndex

    index = AreaIndex.from_store(con)
    for r in rows:
        if r["geographic_level"] != "Local authority":
            continue
        code = index.by_ons_code(r["new_la_code"])
        got = lookup[(code, r["time_period"])]
        published = r["PC_plans_issued_20_weeks_ex"]
        if published in ("x", "c", "z", "low"):
            assert got.value != got.value or got.value is None  # NaN: no figure, never 0
            assert got.status != "published"
        else:
            assert got.value == pytest.approx(float(published)), (r["la_name"], r["time_period"])
            assert got.status == "published"
        assert got.source_id == "dfe-ehcp-2025"
        checked += 1
    assert checked > 900


def test_importing_the_2025_zip_into_an_empty_store(empty_con):
    source = SourceFile.from_path(raw_path("ees/education-health-and-care-plans_2025.zip"))
    plan = read_file(source, ImportContext.from_store(empty_con))
    skipped = "\n".join(plan.skipped)
    assert "assessments.csv: no metric in the register reads its columns" in skipped
    assert "England total excluding suppressed" in skipped
    assert "review_meeting_prior_24" in "\n".join(str(w) for w in plan.warnings)
    result = ingest.commit(empty_con, plan, actor=ADMIN)
    assert result.added > 10000 and result.batch_id
    tribunal = queries.metric_values(empty_con, "tribunal_appeals")
    assert len(tribunal), "the MoJ table in supporting-files/ is imported too"

