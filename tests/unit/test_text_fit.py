"""The board deck's measure of text (scorecard.reports.text_fit) against the real font: Arial's widths,
read from Liberation Sans (the same widths, installed with LibreOffice on Linux). The deck's layouts
promise that nothing overlaps because every box is as tall as this measure says its text needs; that
holds only if the measure never says a text is narrower than it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.reports import text_fit

FONTS = [Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation")]
SAMPLES = [
    "EHC plans issued within 20 weeks", "66.7%: 86 of 129 (illustrative)", "calendar year 2024",
    "46.4% (2024): context only, not directly comparable", "48.5%, mean of 10 of 10 (2024)",
    "not ranked: a count (bigger areas have more)", "145th of 149, band D (worst quarter)",
    "Disagreement and redress: 0 red, 0 amber, 1 green, 5 not rated", "No target", "Not rated",
    "SEND scorecard: Bournemouth, Christchurch and Poole, Autumn term 2026/27", "WWWWWWWWWW", "iiiiiiiiii",
    "↑ better", "■ Red", "▲ Amber", "● Green", "Children in EHE during the year",
]


def _font(bold: bool):
    fontTools = pytest.importorskip("fontTools.ttLib")
    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    path = next((folder / name for folder in FONTS if (folder / name).exists()), None)
    if path is None:
        pytest.skip(f"{name} is not installed here (it comes with LibreOffice on Linux)")
    return fontTools.TTFont(str(path))


def _real_width(font, text: str, size: float) -> float:
    cmap, advances = font.getBestCmap(), font["hmtx"].metrics
    units = font["head"].unitsPerEm
    return sum(advances[cmap[ord(c)]][0] for c in text if ord(c) in cmap) * size / units


@pytest.mark.parametrize("bold", [False, True])
def test_the_measure_is_never_narrower_than_arial(bold):
    font = _font(bold)
    for text in SAMPLES:
        for size in (8, 10.5, 14, 26):
            real = _real_width(font, text, size)
            measured = text_fit.width(text, size, bold)
            assert measured >= real - 0.01, (text, size, measured, real)
            assert measured <= real * 1.1 + size, (text, size)  # and not wildly wider


def test_lines_wrap_at_spaces_and_break_a_word_too_long_for_the_line():
    size = 10
    line = text_fit.width("not ranked: a count (bigger", size)
    assert text_fit.lines("not ranked: a count (bigger", line + 1, size) == 1
    assert text_fit.lines("not ranked: a count (bigger areas have more)", line + 1, size) == 2
    assert text_fit.lines("first\nsecond", 500, size) == 2
    word = text_fit.width("Direction", size, bold=True)
    assert text_fit.lines("Direction", word / 2 + 1, size, bold=True) == 2  # broken where it must
    assert text_fit.height("a\nb\nc", 500, 10) == pytest.approx(3 * 10 * text_fit.LINE_SPACING)
