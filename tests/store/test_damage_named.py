"""Damage is named as damage, and every other fault gets a sentence naming its cause and what to do:
a flipped byte in a block DuckDB reads on opening the file ("block" holds "lock": a held lock is told
from damage by asking the operating system, never by DuckDB's words), a lake that lost a Parquet
file, a full disk, a SQLite catalog another program has locked, a writer queued too long; and what a
stopped backup or change leaves behind is listed by `scorecard check` or cleaned up."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from scorecard import access, cli, lake, local_returns, seed, store
from tests.conftest import lake_target, store_held

ADMIN = access.command_line("test")


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


def flip_a_byte_read_on_opening(path: Path) -> Path:
    """The store at `path` with one byte flipped in a block DuckDB reads as it opens the file (its
    catalog), so that opening fails. Found by trying each block on a copy."""
    con = duckdb.connect(str(path), read_only=True)
    blocks, block_size = con.execute("SELECT total_blocks, block_size FROM pragma_database_size()").fetchone()
    con.close()
    header = path.stat().st_size - blocks * block_size
    trial = path.with_name("trial.duckdb")
    for block in range(blocks):
        shutil.copy(path, trial)
        offset = header + block * block_size + 64
        with open(trial, "r+b") as f:
            f.seek(offset)
            byte = f.read(1)
            f.seek(offset)
            f.write(bytes([byte[0] ^ 0xFF]))
        try:
            duckdb.connect(str(trial), read_only=True).close()
        except duckdb.IOException as exc:
            assert "block at location" in str(exc)  # the words that read as a lock to a substring test
            trial.replace(path)
            return path
    raise AssertionError("no block is read on opening")


# ---------------------------------------------------------------------------------------------
# A damaged block is damage, not a lock


def test_check_names_a_block_damaged_where_the_file_opens_as_damage_and_exits_1(db_path, capsys):
    flip_a_byte_read_on_opening(db_path)
    code, text = _run(capsys, "--db", str(db_path), "check")
    assert code == 1
    assert "DuckDB cannot open it: part of the file does not match its checksum." in text
    assert "open in another process" not in text


@pytest.mark.parametrize("command", [["show", "--metric", "ehcp_20wk_pct", "--area", "Plymouth"],
                                     ["import", "--yes", str(local_returns.SAMPLE_RETURN)]])
def test_every_command_names_the_damage(db_path, capsys, command):
    flip_a_byte_read_on_opening(db_path)
    code, text = _run(capsys, "--db", str(db_path), *command)
    assert code == 1
    assert "is damaged (part of the file does not match its checksum)" in text and "`scorecard check`" in text
    assert "open in another process" not in text


def test_the_operating_system_tells_a_held_store_from_a_damaged_one(db_path, tmp_path):
    assert store.held_by_another_process(str(db_path)) is False
    with store_held(db_path):
        assert store.held_by_another_process(str(db_path)) is True
    damaged = flip_a_byte_read_on_opening(db_path)
    with pytest.raises(store.StoreDamaged):
        store.connect(str(damaged), read_only=True)


def test_the_dashboard_names_the_damage(db_path, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    flip_a_byte_read_on_opening(db_path)
    monkeypatch.setenv("SCORECARD_DB", str(db_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file("../../app.py", default_timeout=90).run()
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith("The store (scorecard.duckdb) is damaged (part of the file does not "
                                           "match its checksum)"), errors


# ---------------------------------------------------------------------------------------------
# A lake that lost a Parquet file


@pytest.fixture
def lake_db(seeded_lake_template, tmp_path) -> str:
    from tests.conftest import copy_lake

    return copy_lake(seeded_lake_template, tmp_path / "lake")


def _lose_a_file(lake_db: str, table: str = "metric_value") -> str:
    con = store.connect(lake_db, read_only=True)
    try:
        files = sorted(p for p, t in lake.catalogued_files(store.cursor(con)).items() if t == table)
    finally:
        con.close()
    Path(files[0]).unlink()
    return Path(files[0]).name


def test_a_lost_parquet_file_is_named_outside_check(lake_db, capsys):
    lost = _lose_a_file(lake_db)
    code, text = _run(capsys, "--db", lake_db, "show", "--metric", "ehcp_20wk_pct", "--area", "Plymouth")
    assert code == 1
    assert "is missing 1 of its data files (main/metric_value/" + lost in text, text
    assert "Put them back" in text and "`scorecard check` lists every missing file" in text
    assert "something went wrong" not in text


def test_check_lists_every_lost_parquet_file_and_exits_1(lake_db, capsys):
    lost = _lose_a_file(lake_db)
    code, text = _run(capsys, "--db", lake_db, "check")
    assert code == 1
    assert "PROBLEM  every data file the catalog names is on disk" in text
    assert f"1 of the " in text and f"main/metric_value/{lost}" in text
    assert "skipped  read every row of every table" in text


def test_the_dashboard_names_a_lost_parquet_file(lake_db, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    _lose_a_file(lake_db)
    monkeypatch.setenv("SCORECARD_DB", lake_db)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file("../../app.py", default_timeout=90).run()
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith("The shared store is missing some of its data files"), errors


# ---------------------------------------------------------------------------------------------
# Leftovers


def test_check_lists_orphan_parquet_files_and_partial_backups_without_failing(lake_db, capsys, tmp_path):
    con = store.connect(lake_db, read_only=True)
    some_file = next(iter(lake.catalogued_files(store.cursor(con))))
    con.close()
    orphan = Path(some_file).parent / "ducklake-left-by-a-stopped-import.parquet"
    shutil.copy(some_file, orphan)
    old = time.time() - 3600
    os.utime(orphan, (old, old))
    (tmp_path / "lake" / "nightly.zip.partial").write_bytes(b"PK")
    code, text = _run(capsys, "--db", lake_db, "check")
    assert code == 0, text
    assert "no files left over by a backup or change that was stopped: 2 left over" in text
    assert "nightly.zip.partial" in text and "ducklake-left-by-a-stopped-import.parquet" in text


def test_a_backup_stopped_part_way_leaves_no_partial_file(db_path, tmp_path, capsys, monkeypatch):
    import zipfile

    def disk_full(*args, **kwargs):
        raise OSError(28, os.strerror(28), str(tmp_path / "nightly.zip.partial"))

    monkeypatch.setattr(zipfile.ZipFile, "write", disk_full)
    code, text = _run(capsys, "--db", str(db_path), "backup", str(tmp_path / "nightly.zip"))
    assert code == 1
    assert "the disk that holds" in text and "is full, so it was not written" in text
    assert not list(tmp_path.glob("*.partial")) and not (tmp_path / "nightly.zip").exists()


# ---------------------------------------------------------------------------------------------
# A full disk


def test_a_full_disk_is_named_and_nothing_is_written(db_path, capsys):
    wal = Path(str(db_path) + ".wal")
    assert not wal.exists()
    con = store.connect(str(db_path), read_only=True)
    before = con.execute("SELECT count(*) FROM import_batch").fetchone()[0]
    con.close()
    wal.symlink_to("/dev/full")  # every write to the store's log finds no space
    try:
        code, text = _run(capsys, "--db", str(db_path), "import", "--yes", str(local_returns.SAMPLE_RETURN))
    finally:
        wal.unlink()
    assert code == 1
    assert "The disk that holds the store" in text and "is full, so nothing was written" in text, text
    assert "Free some space" in text
    con = store.connect(str(db_path), read_only=True)
    assert con.execute("SELECT count(*) FROM import_batch").fetchone()[0] == before
    con.close()


# ---------------------------------------------------------------------------------------------
# Waiting for the store, with a limit


@contextlib.contextmanager
def _catalog_locked_by_another_program(catalog: Path):
    """Another program (a database tool, say) holding the SQLite catalog locked, in a process of its own."""
    code = ("import sqlite3, sys; db = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "db.execute('PRAGMA locking_mode=EXCLUSIVE'); db.execute('BEGIN EXCLUSIVE'); "
            "db.execute(\"UPDATE ducklake_metadata SET value = value WHERE key = 'version'\"); db.execute('COMMIT'); "
            "print('locked', flush=True); sys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", code, str(catalog)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_a_catalog_another_program_has_locked_is_named_after_the_configured_wait(lake_db, capsys, monkeypatch):
    monkeypatch.setenv("SCORECARD_WRITE_WAIT_SECONDS", "1")
    catalog = Path(lake_db[len("ducklake:sqlite:"):])
    with _catalog_locked_by_another_program(catalog):
        assert store.catalog_locked(str(catalog))
        code, text = _run(capsys, "--db", lake_db, "import", "--yes", str(local_returns.SAMPLE_RETURN))
    assert code == 1
    assert "catalog (catalog.sqlite) is locked by another program" in text, text
    assert "after waiting 1 seconds" in text and "SCORECARD_WRITE_WAIT_SECONDS" in text
    assert "kept being saved" not in text and "something went wrong" not in text
    assert not store.catalog_locked(str(catalog))


def test_a_writer_queued_behind_another_gives_up_after_the_configured_wait(lake_db, capsys, monkeypatch):
    monkeypatch.setenv("SCORECARD_WRITE_WAIT_SECONDS", "1")
    catalog = lake_db[len("ducklake:sqlite:"):]
    code = ("import fcntl, sys; f = open(sys.argv[1], 'a+'); fcntl.flock(f, fcntl.LOCK_EX); "
            "print('writing', flush=True); sys.stdin.read()")
    writer = subprocess.Popen([sys.executable, "-c", code, catalog + ".write-lock"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        # In a process of its own, so that a writer that never gives up fails the test rather than hanging it.
        done = subprocess.run([sys.executable, "-m", "scorecard.cli", "--db", lake_db, "import", "--yes",
                               str(local_returns.SAMPLE_RETURN)], capture_output=True, text=True, timeout=120)
        status, text = done.returncode, done.stdout + done.stderr
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert status == 1
    assert "Another change to the shared store (catalog.sqlite) was still being saved" in text, text
    assert "stopped waiting after 1 seconds. Nothing was written" in text
    con = store.connect(lake_db, read_only=True)
    assert con.execute("SELECT count(*) FROM import_batch WHERE file_name = 'sample_return_plymouth.csv'"
                       ).fetchone()[0] == 0
    con.close()


def test_the_wait_is_a_setting():
    from scorecard import config

    os.environ.pop(config.WRITE_WAIT_ENV, None)
    assert config.write_wait_seconds() == 30.0
    os.environ[config.WRITE_WAIT_ENV] = "2.5"
    try:
        assert config.write_wait_seconds() == 2.5
    finally:
        del os.environ[config.WRITE_WAIT_ENV]
