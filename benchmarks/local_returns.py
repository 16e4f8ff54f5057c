"""Benchmark: check and preview a 5,000-row local return against a seeded store (median of runs),
and a 200,000-row return checked, previewed and committed once in a fresh process, with that
process's time and peak memory (maximum resident set size, Python and its libraries included).

It also previews and commits a return that revises 20,000 local figures (each revision written to
the audit trail, old beside new), on a file store, in a fresh process.

Run alone: python benchmarks/local_returns.py [--repeat 5] [--large-rows 200000] [--revised-rows 20000]
[--only-revisions];
benchmarks/run.py calls bench() for the 5,000-row median.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT, line, median_ms  # noqa: E402

from scorecard import ingest, local_returns, periods, register, seed, store  # noqa: E402
from scorecard.areas import AreaIndex  # noqa: E402
from scorecard.importers import ImportContext, SourceFile, local_csv  # noqa: E402

ROWS = 5_000
LABEL = "validate + preview a 5,000-row return"
TARGET = "target < 2000 ms"
LARGE_ROWS = 200_000
LARGE_TARGET = "target < 10000 ms and < 400 MB"


def write_return(path: Path, con, rows: int = ROWS, seed_value: int = 1) -> None:
    """A valid long-format return: local metrics x current LAs x past terms, `rows` rows."""
    rng = random.Random(seed_value)
    metrics = local_returns.local_metrics(register.metrics_from_store(con))
    las = AreaIndex.from_store(con).current_las()
    needed = -(-rows // (len(metrics) * len(las)))  # enough past terms for `rows` distinct rows
    terms = periods.terms_back(periods.previous_term(periods.term_for_date(date.today())), max(6, needed))
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


# The large run happens in a child process of its own, so its peak memory is that of a dashboard
# or CLI process doing just this: read the file, check every row, preview, commit.
_LARGE_CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from scorecard import access, ingest, store
from scorecard.importers import ImportContext, SourceFile, read_file
con = store.connect(sys.argv[1])
imported, cpu = time.perf_counter(), time.process_time()
source = SourceFile.from_path(sys.argv[2])
plan = read_file(source, ImportContext.from_store(con))
checked = time.perf_counter()
diff = ingest.preview(con, plan)
previewed = time.perf_counter()
result = ingest.commit(con, plan, actor=access.command_line("benchmark"), seen=diff)
done = time.perf_counter()
con.close()
print(json.dumps({"added": result.added, "imports_s": imported - started, "check_s": checked - imported,
                  "preview_s": previewed - checked, "commit_s": done - previewed,
                  "work_s": done - imported, "cpu_s": time.process_time() - cpu,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bench_large(rows: int = LARGE_ROWS) -> dict:
    """Validate + preview + commit a `rows`-row return in a fresh process: its timings and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "large.duckdb"
        con = store.connect(str(db))
        seed.init(con)
        path = Path(tmp) / f"return_{rows}.csv"
        write_return(path, con, rows)
        con.close()
        done = subprocess.run([sys.executable, "-c", _LARGE_CHILD, str(db), str(path)], cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(done.stderr)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["added"] != rows:
        raise RuntimeError(f"expected {rows} rows added, got {figures['added']}")
    return figures


REVISED_ROWS = 20_000
REVISED_TARGET = "target < 10000 ms"

# A return that revises figures already in the store: every row a new value for a figure a first
# return gave. Committed (preview, then commit in one transaction) in a child process of its own.
_REVISE_CHILD = """
import json, sys, time
from scorecard import access, ingest, store
from scorecard.importers import ImportContext, SourceFile, read_file
con = store.connect(sys.argv[1])
plan = read_file(SourceFile.from_path(sys.argv[2]), ImportContext.from_store(con))
started = time.perf_counter()
diff = ingest.preview(con, plan)
result = ingest.commit(con, plan, actor=access.command_line("benchmark"), seen=diff)
done = time.perf_counter()
audited = con.execute("SELECT count(*) FROM audit_event WHERE action = 'figure revised' AND batch_id = ?",
                      [result.batch_id]).fetchone()[0]
con.close()
print(json.dumps({"revised": result.changed, "audited": audited, "commit_s": done - started}))
"""


def bench_revisions(rows: int = REVISED_ROWS, db_target: str | None = None) -> dict:
    """Preview and commit a return that revises `rows` local figures, each written to the audit trail
    old beside new, on a file store (or the lake named): its time in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        db = db_target or str(Path(tmp) / "revise.duckdb")
        con = store.connect(db)
        seed.init(con)
        first, second = Path(tmp) / "first.csv", Path(tmp) / "revised.csv"
        write_return(first, con, rows, seed_value=1)
        write_return(second, con, rows, seed_value=2)
        from scorecard import access

        ingest.import_source(con, SourceFile.from_path(first), actor=access.command_line("benchmark"))
        con.close()
        done = subprocess.run([sys.executable, "-c", _REVISE_CHILD, db, str(second)], cwd=ROOT, capture_output=True,
                              text=True)
        if done.returncode:
            raise RuntimeError(done.stderr)
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--large-rows", type=int, default=LARGE_ROWS)
    parser.add_argument("--revised-rows", type=int, default=REVISED_ROWS)
    parser.add_argument("--only-revisions", action="store_true", help="run only the revisions benchmark")
    args = parser.parse_args()
    figures = bench_revisions(args.revised_rows)
    print(line(f"preview + commit revising {figures['revised']:,} local figures", figures["commit_s"] * 1000,
               REVISED_TARGET) + f"  ({figures['audited']:,} revisions in the audit trail)", flush=True)
    if args.only_revisions:
        return 0
    for label, ms, target in bench(args.repeat):
        print(line(label, ms, target), flush=True)
    figures = bench_large(args.large_rows)
    print(line(f"validate + preview + commit {args.large_rows:,} rows", figures["work_s"] * 1000, LARGE_TARGET))
    print(f"{'  peak memory (whole process)':<48} {figures['peak_mb']:>9.0f} MB")
    print(f"{'  processor time (wall time varies with load)':<48} {figures['cpu_s'] * 1000:>9.1f} ms")
    print(f"{'  of which: check / preview / commit':<48} {figures['check_s']:.1f} s / {figures['preview_s']:.1f} s / "
          f"{figures['commit_s']:.1f} s (imports {figures['imports_s']:.1f} s, not counted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
