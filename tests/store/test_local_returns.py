"""Local termly returns: every row is checked before anything is written, problems name their row
and column, a return is previewed before it is committed, and revisions keep their history."""

import io
import sys

import openpyxl
import pytest

from scorecard import board_metrics, cli, ingest, local_returns, periods, queries, store, template
from scorecard.areas import AreaIndex
from scorecard.importers import ImportContext, SourceFile, local_csv, local_template, read_file
from scorecard.importers.base import ImportFailure
from scorecard.register import RegisterError, metrics_from_store

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

HEADER = "area,metric,period,value,numerator,denominator,status,note"
GOOD = "E06000026,perm_staff_pct,Autumn 2025/26,93,,,,"
PLYMOUTH = "E06000026"


def _state(con):
    state = (con.execute("SELECT count(*) FROM metric_value").fetchone()[0],
             con.execute("SELECT count(*) FROM import_batch").fetchone()[0],
             store.data_version(con))
    con.execute("SELECT 1").fetchall()  # DuckDB refuses register() while a fetchone() result is open
    return state


def _write(tmp_path, name, content) -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def _return(tmp_path, *rows, name="return.csv", header=HEADER) -> str:
    return _write(tmp_path, name, "\n".join([header, *rows]) + "\n")


def _refused(con, path) -> list:
    before = _state(con)
    with pytest.raises(ImportFailure) as exc:
        ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    assert _state(con) == before, "a refused return must leave the store exactly as it was"
    return exc.value.issues


def _current(con, metric_id, period, area=PLYMOUTH):
    return con.execute(
        "SELECT value, numerator, denominator, status, note FROM metric_value "
        "WHERE is_current AND metric_id = ? AND area_code = ? AND period_label = ?",
        [metric_id, area, period]).fetchone()


BAD_ROWS = [
    ("unknown area", "Atlantis,perm_staff_pct,Spring 2025/26,90,,,,", "area", "unknown area 'Atlantis'"),
    ("abolished area", "Cumbria,perm_staff_pct,Spring 2025/26,90,,,,", "area", "Cumberland (E06000063)"),
    ("unknown metric", "Plymouth,perm_staf_pct,Spring 2025/26,90,,,,", "metric", "Did you mean perm_staff_pct"),
    ("unparseable period", "Plymouth,perm_staff_pct,Winter 2025,90,,,,", "period", "'Winter 2025' is not a period"),
    ("future period", "Plymouth,perm_staff_pct,Autumn 2040/41,90,,,,", "period", "has not started yet"),
    ("not a number", "Plymouth,perm_staff_pct,Spring 2025/26,ninety,,,,", "value", "'ninety' is not a number"),
    ("symbol as value", "Plymouth,perm_staff_pct,Spring 2025/26,c,,,,", "value", "put the reason in the status"),
    ("percentage over 100", "Plymouth,perm_staff_pct,Spring 2025/26,120,,,,", "value", "outside 0–100"),
    ("fraction for a percentage", "Plymouth,perm_staff_pct,Spring 2025/26,0.685,,,,", "value",
     "0.685 looks like a fraction; if you mean 68.5%, write 68.5; if you really mean 0.685%, write 0.685%"),
    ("percentage for a count", "Plymouth,complaints_received,Spring 2025/26,12%,,,,", "value",
     "is a percentage, but complaints_received is measured in count"),
    ("numerator over denominator", "Plymouth,complaints_on_time_pct,Spring 2025/26,,12,10,,", "numerator",
     "numerator 12 is greater than denominator 10"),
    ("negative count", "Plymouth,complaints_received,Spring 2025/26,-3,,,,", "value", "-3 is negative"),
    ("fractional count", "Plymouth,complaints_received,Spring 2025/26,2.5,,,,", "value", "2.5 is not a whole number"),
    ("fractional numerator", "Plymouth,complaints_on_time_pct,Spring 2025/26,,3.5,10,,", "numerator",
     "numerator 3.5 must be a whole number"),
    ("negative denominator", "Plymouth,complaints_on_time_pct,Spring 2025/26,,0,-10,,", "denominator",
     "denominator -10 must be a whole number of 0 or more"),
    ("zero denominator", "Plymouth,complaints_on_time_pct,Spring 2025/26,,0,0,,", "denominator", "denominator is 0"),
    ("value disagrees with parts", "Plymouth,complaints_on_time_pct,Spring 2025/26,70,30,40,,", "value",
     "70 does not match numerator ÷ denominator: 100 × 30 ÷ 40 = 75.0"),
    ("numerator without denominator", "Plymouth,complaints_on_time_pct,Spring 2025/26,75,30,,,", "denominator",
     "give both numerator and denominator"),
    ("count from parts", "Plymouth,complaints_received,Spring 2025/26,,3,10,,", "value", "give the value"),
    ("rate from parts", "Plymouth,ehe_census_rate,Spring 2025/26,,3,100,,", "value",
     "only a percentage is worked out"),
    ("duplicate", "Plymouth,perm_staff_pct,Autumn term 2025/26,94,,,,", "metric",
     "duplicate: perm_staff_pct for Plymouth, Autumn 2025/26 is also on row 2"),
    ("formula note =", "Plymouth,ep_vacancies,Spring 2025/26,4,,,,=HYPERLINK(\"http://x\")", "note", "formula"),
    ("formula note +", "Plymouth,ep_vacancies,Spring 2025/26,4,,,,+1 more post", "note", "formula"),
    ("formula note -", "Plymouth,ep_vacancies,Spring 2025/26,4,,,,-2 since summer", "note", "formula"),
    ("formula note @", "Plymouth,ep_vacancies,Spring 2025/26,4,,,,@SUM(A1)", "note", "formula"),
    ("script note", "Plymouth,ep_vacancies,Spring 2025/26,4,,,,see <SCRIPT>alert(1)</script>", "note", "script"),
    ("javascript note", "Plymouth,ep_vacancies,Spring 2025/26,4,,,,javascript:alert(1)", "note", "script"),
    ("unknown status", "Plymouth,ep_vacancies,Spring 2025/26,4,,,draft,", "status",
     "unknown status 'draft'"),
    ("published status", "Plymouth,ep_vacancies,Spring 2025/26,4,,,published,", "status",
     "for published statistics"),
    ("no figure", "Plymouth,ep_vacancies,Spring 2025/26,,,,,", "value", "no figure"),
    ("missing status with a value", "Plymouth,ep_vacancies,Spring 2025/26,4,,,suppressed,", "value",
     "the status says suppressed, so leave value"),
]


