"""The SEND Scorecard Excel template for a local return, read back: one area, metrics down the side,
terms across the top. The grid is turned into the same long rows as the CSV and goes through the
same checks (local_rows.build_plan), with problems named by cell.

The sheet "Return" carries a marker in A1 and the area code in B2; the metric ids sit in a hidden
column, so renaming a metric's words does not break the return. scorecard.template builds it.
"""

from __future__ import annotations

import io

import openpyxl
from openpyxl.utils import get_column_letter

from ..limits import MAX_LOADED_WORKBOOK_CELLS, MAX_RETURN_ROWS, MAX_TEMPLATE_ROWS
from . import safe_zip, xlsx_grid
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile, too_many_rows, unless_damaged
from .grid_budget import CellBudget
from .local_rows import MISSING_STATUSES, LongRows, build_plan, status_key

FORMAT = "local-return-xlsx"
SHEET = "Return"
DEFINITIONS = "Definitions"
MARKER = "SEND Scorecard local return"
AREA_CODE_CELL, AREA_NAME_CELL, GENERATED_CELL = "B2", "B3", "B4"
HEADER_ROW, FIRST_ROW = 6, 7
NAME_COL, UNIT_COL, ID_COL, FIRST_TERM_COL = 1, 2, 3, 4
ID_LETTER = get_column_letter(ID_COL)
REASON_SUFFIX = ": reason if blank"
# Under a percentage, two rows give its counts; their hidden ids are the metric's id and one of these.
PARTS = ("numerator", "denominator")
PART_SEPARATOR = ":"
# The reasons offered in the drop-down lists, in the words of scorecard.published.
REASONS = ("suppressed", "not available", "not applicable", "low")



def looks_like(source: SourceFile) -> bool:
    """An .xlsx with a "Return" sheet whose A1 is the template's marker. Damage inside the workbook
    is raised, not hidden (read_file reports it)."""
    archive = safe_zip.open_workbook(source)
    try:
        if "xl/workbook.xml" not in archive or f'name="{SHEET}"'.encode() not in archive.read("xl/workbook.xml"):
            return False
    finally:
        archive.close()
    wb = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True)
    try:
        return SHEET in wb.sheetnames and wb[SHEET]["A1"].value == MARKER
    finally:
        wb.close()


def read(source: SourceFile, ctx: ImportContext, illustrative: bool = False) -> ImportPlan:
    """Turn a filled-in template into an import plan, with the same checks as the CSV.
    Blank cells are skipped; formulas are refused. Raises ImportFailure naming each cell."""
    safe_zip.vet(source)
    # Every sheet's whole extent is counted, streaming, before openpyxl loads the workbook whole.
    xlsx_grid.scan(source, CellBudget(source.name, max_cells=MAX_LOADED_WORKBOOK_CELLS))
    with unless_damaged(source.name, "an Excel workbook"):
        _check_size(source)
        wb = openpyxl.load_workbook(io.BytesIO(source.data), data_only=False)
    if SHEET not in wb.sheetnames or wb[SHEET]["A1"].value != MARKER:
        raise ImportFailure(Issue(source.name, f"is not a SEND Scorecard return: no sheet {SHEET!r} with "
                                  f"{MARKER!r} in A1"))
    ws = wb[SHEET]
    issues = [Issue(source.name, "is a formula; type the figure itself (formulas are not imported)",
                    row=cell.row, column=cell.coordinate)
              for row in ws.iter_rows() for cell in row if cell.data_type == "f"]
    records = _records(ws, source.name, issues)
    if not records and not issues:
        raise ImportFailure(Issue(source.name, "no figures have been filled in", row=FIRST_ROW))
    plan = None
    if records:
        try:
            plan = build_plan(LongRows(source.name, records, {}), ctx, source, FORMAT, illustrative)
        except ImportFailure as exc:
            issues += exc.issues
    if issues:
        raise ImportFailure(sorted(issues, key=lambda i: i.row or 0))
    return plan


def _check_size(source: SourceFile) -> None:
    """Count the return sheet's rows and filled cells, streaming, before loading it whole."""
    wb = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True)
    try:
        if SHEET not in wb.sheetnames:
            return
        cells = 0
        for count, row in enumerate(wb[SHEET].iter_rows(values_only=True), start=1):
            if count > MAX_TEMPLATE_ROWS:
                raise too_many_rows(source.name, MAX_TEMPLATE_ROWS, f"sheet {SHEET!r} of the template")
            cells += sum(v is not None for v in row)
            if cells > MAX_RETURN_ROWS:
                raise ImportFailure(Issue(source.name, f"has more than {MAX_RETURN_ROWS:,} filled cells; a local "
                                          f"return may give at most {MAX_RETURN_ROWS:,} figures. Split it into "
                                          "smaller files and import each.", row=count))
    finally:
        wb.close()


