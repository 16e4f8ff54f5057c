"""The board deck: a 16:9 PowerPoint with native, editable charts (officers restyle them in PowerPoint),
ten slides or fewer for a board to read in ten minutes.

Slides: a title slide (the R/A/G counts, the opening statements at body size, a link to the same
view on the dashboard); the summary (the measure, its figure, period, direction of travel, target and
rating, at 12 points or more, split by priority area over as many slides as it needs, each a fair
share, never a few rows left over); in a stocktake, progress since the baseline; one slide per
priority area (or theme, when the board has not set priority areas) with its R/A/G counts in words,
every column of its measures and, where there is room, a native line chart of its headline measure
(each measure's detail in the slide's notes); what needs the board's attention (each red with its
exception note, the ambers, and each accountable partner's ratings); and on the back slide, the
sources, how current they are, the caveats and, in small type, the officers' details. With
`detail` (`scorecard report --detail`), each measure's chart slide follows as an appendix, before
the back slide.

Nothing overlaps: every table row, text box and badge is sized from its text (text_fit, in Arial)
before it is placed, and type steps down until a table fits its slide. Every slide has a real title;
every chart carries alt text (the graphic frame's descr), at most four series (the area, the target
when there is one, then comparators, each in its palette colour and line style) and a value axis
whose labels tell its ticks apart.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from .. import palette, rag, words
from ..register import LICENCE_ATTRIBUTION
from ..summary import COLUMNS, partner_groups, totals
from ..text_safety import neutralise_cell
from . import text_fit
from .chart_layout import ceiling, nice_ticks
from .content import AttentionItem, MetricSection, Pack, RowView

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.45)
WIDTH = SLIDE_W - 2 * MARGIN
TITLE_TOP = Inches(0.3)
FOOTER_TOP = SLIDE_H - Inches(0.42)
FOOTER_HEIGHT = Inches(0.3)
BODY_BOTTOM = FOOTER_TOP - Inches(0.1)
GAP = Inches(0.12)
CELL_X, CELL_Y = Inches(0.05), Inches(0.025)
BOX_X, BOX_Y = Inches(0.05), Inches(0.04)
EMU_PER_PT = 12700
DARK_BLUE = RGBColor.from_string(palette.DARK_BLUE.lstrip("#"))
TEXT = RGBColor.from_string(palette.TEXT.lstrip("#"))
GREY = RGBColor.from_string(palette.SECONDARY_TEXT.lstrip("#"))
TINT = RGBColor(0xF2, 0xF5, 0xF8)
GROUP_TINT = RGBColor.from_string(palette.PALE_BLUE.lstrip("#"))
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
LINK_BLUE = "#1D70B8"
SUMMARY_SIZES = (16, 15, 14, 13, 12)  # the summary slides: never below 12 points
SUMMARY_COLUMNS = 6  # Measure, Latest, Period, Direction, Target, Rating: the rest is on each area's slide
SUMMARY_SHARES = (3.0, 3.2, 2.0, 1.35, 1.15, 1.45)
AREA_SIZES = (14, 13, 12, 11, 10, 9)
TEXT_SIZES = (16, 15, 14, 13, 12, 11, 10, 9)
MIN_CHART_HEIGHT = Inches(2.4)
TITLE_ONLY = 5
AREA_SHARES = (17, 15, 10, 7, 6.5, 7, 16, 17, 14.5)  # every column, Measure .. Rank or band
ATTENTION_SHARES = (1.0, 2.2, 2.6, 3.6, 3.6)  # Rating, Measure, Figure, Why, Exception note
OFFICER_SIZE = 8
DASH = {"solid": MSO_LINE_DASH_STYLE.SOLID, "dash": MSO_LINE_DASH_STYLE.DASH,
        "dot": MSO_LINE_DASH_STYLE.ROUND_DOT, "dashdot": MSO_LINE_DASH_STYLE.DASH_DOT,
        "longdash": MSO_LINE_DASH_STYLE.LONG_DASH}
MARKER = {"circle": XL_MARKER_STYLE.CIRCLE, "diamond": XL_MARKER_STYLE.DIAMOND, "square": XL_MARKER_STYLE.SQUARE,
          "triangle-up": XL_MARKER_STYLE.TRIANGLE, "x": XL_MARKER_STYLE.X}


def _pt(emu) -> float:
    return emu / EMU_PER_PT


def _emu(points: float) -> Emu:
    return Emu(math.ceil(points * EMU_PER_PT))


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))


def _style_runs(paragraph, size: float, bold: bool = False, colour: RGBColor = TEXT) -> None:
    for run in paragraph.runs:
        run.font.name, run.font.size, run.font.bold = text_fit.FONT, Pt(size), bold
        run.font.color.rgb = colour


# ---------------------------------------------------------------- text boxes and titles

def _text_height(paragraphs: list[tuple[str, float, bool]], width, bullets: bool = False) -> float:
    """Points needed by (text, size, bold) paragraphs in a box `width` EMU wide, with spacing after each."""
    inner = _pt(width - 2 * BOX_X)
    return sum(text_fit.height(("• " if bullets else "") + t, inner, s, b) + s * 0.4 for t, s, b in paragraphs) \
        + _pt(2 * BOX_Y)


def _text(slide, left, top, width, paragraphs: list[tuple[str, float, bool]], bullets: bool = False,
          colour: RGBColor = TEXT):
    """A text box exactly as tall as its text: paragraphs are (text, size in points, bold)."""
    box = slide.shapes.add_textbox(left, top, width, _emu(_text_height(paragraphs, width, bullets)))
    frame = box.text_frame
    frame.word_wrap, frame.auto_size = True, MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = BOX_X
    frame.margin_top = frame.margin_bottom = BOX_Y
    for i, (text, size, bold) in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = ("• " if bullets else "") + neutralise_cell(text)
        para.space_after = Pt(size * 0.4)
        _style_runs(para, size, bold, colour)
    return box


def _link(slide, left, top, width, lead: str, url: str, size: float, colour: RGBColor = GREY):
    """'Open this scorecard on the dashboard: <address>', the address a clickable link."""
    paragraphs = [(f"{lead} {url}", size, False)]
    box = slide.shapes.add_textbox(left, top, width, _emu(_text_height(paragraphs, width)))
    frame = box.text_frame
    frame.word_wrap, frame.auto_size = True, MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = BOX_X
    frame.margin_top = frame.margin_bottom = BOX_Y
    para = frame.paragraphs[0]
    para.space_after = Pt(size * 0.4)
    first = para.add_run()
    first.text = neutralise_cell(lead) + " "
    link = para.add_run()
    link.text = url
    link.hyperlink.address = url
    _style_runs(para, size, colour=colour)
    link.font.color.rgb = _rgb(LINK_BLUE)
    link.font.underline = True
    return box


def _fitting(paragraphs: list[tuple[str, bool]], width, height, sizes=TEXT_SIZES, bullets: bool = False,
             scale: tuple[float, ...] = ()) -> list[tuple[str, float, bool]] | None:
    """The paragraphs at the largest size that fits the box, or None. `scale` shrinks some paragraphs
    relative to the first size (e.g. a smaller line of caveats)."""
    for size in sizes:
        sized = [(t, size * (scale[i] if i < len(scale) else 1), b) for i, (t, b) in enumerate(paragraphs)]
        if _text_height(sized, width, bullets) <= _pt(height):
            return sized
    return None


def _slide(prs, title: str):
    """A slide with its title set, sized to its text: returns the slide and where the body may start."""
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    shape = slide.shapes.title
    inner = _pt(WIDTH - 2 * BOX_X)
    size = next((s for s in (26, 24, 22, 20, 18) if text_fit.lines(title, inner, s, bold=True) == 1), 18)
    high = text_fit.height(title, inner, size, bold=True) + _pt(2 * BOX_Y)
    shape.left, shape.top, shape.width, shape.height = MARGIN, TITLE_TOP, WIDTH, _emu(high)
    shape.text = neutralise_cell(title)
    frame = shape.text_frame
    frame.word_wrap, frame.auto_size = True, MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = BOX_X
    frame.margin_top = frame.margin_bottom = BOX_Y
    for para in frame.paragraphs:
        para.alignment = PP_ALIGN.LEFT
        _style_runs(para, size, True, DARK_BLUE)
    return slide, shape.top + shape.height + GAP


def _footer(slide, pack: Pack, number: int) -> None:
    text = (f"{pack.title} · {'public version' if pack.public else 'internal: not for publication'} · "
            f"data as at {pack.as_at_words} · {number}")
    box = slide.shapes.add_textbox(MARGIN, FOOTER_TOP, WIDTH, FOOTER_HEIGHT)
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = BOX_X
    frame.margin_top = frame.margin_bottom = Inches(0.02)
    frame.text = neutralise_cell(text)
    _style_runs(frame.paragraphs[0], 9, colour=GREY)


# ---------------------------------------------------------------- tables

@dataclass
class Line:
    """One table row: its cells, whether it is the header, a priority area's band (one cell across the
    table) or a measure, and the rating that colours its rating cell."""
    cells: list[str]
    kind: str = "body"
    rag: str | None = None


def _bold(line: Line, column: int, rating_col: int | None) -> bool:
    return line.kind != "body" or column == 0 or (column == rating_col and bool(line.rag))


def _heights(lines: list[Line], widths: list[float], size: float, rating_col: int | None) -> list[float]:
    """Each row's height in points at a type size."""
    pad = _pt(2 * CELL_Y)
    out = []
    for line in lines:
        if line.kind == "group":
            inner = _pt(sum(widths) - 2 * CELL_X)
            out.append(text_fit.height(line.cells[0], inner, size + 1, bold=True) + pad)
            continue
        out.append(max(text_fit.height(text, _pt(w - 2 * CELL_X), size, _bold(line, c, rating_col))
                       for c, (text, w) in enumerate(zip(line.cells, widths))) + pad)
    return out