@pytest.mark.parametrize("case,row,column,message", BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_a_bad_row_is_refused_naming_its_row_and_column(con, tmp_path, case, row, column, message):
    issues = _refused(con, _return(tmp_path, GOOD, row))
    assert len(issues) == 1, [str(i) for i in issues]
    issue = issues[0]
    assert (issue.file, issue.row, issue.column) == ("return.csv", 3, column), str(issue)
    assert message in issue.message, issue.message


def test_every_problem_is_reported_not_just_the_first(con, tmp_path):
    rows = [GOOD] + [case[1] for case in BAD_ROWS if case[0] != "duplicate"]
    issues = _refused(con, _return(tmp_path, *rows))
    assert sorted({i.row for i in issues}) == list(range(3, len(rows) + 2))


def test_a_problem_in_a_differently_cased_header_names_the_column_as_written(con, tmp_path):
    path = _return(tmp_path, "Plymouth,perm_staff_pct,Spring 2025/26,120", header=" Area ,Metric,PERIOD,Value")
    issue = _refused(con, path)[0]
    assert (issue.row, issue.column) == (2, "Value")


def test_rows_are_counted_as_a_spreadsheet_shows_them(con, tmp_path):
    path = _return(tmp_path, GOOD, "", 'Plymouth,ep_vacancies,Spring 2025/26,4,,,,"a note\nover two lines"',
                   "Plymouth,ep_vacancies,Summer 2025/26,x,,,,")
    issue = _refused(con, path)[0]
    assert (issue.row, issue.column) == (6, "value")


@pytest.mark.parametrize("content,message", [
    ("", "the file is empty"),
    (HEADER + "\n", "header but no rows"),
    ("area,metric,value\nPlymouth,perm_staff_pct,90\n", "required column(s) missing: period"),
    ("area,metric,period,status\nPlymouth,perm_staff_pct,2025/26,\n", "needs a 'value' column"),
    ("area,metric,period,value,value\nPlymouth,perm_staff_pct,2025/26,1,1\n", "appears more than once"),
])
def test_a_file_that_is_not_a_usable_return_is_refused(con, tmp_path, content, message):
    source = SourceFile.from_path(_write(tmp_path, "return.csv", content))
    with pytest.raises(ImportFailure) as exc:
        local_csv.read(source, ImportContext.from_store(con))
    assert any(message in i.message for i in exc.value.issues), [str(i) for i in exc.value.issues]


def test_a_csv_without_a_period_column_is_not_taken_for_a_return(con, tmp_path):
    assert local_csv.looks_like([" Area", "METRIC", "time_period", "time_identifier", "value"])
    assert not local_csv.looks_like(["area", "metric", "value"])
    issues = _refused(con, _write(tmp_path, "return.csv", "area,metric,value\nPlymouth,perm_staff_pct,90\n"))
    assert "a local return (a CSV with area, metric, period and value columns" in issues[0].message


def test_non_utf8_return_is_refused(con, tmp_path):
    path = _write(tmp_path, "return.csv", (HEADER + "\n" + GOOD + ",Caf\xe9\n").encode("latin-1"))
    issue = _refused(con, path)[0]
    assert issue.row == 2 and "not UTF-8" in issue.message


def test_explicit_percent_sign_accepts_a_small_percentage(con, tmp_path):
    path = _return(tmp_path, "Plymouth,perm_staff_pct,Spring 2025/26,0.685%,,,,",
                   "Plymouth,complaints_on_time_pct,Spring 2025/26,0.5,1,200,,")
    result = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    assert result.added == 2
    assert _current(con, "perm_staff_pct", "Spring 2025/26")[0] == pytest.approx(0.685)
    assert _current(con, "complaints_on_time_pct", "Spring 2025/26")[:3] == (0.5, 1, 200)


def test_a_percentage_is_worked_out_from_its_parts_and_missing_values_keep_their_reason(con, tmp_path):
    path = _return(tmp_path, "Plymouth,complaints_on_time_pct,Spring 2025/26,,137,200,,",
                   "Plymouth,complaints_on_time_pct,Summer 2025/26,67,2,3,,",
                   "Plymouth,ep_vacancies,Spring 2025/26,,,,Suppressed,fewer than five posts",
                   "Plymouth,ep_vacancies,Summer 2025/26,,,,not available,",
                   "Plymouth,ep_vacancies,Autumn 2025/26,,,,NOT_APPLICABLE,",
                   "Plymouth,complaints_received,Spring 2025/26,\"1,234\",,,,")
    assert ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN).added == 6
    assert _current(con, "complaints_on_time_pct", "Spring 2025/26")[:4] == (68.5, 137, 200, "local")
    assert _current(con, "ep_vacancies", "Spring 2025/26") == (None, None, None, "suppressed", "fewer than five posts")
    assert _current(con, "ep_vacancies", "Summer 2025/26")[3] == "not_available"
    assert _current(con, "ep_vacancies", "Autumn 2025/26")[3] == "not_applicable"
    assert _current(con, "complaints_received", "Spring 2025/26")[0] == 1234


