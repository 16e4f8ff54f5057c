"""The committee paper, drawn with ReportLab's platypus, for a councillor to read in ten minutes.

Page 1 (A4 landscape, for the width) is the title, the R/A/G counts, the opening statements at body
size and the board summary, the table the home page opens with: every measure grouped by priority
area, with its figure and counts, direction of travel, target, rating (shape, word and colour),
England, the neighbours and the rank or band, each measure's name a link to its trend on the
dashboard. The portrait main body follows: what needs the board's attention (each red with its
exception note, then the ambers), a stocktake's progress, the accountable partners, the summary in
words, then caveats and sources (how current each national source is, said once). Each measure's
detail is in an appendix, packed: its head (name, finding, chart beside its rating) is kept together
and the rest runs on, so no heading is left at a page's foot and no page is left mostly empty. The
back page holds the officers' details in small type.

Real tables whose header row repeats on each page and which break only between rows; headings
that become the PDF's bookmarks; a title, subject and language (en-GB) in the document; page
numbers and a source and licence footer on every page; each chart followed by its description
and its figures as a table. ReportLab's open-source edition cannot write a tagged (structure-tree)
PDF, so chart descriptions are printed as captions rather than stored as /Alt text.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape

import matplotlib
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Frame, KeepTogether, ListFlowable, ListItem,
                                NextPageTemplate, PageBreak, PageTemplate, Paragraph, Spacer, Table, TableStyle)

from .. import palette, rag, words
from ..register import LICENCE_ATTRIBUTION
from ..summary import totals
from ..text_safety import visible_controls
from .content import Pack, RowView
from .pdf_charts import line_chart

# Streams (fonts, the page contents) are written as binary Flate, not ASCII85 on top: ReportLab's pure-Python ASCII85
# encoder is slow, and no reader needs a 7-bit PDF.
rl_config.useA85 = 0

DARK_BLUE = colors.HexColor(palette.DARK_BLUE)
GREY = colors.HexColor(palette.SECONDARY_TEXT)
TEXT = colors.HexColor(palette.TEXT)
LIGHT = colors.HexColor(palette.OTHER_AREAS)
TINT = colors.HexColor("#F2F5F8")
GROUP_TINT = colors.HexColor(palette.PALE_BLUE)
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
SUMMARY_PAGE = landscape(A4)
SUMMARY_MARGIN = 9 * mm
SUMMARY_WIDTH = SUMMARY_PAGE[0] - 2 * SUMMARY_MARGIN
FOOTER_SPACE = 15.5 * mm
SUMMARY_SIZES = (8, 7.5, 7, 6.5, 6)  # the summary's type, largest first, until it fits on page 1
SUMMARY_SHARES = (42, 38, 25, 17, 15, 16, 41, 44, 37)  # the summary's columns, Measure to Rank or band
CHART_WIDTH, CHART_HEIGHT = 104 * mm, 54 * mm  # an appendix chart, its rating and direction of travel beside it
LINK_BLUE = "#1D70B8"


@lru_cache(maxsize=1)
def _fonts() -> str:
    """DejaVu Sans, shipped with matplotlib: it has the RAG shapes (● ▲ ■), dashes and £."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in (("DejaVu", "DejaVuSans.ttf"), ("DejaVu-Bold", "DejaVuSans-Bold.ttf"),
                       ("DejaVu-Italic", "DejaVuSans-Oblique.ttf"),
                       ("DejaVu-BoldItalic", "DejaVuSans-BoldOblique.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily("DejaVu", normal="DejaVu", bold="DejaVu-Bold", italic="DejaVu-Italic",
                                  boldItalic="DejaVu-BoldItalic")
    return "DejaVu"


