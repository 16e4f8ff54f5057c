"""What every benchmark section shares: timing a callable, and running a section on its own."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def median_ms(fn, repeat: int) -> float:
    """Median wall time of `repeat` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def line(label: str, ms: float, target: str) -> str:
    return f"{label:<48} {ms:>9.1f} ms   {target}"


def run_section(bench, doc: str, default_repeat: int = 5) -> int:
    """`python benchmarks/<section>.py [--repeat N]`: print one section's results."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=default_repeat)
    args = parser.parse_args()
    for label, ms, target in bench(args.repeat):
        print(line(label, ms, target), flush=True)
    return 0


def psql_as_postgres(sql: str, **values: str):
    """Run `sql` (on standard input) with psql as the postgres user (root only). Values go in as psql
    variables, never into the SQL text: psql quotes :'name' as a literal and :"name" as an identifier.
    The benchmarks and the tests' PostgreSQL fixtures share it."""
    import subprocess

    variables = [arg for name, value in values.items() for arg in ("-v", f"{name}={value}")]
    return subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-v", "ON_ERROR_STOP=1", "-q", *variables],
                          input=sql, capture_output=True, text=True, timeout=60)


# Create a login role if it is not there yet (psql's \gexec runs the statement the query writes).
CREATE_ROLE_SQL = ("SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'role', :'password') "
                   "WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \\gexec\n")
