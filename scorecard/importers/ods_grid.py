"""The sheets of an OpenDocument spreadsheet (.ods) as grids of values, read as a stream and counted
as they grow (grid_budget), so a few hundred bytes of `number-rows-repeated` and
`number-columns-repeated` cannot expand into billions of cells. odfpy (which pandas uses) builds the
whole document and then every repeated cell in memory before anything can be checked.

The grids hold what pandas' OpenDocument reader gave (read_excel(header=None, dtype=object)), with
None for a missing value: numbers (whole numbers as int), text with its spaces and line breaks,
booleans, dates as pandas Timestamps; repeated cells and rows expanded; empty cells and rows kept only
where something follows them; each sheet squared to its widest row."""

from __future__ import annotations

import math
import xml.parsers.expat

from . import safe_zip
from .base import SourceFile, unless_damaged
from .grid_budget import MISSING_TEXTS, CellBudget

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_SHEET, _ROW, _CELL, _COVERED = (f"{_TABLE} {n}" for n in ("table", "table-row", "table-cell", "covered-table-cell"))
_PARAGRAPH, _SPACES, _LINE_BREAK = f"{_TEXT} p", f"{_TEXT} s", f"{_TEXT} line-break"
_ANNOTATION = f"{_OFFICE} annotation"
_ROWS_REPEATED, _COLUMNS_REPEATED = f"{_TABLE} number-rows-repeated", f"{_TABLE} number-columns-repeated"
_VALUE_TYPE, _VALUE, _DATE_VALUE = f"{_OFFICE} value-type", f"{_OFFICE} value", f"{_OFFICE} date-value"
_EMPTY = ""  # an empty cell while a row is read; None once the grid is made
_NOT_A_NUMBER = float("nan")


def read_sheets(source: SourceFile, budget: CellBudget | None = None) -> dict[str, list[list]]:
    """Every sheet of the workbook, by name, in order. Raises ImportFailure for a file that passes the
    budget's limits (scorecard.limits), or that is damaged."""
    budget = budget or CellBudget(source.name)
    archive = safe_zip.open_workbook(source)
    try:
        content = archive.read("content.xml")
    except KeyError:
        content = None
    finally:
        archive.close()
    with unless_damaged(source.name, "an OpenDocument spreadsheet"):
        if content is None:
            raise ValueError("no content.xml")
        reader = _Reader(budget)
        parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = reader.start
        parser.EndElementHandler = reader.end
        parser.CharacterDataHandler = reader.characters
        parser.Parse(content, True)
    return reader.sheets


def _repeat(attrs: dict, name: str) -> int:
    return max(int(attrs.get(name, 1)), 1)


