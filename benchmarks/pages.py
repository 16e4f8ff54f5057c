"""Benchmark: the dashboard's Scorecard, Trends and Compare pages.

* warm page run: one AppTest run of each page for Plymouth, after a warm-up run in the same process
  (caches filled, as for a user moving around the app); target < 500 ms each.
* cold start: a fresh Python process, on a store just made by `scorecard init`, importing Streamlit
  and running the scorecard page to the end (what the first visitor waits for); target < 3000 ms.

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

PAGES = ROOT / "pages"
ROUTER = f"""
import streamlit as st
st.navigation([st.Page({str(PAGES / "home.py")!r}, title="Scorecard", default=True),
               st.Page({str(PAGES / "trends.py")!r}, title="Trends"),
               st.Page({str(PAGES / "compare.py")!r}, title="Compare")]).run()
"""
WARM_TARGET = "target < 500 ms"
COLD_TARGET = "target < 3000 ms"
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
        results.append((f"page {page}, Plymouth (warm run)", median_ms(at.run, repeat), WARM_TARGET))
    streamlit.cache_resource.clear()
    return results


def cold_start(tmp: Path) -> float:
    db = tmp / "cold.duckdb"
    env = {**os.environ, "SCORECARD_DB": str(db), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "scorecard.cli", "init"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
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
        results = warm_runs(db, repeat)
        cold = statistics.median(cold_start(tmp) for _ in range(max(1, min(repeat, 3))))
        results.append(("cold start to first scorecard (new process)", cold, COLD_TARGET))
    return results


if __name__ == "__main__":
    sys.exit(run_section(bench, __doc__))
