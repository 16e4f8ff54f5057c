"""Committee and stocktake packs: each file is opened with a reader library and its contents checked
against the real seeded figures, with the illustrative Plymouth return loaded. Every pack opens with
the board summary, as the home page does; every table labels illustrative figures, shows a rate's
counts, and says small numbers and "not directly comparable" where they apply."""

from __future__ import annotations

import io
import re
import shutil

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from scorecard import card, cli, commentary, local_returns, queries, register, store, summary, targets, words
from scorecard.areas import ENGLAND
from scorecard import suppression
from scorecard.published import ILLUSTRATIVE
from scorecard.reports import build_pack, file_name, pack_bytes, render, text_fit
from scorecard.reports import pdf as pdf_pack

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PLYMOUTH, SCILLY = "E06000026", "E06000053"
TERM = "Autumn 2026/27"
FORMULA_TEXT = "=SUM(A1) of the backlog"
PHONE_TEXT = "+44 1752 000000 is the duty line"
INTERNAL_TEXT = "Internal only: the service manager is on long-term leave"
LABEL = f"({words.ILLUSTRATIVE_LABEL})"


@pytest.fixture(scope="module")
def db(seeded_template, tmp_path_factory):
    """The seeded store with the illustrative Plymouth return, Plymouth targets (one Red, one Amber, one
    Green) and commentary."""
    path = tmp_path_factory.mktemp("reports") / "reports.duckdb"
    shutil.copy(seeded_template, path)
    con = store.connect(str(path))
    local_returns.load_sample(con, actor=ADMIN)
    target = {"area_code": PLYMOUTH, "period_label": None, "from_period": None, "to_period": None,
              "tolerance": 0.0, "baseline_period": None}
    targets.save_targets(con, [
        {**target, "metric_id": "ehcp_20wk_pct", "target": 50.0, "from_period": "2022"},  # 6.0%, worse: Red
        {**target, "metric_id": "ehcp_requests_6wk_pct", "target": 19.5},  # 18.0%, within 1.95 of it: Amber
        {**target, "metric_id": "tribunal_appeal_rate_pct", "target": 9.0},  # 8.2%, lower is better: Green
    ], actor=ADMIN)
    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, FORMULA_TEXT, actor=ADMIN,
                   cause="Backlog after the case system changed", action="Two more case officers",
                   owner="Head of SEND", recovery_period="Summer 2026/27")
    commentary.add(con, PLYMOUTH, "tribunal_appeal_rate_pct", TERM, PHONE_TEXT, actor=ADMIN)
    commentary.add(con, PLYMOUTH, "ehcp_requests_6wk_pct", TERM, INTERNAL_TEXT, actor=ADMIN, internal=True)
    con.close()
    return path


@pytest.fixture(scope="module")
def rcon(db):
    con = store.connect(str(db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def plymouth(rcon):
    pack = build_pack(rcon, PLYMOUTH, TERM)
    return pack, {fmt: render(pack, fmt)[0] for fmt in ("pdf", "pptx", "docx", "xlsx")}


@pytest.fixture(scope="module")
def scilly(rcon):
    public = build_pack(rcon, SCILLY, TERM, public=True)
    internal = build_pack(rcon, SCILLY, TERM)
    return {"public_pdf": render(public, "pdf")[0], "public_xlsx": render(public, "xlsx")[0],
            "internal_pdf": render(internal, "pdf")[0], "internal_pptx": render(internal, "pptx")[0],
            "public": public, "internal": internal}


# The running head every page after the first repeats (title, page number, licence line): left out, so a
# paragraph that a page break splits still reads as one.
_RUNNING_HEAD = re.compile(r"^SEND (?:scorecard|stocktake): .*?Sources are listed at the end\.\s*", re.DOTALL)


def pdf_text(data: bytes) -> str:
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    return re.sub(r"\s+", " ", " ".join([pages[0], *(_RUNNING_HEAD.sub("", p, count=1) for p in pages[1:])]))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def summary_columns(data: bytes) -> list[str]:
    """The summary's text, column by column: each column's lines top to bottom, so a cell that wraps
    reads whole ('not ranked: a count (bigger areas have more)'), over page 1 and any landscape page
    the summary runs on to."""
    pages = PdfReader(io.BytesIO(data)).pages
    landscape = [p for p in pages[:3] if p.mediabox.width > p.mediabox.height]
    columns = [_page_columns(page) for page in landscape[:next((i for i, p in enumerate(pages)
                                                                 if p.mediabox.width < p.mediabox.height), 1)]]
    return [" ".join(parts) for parts in zip(*columns)]


def _page_columns(page) -> list[str]:
    edges, at = [], pdf_pack.SUMMARY_MARGIN
    for share in pdf_pack.SUMMARY_SHARES:
        at += pdf_pack.SUMMARY_WIDTH * share / sum(pdf_pack.SUMMARY_SHARES)
        edges.append(at)
    pieces: list[list[tuple]] = [[] for _ in edges]

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            column = next((i for i, edge in enumerate(edges) if x < edge - 1), len(edges) - 1)
            pieces[column].append((y, x, len(pieces[column]), text))

    page.extract_text(visitor_text=visit)
    out = []
    for column in pieces:  # lines top to bottom (runs within a point share a line), each in the order drawn
        lines: list[list] = []
        for y, x, order, text in sorted(column, key=lambda p: (-p[0], p[2])):
            if lines and lines[-1][0] - y < 1:
                lines[-1][1].append((x, order, text))
            else:
                lines.append([y, [(x, order, text)]])
        out.append(squash(" ".join(t for _, parts in lines for _, _, t in sorted(parts))))
    return out


def area_series(con, metric_id: str, area_code: str) -> pd.Series:
    values = queries.metric_values(con, metric_id)
    return values[values["area_code"] == area_code].set_index("period")["value"]


def summary_lines(pack) -> list[summary.SummaryRow]:
    return [r for g in pack.board for r in g.rows]


def sheet_rows(ws) -> list[dict]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, row)) for row in ws.iter_rows(min_row=2)]


