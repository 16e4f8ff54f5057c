"""Benchmark: one committee pack for Plymouth in each format, end to end (the scorecard, the metric
tables and the file), against a seeded store holding the illustrative Plymouth local return.

Run alone: python benchmarks/reports.py [--repeat 3]; benchmarks/run.py calls bench().
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scorecard import local_returns, periods, seed, store  # noqa: E402
from scorecard.areas import AreaIndex  # noqa: E402
from scorecard.reports import FORMATS, pack_bytes  # noqa: E402

TARGET = "target < 10000 ms"


def bench(repeat: int) -> list[tuple[str, float, str]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        con = store.connect(str(Path(tmp) / "bench.duckdb"))
        seed.init(con)
        local_returns.load_sample(con)  # 23 measures, 9 of them termly local figures
        plymouth = AreaIndex.from_store(con).resolve("Plymouth").code
        term = periods.term_for_date(date.today())
        pack_bytes(con, plymouth, term, "pdf")  # warm: imports, fonts, DuckDB's first queries
        cases = [(fmt, False) for fmt in FORMATS] + [("pdf", True)]
        for fmt, public in cases:
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                data, _, _ = pack_bytes(con, plymouth, term, fmt, public=public)
                times.append((time.perf_counter() - started) * 1000)
                assert len(data) > 5000
            label = f"report pack {fmt}{' (public)' if public else ''}, Plymouth"
            results.append((label, statistics.median(times), TARGET))
        con.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for label, ms, target in bench(args.repeat):
        print(f"{label:<48} {ms:>9.1f} ms   {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
