"""A local return typed as a long table on a sheet of an officer's own Excel workbook: a header row
with the long CSV's columns (area, metric, period or time_period and time_identifier, then value, or
numerator and denominator, and optional status and note), then one row per figure. The rows go
through the same checks as the CSV (local_rows.build_plan), with each problem named by its cell."""

from __future__ import annotations

import io

import openpyxl
from openpyxl.utils import get_column_letter

from ..limits import MAX_LOADED_WORKBOOK_CELLS, MAX_RETURN_ROWS
from . import local_csv, xlsx_grid
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile, unless_damaged
from .grid_budget import CellBudget
from .local_rows import FIELDS, LongRows, build_plan
from .local_template import typed_value

FORMAT = "local-return-xlsx-table"
HEADER_SEARCH_ROWS = 10  # a title or a note may sit above the header


def _cell_text(value) -> str:
    return "" if value is None else str(value).strip()


def find_table(wb) -> tuple[str, int, list[str]] | None:
    """(sheet, header row, headings) of the first sheet with a local return's header near its top."""
    for ws in wb.worksheets:
        for row_number, row in enumerate(ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
            header = [_cell_text(v) for v in row]
            if local_csv.looks_like(header):
                return ws.title, row_number, header
    return None


def looks_like(source: SourceFile) -> bool:
    """A workbook with a sheet holding a local return's header. Damage is raised, not hidden."""
    wb = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True)
    try:
        return find_table(wb) is not None
    finally:
        wb.close()


def read(source: SourceFile, ctx: ImportContext, illustrative: bool = False) -> ImportPlan:
    name = source.name
    # Every sheet's whole extent is counted, streaming, before openpyxl loads the workbook whole.
    xlsx_grid.scan(source, CellBudget(name, max_rows=MAX_RETURN_ROWS, max_cells=MAX_LOADED_WORKBOOK_CELLS))
    with unless_damaged(name, "an Excel workbook"):
        wb = openpyxl.load_workbook(io.BytesIO(source.data), data_only=False)
    found = find_table(wb)
    if found is None:
        raise ImportFailure(Issue(name, "no sheet has a header row with area, metric, period and value columns"))
    sheet, header_row, header = found
    where = f"{name} (sheet {sheet!r})"
    keys = [local_csv.column_key(h) for h in header]
    problems, warnings = local_csv.header_problems(where, header, keys)
    for issue in problems + warnings:
        issue.row = header_row
    if problems:
        raise ImportFailure(problems)
    position = {k: i for i, k in enumerate(keys) if k in FIELDS}
    records, cell_problems = [], []
    for row in wb[sheet].iter_rows(min_row=header_row + 1):
        cells = {f: row[i] for f, i in position.items() if i < len(row)}
        if not any(_cell_text(c.value) for c in cells.values()):
            continue
        line = row[0].row
        rec = {"_row": line, "_cells": {}}
        for field, cell in cells.items():
            label = f"{header[position[field]]} ({get_column_letter(cell.column)}{line})"
            rec["_cells"][field] = (line, label)
            if cell.data_type == "f":
                cell_problems.append(Issue(where, "is a formula; type the figure itself (formulas are not "
                                                  "imported)", row=line, column=label))
            rec[field] = typed_value(cell) if field == "value" else cell.value
        records.append(rec)
    if not records and not cell_problems:
        raise ImportFailure(Issue(where, "the sheet has a header but no rows of figures", row=header_row))
    try:
        plan = build_plan(LongRows(where, records, {}), ctx, source, FORMAT, illustrative) if records else None
    except ImportFailure as exc:
        cell_problems += exc.issues
    if cell_problems:
        raise ImportFailure(sorted(cell_problems, key=lambda i: i.row or 0))
    plan.warnings = warnings + plan.warnings
    return plan