# --- PDF ---------------------------------------------------------------------------------------
def test_pdf_holds_the_area_england_with_periods_and_rag_words(plymouth, rcon):
    pack, files = plymouth
    reader = PdfReader(io.BytesIO(files["pdf"]))
    text = pdf_text(files["pdf"])
    england = area_series(rcon, "ehcp_20wk_pct", ENGLAND)["2024"]
    assert "Plymouth" in text
    assert f"{england:.1f}%" == "46.4%" and "46.4% (2024)" in text
    for word in ("■ Red", "▲ Amber", "● Green"):  # the rating in words, with its shape
        assert word in text
    section = pack.section_for("ehcp_20wk_pct")  # the chart's title states the finding, in the engine's words
    assert section.title == words.finding(section.view.row, "Plymouth")
    assert section.title.startswith("Plymouth issued 6.0%") and "below England (46.4%)" in section.title
    assert squash(section.title) in text
    assert "Exception note. Cause: Backlog after the case system changed" in text
    assert INTERNAL_TEXT in text  # the internal version keeps internal commentary
    assert reader.metadata.title == f"SEND scorecard: Plymouth, {card.periods.parse(TERM).describe()}"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert [o["/Title"] for o in reader.outline if not isinstance(o, list)] == [
        "Board summary", "What needs the board's attention", "Accountable partners", "Summary in words",
        "Caveats and sources", "Appendix: each measure in detail", "For officers"]
    # A paragraph may run over a page, its footer read in between: read the text without footers.
    flowing = re.sub(r"SEND scorecard: [^·]*· Internal: not for publication Page \d+ of \d+ Contains public sector "
                     r"information licensed under the Open Government Licence v3\.0\. Sources are listed at the end\. ",
                     "", text)
    for line in pack.partner_lines():  # the board holds each partner to account for its own measures
        assert squash(line) in flowing
    assert "Page 1 of" in text and register.LICENCE_ATTRIBUTION in text


def test_pdf_page_one_is_the_board_summary_on_a_landscape_page(plymouth):
    pack, files = plymouth
    pages = PdfReader(io.BytesIO(files["pdf"])).pages
    assert pages[0].mediabox.width > pages[0].mediabox.height  # A4 landscape, for the width
    portrait = next(i for i, p in enumerate(pages) if p.mediabox.width < p.mediabox.height)
    assert portrait <= 2  # the summary runs on to one more landscape page at most; the rest in portrait
    first = squash(pages[0].extract_text())
    assert "Against local targets: ■ 1 red ▲ 1 amber ● 1 green 21 not rated" in first
    columns = summary_columns(files["pdf"])
    lines = summary_lines(pack)
    assert len(lines) == len(pack.rows) > 20
    for line in lines:  # every measure on page 1, each cell in the engine's words
        for column, cell in enumerate(line.cells()):
            assert squash(cell) in columns[column], (line.measure, cell)
    for g in pack.board:  # each priority area's R/A/G counts, in words
        assert f"{g.heading}: {g.counts_words}" in columns[0]
    assert "What needs the board's attention 1 measure is rated red" in squash(pages[1].extract_text())