def _styles() -> dict[str, ParagraphStyle]:
    font = _fonts()
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, textColor=TEXT,
                          spaceAfter=4, alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", parent=base, fontName="DejaVu-Bold", fontSize=22, leading=27,
                                textColor=DARK_BLUE, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12.5, leading=16, textColor=GREY, spaceAfter=10),
        "h1": ParagraphStyle("h1", parent=base, fontName="DejaVu-Bold", fontSize=15, leading=19, textColor=DARK_BLUE,
                             spaceBefore=10, spaceAfter=6, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName="DejaVu-Bold", fontSize=12, leading=15, textColor=DARK_BLUE,
                             spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base, fontName="DejaVu-Bold", fontSize=10.5, leading=13.5,
                             spaceBefore=6, spaceAfter=2, keepWithNext=1),
        "finding": ParagraphStyle("finding", parent=base, fontName="DejaVu-Bold", fontSize=9.5, leading=12.5,
                                  textColor=GREY, keepWithNext=1),
        "body": base,
        "side": ParagraphStyle("side", parent=base, fontSize=8.5, leading=11, spaceAfter=3),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=GREY),
        "caption": ParagraphStyle("caption", parent=base, fontSize=7.5, leading=10, textColor=GREY, spaceAfter=4),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9, leading=12, spaceAfter=0),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.4, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName="DejaVu-Bold", fontSize=7.5, leading=9.4,
                                    spaceAfter=0),
        "head": ParagraphStyle("head", parent=base, fontName="DejaVu-Bold", fontSize=7.5, leading=9.4,
                               textColor=colors.white, spaceAfter=0),
    }


_FIGURE_WITH_COUNTS = re.compile(r"^([\d.,]+(?:%| per 100)?): ")


def escape(text: str) -> str:
    """Text for a ReportLab paragraph: its markup characters escaped, and any control character shown
    as a symbol (text_safety.visible_controls)."""
    return _xml_escape(visible_controls(text))


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _heading(text: str, style: ParagraphStyle, level: int) -> Paragraph:
    para = Paragraph(escape(text), style)
    para.outline = (text, level)  # picked up by _Doc.afterFlowable for the bookmarks
    return para


def _two_line(text: str, styles, bold_first: bool = False) -> Paragraph:
    """'46.4% (calendar year 2024)' as the figure, then its period in small grey type."""
    first, _, rest = str(text).partition(" (")
    head = f"<b>{escape(first)}</b>" if bold_first else escape(first)
    if rest:
        head += f"<br/><font size=6.5 color='#3D3D3D'>({escape(rest)}</font>"
    return Paragraph(head, styles["cell"])


def _badge(rating: str | None, words_: str) -> str:
    """A rating as a badge: the shape and the word in the RAG colour's own text colour, never the
    shape alone and never amber text on white."""
    if not rating:
        return escape(words_)
    return (f"<span backColor='{rag.COLOURS[rating]}' color='{rag.TEXT_ON[rating]}'>&nbsp;<b>{escape(words_)}</b>"
            "&nbsp;</span>")


def _table(rows: list[list], widths: list[float], styles, header_rows: int = 1, zebra: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    commands = [
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), DARK_BLUE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LIGHT),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if zebra:
        commands += [("BACKGROUND", (0, i), (-1, i), TINT) for i in range(header_rows + 1, len(rows), 2)]
    table.setStyle(TableStyle(commands))
    return table


def _counts_below(text: str) -> str:
    """'67.2%: 84 of 125' with the counts on a line of their own, so a narrow cell never breaks them."""
    return _FIGURE_WITH_COUNTS.sub(r"\1:<br/>", text, count=1)


def _wide_table(frame, styles) -> Table:
    """A chart's figures with the periods across: one row per series, compact enough to sit under the chart."""
    head = [Paragraph(escape(str(c)), styles["head"]) for c in frame.columns]
    body = [[Paragraph(_counts_below(escape(str(v))), styles["cell_bold" if i == 0 else "cell"])
             for i, v in enumerate(r)] for r in frame.itertuples(index=False)]
    first = 36 * mm
    n = len(frame.columns) - 1
    rest = min((WIDTH - first) / max(n, 1), 26 * mm)
    return _table([head] + body, [first] + [rest] * n, styles)


def _split_suffix(text: str, suffix: str) -> tuple[str, str]:
    """('46.4% (2024):', 'context only, not directly comparable') from the whole; (text, '') without it."""
    return (text[:-len(suffix)], suffix.strip(" ;()")) if suffix and text.endswith(suffix) else (text, "")


def _latest_cell(v: RowView, style: ParagraphStyle, period_size: float | None = None) -> Paragraph:
    """The figure with its counts in bold and its labels (illustrative, small numbers) in italics; with
    `period_size`, its period beneath in small grey type."""
    labels = words.figure_labels(v.row) if "value" not in v.hidden else []
    figure, label = _split_suffix(v.summary.latest, f" ({'; '.join(labels)})" if labels else "")
    text = f"<b>{escape(figure)}</b>"
    if label:
        text += f" <i>({escape(label)})</i>"
    if period_size:
        text += f"<br/><font size={period_size} color='{palette.SECONDARY_TEXT}'>{escape(v.summary.period)}</font>"
    return Paragraph(text, style)