def _term_columns(ws, file_name: str, issues: list[Issue]) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """The term columns and the reason columns, by heading. Every column right of the metric id is
    looked at: merged cells in the headings or figures, and figures under no heading, are problems
    (reading past them would drop or misplace figures without a word)."""
    merged_cols = set()
    for cells in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        if cells.max_row < HEADER_ROW or cells.max_col < FIRST_TERM_COL:
            continue  # the title and notes above the table may be merged
        merged_cols.update(range(cells.min_col, cells.max_col + 1))
        what = "term has its own heading" if cells.min_row <= HEADER_ROW else "figure has its own cell"
        issues.append(Issue(file_name, f"cells {cells.coord} are merged; unmerge them so each {what}",
                            row=cells.min_row, column=cells.coord))
    filled = {cell.column for row in ws.iter_rows(min_row=FIRST_ROW, min_col=FIRST_TERM_COL)
              for cell in row if cell.value is not None and str(cell.value).strip()}
    terms, reason_col = [], {}
    for col in range(FIRST_TERM_COL, ws.max_column + 1):
        heading = ws.cell(HEADER_ROW, col).value
        letter = get_column_letter(col)
        if heading is None or not str(heading).strip():
            if col in filled and col not in merged_cols:
                issues.append(Issue(file_name, f"column {letter} has figures but no term heading in "
                                    f"{letter}{HEADER_ROW}; type the term (such as Spring 2025/26) above them",
                                    row=HEADER_ROW, column=f"{letter}{HEADER_ROW}"))
            continue
        heading = str(heading).strip()
        if heading.endswith(REASON_SUFFIX):
            reason_col[heading.removesuffix(REASON_SUFFIX)] = col
        else:
            terms.append((col, heading))
    return terms, reason_col


def _records(ws, file_name: str, issues: list[Issue]) -> list[dict]:
    """One long row per metric and term with a figure (not formulas: those are already reported). The
    counts beneath a percentage (rows whose id is "metric:numerator" or "metric:denominator") join that
    metric's figure for the same term."""
    terms, reason_col = _term_columns(ws, file_name, issues)
    area_text = "" if ws[AREA_CODE_CELL].value is None else str(ws[AREA_CODE_CELL].value)
    records: dict[tuple[str, str], dict] = {}
    part_rows: dict[tuple[str, str], int] = {}
    for row in range(FIRST_ROW, ws.max_row + 1):
        row_id = "" if ws.cell(row, ID_COL).value is None else str(ws.cell(row, ID_COL).value)
        metric_id, _, part = row_id.partition(PART_SEPARATOR)
        if part:
            part_rows[(metric_id, part)] = row
        for col, term in terms:
            cell = ws.cell(row, col)
            value = cell.value
            where = f"{term} ({cell.coordinate})"
            if part:
                if value is None or (isinstance(value, str) and not value.strip()) or cell.data_type == "f":
                    continue
                if part not in PARTS:
                    issues.append(Issue(file_name, f"the hidden id {row_id!r} is not a metric's numerator or "
                                        "denominator; use a fresh template", row=row, column=f"{ID_LETTER}{row}"))
                    continue
                rec = records.setdefault((metric_id, term), _record(area_text, metric_id, term, col, row, where))
                rec[part] = typed_value(cell)
                rec["_cells"][part] = (row, where)
                continue
            reason = ws.cell(row, reason_col[term]) if term in reason_col else None
            reason_text = str(reason.value).strip() if reason is not None and reason.value is not None else ""
            if reason_text and value not in (None, "") and cell.data_type != "f":
                issues.append(Issue(file_name, f"has a figure and a reason it is missing ({reason_text}, "
                                    f"{reason.coordinate}); keep one", row=row, column=where))
                continue
            if reason_text and value in (None, ""):
                value = reason_text
                cell = reason
            if value is None or (isinstance(value, str) and not value.strip()) or cell.data_type == "f":
                continue
            if isinstance(value, str) and value.strip().startswith(("=", "+", "-", "@")):
                issues.append(Issue(file_name, "starts like a formula; type the figure itself",
                                    row=row, column=where))
                continue
            rec = records.setdefault((metric_id, term), _record(area_text, metric_id, term, col, row, where))
            rec.update(_value_and_status(cell))
            rec["_row"] = row
            rec["_cells"].update(value=(row, where), status=(row, where))
    columns = {term: col for col, term in terms}
    for (metric_id, term), rec in records.items():
        for part in PARTS:  # a count left out is named by its own cell
            if part not in rec["_cells"] and (metric_id, part) in part_rows:
                row = part_rows[(metric_id, part)]
                rec["_cells"][part] = (row, f"{term} ({get_column_letter(columns[term])}{row})")
    return list(records.values())


def _record(area_text: str, metric_id: str, term: str, col: int, row: int, where: str) -> dict:
    """A metric's figure for one term, before its cells are read; each field knows its cell."""
    return {"area": area_text, "metric": metric_id, "period": term, "value": None, "status": "",
            "numerator": None, "denominator": None, "note": "", "_row": row,
            "_cells": {"area": (2, f"Area code ({AREA_CODE_CELL})"),
                       "metric": (row, f"Metric id ({ID_LETTER}{row})"),
                       "period": (HEADER_ROW, f"{term} ({get_column_letter(col)}{HEADER_ROW})"),
                       "value": (row, where), "status": (row, where)}}


def _value_and_status(cell) -> dict:
    value = cell.value
    if isinstance(value, str) and status_key(value) in MISSING_STATUSES:
        return {"value": None, "status": value}
    return {"value": typed_value(cell), "status": ""}


def typed_value(cell):
    """A cell's value as the officer typed it: 68.5% in a cell formatted as a percentage, which
    Excel stores as 0.685, is read as "68.5%"."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return repr(round(value * 100, 10)).removesuffix(".0") + "%"
    return value
