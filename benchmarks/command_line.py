"""Benchmark: the command line as a tool (issue 11), on a store made by `scorecard init` with the
illustrative Plymouth sample.

* a whole `scorecard show --metric ehcp_20wk_pct --area Plymouth` process, from starting Python to
  its exit (what a script calling it waits for); target < 300 ms;
* `scorecard report --area all --out DIR`: every area's PDF pack, two at a time (the 2-core
  machine); target < 3 minutes. Run once: it takes most of a minute.

Run alone: python benchmarks/command_line.py [--repeat 5]; benchmarks/run.py calls bench().
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import median_ms, run_section  # noqa: E402


# The `scorecard` command as installed (what a user or a script runs), else the module.
INSTALLED = Path(sys.executable).parent / "scorecard"
COMMAND = [str(INSTALLED)] if INSTALLED.exists() else [sys.executable, "-m", "scorecard.cli"]


def _scorecard(db: Path, *args: str) -> None:
    subprocess.run([*COMMAND, "--db", str(db), *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})


def bench(repeat: int) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cli.duckdb"
        _scorecard(db, "init")
        _scorecard(db, "sample", "load")
        show = median_ms(lambda: _scorecard(db, "show", "--metric", "ehcp_20wk_pct", "--area", "Plymouth"), repeat)
        started = time.perf_counter()
        _scorecard(db, "report", "--area", "all", "--jobs", "2", "--out", str(Path(tmp) / "packs"))
        every_pack = (time.perf_counter() - started) * 1000
        written = len(list((Path(tmp) / "packs").glob("*.pdf")))
        if written != 153:
            raise RuntimeError(f"report --area all wrote {written} packs, not 153")
    return [("whole `scorecard show` process, one area", show, "target < 300 ms"),
            ("report --area all: 153 PDF packs, 2 at a time (one run)", every_pack, "target < 180000 ms")]


if __name__ == "__main__":
    sys.exit(run_section(bench, __doc__, default_repeat=5))
