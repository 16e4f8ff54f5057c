"""Files as officers really send them: old Mac / Excel line endings, European Excel's semicolons,
merged heading cells, their own workbooks instead of the template, and a note of "-". Each is read
correctly, or refused with a sentence naming the file, row and column, writing nothing."""

import io
import zipfile

import openpyxl
import pytest

from scorecard import cli, ingest, periods, template
from scorecard.areas import AreaIndex
from scorecard.importers import ImportContext, SourceFile, read_file, targets_csv
from scorecard.importers.base import ImportFailure
from scorecard.register import metrics_from_store
from tests.conftest import fixture_file, only_a_refusal_recorded, refusals, store_fingerprint

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PLYMOUTH = "E06000026"
HEADER = "area,metric,period,value,numerator,denominator,status,note"
TERMS = ("Summer 2024/25", "Autumn 2025/26", "Spring 2025/26")


def _refused(con, source: SourceFile, *needles) -> str:
    before, refused = store_fingerprint(con), refusals(con)
    with pytest.raises(ImportFailure) as failure:
        ingest.import_source(con, source, actor=ADMIN)
    message = str(failure.value)
    for needle in needles:
        assert needle in message, message
    assert only_a_refusal_recorded(con, before, refused), \
        "a refused file must leave the store exactly as it was, but for the audit trail's record of the refusal"
    return message


def _local(*rows: str, ending: str = "\n", name: str = "return.csv") -> SourceFile:
    return SourceFile(name, ending.join([HEADER, *rows, ""]).encode("utf-8"))


def _current(con, metric_id, period, area=PLYMOUTH):
    return con.execute("SELECT value, status, note, source_row FROM metric_value WHERE is_current AND metric_id = ? "
                       "AND area_code = ? AND period_label = ?", [metric_id, area, period]).fetchall()


# --- Line endings ------------------------------------------------------------------------------


def test_a_local_return_with_bare_cr_line_endings_is_read(con):
    source = _local("E06000026,complaints_received,Spring 2025/26,4,,,,", "E06000026,ep_vacancies,Spring 2025/26,2,,,,",
                    ending="\r", name="mac.csv")
    result = ingest.import_source(con, source, actor=ADMIN)
    assert result.added == 2
    assert _current(con, "ep_vacancies", "Spring 2025/26") == [(2.0, "local", None, 3)]


def test_a_problem_in_a_bare_cr_file_names_its_row(con):
    source = _local("E06000026,complaints_received,Spring 2025/26,4,,,,", "E06000026,ep_vacancies,Spring 2025/26,lots,,,,",
                    ending="\r", name="mac.csv")
    _refused(con, source, "mac.csv, row 3, column 'value': 'lots' is not a number")


def test_a_non_utf8_byte_in_a_bare_cr_file_names_its_row(con):
    source = SourceFile("mac.csv", f"{HEADER}\rE06000026,ep_vacancies,Spring 2025/26,2,,,,\r"
                                   "E06000026,ep_vacancies,Summer 2024/25,2,,,,caf".encode() + b"\xe9\r")
    _refused(con, source, "mac.csv, row 3: byte 0xe9 at character 47 is not UTF-8")


@pytest.mark.parametrize("relative", ["ees/timeliness_20_week.csv", "ees/sen2_mi.csv",
                                      "moj/SEND Tribunals and appeal rate 2014-2024.csv"])
def test_published_csvs_with_bare_cr_line_endings_read_as_the_originals(relative, empty_ctx):
    original = fixture_file(relative)
    data = original.data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    assert b"\n" not in data
    as_mac = read_file(SourceFile(original.name, data), empty_ctx)
    expected = read_file(original, empty_ctx)
    assert as_mac.values.drop(columns="source_id").equals(expected.values.drop(columns="source_id"))
    assert [str(w) for w in as_mac.warnings] == [str(w) for w in expected.warnings]


