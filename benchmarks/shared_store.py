#!/usr/bin/env python3
"""The shared store under load: `python benchmarks/shared_store.py [--seconds 60] [--sessions 20]`

On one DuckLake (a SQLite catalog, then a PostgreSQL catalog where a server can be started):
  * 3 dashboard processes, as three Streamlit replicas would be, each with one cached connection and
    a cursor per query, serving `--sessions` sessions between them (threads), each session rendering
    the scorecard page's data for a different area, round and round: the card, the board summary and
    the staleness statement, cached exactly as scorecard.ui.data caches them: each measure's comparator
    table on its own fingerprint (an import recomputes only the tables it changed), each area's card
    and summary on the store's data version;
  * 5 importer processes committing local returns at the same time (each a real `ingest.import_source`,
    retried on a conflicting commit as the command line would be).
It reports p50 and p95 page-run latency, failed reads, import throughput and retries, and checks that
every committed row is there exactly once: nothing lost, nothing doubled.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import CREATE_ROLE_SQL, psql_as_postgres  # noqa: E402

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

TERM = "Autumn 2026/27"
IMPORTERS, DASHBOARDS = 5, 3
RETURNS_PER_IMPORTER = 6


def _areas(target: str) -> list[str]:
    from scorecard import store
    from scorecard.areas import AreaIndex

    con = store.connect(target, read_only=True)
    codes = sorted(a.code for a in AreaIndex.from_store(con).current_las())
    con.close()
    return codes


def dashboard(target: str, sessions: int, seconds: float, areas: list[str], out) -> None:
    """One dashboard process: `sessions` threads rendering scorecards until the time is up. Reads go to
    the process's in-memory copy of the lake (scorecard.replica), and every result is cached on the
    store's data version (each metric's table on its fingerprint), as scorecard.ui.data does: the metric
    tables shared by every area, each area's card and board summary on what that card is built from
    (queries.scorecard_fingerprint), and the staleness statement."""
    from scorecard import card, queries, register, sources_info, store, summary
    from scorecard.replica import DashboardStore
    from scorecard.areas import AreaIndex
    from scorecard.tables import BoundedTables, MetricTables

    replica = DashboardStore(target)
    held_tables = BoundedTables()
    cache: dict[tuple, object] = {}
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []
    stop = time.monotonic() + seconds

    key_locks: dict[tuple, threading.Lock] = {}

    def cached(key, compute):
        """Computed once per key: sessions asking at the same moment wait for the one computing it."""
        with lock:
            if key in cache:
                return cache[key]
            key_lock = key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with lock:
                if key in cache:
                    return cache[key]
            value = compute()
            with lock:
                cache[key] = value
            return value

    def render(area: str) -> None:
        cursor = replica.cursor_on(replica.for_run())  # one copy for the whole page run, as pages read it
        version = store.data_version(cursor)
        metrics = cached(("metrics", version), lambda: register.metrics_from_store(cursor))

        fingerprints = cached(("fingerprints", version), lambda: queries.metric_fingerprints(cursor))
        index = cached(("areas", version), lambda: AreaIndex.from_store(cursor))

        table_for = MetricTables(cursor, metrics, held=held_tables,
                                 key=lambda metric_id: (metric_id, fingerprints.get(metric_id)))

        def page():
            built = card.build(cursor, area, TERM, table_for=table_for, areas=index)
            return summary.board_summary(built, "la")

        built_from = queries.scorecard_fingerprint(
            area, cached(("areas' own", version), lambda: queries.area_fingerprints(cursor)), fingerprints,
            {m.id for m in metrics.values() if m.national})
        cached(("page", area, built_from), page)
        cached(("statement", version), lambda: sources_info.latest_releases(
            queries.sources(cursor), queries.latest_periods(cursor), date.today()))
        cursor.close()

    def session(number: int) -> None:
        mine = areas[number::max(1, sessions)] or areas
        while time.monotonic() < stop:
            area = random.choice(mine)
            started = time.perf_counter()
            try:
                render(area)
                latencies.append((time.perf_counter() - started) * 1000)
            except Exception as exc:  # a failed read is what this benchmark counts
                failures.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
            time.sleep(random.uniform(0.2, 1.0))  # a person reads the page before the next click

    threads = [threading.Thread(target=session, args=(i,)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    replica.close()
    out.put(("dashboard", latencies, failures))


def importer(target: str, number: int, folder: str, out) -> None:
    """One importer process: several local returns, each committed as soon as the last is done."""
    from scorecard import ingest, store
    from scorecard.importers import SourceFile

    con = store.connect(target)
    committed, retries, failures = [], 0, []
    areas = ["Plymouth", "Cornwall", "Devon", "Torbay", "Somerset", "Dorset"]
    for i in range(RETURNS_PER_IMPORTER):
        path = Path(folder) / f"importer{number}-return{i}.csv"
        lines = [f"{area},complaints_received,{TERM},{10 * number + i}" for area in areas]
        path.write_text("area,metric,period,value\n" + "\n".join(lines) + "\n")
        started = time.perf_counter()
        try:
            result = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
            committed.append((path.name, result.batch_id, len(lines), (time.perf_counter() - started) * 1000))
        except Exception as exc:
            failures.append(f"{path.name}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    retries = 0  # retries are inside store.retrying; the time per commit shows their cost
    con.close()
    out.put(("importer", committed, failures, retries))


def run(target: str, label: str, seconds: float, sessions: int) -> dict:
    from scorecard import seed, store

    con = store.connect(target)
    seed.init(con)
    con.close()
    areas = _areas(target)
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    folder = tempfile.mkdtemp(prefix="shared-store-returns-")
    shares = [sessions // DASHBOARDS + (1 if i < sessions % DASHBOARDS else 0) for i in range(DASHBOARDS)]
    processes = [ctx.Process(target=dashboard, args=(target, share, seconds, areas, out)) for share in shares]
    for process in processes:
        process.start()
    time.sleep(min(5.0, seconds / 4))  # the dashboards are up and warm, as in production
    importers = [ctx.Process(target=importer, args=(target, n, folder, out)) for n in range(IMPORTERS)]
    import_started = time.perf_counter()
    for process in importers:
        process.start()
    results = [out.get() for _ in range(len(processes) + len(importers))]
    for process in processes + importers:
        process.join()
    import_seconds = max(time.perf_counter() - import_started, 1e-9)

    latencies = [ms for kind, *rest in results if kind == "dashboard" for ms in rest[0]]
    read_failures = [f for kind, *rest in results if kind == "dashboard" for f in rest[1]]
    committed = [c for kind, *rest in results if kind == "importer" for c in rest[0]]
    write_failures = [f for kind, *rest in results if kind == "importer" for f in rest[1]]

    con = store.connect(target, read_only=True)
    batches = con.execute("SELECT id, file_name FROM import_batch WHERE file_name LIKE 'importer%'").fetchall()
    rows = con.execute("SELECT v.batch_id, count(*) FROM metric_value v JOIN import_batch b ON b.id = v.batch_id "
                       "WHERE b.file_name LIKE 'importer%' GROUP BY 1").fetchall()
    con.close()
    shutil.rmtree(folder, ignore_errors=True)
    stored = dict(rows)
    lost = [name for name, batch, n, _ in committed if stored.get(batch) != n]
    doubled = len(batches) - len({name for _, name in batches})
    ordered = sorted(latencies)
    return {
        "label": label, "renders": len(latencies),
        "p50": statistics.median(ordered) if ordered else float("nan"),
        "p95": ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan"),
        "read_failures": read_failures, "committed": len(committed), "write_failures": write_failures,
        "rows": sum(n for _, _, n, _ in committed), "import_seconds": import_seconds,
        "commit_p50": statistics.median([c[3] for c in committed]) if committed else float("nan"),
        "lost": lost, "doubled": doubled,
    }


def postgres_target(folder: Path) -> str | None:
    """A fresh database on the local PostgreSQL, started if it is installed but stopped; None if none."""
    if not shutil.which("pg_lsclusters"):
        return None
    clusters = [line.split() for line in subprocess.run(["pg_lsclusters", "-h"], capture_output=True,
                                                        text=True).stdout.splitlines() if line.strip()]
    if not clusters:
        return None
    version, name, port, state = clusters[0][:4]
    if state != "online" and subprocess.run(["pg_ctlcluster", version, name, "start"]).returncode != 0:
        return None
    database = f"scorecard_bench_{os.getpid()}"
    role = "scorecard_bench"
    for sql, values in ((CREATE_ROLE_SQL, {"role": role, "password": role}),
                        ('DROP DATABASE IF EXISTS :"database";', {"database": database}),
                        ('CREATE DATABASE :"database" OWNER :"role";', {"database": database, "role": role})):
        if psql_as_postgres(sql, **values).returncode != 0:
            return None
    os.environ["SCORECARD_DATA_PATH"] = str(folder / "pg-files")
    return f"ducklake:postgres:dbname={database} host=127.0.0.1 port={port} user={role} password={role}"


def report(r: dict) -> None:
    ok = "yes" if not r["lost"] and not r["doubled"] and not r["write_failures"] else "NO"
    print(f"\n{r['label']}")
    print(f"  page runs                 {r['renders']:>7,}  p50 {r['p50']:7.1f} ms   p95 {r['p95']:7.1f} ms   "
          f"(target p95 < 500 ms)")
    print(f"  failed reads              {len(r['read_failures']):>7,}" +
          (f"   e.g. {r['read_failures'][0]}" if r["read_failures"] else ""))
    print(f"  imports committed         {r['committed']:>7,}  ({r['rows']:,} rows in {r['import_seconds']:.1f} s: "
          f"{r['rows'] / r['import_seconds']:.1f} rows/s, {r['committed'] / r['import_seconds']:.2f} returns/s; "
          f"commit p50 {r['commit_p50']:.0f} ms)")
    print(f"  failed imports            {len(r['write_failures']):>7,}" +
          (f"   e.g. {r['write_failures'][0]}" if r["write_failures"] else ""))
    print(f"  every row there once      {ok:>7}  (lost {len(r['lost'])}, doubled {r['doubled']})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--catalog", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shared-store-") as tmp:
        folder = Path(tmp)
        runs = []
        if args.catalog in ("sqlite", "both"):
            runs.append((f"ducklake:sqlite:{folder / 'catalog.sqlite'}", "DuckLake, SQLite catalog"))
        if args.catalog in ("postgres", "both"):
            pg = postgres_target(folder)
            if pg:
                runs.append((pg, "DuckLake, PostgreSQL catalog"))
            else:
                print("PostgreSQL: no server could be started here; skipped.")
        print(f"{DASHBOARDS} dashboard processes, {args.sessions} sessions, {IMPORTERS} importers "
              f"({RETURNS_PER_IMPORTER} returns each), {args.seconds:.0f} s, {os.cpu_count()} cores")
        for target, label in runs:
            report(run(target, label, args.seconds, args.sessions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