@pytest.mark.parametrize("written,label,kind", [
    ("Autumn 2025/26", "Autumn 2025/26", "term"),
    ("Autumn term 2025/26", "Autumn 2025/26", "term"),
    ("2025/26 Spring", "Spring 2025/26", "term"),
    ("March 2026", "March 2026", "month"),
    ("2024/25", "2024/25", "academic_year"),
    ("2024", "2024", "calendar_year"),
])
def test_periods_as_people_write_them(con, tmp_path, written, label, kind):
    path = _return(tmp_path, f"Plymouth,ep_vacancies,{written},4,,,,")
    plan = local_csv.read(SourceFile.from_path(path), ImportContext.from_store(con))
    assert list(plan.values["period_label"]) == [label] and plan.periods[label].kind == kind
    ingest.commit(con, plan, actor=ADMIN)
    assert con.execute("SELECT kind FROM period WHERE label = ?", [label]).fetchone() == (kind,)


def test_the_ees_pair_of_period_columns(con, tmp_path):
    path = _return(tmp_path, "879,ep_vacancies,202526,Autumn term,4", "Plymouth,ep_vacancies,2026,March,5",
                   "Plymouth,ep_vacancies,202425,Academic year,6",
                   header="area,metric,time_period,time_identifier,value")
    plan = ingest.read_source(con, SourceFile.from_path(path))
    assert plan.format == "local-return-csv"
    assert sorted(plan.values["period_label"]) == ["2024/25", "Autumn 2025/26", "March 2026"]
    bad = _return(tmp_path, "879,ep_vacancies,2025,Autumn term,4", name="bad.csv",
                  header="area,metric,time_period,time_identifier,value")
    issue = _refused(con, bad)[0]
    assert (issue.row, issue.column) == (2, "time_period") and "6 digits" in issue.message


