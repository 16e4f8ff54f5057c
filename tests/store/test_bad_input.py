"""Every kind of bad input fails with a message naming the file, row and column, and the store is
left exactly as it was."""

import io
import zipfile

import pytest

from scorecard import cli, ingest, store
from scorecard.importers import SourceFile
from scorecard.importers.base import ImportFailure

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
          "new_la_code,old_la_code,la_name,breakdown_topic,breakdown,plans_issued_den_ex,plans_issued_20_weeks_ex,"
          "PC_plans_issued_20_weeks_ex,plans_issued_den,plans_issued_within_20_weeks,pc_plans_issued_within_20_weeks,"
          "plans_issued_gt_1_year_ex,PC_plans_issued_gt_1_year_ex")
GOOD_ROW = ("2025,Calendar year,Local authority,E92000001,England,E12000009,South West,E06000026,879,Plymouth,"
            "All EHC plans issued,All EHC plans issued,400,100,25,420,104,24.8,x,x")
REQUESTS_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
                   "new_la_code,old_la_code,la_name,breakdown_topic,breakdown,request_not_assess_pc,"
                   "requests_decided_not_to_assess,request_outcome_six_weeks_pc,request_outcome_six_weeks,"
                   "request_outcome_over_6_weeks,mediation_related_request,requests_decided_to_assess,"
                   "requests_decision_not_made,requests_withdrawn,request_assess_pc,request_outstanding_pc,"
                   "request_withdrawn_pc,tribunal_after_mediation_request,requests_received_in_year")
OTHER_REQUEST_CELLS = "x,x,x,x,x,x,x,x,x,x,x,x,x,"  # every other column the register maps for requests.csv, not published


def _state(con):
    return (con.execute("SELECT count(*), sum(value) FROM metric_value").fetchone(),
            con.execute("SELECT count(*) FROM import_batch").fetchone()[0], store.data_version(con))


def _write(tmp_path, name, content) -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def _fails(con, path, *needles):
    before = _state(con)
    with pytest.raises(ImportFailure) as exc:
        ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    message = str(exc.value)
    for needle in needles:
        assert needle in message, message
    assert _state(con) == before, "a failed import must leave the store exactly as it was"
    return message


def test_unknown_format(con, tmp_path):
    _fails(con, _write(tmp_path, "notes.csv", "hello,world\n1,2\n"), "notes.csv", "unknown format")


def test_empty_file(con, tmp_path):
    _fails(con, _write(tmp_path, "empty.csv", ""), "empty.csv", "empty")


