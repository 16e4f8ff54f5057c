"""The officers' Word pack, for pasting into a report template. It opens, as the home page and the PDF
do, with the opening statements and the board summary: every measure grouped by priority area, with
its figure and counts, direction of travel, target, rating (shape, word and its colour as a badge),
England, the neighbours and the rank or band, on an A4 landscape page. Then, in portrait, what needs
the board's attention, the partners, the summary in words, caveats and sources, each measure in
detail in an appendix, and the officers' details at the back. Real heading styles (Title, Heading
1-3), real tables whose header row repeats and whose rows do not split across pages, each column
wide enough for its longest word (measured in the document's font, Arial), chart images with alt
text (the picture's docPr descr), and links back to the same view on the dashboard. The document
language is en-GB.

Every paragraph, heading and table cell that starts with text from people or files (a measure's name,
a priority area, commentary) is neutralised (scorecard.text_safety.neutralise_cell), so a table
copied from the report into a spreadsheet cannot run a formula."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .. import palette, rag, words
from ..register import LICENCE_ATTRIBUTION
from ..summary import COLUMNS, totals
from ..text_safety import neutralise_cell
from . import text_fit
from .charts_static import line_chart_png
from .content import CHART_DPI, Pack

HEADER_FILL = palette.DARK_BLUE.lstrip("#")
GROUP_FILL = palette.PALE_BLUE.lstrip("#")
DARK_BLUE = RGBColor.from_string(HEADER_FILL)
GREY = RGBColor.from_string(palette.SECONDARY_TEXT.lstrip("#"))
LANDSCAPE_MM, PORTRAIT_MM = 261, 174  # the text's width inside 18 mm margins
FONT = text_fit.FONT  # Arial (Liberation Sans in LibreOffice): the widths text_fit measures
CELL_SIZES = (8.5, 8, 7.5, 7, 6.5)  # a table's type, largest first, until its longest words fit
CELL_MARGIN_PT = 3.6  # each side of a cell's text (w:tblCellMar, 72 twips)
WORD_SPARE_PT = 2.0  # room beyond the measured width of a word: renderers differ a little
LINK_BLUE = "1D70B8"
MM_PER_PT = 25.4 / 72


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


def _font(doc) -> None:
    """Arial throughout, so that each table's columns can be measured for its longest word."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for style in doc.styles:
        element = style.element.find(qn("w:rPr"))
        found = element.find(qn("w:rFonts")) if element is not None else None
        if found is not None:
            element.remove(found)


def _hyperlink(paragraph, url: str, text: str | None = None, size: float | None = None, bold: bool = False):
    """A clickable link in a paragraph: the words (the address by default) underlined in link blue."""
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    if bold:
        rpr.append(OxmlElement("w:b"))
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK_BLUE)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.append(colour)
    rpr.append(underline)
    if size:
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), str(int(round(size * 2))))
        rpr.append(sz)
    run.append(rpr)
    t = OxmlElement("w:t")
    t.text = neutralise_cell(text if text is not None else url)
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)
    return link


def column_widths(header: list[str], rows: list[list[str]], width_mm: float) -> tuple[list[float], float] | None:
    """Each column's width in mm and the type size, so that every word of every cell fits its column
    (a word broken over two lines, 'Plymout h', misreads), the spare width shared out by how much
    text each column holds; None if even the smallest type cannot fit the longest words."""
    available = width_mm / MM_PER_PT
    for size in CELL_SIZES:
        need, text = [], []
        for c in range(len(header)):
            cells = [(header[c], True)] + [(str(r[c]), c == 0) for r in rows]
            widest = max((text_fit.width(word, size, bold) for cell, bold in cells for word in cell.split()),
                         default=0.0)
            need.append(widest + 2 * CELL_MARGIN_PT + WORD_SPARE_PT)
            text.append(max((text_fit.width(cell, size, bold) for cell, bold in cells), default=0.0)
                        + 2 * CELL_MARGIN_PT)
        if sum(need) > available:
            continue
        wish = [max(t, n) - n for t, n in zip(text, need)]
        spare = available - sum(need)
        share = [min(w, spare * w / sum(wish)) if sum(wish) else spare / len(need) for w in wish]
        left = spare - sum(share)  # what no column wants: to the columns in proportion to their width
        widths = [n + sh for n, sh in zip(need, share)]
        widths = [w + left * w / sum(widths) for w in widths]
        return [w * MM_PER_PT for w in widths], size
    return None


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


def _fixed_layout(table) -> None:
    """Columns exactly as set (no autofit) and narrow cell margins, in every reader."""
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(int(CELL_MARGIN_PT * 20)))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.append(margins)


