"""Committee and stocktake packs: each file is opened with a reader library and its contents checked
against the real seeded figures."""

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

from scorecard import card, cli, commentary, queries, register, store, targets
from scorecard.areas import ENGLAND
from scorecard import suppression
from scorecard.reports import build_pack, file_name, pack_bytes, render
from scorecard.reports.content import progress_words

PLYMOUTH, SCILLY = "E06000026", "E06000053"
TERM = "Autumn 2026/27"
FORMULA_TEXT = "=SUM(A1) of the backlog"
PHONE_TEXT = "+44 1752 000000 is the duty line"
INTERNAL_TEXT = "Internal only: the service manager is on long-term leave"


@pytest.fixture(scope="module")
def db(seeded_template, tmp_path_factory):
    """The seeded store with Plymouth targets (one Red, one Amber, one Green) and commentary."""
    path = tmp_path_factory.mktemp("reports") / "reports.duckdb"
    shutil.copy(seeded_template, path)
    con = store.connect(str(path))
    target = {"area_code": PLYMOUTH, "period_label": None, "from_period": None, "to_period": None,
              "tolerance": 0.0, "baseline_period": None}
    targets.save_targets(con, [
        {**target, "metric_id": "ehcp_20wk_pct", "target": 50.0, "from_period": "2022"},  # 6.0%, worse: Red
        {**target, "metric_id": "ehcp_requests_6wk_pct", "target": 19.5},  # 18.0%, within 1.95 of it: Amber
        {**target, "metric_id": "tribunal_appeal_rate_pct", "target": 9.0},  # 8.2%, lower is better: Green
    ], "test")
    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, FORMULA_TEXT, "Head of SEND",
                   cause="Backlog after the case system changed", action="Two more case officers",
                   owner="Head of SEND", recovery_period="Summer 2026/27")
    commentary.add(con, PLYMOUTH, "tribunal_appeal_rate_pct", TERM, PHONE_TEXT, "SEND officer")
    commentary.add(con, PLYMOUTH, "ehcp_requests_6wk_pct", TERM, INTERNAL_TEXT, "SEND officer", internal=True)
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
            "internal_pdf": render(internal, "pdf")[0], "public": public}


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def area_series(con, metric_id: str, area_code: str) -> pd.Series:
    values = queries.metric_values(con, metric_id)
    return values[values["area_code"] == area_code].set_index("period")["value"]


# --- PDF ---------------------------------------------------------------------------------------
def test_pdf_holds_the_area_england_with_periods_and_rag_words(plymouth, rcon):
    _, files = plymouth
    reader = PdfReader(io.BytesIO(files["pdf"]))
    text = pdf_text(files["pdf"])
    england = area_series(rcon, "ehcp_20wk_pct", ENGLAND)["2024"]
    assert "Plymouth" in text
    assert f"{england:.1f}%" == "46.4%" and "46.4% (calendar year 2024)" in text
    for word in ("■ Red", "▲ Amber", "● Green"):  # the rating in words, with its shape
        assert word in text
    assert "Plymouth issued 6.0% of new EHC plans within 20 weeks in 2024, below England (46.4%)" in text
    assert "Exception note. Cause: Backlog after the case system changed" in text
    assert INTERNAL_TEXT in text  # the internal version keeps internal commentary
    assert reader.metadata.title == f"SEND scorecard: Plymouth, {card.periods.parse(TERM).describe()}"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert [o["/Title"] for o in reader.outline[:3]][1:] == ["Summary", "The scorecard"]
    assert "Page 1 of" in text and register.LICENCE_ATTRIBUTION in text


def test_pdf_tables_repeat_their_header_and_never_split_a_row():
    from reportlab.platypus import Table

    from scorecard.reports import pdf

    class Probe(Table):
        made: list = []

        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            Probe.made.append(self)

    original = pdf.Table
    pdf.Table = Probe
    try:
        pdf._table([["a", "b"], ["1", "2"]], [10, 10], pdf._styles())
    finally:
        pdf.Table = original
    table = Probe.made[-1]
    assert table.repeatRows == 1 and not table.splitInRow


# --- PowerPoint --------------------------------------------------------------------------------
def test_pptx_has_native_editable_charts_with_the_real_figures(plymouth, rcon):
    pack, files = plymouth
    prs = Presentation(io.BytesIO(files["pptx"]))
    titles = [s.shapes.title.text for s in prs.slides]
    for group, _ in pack.groups():
        assert group in titles
    charts = {}
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                charts[shape.name] = shape
                assert shape._element.nvGraphicFramePr.cNvPr.get("descr")  # alt text
                assert len(shape.chart.plots[0].series) <= 4
    shape = charts["Chart: EHC plans issued within 20 weeks"]
    chart = shape.chart
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    periods = list(chart.plots[0].categories)
    local, england = area_series(rcon, "ehcp_20wk_pct", PLYMOUTH), area_series(rcon, "ehcp_20wk_pct", ENGLAND)
    assert periods[-1] == "2024"
    assert series["Plymouth"] == pytest.approx([local[p] for p in periods])
    assert series["England"] == pytest.approx([england[p] for p in periods])
    assert "Target" in series  # the trajectory is charted
    assert chart.chart_title.text_frame.text.startswith("Plymouth issued 6.0%")