def test_truncated_zip(con, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("data/timeliness_20_week.csv", f"{HEADER}\n{GOOD_ROW}\n" * 50)
    data = buffer.getvalue()
    _fails(con, _write(tmp_path, "release.zip", data[: len(data) // 2]), "release.zip", "corrupt or truncated")


def test_non_utf8_bytes_name_the_row(con, tmp_path):
    bad = f"{HEADER}\n{GOOD_ROW.replace('Plymouth', 'Plym')}\n".encode() + \
        b"2025,Calendar year,Local authority,E92000001,England,E12000009,South West,E06000026,879,Plym\xe9,x,x,1,1,1\n"
    _fails(con, _write(tmp_path, "latin1.csv", bad), "latin1.csv", "row 3", "not UTF-8")


def test_missing_required_column(con, tmp_path):
    header = HEADER.replace("time_identifier,", "")
    row = GOOD_ROW.replace("Calendar year,", "")
    _fails(con, _write(tmp_path, "nocol.csv", f"{header}\n{row}\n"), "nocol.csv", "time_identifier", "missing")


def test_percentage_outside_0_to_100(con, tmp_path):
    bristol = ('2025,Calendar year,Local authority,E92000001,England,E12000009,South West,E06000023,801,'
               '"Bristol, City of",All EHC plans issued,All EHC plans issued,400,100,604,420,104,24.8,x,x')
    _fails(con, _write(tmp_path, "pct.csv", f"{HEADER}\n{GOOD_ROW}\n{bristol}\n"),
           "pct.csv", "row 3", "'PC_plans_issued_20_weeks_ex'", "outside 0–100")


@pytest.mark.parametrize("count,needle", [("-5", "negative"), ("12.5", "not a whole number")])
def test_negative_or_fractional_count(con, tmp_path, count, needle):
    row = ("2025,Calendar year,Local authority,E92000001,England,E12000009,South West,E06000026,879,Plymouth,"
           f"All requests for EHC needs assessments,All requests for EHC needs assessments,{OTHER_REQUEST_CELLS}{count}")
    _fails(con, _write(tmp_path, "requests.csv", f"{REQUESTS_HEADER}\n{row}\n"), "requests.csv", "row 2",
           "'requests_received_in_year'", needle)


def test_unknown_la_code(con, tmp_path):
    row = GOOD_ROW.replace("E06000026,879", "E06009999,999")
    _fails(con, _write(tmp_path, "la.csv", f"{HEADER}\n{row}\n"), "la.csv", "row 2", "'new_la_code'", "E06009999")


def test_code_and_number_that_contradict(con, tmp_path):
    row = GOOD_ROW.replace("E06000026,879", "E06000026,801")
    _fails(con, _write(tmp_path, "clash.csv", f"{HEADER}\n{row}\n"), "clash.csv", "row 2", "contradicts")


def test_duplicate_rows(con, tmp_path):
    _fails(con, _write(tmp_path, "dupe.csv", f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW}\n"), "dupe.csv", "row 3",
           "duplicate row", "row 2")


def test_one_bad_member_stops_the_whole_zip(con, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("data/timeliness_20_week.csv", f"{HEADER}\n{GOOD_ROW}\n")
        z.writestr("data/requests.csv", f"{REQUESTS_HEADER}\n" + GOOD_ROW.rsplit(",", 10)[0] +
                   f",All requests for EHC needs assessments,All requests for EHC needs assessments,{OTHER_REQUEST_CELLS}-1\n")
    _fails(con, _write(tmp_path, "mixed.zip", buffer.getvalue()), "mixed.zip:data/requests.csv", "negative")


def test_same_file_twice_is_a_no_op(con, tmp_path):
    path = _write(tmp_path, "good.csv", f"{HEADER}\n{GOOD_ROW}\n")
    first = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    assert first.added == 3  # ehcp_20wk_pct, ehcp_20wk_incl_exc_pct and ehcp_over_1yr_pct ("x": not available)
    after_first = _state(con)
    second = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    assert second.already_batch == first.batch_id and "nothing changed" in second.summary()
    assert _state(con) == after_first


def test_cli_exits_non_zero_and_names_the_problem(db_path, tmp_path, capsys):
    path = _write(tmp_path, "la.csv", f"{HEADER}\n{GOOD_ROW.replace('E06000026,879', 'E06009999,999')}\n")
    code = cli.main(["--db", str(db_path), "import", path])
    err = capsys.readouterr().err
    assert code == 1 and "la.csv, row 2, column 'new_la_code'" in err and "nothing was written" in err


def test_dry_run_writes_nothing(con, db_path, tmp_path, capsys):
    path = _write(tmp_path, "good.csv", f"{HEADER}\n{GOOD_ROW}\n")
    before = _state(con)
    con.close()
    assert cli.main(["--db", str(db_path), "import", "--dry-run", path]) == 0
    assert "would import: 3 added" in capsys.readouterr().out
    again = store.connect(str(db_path))
    assert _state(again) == before
    again.close()


def test_an_import_while_another_process_holds_the_store_fails_clearly(db_path, tmp_path, capsys):
    """DuckDB allows one writing process: the dashboard owns the store while it runs."""
    import subprocess
    import sys
    import time

    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from scorecard import store; c = store.connect(sys.argv[1]); "
        "print('open', flush=True); time.sleep(30)"), str(db_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        path = _write(tmp_path, "good.csv", f"{HEADER}\n{GOOD_ROW}\n")
        assert cli.main(["--db", str(db_path), "import", path]) == 1
        err = capsys.readouterr().err
        assert "open in another process" in err and "Nothing was changed" in err
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    con = store.connect(str(db_path))
    assert con.execute("SELECT count(*) FROM import_batch WHERE file_name = 'good.csv'").fetchone()[0] == 0
    con.close()


# A release is all or nothing: one wrong cell refuses the whole file and writes nothing.

FULL_HEADER, FULL_ROW = HEADER, GOOD_ROW


@pytest.mark.parametrize("den,num,pct,needle,column", [
    ("-400", "100", "25", "must be a whole number of 0 or more", "plans_issued_20_weeks_ex"),
    ("400", "100.5", "25", "must be a whole number of 0 or more", "plans_issued_20_weeks_ex"),
    ("400", "500", "25", "numerator 500 is greater than denominator 400", "plans_issued_20_weeks_ex"),
    ("400", "100", "125", "outside 0–100", "PC_plans_issued_20_weeks_ex"),
])
def test_a_release_with_one_bad_cell_is_refused_whole(con, tmp_path, den, num, pct, needle, column):
    bad = GOOD_ROW.replace(",400,100,25", f",{den},{num},{pct}").replace("E06000026,879,Plymouth", "E06000027,880,Torbay")
    message = _fails(con, _write(tmp_path, "timeliness_20_week.csv", f"{FULL_HEADER}\n{FULL_ROW}\n{bad}\n"),
                     "timeliness_20_week.csv", "row 3", repr(column), needle)
    assert "Plymouth" not in message  # the good row is not the problem, but it is not written either


def test_a_release_missing_a_mapped_column_is_refused_naming_it_and_its_measures(con, tmp_path):
    header = FULL_HEADER.replace(",PC_plans_issued_20_weeks_ex", "")
    row = FULL_ROW.replace(",100,25,", ",100,")
    message = _fails(con, _write(tmp_path, "timeliness_20_week.csv", f"{header}\n{row}\n"),
                     "timeliness_20_week.csv", "row 1", "'PC_plans_issued_20_weeks_ex'", "ehcp_20wk_pct", "does not have it",
                     "[[metric.read]]", "--partial")
    assert "ehcp_20wk_incl_exc_pct" not in message


def test_partial_imports_the_rest_and_lists_what_was_not_read(con, tmp_path, capsys, db_path):
    con.close()
    header = FULL_HEADER.replace(",PC_plans_issued_20_weeks_ex", "")
    row = FULL_ROW.replace(",100,25,", ",100,")
    path = _write(tmp_path, "timeliness_20_week.csv", f"{header}\n{row}\n")
    assert cli.main(["--db", str(db_path), "import", path, "--partial"]) == 0
    out = capsys.readouterr().out
    assert "2 added" in out and "NOT READ" in out and "ehcp_20wk_pct" in out and "PC_plans_issued_20_weeks_ex" in out


def test_counts_of_a_rate_the_release_does_not_publish_are_dropped_not_refused(con, tmp_path):
    row = FULL_ROW.replace(",400,100,25,", ",0,36,z,")
    result = ingest.import_source(con, SourceFile.from_path(_write(tmp_path, "timeliness_20_week.csv",
                                                                   f"{FULL_HEADER}\n{row}\n")), actor=ADMIN)
    stored = con.execute("SELECT value, numerator, denominator, status FROM metric_value WHERE batch_id = ? "
                         "AND metric_id = 'ehcp_20wk_pct'", [result.batch_id]).fetchone()
    assert stored == (None, None, None, "not_applicable")
    assert any("no rate is published" in w.message for w in result.warnings)


@pytest.mark.parametrize("extra", [",999", ",999,998"])
def test_a_row_with_more_cells_than_the_header_is_refused(con, tmp_path, extra):
    _fails(con, _write(tmp_path, "ragged.csv", f"{HEADER}\n{GOOD_ROW}{extra}\n"), "ragged.csv", "row 2",
           "cells but the header has")


def test_a_refused_file_is_recorded_in_the_audit_trail_and_a_dry_run_is_not(con, db_path, tmp_path):
    """A file that fails its checks is a refused change, recorded like any other (issue 17)."""
    from scorecard import cli

    bad = tmp_path / "bad_return.csv"
    bad.write_text("area,metric,period,value\nPlymouth,perm_staff_pct,Autumn 2025/26,180\n"
                   "Narnia,perm_staff_pct,Autumn 2025/26,80\n")
    con.close()
    assert cli.main(["--db", str(db_path), "import", "--dry-run", str(bad)]) == 1
    reopened = store.connect(str(db_path))
    assert reopened.execute("SELECT count(*) FROM audit_event WHERE outcome = 'refused'").fetchone()[0] == 0
    reopened.close()
    assert cli.main(["--db", str(db_path), "import", "--yes", str(bad)]) == 1
    reopened = store.connect(str(db_path))
    rows = reopened.execute("SELECT action, outcome, subject, detail FROM audit_event WHERE outcome = 'refused'"
                            ).fetchall()
    reopened.close()
    assert len(rows) == 1 and rows[0][:3] == ("import", "refused", "bad_return.csv")
    assert rows[0][3].startswith("2 problem(s), nothing written: bad_return.csv, row 2, column 'value'")
    assert "row 3, column 'area'" in rows[0][3]
