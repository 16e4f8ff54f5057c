"""The officers' Word pack, for pasting into a report template: real heading styles (Title, Heading
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

from .. import rag
from ..register import LICENCE_ATTRIBUTION
from ..text_safety import neutralise_cell
from .charts_static import line_chart_png
from .content import Pack, RowView

DARK_BLUE = RGBColor(0x12, 0x43, 0x6D)
HEADER_FILL = "12436D"


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


def _row_rules(row, header: bool) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    tr_pr.append(cant)
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))  # repeats at the top of each page


def _table(doc, header: list[str], rows: list[list[str]], widths_mm: list[float] | None = None,
           ratings: list[str | None] | None = None, rating_col: int | None = None):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for i, text in enumerate(header):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(8.5), RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, HEADER_FILL)
    _row_rules(table.rows[0], header=True)
    for r, values in enumerate(rows):
        cells = table.add_row().cells
        for c, value in enumerate(values):
            para = cells[c].paragraphs[0]
            rating = ratings[r] if ratings and c == rating_col else None
            if rating:
                icon = para.add_run(rag.ICONS[rating] + " ")
                icon.font.color.rgb = RGBColor.from_string(rag.COLOURS[rating].lstrip("#"))
                icon.font.size = Pt(8.5)
                value = rating
            run = para.add_run(neutralise_cell(str(value)))
            run.font.size = Pt(8.5)
            run.bold = c == 0 or bool(rating)
        _row_rules(table.rows[-1], header=False)
    if widths_mm:
        table.autofit = False
        for column, width in zip(table.columns, widths_mm):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm):
                cell.width = Mm(width)
    return table


def _row_cells(v: RowView) -> list[str]:
    w = v.words
    return [w["measure"], f"{w['latest']} ({w['period']})", w["change"], w["target"], w["rating"], w["england"],
            w["region"], w["neighbours"], w["rank"], w["quartile"]]


def _page(section, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18))


def render(pack: Pack) -> bytes:
    doc = Document()
    section = doc.sections[0]
    _page(section, landscape=False)
    _language(doc)
    props = doc.core_properties
    props.title, props.subject, props.author = pack.title, pack.subtitle, "SEND Scorecard"
    props.keywords = f"SEND; scorecard; {pack.area_name}; {pack.card.term.label}"
    footer = section.footer.paragraphs[0]
    footer.text = f"{pack.title}. {pack.variant_words}. {LICENCE_ATTRIBUTION}"
    for run in footer.runs:
        run.font.size = Pt(7.5)

    doc.add_heading(pack.title, level=0)
    doc.add_paragraph(pack.subtitle)
    _table(doc, ["Item", "Detail"], [[k, v] for k, v in pack.title_block()], [40, 134])

    doc.add_heading("Summary", level=1)
    doc.add_paragraph(neutralise_cell(pack.summary[0]))
    for line in pack.summary[1:]:
        doc.add_paragraph(neutralise_cell(line), style="List Bullet")

    _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)  # the wide tables read better across
    doc.add_heading("The scorecard", level=1)
    doc.add_paragraph("Each figure is the latest for the term; each comparator is labelled with its own period. "
                      "Ratings are against the board's local targets and are always given in words.")
    header = ["Measure", "Latest", "Change", "Target", "Rating", "England", "Region", "Statistical neighbours",
              "Rank", "Quartile"]
    for group, views in pack.groups():
        doc.add_heading(neutralise_cell(group), level=2)
        _table(doc, header, [_row_cells(v) for v in views], [38, 27, 27, 17, 19, 27, 27, 33, 22, 24],
               ratings=[v.row.rating.rag for v in views], rating_col=4)

    if pack.stocktake:
        doc.add_heading(f"Progress since the baseline ({pack.baseline.describe()})", level=1)
        rows = [[v.words["measure"], v.words["baseline"], f"{v.words['latest']} ({v.words['period']})",
                 v.words["change_since_baseline"], v.words["target"], v.words["progress"], v.words["rating"]]
                for v in pack.rows]
        _table(doc, ["Measure", "Baseline", "Latest", "Change since baseline", "Target",
                     "Progress along the trajectory", "Rating"], rows, [45, 35, 35, 35, 25, 61, 25],
               ratings=[v.row.rating.rag for v in pack.rows], rating_col=6)

    _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=False)
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
                picture = doc.add_picture(io.BytesIO(line_chart_png(sec)), width=Mm(170))
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
            para.add_run(f"{v.words['rating']}. {v.words['rating_reason']}")
            if sec.commentary:
                para = doc.add_paragraph()
                para.add_run(f"Commentary ({sec.commentary_by}): ").bold = True
                para.add_run(sec.commentary)
            if sec.exception_note:
                para = doc.add_paragraph()
                para.add_run("Exception note. ").bold = True
                para.add_run(sec.exception_note)
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
