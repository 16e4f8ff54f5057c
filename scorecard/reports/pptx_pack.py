"""The board deck: a 16:9 PowerPoint with native, editable charts (officers restyle them in PowerPoint).

Slides: the title; the summary; in a stocktake, progress since the baseline; for each priority
area (or theme, when the board has not set priority areas) a slide with the group's scorecard table and a native line chart of its headline
measure (the first measure in the group with figures to chart), then one chart slide for each
other measure in the group that has figures; then caveats, and sources with the licence.
Every slide has a real title; every chart carries alt text (the graphic frame's descr) and at
most four series: the area, the target when there is one, then comparators.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from .. import rag
from ..register import LICENCE_ATTRIBUTION
from ..text_safety import neutralise_cell
from .charts_static import COLOURS
from .content import MetricSection, Pack, RowView

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
DARK_BLUE = RGBColor(0x12, 0x43, 0x6D)
GREY = RGBColor(0x3D, 0x3D, 0x3D)
LIGHT = RGBColor(0xF2, 0xF5, 0xF8)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
TABLE_ROWS = 7  # scorecard rows per slide before the table continues
STOCKTAKE_ROWS = 8
SUMMARY_LINES = 5
CAVEAT_LINES = 11
TITLE_ONLY, TITLE_SLIDE = 5, 0


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))


def _slide(prs, title: str):
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.3), SLIDE_W - 2 * MARGIN, Inches(0.9)
    shape.text = neutralise_cell(title)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    for para in frame.paragraphs:
        para.alignment = PP_ALIGN.LEFT
        for run in para.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(26), True, DARK_BLUE
    return slide


def _footer(slide, pack: Pack, number: int) -> None:
    box = slide.shapes.add_textbox(MARGIN, SLIDE_H - Inches(0.45), SLIDE_W - 2 * MARGIN, Inches(0.3))
    frame = box.text_frame
    frame.text = f"{pack.title} · {'public version' if pack.public else 'internal: not for publication'} · " \
                 f"data as at {pack.as_at_words} · {number}"
    for run in frame.paragraphs[0].runs:
        run.font.size, run.font.color.rgb = Pt(9), GREY


def _text(slide, left, top, width, height, paragraphs: list[tuple[str, int, bool]], bullets: bool = False):
    """paragraphs: (text, size in points, bold)."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, (text, size, bold) in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = ("• " if bullets else "") + neutralise_cell(text)
        para.space_after = Pt(6)
        for run in para.runs:
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    return box


def _table(slide, left, top, width, header: list[str], rows: list[list[str]], widths: list[float],
           rating_col: int | None = None, ratings: list[str | None] | None = None, size: int = 10):
    shape = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, Inches(0.4) * (len(rows) + 1))
    table = shape.table
    total = sum(widths)
    for i, w in enumerate(widths):
        table.columns[i].width = Emu(int(width * w / total))
    for r, values in enumerate([header] + rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = neutralise_cell(str(value))
            cell.margin_left = cell.margin_right = Inches(0.05)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.fill.solid()
            cell.fill.fore_color.rgb = DARK_BLUE if r == 0 else (LIGHT if r % 2 == 0 else WHITE)
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.bold = r == 0 or c == 0
                    run.font.color.rgb = WHITE if r == 0 else RGBColor(0x0B, 0x0C, 0x0C)
            if r and c == rating_col and ratings and ratings[r - 1]:
                # the shape in its RAG colour, the word in dark text (coloured text would be too faint)
                para = cell.text_frame.paragraphs[0]
                para.runs[0].text = rag.ICONS[ratings[r - 1]] + " "
                para.runs[0].font.color.rgb = _rgb(rag.COLOURS[ratings[r - 1]])
                word = para.add_run()
                word.text = ratings[r - 1]
                word.font.size, word.font.bold = Pt(size), True
                word.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    return shape


def _chart(slide, section: MetricSection, left, top, width, height):
    data = CategoryChartData(number_format=_number_format(section))
    # The chart's data is an embedded workbook, where text can be a formula like any cell's.
    data.categories = [neutralise_cell(p) for p in section.periods]
    for s in section.series:
        data.add_series(neutralise_cell(s.name), s.values)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, left, top, width, height, data)
    frame.name = f"Chart: {section.metric.label}"
    frame._element.nvGraphicFramePr.cNvPr.set("descr", section.alt_text)
    chart = frame.chart
    chart.has_title = True
    chart.chart_title.text_frame.text = neutralise_cell(section.title)
    for para in chart.chart_title.text_frame.paragraphs:
        for run in para.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(13), True, RGBColor(0x0B, 0x0C, 0x0C)
    chart.has_legend = len(section.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(11)
    value_axis = chart.value_axis
    value_axis.minimum_scale = 0  # zero baseline
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xBF, 0xBF, 0xBF)
    value_axis.tick_labels.font.size = Pt(11)
    value_axis.tick_labels.number_format = _axis_format(section)
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.format.line.fill.background()
    chart.category_axis.tick_labels.font.size = Pt(11)
    for plot_series, s in zip(chart.plots[0].series, section.series):
        colour = _rgb(COLOURS.get(s.role, "#3D3D3D"))
        line = plot_series.format.line
        line.color.rgb = colour
        line.width = Pt(3.25 if s.role == "area" else 2)
        if s.role == "target":
            line.dash_style = MSO_LINE_DASH_STYLE.DASH
        plot_series.smooth = False
        marker = plot_series.marker
        if s.role == "area":
            marker.style, marker.size = XL_MARKER_STYLE.CIRCLE, 7
            marker.format.fill.solid()
            marker.format.fill.fore_color.rgb = colour
            marker.format.line.color.rgb = colour
        else:
            marker.style = XL_MARKER_STYLE.NONE
    return frame


