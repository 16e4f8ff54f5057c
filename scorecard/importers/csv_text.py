"""The text of a CSV as people and publishers save it, for every CSV reader: UTF-8 with or without
a BOM; Windows (CRLF), Unix (LF) or old Mac Excel (bare CR) line endings, all read as LF; and commas
between columns. A file saved with semicolons or tabs between columns (European Excel, "Text (Tab
delimited)") or as UTF-16 ("Unicode Text") is refused with a sentence saying how to save it."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from ..limits import MAX_COLUMNS
from .base import ImportFailure, Issue, SourceFile

SAVE_AS_CSV = "save it from Excel as 'CSV UTF-8 (Comma delimited)' and import it again"
_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_OPEN_QUOTE = "look for a quote mark (\") that is opened but never closed"


def text_of(source: SourceFile) -> str:
    """The file's text with every line ending as LF. Raises ImportFailure for text that is not UTF-8."""
    if source.data.startswith(_UTF16_BOMS):
        raise ImportFailure(Issue(source.name, f"is saved as UTF-16 ('Unicode Text'), not as CSV; {SAVE_AS_CSV}"))
    text = source.text()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_text(source: SourceFile) -> str:
    """The text of a CSV to read: as text_of, and refused if its columns are not separated by commas."""
    text = text_of(source)
    problem = delimiter_problem(source.name, text)
    if problem:
        raise ImportFailure(problem)
    return text


def first_row(text: str) -> list[str]:
    """The cells of the first line, stripped (the header of most CSVs)."""
    first = text.split("\n", 1)[0]
    return [cell.strip() for cell in next(csv.reader([first]))] if first.strip() else []


def header(name: str, text: str) -> list[str]:
    """first_row, refused when it has more columns than any file may (limits.MAX_COLUMNS): every
    check of a header is then on a thousand names at most."""
    cells = first_row(text)
    if problem := too_wide(name, 1, cells):
        raise ImportFailure(problem)
    return cells


def too_wide(name: str, row: int, cells: list[str]) -> Issue | None:
    if len(cells) <= MAX_COLUMNS:
        return None
    return Issue(name, f"the row has {len(cells):,} columns; a file may have at most {MAX_COLUMNS:,}. Leave out the "
                 "columns this tool does not read, or check the file is comma-separated text.", row=row)


def delimiter_problem(name: str, text: str) -> Issue | None:
    """Why the file's first line is not comma-separated, when another separator splits it instead."""
    row, first = next(((i, line) for i, line in enumerate(text.split("\n", 5)[:5], start=1) if line.strip()),
                      (1, ""))
    if not first or len(next(csv.reader([first]))) > 1:
        return None
    for delimiter, words in _OTHER_DELIMITERS.items():
        if len(next(csv.reader([first], delimiter=delimiter))) > 1:
            return Issue(name, f"the file uses {words} between columns, not commas; {SAVE_AS_CSV}", row=row)
    return None


def rows(name: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted value may span lines). A quote mark opened
    and never closed, which would swallow every row after it, is refused naming its row."""
    reader = csv.reader(_lines(text))
    line, start, cells = 0, 1, []
    try:
        for cells in reader:
            start = line + 1
            if len(cells) > MAX_COLUMNS:
                raise ImportFailure(too_wide(name, start, cells))
            yield start, cells
            line = reader.line_num
    except csv.Error as exc:  # e.g. a value longer than the csv module's field limit
        raise ImportFailure(Issue(name, f"cannot be read as CSV ({exc}); {_OPEN_QUOTE}", row=line + 1)) from None
    if text.count('"') % 2 and any("\n" in c for c in cells):
        raise ImportFailure(Issue(name, "a quote mark (\") in this row is opened but never closed, so every "
                                  "line after it reads as one value; close the quote or remove it", row=start))


def _lines(text: str) -> Iterator[str]:
    """The text's lines, each with its newline, as io.StringIO(text) gives them, but without its copy
    of the whole text (four bytes a character: 45 MB for a 200,000-row return)."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def width_problem(name: str, row: int, cells: list[str], width: int) -> Issue | None:
    """Why a record does not fit under a header of `width` columns: cells missing (a file cut short)
    or extra cells with text in them (a comma in an unquoted value shifts every column after it)."""
    if len(cells) < width and any(c.strip() for c in cells):
        opened = any("\n" in c for c in cells)
        why = ("a quote mark (\") opened in it is never closed" if opened else "the file may have been cut short")
        return Issue(name, f"the row has {len(cells)} cells but the header has {width} columns; {why}", row=row)
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        return Issue(name, f"the row has {len(cells)} cells but the header has {width} columns; a value with a "
                     "comma in it must be in quotes", row=row)
    return None
