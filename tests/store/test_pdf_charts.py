"""The PDF pack's vector charts (ReportLab drawings) look as the dashboard's and the Word pack's do:
each series in its palette colour, line pattern and marker, no RAG colour for a series, axis text at
4.5:1 from zero, small-number points hollow and labelled, series breaks marked, and the source line
wrapped inside the chart's width."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.graphics.shapes import Circle, Group, PolyLine, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from scorecard import palette, rag, words
from scorecard.reports import build_pack, chart_layout, pdf, pdf_charts, render

PLYMOUTH, SCILLY = "E06000026", "E06000053"
TERM = "Autumn 2026/27"
WIDTH = 480.0


@pytest.fixture(scope="module", autouse=True)
def fonts():
    pdf._fonts()  # the charts' text is measured in DejaVu Sans, which the PDF registers


def section(con, area_code: str, metric_id: str = "ehcp_20wk_pct"):
    return build_pack(con, area_code, TERM).section_for(metric_id)


def shapes(drawing) -> list:
    out = []
    for item in drawing.contents:
        out += shapes(item) if isinstance(item, Group) else [item]
    return out


def hex_of(colour) -> str:
    return "#" + colour.hexval()[2:].upper()


def strings(drawing) -> list[String]:
    return [s for s in shapes(drawing) if isinstance(s, String)]


def test_each_series_is_drawn_in_its_palette_colour_and_pattern(con):
    sec = section(con, PLYMOUTH)
    drawing = pdf_charts.line_chart(sec, WIDTH, source="Source: test.")
    lines = [s for s in shapes(drawing) if isinstance(s, PolyLine)]
    drawn = {hex_of(line.strokeColor) for line in lines}
    for s in sec.series:
        style = palette.SERIES[s.role]
        assert style.colour.upper() in drawn
        patterns = {tuple(line.strokeDashArray or ()) for line in lines if hex_of(line.strokeColor) == style.colour.upper()}
        assert bool(pdf_charts.DASHES[style.dash]) == all(patterns)  # solid lines are solid, dashed ones dashed
    assert not drawn & {c.upper() for c in rag.COLOURS.values()}
    england = next(s for s in sec.series if s.role == "england")
    assert england and palette.SERIES["england"].colour == palette.DARK_GREY
    diamonds = [p for p in shapes(drawing) if isinstance(p, Polygon) and len(p.points) == 8
                and hex_of(p.fillColor) == palette.DARK_GREY]
    assert len(diamonds) >= len([v for v in england.values if v is not None])  # England's markers are diamonds


def test_axis_text_is_secondary_text_and_starts_at_zero(con):
    sec = section(con, PLYMOUTH)
    drawing = pdf_charts.line_chart(sec, WIDTH, source="Source: test.")
    ticks = [s for s in strings(drawing) if s.text in sec.periods or s.text.endswith("%")]
    assert {s.text for s in ticks} >= set(sec.periods) | {"0%"}
    for s in ticks:
        if s.text != pdf_charts.fmt(sec.series[0].values[-1], sec.metric):  # the latest figure's label
            assert hex_of(s.fillColor) == palette.SECONDARY_TEXT


def test_every_chart_carries_its_source_line_wrapped_inside_it(con):
    sec = section(con, PLYMOUTH)
    line = words.row_source_line(sec.view.row, sec.periods[0])
    drawing = pdf_charts.line_chart(sec, 300.0)  # narrow: the row's own source line must wrap
    source = [s for s in strings(drawing) if s.fontSize == chart_layout.SOURCE_PT and s.y < 40]
    source.sort(key=lambda s: -s.y)
    assert len(source) > 1 and " ".join(s.text for s in source) == line
    for s in source:
        assert s.x + stringWidth(s.text, s.fontName, s.fontSize) <= 300.0


def test_a_long_title_wraps_inside_the_chart(con):
    title = "Plymouth issued 6.0% (24 of 403) of new EHC plans within 20 weeks in 2024, " * 3
    drawing = pdf_charts.line_chart(section(con, PLYMOUTH), WIDTH, source="Source: test.", title=title)
    drawn = [s for s in strings(drawing) if s.fontName == pdf_charts.BOLD and s.fontSize == chart_layout.TITLE_PT]
    assert len(drawn) >= 2 and " ".join(s.text for s in drawn) == title.strip()
    assert all(s.x + stringWidth(s.text, s.fontName, s.fontSize) <= WIDTH for s in drawn)


def test_small_number_points_are_hollow_and_labelled(con):
    sec = section(con, SCILLY)
    small = chart_layout.small_points(sec)
    assert any(small)
    drawing = pdf_charts.line_chart(sec, WIDTH, source="Source: test.")
    hollow = [s for s in shapes(drawing) if isinstance(s, (Circle, Rect, Polygon))
              and s.fillColor == colors.HexColor(palette.HOLLOW_FILL)]
    assert len(hollow) == sum(s and v == v and v is not None for s, v in zip(small, sec.data["value"]))
    assert all(hex_of(s.strokeColor) == palette.SERIES["area"].colour for s in hollow)
    assert words.SMALL_NUMBERS_SHORT in [s.text for s in strings(drawing)]
    assert not any(chart_layout.small_points(section(con, PLYMOUTH)))


def test_series_breaks_are_marked(con):
    sec = section(con, PLYMOUTH)
    assert sec.breaks, "the 20-week measure has a series break at 2023"
    texts = [s.text for s in strings(pdf_charts.line_chart(sec, WIDTH, source="Source: test."))]
    assert words.series_break_mark(sec.breaks[0][0]) in texts


def test_the_pdf_draws_its_charts_as_text_and_lines_not_pictures(con):
    pack = build_pack(con, PLYMOUTH, TERM)
    data, _, _ = render(pack, "pdf")
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Series break 2023" in text and "Statistical neighbours (mean)" in text
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        assert all(xobjects[name].get_object().get("/Subtype") != "/Image" for name in xobjects)


@pytest.mark.parametrize("high, expected", [(100, [0, 20, 40, 60, 80, 100]), (76.7, [0, 20, 40, 60]),
                                            (1.15, [0, 0.25, 0.5, 0.75, 1]), (3450, [0, 1000, 2000, 3000]),
                                            (12, [0, 2.5, 5, 7.5, 10])])
def test_value_axis_ticks_are_round_and_few(high, expected):
    assert chart_layout.nice_ticks(high) == pytest.approx(expected)
    assert len(chart_layout.nice_ticks(high)) - 1 <= chart_layout.MAX_TICKS
