"""Benchmark: one committee pack for Plymouth in each format, end to end (the scorecard, the metric
tables and the file), against a seeded store holding the illustrative Plymouth local return.

Run alone: python benchmarks/reports.py [--repeat 3]; benchmarks/run.py calls bench().
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import median_ms, run_section  # noqa: E402

from scorecard import local_returns, periods, seed, store  # noqa: E402
from scorecard.areas import AreaIndex  # noqa: E402
from scorecard.reports import FORMATS, pack_bytes  # noqa: E402

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

TARGET = "target < 10000 ms"
PDF_TARGET = "target < 2000 ms"  # issue 9: the committee paper in under two seconds


def bench(repeat: int) -> list[tuple[str, float, str]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        con = store.connect(str(Path(tmp) / "bench.duckdb"))
        seed.init(con)
        local_returns.load_sample(con, actor=ADMIN)  # 23 measures, 9 of them termly local figures
        plymouth = AreaIndex.from_store(con).resolve("Plymouth").code
        term = periods.term_for_date(date.today())
        pack_bytes(con, plymouth, term, "pdf")  # warm: imports, fonts, DuckDB's first queries
        cases = [(fmt, False) for fmt in FORMATS] + [("pdf", True)]
        for fmt, public in cases:
            def one_pack(fmt=fmt, public=public):
                data, _, _ = pack_bytes(con, plymouth, term, fmt, public=public)
                assert len(data) > 5000

            label = f"report pack {fmt}{' (public)' if public else ''}, Plymouth"
            results.append((label, median_ms(one_pack, repeat), PDF_TARGET if fmt == "pdf" else TARGET))
        con.close()
    return results


if __name__ == "__main__":
    sys.exit(run_section(bench, __doc__, default_repeat=3))