def test_england_and_regions_are_refused_row_by_row(con, tmp_path):
    path = _return(tmp_path, "England,ep_vacancies,Spring 2025/26,40,,,,",
                   "South West,ep_vacancies,Spring 2025/26,12,,,,", "Plymouth,ep_vacancies,Summer 2025/26,11,,,,")
    issues = _refused(con, path)
    assert [(i.row, i.column) for i in issues] == [(2, "area"), (3, "area")]
    assert "national total" in issues[0].message and "a region" in issues[1].message


def test_preview_then_commit(con, tmp_path):
    path = _return(tmp_path, GOOD, "Plymouth,complaints_on_time_pct,Autumn 2025/26,,30,40,,")
    plan = ingest.read_source(con, SourceFile.from_path(path))
    before = _state(con)
    preview = ingest.preview(con, plan)
    assert (preview.added, preview.changed, preview.unchanged) == (2, 0, 0)
    assert _state(con) == before, "a preview writes nothing"
    text = local_returns.describe_preview(plan, preview)
    assert "2 to add, 0 to revise, 0 unchanged" in text and "complaints_on_time_pct" in text

    result = ingest.commit(con, plan, seen=preview, actor=ADMIN)
    assert result.added == 2 and result.batch_id
    assert _current(con, "complaints_on_time_pct", "Autumn 2025/26")[:4] == (75.0, 30, 40, "local")
    release = con.execute("SELECT publication_id, title, covers_to FROM source_release WHERE id = ?",
                          [plan.source_id]).fetchone()
    assert release == ("local-return", "Local return return.csv", '["Autumn 2025/26"]')
    assert plan.source_id == f"local-return-{SourceFile.from_path(path).sha256[:10]}"


def test_importing_the_same_return_twice_changes_nothing(con, tmp_path):
    path = _return(tmp_path, GOOD)
    first = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    before = _state(con)
    second = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    assert second.already_batch == first.batch_id
    assert _state(con) == before


def test_a_revised_return_shows_old_and_new_and_keeps_history_and_undo_restores(con, tmp_path):
    first = ingest.import_source(con, SourceFile.from_path(_return(
        tmp_path, "Plymouth,ehcp_20wk_term_pct,Autumn 2025/26,61.5,,,,", GOOD, name="autumn.csv")), actor=ADMIN)
    assert first.added == 2
    revised = _return(tmp_path, "Plymouth,ehcp_20wk_term_pct,Autumn 2025/26,63.0,,,,first figure was provisional",
                      GOOD, name="autumn_revised.csv")
    plan = ingest.read_source(con, SourceFile.from_path(revised))
    preview = ingest.preview(con, plan)
    assert (preview.added, preview.changed, preview.unchanged) == (0, 1, 1)
    changed = preview.rows[preview.rows["change"] == "changed"].iloc[0]
    assert (changed["old_value"], changed["value"]) == (61.5, 63.0)
    assert "61.5 -> 63" in local_returns.describe_preview(plan, preview)

    second = ingest.commit(con, plan, seen=preview, actor=ADMIN)
    assert _current(con, "ehcp_20wk_term_pct", "Autumn 2025/26")[0] == 63.0
    history = queries.value_history(con, "ehcp_20wk_term_pct", PLYMOUTH, "Autumn 2025/26")
    assert list(history["value"]) == [63.0, 61.5] and list(history["is_current"]) == [True, False]

    ingest.undo(con, second.batch_id, actor=ADMIN)
    assert _current(con, "ehcp_20wk_term_pct", "Autumn 2025/26")[0] == 61.5
    ingest.undo(con, first.batch_id, actor=ADMIN)
    assert _current(con, "ehcp_20wk_term_pct", "Autumn 2025/26") is None


