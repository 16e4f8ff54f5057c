"""Revisions keep history; undo removes a batch and restores what it replaced."""

import pytest

from scorecard import cli, ingest, queries
from scorecard.importers import SourceFile

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

pytestmark = pytest.mark.both_backends  # the same store code serves a DuckDB file and a DuckLake

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
          "new_la_code,old_la_code,la_name,breakdown_topic,breakdown,plans_issued_den_ex,plans_issued_20_weeks_ex,"
          "PC_plans_issued_20_weeks_ex,plans_issued_den,plans_issued_within_20_weeks,pc_plans_issued_within_20_weeks,"
          "plans_issued_gt_1_year_ex,PC_plans_issued_gt_1_year_ex")


def _row(value, year="2024"):
    return (f"{year},Calendar year,Local authority,E92000001,England,E12000009,South West,E06000026,879,Plymouth,"
            f"All EHC plans issued,All EHC plans issued,403,24,{value},403,24,6.0,130,32.3")


def _current(con, year="2024"):
    t = queries.metric_values(con, "ehcp_20wk_pct")
    return t[(t["area_code"] == "E06000026") & (t["period"] == year)].iloc[0]


def test_a_restated_figure_becomes_current_and_the_old_one_stays_queryable(con, tmp_path):
    assert _current(con).value == 6.0
    path = tmp_path / "restated.csv"
    # A release that covers up to 2025 is newer than reporting year 2025 (data to 2024).
    path.write_text(f"{HEADER}\n{_row(7.5)}\n{_row(30.0, '2025')}\n")
    result = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    assert (result.added, result.changed) == (3, 1)  # 2025 for both 20-week measures and over a year; 2024 revised
    assert _current(con).value == 7.5
    history = queries.value_history(con, "ehcp_20wk_pct", "E06000026", "2024")
    assert list(history["value"]) == [7.5, 6.0] and list(history["is_current"]) == [True, False]
    assert history.iloc[1]["source_id"] == "dfe-ehcp-2025"

    message = ingest.undo(con, result.batch_id, actor=ADMIN)
    assert "undone" in message
    assert _current(con).value == 6.0 and _current(con).source_id == "dfe-ehcp-2025"
    t = queries.metric_values(con, "ehcp_20wk_pct")
    assert t[(t["area_code"] == "E06000026") & (t["period"] == "2025")].empty
    batches = queries.batches(con)
    assert batches.set_index("batch").loc[result.batch_id, "status"] == "undone"


def test_an_undone_file_can_be_imported_again(con, tmp_path):
    path = tmp_path / "again.csv"
    path.write_text(f"{HEADER}\n{_row(30.0, '2025')}\n")
    first = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    ingest.undo(con, first.batch_id, actor=ADMIN)
    second = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    assert second.batch_id != first.batch_id and second.added == 3


def test_undo_from_the_command_line(db_path, tmp_path, capsys):
    path = tmp_path / "new.csv"
    path.write_text(f"{HEADER}\n{_row(30.0, '2025')}\n")
    assert cli.main(["--db", str(db_path), "import", str(path)]) == 0
    out = capsys.readouterr().out
    batch = int(out.split("imported as batch ")[1].split(":")[0])
    assert cli.main(["--db", str(db_path), "undo", str(batch), "--yes"]) == 0
    assert cli.main(["--db", str(db_path), "undo", str(batch), "--yes"]) == 2
    assert "already undone" in capsys.readouterr().err
    assert cli.main(["--db", str(db_path), "undo", "9999"]) == 2


def test_preview_after_an_unread_result_on_the_same_connection(con, tmp_path):
    """DuckDB 2 refuses to register a frame while a fetchone() result is unread; previews must cope."""
    from scorecard.importers import ImportContext, read_file

    path = tmp_path / "new.csv"
    path.write_text(f"{HEADER}\n{_row(30.0, '2025')}\n")
    plan = read_file(SourceFile.from_path(path), ImportContext.from_store(con))
    con.execute("SELECT 1 UNION ALL SELECT 2").fetchone()
    assert ingest.preview(con, plan).added == 3