def _comparator_cell(v: RowView, text: str, style: ParagraphStyle, small: float) -> Paragraph:
    """'46.4% (2024)', and where it is not like with like, 'context only, not directly comparable'
    beneath in small grey type."""
    figure, note = _split_suffix(text, f" context only, {words.NOT_COMPARABLE}")
    out = escape(figure)
    if note:
        out += f"<br/><font size={small} color='{palette.SECONDARY_TEXT}'><i>{escape(note)}</i></font>"
    return Paragraph(out, style)


def summary_table(pack: Pack, width: float, size: float) -> Table:
    """The board summary as one table: a band per priority area with its R/A/G counts in words, then a
    line per measure. The header repeats if it ever runs over a page."""
    base = _styles()["cell"]
    cell = ParagraphStyle(f"summary{size}", parent=base, fontSize=size, leading=size * 1.12)
    bold = ParagraphStyle(f"summary_bold{size}", parent=cell, fontName="DejaVu-Bold")
    head = ParagraphStyle(f"summary_head{size}", parent=bold, textColor=colors.white)
    group = ParagraphStyle(f"summary_group{size}", parent=bold, fontSize=size + 0.5, leading=(size + 0.5) * 1.15,
                           textColor=DARK_BLUE)
    small = round(size - 1, 1)
    by_id = {v.metric.id: v for v in pack.rows}
    heads = ["Measure", "Latest figure", "Period", "Direction of travel", "Target", "Rating", "England",
             "Neighbours (mean)", "Rank or band"]  # summary.COLUMNS, with a word more where there is room
    rows: list[list] = [[Paragraph(h, head) for h in heads]]
    commands = [("BACKGROUND", (0, 0), (-1, 0), DARK_BLUE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTSIZE", (0, 0), (-1, -1), 1), ("LEADING", (0, 0), (-1, -1), 1),  # the empty cells of a band
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, LIGHT),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 0.8), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6)]
    for g in pack.board:
        at = len(rows)
        rows.append([Paragraph(f"{escape(g.heading)}: {escape(g.counts_words)}", group)] + [""] * 8)
        commands += [("SPAN", (0, at), (-1, at)), ("BACKGROUND", (0, at), (-1, at), GROUP_TINT)]
        for line in g.rows:
            v = by_id[line.metric_id]
            at = len(rows)
            rating = Paragraph(escape(line.rating), cell)
            if line.rag:  # a badge: the RAG colour behind the shape and word, in its own text colour
                commands.append(("BACKGROUND", (5, at), (5, at), colors.HexColor(rag.COLOURS[line.rag])))
                rating = Paragraph(escape(line.rating), ParagraphStyle(
                    f"rag{line.rag}{size}", parent=bold, textColor=colors.HexColor(rag.TEXT_ON[line.rag])))
            rows.append([Paragraph(_link(pack.dashboard_url(line.metric_id), line.measure), bold), _latest_cell(v, cell),
                         Paragraph(escape(line.period), cell), Paragraph(escape(line.direction), cell),
                         Paragraph(escape(line.target), cell), rating,
                         _comparator_cell(v, line.england, cell, small),
                         _comparator_cell(v, line.neighbours, cell, small), Paragraph(escape(line.position), cell)])
    table = Table(rows, colWidths=[width * s / sum(SUMMARY_SHARES) for s in SUMMARY_SHARES], repeatRows=1,
                  hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def _fitted_summary(pack: Pack, width: float, height: float) -> Table:
    """The summary in the largest type that fits the rest of page 1; the smallest if none does (it then
    runs on with its header repeated)."""
    for size in SUMMARY_SIZES:
        table = summary_table(pack, width, size)
        if table.wrap(width, height)[1] <= height:
            return table
    return table


def _stocktake_table(views: list[RowView], styles) -> Table:
    heads = ["Measure", "Baseline", "Latest", "Change since baseline", "Target", "Progress along the trajectory",
             "Rating"]
    rows = [[Paragraph(h, styles["head"]) for h in heads]]
    for v in views:
        r, h, line = v.row, v.hidden, v.summary
        rows.append([Paragraph(escape(line.measure), styles["cell_bold"]), _two_line(words.baseline(r, h), styles),
                     _latest_cell(v, styles["cell"], period_size=6.5), _p(words.change_since_baseline(r, h), styles["cell"]),
                     _p(line.target, styles["cell"]), _p(words.progress(r, h), styles["cell"]),
                     Paragraph(_badge(line.rag, line.rating), styles["cell"])])
    widths = [x * mm for x in (36, 24, 22, 24, 16, 36, 16)]
    scale = WIDTH / sum(widths)
    return _table(rows, [w * scale for w in widths], styles)


def _rag_line(pack: Pack, style: ParagraphStyle) -> Paragraph:
    """'Against local targets: ■ 1 red ▲ 1 amber ● 1 green, 19 not rated', each rating as its badge."""
    total = totals(pack.board)
    parts = [_badge(k if total.counts[k] else None, f"{rag.ICONS[k]} {total.counts[k]} {k.lower()}")
             for k in (rag.RED, rag.AMBER, rag.GREEN)]
    more = words.illustrative_rated_words(total.illustrative_rated)
    return Paragraph("Against local targets: " + " ".join(parts) + f" &nbsp;{total.not_rated}&nbsp;not&nbsp;rated"
                     + (f"; {escape(more)}" if more else ""), style)


def _link(url: str, text: str | None = None) -> str:
    """A clickable link in a Paragraph: the words (the address itself by default), underlined in link blue."""
    return (f'<a href="{escape(url)}" color="{LINK_BLUE}" underline="1">{escape(text if text is not None else url)}'
            "</a>")


def _opening(pack: Pack, style: ParagraphStyle) -> list:
    """The opening statements, each a plain sentence at body size (content.Pack.opening_statements)."""
    return [_p(sentence, style) for sentence in pack.opening_statements()]


def _summary_page(pack: Pack, s) -> list:
    """Page 1: the title with the R/A/G counts in words beside it, the version and dates with the link
    to the same view on the dashboard, the opening statements at body size, and the board summary in
    the largest type that fits, with a line on how to read it."""
    title = ParagraphStyle("summary_title", parent=s["title"], fontSize=14, leading=17, spaceAfter=0)
    meta = ParagraphStyle("summary_meta", parent=s["small"], fontSize=7.5, leading=9, spaceAfter=3)
    counts = ParagraphStyle("summary_counts", parent=s["body"], fontName="DejaVu-Bold", fontSize=10, leading=17,
                            spaceAfter=0, alignment=TA_RIGHT)
    key = ParagraphStyle("summary_key", parent=s["small"], fontSize=6.5, leading=7.8, spaceBefore=2, spaceAfter=0)
    opening = ParagraphStyle("opening", parent=s["body"], spaceAfter=3)
    version = "Public version" if pack.public else "Internal version: not for publication"
    top = Table([[_p(pack.title, title), _rag_line(pack, counts)]],
                colWidths=[SUMMARY_WIDTH * 0.5, SUMMARY_WIDTH * 0.5], hAlign="LEFT",
                style=TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    top.outline = ("Board summary", 0)  # on the title, which never splits: the summary may run on a page
    head = [top, Paragraph(escape(f"{pack.subtitle}. {version}. Data as at {pack.as_at_words}; produced "
                                  f"{pack.produced_words}. On the dashboard: ") + _link(pack.dashboard_url()), meta)]
    head += _opening(pack, opening)
    legend = _p("Rated by distance to the board's local targets; the arrow and word beside the rating are the direction "
                "of travel. Counts, small numbers and local measures are not ranked. Each measure's name links to its "
                "trend on the dashboard; each is shown in detail in the appendix.", key)
    height = SUMMARY_PAGE[1] - SUMMARY_MARGIN - FOOTER_SPACE
    used = sum(f.wrap(SUMMARY_WIDTH, height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in head + [legend])
    return head + [_fitted_summary(pack, SUMMARY_WIDTH, height - used - 2), legend]


def _summary_fits_page_one(flowables: list) -> bool:
    height = SUMMARY_PAGE[1] - SUMMARY_MARGIN - FOOTER_SPACE
    return sum(f.wrap(SUMMARY_WIDTH, height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables) <= height


def _bullets(lines: list[str], style: ParagraphStyle) -> ListFlowable:
    items = [ListItem(_p(line, style), leftIndent=10, value="•") for line in lines]
    return ListFlowable(items, bulletType="bullet", start="•", leftIndent=10, bulletFontName="DejaVu")


def _attention(pack: Pack, s) -> list:
    """What needs the board's attention: each red measure with its rating's reason and its exception
    note (or that none is recorded), then the ambers to watch."""
    reds, ambers = pack.attention(), pack.watch()
    out: list = [_heading("What needs the board's attention", s["h1"], 0)]
    if not reds and not ambers:
        rated = any(v.summary.rag for v in pack.rows)
        out.append(_p("No measure is rated red or amber." if rated else
                      "No measure is rated yet: a rating needs a target, set on the Targets and commentary page.",
                      s["body"]))
        return out
    noun = "measure is" if len(reds) == 1 else "measures are"
    out.append(_p(f"{len(reds)} {noun} rated red. A red rating needs an exception note: the cause, the action, "
                  "its owner and the term it is expected back on track." if reds else "No measure is rated red.",
                  s["body"]))
    item_style = ParagraphStyle("attention", parent=s["body"], leftIndent=8, spaceAfter=2)
    for item in reds:
        out += [KeepTogether(_attention_block(item, s["body"], item_style)), Spacer(1, 4)]
    if ambers:
        out.append(_heading("Amber: off target, within the margin", s["h2"], 1))
        out += [KeepTogether(_attention_block(item, s["body"], item_style)) for item in ambers]
    return out


def _attention_block(item, style: ParagraphStyle, indented: ParagraphStyle) -> list:
    """'[■ Red] EHC plans issued within 20 weeks (accountable: ...)', the figure and why it is rated so,
    then the exception note (or that none is recorded) and the commentary."""
    block = [Paragraph(f"{_badge(item.rag, item.rating)} <b>{escape(item.measure)}</b> "
                       f"<font color='{palette.SECONDARY_TEXT}'>· accountable: {escape(item.partner)}</font>", style),
             _p(item.sentence(), indented)]
    if item.note_missing:
        block.append(Paragraph(f"<b>{escape(item.note)}</b>", indented))
    elif item.note:
        block.append(Paragraph(f"<b>Exception note.</b> {escape(item.note)}", indented))
    if item.commentary:
        block.append(Paragraph(f"<b>Commentary:</b> {escape(item.commentary)}", indented))
    return block


def _caveats_and_sources(pack: Pack, s) -> list:
    out: list = [_heading("Caveats and sources", s["h1"], 0),
                 _heading("How current the figures are", s["h2"], 1),
                 _p("National releases lag the local figures by a year or more; that is normal, and said here once "
                    "rather than on every measure. A measure is flagged only where its own figure is older than its "
                    "source's latest release, or older than its comparators.", s["body"])]
    out.append(_bullets(pack.releases, s["body"]) if pack.releases else
               _p("No national source is used in this pack.", s["body"]))
    out.append(_heading("Caveats", s["h2"], 1))
    out += [_p(note, s["body"]) for note in pack.notes]
    if pack.caveats:
        by_caveat: dict[str, list[str]] = {}
        for measure, caveat in pack.caveats:
            by_caveat.setdefault(caveat.rstrip("."), []).append(measure)
        rows = [[Paragraph("Caveat", s["head"]), Paragraph("Measures it applies to", s["head"])]]
        rows += [[_p(caveat + ".", s["cell"]), _p(", ".join(measures), s["cell_bold"])]
                 for caveat, measures in by_caveat.items()]
        out.append(_table(rows, [WIDTH * 0.6, WIDTH * 0.4], s))
    out.append(_heading("Sources and licence", s["h2"], 1))
    rows = [[Paragraph(h, s["head"]) for h in ("Publisher", "Release", "Released", "Licence")]]
    for r in pack.sources.itertuples():
        release = escape(r.title)
        if r.url:
            release += f"<br/><font size=6.5>{_link(r.url)}</font>"
        rows.append([_p(r.publisher, s["cell"]), Paragraph(release, s["cell"]), _p(r.released, s["cell"]),
                     _p(r.licence, s["cell"])])
    out += [_table(rows, [x * mm for x in (34, 88, 24, 28)], s), Spacer(1, 6)]
    out += [_p(text, s["small"]) for text in dict.fromkeys(pack.sources["attribution"])]
    return out


def _measure_head(pack: Pack, v: RowView, s, figure: int) -> tuple[list, list, int]:
    """A measure's head, kept together: its name (a link to its trend on the dashboard) and finding,
    and its chart with its rating, direction of travel and the chart's description beside it. Then the
    chart's figures as a table, which may run on to the next page with its header."""
    sec = pack.section_for(v.metric.id)
    name = Paragraph(_link(pack.dashboard_url(v.metric.id), v.metric.name), s["h3"])
    name.outline = (v.metric.name, 2)
    head: list = [name, _p(sec.title, s["finding"])]
    line = v.summary
    side = [Paragraph(f"<b>Rating:</b> {_badge(line.rag, line.rating)}", s["side"]),
            _p(v.row.rating.reason, s["side"]) if v.row.rating.reason else None,
            Paragraph(f"<b>Direction of travel:</b> {escape(words.change(v.row, v.hidden))}.", s["side"]),
            Paragraph(f"<b>England:</b> {escape(line.england)}", s["side"]),
            Paragraph(f"<b>Rank or band:</b> {escape(line.position)}", s["side"])]
    side = [f for f in side if f is not None]
    if sec.has_chart:
        figure += 1
        side.append(_p(f"Figure {figure}. {sec.alt_text}", s["caption"]))
        head.append(Table([[line_chart(sec, CHART_WIDTH, height=CHART_HEIGHT), side]],
                          colWidths=[CHART_WIDTH, WIDTH - CHART_WIDTH], hAlign="LEFT",
                          style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                            ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                            ("RIGHTPADDING", (0, 0), (0, 0), 8), ("RIGHTPADDING", (1, 0), (1, 0), 0),
                                            ("TOPPADDING", (0, 0), (-1, -1), 0),
                                            ("BOTTOMPADDING", (0, 0), (-1, -1), 3)])))
    else:
        head += side
    return head, ([_wide_table(sec.wide_table(), s)] if len(sec.table) else []), figure


def _measure_text(pack: Pack, v: RowView, s) -> list:
    """What may run long, after the head: commentary, the exception note, the comparator note, caveats."""
    sec = pack.section_for(v.metric.id)
    out: list = [Spacer(1, 3)]
    if sec.comparator_note:
        out.append(_p(sec.comparator_note, s["small"]))
    if sec.commentary:
        out.append(Paragraph(f"<b>Commentary</b> ({escape(sec.commentary_by or '')}): {escape(sec.commentary)}",
                             s["body"]))
    if sec.exception_note:
        out.append(Paragraph(f"<b>Exception note.</b> {escape(sec.exception_note)}", s["body"]))
    elif v.row.needs_exception_note:
        out.append(Paragraph("<b>Exception note:</b> none recorded; a red rating needs one.", s["body"]))
    if sec.flags:
        out.append(Paragraph("<b>Caveats:</b> " + escape("; ".join(f.rstrip(".") for f in sec.flags)) + ".",
                             s["small"]))
    return out


def _appendix(pack: Pack, s) -> list:
    """Each measure in detail, packed: a measure's head (name, finding, chart) is kept together and
    starts a new page only when it does not fit (each is well under half a page), with the priority
    area's heading kept with its first measure; its figures and text run on after it."""
    out: list = []
    waiting = [_heading("Appendix: each measure in detail", s["h1"], 0),
               _p("Each measure's trend against England, the region and the statistical neighbours, with its figures "
                  "as a table, its rating, direction of travel, commentary and caveats. Each name links to the "
                  "measure's trend on the dashboard.", s["small"])]
    figure = 0
    for group, views in pack.groups():
        waiting.append(_heading(group, s["h2"], 1))
        for v in views:
            head, table, figure = _measure_head(pack, v, s, figure)
            out += [KeepTogether(waiting + head)] + table + _measure_text(pack, v, s) + [Spacer(1, 8)]
            waiting = []
    return out


def _back_page(pack: Pack, s) -> list:
    """For officers, in small type: the store version the pack shows, the command that makes it again
    exactly, and the dashboard's address."""
    small = ParagraphStyle("officer", parent=s["small"], fontSize=7.5, leading=9.5, spaceAfter=0)
    rows = [[Paragraph(f"<b>{escape(k)}</b>", small),
             Paragraph(_link(v) if v.startswith(("http://", "https://")) else escape(v), small)]
            for k, v in pack.officer_details("pdf")]
    return [_heading("For officers", s["h2"], 0),
            _p("How this pack was made, so that it can be checked and made again exactly as it stands.", small),
            Spacer(1, 3),
            Table(rows, colWidths=[36 * mm, WIDTH - 36 * mm], hAlign="LEFT",
                  style=TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, LIGHT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("LEFTPADDING", (0, 0), (-1, -1), 0)]))]


