"""How a dashboard process holds the store (scorecard.replica.DashboardStore): it reads a copy and
opens the store only to copy it or to write, so the command line works while the dashboard runs; its
own changes show at once, and another process's within a second."""

import os
import subprocess
import sys
import threading
import time

import pytest

from scorecard import access, local_returns, replica

pytestmark = pytest.mark.both_backends


def _scorecard(db: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scorecard.cli", "--db", db, *args], capture_output=True, text=True,
                          timeout=180, env={**os.environ, "SCORECARD_DB": db})


def _batches(cursor) -> list[str]:
    return [name for (name,) in cursor.execute("SELECT file_name FROM import_batch ORDER BY id").fetchall()]


def test_the_command_line_reads_and_imports_while_the_dashboard_holds_the_store(db_path, tmp_path):
    db = str(db_path)
    dashboard = replica.DashboardStore(db)
    try:
        reading = dashboard.cursor()  # a page in the middle of a run
        assert "sample_return_plymouth.csv" not in _batches(reading)

        shown = _scorecard(db, "show", "--metric", "ehcp_20wk_pct", "--area", "Plymouth", "--format", "csv")
        assert shown.returncode == 0 and "E06000026" in shown.stdout, shown.stderr

        imported = _scorecard(db, "import", "--yes", str(local_returns.SAMPLE_RETURN))
        assert imported.returncode == 0, imported.stderr
        assert "sample_return_plymouth.csv" not in _batches(reading), "a page run keeps the copy it started on"

        time.sleep(replica.REFRESH_SECONDS + 0.1)
        _shows_soon(dashboard, "sample_return_plymouth.csv")  # another process's import
    finally:
        dashboard.close()


def _shows_soon(dashboard, file_name: str) -> None:
    """Reads see the import once the background copy is made (within seconds, on a busy machine)."""
    deadline = time.monotonic() + 30
    while file_name not in _batches(dashboard.cursor()):
        assert time.monotonic() < deadline, f"{file_name} never showed"
        time.sleep(0.05)


def test_reads_go_on_from_the_copy_held_while_a_fresh_copy_is_made(db_path, tmp_path, monkeypatch):
    db = str(db_path)
    dashboard = replica.DashboardStore(db)
    try:
        dashboard.cursor()
        copying, release = threading.Event(), threading.Event()
        real_copy = dashboard.origin.copy

        def slow_copy(name, previous=None):
            copying.set()
            release.wait(timeout=60)  # held until the reads below are done
            real_copy(name, previous)

        monkeypatch.setattr(dashboard.origin, "copy", slow_copy)
        imported = _scorecard(db, "import", "--yes", str(local_returns.SAMPLE_RETURN))
        assert imported.returncode == 0, imported.stderr
        time.sleep(replica.REFRESH_SECONDS + 0.1)
        assert "sample_return_plymouth.csv" not in _batches(dashboard.cursor())  # served at once, from the old copy
        assert copying.wait(timeout=30), "the change started a copy"
        for _ in range(3):  # while the copy is under way, every read is still answered
            assert "sample_return_plymouth.csv" not in _batches(dashboard.cursor())
        release.set()
        _shows_soon(dashboard, "sample_return_plymouth.csv")
    finally:
        release.set()
        dashboard.close()


def test_the_dashboards_own_change_shows_on_the_next_read(db_path):
    dashboard = replica.DashboardStore(str(db_path))
    try:
        before = dashboard.cursor()
        result = dashboard.write(local_returns.load_sample, actor=access.command_line("officer"))
        assert result.batch_id
        assert _batches(dashboard.cursor())[-1] == "sample_return_plymouth.csv"  # at once, not a second later
        assert "sample_return_plymouth.csv" not in _batches(before)
    finally:
        dashboard.close()