def test_a_return_marked_illustrative_is_stored_as_illustrative(con, tmp_path):
    path = _return(tmp_path, "Plymouth,ep_vacancies,Spring 2025/26,4,,,illustrative,", GOOD)
    ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    assert _current(con, "ep_vacancies", "Spring 2025/26")[3] == "illustrative"
    assert _current(con, "perm_staff_pct", "Autumn 2025/26")[3] == "local"
    plan = local_csv.read(SourceFile.from_path(path), ImportContext.from_store(con), illustrative=True)
    assert set(plan.values["status"]) == {"illustrative"}


# --- The Excel template ------------------------------------------------------------------------

TERMS = ["Spring 2025/26", "Summer 2025/26", "Autumn 2026/27"]


def _template(con, metric_ids=("perm_staff_pct", "complaints_received", "ehe_census_rate")):
    metrics = metrics_from_store(con)
    area = AreaIndex.from_store(con).resolve("Plymouth")
    return template.build_template([metrics[m] for m in metric_ids], area, [periods.parse(t) for t in TERMS])


def _filled(data: bytes, cells: dict, formats: dict | None = None) -> SourceFile:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[template.SHEET]
    for ref, value in cells.items():
        ws[ref] = value
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    out = io.BytesIO()
    wb.save(out)
    return SourceFile("plymouth_return.xlsx", out.getvalue())


