"""Published figures belong to their publisher. A local return writes local measures, and may give a
board's own figure for a national measure only for a period the publisher has not released; that
figure is "local (provisional)" until the release arrives, then gives way and stays in history."""

import pandas as pd
import pytest

from scorecard import ingest, queries, store
from scorecard.comparators import comparators_table
from scorecard.importers import SourceFile
from scorecard.importers.base import ImportFailure
from scorecard.register import metrics_from_store

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

pytestmark = pytest.mark.both_backends  # the same store code serves a DuckDB file and a DuckLake

HEADER = "area,metric,period,value,numerator,denominator,status,note"
ENGLAND, PLYMOUTH, BIRMINGHAM = "E92000001", "E06000026", "E08000025"
EES_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "new_la_code,old_la_code,la_name,breakdown_topic,breakdown,plans_issued_den_ex,"
              "plans_issued_20_weeks_ex,PC_plans_issued_20_weeks_ex,plans_issued_den,plans_issued_within_20_weeks,"
              "pc_plans_issued_within_20_weeks,plans_issued_gt_1_year_ex,PC_plans_issued_gt_1_year_ex")


def _fingerprint(con):
    return (con.execute("SELECT count(*), round(sum(value), 4), count(*) FILTER (WHERE is_current) "
                        "FROM metric_value").fetchone(),
            con.execute("SELECT count(*) FROM import_batch").fetchone()[0], store.data_version(con))


def _file(tmp_path, name, *lines) -> SourceFile:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return SourceFile.from_path(path)


def _current(con, metric_id, area, period):
    return con.execute("SELECT value, status, source_id FROM metric_value WHERE is_current AND metric_id = ? "
                       "AND area_code = ? AND period_label = ?", [metric_id, area, period]).fetchone()


def test_a_return_cannot_overwrite_englands_published_figure(con, tmp_path):
    before = _fingerprint(con)
    with pytest.raises(ImportFailure) as exc:
        ingest.import_source(con, _file(tmp_path, "return.csv", HEADER,
                                        "England,ehcp_20wk_pct,2024,99.9,,,,",
                                        "Birmingham,ehcp_20wk_pct,2024,99.9,,,,"), actor=ADMIN)
    assert _fingerprint(con) == before
    issues = exc.value.issues
    assert [(i.row, i.column) for i in issues] == [(2, "area"), (2, "metric"), (3, "metric")]
    assert "the published figure stands" in issues[2].message and "Department for Education" in issues[2].message
    assert _current(con, "ehcp_20wk_pct", ENGLAND, "2024")[0] == pytest.approx(46.4)


def test_a_provisional_figure_for_an_unreleased_year_is_kept_and_labelled(con, tmp_path):
    result = ingest.import_source(con, _file(tmp_path, "return.csv", HEADER, "Plymouth,ehcp_20wk_pct,2025,31.5,63,200,,"), actor=ADMIN)
    assert result.added == 1
    value, status, _ = _current(con, "ehcp_20wk_pct", PLYMOUTH, "2025")
    assert (value, status) == (31.5, "provisional")
    # A board's figure is never ranked or averaged as if it were published.
    table = comparators_table(con, metrics_from_store(con)["ehcp_20wk_pct"])
    mine = table[(table["area_code"] == PLYMOUTH) & (table["period"] == "2025")].iloc[0]
    assert pd.isna(mine["rank"])


def test_the_publishers_release_replaces_the_provisional_figure_and_both_stay_in_history(con, tmp_path):
    ingest.import_source(con, _file(tmp_path, "return.csv", HEADER, "Plymouth,ehcp_20wk_pct,2025,31.5,63,200,,"), actor=ADMIN)
    row = ("2025,Calendar year,Local authority,E92000001,England,E12000009,South West,E06000026,879,Plymouth,"
           "All EHC plans issued,All EHC plans issued,400,100,25,420,104,24.8,x,x")
    release = ingest.import_source(con, _file(tmp_path, "timeliness_20_week.csv", EES_HEADER, row), actor=ADMIN)
    assert release.changed == 1
    assert _current(con, "ehcp_20wk_pct", PLYMOUTH, "2025")[:2] == (25.0, "published")
    history = queries.value_history(con, "ehcp_20wk_pct", PLYMOUTH, "2025")
    assert sorted(history["status"]) == ["provisional", "published"]
    # Undoing the release brings the provisional figure back.
    ingest.undo(con, release.batch_id, actor=ADMIN)
    assert _current(con, "ehcp_20wk_pct", PLYMOUTH, "2025")[:2] == (31.5, "provisional")


def test_a_later_return_cannot_displace_the_published_figure(con, tmp_path):
    row = ("2025,Calendar year,Local authority,E92000001,England,E12000009,South West,E06000026,879,Plymouth,"
           "All EHC plans issued,All EHC plans issued,400,100,25,420,104,24.8,x,x")
    ingest.import_source(con, _file(tmp_path, "timeliness_20_week.csv", EES_HEADER, row), actor=ADMIN)
    before = _fingerprint(con)
    with pytest.raises(ImportFailure, match="the published figure stands"):
        ingest.import_source(con, _file(tmp_path, "return.csv", HEADER, "Plymouth,ehcp_20wk_pct,2025,31.5,63,200,,"), actor=ADMIN)
    assert _fingerprint(con) == before


def test_a_provisional_figure_must_use_the_publishers_kind_of_period(con, tmp_path):
    with pytest.raises(ImportFailure) as exc:
        ingest.import_source(con, _file(tmp_path, "return.csv", HEADER,
                                        "Plymouth,ehcp_20wk_pct,Autumn 2025/26,31.5,63,200,,"), actor=ADMIN)
    message = exc.value.issues[0].message
    assert "published by calendar year" in message and "ehcp_20wk_term_pct" in message


def test_local_measures_stay_local(con, tmp_path):
    ingest.import_source(con, _file(tmp_path, "return.csv", HEADER, "Plymouth,perm_staff_pct,Autumn 2025/26,88,,,,"), actor=ADMIN)
    assert _current(con, "perm_staff_pct", PLYMOUTH, "Autumn 2025/26")[:2] == (88.0, "local")


def test_a_plan_that_bypasses_the_checks_still_cannot_displace_a_published_figure(con, tmp_path):
    """Defence in depth: even a local-return plan built by hand gives way to the publisher's figure."""
    plan = ingest.read_source(con, _file(tmp_path, "return.csv", HEADER, "Plymouth,ehcp_20wk_pct,2025,31.5,63,200,,"))
    plan.values.loc[:, "period_label"] = "2024"
    ingest.commit(con, plan, actor=ADMIN)
    assert _current(con, "ehcp_20wk_pct", PLYMOUTH, "2024")[1] == "published"