def test_a_fresh_copy_holds_exactly_what_the_store_holds(db_path, backend, monkeypatch):
    """A lake's copy reads only the tables changed since the last copy and takes the rest from it:
    after imports, targets and an undo, every table of the copy is the store's, row for row."""
    from scorecard import ingest, lake, schema, store
    from scorecard.importers import SourceFile

    partial = []
    real_changed = lake.tables_changed_since

    def changed(con, snapshot_id):
        found = real_changed(con, snapshot_id)
        partial.append(found)
        return found

    monkeypatch.setattr(lake, "tables_changed_since", changed)
    db = str(db_path)
    dashboard = replica.DashboardStore(db)
    try:
        dashboard.cursor()
        admin = access.command_line("officer")
        dashboard.write(local_returns.load_sample, actor=admin)
        batch = dashboard.write(ingest.import_source, SourceFile(
            "targets.csv", b"area,metric,from_period,target,tolerance\nE06000026,ehcp_20wk_pct,2020,60,2.5\n"),
            actor=admin).batch_id
        dashboard.write(ingest.undo, batch, actor=admin)
        copy = dashboard.cursor()
        con = store.connect(db, read_only=True)
        try:
            for table in schema.ALL_TABLES:
                query = "SELECT * FROM " + table + " ORDER BY ALL"
                assert copy.execute(query).fetchall() == con.execute(query).fetchall(), table
        finally:
            con.close()
        if backend == "ducklake":  # the copies after the first read only what changed
            assert len(partial) == 3
            assert all(found is not None and len(found) < len(schema.ALL_TABLES) for found in partial)
    finally:
        dashboard.close()


def test_a_page_run_reads_a_copy_that_holds_every_change_committed_before_it_started(db_path, tmp_path):
    """DashboardStore.for_run looks at the store as a run starts: a command-line import committed
    before then is in the copy the run reads, with no second's wait (a file's or a SQLite catalog's
    change is seen by a stat)."""
    db = str(db_path)
    dashboard = replica.DashboardStore(db)
    try:
        before = dashboard.for_run()
        assert "sample_return_plymouth.csv" not in _batches(dashboard.cursor_on(before))
        imported = _scorecard(db, "import", "--yes", str(local_returns.SAMPLE_RETURN))
        assert imported.returncode == 0, imported.stderr
        after = dashboard.for_run()
        assert after != before
        assert "sample_return_plymouth.csv" in _batches(dashboard.cursor_on(after))
        assert "sample_return_plymouth.csv" not in _batches(dashboard.cursor_on(before))  # still attached
    finally:
        dashboard.close()


def test_a_copy_a_run_reads_stays_attached_however_many_changes_follow(db_path, tmp_path):
    from scorecard import ingest
    from scorecard.importers import SourceFile

    dashboard = replica.DashboardStore(str(db_path))
    try:
        pinned = dashboard.for_run()
        admin = access.command_line("officer")
        for value in range(replica._KEEP + 3):  # more changes than the copies otherwise kept
            dashboard.write(ingest.import_source, SourceFile(
                f"r{value}.csv", f"area,metric,period,value\nPlymouth,perm_staff_pct,Summer 2025/26,{60 + value}\n"
                .encode()), actor=admin)
            dashboard.for_run()
        assert _batches(dashboard.cursor_on(pinned))[-1] != "r0.csv"  # the run's copy, unchanged and readable
        assert _batches(dashboard.cursor_on(dashboard.for_run()))[-1] == f"r{replica._KEEP + 2}.csv"
    finally:
        dashboard.close()


def test_a_run_that_would_wait_too_long_for_a_fresh_copy_reads_the_one_held(db_path, monkeypatch):
    """A copy slower than FRESH_WAIT_SECONDS (a server busy with imports) does not hold the run up: it
    reads the copy held, and the runs after it read the fresh one once it is made."""
    db = str(db_path)
    dashboard = replica.DashboardStore(db)
    release = threading.Event()
    try:
        held = dashboard.for_run()
        real_copy = dashboard.origin.copy

        def slow_copy(name, previous=None, **kwargs):
            release.wait(timeout=60)
            real_copy(name, previous, **kwargs)

        monkeypatch.setattr(dashboard.origin, "copy", slow_copy)
        monkeypatch.setattr(replica, "FRESH_WAIT_SECONDS", 0.1)
        imported = _scorecard(db, "import", "--yes", str(local_returns.SAMPLE_RETURN))
        assert imported.returncode == 0, imported.stderr
        assert dashboard.for_run() == held  # the fresh copy is not ready: this run reads the one held
        release.set()
        deadline = time.monotonic() + 30
        while dashboard.for_run() == held:
            assert time.monotonic() < deadline, "the fresh copy never came"
            time.sleep(0.05)
        assert "sample_return_plymouth.csv" in _batches(dashboard.cursor_on(dashboard.for_run()))
    finally:
        release.set()
        dashboard.close()
