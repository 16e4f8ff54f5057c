"""A page run reads one version of the store from its start to its end, and a change committed on the
command line shows on the next run: the Scorecard page's summary CSV and its scorecard CSV never
disagree, even when the store changes (and a fresh copy is made) in the middle of a run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from scorecard import access, config, ingest, store
from scorecard.importers import SourceFile
from scorecard.ui import data, inspection_view, widgets

ADMIN = access.command_line("test")
PAGES = config.PROJECT_ROOT / "app_pages"
ROUTER = f"""
import streamlit as st
st.navigation([st.Page({str(PAGES / "home.py")!r}, title="Scorecard", default=True),
               st.Page({str(PAGES / "trends.py")!r}, title="Trends"),
               st.Page({str(PAGES / "compare.py")!r}, title="Compare")]).run()
"""
STAFFING = "Permanent staffing"


def _return(value: int) -> bytes:
    return f"area,metric,period,value\nPlymouth,perm_staff_pct,Summer 2025/26,{value}\n".encode()


def _import_on_the_command_line(db: str, tmp_path, value: int) -> None:
    path = tmp_path / f"staffing_{value}.csv"
    path.write_bytes(_return(value))
    done = subprocess.run([sys.executable, "-m", "scorecard.cli", "--db", db, "import", "--yes", str(path)],
                          capture_output=True, text=True, timeout=180, env={**os.environ, "SCORECARD_DB": db})
    assert done.returncode == 0, done.stderr


@pytest.fixture
def scorecard_page(db_path, monkeypatch):
    con = store.connect(str(db_path))
    ingest.import_source(con, SourceFile("staffing_61.csv", _return(61)), actor=ADMIN)
    con.close()
    monkeypatch.setenv("SCORECARD_DB", str(db_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    csvs: list = []
    real_csv_bytes = widgets.csv_bytes

    def recorded(frame):
        csvs.append(frame.copy())
        return real_csv_bytes(frame)

    monkeypatch.setattr(widgets, "csv_bytes", recorded)
    at = AppTest.from_string(ROUTER, default_timeout=180)
    at.query_params["area"] = "E06000026"
    at.query_params["term"] = "Autumn 2026/27"
    yield at, csvs
    st.cache_resource.clear()
    st.cache_data.clear()


def _staffing(frame) -> str:
    row = frame[frame["Measure"].astype(str).str.startswith(STAFFING)]
    assert len(row) == 1, frame["Measure"].tolist()
    return str(row.iloc[0]["Latest"])


def _run(at, csvs) -> tuple[str, str]:
    csvs.clear()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    summary_csv, card_csv = csvs  # the summary's download, then the scorecard table's
    return _staffing(summary_csv), _staffing(card_csv)


def test_the_summary_and_the_scorecard_agree_when_the_store_changes_mid_run(scorecard_page, db_path, tmp_path,
                                                                            monkeypatch):
    at, csvs = scorecard_page
    assert _run(at, csvs) == ("61.0%", "61.0%")

    real_show_latest = inspection_view.show_latest

    def change_the_store_mid_run(area):
        """Between the page's first reads and the summary: the command line commits, and a fresh copy of
        the store is made (as another session's run would make it)."""
        _import_on_the_command_line(str(db_path), tmp_path, 77)
        data.dashboard_store().refresh()
        return real_show_latest(area)

    monkeypatch.setattr(inspection_view, "show_latest", change_the_store_mid_run)
    summary_figure, card_figure = _run(at, csvs)
    assert summary_figure == card_figure == "61.0%", (summary_figure, card_figure)

    monkeypatch.setattr(inspection_view, "show_latest", real_show_latest)
    assert _run(at, csvs) == ("77.0%", "77.0%")  # the next run shows the change


def test_a_command_line_change_shows_on_the_very_next_run(scorecard_page, db_path, tmp_path):
    at, csvs = scorecard_page
    assert _run(at, csvs) == ("61.0%", "61.0%")
    _import_on_the_command_line(str(db_path), tmp_path, 83)
    assert _run(at, csvs) == ("83.0%", "83.0%")  # no wait, no second look: the next run
