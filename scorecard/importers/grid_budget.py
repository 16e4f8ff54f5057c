"""Rows, columns and cells of a workbook counted while a reader expands them, so a small file can
never grow into billions of cells in memory: an OpenDocument cell or row repeated a billion times
(number-columns-repeated, number-rows-repeated) counts a billion, and an Excel row with a cell far
to the right counts every cell up to it. The file is refused the moment a count passes its limit
(scorecard.limits), before the cells are made."""

from __future__ import annotations

from .. import limits
from ..problems import ImportFailure, Issue

_NOT_READ = "It was not read further: it is damaged, or was made to exhaust the server."
# The texts pandas reads as missing in a sheet, so the readers here give the grids it gave.
MISSING_TEXTS = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                           "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"})


class CellBudget:
    """The counts of one workbook. Each sheet is squared (every row as wide as its widest), as the
    readers hand it on, so a sheet costs rows x widest row."""

    def __init__(self, file_name: str, max_rows: int = limits.MAX_RELEASE_ROWS,
                 max_columns: int = limits.MAX_COLUMNS, max_cells: int = limits.MAX_WORKBOOK_CELLS):
        self.file_name = file_name
        self.max_rows, self.max_columns, self.max_cells = max_rows, max_columns, max_cells
        self.cells_before = 0  # cells of the sheets already read
        self.sheet, self.rows, self.widest = "", 0, 0
        self.examined, self.max_examined = 0, 4 * max_cells

    @property
    def cells(self) -> int:
        """Cells held so far, every sheet squared."""
        return self.cells_before + self.rows * self.widest

    def examine(self, count: int) -> None:
        """Before a reader looks at `count` more cells, empty or not (an Excel row padded out to a far
        cell): the work is bounded as well as what is kept."""
        self.examined += count
        if self.examined > self.max_examined:
            raise ImportFailure(Issue(self.file_name, f"holds more than {self.max_examined:,} cells, empty ones "
                                      f"included (counting every cell up to the last in each row). {_NOT_READ}"))

    def start_sheet(self, name: str) -> None:
        self.cells_before = self.cells
        self.sheet, self.rows, self.widest = name, 0, 0

    def width(self, width: int, row: int) -> None:
        """Before a row grows to `width` cells."""
        if width > self.max_columns:
            raise ImportFailure(Issue(self.file_name, f"sheet {self.sheet!r} has a row of more than "
                                      f"{self.max_columns:,} columns (counting repeated and empty cells up to the "
                                      f"last filled one); a sheet may have at most {self.max_columns:,}. {_NOT_READ}",
                                      row=row))

    def add_rows(self, count: int, width: int) -> None:
        """Before `count` rows are added to the sheet, the widest `width` cells."""
        rows, widest = self.rows + count, max(self.widest, width)
        self.width(widest, self.rows + 1)
        if rows > self.max_rows:
            raise ImportFailure(Issue(self.file_name, f"sheet {self.sheet!r} has more than {self.max_rows:,} rows "
                                      f"(counting repeated and empty rows up to the last filled one); a file may have "
                                      f"at most {self.max_rows:,}. {_NOT_READ}", row=self.max_rows + 1))
        if self.cells_before + rows * widest > self.max_cells:
            raise ImportFailure(Issue(self.file_name, f"expands to more than {self.max_cells:,} cells (counting "
                                      "repeated rows and cells, every row as wide as its sheet's widest); a "
                                      f"workbook may hold at most {self.max_cells:,}. {_NOT_READ}"))
        self.rows, self.widest = rows, widest
