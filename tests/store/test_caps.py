"""Caps on what one file or form may hold (scorecard.limits): file size, rows per file in every
reader, and the length of typed text. Each is refused with a sentence naming the limit, and nothing
is written. Row caps are lowered here so the files stay small; the numbers are in scorecard.limits."""

from __future__ import annotations

import io
import tomllib

import openpyxl
import pytest

from scorecard import cli, commentary, config, ingest, limits, periods, store, template
from scorecard.areas import AreaIndex
from scorecard.board_metrics import add_board_metric
from scorecard.importers import SourceFile, ees_csv, local_csv, local_template, moj_tribunal, neighbours, targets_csv
from scorecard.importers.base import ImportFailure
from scorecard.register import RegisterError, metrics_from_store
from scorecard.ui import admin

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PLYMOUTH = "E06000026"
RETURN = "area,metric,period,value\n" + "".join(
    f"E06000026,{m},Spring 2025/26,{v}\n" for m, v in (("perm_staff_pct", 93), ("complaints_received", 4),
                                                       ("ep_vacancies", 2), ("ehe_census", 40)))
EES_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "new_la_code,old_la_code,la_name,breakdown_topic,breakdown,plans_issued_den_ex,"
              "plans_issued_20_weeks_ex,PC_plans_issued_20_weeks_ex,plans_issued_den,plans_issued_within_20_weeks,"
              "pc_plans_issued_within_20_weeks,plans_issued_gt_1_year_ex,PC_plans_issued_gt_1_year_ex")
EES_ROW = ("{year},Calendar year,Local authority,E92000001,England,E12000009,South West,E06000026,879,Plymouth,"
           "All EHC plans issued,All EHC plans issued,400,100,25,420,104,24.8,x,x")


def _state(con):
    return (con.execute("SELECT count(*), sum(value) FROM metric_value").fetchone(),
            con.execute("SELECT count(*) FROM import_batch").fetchone()[0],
            con.execute("SELECT count(*) FROM commentary").fetchone()[0],
            con.execute("SELECT count(*) FROM metric").fetchone()[0],
            con.execute("SELECT count(*) FROM target").fetchone()[0], store.data_version(con))


def _refused(con, source: SourceFile) -> str:
    before = _state(con)
    with pytest.raises(ImportFailure) as exc:
        ingest.import_source(con, source, actor=ADMIN)
    assert _state(con) == before
    return str(exc.value)


# --- File size ---------------------------------------------------------------------------------

