import pytest

from scorecard.published import (EES_SYMBOLS, LOW, MOJ_SYMBOLS, NOT_APPLICABLE, NOT_AVAILABLE, PUBLISHED,
                                 SUPPRESSED, CellError, parse_cell)


@pytest.mark.parametrize("raw,expected", [
    ("c", (None, SUPPRESSED)), ("z", (None, NOT_APPLICABLE)), ("x", (None, NOT_AVAILABLE)),
    ("low", (None, LOW)), ("..", (None, NOT_AVAILABLE)), (" .. ", (None, NOT_AVAILABLE)), ("", (None, NOT_AVAILABLE)),
    (":", (None, NOT_AVAILABLE)), ("2,533", (2533.0, PUBLISHED)), ("46.4", (46.4, PUBLISHED)), ("0", (0.0, PUBLISHED)),
])
def test_symbols_are_never_zero(raw, expected):
    assert parse_cell(raw, EES_SYMBOLS) == expected


def test_moj_dash_means_nil_but_ees_dash_is_refused():
    assert parse_cell(" - ", MOJ_SYMBOLS, percent_text=True) == (0.0, PUBLISHED)
    with pytest.raises(CellError):
        parse_cell("-", EES_SYMBOLS)


def test_percent_text_only_where_allowed():
    assert parse_cell("1.30%", MOJ_SYMBOLS, percent_text=True) == (1.3, PUBLISHED)
    with pytest.raises(CellError):
        parse_cell("1.30%", EES_SYMBOLS)


@pytest.mark.parametrize("bad", ["twelve", "1,2,3", "12a", "1.2.3"])
def test_junk_is_refused(bad):
    with pytest.raises(CellError):
        parse_cell(bad)
