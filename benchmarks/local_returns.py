"""Benchmark: check and preview a 5,000-row local return against a seeded store.

Run alone: python benchmarks/local_returns.py [--repeat 5]; benchmarks/run.py may call bench().
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import median_ms, run_section  # noqa: E402

from scorecard import ingest, local_returns, periods, register, seed, store  # noqa: E402
from scorecard.areas import AreaIndex  # noqa: E402
from scorecard.importers import ImportContext, SourceFile, local_csv  # noqa: E402

ROWS = 5_000
LABEL = "validate + preview a 5,000-row return"
TARGET = "target < 2000 ms"


def write_return(path: Path, con, rows: int = ROWS, seed_value: int = 1) -> None:
    """A valid long-format return: local metrics x current LAs x past terms, `rows` rows."""
    rng = random.Random(seed_value)
    metrics = local_returns.local_metrics(register.metrics_from_store(con))
    las = AreaIndex.from_store(con).current_las()
    terms = periods.terms_back(periods.previous_term(periods.term_for_date(date.today())), 6)
    combos = [(a, m, t) for t in terms for a in las for m in metrics][:rows]
    if len(combos) < rows:
        raise RuntimeError(f"only {len(combos)} distinct area, metric and term combinations")
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["area", "metric", "period", "value", "numerator", "denominator", "status", "note"])
        for area, metric, term in combos:
            if metric.unit == "%":
                den = rng.randint(20, 400)
                num = rng.randint(0, den)
                w.writerow([area.code, metric.id, term.label, f"{100 * num / den:.1f}", num, den, "", ""])
            elif metric.unit == "count":
                w.writerow([area.la_number, metric.id, term.label, rng.randint(0, 900), "", "", "", ""])
            else:
                w.writerow([area.name, metric.id, term.label, f"{rng.uniform(0, 5):.2f}", "", "", "",
                            "Figure from the SEND service's case management system"])


def bench(repeat: int) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        con = store.connect(str(Path(tmp) / "bench.duckdb"))
        seed.init(con)
        path = Path(tmp) / "return_5000.csv"
        write_return(path, con)
        source = SourceFile.from_path(path)

        def validate_and_preview():
            plan = local_csv.read(source, ImportContext.from_store(con))
            diff = ingest.preview(con, plan)
            assert diff.added == ROWS, diff.added

        validate_and_preview()  # warm: imports, DuckDB's first query
        median = median_ms(validate_and_preview, repeat)
        con.close()
    return [(LABEL, median, TARGET)]


if __name__ == "__main__":
    sys.exit(run_section(bench, __doc__))
