"""The committee paper: an A4 portrait PDF, drawn with ReportLab's platypus.

Real tables whose header row repeats on each page and which break only between rows; headings
that become the PDF's bookmarks; a title, subject and language (en-GB) in the document; page
numbers and a source and licence footer on every page; each chart followed by its description
and its figures as a table. ReportLab's open-source edition cannot write a tagged (structure-tree)
PDF, so chart descriptions are printed as captions rather than stored as /Alt text.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (CondPageBreak, Image, KeepTogether, ListFlowable, ListItem, PageBreak, Paragraph,
                                SimpleDocTemplate, Spacer, Table, TableStyle)

from .. import rag
from ..register import LICENCE_ATTRIBUTION
from .charts_static import SIZE_IN, line_chart_png
from .content import Pack, RowView

DARK_BLUE = colors.HexColor("#12436D")
GREY = colors.HexColor("#3D3D3D")
LIGHT = colors.HexColor("#BFBFBF")
TINT = colors.HexColor("#F2F5F8")
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN


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
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, textColor=colors.HexColor("#0B0C0C"),
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
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=GREY),
        "caption": ParagraphStyle("caption", parent=base, fontSize=7.5, leading=10, textColor=GREY, spaceAfter=4),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9, leading=12, spaceAfter=0),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.4, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName="DejaVu-Bold", fontSize=7.5, leading=9.4,
                                    spaceAfter=0),
        "head": ParagraphStyle("head", parent=base, fontName="DejaVu-Bold", fontSize=7.5, leading=9.4,
                               textColor=colors.white, spaceAfter=0),
    }


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


def _rating_cell(view: RowView, styles) -> Paragraph:
    r = view.row.rating
    if not r.rag:
        return Paragraph("Not rated", styles["cell"])
    return Paragraph(f"<font color='{rag.COLOURS[r.rag]}'>{rag.ICONS[r.rag]}</font> <b>{escape(r.rag)}</b>",
                     styles["cell"])


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


def _wide_table(frame, styles) -> Table:
    """A chart's figures with the periods across: one row per series, compact enough to sit under the chart."""
    head = [Paragraph(escape(str(c)), styles["head"]) for c in frame.columns]
    body = [[Paragraph(escape(str(v)), styles["cell_bold" if i == 0 else "cell"]) for i, v in enumerate(r)]
            for r in frame.itertuples(index=False)]
    first = 36 * mm
    n = len(frame.columns) - 1
    rest = min((WIDTH - first) / max(n, 1), 26 * mm)
    return _table([head] + body, [first] + [rest] * n, styles)


def _scorecard_table(views: list[RowView], styles) -> Table:
    heads = ["Measure", "Latest", "Change", "Target", "Rating", "England", "Region", "Statistical neighbours",
             "Rank", "Quartile"]
    rows = [[Paragraph(h, styles["head"]) for h in heads]]
    for v in views:
        w = v.words
        latest = f"<b>{escape(w['latest'])}</b><br/><font size=6.5 color='#3D3D3D'>{escape(w['period'])}</font>"
        rows.append([
            Paragraph(escape(w["measure"]), styles["cell_bold"]),
            Paragraph(latest, styles["cell"]),
            _p(w["change"], styles["cell"]),
            _p(w["target"], styles["cell"]),
            _rating_cell(v, styles),
            _two_line(w["england"], styles),
            _two_line(w["region"], styles),
            _two_line(w["neighbours"], styles),
            _p(w["rank"], styles["cell"]),
            _two_line(w["quartile"], styles),
        ])
    widths = [x * mm for x in (26, 18, 19, 14, 15, 17, 17, 20, 15, 15)]
    scale = WIDTH / sum(widths)
    return _table(rows, [w * scale for w in widths], styles)


def _stocktake_table(views: list[RowView], styles) -> Table:
    heads = ["Measure", "Baseline", "Latest", "Change since baseline", "Target", "Progress along the trajectory",
             "Rating"]
    rows = [[Paragraph(h, styles["head"]) for h in heads]]
    for v in views:
        w = v.words
        latest = f"<b>{escape(w['latest'])}</b><br/><font size=6.5 color='#3D3D3D'>{escape(w['period'])}</font>"
        rows.append([Paragraph(escape(w["measure"]), styles["cell_bold"]), _two_line(w["baseline"], styles),
                     Paragraph(latest, styles["cell"]), _p(w["change_since_baseline"], styles["cell"]),
                     _p(w["target"], styles["cell"]), _p(w["progress"], styles["cell"]), _rating_cell(v, styles)])
    widths = [x * mm for x in (36, 24, 22, 24, 16, 36, 16)]
    scale = WIDTH / sum(widths)
    return _table(rows, [w * scale for w in widths], styles)


