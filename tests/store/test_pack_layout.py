"""Packs a councillor reads in ten minutes, checked on the files themselves: Plymouth with the
illustrative sample loaded and the board's targets set (three red, two amber, three green).

The PDF: the main body (summary, what needs the board's attention, partners, summary in words,
caveats and sources) is at most 8 pages; each measure is packed into the appendix with no heading
left at the foot of a page and no page left mostly empty; the officers' details are on the back page
in small type. The deck: ten slides or fewer, its summary at 12 points or more split by priority area,
`--detail` adding each measure's slide, and chart axes whose labels differ. Word: every column wide
enough for its longest word. Every pack links back to the same view on the dashboard."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader

from scorecard import access, cli, commentary, config, ingest, local_returns, store
from scorecard.importers import SourceFile
from scorecard.reports import build_pack, render, text_fit
from scorecard.reports import docx_pack, pptx_pack

ADMIN = access.command_line("test")
PLYMOUTH, TERM = "E06000026", "Autumn 2026/27"
# The board's targets, as the browser tests set them: three red, two amber, three green.
TARGETS = """area,metric,from_period,target,tolerance
E06000026,ehcp_20wk_pct,2020,60,2.5
E06000026,ehcp_20wk_term_pct,Autumn 2025/26,70,2.5
E06000026,ehcp_requests_6wk_pct,2020,80,2.5
E06000026,annual_reviews_on_time_pct,Autumn 2025/26,60,2.5
E06000026,complaints_on_time_pct,Autumn 2025/26,90,2
E06000026,perm_staff_pct,Autumn 2025/26,90,2
E06000026,ep_vacancies,Autumn 2025/26,2,0
E06000026,tribunal_appeal_rate_pct,2020,4,0.5
"""
CAUSE = ("A backlog of assessments built up when the case management system changed in the spring, and two case "
         "officers left; plans drafted in the summer waited for advice from health and from educational psychology")
MM = 72 / 25.4
HEADING_SIZE = 10.4  # the PDF's headings are bold at 10.5 points and more; nothing else in the body is
FOOTER_TOP = 20 * MM  # below this, each page's footer


@pytest.fixture(scope="module")
def db(seeded_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("pack_layout") / "layout.duckdb"
    shutil.copy(seeded_template, path)
    con = store.connect(str(path))
    local_returns.load_sample(con, actor=ADMIN)
    ingest.import_source(con, SourceFile("targets.csv", TARGETS.encode()), actor=ADMIN)
    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, "Timeliness fell as the backlog was cleared, oldest first.",
                   actor=ADMIN, cause=CAUSE, action="Two more case officers from January, and a weekly panel",
                   owner="Head of SEND", recovery_period="Summer 2026/27")
    con.close()
    return path


@pytest.fixture(scope="module")
def rcon(db):
    con = store.connect(str(db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def packs(rcon):
    pack = build_pack(rcon, PLYMOUTH, TERM)
    detail = build_pack(rcon, PLYMOUTH, TERM, detail=True)
    return pack, {"pdf": render(pack, "pdf")[0], "pptx": render(pack, "pptx")[0], "docx": render(pack, "docx")[0],
                  "pptx_detail": render(detail, "pptx")[0]}


# --- the PDF: what is where ------------------------------------------------------------------------
def _pieces(page) -> list[dict]:
    """Every piece of text on a page with its height on the page (points from the bottom), font and size."""
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = str(font.get("/BaseFont", "")) if font else ""
            out.append({"text": text.strip(), "y": y, "font": name, "size": size * abs(tm[3] or 1) * abs(cm[3] or 1)})

    page.extract_text(visitor_text=visit)
    return out


def _outline(reader: PdfReader) -> list[tuple[str, int, int]]:
    """(title, level, page index) of every bookmark."""
    out = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((item.title, level, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return out


def _body(page) -> list[dict]:
    return [p for p in _pieces(page) if p["y"] > FOOTER_TOP]


def test_the_pdf_main_body_is_at_most_eight_pages(packs):
    pack, files = packs
    reader = PdfReader(io.BytesIO(files["pdf"]))
    top = {title: page for title, level, page in _outline(reader) if level == 0}
    assert list(top) == ["Board summary", "What needs the board's attention", "Accountable partners",
                         "Summary in words", "Caveats and sources", "Appendix: each measure in detail", "For officers"]
    assert top["Board summary"] == 0 and top["What needs the board's attention"] == 1
    assert top["Appendix: each measure in detail"] <= 8, "the main body runs past 8 pages"
    assert top["For officers"] == len(reader.pages) - 1  # the back page
    measures = [title for title, level, _ in _outline(reader) if level == 2]
    assert measures == [v.metric.name for _, views in pack.groups() for v in views]  # each one, in the appendix


# Areas whose packs lay out differently: a heading falls near a page's foot in several of them.
AREAS = [PLYMOUTH, "E06000053", "E06000063", "E08000003", "E10000016"]


@pytest.fixture(scope="module")
def pdfs(packs, rcon):
    return {PLYMOUTH: packs[1]["pdf"], **{a: render(build_pack(rcon, a, TERM), "pdf")[0] for a in AREAS[1:]}}


@pytest.mark.parametrize("area", AREAS)
def test_no_heading_is_left_at_the_foot_of_a_pdf_page(pdfs, area):
    reader = PdfReader(io.BytesIO(pdfs[area]))
    headings = 0
    for number, page in enumerate(reader.pages, start=1):
        body = _body(page)
        lowest = min(body, key=lambda p: p["y"])
        is_heading = lambda p: "Bold" in p["font"] and p["size"] >= HEADING_SIZE  # noqa: E731
        headings += sum(map(is_heading, body))
        assert not is_heading(lowest), f"page {number} ends with the heading {lowest['text']!r}"
        # and a heading is followed on its page by at least two lines of what it heads
        for p in body:
            if is_heading(p) and p is not lowest:
                below = {round(q["y"]) for q in body if q["y"] < p["y"] - 1}
                assert len(below) >= 2, f"page {number}: {p['text']!r} has almost nothing under it"
    assert headings > 20


@pytest.mark.parametrize("area", AREAS)
def test_no_page_of_the_appendix_is_left_mostly_empty(pdfs, area):
    reader = PdfReader(io.BytesIO(pdfs[area]))
    top = {title: page for title, level, page in _outline(reader) if level == 0}
    first, back = top["Appendix: each measure in detail"], top["For officers"]
    height = float(reader.pages[first].mediabox.height)
    for index in range(first, back - 1):  # the appendix's last page may end where its last measure ends
        lowest = min(p["y"] for p in _body(reader.pages[index]))
        assert lowest < height / 2, f"page {index + 1} is more than half empty"
    for index in range(1, first - 1):  # and the main body's pages run on, too
        assert min(p["y"] for p in _body(reader.pages[index])) < height / 2, f"page {index + 1} is mostly empty"


def test_the_board_sees_each_red_with_its_exception_note_first(packs):
    pack, files = packs
    reader = PdfReader(io.BytesIO(files["pdf"]))
    top = {title: page for title, level, page in _outline(reader) if level == 0}
    attention = " ".join(reader.pages[i].extract_text() for i in range(top["What needs the board's attention"],
                                                                         top["Accountable partners"] + 1))
    attention = re.sub(r"\s+", " ", attention)
    reds = [v.summary.measure for v in pack.rows if v.summary.rag == "Red"]
    assert len(reds) == 3 and "3 measures are rated red" in attention
    for item in pack.attention():
        assert item.measure in attention and item.reason in attention
    assert re.sub(r"\s+", " ", f"Cause: {CAUSE}") in attention and "Owner: Head of SEND" in attention
    assert attention.count("No exception note recorded: a red rating needs one") == 2  # the other two reds
    for item in pack.watch():
        assert item.measure in attention and item.rating == "▲ Amber"


# --- the opening statements and the officers' details ----------------------------------------------
def test_opening_statements_are_at_body_size_on_page_one_and_the_title_slide(rcon):
    pack = build_pack(rcon, PLYMOUTH, TERM)
    sentence = "The newest national figures here are for 2024; the June 2026 release has not been loaded."
    pack.opening.append(sentence)  # where other plain sentences a reader must not miss drop in
    notices = [s for s in (pack.overdue, pack.illustrative_notice) if s]  # issue 18's, when they apply
    assert pack.opening_statements() == [sentence, *notices, pack.inspection]
    page = PdfReader(io.BytesIO(render(pack, "pdf")[0])).pages[0]
    pieces = _pieces(page)
    text = re.sub(r"\s+", " ", page.extract_text())
    for statement in pack.opening_statements():
        assert re.sub(r"\s+", " ", statement) in text
    start = next(p for p in pieces if p["text"].startswith("The newest national figures"))
    assert start["size"] == pytest.approx(9.5)  # the body's size, not the small print's
    slide = Presentation(io.BytesIO(render(pack, "pptx")[0])).slides[0]
    box = next(sh for sh in slide.shapes if sh.has_text_frame and sh.text_frame.text.startswith(sentence))
    assert [p.text for p in box.text_frame.paragraphs] == pack.opening_statements()
    assert min(r.font.size.pt for p in box.text_frame.paragraphs for r in p.runs) >= 12


def test_the_store_version_and_the_command_are_on_the_back_page_in_small_type(packs, rcon):
    pack, files = packs
    point = pack.card.store_point
    pages = PdfReader(io.BytesIO(files["pdf"])).pages
    front = re.sub(r"\s+", " ", pages[0].extract_text())
    assert "store version" not in front and "scorecard report" not in front
    assert "Data as at" in front  # the date the figures stand at stays in the reader's header
    back = _body(pages[-1])
    back_text = re.sub(r"\s+", " ", " ".join(p["text"] for p in back))
    assert f"store version {point.version}" in back_text
    assert pack.regenerate_words("pdf") in back_text and "--as-at" in pack.regenerate_words("pdf")
    officer = [p for p in back if "store version" in p["text"] or p["text"].startswith("scorecard report")]
    assert officer and all(p["size"] <= 8 for p in officer)
    for i, page in enumerate(pages[:-1]):
        assert "store version" not in page.extract_text(), f"page {i + 1}"

    slides = list(Presentation(io.BytesIO(files["pptx"])).slides)
    texts = [[sh for sh in s.shapes if sh.has_text_frame] for s in slides]
    assert not any("store version" in sh.text_frame.text for shapes in texts[:-1] for sh in shapes)
    officer = [sh for sh in texts[-1] if "store version" in sh.text_frame.text]
    assert len(officer) == 1 and pack.regenerate_words("pptx") in officer[0].text_frame.text
    assert "--format pptx" in pack.regenerate_words("pptx")
    assert all(r.font.size.pt <= 8 for p in officer[0].text_frame.paragraphs for r in p.runs)

    doc = Document(io.BytesIO(files["docx"]))
    paragraphs = [p.text for p in doc.paragraphs]
    back_at = paragraphs.index("For officers")
    assert not any("store version" in p for p in paragraphs[:back_at])
    assert any(f"store version {point.version}" in p for p in paragraphs[back_at:])
    assert any(pack.regenerate_words("docx") in p for p in paragraphs[back_at:])


# --- the deck ------------------------------------------------------------------------------------------
def _runs(shape):
    if shape.has_table:
        return [r for row in shape.table.rows for cell in row.cells for p in cell.text_frame.paragraphs for r in p.runs]
    if shape.has_text_frame:
        return [r for p in shape.text_frame.paragraphs for r in p.runs]
    return []


def test_the_deck_is_ten_slides_or_fewer_and_its_summary_twelve_points_or_more(packs):
    pack, files = packs
    slides = list(Presentation(io.BytesIO(files["pptx"])).slides)
    assert len(slides) <= 10
    summary = [s for s in slides if s.shapes.title.text.startswith("Summary")]
    assert 1 <= len(summary) <= 3
    measures_on = []
    for slide in summary:
        runs = [r for sh in slide.shapes if sh.top < pptx_pack.FOOTER_TOP and sh != slide.shapes.title
                for r in _runs(sh) if r.text.strip()]
        assert runs and min(r.font.size.pt for r in runs) >= 12, slide.shapes.title.text
        table = next(sh for sh in slide.shapes if sh.has_table)
        rows = [[c.text for c in row.cells] for row in table.table.rows][1:]
        bands = [r[0] for r in rows if r[1:] == [""] * (len(r) - 1)]
        measures_on.append(len(rows) - len(bands))
        for group in pack.board:  # each priority area whole, on one summary slide
            if f"{group.heading}: {group.counts_words}" in bands:
                assert all([c for c in line.cells()[:6]] in rows for line in group.rows), group.heading
    assert sum(measures_on) == len(pack.rows)
    assert min(measures_on) >= max(measures_on) / 2, f"a summary slide of a few rows left over: {measures_on}"
    assert not any("continued" in s.shapes.title.text.lower() for s in slides)


def test_detail_adds_each_measures_slide_as_an_appendix(packs, db, tmp_path):
    pack, files = packs
    short = list(Presentation(io.BytesIO(files["pptx"])).slides)
    long = list(Presentation(io.BytesIO(files["pptx_detail"])).slides)
    charted = [s for s in pack.sections if s.has_chart]
    assert len(long) == len(short) + len(charted)
    appendix = [s.shapes.title.text for s in long if s.shapes.title.text.startswith("Appendix: ")]
    assert len(appendix) == len(charted) and all(t.endswith(sec.metric.label) for t, sec in zip(appendix, charted))
    assert long[-1].shapes.title.text == short[-1].shapes.title.text  # the back slide stays at the back
    out = tmp_path / "deck.pptx"
    assert cli.main(["--db", str(db), "report", "--area", "Plymouth", "--term", TERM, "--format", "pptx", "--detail",
                     "--out", str(out)]) == 0
    assert len(Presentation(str(out)).slides) == len(long)


def _label(value: float, number_format: str) -> str:
    """A value axis label as PowerPoint writes it with a '#,##0.00"%"' format."""
    decimals = len(number_format.split(".")[1].split('"')[0]) if "." in number_format else 0
    return f"{value:,.{decimals}f}" + ("%" if '"%"' in number_format else "")


def test_every_chart_axis_labels_its_ticks_apart(packs):
    _, files = packs
    checked = []
    for slide in Presentation(io.BytesIO(files["pptx_detail"])).slides:
        for shape in slide.shapes:
            if not shape.has_chart:
                continue
            axis = shape.chart.value_axis
            fmt = axis.tick_labels.number_format
            assert not axis.tick_labels.number_format_is_linked
            step, top = axis.major_unit, axis.maximum_scale
            values = [step * i for i in range(int(round(top / step)) + 1)]
            labels = [_label(v, fmt) for v in values]
            assert len(set(labels)) == len(labels) >= 3, (shape.name, fmt, labels)
            highest = max(v for s in shape.chart.plots[0].series for v in s.values if v is not None)
            assert top >= highest, shape.name
            checked.append((shape.name, labels))
    exclusions = dict(checked)["Chart: Permanent exclusion rate"]
    assert exclusions[:3] == ["0.0%", "0.2%", "0.4%"]  # 0.13%: the figures are percentages, labelled as such


# --- Word ------------------------------------------------------------------------------------------------
def _width_pt(cell) -> float:
    tc_w = cell._tc.tcPr.find(qn("w:tcW"))
    return int(tc_w.get(qn("w:w"))) / 20


def test_every_word_column_is_wide_enough_for_its_words(packs):
    _, files = packs
    doc = Document(io.BytesIO(files["docx"]))
    checked = 0
    for t, table in enumerate(doc.tables):
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        for row in table.rows:
            for cell in row.cells:
                room = _width_pt(cell) - 2 * docx_pack.CELL_MARGIN_PT
                for para in cell.paragraphs:
                    for run in para._p.iter(qn("w:r")):  # runs inside a link too
                        props = run.find(qn("w:rPr"))
                        sz = props.find(qn("w:sz")) if props is not None else None
                        size = int(sz.get(qn("w:val"))) / 2 if sz is not None else 11
                        bold = props is not None and props.find(qn("w:b")) is not None
                        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
                        for word in text.split():
                            assert text_fit.width(word, size, bold) <= room, (t, word, room)
                            checked += 1
    assert checked > 1000
    widths = [sum(_width_pt(c) for c in table.rows[0].cells) for table in doc.tables]
    assert max(widths) <= docx_pack.LANDSCAPE_MM * MM + 1  # and no table is wider than its page


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice) to render the Word pack")
def test_libreoffice_breaks_no_word_in_the_word_pack(packs, tmp_path):
    _, files = packs
    source = tmp_path / "pack.docx"
    source.write_bytes(files["docx"])
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    text = "\n".join(page.extract_text() for page in PdfReader(str(tmp_path / "pack.pdf")).pages)
    lines = [line.strip() for line in text.splitlines()]
    doc = Document(io.BytesIO(files["docx"]))
    words = {w.strip("(),;:") for table in doc.tables for row in table.rows for cell in row.cells
             for w in cell.text.split() if len(w.strip("(),;:")) >= 5 and w.strip("(),;:").isalpha()}
    assert "Plymouth" in words and "illustrative" in words
    broken = [(a, b) for a, b in zip(lines, lines[1:]) if a and b
              for w in words if len(a.split()[-1]) < len(w) and w == a.split()[-1] + b.split()[0]]
    assert not broken, f"LibreOffice breaks these words over two lines: {broken[:10]}"


# --- links back to the dashboard ----------------------------------------------------------------------
def test_every_pack_links_back_to_the_same_view_on_the_dashboard(rcon, monkeypatch):
    monkeypatch.setenv(config.PUBLIC_URL_ENV, "https://scorecard.plymouth.example/")
    pack = build_pack(rcon, PLYMOUTH, TERM)
    home = "https://scorecard.plymouth.example/?area=E06000026&term=Autumn+2026%2F27"
    assert pack.dashboard_url() == home
    measure = "https://scorecard.plymouth.example/trends?area=E06000026&term=Autumn+2026%2F27&metric=ehcp_20wk_pct"
    assert pack.dashboard_url("ehcp_20wk_pct") == measure
    wanted = {home} | {pack.dashboard_url(v.metric.id) for v in pack.rows}

    reader = PdfReader(io.BytesIO(render(pack, "pdf")[0]))
    in_pdf = {a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])
              if a.get_object().get("/Subtype") == "/Link" and "/URI" in a.get_object().get("/A", {})}
    assert wanted <= in_pdf
    top = {title: page for title, level, page in _outline(reader) if level == 0}
    summary_pages = reader.pages[:top["What needs the board's attention"] + 1]  # it may run on to page 2
    first = {a.get_object()["/A"]["/URI"] for page in summary_pages for a in page.get("/Annots", [])}
    assert wanted <= first  # the scorecard, and each measure's name in the summary

    doc = Document(io.BytesIO(render(pack, "docx")[0]))
    in_word = {rel.target_ref for rel in doc.part.rels.values() if rel.reltype.endswith("/hyperlink")}
    assert wanted <= in_word

    slide = Presentation(io.BytesIO(render(pack, "pptx")[0])).slides[0]
    in_deck = {r.hyperlink.address for sh in slide.shapes for r in _runs(sh) if r.hyperlink.address}
    assert in_deck == {home}


@pytest.mark.parametrize("value", ["scorecard.example", "ftp://scorecard.example", "https://x.example/?area=1"])
def test_a_dashboard_address_that_cannot_be_linked_to_is_refused_in_a_sentence(db, tmp_path, capsys, monkeypatch,
                                                                               value):
    monkeypatch.setenv(config.PUBLIC_URL_ENV, value)
    out = tmp_path / "pack.pdf"
    assert cli.main(["--db", str(db), "report", "--area", "Plymouth", "--term", TERM, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "SCORECARD_PUBLIC_URL must be the dashboard's web address" in err and "Traceback" not in err
    assert not out.exists()


def test_pack_sizes_stay_within_a_slide(packs):
    """Every shape of every slide of both decks sits on the slide (the summary's split leaves room)."""
    _, files = packs
    for key in ("pptx", "pptx_detail"):
        prs = Presentation(io.BytesIO(files[key]))
        for number, slide in enumerate(prs.slides, start=1):
            for shape in slide.shapes:
                assert shape.top + shape.height <= Emu(prs.slide_height), (key, number, shape.name)
