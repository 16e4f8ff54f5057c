"""Public outputs never reveal a suppressed figure's position (issue 18): the public Excel pack's
Summary sheet said "c" for requests refused while its Comparators sheet still gave "148 of 151", and
`card --public` printed a rank beside a "c".

One test walks every public output for Plymouth, with the illustrative sample and targets loaded:
`card --public` in every format, the four public packs, the anonymous visitor's Scorecard, Trends and
Compare pages and every CSV they offer. In 2024 Plymouth refused 1 of 1,176 requests (a count below
5, so suppressed); internally that figure ranks, has an interval, a change and a rank caveat. None of
those may appear anywhere public, and no public table may rank or band a suppressed figure."""

from __future__ import annotations

import io
import json
import re
import shutil

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
import streamlit as st

from scorecard import (access, card, cli, compare_view, config, hexmap, ingest, local_returns, queries, store, summary,
                       suppression, trend_view, words)
from scorecard.areas import AreaIndex
from scorecard.charts.ranking import ranking_frame
from scorecard.importers import SourceFile
from scorecard.periods import parse
from scorecard.register import metrics_from_store
from scorecard.reports import build_pack, render
from scorecard.tables import MetricTables, metric_table
from scorecard.ui import widgets

from ..rendered import markdown_sources, shown

ADMIN = access.command_line("test")
PLYMOUTH, TERM, REFUSED = "E06000026", "Autumn 2026/27", "ehcp_requests_refused_pct"
TARGETS = b"area,metric,from_period,target,tolerance\nE06000026,ehcp_20wk_pct,2020,60,2.5\n" \
          b"E06000026,ehcp_requests_6wk_pct,2020,80,2.5\nE06000026,tribunal_appeal_rate_pct,2020,4,0.5\n"