def _number_format(section: MetricSection) -> str:
    decimals = section.metric.decimals
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return pattern + '"%"' if section.metric.unit == "%" else pattern


def _axis_format(section: MetricSection) -> str:
    return '#,##0"%"' if section.metric.unit == "%" else ("#,##0.0#" if section.metric.decimals else "#,##0")


def _row_cells(v: RowView) -> list[str]:
    w = v.words
    return [w["measure"], f"{w['latest']}\n{w['period']}", w["change"], w["target"], w["rating"],
            w["england"], w["neighbours"]]


def _section_text(pack: Pack, section: MetricSection) -> list[tuple[str, int, bool]]:
    v = section.view
    out = [(v.metric.name, 16, True), (f"Rating: {v.words['rating']}. {v.words['rating_reason']}", 13, False)]
    if section.commentary:
        out.append((f"Commentary ({section.commentary_by}): {section.commentary}", 13, False))
    if section.exception_note:
        out.append((f"Exception note. {section.exception_note}", 13, False))
    elif v.row.needs_exception_note:
        out.append(("Exception note: none recorded; a red rating needs one.", 13, True))
    if section.comparator_note:
        out.append((section.comparator_note, 11, False))
    if section.flags:
        out.append(("Caveats: " + "; ".join(f.rstrip(".") for f in section.flags) + ".", 11, False))
    return out