def test_the_template_lays_out_one_area_metrics_by_terms(con):
    wb = openpyxl.load_workbook(io.BytesIO(_template(con)))
    ws = wb["Return"]
    assert ws["A1"].value == "SEND Scorecard local return"
    assert (ws["B2"].value, ws["B3"].value) == (PLYMOUTH, "Plymouth") and ws["B4"].value
    assert [ws.cell(6, c).value for c in range(1, 7)] == ["Metric", "Unit", "Metric id", *TERMS]
    assert [ws.cell(r, 3).value for r in (7, 8, 9)] == ["perm_staff_pct", "complaints_received", "ehe_census_rate"]
    assert ws.cell(7, 1).value == "Permanent staffing in the SEND service"
    assert ws.column_dimensions["C"].hidden and ws.freeze_panes == "D7" and ws["D6"].font.bold
    rules = {str(dv.sqref): (dv.type, dv.operator, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert rules["D7:F7"] == ("decimal", "between", "0", "100")
    # The counts (complaints, and the two counts behind the percentage below the measures) are whole numbers.
    assert rules["D8:F8 D11:F11 D12:F12"] == ("whole", "greaterThanOrEqual", "0", None)
    assert ws.cell(10, 1).value.startswith("The counts behind each percentage") and ws.cell(10, 3).value is None
    assert [ws.cell(r, 3).value for r in (11, 12)] == ["perm_staff_pct:numerator", "perm_staff_pct:denominator"]
    assert ws.cell(11, 1).value == "Permanent staffing: posts filled by permanent staff (numerator)"
    assert rules["D9:F9"] == ("decimal", "greaterThanOrEqual", "0", None)
    assert all(dv.prompt for dv in ws.data_validations.dataValidation)
    # A drop-down per term for why a figure is missing, after the figures.
    assert [ws.cell(6, c).value for c in (7, 8, 9)] == [f"{t}: reason if blank" for t in TERMS]
    assert rules["G7:I9"] == ("list", None, '"suppressed,not available,not applicable,low"', None)
    definitions = wb["Definitions"]
    assert [c.value for c in definitions[1]] == ["Metric id", "Name", "Description", "Unit", "Polarity", "Decimals"]
    assert [c.value for c in definitions[2]][:2] == ["perm_staff_pct", "Permanent staffing in the SEND service"]
    assert definitions[2][4].value == "Higher is better" and definitions[2][5].value == 1


def test_template_round_trip(con):
    source = _filled(_template(con), {"D7": 91.5, "E7": 70, "F7": None, "D8": 12, "E8": "not available",
                                      "F9": 1.25})
    assert local_template.looks_like(source)
    plan = read_file(source, ImportContext.from_store(con))
    assert plan.format == "local-return-xlsx" and len(plan.values) == 5
    preview = ingest.preview(con, plan)
    assert preview.added == 5
    result = ingest.commit(con, plan, seen=preview, actor=ADMIN)
    assert result.added == 5
    assert _current(con, "perm_staff_pct", "Spring 2025/26")[0] == 91.5
    assert _current(con, "perm_staff_pct", "Summer 2025/26")[0] == 70  # typed as 70% in a % cell
    assert _current(con, "perm_staff_pct", "Autumn 2026/27") is None  # blank cells are skipped
    assert _current(con, "complaints_received", "Summer 2025/26")[3] == "not_available"
    assert _current(con, "ehe_census_rate", "Autumn 2026/27")[0] == 1.25
    assert con.execute("SELECT source_row FROM metric_value WHERE batch_id = ? AND metric_id = 'ehe_census_rate'",
                       [result.batch_id]).fetchone() == (9,)
    assert plan.values.set_index("metric_id").loc["ehe_census_rate", "source_column"] == "Autumn 2026/27 (F9)"


def test_the_template_asks_for_the_counts_behind_a_percentage(con):
    # The counts alone: the percentage is worked out from them, and kept with them.
    source = _filled(_template(con), {"D11": 88, "D12": 96, "E7": 90.0, "E11": 90, "E12": 100})
    plan = local_template.read(source, ImportContext.from_store(con))
    rows = plan.values.set_index("period_label")
    assert (rows.loc["Spring 2025/26", "value"], rows.loc["Spring 2025/26", "numerator"],
            rows.loc["Spring 2025/26", "denominator"]) == (pytest.approx(91.6667, abs=1e-3), 88, 96)
    assert (rows.loc["Summer 2025/26", "value"], rows.loc["Summer 2025/26", "numerator"]) == (90.0, 90)
    # A count without its partner, or a percentage that disagrees with its counts, is refused by cell.
    with pytest.raises(ImportFailure) as exc:
        local_template.read(_filled(_template(con), {"D11": 88, "E7": 50.0, "E11": 90, "E12": 100}),
                            ImportContext.from_store(con))
    found = {(i.row, i.column): i.message for i in exc.value.issues}
    assert "give both numerator and denominator" in found[(12, "Spring 2025/26 (D12)")]
    assert "does not match numerator ÷ denominator" in found[(7, "Summer 2025/26 (E7)")]


def test_percent_formatted_cells_are_read_as_percentages(con):
    source = _filled(_template(con), {"D7": 0.915}, {"D7": "0.0%"})
    plan = local_template.read(source, ImportContext.from_store(con))
    assert plan.values["value"].tolist() == [pytest.approx(91.5)]


def test_template_problems_name_the_cell_and_formulas_are_refused(con):
    before = _state(con)
    source = _filled(_template(con), {"D7": 0.685, "E7": "=D7*2", "D8": 2.5, "E8": "+5", "F9": "lots",
                                      "B2": "E10000006"})
    with pytest.raises(ImportFailure) as exc:
        local_template.read(source, ImportContext.from_store(con))
    found = {(i.row, i.column): i.message for i in exc.value.issues}
    assert "looks like a fraction" in found[(7, "Spring 2025/26 (D7)")]
    assert "formula" in found[(7, "E7")]
    assert "not a whole number" in found[(8, "Spring 2025/26 (D8)")]
    assert "formula" in found[(8, "Summer 2025/26 (E8)")]
    assert "'lots' is not a number" in found[(9, "Autumn 2026/27 (F9)")]
    assert "no longer exists" in found[(2, "Area code (B2)")]
    assert len(found) == 6, "the area's problem is reported once, not once per figure"
    assert _state(con) == before


def test_an_empty_template_is_refused(con):
    source = SourceFile("blank.xlsx", _template(con))
    with pytest.raises(ImportFailure, match="no figures have been filled in"):
        read_file(source, ImportContext.from_store(con))


def test_an_unknown_workbook_is_still_refused(con):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Something else"
    out = io.BytesIO()
    wb.save(out)
    source = SourceFile("other.xlsx", out.getvalue())
    assert not local_template.looks_like(source)
    with pytest.raises(ImportFailure) as failure:
        read_file(source, ImportContext.from_store(con))
    message = str(failure.value)
    assert "other.xlsx: is an Excel workbook, but not the SEND Scorecard local-return template" in message
    assert "Local returns page" in message and "scorecard template --area" in message


# --- The sample return and board metrics -------------------------------------------------------

def _current_count(con) -> int:
    return con.execute("SELECT count(*) FROM metric_value WHERE is_current").fetchone()[0]


def test_the_sample_loads_as_illustrative_and_undo_removes_it(con):
    before = _current_count(con)
    result = local_returns.load_sample(con, actor=ADMIN)
    assert result.added == 64 and result.batch_id  # every row of data/samples/sample_return_plymouth.csv
    rows = con.execute("SELECT DISTINCT status, area_code FROM metric_value WHERE batch_id = ?",
                       [result.batch_id]).fetchall()
    assert rows == [("illustrative", PLYMOUTH)]
    terms = {r[0] for r in con.execute("SELECT DISTINCT period_label FROM metric_value WHERE batch_id = ?",
                                       [result.batch_id]).fetchall()}
    assert terms == {"Spring 2024/25", "Summer 2024/25", "Autumn 2025/26", "Spring 2025/26", "Summer 2025/26",
                     "Autumn 2026/27"}
    assert local_returns.load_sample(con, actor=ADMIN).already_batch == result.batch_id
    ingest.undo(con, result.batch_id, actor=ADMIN)
    assert _current_count(con) == before  # its figures stay as history, but none is current


def test_the_sample_file_says_it_is_illustrative():
    text = local_returns.SAMPLE_RETURN.read_text()
    rows = text.strip().split("\n")[1:]
    assert all(",illustrative," in r for r in rows)
    assert "not Plymouth's data" in text


BOARD_TOML = """
[[metric]]
id = "short_breaks_offered"
name = "Families offered a short break within 8 weeks"
description = "Of families assessed for a short break in the term, the percentage offered one within 8 weeks."
unit = "%"
polarity = "higher"
decimals = 1
theme = "timeliness"
"""


def test_a_board_metric_from_toml_is_usable_in_a_return_at_once(con, tmp_path):
    added = board_metrics.load_board_register(con, _write(tmp_path, "board.toml", BOARD_TOML), actor=ADMIN)
    assert [m.id for m in added] == ["short_breaks_offered"]
    metric = metrics_from_store(con)["short_breaks_offered"]
    assert (metric.origin, metric.unit, metric.national) == ("board", "%", False)
    assert metric in local_returns.local_metrics(metrics_from_store(con))
    path = _return(tmp_path, "Plymouth,short_breaks_offered,Autumn 2025/26,,45,60,,")
    assert ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN).added == 1
    assert _current(con, "short_breaks_offered", "Autumn 2025/26")[0] == 75.0


def test_a_board_metric_cannot_take_a_register_id_or_read_published_files(con):
    before = _state(con)
    with pytest.raises(RegisterError, match="already in the metric register"):
        board_metrics.add_board_metric(con, {"id": "perm_staff_pct", "name": "x", "unit": "%", "polarity": "higher"}, actor=ADMIN)
    with pytest.raises(RegisterError, match="cannot have"):
        board_metrics.add_board_metric(con, {"id": "board_reads", "name": "x", "unit": "count", "polarity": "lower",
                                             "read": [{"publication": "dfe-ehcp", "value": "x"}]}, actor=ADMIN)
    with pytest.raises(RegisterError, match="unit"):
        board_metrics.add_board_metric(con, {"id": "board_bad", "name": "x", "unit": "parsecs", "polarity": "lower"}, actor=ADMIN)
    assert _state(con) == before
    assert "perm_staff_pct" in metrics_from_store(con) and metrics_from_store(con)["perm_staff_pct"].origin == "register"


def test_a_board_metric_with_figures_keeps_its_unit(con, tmp_path):
    board_metrics.add_board_metric(con, {"id": "board_count", "name": "A count", "unit": "count", "polarity": "lower"}, actor=ADMIN)
    ingest.import_source(con, SourceFile.from_path(_return(tmp_path, "Plymouth,board_count,Autumn 2025/26,4,,,,")), actor=ADMIN)
    with pytest.raises(RegisterError, match="cannot become %"):
        board_metrics.add_board_metric(con, {"id": "board_count", "name": "A rate", "unit": "%", "polarity": "lower"}, actor=ADMIN)
    renamed = board_metrics.add_board_metric(con, {"id": "board_count", "name": "Renamed", "unit": "count",
                                                   "polarity": "lower"}, actor=ADMIN)
    assert metrics_from_store(con)["board_count"].name == renamed.name == "Renamed"


# --- The command line --------------------------------------------------------------------------

def _batches(db_path):
    con = store.connect(str(db_path))
    try:
        return con.execute("SELECT count(*) FROM import_batch").fetchone()[0]
    finally:
        con.close()


def test_cli_refuses_to_write_a_return_without_yes(db_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    path = _return(tmp_path, GOOD)
    before = _batches(db_path)
    assert cli.main(["--db", str(db_path), "import", path]) == 1
    captured = capsys.readouterr()
    assert "1 to add" in captured.out and "Nothing written: re-run with --yes to commit" in captured.err
    assert _batches(db_path) == before

    assert cli.main(["--db", str(db_path), "import", "--yes", path]) == 0
    assert "imported as batch" in capsys.readouterr().out
    assert _batches(db_path) == before + 1


def test_cli_asks_at_a_terminal(db_path, tmp_path, capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(""))
    answers = iter(["n", "y"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    path = _return(tmp_path, GOOD)
    assert cli.main(["--db", str(db_path), "import", path]) == 1
    assert cli.main(["--db", str(db_path), "import", path]) == 0
    assert "imported as batch" in capsys.readouterr().out


def test_cli_dry_run_of_a_return_previews_and_writes_nothing(db_path, tmp_path, capsys):
    before = _batches(db_path)
    assert cli.main(["--db", str(db_path), "import", "--dry-run", _return(tmp_path, GOOD)]) == 0
    assert "would import: 1 added" in capsys.readouterr().out
    assert _batches(db_path) == before


def test_cli_template_sample_and_board_metric(db_path, tmp_path, capsys):
    out = tmp_path / "plymouth.xlsx"
    assert cli.main(["--db", str(db_path), "template", "--area", "879", "--terms", "Spring 2025/26",
                     "Summer 2025/26", "--metrics", "perm_staff_pct", "ep_vacancies", "--out", str(out)]) == 0
    ws = openpyxl.load_workbook(out)["Return"]
    assert [ws.cell(6, c).value for c in (4, 5, 6, 7, 8)] == [
        "Spring 2025/26", "Summer 2025/26", "Spring 2025/26: reason if blank", "Summer 2025/26: reason if blank", None]
    assert [ws.cell(r, 3).value for r in (7, 8, 9)] == ["perm_staff_pct", "ep_vacancies", None]

    default = tmp_path / "default.xlsx"
    assert cli.main(["--db", str(db_path), "template", "--area", "Plymouth", "--out", str(default)]) == 0
    ws = openpyxl.load_workbook(default)["Return"]
    assert [ws.cell(6, c).value for c in (4, 5, 6)] == [t.label for t in local_returns.default_terms()]
    assert ws.cell(7, 3).value == "ehcp_20wk_term_pct"
    assert cli.main(["--db", str(db_path), "template", "--area", "Cumbria", "--out", str(default)]) == 2

    capsys.readouterr()
    assert cli.main(["--db", str(db_path), "sample", "load"]) == 0
    output = capsys.readouterr().out
    batch = int(output.split("imported as batch ")[1].split(":")[0])
    assert f"scorecard undo {batch}" in output

    board = _write(tmp_path, "board.toml", BOARD_TOML)
    assert cli.main(["--db", str(db_path), "metric", "add", board]) == 0
    assert "short_breaks_offered" in capsys.readouterr().out
    assert cli.main(["--db", str(db_path), "metric", "add", _write(tmp_path, "bad.toml", "[[metric]]\nid = 'x'")]) == 1


def test_a_reason_chosen_from_the_drop_down_records_why_a_figure_is_missing(con):
    data = _template(con)
    plan = local_template.read(_filled(data, {"D7": 88.5, "H7": "suppressed"}), ImportContext.from_store(con))
    stored = plan.values.set_index("period_label")
    assert stored.loc["Spring 2025/26", "value"] == 88.5
    assert stored.loc["Summer 2025/26", "status"] == "suppressed"
    assert stored.loc["Summer 2025/26", "value"] != stored.loc["Summer 2025/26", "value"]  # NaN, never 0


def test_a_figure_and_a_reason_together_are_refused(con):
    with pytest.raises(ImportFailure) as exc:
        local_template.read(_filled(_template(con), {"D7": 88.5, "G7": "not available"}),
                               ImportContext.from_store(con))
    assert "row 7, column 'Spring 2025/26 (D7)': has a figure and a reason it is missing (not available, G7)" \
        in str(exc.value)