def _story(pack: Pack) -> list:
    """Page 1, the board summary (landscape); the main body (what needs the board's attention, the
    stocktake's progress, the partners, the summary in words, caveats and sources); the appendix of
    measures; the back page for officers."""
    s = _styles()
    story: list = _summary_page(pack, s)
    # A summary that runs on to page 2 is followed on that page by what needs the board's attention,
    # so no page is left mostly empty; the portrait pages start after it.
    story += [NextPageTemplate("portrait")] + ([PageBreak()] if _summary_fits_page_one(story) else [])
    story += _attention(pack, s)
    if pack.stocktake:
        story.append(_heading(f"Progress since the baseline ({pack.baseline.describe()})", s["h1"], 0))
        story.append(_p("Change since the baseline, and how far each measure has moved from its baseline figure "
                        "towards its target.", s["small"]))
        story.append(_stocktake_table(pack.rows, s))
    story.append(_heading("Accountable partners", s["h1"], 0))
    story.append(_p("The partner accountable to the board for each measure, and its measures' ratings.", s["body"]))
    story.append(_bullets(pack.partner_lines(), s["body"]))
    story.append(_heading("Summary in words", s["h1"], 0))
    story.append(_p(pack.summary[0], s["body"]))
    story.append(_bullets(pack.summary[1:], s["body"]))
    story += _caveats_and_sources(pack, s)
    story.append(PageBreak())
    story += _appendix(pack, s)
    story.append(PageBreak())
    story += _back_page(pack, s)
    return story