@pytest.fixture(scope="module")
def prepared(seeded_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("public") / "public.duckdb"
    shutil.copy(seeded_template, path)
    con = store.connect(str(path))
    local_returns.load_sample(con, actor=ADMIN)
    ingest.import_source(con, SourceFile("targets.csv", TARGETS), actor=ADMIN)
    con.close()
    return path


def _internal_giveaways(path) -> list[str]:
    """Everything the internal version says about where the refusal figure stands."""
    con = store.connect(str(path), read_only=True)
    built = card.build(con, PLYMOUTH, TERM)
    con.close()
    row = next(r for r in built.rows if r.metric.id == REFUSED)
    assert row.rank and row.interval and row.rank_caveat and row.numerator == 1, "the figure must have a position"
    return [f"{words.ordinal(row.rank)} highest of {row.rank_of}", f"{words.ordinal(row.rank)} of {row.rank_of}",
            "1 of 1,176", words.interval(row), row.rank_caveat]


def _assert_clean(text: str, giveaways: list[str], where: str) -> None:
    squashed = re.sub(r"\s+", " ", text)
    for said in giveaways:
        assert said not in squashed, f"{where} reveals {said!r}"


def _refused_frame_rows(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame[frame[column].astype(str).str.contains("refused", case=False)]


def test_every_public_output_hides_a_suppressed_figures_position(prepared, capsys, monkeypatch):
    giveaways = _internal_giveaways(prepared)

    # card --public, in every format
    for fmt in ("table", "csv", "json"):
        assert cli.main(["--db", str(prepared), "card", "--area", "Plymouth", "--term", TERM, "--public",
                         "--format", fmt]) == 0
        out = capsys.readouterr().out
        _assert_clean(out, giveaways, f"card --public --format {fmt}")
        if fmt == "json":
            refused = next(r for r in json.loads(out) if r["metric"] == REFUSED)
            assert refused["value"] == "c" and refused["rank"] == "c" and refused["quartile"] == "c"
            assert refused["ci_lower"] == "c" and refused["change"] == "c"
            assert "Rank not comparable" not in refused["flags"]

    # The four public packs
    con = store.connect(str(prepared), read_only=True)
    pack = build_pack(con, PLYMOUTH, TERM, public=True)
    view = next(v for v in pack.rows if v.metric.id == REFUSED)
    assert view.row.rank is None and view.row.quartile is None and view.row.interval is None
    assert view.summary.latest == "c" and view.summary.direction == "c" and view.summary.interval == ""
    assert not view.summary.position[:1].isdigit()
    section = pack.section_for(REFUSED)
    assert section.data.set_index("period")["value"].get("2024") is None or pd.isna(
        section.data.set_index("period")["value"]["2024"])  # no chart point
    for fmt in ("pdf", "pptx", "docx", "xlsx"):
        data = render(pack, fmt)[0]
        _assert_clean(_pack_text(fmt, data), giveaways, f"the public {fmt} pack")
    workbook = load_workbook(io.BytesIO(render(pack, "xlsx")[0]))
    comparators = workbook["Comparators"]
    header = [c.value for c in comparators[1]]
    refused = next(dict(zip(header, r)) for r in comparators.iter_rows(min_row=2, values_only=True) if r[0] == REFUSED)
    assert refused["rank"] is None and refused["rank_of"] is None and refused["quartile"] is None
    assert not str(refused["rank_or_band_words"])[:1].isdigit()

    # Every CSV the public pages offer, worked out as the pages work them out
    public_card, hidden = suppression.public_card(con, PLYMOUTH, TERM)
    groups = summary.board_summary(public_card, "la", hidden)
    _assert_clean(summary.summary_frame(groups).to_csv(), giveaways, "the summary CSV")
    _assert_clean(widgets.card_table(public_card).drop(columns=["Trend"]).to_csv(), giveaways, "the scorecard CSV")
    _assert_clean(" ".join(words.summary(public_card)), giveaways, "the summary read aloud")
    metrics = metrics_from_store(con)
    metric = metrics[REFUSED]
    public_table = suppression.public_frame(metric_table(con, metric), metric)
    mine = public_table[(public_table["area_code"] == PLYMOUTH) & (public_table["period"] == "2024")].iloc[0]
    assert pd.isna(mine["value"]) and pd.isna(mine["rank"]) and pd.isna(mine["ci_lower"]) and not mine["rank_uncertain"]
    suppressed = public_table[public_table["status"].astype(str).str.startswith("suppressed in the public")]
    assert len(suppressed) and suppressed["rank"].isna().all() and suppressed["quartile"].isna().all()
    areas = AreaIndex.from_store(con)
    period = next(p for p in compare_view.period_options(public_table) if p.label == "2024")
    view = compare_view.build(areas.get(PLYMOUTH), metric, public_table, period, areas, queries.neighbour_links(con),
                              hexmap.load(), queries.sources(con))
    for chart in (view.ranking, view.hexmap):
        _assert_clean(" ".join([chart.title, chart.description, chart.csv.to_csv(), chart.table.to_csv()]),
                      giveaways, "the Compare page")
    plymouth = view.ranking.csv.set_index("new_la_code").loc[PLYMOUTH]
    assert plymouth["rank"] == "" and plymouth["quartile_band"] == "" and plymouth[f"{REFUSED}_ci_lower"] == ""
    frame = ranking_frame(public_table, "2024", metric)
    bars = {c[0] for trace in view.ranking.figure.data for c in (trace.customdata or [])}
    assert "Plymouth" not in bars, "no bar for a suppressed figure"
    trends = trend_view.build(areas.get(PLYMOUTH), parse(TERM), metric, metrics,
                              lambda m: suppression.public_frame(metric_table(con, metrics[m]), metrics[m]), areas,
                              lambda m: queries.series_breaks(con, m), pd.DataFrame(columns=["metric_id"]),
                              queries.sources(con))
    _assert_clean(" ".join([trends.title, trends.description, trends.csv.to_csv(), trends.table.to_csv()]),
                  giveaways, "the Trends page")
    con.close()

    # The anonymous visitor's Scorecard page
    at = _anonymous_home(prepared, monkeypatch)
    _assert_clean("\n".join(shown(s) for s in markdown_sources(at)), giveaways, "the public Scorecard page")
    for frame in (d.value for d in at.dataframe):
        _assert_clean(frame.astype(str).to_csv(), giveaways, "a table on the public Scorecard page")
    assert frame is not None and len(frame)


def _pack_text(fmt: str, data: bytes) -> str:
    if fmt == "pdf":
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    if fmt == "pptx":
        parts = []
        for slide in Presentation(io.BytesIO(data)).slides:
            for shape in slide.shapes:
                if shape.has_text_frame:
                    parts.append(shape.text_frame.text)
                if shape.has_table:
                    parts += [c.text for r in shape.table.rows for c in r.cells]
        return " ".join(parts)
    if fmt == "docx":
        doc = Document(io.BytesIO(data))
        return " ".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    workbook = load_workbook(io.BytesIO(data))
    return " ".join(str(v) for ws in workbook for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def _anonymous_home(path, monkeypatch) -> AppTest:
    monkeypatch.setenv("SCORECARD_DB", str(path))
    monkeypatch.delenv(access.ACCESS_ENV, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    pages = config.PROJECT_ROOT / "app_pages"
    router = ("import streamlit as st\n"
              f"st.navigation([st.Page({str(pages / 'home.py')!r}, title='Scorecard', default=True), "
              f"st.Page({str(pages / 'trends.py')!r}, title='Trends'), "
              f"st.Page({str(pages / 'compare.py')!r}, title='Compare')]).run()\n")
    at = AppTest.from_string(router, default_timeout=180)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "id", "client_secret": "secret",
                          "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
    at.query_params["area"] = PLYMOUTH
    at.query_params["term"] = TERM
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    st.cache_resource.clear()
    st.cache_data.clear()
    return at