def test_pdf_summary_says_small_numbers_counts_and_context_for_the_isles_of_scilly(scilly):
    columns = summary_columns(scilly["internal_pdf"])
    latest, position, england = columns[1], columns[8], columns[6]
    assert "100.0%: 1 of 1 (small numbers: treat with caution)" in latest
    assert "not ranked: small numbers" in position
    lines = {r.metric_id: r for r in summary_lines(scilly["internal"])}
    assert lines["ehcp_20wk_pct"].position == "not ranked: small numbers"  # not "1st of 151"
    assert "1st of 151" not in position and "2 requests" not in latest
    assert "not ranked: a count (bigger areas have more)" in position  # counts carry no band
    assert "154,489 (2024): context only, not directly comparable" in england  # a national total is context
    assert lines["ehcp_requests"].latest == "2"
    public = {r.metric_id: r for r in summary_lines(scilly["public"])}
    assert public["ehcp_requests"].latest == "c"  # 2 requests: suppressed in the public version
    hidden = sum(r.latest == "c" for r in public.values())
    assert summary_columns(scilly["public_pdf"])[1].split().count("c") == hidden >= 5


def test_pdf_says_how_current_each_source_is_once(plymouth):
    pack, files = plymouth
    text = pdf_text(files["pdf"])
    assert len(pack.releases) >= 3
    for line in pack.releases:
        assert text.count(squash(line)) == 1, line
    assert "18 months" not in text and "stale" not in text.lower()


def test_pdf_tables_repeat_their_header_and_never_split_a_row():
    from reportlab.platypus import Table

    class Probe(Table):
        made: list = []

        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            Probe.made.append(self)

    original = pdf_pack.Table
    pdf_pack.Table = Probe
    try:
        pdf_pack._table([["a", "b"], ["1", "2"]], [10, 10], pdf_pack._styles())
    finally:
        pdf_pack.Table = original
    table = Probe.made[-1]
    assert table.repeatRows == 1 and not table.splitInRow


# --- PowerPoint --------------------------------------------------------------------------------
def test_pptx_has_native_editable_charts_with_the_real_figures(plymouth, rcon):
    pack, files = plymouth
    prs = Presentation(io.BytesIO(files["pptx"]))
    charts = {}
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                charts[shape.name] = shape
                assert shape._element.nvGraphicFramePr.cNvPr.get("descr")  # alt text
                assert len(shape.chart.plots[0].series) <= 4
    chart = charts["Chart: EHC plans issued within 20 weeks"].chart
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    periods = list(chart.plots[0].categories)
    local, england = area_series(rcon, "ehcp_20wk_pct", PLYMOUTH), area_series(rcon, "ehcp_20wk_pct", ENGLAND)
    assert periods[-1] == "2024"
    assert series["Plymouth"] == pytest.approx([local[p] for p in periods])
    assert series["England"] == pytest.approx([england[p] for p in periods])
    assert "Target" in series  # the trajectory is charted
    assert chart.chart_title.text_frame.text == pack.section_for("ehcp_20wk_pct").title
    detail = Presentation(io.BytesIO(render(build_pack(rcon, PLYMOUTH, TERM, detail=True), "pptx")[0]))
    term = next(shape.chart for slide in detail.slides for shape in slide.shapes
                if shape.has_chart and shape.name == "Chart: EHC plans within 20 weeks (term)")
    assert f"Plymouth {LABEL}" in {s.name for s in term.plots[0].series}  # an illustrative line says so


def _table_text(shape) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in shape.table.rows]