def _widths(width, shares) -> list[int]:
    return [int(width * s / sum(shares)) for s in shares]


def _words_fit(lines: list[Line], widths: list[float], size: float, rating_col: int | None) -> bool:
    """Whether every word fits its column's width at a size: a column too narrow for a word would
    break it ('Directi-on')."""
    return all(text_fit.width(word, size, _bold(line, c, rating_col)) <= _pt(w - 2 * CELL_X)
               for line in lines if line.kind != "group"
               for c, (text, w) in enumerate(zip(line.cells, widths)) for word in text.split())


def _fit_table(lines: list[Line], width, shares, height, sizes, rating_col: int | None = None
               ) -> tuple[float, list[float]] | None:
    """The largest type size at which the table fits `height` EMU without breaking a word, and its row
    heights; None if none does."""
    widths = _widths(width, shares)
    for size in sizes:
        heights = _heights(lines, widths, size, rating_col)
        if _emu(sum(heights)) <= height and (size == sizes[-1] or _words_fit(lines, widths, size, rating_col)):
            return size, heights
    return None


def _draw_table(slide, left, top, width, lines: list[Line], shares, size: float, heights: list[float],
                rating_col: int | None = None):
    columns = len(shares)
    shape = slide.shapes.add_table(len(lines), columns, left, top, width, _emu(sum(heights)))
    table = shape.table
    table.first_row = table.horz_banding = False
    for i, w in enumerate(_widths(width, shares)):
        table.columns[i].width = Emu(w)
    body = 0
    for r, (line, high) in enumerate(zip(lines, heights)):
        table.rows[r].height = _emu(high)
        if line.kind == "group":
            table.cell(r, 0).merge(table.cell(r, columns - 1))
        body += line.kind == "body"
        for c in range(1 if line.kind == "group" else columns):
            cell = table.cell(r, c)
            cell.text = neutralise_cell(line.cells[c] if c < len(line.cells) else "")
            cell.margin_left = cell.margin_right = CELL_X
            cell.margin_top = cell.margin_bottom = CELL_Y
            cell.vertical_anchor = MSO_ANCHOR.TOP
            fill, colour = {"head": (DARK_BLUE, WHITE), "group": (GROUP_TINT, DARK_BLUE)}.get(
                line.kind, (TINT if body % 2 == 0 else WHITE, TEXT))
            if line.kind == "body" and c == rating_col and line.rag:
                # a badge: the RAG colour behind the shape and the word, in its own text colour
                fill, colour = _rgb(rag.COLOURS[line.rag]), _rgb(rag.TEXT_ON[line.rag])
            cell.fill.solid()
            cell.fill.fore_color.rgb = fill
            for para in cell.text_frame.paragraphs:
                _style_runs(para, size + (1 if line.kind == "group" else 0), _bold(line, c, rating_col), colour)
    shape.height = sum(row.height for row in table.rows)
    return shape