class _Doc(BaseDocTemplate):
    def afterFlowable(self, flowable):
        outline = getattr(flowable, "outline", None)
        if outline:
            text, level = outline
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)


class _Canvas(Canvas):
    """Writes the page count into a form that every footer draws, once the last page is known:
    "Page n of N" in a single pass."""

    def save(self):
        self.beginForm("page_count")
        self.setFont(_fonts(), 7.5)
        self.setFillColor(GREY)
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        super().save()


def _footer(pack: Pack, margin: float):
    font = _fonts()
    version = "Public version" if pack.public else "Internal: not for publication"

    def draw(canvas, doc):
        page_width = canvas._pagesize[0]
        canvas.saveState()
        canvas.setStrokeColor(LIGHT)
        canvas.line(margin, 14 * mm, page_width - margin, 14 * mm)
        canvas.setFont(font, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(margin, 10 * mm, f"{pack.title} · {version}")
        count_at = page_width - margin - pdfmetrics.stringWidth("000", font, 7.5)
        canvas.drawRightString(count_at - 2, 10 * mm, f"Page {doc.page} of")
        canvas.saveState()
        canvas.translate(count_at, 10 * mm)
        canvas.doForm("page_count")
        canvas.restoreState()
        canvas.setFont(font, 6.5)
        canvas.drawString(margin, 6.5 * mm, f"{LICENCE_ATTRIBUTION} Sources: under Caveats and sources.")
        canvas.restoreState()
    return draw


def render(pack: Pack) -> bytes:
    _fonts()  # the charts' text is in DejaVu Sans too
    out = io.BytesIO()
    doc = _Doc(out, pagesize=A4, title=pack.title, author="SEND Scorecard",
               subject=f"{pack.subtitle}. {pack.variant_words}.", creator="SEND Scorecard",
               keywords=["SEND", "scorecard", pack.area_name, pack.card.term.label], lang="en-GB",
               displayDocTitle=True)
    summary_frame = Frame(SUMMARY_MARGIN, FOOTER_SPACE, SUMMARY_WIDTH, SUMMARY_PAGE[1] - SUMMARY_MARGIN - FOOTER_SPACE,
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="summary")
    page_frame = Frame(MARGIN, 20 * mm, WIDTH, A4[1] - MARGIN - 20 * mm, leftPadding=0, rightPadding=0,
                       topPadding=0, bottomPadding=0, id="page")
    doc.addPageTemplates([
        # A summary too long for page 1 runs on in landscape (its columns need the width); the story
        # turns to portrait after it.
        PageTemplate("summary", [summary_frame], onPage=_footer(pack, SUMMARY_MARGIN), pagesize=SUMMARY_PAGE),
        PageTemplate("portrait", [page_frame], onPage=_footer(pack, MARGIN), pagesize=A4),
    ])
    doc.build(_story(pack), canvasmaker=_Canvas)
    return out.getvalue()