def _table(doc, header: list[str], rows: list[list[str]], width_mm: float = PORTRAIT_MM,
           ratings: list[str | None] | None = None, rating_col: int | None = None,
           bands: dict[int, str] | None = None, links: list[str | None] | None = None, link_col: int = 0):
    """A table with a repeating header row, each column wide enough for its longest word (column_widths).
    `ratings` colour the rating column as badges (the RAG colour behind the shape and the word);
    `bands` puts a priority area's heading across the table before the row of that index; `links`
    make each row's cell in `link_col` a link (to the measure on the dashboard, or a release)."""
    fitted = column_widths(header, rows, width_mm)
    widths, size = fitted if fitted else ([width_mm / len(header)] * len(header), CELL_SIZES[-1])
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    _fixed_layout(table)
    for i, text in enumerate(header):
        cell = table.rows[0].cells[i]
        cell.text = ""
        _run(cell.paragraphs[0], text, size=size, bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF))
        _shade(cell, HEADER_FILL)
    _row_rules(table.rows[0], header=True)
    for r, values in enumerate(rows):
        if bands and r in bands:
            cells = table.add_row().cells
            band = cells[0].merge(cells[-1])
            _run(band.paragraphs[0], bands[r], size=size + 0.5, bold=True, colour=DARK_BLUE)
            _shade(band, GROUP_FILL)
            _row_rules(table.rows[-1], header=False)
        cells = table.add_row().cells
        for c, value in enumerate(values):
            rating = ratings[r] if ratings and c == rating_col else None
            if rating:
                _shade(cells[c], rag.COLOURS[rating].lstrip("#"))
            if c == link_col and links and links[r]:
                _hyperlink(cells[c].paragraphs[0], links[r], str(value), size=size, bold=c == 0)
                continue
            _run(cells[c].paragraphs[0], str(value), size=size, bold=c == 0 or bool(rating),
                 colour=RGBColor.from_string(rag.TEXT_ON[rating].lstrip("#")) if rating else None)
        _row_rules(table.rows[-1], header=False)
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Mm(width)
    return table


def _summary(doc, pack: Pack) -> None:
    """The board summary: a band per priority area with its R/A/G counts in words, then its measures,
    each measure's name a link to its trend on the dashboard."""
    rows, ratings, bands, links = [], [], {}, []
    for g in pack.board:
        bands[len(rows)] = f"{g.heading}: {g.counts_words}"
        rows += [list(r.cells()) for r in g.rows]
        ratings += [r.rag for r in g.rows]
        links += [pack.dashboard_url(r.metric_id) for r in g.rows]
    _table(doc, list(COLUMNS), rows, LANDSCAPE_MM, ratings=ratings, rating_col=5, bands=bands, links=links)


def _badge_run(para, rating: str | None, words_: str, size: float = 10):
    run = _run(para, words_, size=size, bold=bool(rating),
               colour=RGBColor.from_string(rag.TEXT_ON[rating].lstrip("#")) if rating else None)
    if rating:
        _shade_run(run, rag.COLOURS[rating].lstrip("#"))
    return run