def test_a_targets_csv_with_bare_cr_line_endings_is_read(con):
    data = "area,metric,period,target,tolerance\rPlymouth,ehcp_20wk_pct,2024,60,2\r".encode()
    assert ingest.import_source(con, SourceFile("targets.csv", data), actor=ADMIN, expect=targets_csv.FORMAT).added == 1
    assert con.execute("SELECT target, tolerance FROM target WHERE area_code = ? AND replaced_at IS NULL",
                       [PLYMOUTH]).fetchall() == [(60, 2)]


def test_a_bare_cr_file_through_the_cli_prints_no_traceback(db_path, tmp_path, capsys):
    path = tmp_path / "mac.csv"
    path.write_bytes(f"{HEADER}\rE06000026,ep_vacancies,Spring 2025/26,2,,,,\r".encode())
    assert cli.main(["--db", str(db_path), "import", "--yes", str(path)]) == 0
    out = capsys.readouterr()
    assert "mac.csv (local-return-csv): imported as batch" in out.out and "Traceback" not in out.err


# --- Delimiters and encodings ------------------------------------------------------------------


@pytest.mark.parametrize("delimiter,words", [(";", "semicolons"), ("\t", "tabs")])
def test_a_local_return_with_another_delimiter_says_so(con, delimiter, words):
    rows = [HEADER, "E06000026,ep_vacancies,Spring 2025/26,2,,,,"]
    source = SourceFile("europe.csv", "\r\n".join(r.replace(",", delimiter) for r in rows).encode())
    _refused(con, source, f"europe.csv, row 1: the file uses {words} between columns, not commas; "
                          "save it from Excel as 'CSV UTF-8 (Comma delimited)'")


def test_a_published_csv_with_semicolons_says_so(con):
    original = fixture_file("ees/timeliness_20_week.csv")
    source = SourceFile("timeliness.csv", original.data.replace(b",", b";"))
    _refused(con, source, "timeliness.csv, row 1: the file uses semicolons between columns")


def test_a_targets_csv_with_semicolons_says_so(con):
    before, refused = store_fingerprint(con), refusals(con)
    with pytest.raises(ImportFailure, match="targets.csv, row 1: the file uses semicolons between columns"):
        ingest.import_source(con, SourceFile("targets.csv", b"area;metric;period;target\nPlymouth;ehcp_20wk_pct;2024;60\n"),
                             actor=ADMIN, expect=targets_csv.FORMAT)
    assert only_a_refusal_recorded(con, before, refused)


def test_a_semicolon_file_inside_a_release_zip_is_listed_as_skipped_saying_why(empty_ctx):
    original = fixture_file("ees/education-health-and-care-plans_2025.zip")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original.data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("supporting-files/notes.csv", "area;note\nPlymouth;late\n")
    plan = read_file(SourceFile("release.zip", out.getvalue()), empty_ctx)
    assert "supporting-files/notes.csv: not an EES open-data file or a table SEND Scorecard reads (the file " \
           "uses semicolons between columns, not commas)" in plan.skipped


def test_a_utf16_csv_says_how_to_save_it(con):
    source = SourceFile("unicode.csv", f"{HEADER}\r\nE06000026,ep_vacancies,Spring 2025/26,2,,,,\r\n".encode("utf-16"))
    _refused(con, source, "unicode.csv: is saved as UTF-16 ('Unicode Text'), not as CSV")


def test_a_comma_in_an_unquoted_note_is_refused_not_cut_off(con):
    source = _local("E06000026,eotas_ap_count,Spring 2025/26,,,,suppressed,fewer than 5, so suppressed")
    _refused(con, source, "return.csv, row 2: the row has 9 cells but the header has 8 columns; a value with a "
                          "comma in it must be in quotes")


def test_a_quote_left_open_is_refused_naming_its_row(con):
    source = _local("E06000026,ep_vacancies,Spring 2025/26,2,,,,\"posts advertised",
                    "E06000026,complaints_received,Spring 2025/26,4,,,,")
    _refused(con, source, "return.csv, row 2: a quote mark (\") in this row is opened but never closed")