def test_streamlit_refuses_uploads_over_the_same_size():
    settings = tomllib.loads((config.PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["server"]["maxUploadSize"] == limits.MAX_FILE_MB


def test_a_file_over_the_size_limit_is_refused_without_being_read(con, tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:  # sparse: large on paper, nothing on disk
        f.truncate(limits.MAX_FILE_BYTES + 5 * limits.MB)
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(ImportFailure) as exc:
        SourceFile.from_path(path)
    assert str(exc.value) == ("huge.csv: is too large to import: 55 MB, more than the 50 MB a file may be. "
                              "Split it, or leave out columns and rows this tool does not read.")


def test_the_cli_names_the_size_limit(db_path, tmp_path, capsys):
    path = tmp_path / "huge.zip"
    with path.open("wb") as f:
        f.truncate(limits.MAX_FILE_BYTES + 1)
    assert cli.main(["--db", str(db_path), "import", str(path)]) == 1
    assert "huge.zip: is too large to import: 50 MB, more than the 50 MB a file may be" in capsys.readouterr().err


def test_an_upload_over_the_size_limit_is_refused(con):
    before = _state(con)
    with pytest.raises(ImportFailure) as exc:
        admin.read_upload(con, "return.csv", b"a" * (limits.MAX_FILE_BYTES + 1), access.command_line("test"))
    assert "return.csv: is too large to import" in str(exc.value) and _state(con) == before


# --- Rows per file -----------------------------------------------------------------------------

def test_a_local_return_over_the_row_limit(con, monkeypatch):
    monkeypatch.setattr(local_csv, "MAX_RETURN_ROWS", 3)
    message = _refused(con, SourceFile("return.csv", RETURN.encode()))
    assert message == ("return.csv, row 4: has more than 3 rows; a local return may have at most 3. "
                       "Split it into smaller files and import each.")
    monkeypatch.setattr(local_csv, "MAX_RETURN_ROWS", 4)
    assert ingest.import_source(con, SourceFile("return.csv", RETURN.encode()), actor=ADMIN).added == 4


def _template(con, metric_ids=("perm_staff_pct", "complaints_received", "ep_vacancies")) -> bytes:
    metrics = metrics_from_store(con)
    area = AreaIndex.from_store(con).get(PLYMOUTH)
    return template.build_template([metrics[m] for m in metric_ids], area, [periods.parse("Spring 2025/26")])


def _filled(data: bytes, values: dict[str, object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for cell, value in values.items():
        wb[local_template.SHEET][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_template_with_too_many_rows_or_figures(con, monkeypatch):
    filled = _filled(_template(con), {"D7": 93, "D8": 4, "D9": 2})
    monkeypatch.setattr(local_template, "MAX_TEMPLATE_ROWS", 8)
    message = _refused(con, SourceFile("return.xlsx", filled))
    assert message.startswith("return.xlsx, row 9: has more than 8 rows; sheet 'Return' of the template may have")
    monkeypatch.setattr(local_template, "MAX_TEMPLATE_ROWS", 2_000)
    sheet = openpyxl.load_workbook(io.BytesIO(filled))[local_template.SHEET]
    cells = sum(c.value is not None for row in sheet.iter_rows() for c in row)  # labels and figures
    monkeypatch.setattr(local_template, "MAX_RETURN_ROWS", cells - 1)
    message = _refused(con, SourceFile("return.xlsx", filled))
    assert f"has more than {cells - 1} filled cells; a local return may give at most {cells - 1} figures" in message
    monkeypatch.setattr(local_template, "MAX_RETURN_ROWS", cells)
    assert ingest.import_source(con, SourceFile("return.xlsx", filled), actor=ADMIN).added == 3


def test_a_release_file_over_the_row_limit(con, monkeypatch):
    monkeypatch.setattr(ees_csv, "MAX_RELEASE_ROWS", 1)
    rows = "\n".join(EES_ROW.format(year=y) for y in (2023, 2024))
    message = _refused(con, SourceFile("timeliness.csv", f"{EES_HEADER}\n{rows}\n".encode()))
    assert message.startswith("timeliness.csv, row 2: has more than 1 rows; a release file may have at most 1")


def test_the_tribunal_table_over_the_row_limit(con, monkeypatch):
    monkeypatch.setattr(moj_tribunal, "MAX_RELEASE_ROWS", 2)
    text = "SEND appeal rate by local authority\n,2024\nLocal Authority,Appeals registered\nPlymouth,12\n"
    message = _refused(con, SourceFile("appeals.csv", text.encode()))
    assert message.startswith("appeals.csv, row 3: has more than 2 rows; a release file may have at most 2")


def test_a_neighbour_workbook_over_the_row_limit(con, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = neighbours.SHEET
    for i in range(10):
        ws.append(["LA num" if i == 0 else 800 + i, "name"])
    out = io.BytesIO()
    wb.save(out)
    monkeypatch.setattr(neighbours, "MAX_RELEASE_ROWS", 5)
    message = _refused(con, SourceFile("sn.xlsx", out.getvalue()))
    assert message.startswith("sn.xlsx, row 6: has more than 5 rows; a release file may have at most 5")


def test_a_targets_file_over_the_row_limit(con, monkeypatch):
    monkeypatch.setattr(targets_csv, "MAX_RETURN_ROWS", 1)
    text = "area,metric,period,target\nPlymouth,ehcp_20wk_pct,2024,60\nPlymouth,ehcp_20wk_pct,2025,62\n"
    before = _state(con)
    with pytest.raises(ImportFailure) as exc:
        ingest.import_source(con, SourceFile("targets.csv", text.encode()), actor=ADMIN, expect=targets_csv.FORMAT)
    assert str(exc.value).startswith("targets.csv, row 2: has more than 1 rows; a targets file may have at most 1")
    assert _state(con) == before


def test_the_real_row_limits_sit_above_real_files():
    assert limits.MAX_RETURN_ROWS >= 200_000  # the largest return benchmarked (benchmarks/local_returns.py)
    assert limits.MAX_RELEASE_ROWS > 101_221  # the largest release file in ../shared/data


# --- Typed text --------------------------------------------------------------------------------

@pytest.mark.parametrize("field, limit", [
    ("text", limits.MAX_COMMENTARY_CHARS),
    ("cause", limits.MAX_EXCEPTION_FIELD_CHARS), ("action", limits.MAX_EXCEPTION_FIELD_CHARS),
    ("owner", limits.MAX_EXCEPTION_FIELD_CHARS),
])
def test_commentary_and_exception_note_fields_have_a_length_limit(con, field, limit):
    given = {"text": "Backlog cleared", "cause": "Staffing", "action": "Recruit",
             "owner": "Head of SEND", "recovery_period": "Summer 2026/27"}
    name = {"text": "commentary"}.get(field, field)
    before = _state(con)
    with pytest.raises(commentary.CommentaryError) as exc:
        commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", "Autumn 2026/27", **{**given, field: "x" * (limit + 1)}, actor=ADMIN)
    assert str(exc.value) == f"the {name} is {limit + 1:,} characters long; keep it to {limit:,} or fewer"
    assert _state(con) == before
    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", "Autumn 2026/27", **{**given, field: "x" * limit}, actor=ADMIN)
    assert _state(con)[2] == before[2] + 1


def test_a_note_in_a_return_has_a_length_limit(con):
    long_note = "n" * (limits.MAX_NOTE_CHARS + 1)
    message = _refused(con, SourceFile("return.csv", f"area,metric,period,value,note\n{PLYMOUTH},ep_vacancies,"
                                                     f"Spring 2025/26,4,{long_note}\n".encode()))
    assert f"the note is {limits.MAX_NOTE_CHARS + 1:,} characters long; keep notes under 2,000" in message


@pytest.mark.parametrize("field, limit", [("name", limits.MAX_METRIC_NAME_CHARS),
                                          ("short_name", limits.MAX_METRIC_SHORT_NAME_CHARS),
                                          ("description", limits.MAX_METRIC_DESCRIPTION_CHARS)])
def test_a_board_metrics_words_have_a_length_limit(con, field, limit):
    definition = {"id": "board_internships", "name": "Supported internships", "unit": "count",
                  "polarity": "higher", field: "w" * (limit + 1)}
    before = _state(con)
    with pytest.raises(RegisterError) as exc:
        add_board_metric(con, definition, actor=ADMIN)
    label = field.replace("_", " ")
    assert str(exc.value) == (f"board metric: metric board_internships: {label} is {limit + 1:,} characters long; "
                              f"keep it to {limit:,} or fewer")
    assert _state(con) == before
