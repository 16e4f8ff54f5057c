#!/usr/bin/env python3
"""SEND Scorecard benchmarks. Run: python benchmarks/run.py [--raw ../shared/data] [--repeat 5]

Reports medians of repeated runs, in milliseconds, on this machine:
  init            `scorecard init` on an empty store (create, migrate, load the seed)
  zip import      importing the whole 2025 EHC plans ZIP into a store holding areas and the register
  duckdb read     DuckDB alone reading the same ZIP's CSVs with read_csv (the ratio is what counts)
  show            `show` for one metric: one area, and all areas (warm, in process)
Later sections time the dashboard pages, local-return validation, report packs and the refusal
of a ZIP bomb (benchmarks/zip_bomb.py; benchmarks/local_returns.py alone also runs a 200,000-row return).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from benchmarks.common import line, median_ms  # noqa: E402

from scorecard import config, ingest, register, seed, store  # noqa: E402
from scorecard.areas import AreaIndex  # noqa: E402
from scorecard.importers import ImportContext, SourceFile, read_file  # noqa: E402
from scorecard.tables import metric_table  # noqa: E402

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

RESULTS: list[tuple[str, float, str]] = []
PLAIN_READ = "SELECT * FROM read_csv(?)"
LENIENT_READ = ("SELECT * FROM read_csv(?, all_varchar = true, null_padding = true, strict_mode = false, "
                "parallel = false)")


def timed(label: str, fn, repeat: int, target: str = "") -> float:
    median = median_ms(fn, repeat)
    RESULTS.append((label, median, target))
    print(line(label, median, target), flush=True)
    return median


def bench_store(raw: Path, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10_000))

        def init_fresh():
            con = store.connect(str(Path(tmp) / f"init{next(counter)}.duckdb"))
            seed.init(con)
            con.close()

        timed("init (empty store -> seeded)", init_fresh, repeat, "target < 3000 ms")

        zip_path = raw / "ees" / "education-health-and-care-plans_2025.zip"
        if zip_path.exists():
            source = SourceFile.from_path(zip_path)
            base = Path(tmp) / "base.duckdb"
            con = store.connect(str(base))
            with store.transaction(con):
                register.sync_to_store(con)
                for name, table in (("areas", "area"), ("area_aliases", "area_alias"), ("area_changes", "area_change")):
                    seed._insert_frame(con, table, seed.read_table(config.SEED_DIR, name).df())
            con.close()

            def import_zip():
                target = Path(tmp) / f"zip{next(counter)}.duckdb"
                target.write_bytes(base.read_bytes())
                c = store.connect(str(target))
                ingest.commit(c, read_file(source, ImportContext.from_store(c)), actor=ADMIN)
                c.close()

            imported = timed("import 2025 EHC plans ZIP (all mapped files)", import_zip, repeat, "target < 10000 ms")
            extract = Path(tmp) / "zip"
            with zipfile.ZipFile(zip_path) as z:
                members = [m for m in z.namelist() if m.endswith(".csv")]
                z.extractall(extract, members)

            def duck_read():
                c = duckdb.connect()
                for m in members:
                    # Every CSV is read in full; the MoJ spreadsheet-as-CSV needs lenient, serial reading.
                    sql = LENIENT_READ if m.startswith("supporting-files/") else PLAIN_READ
                    c.execute(sql, [str(extract / m)]).fetchall()
                c.close()

            raw_read = timed("DuckDB read_csv of the same ZIP's CSVs", duck_read, repeat)
            print(f"{'  ratio import / raw read':<48} {imported / raw_read:>9.1f} x    target < 5 x")
            RESULTS.append(("ratio import / DuckDB read", imported / raw_read, "target < 5 x"))
        else:
            print(f"(skipping the ZIP import: {zip_path} not found)")

        con = store.connect(str(Path(tmp) / "show.duckdb"))
        seed.init(con)
        metric = register.metrics_from_store(con)["ehcp_20wk_pct"]
        plymouth = AreaIndex.from_store(con).resolve("Plymouth").code
        metric_table(con, metric, plymouth)  # warm
        timed("show ehcp_20wk_pct, one area (warm)", lambda: metric_table(con, metric, plymouth), repeat * 4,
              "target < 50 ms")
        timed("show ehcp_20wk_pct, all areas (warm)", lambda: metric_table(con, metric), repeat * 4, "target < 50 ms")
        con.close()


def bench_sections(repeat: int) -> None:
    """The dashboard pages, local-return validation and report packs each time themselves."""
    import importlib

    for name in ("pages", "local_returns", "reports", "command_line", "zip_bomb"):
        module = importlib.import_module(f"benchmarks.{name}")
        for label, median, target in module.bench(repeat):
            RESULTS.append((label, median, target))
            print(line(label, median, target), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw", default=str(config.RAW_DATA_DIR))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"SEND Scorecard benchmarks (median of {args.repeat} runs unless stated)\n")
    bench_store(Path(args.raw), args.repeat)
    bench_sections(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