def test_a_release_cut_short_is_refused_naming_the_last_row(con):
    original = fixture_file("ees/timeliness_20_week.csv")
    cut = original.data[: original.data.rindex(b",Plymouth,") + 20]
    _refused(con, SourceFile("timeliness_20_week.csv", cut), "timeliness_20_week.csv, row 24: the row has 11 cells "
                                                              "but the header has 26 columns; the file may have been cut short")


def test_a_release_row_with_an_extra_cell_is_refused_not_shifted(con):
    original = fixture_file("ees/requests.csv")
    lines = original.data.split(b"\r\n")
    lines[5] = lines[5].replace(b",All requests", b",extra,All requests", 1)
    _refused(con, SourceFile("requests.csv", b"\r\n".join(lines)),
             "requests.csv, row 6: the row has 30 cells but the header has 29 columns")


# --- The Excel template: merged and missing headings ---------------------------------------------


def _template_workbook(con, metric_ids=("perm_staff_pct", "complaints_received", "ep_vacancies")):
    metrics = metrics_from_store(con)
    area = AreaIndex.from_store(con).resolve("Plymouth")
    data = template.build_template([metrics[m] for m in metric_ids], area, [periods.parse(t) for t in TERMS])
    return openpyxl.load_workbook(io.BytesIO(data))


def _saved(wb, name="plymouth_return.xlsx") -> SourceFile:
    out = io.BytesIO()
    wb.save(out)
    return SourceFile(name, out.getvalue())


def test_merged_term_headings_are_refused_naming_the_cells(con):
    wb = _template_workbook(con)
    ws = wb[template.SHEET]
    ws["D7"], ws["E7"], ws["F7"] = 90, 91, 92
    ws.merge_cells("E6:F6")
    _refused(con, _saved(wb), "plymouth_return.xlsx, row 6, column 'E6:F6': cells E6:F6 are merged; unmerge them "
                              "so each term has its own heading")


def test_merged_figure_cells_are_refused_naming_the_cells(con):
    wb = _template_workbook(con)
    ws = wb[template.SHEET]
    ws["D8"] = 12
    ws.merge_cells("D8:E8")
    _refused(con, _saved(wb), "column 'D8:E8': cells D8:E8 are merged; unmerge them so each figure has its own cell")


def test_figures_under_no_heading_are_refused_naming_the_column(con):
    wb = _template_workbook(con)
    ws = wb[template.SHEET]
    ws["D7"], ws["E7"] = 90, 91
    ws["E6"] = None
    _refused(con, _saved(wb), "plymouth_return.xlsx, row 6, column 'E6': column E has figures but no term heading in E6")


def test_figures_after_an_empty_heading_column_are_all_read(con):
    """An empty, unused column between terms no longer stops the reading: every figure is read."""
    wb = _template_workbook(con)
    ws = wb[template.SHEET]
    ws.insert_cols(5)  # a blank column between the first and second terms
    ws["D7"], ws["F7"], ws["G8"] = 90, 91, 12
    plan = read_file(_saved(wb), ImportContext.from_store(con))
    got = sorted(zip(plan.values["metric_id"], plan.values["period_label"], plan.values["value"]))
    assert got == [("complaints_received", "Spring 2025/26", 12.0), ("perm_staff_pct", "Autumn 2025/26", 91.0),
                   ("perm_staff_pct", "Summer 2024/25", 90.0)]


def test_a_merged_title_above_the_table_is_harmless(con):
    wb = _template_workbook(con)
    ws = wb[template.SHEET]
    ws.merge_cells("A5:H5")
    ws["D7"] = 90
    plan = read_file(_saved(wb), ImportContext.from_store(con))
    assert list(plan.values["value"]) == [90.0]


# --- A workbook that is not the template -------------------------------------------------------


