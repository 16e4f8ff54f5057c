"""The officers' Word pack, for pasting into a report template. It opens, as the home page and the PDF
do, with the board summary: every measure grouped by priority area, with its figure and counts,
direction of travel, target, rating (shape, word and its colour as a badge), England, the neighbours
and the rank or band, on an A4 landscape page. Then, in portrait, how current each national source
is (said once), the summary in words and each measure in detail. Real heading styles (Title, Heading
1-3), real tables whose header row repeats and whose rows do not split across pages, and chart
images with alt text (the picture's docPr descr). The document language is en-GB.

Every paragraph, heading and table cell that starts with text from people or files (a measure's name,
a priority area, commentary) is neutralised (scorecard.text_safety.neutralise_cell), so a table
copied from the report into a spreadsheet cannot run a formula."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .. import palette, rag, words
from ..register import LICENCE_ATTRIBUTION
from ..summary import COLUMNS, totals
from ..text_safety import neutralise_cell
from .charts_static import line_chart_png
from .content import CHART_DPI, Pack

HEADER_FILL = palette.DARK_BLUE.lstrip("#")
GROUP_FILL = palette.PALE_BLUE.lstrip("#")
DARK_BLUE = RGBColor.from_string(HEADER_FILL)
GREY = RGBColor.from_string(palette.SECONDARY_TEXT.lstrip("#"))
SUMMARY_WIDTHS_MM = (36, 34, 23, 20, 15, 17, 38, 41, 37)  # 261 mm: A4 landscape inside 18 mm margins


def _language(doc, tag: str = "en-GB") -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    doc.core_properties.language = tag


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _shade_run(run, fill: str) -> None:
    """A run's own background (w:shd), for a rating badge inside a sentence."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    run._r.get_or_add_rPr().append(shd)


def _row_rules(row, header: bool) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    tr_pr.append(cant)
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))  # repeats at the top of each page


