"""The sheets of an Excel workbook (.xlsx) as grids of values, counted as openpyxl reads them row by
row (grid_budget), so a sheet that claims a far corner (a cell at XFD1048576, or rows padded out to
column XFD) is refused before it becomes billions of cells. pandas reads a whole sheet and then
squares it, so one far cell made every row 16,384 cells wide.

The grids hold what pandas' Excel reader gave (read_excel(header=None, dtype=object)), with None
for a missing value; `rows_needed` stops each sheet after that many rows, as its nrows did."""

from __future__ import annotations

import io
import math

import openpyxl
from openpyxl.cell.cell import TYPE_ERROR, TYPE_NUMERIC

from . import safe_zip
from .base import SourceFile, unless_damaged
from .grid_budget import MISSING_TEXTS, CellBudget


def read_sheets(source: SourceFile, budget: CellBudget | None = None,
                rows_needed: int | None = None) -> dict[str, list[list]]:
    """Every worksheet of the workbook, by name, in order. Raises ImportFailure for a file past the
    budget's limits (scorecard.limits), or a damaged one."""
    budget = budget or CellBudget(source.name)
    safe_zip.vet(source)
    with unless_damaged(source.name, "an Excel workbook"):
        book = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True, data_only=True, keep_links=False)
    try:
        sheets = {}
        for sheet in book.worksheets:
            with unless_damaged(source.name, "an Excel workbook"):
                sheets[sheet.title] = _grid(sheet, budget, rows_needed)
        return sheets
    finally:
        book.close()


def scan(source: SourceFile, budget: CellBudget) -> None:
    """Count every sheet's whole extent against the budget, empty rows and cells included, keeping
    nothing: before openpyxl loads a workbook whole (to see formulas), whose iter_rows then makes a
    cell object for each of a sheet's rows x columns, however few are filled."""
    safe_zip.vet(source)
    with unless_damaged(source.name, "an Excel workbook"):
        book = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True, data_only=True, keep_links=False)
    try:
        for sheet in book.worksheets:
            with unless_damaged(source.name, "an Excel workbook"):
                sheet.reset_dimensions()
                budget.start_sheet(sheet.title)
                for row in sheet.rows:
                    budget.examine(len(row) or 1)
                    budget.add_rows(1, len(row))
    finally:
        book.close()


def _grid(sheet, budget: CellBudget, rows_needed: int | None) -> list[list]:
    sheet.reset_dimensions()  # the declared dimensions may lie: read the real extent
    budget.start_sheet(sheet.title)
    kept, empty_rows, seen = [], 0, 0
    for row in sheet.rows:
        budget.examine(len(row) or 1)
        values = [_value(cell) for cell in row]
        while values and values[-1] == "":
            values.pop()
        seen += 1
        if not values:  # empty rows are kept only where a filled one follows them
            empty_rows += 1
        else:
            budget.add_rows(empty_rows + 1, len(values))
            kept.extend([] for _ in range(empty_rows))
            kept.append(values)
            empty_rows = 0
        if rows_needed is not None and seen >= rows_needed:
            break
    widest = max((len(r) for r in kept), default=0)
    if widest <= 1:  # pandas drops rows that are one empty cell
        kept = [r for r in kept if r and not (isinstance(r[0], str) and not r[0].strip())]
    for row in kept:
        row.extend([""] * (widest - len(row)))
        for j, value in enumerate(row):
            if (isinstance(value, str) and value in MISSING_TEXTS) or (isinstance(value, float) and math.isnan(value)):
                row[j] = None
    return kept


def _value(cell):
    """A cell's value as pandas' Excel reader gives it."""
    if cell.value is None:
        return ""
    if cell.data_type == TYPE_ERROR:
        return float("nan")
    if cell.data_type == TYPE_NUMERIC:
        whole = int(cell.value)
        return whole if whole == cell.value else float(cell.value)
    return cell.value