def test_a_workbook_that_is_not_the_template_points_to_the_template(con):
    wb = openpyxl.Workbook()
    wb.active.append(["Local authority", "Complaints", "Vacancies"])
    wb.active.append(["Plymouth", 4, 2])
    _refused(con, _saved(wb, "our_figures.xlsx"),
             "our_figures.xlsx: is an Excel workbook, but not the SEND Scorecard local-return template",
             "Download the local-return template from the Local returns page",
             "scorecard template --area YOUR-AREA --out return.xlsx",
             "A sheet whose first row has the columns area, metric, period and value is also read")


def test_an_old_xls_workbook_says_to_save_it_as_xlsx(con):
    _refused(con, SourceFile("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504),
             "old.xls: is an old-style Excel workbook (.xls). Save it as an Excel Workbook (.xlsx)")


def _own_table(rows, title=None, sheet="Figures", formats=None) -> SourceFile:
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active["A1"] = "Our working notes"
    ws = wb.create_sheet(sheet)
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    return _saved(wb, "own_table.xlsx")


def test_an_officers_long_table_in_a_workbook_is_read_like_the_csv(con):
    source = _own_table([["Area", "Metric", "Period", "Value", "Note"],
                         ["Plymouth", "perm_staff_pct", "Spring 2025/26", 0.825, "-"],
                         ["Plymouth", "complaints_received", "Spring 2025/26", 4, "two late"],
                         [None, None, None, None, None],
                         ["E06000026", "ep_vacancies", "Autumn 2025/26", 2, None]],
                        title="Plymouth SEND figures", formats={"D3": "0.0%"})
    result = ingest.import_source(con, source, actor=ADMIN)
    assert (result.format, result.added) == ("local-return-xlsx-table", 3)
    assert _current(con, "perm_staff_pct", "Spring 2025/26") == [(82.5, "local", None, 3)]
    assert _current(con, "complaints_received", "Spring 2025/26") == [(4.0, "local", "two late", 4)]
    assert _current(con, "ep_vacancies", "Autumn 2025/26") == [(2.0, "local", None, 6)]


def test_problems_in_an_officers_table_name_the_sheet_and_cell(con):
    source = _own_table([["area", "metric", "period", "value"],
                         ["Plymouth", "perm_staff_pct", "Spring 2025/26", "=B2*2"],
                         ["Plymouth", "complaints_received", "Winter 2025", 4]])
    message = _refused(con, source)
    assert "own_table.xlsx (sheet 'Figures'), row 2, column 'value (D2)': is a formula" in message
    assert "own_table.xlsx (sheet 'Figures'), row 3, column 'period (C3)': 'Winter 2025' is not a period" in message


def test_an_officers_table_without_a_value_column_says_what_is_missing(con):
    source = _own_table([["area", "metric", "period", "figure"], ["Plymouth", "ep_vacancies", "Spring 2025/26", 2]])
    _refused(con, source, "own_table.xlsx (sheet 'Figures'), row 1: needs a 'value' column, or 'numerator' and "
                          "'denominator' columns")


# --- Notes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("note", ["-", " - ", "–", "—", "n/a", "N/A"])
def test_a_note_that_says_no_note_is_no_note(con, note):
    source = _local(f"E06000026,ep_vacancies,Spring 2025/26,2,,,,{note}")
    assert ingest.import_source(con, source, actor=ADMIN).added == 1
    assert _current(con, "ep_vacancies", "Spring 2025/26") == [(2.0, "local", None, 2)]


@pytest.mark.parametrize("note", ["=SUM(A1:A3)", "+1 more post", "-2 since summer", "@SUM(A1)", "- see email"])
def test_a_note_that_starts_like_a_formula_is_still_refused(con, note):
    _refused(con, _local(f"E06000026,ep_vacancies,Spring 2025/26,2,,,,{note}"),
             f"return.csv, row 2, column 'note': a note may not start with {note[0]!r}")