def test_pptx_opens_with_a_title_slide_then_the_summary_then_one_slide_per_priority_area(plymouth):
    pack, files = plymouth
    slides = list(Presentation(io.BytesIO(files["pptx"])).slides)
    titles = [s.shapes.title.text for s in slides]
    assert titles[0] == pack.title and not any(sh.has_table for sh in slides[0].shapes)
    summary_slides = [s for s in slides if s.shapes.title.text.startswith("Summary")]
    assert summary_slides and slides[1:1 + len(summary_slides)] == summary_slides
    header = list(summary.COLUMNS[:6])  # to the rating: England, the neighbours and the rank on each area's slide
    cells, rows = set(), []
    for slide in summary_slides:
        tables = [sh for sh in slide.shapes if sh.has_table]
        assert len(tables) == 1 and _table_text(tables[0])[0] == header
        rows += _table_text(tables[0])
        cells |= {tuple(r) for r in _table_text(tables[0])}
        assert any("England, the neighbours and the rank or band of each measure: on its priority area's slide"
                   in sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    for line in summary_lines(pack):  # every measure on the summary slides
        assert tuple(line.cells()[:6]) in cells, line.measure
    for g in pack.board:  # the band across the table (a merged cell)
        assert [f"{g.heading}: {g.counts_words}"] + [""] * 5 in rows
    headings = [g.heading for g in pack.board]
    assert [t for t in titles if t in headings] == headings  # one slide for each priority area, in order
    for g in pack.board:
        slide = slides[titles.index(g.heading)]
        table = next(sh for sh in slide.shapes if sh.has_table)
        assert [tuple(r) for r in _table_text(table)[1:]] == [tuple(r.cells()) for r in g.rows]  # every column
        assert any(sh.has_text_frame and sh.text_frame.text == f"{g.not_rated} not rated" for sh in slide.shapes)
    assert titles[-2:] == ["What needs the board's attention", "Sources, caveats and how current the figures are"]


def _font_size(paragraph, default: float) -> float:
    sizes = [run.font.size.pt for run in paragraph.runs if run.font.size is not None]
    return max(sizes) if sizes else default


def _needed(frame, width_emu: int, default: float, margins=None) -> float:
    """Points a frame's text needs at its own type sizes (Arial's line height, 1.15 of the size), by
    the deck's measure of widths, with the margins (left, right, top, bottom) of the frame or cell."""
    left, right, top, bottom = margins or (frame.margin_left, frame.margin_right, frame.margin_top,
                                           frame.margin_bottom)
    inner = (width_emu - left - right) / 12700
    total = (top + bottom) / 12700
    for para in frame.paragraphs:
        size = _font_size(para, default)
        total += text_fit.lines(para.text, inner, size, any(r.font.bold for r in para.runs)) * size * 1.15
    return total


def _cell_needs(cell, width_emu: int) -> float:
    return _needed(cell.text_frame, width_emu, 10,
                   (cell.margin_left, cell.margin_right, cell.margin_top, cell.margin_bottom))


@pytest.mark.parametrize("which", ["plymouth", "scilly"])
def test_pptx_shapes_never_overlap_and_stay_on_the_slide(which, plymouth, scilly):
    data = plymouth[1]["pptx"] if which == "plymouth" else scilly["internal_pptx"]
    prs = Presentation(io.BytesIO(data))
    width, height = prs.slide_width, prs.slide_height
    for number, slide in enumerate(prs.slides, start=1):
        boxes = [(sh.name, sh.left, sh.top, sh.left + sh.width, sh.top + sh.height) for sh in slide.shapes]
        for name, left, top, right, bottom in boxes:
            assert 0 <= left < right <= width and 0 <= top < bottom <= height, (number, name)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
                assert apart, f"slide {number}: {a[0]} overlaps {b[0]}"
        for shape in slide.shapes:  # each outline holds its text, so the outlines are honest
            if shape.has_table:
                rows = shape.table.rows
                assert sum(r.height for r in rows) == shape.height, (number, shape.name)
                widths = [c.width for c in shape.table.columns]
                for row in rows:
                    spans = [(row.cells[0], sum(widths))] if row.cells[0].span_width > 1 else zip(row.cells, widths)
                    need = max(_cell_needs(cell, w) for cell, w in spans)
                    assert row.height / 12700 >= need - 0.01, (number, shape.name, row.cells[0].text)
            elif shape.has_text_frame and shape.text_frame.text:
                assert shape.height / 12700 >= _needed(shape.text_frame, shape.width, 18) - 0.01, \
                    (number, shape.name, shape.text_frame.text[:40])


# --- Word --------------------------------------------------------------------------------------
def test_docx_opens_with_the_summary_then_headings_tables_and_charts_with_alt_text(plymouth):
    pack, files = plymouth
    doc = Document(io.BytesIO(files["docx"]))
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3"} <= styles
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["What needs the board's attention", "Accountable partners", "Summary in words",
                        "Caveats and sources", "Appendix: each measure in detail"]
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert all(line in bullets for line in pack.partner_lines()) and pack.partner_lines()
    first = doc.tables[0]  # the first table is the board summary, every column
    rows = [[c.text for c in row.cells] for row in first.rows]
    assert rows[0] == list(summary.COLUMNS)
    assert first.rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    for line in summary_lines(pack):
        assert list(line.cells()) in rows, line.measure
    for g in pack.board:
        assert [f"{g.heading}: {g.counts_words}"] * len(summary.COLUMNS) in rows
    assert doc.sections[0].page_width > doc.sections[0].page_height  # the summary on a landscape page
    assert doc.sections[1].page_width < doc.sections[1].page_height
    charts = sum(1 for s in pack.sections if s.has_chart)
    assert len(doc.inline_shapes) == charts > 5
    for shape in doc.inline_shapes:
        assert shape._inline.docPr.get("descr").startswith("Line chart of")
    assert doc.core_properties.language == "en-GB"


# --- Every pack --------------------------------------------------------------------------------
def test_illustrative_figures_are_labelled_in_every_table_of_every_pack(plymouth):
    pack, files = plymouth
    shown = [r for r in summary_lines(pack) if r.illustrative]
    assert len(shown) >= 8 and all(r.latest.endswith(LABEL) for r in shown)
    points = sum(status == ILLUSTRATIVE for sec in pack.sections for status in sec.data["status"])
    assert points > len(shown)
    labelled = sum(cell.endswith(LABEL) for sec in pack.sections for cell in sec.table.iloc[:, 1])
    assert labelled == points  # each illustrative point of each trend table
    doc = Document(io.BytesIO(files["docx"]))
    in_word = sum(LABEL in cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    assert in_word == len(shown) + points  # the summary's figures and every trend table's
    assert pdf_text(files["pdf"]).count(LABEL) >= len(shown) + points
    slides = Presentation(io.BytesIO(files["pptx"])).slides
    in_slides = sum(LABEL in cell.text for slide in slides for shape in slide.shapes if shape.has_table
                    for row in shape.table.rows for cell in row.cells)
    assert in_slides == 2 * len(shown)  # the summary slide and the priority area's slide
    wb = load_workbook(io.BytesIO(files["xlsx"]))
    assert wb.sheetnames[0] == "Summary"
    summary_sheet = sheet_rows(wb["Summary"])
    assert sum(LABEL in str(r["Latest"].value) for r in summary_sheet if r["Latest"] is not None) == len(shown)
    for sheet in ("Values", "Trends"):
        for r in sheet_rows(wb[sheet]):
            illustrative = r["status"].value == ILLUSTRATIVE
            assert (r["value_labels"].value or "").startswith(words.ILLUSTRATIVE_LABEL) == illustrative
            if isinstance(r["value"].value, (int, float)):
                assert (LABEL in r["value"].number_format) == illustrative, (sheet, r["metric_id"].value)


def test_every_pack_shows_a_rate_with_its_counts(plymouth):
    pack, files = plymouth
    line = next(r for r in summary_lines(pack) if r.metric_id == "ehcp_20wk_pct")
    assert line.latest == "6.0%: 24 of 403"
    assert "6.0%: 24 of 403" in summary_columns(files["pdf"])[1]
    assert any(r[1] == "6.0%: 24 of 403" for r in _table_text(next(
        sh for sh in Presentation(io.BytesIO(files["pptx"])).slides[1].shapes if sh.has_table)))
    assert "6.0%: 24 of 403" in [c.text for c in Document(io.BytesIO(files["docx"])).tables[0].columns[1].cells]
    trend = pack.section_for("ehcp_20wk_pct").table.set_index("Period")["Plymouth"]
    assert trend["2024"] == "6.0%: 24 of 403" and trend["2017"] == "67.2%: 84 of 125"
    values = {r["metric_id"].value: r for r in sheet_rows(load_workbook(io.BytesIO(files["xlsx"]))["Values"])}
    assert (values["ehcp_20wk_pct"]["numerator"].value, values["ehcp_20wk_pct"]["denominator"].value) == (24, 403)


# --- Excel -------------------------------------------------------------------------------------
def test_xlsx_has_no_formulas_and_neutralises_text(plymouth, rcon):
    _, files = plymouth
    wb = load_workbook(io.BytesIO(files["xlsx"]))
    assert {"Summary", "Values", "Comparators", "Targets", "Commentary", "Trends", "Caveats", "Sources"} <= \
        set(wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), f"{ws.title}!{cell.coordinate}"
    comments = {r[0]: r[3] for r in wb["Commentary"].iter_rows(min_row=2, values_only=True)}
    assert comments["ehcp_20wk_pct"] == "'" + FORMULA_TEXT
    assert comments["tribunal_appeal_rate_pct"] == "'" + PHONE_TEXT
    values = {r["metric_id"].value: r for r in sheet_rows(wb["Values"])}
    assert values["ehcp_20wk_pct"]["value"].value == pytest.approx(area_series(rcon, "ehcp_20wk_pct", PLYMOUTH)["2024"])
    comparators = {r["metric_id"].value: r for r in sheet_rows(wb["Comparators"])}
    assert (comparators["ehcp_20wk_pct"]["comparator_period"].value,
            comparators["ehcp_20wk_pct"]["england"].value) == ("2024", 46.4)
    ratings = {r["metric_id"].value: r["rating"].value for r in sheet_rows(wb["Targets"])}
    assert (ratings["ehcp_20wk_pct"], ratings["ehcp_requests_6wk_pct"], ratings["tribunal_appeal_rate_pct"]) == \
        ("Red", "Amber", "Green")
    for r in sheet_rows(wb["Summary"]):  # the rating as a badge: its colour behind its own text colour
        if r["Rating"].value and r["Rating"].value.startswith("▲"):
            assert r["Rating"].fill.fgColor.rgb.endswith("FFBF47") and r["Rating"].font.color.rgb.endswith("0B0C0C")


def test_xlsx_figures_are_rounded_to_each_measures_decimals(plymouth, rcon):
    _, files = plymouth
    metrics = register.metrics_from_store(rcon)
    wb = load_workbook(io.BytesIO(files["xlsx"]))
    values = {r["metric_id"].value: r for r in sheet_rows(wb["Values"])}
    term = values["ehcp_20wk_term_pct"]  # 66.7 - 61.4 is 5.300000000000004 in floating point
    assert term["change"].value == 5.3 and term["change"].number_format == "#,##0.0"
    checked = 0

    def check(sheet, metric_id, column, cell):
        nonlocal checked
        if not isinstance(cell.value, float):
            return
        decimals = metrics[metric_id].decimals
        assert cell.value == round(cell.value, decimals), (sheet, metric_id, column, cell.value)
        assert len(repr(cell.value).split(".")[1]) <= max(decimals, 1), (sheet, metric_id, column, cell.value)
        checked += 1

    for r in sheet_rows(wb["Values"]):
        for column in ("value", "previous", "change", "same_term_last_year"):
            check("Values", r["metric_id"].value, column, r[column])
    for r in sheet_rows(wb["Comparators"]):
        for column in ("england", "region", "neighbour_mean"):
            if r["comparator_metric"].value:
                check("Comparators", r["comparator_metric"].value, column, r[column])
    for r in sheet_rows(wb["Trends"]):
        for column in ("value", "england", "region", "neighbour_mean", "target"):
            check("Trends", r["metric_id"].value, column, r[column])
    assert checked > 150


# --- Public version ----------------------------------------------------------------------------
def _small_rate_periods(con, threshold: int) -> set[tuple[str, str]]:
    counts = queries.area_counts(con, SCILLY)
    small = counts[(counts["numerator"] < threshold) | (counts["denominator"] < threshold)]
    return set(zip(small["metric_id"], small["period"]))


def test_public_xlsx_holds_no_count_below_the_threshold(scilly, rcon):
    metrics = register.metrics_from_store(rcon)
    wb = load_workbook(io.BytesIO(scilly["public_xlsx"]))
    small_rates = _small_rate_periods(rcon, 5)
    checked = suppressed = 0

    def check(metric_id, unit, period, value):
        nonlocal checked, suppressed
        if value == "c":
            suppressed += 1
            return
        if value is None:
            return
        checked += 1
        if unit == "count":
            assert value >= 5, (metric_id, period, value)
        elif (metric_id, period) in small_rates:
            pytest.fail(f"{metric_id} {period}: {value} is a rate on fewer than 5")

    for r in sheet_rows(wb["Values"]):
        r = {k: c.value for k, c in r.items()}
        check(r["metric_id"], r["unit"], r["period"], r["value"])
        check(r["metric_id"], r["unit"], r["previous_period"], r["previous"])
        for part in ("numerator", "denominator"):  # the counts behind a rate that is shown
            check(r["metric_id"], "count", r["period"], r[part])
    for r in sheet_rows(wb["Trends"]):
        r = {k: c.value for k, c in r.items()}
        check(r["metric_id"], r["unit"], r["period"], r["value"])
        for part in ("numerator", "denominator"):
            check(r["metric_id"], "count", r["period"], r[part])
        if r["unit"] == "count":  # counts' comparators too (England and region totals, neighbour mean)
            for comparator in ("england", "region", "neighbour_mean"):
                check(r["metric_id"], "count", r["period"], r[comparator])
    for r in sheet_rows(wb["Comparators"]):
        r = {k: c.value for k, c in r.items()}
        if r["comparator_metric"] and metrics[r["comparator_metric"]].unit == "count":
            for value in (r["england"], r["region"], r["neighbour_mean"]):  # rates are sums over many areas
                check(r["metric_id"], "count", r["comparator_period"], value)
    assert checked > 50 and suppressed > 20
    values = {r["metric_id"].value: r for r in sheet_rows(wb["Values"])}
    assert values["ehcp_requests"]["value"].value == "c"  # 2 requests in 2024
    assert values["ehcp_caseload"]["value"].value == 17  # 17 plans: not small
    about = " ".join(str(c) for row in wb["About"].iter_rows(values_only=True) for c in row if c)
    assert "Public version" in about and "a count below 5" in about


def test_public_pdf_suppresses_what_the_internal_pdf_shows(scilly, plymouth):
    internal, public = pdf_text(scilly["internal_pdf"]), pdf_text(scilly["public_pdf"])
    assert "Isles of Scilly received 2 requests for an EHC needs assessment in 2024" in internal
    assert "received 2 requests" not in public
    assert "Assessment requests received: the Isles of Scilly figure in 2024 is suppressed" in public
    assert "a count below 5 (zero included)" in public
    assert "17 EHC plans" in public


def test_public_pack_leaves_out_internal_commentary(rcon):
    pack = build_pack(rcon, PLYMOUTH, TERM, public=True)
    text = pdf_text(render(pack, "pdf")[0])
    assert INTERNAL_TEXT not in text and "Backlog after the case system changed" in text
    assert pack.filename("pdf") == "send-scorecard-plymouth-autumn-2026-27-public.pdf"


def test_threshold_is_configurable(rcon):
    pack = build_pack(rcon, SCILLY, TERM, public=True, threshold=20)
    caseload = next(v for v in pack.rows if v.metric.id == "ehcp_caseload")
    assert caseload.summary.latest == "c" and caseload.row.value is None
    with pytest.raises(ValueError, match="whole number"):
        build_pack(rcon, SCILLY, TERM, public=True, threshold=0)


# --- Suppression rules, on their own -----------------------------------------------------------
def test_suppression_rules():
    assert suppression.hides("count", 4, None, None, 5) and suppression.hides("count", 0, None, None, 5)
    assert not suppression.hides("count", 5, None, None, 5)
    assert suppression.hides("%", 100.0, 1, 1, 5) and suppression.hides("%", 0.0, 0, 263, 5)
    assert not suppression.hides("%", 50.0, 7, 14, 5)
    assert not suppression.hides("%", 0.0, None, None, 5)  # no counts held: as published
    assert not suppression.hides("days", 2, None, None, 5)
    assert not suppression.hides("count", None, None, None, 5)
    with pytest.raises(ValueError):
        suppression.check_threshold("five")


def test_suppress_frame_on_a_metric_table(rcon):
    metrics = register.metrics_from_store(rcon)
    table = queries.metric_values(rcon, "ehcp_requests")
    table = table[table["area_code"] == SCILLY].assign(england=1000.0, region=3.0, sn_mean=100.0)
    out, mask = suppression.suppress_frame(table, metrics["ehcp_requests"], 5)
    small = table["value"].lt(5)
    assert mask["value"].tolist() == small.tolist() and out["value"][small].isna().all()
    assert out.loc[~small & table["value"].notna(), "value"].ge(5).all()
    assert mask["region"].all() and not mask["england"].any()
    rates = queries.metric_values(rcon, "ehcp_20wk_pct")
    rates = rates[rates["area_code"] == SCILLY]
    out, mask = suppression.suppress_frame(rates, metrics["ehcp_20wk_pct"], 5)
    shown = out[out["value"].notna()]
    assert ((shown["numerator"].isna() | shown["numerator"].ge(5)) & shown["denominator"].ge(5)).all()
    assert mask["value"].any()


def test_suppress_card_hides_changes_built_on_small_figures(rcon):
    built = card.build(rcon, SCILLY, TERM, public=True)
    safe, hidden = suppression.suppress_card(built, queries.area_counts(rcon, SCILLY), 5)
    rows = {r.metric.id: r for r in safe.rows}
    assert rows["ehcp_requests"].value is None and {"value", "change"} <= hidden["ehcp_requests"]
    assert rows["ehcp_requests"].change is None
    assert all(t["value"] is None or t["value"] >= 5 for t in rows["ehcp_requests"].trend)
    assert rows["ehcp_caseload"].value == 17 and not hidden["ehcp_caseload"]
    original = {r.metric.id: r for r in built.rows}
    assert original["ehcp_requests"].value == 2  # the card itself is not changed


# --- Stocktake ---------------------------------------------------------------------------------
def test_stocktake_pack_shows_change_since_the_baseline_and_progress(rcon):
    pack = build_pack(rcon, PLYMOUTH, TERM, baseline="2022")
    row = next(v for v in pack.rows if v.metric.id == "ehcp_20wk_pct")
    local = area_series(rcon, "ehcp_20wk_pct", PLYMOUTH)
    assert row.row.baseline == pytest.approx(local["2022"])
    assert row.row.change_since_baseline == pytest.approx(local["2024"] - local["2022"])
    # The 2023 change of collection lies between the two: the change is flagged (issue 18).
    assert words.change_since_baseline(row.row, row.hidden) == ("down 44.1 points (across the series break at 2023: "
                                                                "not strictly comparable)")
    assert words.progress(row.row, row.hidden) == "target met at the baseline, missed now"
    section = pack.section_for("ehcp_20wk_pct")
    assert section.data.set_index("period")["target"]["2024"] == 50.0
    assert pd.isna(section.data.set_index("period")["target"]["2021"])  # the target runs from 2022
    data, name, mime = render(pack, "xlsx")
    assert name == "send-stocktake-plymouth-autumn-2026-27-since-2022.xlsx"
    targets_sheet = {r[0]: r for r in load_workbook(io.BytesIO(data))["Targets"].iter_rows(min_row=2, values_only=True)}
    assert targets_sheet["ehcp_20wk_pct"][7:10] == (pytest.approx(50.1), "2022", pytest.approx(-44.1))
    text = pdf_text(render(pack, "pdf")[0])
    assert "Progress since the baseline (calendar year 2022)" in text
    slides = Presentation(io.BytesIO(render(pack, "pptx")[0])).slides
    assert any(s.shapes.title.text.startswith("Progress since calendar year 2022") for s in slides)


def test_progress_words_along_a_trajectory(rcon):
    built = card.build(rcon, PLYMOUTH, TERM, baseline="2022", metric_ids=["tribunal_appeal_rate_pct"])
    row = built.rows[0]  # 5.8% in 2022, 8.2% now, target 9.0% (lower is better): met
    assert words.progress(row) == "target met"
    row.target = targets.Target(4.0, 0.0, None, None, None, None)
    assert words.progress(row) == "no progress: further from the target than at the baseline"
    row.target = targets.Target(9.5, 0.0, None, None, None, None)
    row.value = 7.0
    assert words.progress(row) == "target met"
    row.target = targets.Target(5.0, 0.0, None, None, None, None)
    row.value = 5.4  # 5.8 -> 5.4 of the way to 5.0: half way
    assert words.progress(row) == "50% of the way from the baseline to the target"


# --- Entry points ------------------------------------------------------------------------------
def test_a_pack_can_reuse_the_metric_tables_a_page_has_cached(rcon, plymouth):
    from scorecard import card, comparators
    from scorecard.tables import MetricTables

    queries_run = []

    class Counting:
        def execute(self, sql, params=None):
            queries_run.append(sql is comparators.COMPARATORS_SQL)
            return rcon.execute(sql, params)

    page_tables = MetricTables(Counting(), register.metrics_from_store(rcon))
    card.build(rcon, PLYMOUTH, TERM, table_for=page_tables)  # the page reads its scorecard
    assert queries_run == [True]  # every table it needs, in one query
    pack = build_pack(rcon, PLYMOUTH, TERM, table_for=page_tables)
    assert queries_run == [True], "the pack worked out no table again"
    assert [r.cells() for r in summary_lines(pack)] == [r.cells() for r in summary_lines(plymouth[0])]


def test_pack_bytes_names_and_types_each_format(rcon):
    data, name, mime = pack_bytes(rcon, "E06000063", TERM, "xlsx")  # Cumberland, formed 2023
    assert name == "send-scorecard-cumberland-autumn-2026-27.xlsx" and mime.endswith("spreadsheetml.sheet")
    assert data[:2] == b"PK"
    assert file_name("Cumberland", TERM, "pdf", public=True) == "send-scorecard-cumberland-autumn-2026-27-public.pdf"
    with pytest.raises(ValueError, match="unknown pack format"):
        pack_bytes(rcon, PLYMOUTH, TERM, "odt")


@pytest.mark.parametrize("area", ["E92000001", "E09000001"])
def test_edge_areas_make_every_format(rcon, area):
    pack = build_pack(rcon, area, TERM, public=True)
    for fmt in ("pdf", "pptx", "docx", "xlsx"):
        data, _, _ = render(pack, fmt)
        assert len(data) > 5000


def test_cli_report_writes_the_file(db, tmp_path, capsys):
    out = tmp_path / "pack.pdf"
    code = cli.main(["--db", str(db), "report", "--area", "Plymouth", "--term", TERM, "--format", "pdf",
                     "--public", "--out", str(out)])
    assert code == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert "public version, figures below 5 suppressed" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--area", "Atlantis"], "unknown area 'Atlantis'"),
    (["--area", "Plymouth", "--term", "Winter 2026"], "'Winter 2026' is not a period"),
    (["--area", "Plymouth", "--public", "--threshold", "0"], "whole number of 1 or more"),
])
def test_cli_report_refuses_bad_input(db, tmp_path, capsys, args, message):
    out = tmp_path / "pack.pptx"
    code = cli.main(["--db", str(db), "report", "--format", "pptx", "--out", str(out), *args])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_card_public_suppresses_exactly_what_the_public_pack_suppresses(db_path, capsys):
    import csv as csv_module
    import io

    from scorecard import cli, store

    con = store.connect(str(db_path))
    pack = build_pack(con, "E06000053", "Autumn 2026/27", public=True)
    con.close()
    hidden = {v.metric.id: v.hidden for v in pack.rows}
    assert any(hidden.values()), "the Isles of Scilly has small numbers to suppress"
    assert cli.main(["--db", str(db_path), "card", "--area", "Isles of Scilly", "--term", "Autumn 2026/27",
                     "--public", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    rows = {r["metric"]: r for r in csv_module.DictReader(io.StringIO(captured.out))}
    for metric_id, fields in hidden.items():
        for field in fields & {"value", "previous", "change", "england", "region", "sn_mean"}:
            assert rows[metric_id][field] == "c", (metric_id, field)
    assert rows["ehcp_requests"]["value"] == "c"  # 2 requests: a count below 5
    assert "suppressed to protect individuals" not in captured.out and "suppressed to protect individuals" in captured.err