def _story(pack: Pack, charts: dict[str, bytes]) -> list:
    s = _styles()
    story: list = [_heading(pack.title, s["title"], 0), _p(pack.subtitle, s["subtitle"])]
    block = [[Paragraph(f"<b>{escape(k)}</b>", s["meta"]), _p(v, s["meta"])] for k, v in pack.title_block()]
    story += [Table(block, colWidths=[32 * mm, WIDTH - 32 * mm], hAlign="LEFT",
                    style=TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, LIGHT),
                                      ("VALIGN", (0, 0), (-1, -1), "TOP")])), Spacer(1, 8)]
    counts = pack.card.rag_counts()
    if any(counts.values()):
        story.append(Paragraph("Against local targets: " + ", ".join(
            f"<font color='{rag.COLOURS[k]}'>{rag.ICONS[k]}</font> <b>{n} {k}</b>" for k, n in counts.items()),
            s["body"]))

    story.append(_heading("Summary", s["h1"], 0))
    story.append(_p(pack.summary[0], s["body"]))
    items = [ListItem(_p(line, s["body"]), leftIndent=10, value="•") for line in pack.summary[1:]]
    story.append(ListFlowable(items, bulletType="bullet", start="•", leftIndent=10, bulletFontName="DejaVu"))

    story.append(PageBreak())
    story.append(_heading("The scorecard", s["h1"], 0))
    story.append(_p("Each figure is the latest for the term; each comparator is labelled with its own period. "
                    "Ratings are against the board's local targets and are always given in words.", s["small"]))
    for group, views in pack.groups():
        story.append(_heading(group, s["h2"], 1))
        story.append(_scorecard_table(views, s))
    if pack.stocktake:
        story.append(CondPageBreak(60 * mm))
        story.append(_heading(f"Progress since the baseline ({pack.baseline.describe()})", s["h1"], 0))
        story.append(_p("Change since the baseline, and how far each measure has moved from its baseline figure "
                        "towards its target.", s["small"]))
        story.append(_stocktake_table(pack.rows, s))

    story.append(PageBreak())
    story.append(_heading("Measures in detail", s["h1"], 0))
    figure = 0
    for group, views in pack.groups():
        story.append(_heading(group, s["h2"], 1))
        for v in views:
            sec = pack.section_for(v.metric.id)
            head = [_heading(v.metric.name, s["h3"], 2), _p(sec.title, s["finding"])]
            if sec.has_chart:
                figure += 1
                img = Image(io.BytesIO(charts[v.metric.id]), width=WIDTH, height=WIDTH * SIZE_IN[1] / SIZE_IN[0])
                head += [img, _p(f"Figure {figure}. {sec.alt_text}", s["caption"])]
            if len(sec.table):
                head.append(_wide_table(sec.wide_table(), s))
            if sec.comparator_note:
                head.append(_p(sec.comparator_note, s["small"]))
            story.append(KeepTogether(head))
            detail = [f"<b>Rating:</b> {escape(v.words['rating'])}. {escape(v.words['rating_reason'])}"]
            if sec.commentary:
                detail.append(f"<b>Commentary</b> ({escape(sec.commentary_by or '')}): {escape(sec.commentary)}")
            if sec.exception_note:
                detail.append(f"<b>Exception note.</b> {escape(sec.exception_note)}")
            elif v.row.needs_exception_note:
                detail.append("<b>Exception note:</b> none recorded; a red rating needs one.")
            story += [Spacer(1, 3)] + [Paragraph(d, s["body"]) for d in detail]
            if sec.flags:
                story.append(Paragraph("<b>Caveats:</b> " + escape("; ".join(f.rstrip(".") for f in sec.flags))
                                       + ".", s["small"]))
            story.append(Spacer(1, 6))

    story.append(PageBreak())
    story.append(_heading("Caveats", s["h1"], 0))
    for note in pack.notes:
        story.append(_p(note, s["body"]))
    if pack.caveats:
        rows = [[Paragraph("Measure", s["head"]), Paragraph("Caveat", s["head"])]]
        rows += [[_p(m, s["cell_bold"]), _p(c, s["cell"])] for m, c in pack.caveats]
        story.append(_table(rows, [45 * mm, WIDTH - 45 * mm], s))

    story.append(_heading("Sources and licence", s["h1"], 0))
    rows = [[Paragraph(h, s["head"]) for h in ("Publisher", "Release", "Released", "Licence")]]
    for r in pack.sources.itertuples():
        link = f"{escape(r.title)}<br/><font size=6.5 color='#12436D'>{escape(r.url or '')}</font>"
        rows.append([_p(r.publisher, s["cell"]), Paragraph(link, s["cell"]), _p(r.released, s["cell"]),
                     _p(r.licence, s["cell"])])
    story.append(_table(rows, [x * mm for x in (34, 88, 24, 28)], s))
    story.append(Spacer(1, 6))
    for text in dict.fromkeys(pack.sources["attribution"]):
        story.append(_p(text, s["small"]))
    return story


class _Doc(SimpleDocTemplate):
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


def _footer(pack: Pack):
    font = _fonts()
    version = "Public version" if pack.public else "Internal: not for publication"

    def draw(canvas, doc):
        canvas.saveState()
        canvas.setStrokeColor(LIGHT)
        canvas.line(MARGIN, 14 * mm, A4[0] - MARGIN, 14 * mm)
        canvas.setFont(font, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 10 * mm, f"{pack.title} · {version}")
        count_at = A4[0] - MARGIN - pdfmetrics.stringWidth("000", font, 7.5)
        canvas.drawRightString(count_at - 2, 10 * mm, f"Page {doc.page} of")
        canvas.saveState()
        canvas.translate(count_at, 10 * mm)
        canvas.doForm("page_count")
        canvas.restoreState()
        canvas.setFont(font, 6.5)
        canvas.drawString(MARGIN, 6.5 * mm, f"{LICENCE_ATTRIBUTION} Sources are listed at the end.")
        canvas.restoreState()
    return draw


def render(pack: Pack) -> bytes:
    charts = {sec.metric.id: line_chart_png(sec) for sec in pack.sections if sec.has_chart}
    out = io.BytesIO()
    doc = _Doc(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=20 * mm,
               title=pack.title, author="SEND Scorecard", subject=f"{pack.subtitle}. {pack.variant_words}.",
               creator="SEND Scorecard", keywords=["SEND", "scorecard", pack.area_name, pack.card.term.label],
               lang="en-GB", displayDocTitle=True)
    footer = _footer(pack)
    doc.build(_story(pack, charts), onFirstPage=footer, onLaterPages=footer, canvasmaker=_Canvas)
    return out.getvalue()
