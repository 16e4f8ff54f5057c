"""Benchmark: the dashboard's Scorecard, Trends and Compare pages, on Plymouth with the illustrative
sample loaded and targets set (a board's scorecard as it is used: about two dozen measures, rated).

* board summary: summary.board_summary of a built scorecard, and its HTML (the counts and the table);
  target < 150 ms.
* warm page run: one AppTest run of each page for Plymouth, after a warm-up run in the same process
  (caches filled, as for a user moving around the app); the Scorecard (home) page target < 150 ms,
  Trends and Compare < 500 ms.
* cold start: a fresh Python process, on a store just made by `scorecard init` (with the sample and
  targets), importing Streamlit and running the scorecard page to the end, board summary and all
  (what the first visitor waits for); target < 2000 ms.

Run alone: python benchmarks/pages.py [--repeat 5]; benchmarks/run.py calls bench().
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import median_ms, run_section  # noqa: E402

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PAGES = ROOT / "app_pages"
ROUTER = f"""
import streamlit as st
st.navigation([st.Page({str(PAGES / "home.py")!r}, title="Scorecard", default=True),
               st.Page({str(PAGES / "trends.py")!r}, title="Trends"),
               st.Page({str(PAGES / "compare.py")!r}, title="Compare")]).run()
"""
WARM_TARGET = "target < 500 ms"
HOME_TARGET = SUMMARY_TARGET = "target < 150 ms"
COLD_TARGET = "target < 2000 ms"
TARGETS_CSV = """area,metric,from_period,target,tolerance
E06000026,ehcp_20wk_pct,2020,60,2.5
E06000026,ehcp_20wk_term_pct,Autumn 2025/26,70,2.5
E06000026,ehcp_requests_6wk_pct,2020,80,2.5
E06000026,annual_reviews_on_time_pct,Autumn 2025/26,60,2.5
E06000026,complaints_on_time_pct,Autumn 2025/26,90,2
E06000026,perm_staff_pct,Autumn 2025/26,90,2
E06000026,ep_vacancies,Autumn 2025/26,2,0
E06000026,tribunal_appeal_rate_pct,2020,4,0.5
"""
# Run in a fresh process: import everything, run the scorecard page once, fail loudly on any error.
COLD_SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from streamlit.testing.v1 import AppTest
at = AppTest.from_string({ROUTER!r}, default_timeout=120)
at.query_params["area"] = "E06000026"
at.run()
assert not at.exception, [e.value for e in at.exception]
assert at.metric[0].value == "6.0%", at.metric[0].value
assert any('class="sc-table"' in m.value for m in at.markdown), "no board summary"
"""


def warm_runs(db_path: Path, repeat: int) -> list[tuple[str, float, str]]:
    import streamlit
    from streamlit.testing.v1 import AppTest

    os.environ["SCORECARD_DB"] = str(db_path)
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    results = []
    for page in ("scorecard", "trends", "compare"):
        at = AppTest.from_string(ROUTER, default_timeout=120)
        at.query_params["area"] = "E06000026"
        at.run()
        if page != "scorecard":
            at.switch_page(str(PAGES / f"{page}.py"))
        at.run()  # warm-up
        if at.exception:
            raise RuntimeError(f"{page}: {[e.value for e in at.exception]}")
        target = HOME_TARGET if page == "scorecard" else WARM_TARGET
        results.append((f"page {page}, Plymouth (warm run)", median_ms(at.run, repeat), target))
    streamlit.cache_resource.clear()
    return results


def board_summary(db_path: Path, repeat: int) -> tuple[str, float, str]:
    """The board summary and its HTML, from Plymouth's built scorecard."""
    from scorecard import card, store, summary
    from scorecard.ui import html_tables

    con = store.connect(str(db_path))
    built = card.build(con, "E06000026", "Autumn 2026/27")
    con.close()

    def summarise():
        groups = summary.board_summary(built, "la")
        total = summary.totals(groups)
        html_tables.top_html(groups, total, [])
        html_tables.summary_table_html(groups, "Board summary")

    summarise()
    return ("board summary and its HTML, Plymouth (built card)", median_ms(summarise, repeat * 4), SUMMARY_TARGET)


def prepare(db: Path) -> None:
    """`scorecard init`, the illustrative sample and the targets, as a board's scorecard is used."""
    from scorecard import ingest, local_returns, store
    from scorecard.importers import SourceFile

    con = store.connect(str(db))
    local_returns.load_sample(con, actor=ADMIN)
    ingest.import_source(con, SourceFile("targets.csv", TARGETS_CSV.encode()), actor=ADMIN)
    con.close()


def cold_start(tmp: Path) -> float:
    db = tmp / "cold.duckdb"
    env = {**os.environ, "SCORECARD_DB": str(db), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "scorecard.cli", "init"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    prepare(db)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", COLD_SCRIPT], cwd=tmp, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def bench(repeat: int) -> list[tuple[str, float, str]]:
    from scorecard import seed, store

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = tmp / "warm.duckdb"
        con = store.connect(str(db))
        seed.init(con)
        con.close()
        prepare(db)
        results = [board_summary(db, repeat), *warm_runs(db, repeat)]
        cold = statistics.median(cold_start(tmp) for _ in range(max(1, min(repeat, 3))))
        results.append(("cold start to first scorecard (new process)", cold, COLD_TARGET))
    return results


if __name__ == "__main__":
    sys.exit(run_section(bench, __doc__))