def _summary_lines(pack: Pack, groups=None, bands: bool = True, columns: int = len(COLUMNS)) -> list[Line]:
    """The board summary as table rows: the header, then each priority area's band with its R/A/G
    counts in words, then its measures; the first `columns` columns."""
    lines = [Line(list(COLUMNS[:columns]), "head")]
    for g in groups if groups is not None else pack.board:
        if bands:
            lines.append(Line([f"{g.heading}: {g.counts_words}"], "group"))
        lines += [Line(list(r.cells()[:columns]), rag=r.rag) for r in g.rows]
    return lines


# ---------------------------------------------------------------- charts

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
        _style_runs(para, 13, True)
    chart.has_legend = len(section.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(11)
        chart.legend.font.color.rgb = TEXT
    value_axis = chart.value_axis
    high, step, axis_format = axis_scale(section)
    value_axis.minimum_scale = 0  # zero baseline
    value_axis.maximum_scale = high
    value_axis.major_unit = step
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb(palette.GRID)
    value_axis.tick_labels.font.size = Pt(11)
    value_axis.tick_labels.font.color.rgb = GREY
    value_axis.tick_labels.number_format = axis_format
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.format.line.fill.background()
    chart.category_axis.tick_labels.font.size = Pt(11)
    chart.category_axis.tick_labels.font.color.rgb = GREY
    for plot_series, s in zip(chart.plots[0].series, section.series):
        style = palette.SERIES.get(s.role, palette.SERIES["area"])
        colour = _rgb(style.colour)
        line = plot_series.format.line
        line.color.rgb = colour
        line.width = Pt(3.25 if s.role == "area" else 2)
        line.dash_style = DASH[style.dash]
        plot_series.smooth = False
        marker = plot_series.marker
        marker.style, marker.size = MARKER[style.marker], 7 if s.role == "area" else 6
        marker.format.fill.solid()
        marker.format.fill.fore_color.rgb = colour
        marker.format.line.color.rgb = colour
    return frame


def _number_format(section: MetricSection) -> str:
    decimals = section.metric.decimals
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return pattern + '"%"' if section.metric.unit == "%" else pattern


def axis_scale(section: MetricSection) -> tuple[float, float, str]:
    """The value axis: its top, its step and the number format of its labels, with as many decimals as
    the step needs, so every label differs ('0.00%', '0.05%', '0.10%', never '0%, 0%, 0%'). The figures
    are in the measure's own unit: 0.13 for a 0.13% exclusion rate, never a fraction of one."""
    ticks = nice_ticks(ceiling(section))
    step = ticks[1] if len(ticks) > 1 else ticks[0] or 1.0
    high = step * math.ceil(ceiling(section) / step - 1e-9)  # the top on a tick, so it is labelled
    decimals = 0
    while decimals < 6 and abs(round(step, decimals) - step) > step * 1e-6:
        decimals += 1
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return high, step, pattern + ('"%"' if section.metric.unit == "%" else "")


# ---------------------------------------------------------------- the slides

class _Deck:
    def __init__(self, pack: Pack):
        self.pack = pack
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_W, SLIDE_H
        props = self.prs.core_properties
        props.title, props.subject, props.author = pack.title, pack.subtitle, "SEND Scorecard"
        props.language = "en-GB"
        self.count = 0

    def slide(self, title: str):
        slide, top = _slide(self.prs, neutralise_cell(title))
        self.count += 1
        _footer(slide, self.pack, self.count)
        return slide, top

    def continued(self, title: str, i: int, n: int) -> str:
        return title + (f" ({i + 1} of {n})" if n > 1 else "")

    def table_pages(self, title: str, lines: list[Line], shares, sizes, rating_col=None, before=None,
                    after: list[tuple[str, float, bool]] | None = None) -> None:
        """A table over as many slides as it needs, its header repeated; `before(slide, top)` may add
        text above it on the first slide and return where the table starts; `after` is text under it
        on the last slide."""
        head, body = lines[0], lines[1:]
        pages, start = [], 0
        while start < len(body):
            end = len(body)
            # the most rows that fit, at the smallest size, with the header (at least one row a slide)
            while end > start + 1 and _fit_table([head] + body[start:end], WIDTH, shares,
                                                 BODY_BOTTOM - Inches(1.7), sizes[-1:], rating_col) is None:
                end -= 1
            pages.append([head] + body[start:end])
            start = end
        if len(pages) > 1:  # the same number of slides, in fair shares: no slide of a few rows left over
            share = math.ceil(len(body) / len(pages))
            even = [[head] + body[i:i + share] for i in range(0, len(body), share)]
            if len(even) == len(pages) and all(
                    _fit_table(page, WIDTH, shares, BODY_BOTTOM - Inches(1.7), sizes[-1:], rating_col) for page in even):
                pages = even
        for i, page in enumerate(pages or [[head]]):
            slide, top = self.slide(self.continued(title, i, len(pages)))
            if before is not None and i == 0:
                top = before(slide, top)
            space = BODY_BOTTOM - top
            note = after if after and i == len(pages) - 1 else None
            if note:
                space -= _emu(_text_height(note, WIDTH)) + GAP
            fit = _fit_table(page, WIDTH, shares, space, sizes, rating_col) or \
                (sizes[-1], _heights(page, _widths(WIDTH, shares), sizes[-1], rating_col))
            shape = _draw_table(slide, MARGIN, top, WIDTH, page, shares, *fit, rating_col=rating_col)
            if note:
                _text(slide, MARGIN, shape.top + shape.height + GAP, WIDTH, note)

    # -- the title slide
    def title_slide(self) -> None:
        """The title, the R/A/G counts as badges, the opening statements at body size, the version and
        dates, and the link to the same view on the dashboard."""
        pack = self.pack
        slide, top = self.slide(pack.title)
        sub = _text(slide, MARGIN, top, WIDTH, [(pack.subtitle, 20, False)], colour=GREY)
        top = self.counts_line(slide, sub.top + sub.height + Inches(0.15), totals(pack.board),
                               "Against local targets:", size=18) + Inches(0.1)
        version = "Public version" if pack.public else "Internal version: not for publication"
        meta = [(f"{version}. Data as at {pack.as_at_words}; produced {pack.produced_words}.", 14, False)]
        link_room = _emu(_text_height([(f"Open this scorecard on the dashboard: {pack.dashboard_url()}", 14, False)],
                                      WIDTH))
        room = BODY_BOTTOM - top - _emu(_text_height(meta, WIDTH)) - link_room - Inches(0.2)
        statements = pack.opening_statements()
        if statements:
            sized = _fitting([(t, False) for t in statements], WIDTH, room, [x for x in TEXT_SIZES if x >= 12]) or \
                [(t, 12, False) for t in statements]
            box = _text(slide, MARGIN, top, WIDTH, sized)
            top = box.top + box.height + Inches(0.1)
        box = _text(slide, MARGIN, top, WIDTH, meta, colour=GREY)
        _link(slide, MARGIN, box.top + box.height, WIDTH, "Open this scorecard on the dashboard:",
              pack.dashboard_url(), 14)

    # -- the summary
    def summary(self) -> None:
        """The summary at 12 points or more: each measure's name, figure, period, direction of travel,
        target and rating, grouped by priority area with each group's counts in words, over as few
        slides as hold it, split between priority areas into fair shares."""
        pack = self.pack
        note = [("England, the neighbours and the rank or band of each measure: on its priority area's slide.", 12,
                 False)]
        room = BODY_BOTTOM - _slide_top("Summary (1 of 2)") - _emu(_text_height(note, WIDTH)) - GAP
        head = _summary_lines(pack, [], columns=SUMMARY_COLUMNS)[0]
        units = [_summary_lines(pack, [g], columns=SUMMARY_COLUMNS)[1:] for g in pack.board]
        pages = _share_out(units, head, room)
        for i, page in enumerate(pages):
            slide, top = self.slide(self.continued("Summary", i, len(pages)))
            lines = [head] + [line for unit in page for line in unit]
            fit = _fit_table(lines, WIDTH, SUMMARY_SHARES, room, SUMMARY_SIZES, rating_col=5) or \
                (SUMMARY_SIZES[-1], _heights(lines, _widths(WIDTH, SUMMARY_SHARES), SUMMARY_SIZES[-1], 5))
            shape = _draw_table(slide, MARGIN, top, WIDTH, lines, SUMMARY_SHARES, *fit, rating_col=5)
            _text(slide, MARGIN, shape.top + shape.height + GAP, WIDTH, note, colour=GREY)

    def counts_line(self, slide, top, group, label: str, size: float = 13) -> int:
        """'Against local targets: [■ 1 red] [▲ 1 amber] [● 1 green] 19 not rated': a badge for each
        rating that has measures (its colour behind its shape and word), side by side."""
        high = _emu(size * 1.9)
        left = MARGIN
        parts = [(label, None)] + [(f"{rag.ICONS[k]} {group.counts[k]} {k.lower()}", k if group.counts[k] else None)
                                   for k in (rag.RED, rag.AMBER, rag.GREEN)] + [(f"{group.not_rated} not rated", None)]
        if group.illustrative_rated:
            parts.append((words.illustrative_rated_words(group.illustrative_rated), None))
        for text, rating in parts:
            wide = _emu(text_fit.width(text, size, bold=True) + _pt(2 * BOX_X) + 8)
            shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, wide, high)
            style = shape._element.find(qn("p:style"))  # the theme's shadow and outline: none wanted
            if style is not None:
                shape._element.remove(style)
            if rating:
                shape.fill.solid()
                shape.fill.fore_color.rgb = _rgb(rag.COLOURS[rating])
            else:
                shape.fill.background()
            shape.line.fill.background()
            frame = shape.text_frame
            frame.margin_left = frame.margin_right = BOX_X
            frame.margin_top = frame.margin_bottom = Inches(0.02)
            frame.word_wrap = False
            frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame.text = text
            frame.paragraphs[0].alignment = PP_ALIGN.LEFT if rating is None else PP_ALIGN.CENTER
            _style_runs(frame.paragraphs[0], size, True, _rgb(rag.TEXT_ON[rating]) if rating else TEXT)
            left += wide + Inches(0.08)
        return top + high + Inches(0.06)

    # -- one slide per priority area
    def area(self, group, views: list[RowView]) -> MetricSection | None:
        """A priority area's counts, every column of its measures and, where there is room, its headline
        measure's chart; each measure's detail (rating, direction, commentary, caveats) in the notes."""
        pack = self.pack
        slide, top = self.slide(group.heading)
        top = self.counts_line(slide, top, group, "Against local targets:")
        lines = _summary_lines(pack, [group], bands=False)
        fit = _fit_table(lines, WIDTH, AREA_SHARES, BODY_BOTTOM - top, AREA_SIZES, rating_col=5) or \
            (AREA_SIZES[-1], _heights(lines, _widths(WIDTH, AREA_SHARES), AREA_SIZES[-1], 5))
        shape = _draw_table(slide, MARGIN, top, WIDTH, lines, AREA_SHARES, *fit, rating_col=5)
        below = shape.top + shape.height + GAP
        sections = [pack.section_for(v.metric.id) for v in views]
        notes = slide.notes_slide.notes_text_frame
        notes.text = neutralise_cell("\n\n".join(" ".join(t for t, _ in _section_text(sec)) for sec in sections))
        headline = next((s for s in sections if s.has_chart), None)
        if headline is not None and BODY_BOTTOM - below >= MIN_CHART_HEIGHT:
            _chart(slide, headline, MARGIN, below, WIDTH, BODY_BOTTOM - below)
            return headline
        return None

    # -- what needs the board's attention
    def attention(self) -> None:
        """Each red with its figure, why it is red and its exception note (or that none is recorded),
        then the ambers; under them, each accountable partner's ratings."""
        pack = self.pack
        items = pack.attention() + pack.watch()
        partners = "Accountable partners: " + "; ".join(f"{g.heading}, {g.counts_words}"
                                                       for g in partner_groups(pack.board)) + "."
        after = [(partners, 12, False)]
        if not items:
            slide, top = self.slide("What needs the board's attention")
            top = self.counts_line(slide, top, totals(pack.board), "Against local targets:")
            rated = any(v.summary.rag for v in pack.rows)
            _text(slide, MARGIN, top, WIDTH, [("No measure is rated red or amber." if rated else
                                               "No measure is rated yet: a rating needs a target, set on the Targets "
                                               "and commentary page.", 16, False)] + after)
            return
        lines = [Line(["Rating", "Measure", "Figure", "Why", "Exception note"], "head")]
        lines += [Line([i.rating, i.measure, i.figure, i.reason, i.note or _amber_words(i)], rag=i.rag) for i in items]

        def counts(slide, top):
            return self.counts_line(slide, top, totals(pack.board), "Against local targets:")

        self.table_pages("What needs the board's attention", lines, ATTENTION_SHARES, (14, 13, 12, 11, 10),
                         rating_col=0, before=counts, after=after)

    def measure(self, group: str, section: MetricSection) -> None:
        slide, top = self.slide(f"{group}: {section.metric.label}")
        chart_width = Inches(8.0)
        _chart(slide, section, MARGIN, top, chart_width, BODY_BOTTOM - top)
        left = MARGIN + chart_width + GAP
        width = SLIDE_W - MARGIN - left
        paragraphs = _section_text(section)
        sized = _fitting(paragraphs, width, BODY_BOTTOM - top, TEXT_SIZES[2:], scale=(1.1,))
        if sized is None:  # long commentary: its full text is in the Word and PDF packs
            paragraphs = [(t if len(t) < 400 else t[:380].rsplit(" ", 1)[0] + " … (in full in the PDF and Word "
                           "packs)", b) for t, b in paragraphs]
            sized = _fitting(paragraphs, width, BODY_BOTTOM - top, TEXT_SIZES[-3:], scale=(1.1,)) or \
                [(t, TEXT_SIZES[-1], b) for t, b in paragraphs]
        _text(slide, left, top, width, sized)

    def stocktake(self) -> None:
        pack = self.pack
        lines = [Line(["Measure", "Baseline", "Latest", "Change since baseline", "Target",
                       "Progress along the trajectory", "Rating"], "head")]
        for v in pack.rows:
            r, h, line = v.row, v.hidden, v.summary
            lines.append(Line([line.measure, words.baseline(r, h), f"{line.latest} ({line.period})",
                               words.change_since_baseline(r, h), line.target, words.progress(r, h), line.rating],
                              rag=line.rag))
        self.table_pages(f"Progress since {pack.baseline.describe()}", lines, (2.4, 1.6, 2.2, 1.6, 0.9, 2.4, 1.0),
                         AREA_SIZES, rating_col=6)

    def back(self) -> None:
        """The back slide: how current each source is and the caveats on the left; the sources with
        their licence, and in small type the officers' details, on the right."""
        pack = self.pack
        slide, top = self.slide("Sources, caveats and how current the figures are")
        half = (WIDTH - GAP) // 2
        by_caveat: dict[str, list[str]] = {}
        for measure, caveat in pack.caveats:
            by_caveat.setdefault(caveat.rstrip("."), []).append(measure)
        left = [("How current the figures are", True)] + \
            [("• " + line, False) for line in (pack.releases or ["No national source is used in this pack."])] + \
            [("Caveats", True)] + [("• " + note, False) for note in pack.notes]
        sized = _fitting(left, half, BODY_BOTTOM - top, (12, 11, 10, 9, 8)) or [(t, 8, b) for t, b in left]
        _text(slide, MARGIN, top, half, sized)
        officer = [("For officers. " + " ".join(f"{k}: {v}." for k, v in pack.officer_details("pptx")),
                    OFFICER_SIZE, False)]
        licence = [(LICENCE_ATTRIBUTION, 10, True)]
        room = BODY_BOTTOM - top - _emu(_text_height(officer + licence, half)) - 2 * GAP
        lines = [Line(["Publisher", "Release", "Released"], "head")]
        lines += [Line([r.publisher, r.title, r.released]) for r in pack.sources.itertuples()]
        shares = (1.3, 2.6, 1.1)
        fit = _fit_table(lines, half, shares, room, (11, 10, 9, 8)) or \
            (8, _heights(lines, _widths(half, shares), 8, None))
        x = MARGIN + half + GAP
        shape = _draw_table(slide, x, top, half, lines, shares, *fit)
        box = _text(slide, x, shape.top + shape.height + GAP, half, licence)
        _text(slide, x, box.top + box.height + GAP, half, officer, colour=GREY)