class _Reader:
    """expat's handlers: the state of the sheet, row and cell being read."""

    def __init__(self, budget: CellBudget):
        self.budget = budget
        self.sheets: dict[str, list[list]] = {}
        self.table: list[list] | None = None
        self.row: list | None = None
        self.cell: dict | None = None
        self.depth = 0  # elements open inside the current cell
        self.annotation_depth = 0
        self.pending = []  # character data of the text node being read

    # ---- elements

    def start(self, name: str, attrs: dict) -> None:
        self._flush_text()
        if self.cell is not None:
            self.depth += 1
            if self.annotation_depth or name == _ANNOTATION:
                self.annotation_depth += 1
                return
            if name == _PARAGRAPH:
                if self.cell["paragraphs"]:
                    self.cell["parts"].append("\n")
                self.cell["paragraphs"] += 1
            elif name == _SPACES:
                self.cell["parts"].append(" " * int(attrs.get(f"{_TEXT} c", 1)))
            elif name == _LINE_BREAK:
                self.cell["parts"].append("\n")
            return
        if name == _SHEET and self.table is None:
            self.sheet_name = attrs.get(f"{_TABLE} name", f"Sheet{len(self.sheets) + 1}")
            self.table, self.empty_rows, self.widest = [], 0, 0
            self.budget.start_sheet(self.sheet_name)
        elif name == _ROW and self.table is not None and self.row is None:
            self.row, self.empty_cells, self.row_repeat = [], 0, _repeat(attrs, _ROWS_REPEATED)
        elif name in (_CELL, _COVERED) and self.row is not None:
            self.cell = {"covered": name == _COVERED, "attrs": attrs, "parts": [], "all": [], "paragraphs": 0,
                         "repeat": _repeat(attrs, _COLUMNS_REPEATED)}

    def end(self, name: str) -> None:
        self._flush_text()
        if self.cell is not None and self.depth:
            self.depth -= 1
            if self.annotation_depth:
                self.annotation_depth -= 1
            return
        if self.cell is not None:
            self._end_cell()
        elif name == _ROW and self.row is not None:
            self._end_row()
        elif name == _SHEET and self.table is not None:
            self._end_sheet()

    def characters(self, data: str) -> None:
        if self.cell is not None:
            self.pending.append(data)

    def _flush_text(self) -> None:
        """One text node's characters (expat may hand them over in pieces), its newlines at either end
        dropped, as pandas reads each text node."""
        if not self.pending:
            return
        text = "".join(self.pending)
        self.pending = []
        self.cell["all"].append(text)
        if not self.annotation_depth:
            self.cell["parts"].append(text.strip("\n"))

    # ---- values

    def _end_cell(self) -> None:
        cell, self.cell = self.cell, None
        attrs = cell["attrs"]
        if cell["covered"] and _VALUE not in attrs:
            value = _EMPTY
        else:
            value = _value(attrs, "".join(cell["parts"]), "".join(cell["all"]))
        row, repeat = self.row, cell["repeat"]
        if value == _EMPTY:  # empty cells are kept only where a filled one follows them
            self.empty_cells += repeat
            return
        width = len(row) + self.empty_cells + repeat
        self.budget.width(width, self.budget.rows + self.empty_rows + 1)
        row.extend([_EMPTY] * self.empty_cells)
        self.empty_cells = 0
        row.extend([value] * repeat)

    def _end_row(self) -> None:
        row, self.row = self.row, None
        if not row:  # empty rows are kept only where a filled one follows them
            self.empty_rows += self.row_repeat
            return
        repeat = self.row_repeat
        self.budget.add_rows(self.empty_rows + repeat, len(row))
        self.widest = max(self.widest, len(row))
        self.table.extend([_EMPTY] for _ in range(self.empty_rows))
        self.empty_rows = 0
        self.table.append(row)
        self.table.extend(list(row) for _ in range(repeat - 1))

    def _end_sheet(self) -> None:
        table, self.table = self.table, None
        if self.widest <= 1:  # pandas drops rows that are one empty cell
            table = [r for r in table if not (len(r) == 0 or (len(r) == 1 and isinstance(r[0], str)
                                                               and not r[0].strip()))]
        for row in table:
            row.extend([_EMPTY] * (self.widest - len(row)))
            for j, value in enumerate(row):
                if isinstance(value, str) and value in MISSING_TEXTS:
                    row[j] = None
                elif isinstance(value, float) and math.isnan(value):
                    row[j] = None
        self.sheets[self.sheet_name] = table


def _value(attrs: dict, text: str, all_text: str):
    """A cell's value as pandas' OpenDocument reader gives it."""
    if all_text == "#N/A":
        return _NOT_A_NUMBER
    kind = attrs.get(_VALUE_TYPE)
    if kind == "boolean":
        return all_text == "TRUE"
    if kind is None:
        return _EMPTY
    if kind == "float":
        number = float(attrs.get(_VALUE))
        return int(number) if number == int(number) else number
    if kind in ("percentage", "currency"):
        return float(attrs.get(_VALUE))
    if kind == "string":
        return text
    import pandas as pd

    if kind == "date":
        return pd.Timestamp(attrs.get(_DATE_VALUE))
    if kind == "time":
        return pd.Timestamp(all_text).time()
    raise ValueError(f"unrecognised cell type {kind}")
