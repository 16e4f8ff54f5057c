"""The board deck: a 16:9 PowerPoint with native, editable charts (officers restyle them in PowerPoint).

Slides: the summary (every measure grouped by priority area, as the home page and the PDF open);
in a stocktake, progress since the baseline; one slide per priority area (or theme, when the board
has not set priority areas) with its R/A/G counts in words, its measures' table and, where there is
room, a native line chart of its headline measure; a chart slide for each other measure with
figures; how current the national figures are; caveats; sources with the licence.

Nothing overlaps: every table row, text box and badge is sized from its text (text_fit, in Arial)
before it is placed, type steps down until a table fits its slide, and anything that still does not
fit runs on to a continuation slide. Every slide has a real title; every chart carries alt text (the
graphic frame's descr) and at most four series: the area, the target when there is one, then
comparators, each in its palette colour and line style.
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
from ..summary import COLUMNS, totals
from ..text_safety import neutralise_cell
from . import text_fit
from .content import MetricSection, Pack, RowView

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
SUMMARY_SIZES = (10, 9.5, 9, 8.5, 8, 7.5, 7)
AREA_SIZES = (14, 13, 12, 11, 10, 9)
TEXT_SIZES = (16, 15, 14, 13, 12, 11, 10, 9)
MIN_CHART_HEIGHT = Inches(2.4)
TITLE_ONLY = 5
SUMMARY_SHARES = (17, 15, 10, 7, 6.5, 7, 16, 17, 14.5)  # Measure .. Rank or band
SUMMARY_FULL = 4  # the whole summary on slide 1 only at 8.5 points or more: smaller cannot be read on a screen
SUMMARY_NARROW = 7  # otherwise its first seven columns, to England
SUMMARY_NARROW_SHARES = (19, 18, 12, 9, 6.5, 8, 27.5)
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
    value_axis.minimum_scale = 0  # zero baseline
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb(palette.GRID)
    value_axis.tick_labels.font.size = Pt(11)
    value_axis.tick_labels.font.color.rgb = GREY
    value_axis.tick_labels.number_format = _axis_format(section)
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


def _axis_format(section: MetricSection) -> str:
    return '#,##0"%"' if section.metric.unit == "%" else ("#,##0.0#" if section.metric.decimals else "#,##0")


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
        slide, top = _slide(self.prs, title)
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

    def text_pages(self, title: str, paragraphs: list[str], lead: list[str] = (), size: float = 12) -> None:
        """A lead paragraph, then bullets, over as many slides as they need at `size` points or more."""
        items = [(text, False) for text in lead] + [("• " + text, False) for text in paragraphs]
        room = BODY_BOTTOM - TITLE_TOP - Inches(0.9)  # below a one-line title
        chunks, current = [], []
        for item in items:
            if current and _fitting(current + [item], WIDTH, room, (size,)) is None:
                chunks.append(current)
                current = []
            current.append(item)
        chunks.append(current)
        for i, chunk in enumerate(chunks):
            slide, top = self.slide(self.continued(title, i, len(chunks)))
            sized = _fitting(chunk, WIDTH, BODY_BOTTOM - top, [s for s in TEXT_SIZES if s >= size]) or \
                [(t, size, b) for t, b in chunk]
            _text(slide, MARGIN, top, WIDTH, sized)

    # -- slide 1
    def summary(self) -> None:
        """Slide 1: every measure, grouped by priority area, in the largest type that fits. If the whole
        summary cannot fit at a readable size, the slide keeps the measure, figure, period, direction,
        target, rating and England, and says the neighbours and ranks are on each area's slide; with
        more measures still, it runs on to a second slide."""
        pack = self.pack
        slide, top = self.slide(pack.title)
        top = self.counts_line(slide, top, totals(pack.board), "Against local targets:")
        version = "Public version" if pack.public else "Internal version: not for publication"
        meta = f"{version}. Data as at {pack.as_at_words}; produced {pack.produced_words}. How current each " \
               "national source is: the slide 'How current the figures are', near the end."
        box = _text(slide, MARGIN, top, WIDTH, [(meta, 10, False)], colour=GREY)
        top = box.top + box.height + Inches(0.04)
        notices = [(text, 12, False) for text in (pack.overdue, pack.illustrative_notice) if text]
        if notices:  # at body size on slide 1: an overdue release, illustrative figures
            box = _text(slide, MARGIN, top, WIDTH, notices)
            top = box.top + box.height + Inches(0.04)
        lines, shares = _summary_lines(pack), SUMMARY_SHARES
        fit = _fit_table(lines, WIDTH, shares, BODY_BOTTOM - top, SUMMARY_SIZES[:SUMMARY_FULL], rating_col=5)
        if fit is None:
            note = [("Neighbours and rank or band: on each priority area's slide.", 9, False)]
            space = BODY_BOTTOM - top - _emu(_text_height(note, WIDTH)) - Inches(0.04)
            lines, shares = _summary_lines(pack, columns=SUMMARY_NARROW), SUMMARY_NARROW_SHARES
            fit = _fit_table(lines, WIDTH, shares, space, SUMMARY_SIZES, rating_col=5)
            rest = []
            while fit is None and len(lines) > 2:  # more measures than one slide holds: the summary runs on
                rest.insert(0, lines.pop())
                fit = _fit_table(lines, WIDTH, shares, space, SUMMARY_SIZES[-1:], rating_col=5)
            shape = _draw_table(slide, MARGIN, top, WIDTH, lines, shares, *fit, rating_col=5)
            _text(slide, MARGIN, shape.top + shape.height + Inches(0.04), WIDTH, note, colour=GREY)
            if rest:
                self.table_pages("Summary (continued)", [lines[0]] + rest, shares, SUMMARY_SIZES, rating_col=5)
            return
        _draw_table(slide, MARGIN, top, WIDTH, lines, shares, *fit, rating_col=5)

    def counts_line(self, slide, top, group, label: str) -> int:
        """'Against local targets: [■ 1 red] [▲ 1 amber] [● 1 green] 19 not rated': a badge for each
        rating that has measures (its colour behind its shape and word), side by side."""
        size, high = 13, Inches(0.34)
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
        pack = self.pack
        slide, top = self.slide(group.heading)
        top = self.counts_line(slide, top, group, "Against local targets:")
        lines = _summary_lines(pack, [group], bands=False)
        fit = _fit_table(lines, WIDTH, SUMMARY_SHARES, BODY_BOTTOM - top, AREA_SIZES, rating_col=5) or \
            (AREA_SIZES[-1], _heights(lines, _widths(WIDTH, SUMMARY_SHARES), AREA_SIZES[-1], 5))
        shape = _draw_table(slide, MARGIN, top, WIDTH, lines, SUMMARY_SHARES, *fit, rating_col=5)
        below = shape.top + shape.height + GAP
        sections = [pack.section_for(v.metric.id) for v in views]
        headline = next((s for s in sections if s.has_chart), None)
        if headline is not None and BODY_BOTTOM - below >= MIN_CHART_HEIGHT:
            _chart(slide, headline, MARGIN, below, WIDTH, BODY_BOTTOM - below)
            return headline
        return None

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

    def sources(self) -> None:
        pack = self.pack
        lines = [Line(["Publisher", "Release", "Released", "Link"], "head")]
        lines += [Line([r.publisher, r.title, r.released, r.url or ""]) for r in pack.sources.itertuples()]
        self.table_pages("Sources and licence", lines, (2.2, 4.2, 1.3, 4.6), (11, 10, 9),
                         after=[(LICENCE_ATTRIBUTION, 12, True)])


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
    deck.summary()
    if pack.stocktake:
        deck.stocktake()
    groups = {g.heading: g for g in pack.board}
    for heading, views in pack.groups():
        headline = deck.area(groups[heading], views)
        for v in views:
            section = pack.section_for(v.metric.id)
            if section is not headline and section.has_chart:
                deck.measure(heading, section)
    deck.text_pages("Accountable partners", pack.partner_lines(),
                    lead=["The partner accountable to the board for each measure, and its measures' ratings."])
    # Slide 1 has no room for it: the latest inspection closes the slide on how current the figures are.
    deck.text_pages("How current the figures are", (pack.releases or ["No national source is used in this pack."])
                    + ([pack.inspection] if pack.inspection else []),
                    lead=["National releases lag the local figures by a year or more; that is normal, and said here "
                          "once. A measure is flagged only where its own figure is older than its source's latest "
                          "release, or older than its comparators."])
    by_caveat: dict[str, list[str]] = {}
    for measure, caveat in pack.caveats:
        by_caveat.setdefault(caveat.rstrip("."), []).append(measure)
    deck.text_pages("Caveats", list(pack.notes) + [f"{caveat}: {', '.join(measures)}."
                                                    for caveat, measures in by_caveat.items()])
    deck.sources()
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()