def _amber_words(item: AttentionItem) -> str:
    return "Amber: no exception note is needed." if item.rag == rag.AMBER else ""


def _slide_top(title: str):
    """Where a slide's body starts under its title, as _slide places it, without adding the slide."""
    inner = _pt(WIDTH - 2 * BOX_X)
    size = next((s for s in (26, 24, 22, 20, 18) if text_fit.lines(title, inner, s, bold=True) == 1), 18)
    return TITLE_TOP + _emu(text_fit.height(title, inner, size, bold=True) + _pt(2 * BOX_Y)) + GAP


def _share_out(units: list[list[Line]], head: Line, room) -> list[list[list[Line]]]:
    """The summary's groups over as few slides as hold them at 12 points, in order: each slide a run of
    whole groups, the runs as even as can be (no slide of a few rows left over). A group too long for
    one slide is first cut into even parts, the later ones headed "(continued)"."""
    widths = _widths(WIDTH, SUMMARY_SHARES)
    size = SUMMARY_SIZES[-1]

    def height(lines: list[Line]) -> float:
        return sum(_heights([head] + lines, widths, size, 5))

    def fits(lines: list[Line]) -> bool:
        return _emu(height(lines)) <= room

    pieces: list[list[Line]] = []
    for unit in units:
        parts = 1
        while parts < len(unit) - 1 and not all(fits(c) for c in _even_cuts(unit, parts)):
            parts += 1
        for i, cut in enumerate(_even_cuts(unit, parts)):
            if i:
                band = unit[0]
                cut = [Line([f"{band.cells[0].rsplit(': ', 1)[0]} (continued)"], "group")] + cut
            pieces.append(cut)
    best = None
    for slides in range(1, len(pieces) + 1):
        for split in _splits(len(pieces), slides):
            runs = [pieces[a:b] for a, b in zip((0, *split), (*split, len(pieces)))]
            if all(fits([line for piece in run for line in piece]) for run in runs):
                tallest = max(height([line for piece in run for line in piece]) for run in runs)
                if best is None or tallest < best[0]:
                    best = (tallest, runs)
        if best is not None:
            return best[1]
    return [[piece] for piece in pieces]


