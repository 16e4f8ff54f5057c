"""A shared DuckLake store, on SQLite (one server) and PostgreSQL (many): two command-line imports
commit at the same moment, `show` works throughout, nothing is lost or doubled, and `card --as-at`
from before the imports still gives the earlier figures."""

import csv
import io
import os
import subprocess
import sys
import time
from datetime import datetime

import pytest

from scorecard import ingest, seed, store
from scorecard.importers import SourceFile
from tests.conftest import lake_target

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

def _scorecard(db: str, *args: str, env=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scorecard.cli", "--db", db, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


def _return(tmp_path, name: str, term: str, value: int) -> str:
    path = tmp_path / name
    path.write_text("area,metric,period,value\n" + "".join(
        f"{area},perm_staff_pct,{term},{value}\n" for area in ("Plymouth", "Cornwall", "Devon", "Torbay")))
    return str(path)


@pytest.mark.parametrize("catalog", ["sqlite", "postgres"])
def test_two_imports_at_once_with_show_throughout(catalog, tmp_path, request):
    db = lake_target(tmp_path / "lake") if catalog == "sqlite" else request.getfixturevalue("postgres_lake")
    con = store.connect(db)
    seed.init(con)
    ingest.import_source(con, SourceFile.from_path(_return(tmp_path, "first.csv", "Spring 2025/26", 60)), actor=ADMIN)
    before_imports = datetime.now()
    con.close()
    time.sleep(0.2)

    imports = [_scorecard(db, "import", "--yes", _return(tmp_path, f"return{i}.csv", term, 70 + i))
               for i, term in enumerate(("Summer 2025/26", "Autumn 2025/26"))]
    shows = 0
    while any(p.poll() is None for p in imports):  # one reader at a time, all the while the writers run
        show = _scorecard(db, "show", "--metric", "perm_staff_pct", "--area", "Plymouth", "--format", "csv")
        out, err = show.communicate(timeout=120)
        assert show.returncode == 0 and "E06000026" in out, err
        shows += 1
    outcomes = [(p.wait(), p.stdout.read(), p.stderr.read()) for p in imports]
    assert all(code == 0 for code, _, _ in outcomes), outcomes
    assert shows >= 1

    con = store.connect(db, read_only=True)
    batches = con.execute("SELECT id, file_name FROM import_batch WHERE file_name LIKE 'return%' "
                          "ORDER BY id").fetchall()
    assert sorted(name for _, name in batches) == ["return0.csv", "return1.csv"]
    assert len({i for i, _ in batches}) == 2, "each import has its own batch number"
    rows = con.execute("SELECT period_label, count(*), count(DISTINCT id) FROM metric_value "
                       "WHERE metric_id = 'perm_staff_pct' AND is_current GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [("Autumn 2025/26", 4, 4), ("Spring 2025/26", 4, 4), ("Summer 2025/26", 4, 4)]
    con.close()

    earlier = _scorecard(db, "card", "--area", "Plymouth", "--term", "Autumn 2026/27", "--format", "csv",
                         "--as-at", before_imports.isoformat())
    out, err = earlier.communicate(timeout=120)
    assert earlier.returncode == 0, err
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["perm_staff_pct"]["period"] == "Spring 2025/26" and float(rows["perm_staff_pct"]["value"]) == 60
