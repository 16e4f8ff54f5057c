"""The one helper every CSV reader gets its text from: BOM, line endings, delimiters, quotes, widths."""

import pytest

from scorecard.importers import csv_text
from scorecard.importers.base import ImportFailure, SourceFile


@pytest.mark.parametrize("ending", [b"\r\n", b"\n", b"\r"])
def test_every_line_ending_reads_as_lf(ending):
    data = b"\xef\xbb\xbfa,b" + ending + b"1,\"x" + ending + b"y\"" + ending
    assert csv_text.read_text(SourceFile("f.csv", data)) == "a,b\n1,\"x\ny\"\n"


def test_first_row_and_records_with_the_line_each_starts_on():
    text = 'a, b ,c\n1,"two\nlines",3\n\n4,5,6\n'
    assert csv_text.first_row(text) == ["a", "b", "c"]
    assert list(csv_text.rows("f.csv", text)) == [(1, ["a", " b ", "c"]), (2, ["1", "two\nlines", "3"]),
                                                  (4, []), (5, ["4", "5", "6"])]


@pytest.mark.parametrize("delimiter,words", [(";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")])
def test_another_delimiter_is_named(delimiter, words):
    text = f"\n{delimiter.join(['area', 'metric', 'value'])}\n"
    problem = csv_text.delimiter_problem("f.csv", text)
    assert (problem.row, problem.message.split(";")[0]) == (2, f"the file uses {words} between columns, not commas")
    with pytest.raises(ImportFailure, match=f"f.csv, row 2: the file uses {words}"):
        csv_text.read_text(SourceFile("f.csv", text.encode()))


@pytest.mark.parametrize("text", ["area,metric;x,value\n", '"Bristol; City of",x\n', "just one column\n", ""])
def test_commas_or_a_single_column_are_not_a_delimiter_problem(text):
    assert csv_text.delimiter_problem("f.csv", text) is None


def test_a_quote_never_closed_is_refused_at_its_row():
    with pytest.raises(ImportFailure, match=r"f.csv, row 2: a quote mark \(\"\) in this row is opened but never closed"):
        list(csv_text.rows("f.csv", 'a,b\n"x,1\n2,3\n'))


def test_a_value_beyond_the_csv_field_limit_is_refused_at_its_row():
    with pytest.raises(ImportFailure, match="f.csv, row 2: cannot be read as CSV"):
        list(csv_text.rows("f.csv", 'a,b\n1,"' + "x" * 200_000 + '"\n'))


def test_rows_that_do_not_fit_the_header():
    assert csv_text.width_problem("f.csv", 3, ["1", "2", "3"], 3) is None
    assert csv_text.width_problem("f.csv", 3, ["1", "2", "3", "", " "], 3) is None  # empty extra cells
    assert csv_text.width_problem("f.csv", 3, [], 3) is None  # a blank line
    assert "cut short" in csv_text.width_problem("f.csv", 3, ["1"], 3).message
    assert "never closed" in csv_text.width_problem("f.csv", 3, ["1", "a\nb"], 3).message
    wide = csv_text.width_problem("f.csv", 3, ["1", "2", "3", "4"], 3)
    assert str(wide) == ("f.csv, row 3: the row has 4 cells but the header has 3 columns; a value with a comma "
                         "in it must be in quotes")


def test_utf16_is_refused_with_how_to_save_it():
    with pytest.raises(ImportFailure, match="is saved as UTF-16"):
        csv_text.text_of(SourceFile("f.csv", "a,b\n".encode("utf-16")))
