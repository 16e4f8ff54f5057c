"""The packs' static charts (matplotlib) look as the dashboard's do: the palette's roles (England the
same dark grey dashed line with diamonds as on screen), no RAG colour for a series, axis text at
4.5:1, small-number points hollow and labelled, and a source line wrapped to the chart's width."""

from __future__ import annotations

import pytest
from matplotlib.colors import to_hex

from scorecard import palette, rag, words
from scorecard.register import metrics_from_store
from scorecard.reports import build_pack
from scorecard.reports import charts_static
from scorecard.tables import metric_table

PLYMOUTH, SCILLY = "E06000026", "E06000053"
TERM = "Autumn 2026/27"


def section(con, area_code: str, metric_id: str = "ehcp_20wk_pct"):
    pack = build_pack(con, area_code, TERM)
    return pack.section_for(metric_id)


def lines_by_label(fig) -> dict:
    return {line.get_label(): line for line in fig.axes[0].get_lines()}


def test_each_series_is_drawn_in_its_palette_role(con):
    sec = section(con, PLYMOUTH)
    fig = charts_static.figure(sec, source="Source: test.")
    drawn = lines_by_label(fig)
    for s in sec.series:
        style = palette.SERIES[s.role]
        line = drawn[s.name]
        assert to_hex(line.get_color()).upper() == style.colour.upper()
        assert line.get_marker() == style.mpl_marker
    england = next(drawn[s.name] for s in sec.series if s.role == "england")
    assert to_hex(england.get_color()).upper() == palette.DARK_GREY and england.get_linestyle() == "--"
    colours = {to_hex(line.get_color()).upper() for line in fig.axes[0].get_lines()}
    assert not colours & {c.upper() for c in rag.COLOURS.values()}
    assert charts_static.COLOURS == {role: s.colour for role, s in palette.SERIES.items()}  # the PowerPoint's too


def test_axis_text_is_secondary_text(con):
    fig = charts_static.figure(section(con, PLYMOUTH), source="Source: test.")
    ax = fig.axes[0]
    for label in ax.get_yticklabels() + ax.get_xticklabels():
        assert to_hex(label.get_color()).upper() == palette.SECONDARY_TEXT


def test_every_printed_chart_carries_its_source_line_wrapped(con):
    sec = section(con, PLYMOUTH)
    line = words.row_source_line(sec.view.row, sec.periods[0])
    assert line.startswith("Source: Department for Education, Education, health and care plans, reporting year "
                           "2025, released in June 2025: ")
    assert line.endswith(" to 2024.")
    fig = charts_static.figure(sec, source=line)
    text = next(t.get_text() for t in fig.texts if t.get_text().startswith("Source:"))
    assert text.replace("\n", " ") == line
    width = max(len(part) for part in text.split("\n"))
    assert width <= charts_static.SIZE_IN[0] * 72 / (charts_static.SOURCE_PT * charts_static.CHAR_EM)
    assert charts_static.line_chart_png(sec)[:4] == b"\x89PNG"  # the default source is the row's own


def test_a_long_title_wraps_inside_the_chart(con):
    title = "Plymouth issued 6.0% (24 of 403) of new EHC plans within 20 weeks in 2024, " * 3
    fig = charts_static.figure(section(con, PLYMOUTH), source="Source: test.", title=title)
    drawn = next(t.get_text() for t in fig.texts if t.get_text().startswith("Plymouth"))
    assert drawn.count("\n") >= 2 and drawn.replace("\n", " ") == title.strip()


def test_small_number_points_are_hollow_and_labelled(con):
    sec = section(con, SCILLY)
    if "denominator" not in sec.data:  # the section's own counts, where the pack does not carry them yet
        table = metric_table(con, metrics_from_store(con)["ehcp_20wk_pct"])
        mine = table[table["area_code"] == SCILLY].set_index("period")
        sec.data["denominator"] = [mine["denominator"].get(p) for p in sec.data["period"]]
    small = charts_static.small_points(sec)
    assert any(small)
    fig = charts_static.figure(sec, source="Source: test.")
    hollow = [line for line in fig.axes[0].get_lines()
              if line.get_linestyle() == "None" and to_hex(line.get_markerfacecolor()).upper() == palette.HOLLOW_FILL]
    assert len(hollow) == 1 and len(hollow[0].get_xdata()) == sum(
        s and v == v for s, v in zip(small, sec.data["value"]))
    assert words.SMALL_NUMBERS_SHORT in [t.get_text() for t in fig.axes[0].texts]
    plymouth = section(con, PLYMOUTH)
    if "denominator" in plymouth.data:
        assert not any(charts_static.small_points(plymouth))


@pytest.mark.parametrize("size_pt", [6.5, 8.5])
def test_wrapping_keeps_every_word(size_pt):
    text = "Source: " + "Department for Education, Education, health and care plans " * 4
    lines = charts_static.wrap_to(text, 6.4, size_pt)
    assert " ".join(lines) == text.strip() and len(lines) > 1
