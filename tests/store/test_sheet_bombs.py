"""Spreadsheets made to eat the server are refused while they are read, with a sentence naming the file,
and the store is unchanged: OpenDocument repeat bombs (number-rows-repeated, number-columns-repeated),
Excel sheets that reach a far corner, and CSV headers of thousands of columns. Who may import what is
checked before any of a file is read. The readers' counts bound what is held (checked here by
counting cells); benchmarks/sheet_bombs.py measures the time and the memory."""

from __future__ import annotations

import io
import math
import contextlib

import pandas as pd
import pytest

from benchmarks.sheet_bombs import ods_bomb_bytes, wide_csv, xlsx_bomb_bytes
from scorecard import access, audit, cli, ingest, limits, store
from scorecard import importers
from scorecard.importers import SourceFile, local_csv, ods_grid, xlsx_grid
from scorecard.importers.base import ImportFailure
from scorecard.importers.grid_budget import CellBudget
from scorecard.ui import admin
from tests.conftest import FIXTURES

ADMIN = access.command_line("test")
EDITOR = access.Actor("officer@plymouth.gov.uk", access.EDITOR, {"E06000026"})
VIEWER = access.Actor("member@plymouth.gov.uk", access.VIEWER)


def _state(con):
    return (con.execute("SELECT count(*), sum(value) FROM metric_value").fetchone(),
            con.execute("SELECT count(*) FROM import_batch").fetchone()[0], store.data_version(con))


