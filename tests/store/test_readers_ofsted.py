"""Ofsted's area SEND inspection outcomes, on committed cuts of the two real files (tests/fixtures/ofsted):
the 2016 framework's OpenDocument table (ONS codes; a title above the header; 'Not revisited yet' in a
date column; revisits with Yes and Some) and the 2023 framework's CSV (names only, R's dotted columns,
day-first dates, NA). Then the store: a batch, undo, the seed and `scorecard inspections`."""

import json

import pandas as pd
import pytest

from scorecard import cli, ingest, inspections, store
from scorecard.importers import ImportFailure, SourceFile, ofsted_send, read_file
from tests.conftest import FIXTURES, fixture_file

from scorecard import access

ADMIN = access.command_line("test")

ODS = "ofsted/Area_SEND_inspection_data_01_May_2016_to_31_August_2022.ods"
CSV = "ofsted/mi_ofsted_winter_2223.csv"
CORNWALL, PLYMOUTH, CUMBRIA, CUMBERLAND = "E06000052", "E06000026", "E10000006", "E06000063"


def _visit(plan, area_code, visit="inspection") -> pd.Series:
    rows = plan.inspections[(plan.inspections["area_code"] == area_code) & (plan.inspections["visit"] == visit)]
    assert len(rows) == 1, f"{area_code} {visit}: {len(rows)} rows"
    return rows.iloc[0]


def test_the_2016_table_gives_each_inspection_and_revisit(empty_ctx):
    plan = read_file(fixture_file(ODS), empty_ctx)
    # A release is recognised by the latest date it holds; the cut's is the publication of Barnsley's inspection, so it is a new one.
    assert plan.format == ofsted_send.FORMAT_2016
    assert [r["id"] for r in plan.new_releases] == [plan.source_id] == ["ofsted-area-send-to-2016-framework-to-2021-11-24"]
    assert len(plan.inspections) == 7 + 2 and not plan.warnings  # seven areas, two of them revisited
    cornwall = _visit(plan, CORNWALL)
    assert (str(cornwall.start_date), str(cornwall.published), cornwall.outcome, cornwall.action_plan_required) == (
        "2017-07-03", "2017-08-25", "No written statement of action required", False)
    birmingham = "E08000025"
    assert (_visit(plan, birmingham).weaknesses, _visit(plan, birmingham).action_plan_required) == (13, True)
    revisit = _visit(plan, birmingham, "revisit")
    assert (str(revisit.start_date), str(revisit.published), revisit.outcome, revisit.progressed,
            revisit.not_progressed) == ("2021-05-24", "2021-07-14",
                                        "Sufficient progress in addressing some significant weaknesses", 1, 12)
    assert _visit(plan, "E06000055", "revisit").outcome == "Sufficient progress in addressing all significant weaknesses"
    cumbria = _visit(plan, CUMBRIA)  # an area since split, matched by its own code
    assert (cumbria.note, cumbria.weaknesses, cumbria.source_row) == ("Not revisited yet", 9, 10)


def test_the_2023_csv_keeps_ofsteds_words(empty_ctx):
    plan = read_file(fixture_file(CSV), empty_ctx)
    assert plan.format == ofsted_send.FORMAT_2023 and plan.source_id == "ofsted-area-send-2023-framework"
    cornwall = _visit(plan, CORNWALL)
    assert (str(cornwall.start_date), str(cornwall.published), cornwall.outcome, cornwall.action_plan_required,
            pd.isna(cornwall.weaknesses)) == ("2023-02-06", "2023-05-05", "Inconsistent experiences and outcomes",
                                               False, True)
    plymouth = _visit(plan, PLYMOUTH)
    assert (plymouth.outcome, plymouth.action_plan_required, plymouth.weaknesses) == (
        "Widespread and/or systemic failings", True, 5)


def _csv_with(text_from: str, text_to: str) -> SourceFile:
    data = (FIXTURES / CSV).read_bytes().replace(text_from.encode(), text_to.encode(), 1)
    assert data != (FIXTURES / CSV).read_bytes()
    return SourceFile("ofsted.csv", data)


def test_an_area_matching_nothing_is_reported_and_left_out(empty_ctx):
    plan = read_file(_csv_with('"Cornwall"', '"Atlantis"'), empty_ctx)
    assert CORNWALL not in set(plan.inspections["area_code"]) and len(plan.inspections) == 2
    [warning] = plan.warnings
    assert (warning.row, warning.column, warning.severity) == (2, "Local.area.partnership", "warning")
    assert "'Atlantis' matches no local area" in warning.message


