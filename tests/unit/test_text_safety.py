"""Text is data: `plain` for Markdown, `neutralise_cell` for files, `text_problem` for stored words;
and the ZIP directory rules, checked on directories made up here."""

from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest

from scorecard import limits
from scorecard.charts import style as chart_style
from scorecard.importers.safe_zip import archive_problem
from scorecard.text_safety import neutralise_cell, neutralise_frame, plain, text_problem
from tests.rendered import live_markup, shown

HOSTILE = [
    "![x](https://example.invalid/x.png)",
    "[x](https://example.invalid)",
    "[x][1]\n\n[1]: https://example.invalid",
    "<img src='https://example.invalid/i.png'>",
    "<https://example.invalid/auto>",
    "see https://example.invalid/a, WWW.example.invalid or a@example.invalid",
]
PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
FORMATTING = [
    ":red[red] :material/home: :smile: $x^2$ **bold** `code` # heading",
    "1. a list\n- another\n> a quote\n| a | table |\n---",
    "&lt;script&gt; \\*not bold\\*",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_text_makes_no_link_image_or_html_and_reads_as_typed(text):
    assert live_markup(text), "the sample should be live without plain()"
    assert live_markup(plain(text)) == []
    assert shown(plain(text)) == text


@pytest.mark.parametrize("text", FORMATTING)
def test_plain_text_can_form_no_markdown_at_all(text):
    """Every ASCII punctuation mark is escaped, so no emphasis, heading, list, table, code, colour,
    icon, emoji code, formula or entity can form; the reader sees the text as typed."""
    escaped = plain(text)
    assert _unescaped_punctuation(escaped) == []
    assert shown(escaped) == text


def _unescaped_punctuation(markdown: str) -> list[str]:
    found, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" and i + 1 < len(markdown) and PUNCTUATION.match(markdown[i + 1]):
            i += 2
            continue
        if PUNCTUATION.match(markdown[i]):
            found.append(markdown[i])
        i += 1
    return found


def test_plain_text_leaves_ordinary_words_alone_to_the_eye():
    for text in ("Bristol, City of", "St. Helens", "Children's services (2024/25): 46.4%", ""):
        assert shown(plain(text)) == text
    assert plain(None) == ""


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"https://example.invalid\",\"x\")", "'=HYPERLINK(\"https://example.invalid\",\"x\")"),
    ("+44 1752 000000", "'+44 1752 000000"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("＝1+1", "'＝1+1"),  # a full-width equals sign, read as a formula in some locales
    ("-3.2 points", "'-3.2 points"),
    ("Plymouth", "Plymouth"),
    ("a=b", "a=b"),
    ("-3.2", "-3.2"),  # only a number: a spreadsheet reads it as one, never as a formula
    ("-3.2%", "-3.2%"),
    ("+12", "+12"),
    (-3.2, -3.2),
    (7, 7),
    (None, None),
])
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def test_neutralise_frame_touches_text_only_and_keeps_numbers_numbers():
    frame = pd.DataFrame({"=name": ["=cmd|' /C calc'!A0", "Plymouth"], "change": [-3.2, 1.5],
                          "words": pd.Series(["-1 point", None], dtype=object), "count": [-4, 2]})
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=name", "change", "words", "count"]
    assert out["'=name"].tolist() == ["'=cmd|' /C calc'!A0", "Plymouth"]
    assert out["change"].tolist() == [-3.2, 1.5] and out["change"].dtype == "float64"
    assert out["count"].dtype == "int64"
    assert out["words"].tolist() == ["'-1 point", None]
    assert frame.columns[0] == "=name"  # the input is left as it was


@pytest.mark.parametrize("text, lines, message", [
    ("=HYPERLINK(\"https://example.invalid\")", False, "may not start with '='"),
    ("@risk measure", False, "may not start with '@'"),
    ("Bell\x07", False, "contains a control character (U+0007)"),
    ("Right-to-left \u202eoverride", False, "contains a control character (U+202E)"),
    ("Two\nlines", False, "contains a control character (U+000A)"),
    ("See https://example.invalid", True, "may not contain a link or markup ('https://')"),
    ("See www.example.invalid", True, "may not contain a link or markup ('www.')"),
    ("A [link](x)", True, "may not contain a link or markup ('](')"),
    ("An ![image](x)", True, "may not contain a link or markup ('![')"),
    ("Bold <b>words</b>", True, "may not contain a link or markup ('<b')"),
    ("javascript:alert(1)", True, "may not contain a link or markup ('javascript:')"),
])
def test_text_problem_refuses_formulas_control_characters_and_markup(text, lines, message):
    assert message in text_problem(text, 500, lines)


def test_text_problem_allows_ordinary_words():
    for text in ("EHC plans issued within 20 weeks (%)", "Source data: local case system", "Rate per 100 < 5",
                 "Two\nlines", "Pupils aged 5-15, 2024/25: 3 in 100"):
        assert text_problem(text, 500, lines=True) is None
    assert text_problem("x" * 11, 10) == "is 11 characters long; keep it to 10 or fewer"


def _info(name: str, size: int, packed: int, method: int = zipfile.ZIP_DEFLATED, flags: int = 0):
    info = zipfile.ZipInfo(name)
    info.file_size, info.compress_size, info.compress_type, info.flag_bits = size, packed, method, flags
    return info


def test_the_zip_directory_rules():
    mb = limits.MB
    assert archive_problem([_info("data/a.csv", 30 * mb, mb), _info("tiny.txt", 50_000, 10)]) is None
    assert "holds 1,001 files; a ZIP may hold at most 1,000" in archive_problem(
        [_info(f"f{i}", 1, 1) for i in range(1_001)])
    assert archive_problem([_info("a.csv", 200 * mb, mb)]).startswith(
        "a.csv would expand 200 times, from 1.0 MB to 200 MB: a ZIP bomb")
    assert archive_problem([_info("a.csv", 60 * mb, 30 * mb)]).startswith(
        "a.csv would expand to 60 MB; one file in a ZIP may expand to at most 50 MB")
    assert archive_problem([_info(f"{i}.csv", 40 * mb, 4 * mb) for i in range(7)]).startswith(
        "would expand to 280 MB in all; a ZIP may expand to at most 250 MB")
    assert archive_problem([_info("a.csv", 1, 1, flags=0x1)]).startswith("a.csv is encrypted")
    assert archive_problem([_info("a.csv", 1, 1, method=zipfile.ZIP_BZIP2)]).startswith(
        "a.csv uses a compression method publishers do not use (method 12)")
    workbook = [_info("content.xml", 21 * mb, 3 * mb)]
    assert archive_problem(workbook) is None
    assert "a workbook may expand to at most 20 MB" in archive_problem(workbook, limits.MAX_WORKBOOK_TOTAL_BYTES)


def test_chart_text_cannot_carry_plotly_tags():
    """Plotly reads <a href>, <b> and <br> in labels, names and hover text: a typed name is escaped, and
    long labels wrap."""
    title = '<a href="https://example.invalid">Internships</a> & <b>outcomes</b>'
    assert chart_style.wrap(title) == ('&lt;a href="https://example.invalid"&gt;Internships&lt;/a&gt; &amp; '
                                  '&lt;b&gt;outcomes&lt;/b&gt;')
    wrapped = chart_style.wrap("word " * 30 + "<img src=x>", width=40)
    assert wrapped.count("<br>") >= 3 and "<img" not in wrapped and "&lt;img" in wrapped