def _dry_run(db_path, tmp_path, capsys, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    code = cli.main(["--db", str(db_path), "import", "--dry-run", str(path)])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "Traceback" not in out + err
    return err


# ---------------------------------------------------------------------------------------------
# OpenDocument repeats


@pytest.mark.parametrize("kind", ["filled", "empty"])
def test_an_ods_repeat_bomb_of_under_a_kilobyte_named_xlsx_is_refused(db_path, tmp_path, capsys, kind):
    data = ods_bomb_bytes(kind=kind)  # a billion rows of a billion cells
    assert len(data) < 1024
    err = _dry_run(db_path, tmp_path, capsys, "appeal_rates.xlsx", data)
    assert "appeal_rates.xlsx" in err and "sheet 'SEND_2' has a row of more than 1,000 columns" in err, err
    assert "It was not read further" in err


@pytest.mark.parametrize("rows, columns, words", [
    (2_100, 1_000, "expands to more than 2,000,000 cells"),  # repeated filled rows and cells
    (1_000_001, 1, "has more than 1,000,000 rows"),
    (10, 1_001, "has a row of more than 1,000 columns"),
])
def test_repeats_are_counted_against_the_limits_while_reading(db_path, tmp_path, capsys, rows, columns, words):
    err = _dry_run(db_path, tmp_path, capsys, "appeal_rates.ods", ods_bomb_bytes(rows, columns))
    assert words in err, err
    assert "Not imported; nothing was written." in err


@pytest.mark.parametrize("kind", ["filled", "empty"])
def test_the_reader_holds_no_more_cells_than_the_limit(kind):
    """Counted, not timed: however many cells the repeats declare, the grid never holds more than
    limits.MAX_WORKBOOK_CELLS before the file is refused."""
    budget = CellBudget("bomb.ods")
    with pytest.raises(ImportFailure):
        ods_grid.read_sheets(SourceFile("bomb.ods", ods_bomb_bytes(10**9, 999, kind)), budget)
    assert budget.cells <= limits.MAX_WORKBOOK_CELLS
    assert budget.rows < 10_000


def test_an_ods_bomb_in_the_store_changes_nothing(con):
    before = _state(con)
    with pytest.raises(ImportFailure):
        ingest.import_source(con, SourceFile("appeal_rates.xlsx", ods_bomb_bytes()), actor=ADMIN)
    assert _state(con) == before


# ---------------------------------------------------------------------------------------------
# Excel dimension tricks


@pytest.mark.parametrize("kind, rows, words", [
    ("far corner", 1_048_576, "cells"),
    ("styled corner", 1_048_576, "cells"),
    ("padded rows", 300, "has a row of more than 1,000 columns"),
])
@pytest.mark.parametrize("who", ["admin", "editor"])
def test_an_xlsx_that_reaches_a_far_corner_is_refused(con, kind, rows, words, who):
    data = xlsx_bomb_bytes(kind, rows=rows)
    before = _state(con)
    with pytest.raises(ImportFailure) as exc:
        admin.read_upload(con, "return.xlsx", data, ADMIN if who == "admin" else EDITOR)
    message = str(exc.value)
    assert message.startswith("return.xlsx") and words in message, message
    assert "It was not read further" in message
    assert _state(con) == before


def test_the_excel_reader_looks_at_no_more_cells_than_the_limit():
    budget = CellBudget("return.xlsx")
    with pytest.raises(ImportFailure):
        xlsx_grid.read_sheets(SourceFile("return.xlsx", xlsx_bomb_bytes("padded rows", rows=2_000, columns=1_500)),
                              budget)
    assert budget.cells <= limits.MAX_WORKBOOK_CELLS and budget.examined <= 4 * limits.MAX_WORKBOOK_CELLS


def test_a_sheet_with_a_far_formatted_cell_is_counted_before_openpyxl_loads_it_whole(con, monkeypatch):
    """The whole-workbook load (to refuse formulas) walks every cell up to the far corner: it must
    never start on such a sheet."""
    import openpyxl

    real_load = openpyxl.load_workbook

    class LoadedWhole(BaseException):  # not an Exception: no reader's damage handler turns it into a refusal
        pass

    def load(*args, **kwargs):
        if not kwargs.get("read_only"):
            raise LoadedWhole("the workbook was loaded whole before its extent was counted")
        return real_load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", load)
    with pytest.raises(ImportFailure):
        admin.read_upload(con, "return.xlsx", xlsx_bomb_bytes("styled corner", rows=200_000, columns=10), EDITOR)


# ---------------------------------------------------------------------------------------------
# The readers give what pandas gave


def _pandas_sheets(source: SourceFile, engine: str | None) -> dict[str, list[list]]:
    with contextlib.redirect_stdout(io.StringIO()):
        frames = pd.read_excel(io.BytesIO(source.data), engine=engine, sheet_name=None, header=None, dtype=object)
    return {name: [[None if isinstance(v, float) and math.isnan(v) else v for v in row]
                   for row in df.itertuples(index=False)] for name, df in frames.items()}


@pytest.mark.parametrize("relative", [
    "moj/send_appeal_rate_table_2022.ods", "ofsted/Area_SEND_inspection_data_01_May_2016_to_31_August_2022.ods",
    "sendap/dedicated-schools-grant_2022_07_18.ods", "sendap/Outturn data 202122.xlsx",
    "sendap/dsg_deficit_derived.xlsx", "neighbours/sn_may_2025.xlsx", "local/template_filled.xlsx"])
def test_the_counting_readers_give_every_real_file_exactly_as_pandas_read_it(relative):
    source = SourceFile.from_path(FIXTURES / relative)
    ods = relative.endswith(".ods")
    mine = ods_grid.read_sheets(source) if ods else xlsx_grid.read_sheets(source)
    assert mine == _pandas_sheets(source, "odf" if ods else None)


# ---------------------------------------------------------------------------------------------
# Who may import what, before anything is read


def _never_read(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the file was read before the access check")
    monkeypatch.setattr(ods_grid, "read_sheets", refuse)
    monkeypatch.setattr(xlsx_grid, "read_sheets", refuse)
    monkeypatch.setattr(importers.moj_tribunal, "looks_like_ods", refuse)
    monkeypatch.setattr(importers.ofsted_send, "looks_like_ods", refuse)


def test_an_editors_opendocument_upload_is_refused_before_it_is_read(con, monkeypatch):
    _never_read(monkeypatch)
    with pytest.raises(access.AccessRefused) as exc:
        admin.read_upload(con, "appeal_rates.xlsx", ods_bomb_bytes(), EDITOR)
    message = str(exc.value)
    assert message.startswith("appeal_rates.xlsx is an OpenDocument spreadsheet")
    assert "officer@plymouth.gov.uk is an editor, and only an admin imports published releases" in message
    assert "Nothing was written" in message


@pytest.mark.parametrize("who", [VIEWER, access.anonymous()], ids=["viewer", "anonymous"])
def test_whoever_may_import_nothing_is_refused_before_the_file_is_read_and_it_is_recorded(con, monkeypatch, who):
    monkeypatch.setattr(importers, "read_file", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read")))
    with pytest.raises(access.AccessRefused):
        admin.read_upload(con, "appeal_rates.xlsx", ods_bomb_bytes(), who)
    with pytest.raises(access.AccessRefused):
        ingest.import_source(con, SourceFile("appeal_rates.xlsx", ods_bomb_bytes()), actor=who)
    refused = audit.events(con, outcome=audit.REFUSED)
    assert refused.iloc[0]["subject"] == "appeal_rates.xlsx" and refused.iloc[0]["who"] == who.label


def test_an_editors_published_csv_is_refused_by_its_header(con, monkeypatch):
    from scorecard.importers import ees_csv

    monkeypatch.setattr(ees_csv, "read", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read")))
    data = (FIXTURES / "ees" / "timeliness_20_week.csv").read_bytes()
    with pytest.raises(access.AccessRefused) as exc:
        ingest.import_source(con, SourceFile("timeliness_20_week.csv", data), actor=EDITOR)
    assert "timeliness_20_week.csv is a published release" in str(exc.value)
    assert audit.events(con, outcome=audit.REFUSED).iloc[0]["subject"] == "timeliness_20_week.csv"


def test_an_editors_own_return_is_still_read(con):
    data = (FIXTURES / "local" / "return.csv").read_bytes()
    plan = admin.read_upload(con, "return.csv", data, EDITOR)
    assert len(plan.values)


# ---------------------------------------------------------------------------------------------
# Wide headers


@pytest.mark.parametrize("name", ["return.csv", "release.csv"])
def test_a_header_of_thousands_of_columns_is_refused_naming_the_count(db_path, tmp_path, capsys, name):
    err = _dry_run(db_path, tmp_path, capsys, name, wide_csv(40_000))
    assert f"{name}, row 1: the row has 40,004 columns; a file may have at most 1,000" in err, err


def test_a_row_of_thousands_of_columns_below_the_header_is_refused(db_path, tmp_path, capsys):
    data = b"area,metric,period,value\n" + b"Plymouth,perm_staff_pct,Autumn 2025/26,80" + b",x" * 5_000 + b"\n"
    err = _dry_run(db_path, tmp_path, capsys, "return.csv", data)
    assert "return.csv, row 2: the row has 5,004 columns" in err, err


def test_duplicate_headers_are_each_named_once_at_the_widest_header_allowed():
    header = ["area", "metric", "period", "value", "value", "note", "note"] + [f"extra{i}" for i in range(993)]
    keys = [local_csv.column_key(h) for h in header]
    assert len(header) == limits.MAX_COLUMNS
    problems, warnings = local_csv.header_problems("return.csv", header, keys)
    assert [(p.column, p.message) for p in problems] == [("note", "this column appears more than once"),
                                                        ("value", "this column appears more than once")]
    assert len(warnings) == 993


def test_the_template_with_a_far_formatted_cell_is_refused_before_it_is_loaded_whole(con):
    import openpyxl
    from openpyxl.styles import Font

    from scorecard import periods, template
    from scorecard.areas import AreaIndex
    from scorecard.register import metrics_from_store

    built = template.build_template([metrics_from_store(con)["perm_staff_pct"]],
                                    AreaIndex.from_store(con).get("E06000026"), [periods.parse("Spring 2025/26")])
    book = openpyxl.load_workbook(io.BytesIO(built))
    book["Return"].cell(1_048_576, 16_384).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFailure) as exc:
        admin.read_upload(con, "return.xlsx", out.getvalue(), EDITOR)
    assert "return.xlsx" in str(exc.value) and "It was not read further" in str(exc.value)