@pytest.mark.parametrize("change, column, words", [
    ('"06/02/2023"', "Inspection.start.date", "is not a date"),
    ('"Inconsistent experiences and outcomes"', "Inspection.outcome", "is not an outcome of the 2023 framework"),
    ('"No",NA', "Priority.action.plan.required.", "is not an answer Ofsted uses here"),
])
def test_a_bad_cell_refuses_the_file_naming_row_and_column(empty_ctx, change, column, words):
    bad = {"Inspection.start.date": '"6th Feb"', "Inspection.outcome": '"Good"',
           "Priority.action.plan.required.": '"Maybe",NA'}[column]
    with pytest.raises(ImportFailure) as failure:
        read_file(_csv_with(change, bad), empty_ctx)
    [issue] = failure.value.issues
    assert (issue.file, issue.row, issue.column) == ("ofsted.csv", 2, column) and words in issue.message


def test_an_import_is_a_batch_and_undo_takes_it_back(empty_con):
    before = inspections.history(empty_con, [CORNWALL])
    result = ingest.import_source(empty_con, fixture_file(CSV), actor=ADMIN)
    assert result.inspections == 3 and "3 area SEND inspections and revisits" in result.summary()
    [cornwall] = inspections.history(empty_con, [CORNWALL])
    assert (cornwall.outcome, cornwall.action_plan_required) == ("Inconsistent experiences and outcomes", False)
    assert empty_con.execute("SELECT DISTINCT batch_id, source_id FROM inspection").fetchall() == [
        (result.batch_id, "ofsted-area-send-2023-framework")]
    again = ingest.import_source(empty_con, fixture_file(CSV), actor=ADMIN)
    assert again.already_batch == result.batch_id
    ingest.undo(empty_con, result.batch_id, actor=ADMIN)
    assert inspections.history(empty_con, [CORNWALL]) == before == []


def test_an_area_formed_by_a_boundary_change_is_shown_its_predecessors_inspections(empty_con):
    ingest.import_source(empty_con, fixture_file(ODS), actor=ADMIN)
    [cumbria] = inspections.history(empty_con, [CUMBERLAND])
    assert (cumbria.area_code, cumbria.predecessor) == (CUMBRIA, True)
    assert "inspected as Cumbria" in cumbria.detail


def test_the_latest_inspection_in_one_sentence(con):
    line = inspections.latest_line(con, CORNWALL)
    assert line == ("Latest area SEND inspection (2023 framework) in the store (Ofsted data to November 2023): "
                    "started 6 February 2023, published 5 May 2023. "
                    "Outcome: Inconsistent experiences and outcomes; priority action plan not required. Source: "
                    "Ofsted (with CQC), Area SEND inspections under the 2023 framework: outcomes (management "
                    "information).")
    assert inspections.latest_line(con, "E06000053") .startswith("Latest area SEND inspection (2016 framework)")


def test_the_seed_holds_every_inspection(con):
    rows = inspections.history(con)
    assert len(rows) == 211 and len({r.area_code for r in rows if r.framework == "2023"}) == 16


def test_scorecard_inspections_lists_cornwalls(db_path, capsys):
    assert cli.main(["--db", str(db_path), "inspections", "--area", "Cornwall"]) == 0
    out = capsys.readouterr().out
    assert "2017-07-03" in out and "Inconsistent experiences and outcomes" in out
    assert cli.main(["--db", str(db_path), "inspections", "--area", "Cornwall", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["framework"], r["start_date"], r["outcome"], r["action_plan_required"]) for r in rows] == [
        ("2016", "2017-07-03", "No written statement of action required", False),
        ("2023", "2023-02-06", "Inconsistent experiences and outcomes", False)]
    assert {"framework", "area_code", "start_date", "published", "outcome", "action_plan_required"} <= set(rows[0])


def test_scorecard_inspections_says_when_there_are_none(db_path, capsys):
    con = store.connect(str(db_path))
    con.execute("UPDATE import_batch SET status = 'undone'")
    con.close()
    assert cli.main(["--db", str(db_path), "inspections", "--area", "Cornwall", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert "No area SEND inspection of Cornwall is recorded" in captured.err
    assert captured.out.strip() == ",".join(inspections.COLUMNS)


def test_every_pack_names_the_latest_inspection(con):
    from scorecard.reports import content

    pack = content.build_pack(con, "E06000052", "Autumn 2025/26")
    assert ("Latest inspection", inspections.latest_line(con, "E06000052")) in pack.title_block()
    england = content.build_pack(con, "E92000001", "Autumn 2025/26")
    assert england.inspection is None and "Latest inspection" not in dict(england.title_block())