def _run(para, text: str, size: float = 8.5, bold: bool = False, colour: RGBColor | None = None):
    run = para.add_run(neutralise_cell(text))
    run.font.size, run.bold = Pt(size), bold
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _table(doc, header: list[str], rows: list[list[str]], widths_mm: list[float] | None = None,
           ratings: list[str | None] | None = None, rating_col: int | None = None,
           bands: dict[int, str] | None = None):
    """A table with a repeating header row. `ratings` colour the rating column as badges (the RAG
    colour behind the shape and the word); `bands` puts a priority area's heading across the table
    before the row of that index."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for i, text in enumerate(header):
        cell = table.rows[0].cells[i]
        cell.text = ""
        _run(cell.paragraphs[0], text, bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF))
        _shade(cell, HEADER_FILL)
    _row_rules(table.rows[0], header=True)
    for r, values in enumerate(rows):
        if bands and r in bands:
            cells = table.add_row().cells
            band = cells[0].merge(cells[-1])
            _run(band.paragraphs[0], bands[r], size=9, bold=True, colour=DARK_BLUE)
            _shade(band, GROUP_FILL)
            _row_rules(table.rows[-1], header=False)
        cells = table.add_row().cells
        for c, value in enumerate(values):
            rating = ratings[r] if ratings and c == rating_col else None
            if rating:
                _shade(cells[c], rag.COLOURS[rating].lstrip("#"))
            _run(cells[c].paragraphs[0], str(value), bold=c == 0 or bool(rating),
                 colour=RGBColor.from_string(rag.TEXT_ON[rating].lstrip("#")) if rating else None)
        _row_rules(table.rows[-1], header=False)
    if widths_mm:
        table.autofit = False
        for column, width in zip(table.columns, widths_mm):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm):
                cell.width = Mm(width)
    return table


def _summary(doc, pack: Pack) -> None:
    """The board summary: a band per priority area with its R/A/G counts in words, then its measures."""
    rows, ratings, bands = [], [], {}
    for g in pack.board:
        bands[len(rows)] = f"{g.heading}: {g.counts_words}"
        rows += [list(r.cells()) for r in g.rows]
        ratings += [r.rag for r in g.rows]
    _table(doc, list(COLUMNS), rows, list(SUMMARY_WIDTHS_MM), ratings=ratings, rating_col=5, bands=bands)


def _page(section, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18))


def render(pack: Pack) -> bytes:
    doc = Document()
    section = doc.sections[0]
    _page(section, landscape=True)  # the summary reads across
    _language(doc)
    props = doc.core_properties
    props.title, props.subject, props.author = pack.title, pack.subtitle, "SEND Scorecard"
    props.keywords = f"SEND; scorecard; {pack.area_name}; {pack.card.term.label}"
    footer = section.footer.paragraphs[0]
    footer.text = f"{pack.title}. {pack.variant_words}. {LICENCE_ATTRIBUTION}"
    for run in footer.runs:
        run.font.size = Pt(7.5)

    doc.add_heading(pack.title, level=0)
    version = "Public version" if pack.public else "Internal version: not for publication"
    meta = doc.add_paragraph()
    _run(meta, f"{pack.subtitle}. {version}. Data as at {pack.as_at_words}; produced {pack.produced_words}.",
         size=9, colour=GREY)
    total = totals(pack.board)
    counts = doc.add_paragraph()
    _run(counts, "Against local targets: ", size=12, bold=True)
    for k in (rag.RED, rag.AMBER, rag.GREEN):
        run = _run(counts, f" {rag.ICONS[k]} {total.counts[k]} {k.lower()} ", size=12, bold=True,
                   colour=RGBColor.from_string(rag.TEXT_ON[k].lstrip("#")) if total.counts[k] else None)
        if total.counts[k]:
            _shade_run(run, rag.COLOURS[k].lstrip("#"))
        counts.add_run(" ")
    _run(counts, f"{total.not_rated} not rated", size=12, bold=True)
    _summary(doc, pack)
    key = doc.add_paragraph()
    _run(key, "Rated by distance to the board's local targets; the arrow and word beside the rating are the "
              "direction of travel. Counts, small numbers and local measures are not ranked. England and the "
              "neighbours carry their own period; where periods or units differ they are context only.",
         size=8, colour=GREY)

    _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=False)
    doc.add_heading("How current the figures are", level=1)
    doc.add_paragraph("National releases lag the local figures by a year or more; that is normal, and said here once "
                      "rather than on every measure. A measure is flagged only where its own figure is older than "
                      "its source's latest release, or older than its comparators.")
    for line in pack.releases or ["No national source is used in this pack."]:
        doc.add_paragraph(neutralise_cell(line), style="List Bullet")

    doc.add_heading("About this pack", level=1)
    _table(doc, ["Item", "Detail"], [[k, v] for k, v in pack.title_block()], [40, 134])

    doc.add_heading("Summary in words", level=1)
    doc.add_paragraph(neutralise_cell(pack.summary[0]))
    for line in pack.summary[1:]:
        doc.add_paragraph(neutralise_cell(line), style="List Bullet")

    doc.add_heading("Accountable partners", level=1)
    doc.add_paragraph("The partner accountable to the board for each measure, and its measures' ratings.")
    for line in pack.partner_lines():
        doc.add_paragraph(neutralise_cell(line), style="List Bullet")

    if pack.stocktake:
        doc.add_heading(f"Progress since the baseline ({pack.baseline.describe()})", level=1)
        rows = [[v.summary.measure, words.baseline(v.row, v.hidden), f"{v.summary.latest} ({v.summary.period})",
                 words.change_since_baseline(v.row, v.hidden), v.summary.target, words.progress(v.row, v.hidden),
                 v.summary.rating] for v in pack.rows]
        _table(doc, ["Measure", "Baseline", "Latest", "Change since baseline", "Target",
                     "Progress along the trajectory", "Rating"], rows, [30, 22, 30, 22, 18, 30, 22],
               ratings=[v.row.rating.rag for v in pack.rows], rating_col=6)

    doc.add_page_break()
    doc.add_heading("Measures in detail", level=1)
    figure = 0
    for group, views in pack.groups():
        doc.add_heading(neutralise_cell(group), level=2)
        for v in views:
            sec = pack.section_for(v.metric.id)
            doc.add_heading(neutralise_cell(v.metric.name), level=3)
            finding = doc.add_paragraph()
            finding.add_run(neutralise_cell(sec.title)).bold = True
            if sec.has_chart:
                figure += 1
                picture = doc.add_picture(io.BytesIO(line_chart_png(sec, dpi=CHART_DPI)), width=Mm(170))
                doc_pr = picture._inline.docPr
                doc_pr.set("descr", sec.alt_text)
                doc_pr.set("title", sec.title)
                doc.add_paragraph(f"Figure {figure}. {sec.title}", style="Caption")
            if len(sec.table):
                table = sec.wide_table()
                _table(doc, [str(c) for c in table.columns], table.astype(str).values.tolist())
            if sec.comparator_note:
                doc.add_paragraph(neutralise_cell(sec.comparator_note))
            para = doc.add_paragraph()
            para.add_run("Rating: ").bold = True
            rating = _run(para, v.summary.rating, size=11, bold=bool(v.summary.rag),
                          colour=RGBColor.from_string(rag.TEXT_ON[v.summary.rag].lstrip("#")) if v.summary.rag else None)
            if v.summary.rag:
                _shade_run(rating, rag.COLOURS[v.summary.rag].lstrip("#"))
            para.add_run(f" {v.row.rating.reason}")
            para = doc.add_paragraph()
            para.add_run("Direction of travel: ").bold = True
            para.add_run(f"{words.change(v.row, v.hidden)}.")
            if sec.commentary:
                para = doc.add_paragraph()
                para.add_run(f"Commentary ({sec.commentary_by}): ").bold = True
                para.add_run(neutralise_cell(sec.commentary))
            if sec.exception_note:
                para = doc.add_paragraph()
                para.add_run("Exception note. ").bold = True
                para.add_run(neutralise_cell(sec.exception_note))
            elif v.row.needs_exception_note:
                doc.add_paragraph().add_run("Exception note: none recorded; a red rating needs one.").bold = True
            if sec.flags:
                para = doc.add_paragraph()
                para.add_run("Caveats: ").bold = True
                para.add_run("; ".join(f.rstrip(".") for f in sec.flags) + ".")

    doc.add_heading("Caveats", level=1)
    for note in pack.notes:
        doc.add_paragraph(neutralise_cell(note))
    if pack.caveats:
        _table(doc, ["Measure", "Caveat"], [[m, c] for m, c in pack.caveats], [45, 129])

    doc.add_heading("Sources and licence", level=1)
    _table(doc, ["Publisher", "Release", "Released", "Link"],
           [[r.publisher, r.title, r.released, r.url or ""] for r in pack.sources.itertuples()], [34, 70, 24, 46])
    for text in dict.fromkeys(pack.sources["attribution"]):
        doc.add_paragraph(text)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
