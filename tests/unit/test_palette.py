"""The one palette meets WCAG 2.2 AA and keeps RAG colours apart from series colours."""

import pytest

from scorecard import palette, rag


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("role", sorted(palette.SERIES))
def test_every_series_line_is_at_least_3_to_1_on_white(role):
    assert contrast(palette.SERIES[role].colour, palette.WHITE) >= 3


@pytest.mark.parametrize("colour", [palette.TEXT, palette.SECONDARY_TEXT])
def test_text_and_axis_labels_are_at_least_4_5_to_1(colour):
    assert contrast(colour, palette.WHITE) >= 4.5


@pytest.mark.parametrize("band", "ABCD")
def test_band_letters_are_readable_on_their_hexes(band):
    assert contrast(palette.BAND_TEXT[band], palette.BAND_COLOURS[band]) >= 4.5


def test_rag_colours_are_never_series_colours():
    assert not set(rag.COLOURS.values()) & set(palette.SERIES_COLOURS)


def test_every_series_has_its_own_line_style_or_marker():
    styles = [(s.dash, s.marker) for s in palette.SERIES.values()]
    assert len(set(styles)) == len(styles)
    for style in palette.SERIES.values():
        assert style.mpl_linestyle and style.mpl_marker