def _attention(doc, pack: Pack) -> None:
    """What needs the board's attention: each red with why, and its exception note; then the ambers."""
    doc.add_heading("What needs the board's attention", level=1)
    reds, ambers = pack.attention(), pack.watch()
    if not reds and not ambers:
        rated = any(v.summary.rag for v in pack.rows)
        doc.add_paragraph("No measure is rated red or amber." if rated else
                          "No measure is rated yet: a rating needs a target, set on the Targets and commentary page.")
        return
    noun = "measure is" if len(reds) == 1 else "measures are"
    doc.add_paragraph(f"{len(reds)} {noun} rated red. A red rating needs an exception note: the cause, the action, "
                      "its owner and the term it is expected back on track." if reds else "No measure is rated red.")
    for item in reds + ambers:
        para = doc.add_paragraph()
        _badge_run(para, item.rag, f" {item.rating} ")
        _run(para, f" {item.measure}", size=11, bold=True)
        _run(para, f" · accountable: {item.partner}", size=9, colour=GREY)
        doc.add_paragraph(neutralise_cell(item.sentence()))
        if item.note:
            para = doc.add_paragraph()
            if item.note_missing:
                para.add_run(neutralise_cell(item.note)).bold = True
            else:
                para.add_run("Exception note. ").bold = True
                para.add_run(neutralise_cell(item.note))
        if item.commentary:
            para = doc.add_paragraph()
            para.add_run("Commentary: ").bold = True
            para.add_run(neutralise_cell(item.commentary))


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
    _font(doc)
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
    _run(meta, f"{pack.subtitle}. {version}. Data as at {pack.as_at_words}; produced {pack.produced_words}. "
               "On the dashboard: ", size=9, colour=GREY)
    _hyperlink(meta, pack.dashboard_url(), size=9)
    for sentence in pack.opening_statements():  # at body size: what a reader must not miss
        doc.add_paragraph(neutralise_cell(sentence))
    total = totals(pack.board)
    counts = doc.add_paragraph()
    _run(counts, "Against local targets: ", size=12, bold=True)
    for k in (rag.RED, rag.AMBER, rag.GREEN):
        _badge_run(counts, k if total.counts[k] else None, f" {rag.ICONS[k]} {total.counts[k]} {k.lower()} ", size=12)
        if not total.counts[k]:
            counts.runs[-1].bold = True
        counts.add_run(" ")
    _run(counts, f"{total.not_rated} not rated", size=12, bold=True)
    _summary(doc, pack)
    key = doc.add_paragraph()
    _run(key, "Rated by distance to the board's local targets; the arrow and word beside the rating are the "
              "direction of travel. Counts, small numbers and local measures are not ranked. England and the "
              "neighbours carry their own period; where periods or units differ they are context only. Each "
              "measure's name links to its trend on the dashboard.", size=8, colour=GREY)

    _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=False)
    _attention(doc, pack)

    if pack.stocktake:
        doc.add_heading(f"Progress since the baseline ({pack.baseline.describe()})", level=1)
        rows = [[v.summary.measure, words.baseline(v.row, v.hidden), f"{v.summary.latest} ({v.summary.period})",
                 words.change_since_baseline(v.row, v.hidden), v.summary.target, words.progress(v.row, v.hidden),
                 v.summary.rating] for v in pack.rows]
        _table(doc, ["Measure", "Baseline", "Latest", "Change since baseline", "Target",
                     "Progress along the trajectory", "Rating"], rows,
               ratings=[v.row.rating.rag for v in pack.rows], rating_col=6)

    doc.add_heading("Accountable partners", level=1)
    doc.add_paragraph("The partner accountable to the board for each measure, and its measures' ratings.")
    for line in pack.partner_lines():
        doc.add_paragraph(neutralise_cell(line), style="List Bullet")

    doc.add_heading("Summary in words", level=1)
    doc.add_paragraph(neutralise_cell(pack.summary[0]))
    for line in pack.summary[1:]:
        doc.add_paragraph(neutralise_cell(line), style="List Bullet")

    doc.add_heading("Caveats and sources", level=1)
    doc.add_heading("How current the figures are", level=2)
    doc.add_paragraph("National releases lag the local figures by a year or more; that is normal, and said here once "
                      "rather than on every measure. A measure is flagged only where its own figure is older than "
                      "its source's latest release, or older than its comparators.")
    for line in pack.releases or ["No national source is used in this pack."]:
        doc.add_paragraph(neutralise_cell(line), style="List Bullet")
    doc.add_heading("Caveats", level=2)
    for note in pack.notes:
        doc.add_paragraph(neutralise_cell(note))
    if pack.caveats:
        _table(doc, ["Measure", "Caveat"], [[m, c] for m, c in pack.caveats])
    doc.add_heading("Sources and licence", level=2)
    _table(doc, ["Publisher", "Release (a link to it)", "Released"],
           [[r.publisher, r.title, r.released] for r in pack.sources.itertuples()],
           links=[r.url or None for r in pack.sources.itertuples()], link_col=1)
    for text in dict.fromkeys(pack.sources["attribution"]):
        doc.add_paragraph(text)

    doc.add_page_break()
    doc.add_heading("Appendix: each measure in detail", level=1)
    figure = 0
    for group, views in pack.groups():
        doc.add_heading(neutralise_cell(group), level=2)
        for v in views:
            sec = pack.section_for(v.metric.id)
            heading = doc.add_heading("", level=3)
            _hyperlink(heading, pack.dashboard_url(v.metric.id), v.metric.name)
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
            _badge_run(para, v.summary.rag, v.summary.rating, size=11)
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

    doc.add_page_break()
    doc.add_heading("For officers", level=2)
    para = doc.add_paragraph()
    _run(para, "How this pack was made, so that it can be checked and made again exactly as it stands.", size=8,
         colour=GREY)
    for key_, value in pack.officer_details("docx"):
        para = doc.add_paragraph()
        _run(para, f"{key_}: ", size=8, bold=True, colour=GREY)
        if value.startswith(("http://", "https://")):
            _hyperlink(para, value, size=8)
        else:
            _run(para, value, size=8, colour=GREY)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