def _even_cuts(unit: list[Line], parts: int) -> list[list[Line]]:
    """A group's lines (its band first) cut into `parts` runs of measures as even as can be."""
    band, rows = unit[0], unit[1:]
    if parts <= 1:
        return [unit]
    size = math.ceil(len(rows) / parts)
    runs = [rows[i:i + size] for i in range(0, len(rows), size)]
    return [[band] + runs[0]] + runs[1:]


def _splits(count: int, parts: int):
    """Every way to cut `count` things, in order, into `parts` non-empty runs (the cut points)."""
    from itertools import combinations

    return combinations(range(1, count), parts - 1)


def _section_text(section: MetricSection) -> list[tuple[str, bool]]:
    v = section.view
    out = [(v.metric.name, True), (f"Latest: {v.summary.latest} ({v.summary.period}).", False),
           (f"Rating: {v.summary.rating}. {v.row.rating.reason}", False),
           (f"Direction of travel: {words.change(v.row, v.hidden)}.", False)]
    if section.commentary:
        out.append((f"Commentary ({section.commentary_by}): {section.commentary}", False))
    if section.exception_note:
        out.append((f"Exception note. {section.exception_note}", False))
    elif v.row.needs_exception_note:
        out.append(("Exception note: none recorded; a red rating needs one.", True))
    if section.comparator_note:
        out.append((section.comparator_note, False))
    if section.flags:
        out.append(("Caveats: " + "; ".join(f.rstrip(".") for f in section.flags) + ".", False))
    return out


def render(pack: Pack) -> bytes:
    deck = _Deck(pack)
    deck.title_slide()
    deck.summary()
    if pack.stocktake:
        deck.stocktake()
    groups = {g.heading: g for g in pack.board}
    for heading, views in pack.groups():
        deck.area(groups[heading], views)
    deck.attention()
    if pack.detail:  # each measure's chart slide, as an appendix
        for heading, views in pack.groups():
            for v in views:
                section = pack.section_for(v.metric.id)
                if section.has_chart:
                    deck.measure(f"Appendix: {heading}", section)
    deck.back()
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()