# --- Word --------------------------------------------------------------------------------------
def test_docx_has_headings_tables_and_charts_with_alt_text(plymouth):
    pack, files = plymouth
    doc = Document(io.BytesIO(files["docx"]))
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3"} <= styles
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["Summary", "The scorecard", "Measures in detail"]
    assert len(doc.tables) > len(pack.groups())
    header = [c.text for c in doc.tables[1].rows[0].cells]
    assert header[:5] == ["Measure", "Latest", "Change", "Target", "Rating"]
    assert doc.tables[1].rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    charts = sum(1 for s in pack.sections if s.has_chart)
    assert len(doc.inline_shapes) == charts > 5
    for shape in doc.inline_shapes:
        assert shape._inline.docPr.get("descr").startswith("Line chart of")
    assert doc.core_properties.language == "en-GB"


# --- Excel -------------------------------------------------------------------------------------
def test_xlsx_has_no_formulas_and_neutralises_text(plymouth, rcon):
    _, files = plymouth
    wb = load_workbook(io.BytesIO(files["xlsx"]))
    assert {"Values", "Comparators", "Targets", "Commentary", "Trends", "Caveats", "Sources"} <= set(wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), f"{ws.title}!{cell.coordinate}"
    comments = {r[0]: r[3] for r in wb["Commentary"].iter_rows(min_row=2, values_only=True)}
    assert comments["ehcp_20wk_pct"] == "'" + FORMULA_TEXT
    assert comments["tribunal_appeal_rate_pct"] == "'" + PHONE_TEXT
    values = {r[0]: r for r in wb["Values"].iter_rows(min_row=2, values_only=True)}
    assert values["ehcp_20wk_pct"][5] == pytest.approx(area_series(rcon, "ehcp_20wk_pct", PLYMOUTH)["2024"])
    comparators = {r[0]: r for r in wb["Comparators"].iter_rows(min_row=2, values_only=True)}
    assert comparators["ehcp_20wk_pct"][3:5] == ("2024", pytest.approx(46.4))
    ratings = {r[0]: r[5] for r in wb["Targets"].iter_rows(min_row=2, values_only=True)}
    assert (ratings["ehcp_20wk_pct"], ratings["ehcp_requests_6wk_pct"], ratings["tribunal_appeal_rate_pct"]) == \
        ("Red", "Amber", "Green")


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

    for r in wb["Values"].iter_rows(min_row=2, values_only=True):
        check(r[0], r[3], r[6], r[5])
        check(r[0], r[3], r[9], r[8])
    for r in wb["Trends"].iter_rows(min_row=2, values_only=True):
        check(r[0], r[2], r[3], r[4])
        for comparator in r[6:9]:  # counts' comparators too (England and region totals, neighbour mean)
            if r[2] == "count":
                check(r[0], "count", r[3], comparator)
    for r in wb["Comparators"].iter_rows(min_row=2, values_only=True):
        if r[2] and metrics[r[2]].unit == "count":  # England and regional rates are sums over many areas
            for value in (r[4], r[6], r[8]):
                check(r[0], "count", r[3], value)
    assert checked > 50 and suppressed > 20
    values = {r[0]: r for r in wb["Values"].iter_rows(min_row=2, values_only=True)}
    assert values["ehcp_requests"][5] == "c"  # 2 requests in 2024
    assert values["ehcp_caseload"][5] == 17  # 17 plans: not small
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
    assert caseload.words["latest"] == "c" and caseload.row.value is None
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
    assert row.words["change_since_baseline"] == "down 44.1 points"
    assert row.words["progress"] == "target met at the baseline, missed now"
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
    assert progress_words(row) == "target met"
    row.target = targets.Target(4.0, 0.0, None, None, None, None)
    assert progress_words(row) == "no progress: further from the target than at the baseline"
    row.target = targets.Target(9.5, 0.0, None, None, None, None)
    row.value = 7.0
    assert progress_words(row) == "target met"
    row.target = targets.Target(5.0, 0.0, None, None, None, None)
    row.value = 5.4  # 5.8 -> 5.4 of the way to 5.0: half way
    assert progress_words(row) == "50% of the way from the baseline to the target"


# --- Entry points ------------------------------------------------------------------------------
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
