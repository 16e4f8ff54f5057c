"""The local-return readers on committed fixtures (tests/fixtures/local): the long CSV, cut from the
illustrative Plymouth sample, and a filled-in Excel template built by scorecard.template."""

import pandas as pd

from scorecard import ingest
from scorecard.importers import local_csv, local_template, read_file
from tests.conftest import fixture_file

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")


def _row(plan, metric, period) -> pd.Series:
    v = plan.values
    match = v[(v["metric_id"] == metric) & (v["period_label"] == period)]
    assert len(match) == 1, f"{metric} {period}: {len(match)} rows"
    return match.iloc[0]


def test_long_csv_values_parts_statuses_and_notes(empty_ctx):
    plan = read_file(fixture_file("local/return.csv"), empty_ctx)
    assert plan.format == local_csv.FORMAT and len(plan.values) == 10
    assert set(plan.values["area_code"]) == {"E06000026"}
    assert sorted(plan.periods) == ["Spring 2024/25", "Summer 2024/25"]
    assert {p.kind for p in plan.periods.values()} == {"term"}
    rate = _row(plan, "ehcp_20wk_term_pct", "Spring 2024/25")
    assert (rate.value, rate.numerator, rate.denominator, rate.status) == (34.7, 41, 118, "illustrative")
    assert (rate.source_row, rate.source_column) == (2, "value")
    assert rate.note.startswith("Illustrative figures made up")
    assert _row(plan, "complaints_received", "Summer 2024/25").value == 39
    suppressed = _row(plan, "eotas_ap_count", "Spring 2024/25")
    assert suppressed.status == "suppressed" and pd.isna(suppressed.value)
    assert (suppressed.source_column, suppressed.note) == ("status", "fewer than 5 children")
    dash = _row(plan, "tribunal_appeals_term", "Spring 2024/25")
    assert dash.value == 3 and pd.isna(dash.note), "a note of '-' means no note"
    assert plan.warnings == []
    release = plan.new_releases[0]
    assert release["publication_id"] == "local-return" and release["covers_to"] == ["Summer 2024/25"]


def test_filled_template_values_by_cell(empty_ctx):
    plan = read_file(fixture_file("local/template_filled.xlsx"), empty_ctx)
    assert plan.format == local_template.FORMAT and len(plan.values) == 6
    assert sorted(plan.periods) == ["Autumn 2024/25", "Spring 2024/25", "Summer 2023/24"]
    typed = _row(plan, "ehcp_20wk_term_pct", "Summer 2023/24")
    assert (typed.value, typed.status, typed.source_row, typed.source_column) == (
        41.9, "local", 7, "Summer 2023/24 (D7)")
    percent = _row(plan, "perm_staff_pct", "Autumn 2024/25")  # 82.5% typed in a percent-formatted cell
    assert (percent.value, percent.source_column) == (82.5, "Autumn 2024/25 (E10)")
    assert _row(plan, "complaints_received", "Spring 2024/25").value == 9
    reason = _row(plan, "eotas_ap_count", "Spring 2024/25")  # "suppressed" chosen as the reason
    assert reason.status == "suppressed" and pd.isna(reason.value)
    assert set(plan.values["area_code"]) == {"E06000026"} and set(plan.values["published_area"]) == {"E06000026"}


def test_local_returns_import_and_undo(empty_con):
    result = ingest.import_source(empty_con, fixture_file("local/template_filled.xlsx"), actor=ADMIN)
    assert result.added == 6
    stored = empty_con.execute("SELECT count(*) FROM metric_value WHERE batch_id = ?", [result.batch_id]).fetchone()
    assert stored == (6,)
    ingest.undo(empty_con, result.batch_id, actor=ADMIN)
    assert empty_con.execute("SELECT count(*) FROM metric_value WHERE is_current").fetchone() == (0,)