def render(pack: Pack) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    prs.core_properties.title = pack.title
    prs.core_properties.subject = pack.subtitle
    prs.core_properties.author = "SEND Scorecard"
    prs.core_properties.language = "en-GB"
    number = 0

    def next_number() -> int:
        nonlocal number
        number += 1
        return number

    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_SLIDE])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    title.left, title.top, title.width, title.height = MARGIN, Inches(1.6), SLIDE_W - 2 * MARGIN, Inches(1.8)
    title.text = pack.title
    for run in title.text_frame.paragraphs[0].runs:
        run.font.size, run.font.bold, run.font.color.rgb = Pt(40), True, DARK_BLUE
    title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    subtitle.left, subtitle.top = MARGIN, Inches(3.6)
    subtitle.width, subtitle.height = SLIDE_W - 2 * MARGIN, Inches(2.8)
    frame = subtitle.text_frame
    lines = [pack.subtitle] + [f"{k}: {v}" for k, v in pack.title_block()]
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text, para.alignment = line, PP_ALIGN.LEFT
        for run in para.runs:
            run.font.size = Pt(20 if i == 0 else 15)
            run.font.color.rgb = GREY
    _footer(slide, pack, next_number())

    lead, sentences = pack.summary[0], pack.summary[1:]
    chunks = [sentences[i:i + SUMMARY_LINES] for i in range(0, len(sentences), SUMMARY_LINES)] or [[]]
    for i, chunk in enumerate(chunks):
        slide = _slide(prs, "Summary" + (f" ({i + 1} of {len(chunks)})" if len(chunks) > 1 else ""))
        paragraphs = [(lead, 17, True)] if i == 0 else []
        counts = pack.card.rag_counts()
        if i == 0 and any(counts.values()):
            paragraphs.append(("Against local targets: " + ", ".join(
                f"{rag.ICONS[k]} {n} {k}" for k, n in counts.items()), 17, True))
        _text(slide, MARGIN, Inches(1.3), SLIDE_W - 2 * MARGIN, Inches(1.2), paragraphs)
        _text(slide, MARGIN, Inches(1.3 + 0.55 * len(paragraphs)), SLIDE_W - 2 * MARGIN, Inches(4.5),
              [(s, 17, False) for s in chunk], bullets=True)
        _footer(slide, pack, next_number())

    if pack.stocktake:
        pages = [pack.rows[i:i + STOCKTAKE_ROWS] for i in range(0, len(pack.rows), STOCKTAKE_ROWS)]
        for i, page in enumerate(pages):
            slide = _slide(prs, f"Progress since {pack.baseline.describe()}"
                           + (f" ({i + 1} of {len(pages)})" if len(pages) > 1 else ""))
            rows = [[v.words["measure"], v.words["baseline"], f"{v.words['latest']} ({v.words['period']})",
                     v.words["change_since_baseline"], v.words["target"], v.words["progress"], v.words["rating"]]
                    for v in page]
            _table(slide, MARGIN, Inches(1.3), SLIDE_W - 2 * MARGIN,
                   ["Measure", "Baseline", "Latest", "Change since baseline", "Target", "Progress along the trajectory",
                    "Rating"], rows, [2.4, 1.6, 1.8, 1.6, 0.9, 2.4, 1.0], rating_col=6,
                   ratings=[v.row.rating.rag for v in page], size=11)
            _footer(slide, pack, next_number())

    header = ["Measure", "Latest", "Change", "Target", "Rating", "England", "Statistical neighbours"]
    for group, views in pack.groups():
        sections = [pack.section_for(v.metric.id) for v in views]
        headline = next((s for s in sections if s.has_chart), None)
        pages = [views[i:i + TABLE_ROWS] for i in range(0, len(views), TABLE_ROWS)]
        for i, page in enumerate(pages):
            slide = _slide(prs, group + (f" ({i + 1} of {len(pages)})" if len(pages) > 1 else ""))
            table_width = SLIDE_W - 2 * MARGIN if headline is None or i else Inches(7.6)
            _table(slide, MARGIN, Inches(1.3), table_width, header, [_row_cells(v) for v in page],
                   [2.2, 1.4, 1.4, 0.9, 1.0, 1.5, 1.7], rating_col=4, ratings=[v.row.rating.rag for v in page],
                   size=10 if table_width < SLIDE_W - 2 * MARGIN else 12)
            if headline is not None and i == 0:
                _chart(slide, headline, Inches(8.3), Inches(1.3), SLIDE_W - Inches(8.3) - MARGIN, Inches(5.4))
            _footer(slide, pack, next_number())
        for section in sections:
            if section is headline or not section.has_chart:
                continue
            slide = _slide(prs, f"{group}: {section.metric.label}")
            _chart(slide, section, MARGIN, Inches(1.3), Inches(8.0), Inches(5.5))
            _text(slide, Inches(8.8), Inches(1.3), SLIDE_W - Inches(8.8) - MARGIN, Inches(5.5),
                  _section_text(pack, section))
            _footer(slide, pack, next_number())

    caveats = [f"{m}: {c}" for m, c in pack.caveats]
    notes = pack.notes + caveats
    chunks = [notes[i:i + CAVEAT_LINES] for i in range(0, len(notes), CAVEAT_LINES)]
    for i, chunk in enumerate(chunks):
        slide = _slide(prs, "Caveats" + (f" ({i + 1} of {len(chunks)})" if len(chunks) > 1 else ""))
        _text(slide, MARGIN, Inches(1.3), SLIDE_W - 2 * MARGIN, Inches(5.5), [(c, 12, False) for c in chunk],
              bullets=True)
        _footer(slide, pack, next_number())

    slide = _slide(prs, "Sources and licence")
    rows = [[r.publisher, r.title, r.released, r.url or ""] for r in pack.sources.itertuples()]
    if rows:
        _table(slide, MARGIN, Inches(1.3), SLIDE_W - 2 * MARGIN, ["Publisher", "Release", "Released", "Link"], rows,
               [2.2, 4.2, 1.3, 4.6], size=10)
    _text(slide, MARGIN, SLIDE_H - Inches(1.4), SLIDE_W - 2 * MARGIN, Inches(0.8),
          [(LICENCE_ATTRIBUTION, 12, True)])
    _footer(slide, pack, next_number())

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
