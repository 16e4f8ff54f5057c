"""`scorecard check` finds a store that is cut short, has a damaged block or index, or whose figures
break the store's rules, and says so in words with exit code 1; a healthy store passes with 0."""

from __future__ import annotations

import shutil

import pytest

from scorecard import cli, ingest, local_returns, store
from tests.conftest import cut_short, flip_a_byte_of, store_held

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")


def _check(capsys, db_path) -> tuple[int, str]:
    code = cli.main(["--db", str(db_path), "check"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


def _break(db_path, *statements) -> None:
    con = store.connect(str(db_path))
    for sql, params in statements:
        con.execute(sql, params)
    con.close()


def test_a_healthy_store_passes_every_check(db_path, capsys):
    code, text = _check(capsys, db_path)
    assert code == 0, text
    assert "PROBLEM" not in text
    for checked in ("open the store read-only", "the file holds every block the store counts",
                    "read every row of every table", "the schema version and its tables: version",
                    "one current figure for each measure, area and period",
                    "every figure's measure, area, period, source and batch is on record",
                    "figures and import batches agree", "the seed's figures are all in the store: all 50,443 present"):
        assert checked in text
    assert text.rstrip().endswith("The store is whole and its figures hang together.")


def test_check_never_writes_the_store(db_path, capsys, tmp_path):
    before = tmp_path / "before.duckdb"
    shutil.copy(db_path, before)
    assert _check(capsys, db_path)[0] == 0
    assert db_path.read_bytes() == before.read_bytes()


def test_a_store_cut_in_half_fails_the_check(db_path, capsys):
    cut_short(db_path)
    code, text = _check(capsys, db_path)
    assert code == 1
    # Depending on where the cut falls, DuckDB refuses to open the file, or opens it and the length
    # check or a table read finds the missing blocks: either way a PROBLEM, said in words.
    assert "PROBLEM" in text and "Restore it from a backup" in text
    assert "shorter than its contents say" in text or "cannot be opened" in text or "damaged" in text


def test_a_store_cut_by_a_sliver_fails_the_check(db_path, capsys):
    cut_short(db_path, 0.99)
    code, text = _check(capsys, db_path)
    # Where the cut falls decides which step notices it first (opening, or the length check): either
    # way the check says the file is cut short.
    assert code == 1 and "the file is shorter than its contents say" in text.lower()


def test_a_flipped_byte_fails_the_check(db_path, capsys):
    flip_a_byte_of(db_path, "metric_value")
    code, text = _check(capsys, db_path)
    assert code == 1
    assert "The table metric_value cannot be read: part of the file does not match its checksum." in text
    assert "skipped  the schema and the rules the figures keep" in text


def test_a_flipped_byte_outside_the_tables_data_fails_the_check(db_path, capsys):
    """The blocks that hold no table data (the file's own metadata) are checked too."""
    con = store.connect(str(db_path), read_only=True)
    data_blocks = set()
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
                                ).fetchall():
        for block, more in con.execute("SELECT block_id, additional_block_ids FROM pragma_storage_info(?)",
                                       [table]).fetchall():
            data_blocks |= {block, *(more or [])}
    blocks, block_size = con.execute("SELECT total_blocks, block_size FROM pragma_database_size()").fetchone()
    con.close()
    others = sorted(set(range(blocks)) - data_blocks - {0})
    assert others, "the seeded store should have blocks beyond its tables' data"
    header = db_path.stat().st_size - blocks * block_size
    # Every other block (the file's own metadata) must be found out too.
    for block in others:
        trial = db_path.with_name(f"trial{block}.duckdb")
        shutil.copy(db_path, trial)
        with open(trial, "r+b") as f:
            f.seek(header + block * block_size + 64)
            byte = f.read(1)
            f.seek(header + block * block_size + 64)
            f.write(bytes([byte[0] ^ 0xFF]))
        code, text = _check(capsys, trial)
        assert code == 1, f"a flipped byte in block {block} went unnoticed:\n{text}"


def test_two_current_figures_for_one_measure_area_and_period_are_reported(db_path, capsys):
    _break(db_path, ("UPDATE metric_value SET is_current = TRUE WHERE id = "
                     "(SELECT min(id) FROM metric_value WHERE NOT is_current)", []))
    code, text = _check(capsys, db_path)
    assert code == 1
    assert "PROBLEM  one current figure for each measure, area and period" in text
    assert "1 measure, area and period combination(s) have more than one current figure (for example" in text
    assert ": 2 current)" in text


def test_figures_with_no_current_one_are_reported(db_path, capsys):
    _break(db_path, ("UPDATE metric_value SET is_current = FALSE WHERE id = "
                     "(SELECT min(id) FROM metric_value WHERE is_current)", []))
    code, text = _check(capsys, db_path)
    assert code == 1 and "have figures but none of them current" in text


def test_figures_naming_things_not_on_record_are_reported(db_path, capsys):
    _break(db_path,
           ("UPDATE metric_value SET area_code = 'E99999999' WHERE id = 1", []),
           ("UPDATE metric_value SET batch_id = 99 WHERE id = 2", []),
           ("UPDATE metric_value SET source_id = 'nobody' WHERE id = 3", []),
           ("UPDATE metric_value SET metric_id = 'no_such_measure' WHERE id = 4", []),
           ("UPDATE metric_value SET period_label = '1066' WHERE id = 5", []))
    code, text = _check(capsys, db_path)
    assert code == 1
    for words in ("an area that is not in the area list (for example 'E99999999'",
                  "an import batch that is not in the import log (for example 99",
                  "a source release that is not in the source list (for example 'nobody'",
                  "a measure that is not in the metric register (for example 'no_such_measure'",
                  "a period that is not in the period list (for example '1066'"):
        assert words in text
    assert "of the seed's 50,443 figures are missing from the store" in text


def test_a_committed_batch_whose_figures_are_gone_and_figures_of_an_undone_batch_are_reported(db_path, capsys):
    con = store.connect(str(db_path))
    batch = local_returns.load_sample(con, actor=ADMIN).batch_id
    con.close()
    code, text = _check(capsys, db_path)
    assert code == 0, text

    _break(db_path, ("DELETE FROM metric_value WHERE batch_id = ?", [batch]))
    code, text = _check(capsys, db_path)
    assert code == 1
    assert f"1 committed batch(es) recorded figures that are no longer in the store (for example batch {batch}" in text


def test_figures_left_from_an_undone_batch_are_reported(db_path, capsys):
    con = store.connect(str(db_path))
    batch = local_returns.load_sample(con, actor=ADMIN).batch_id
    con.close()
    _break(db_path, ("UPDATE import_batch SET status = 'undone' WHERE id = ?", [batch]))
    code, text = _check(capsys, db_path)
    assert code == 1 and f"of batches that were undone still count as current (for example batch {batch}" in text

    # undone properly, nothing is left over
    con = store.connect(str(db_path))
    con.execute("UPDATE import_batch SET status = 'committed' WHERE id = ?", [batch])
    ingest.undo(con, batch, actor=ADMIN)
    con.close()
    assert _check(capsys, db_path)[0] == 0


def test_an_out_of_date_schema_is_reported(db_path, capsys):
    _break(db_path, ("UPDATE schema_version SET version = version - 1", []))
    code, text = _check(capsys, db_path)
    assert code == 1
    assert "is older than this scorecard's" in text and "`scorecard init`" in text


def test_no_store_file_is_reported(tmp_path, capsys):
    code, text = _check(capsys, tmp_path / "absent.duckdb")
    assert code == 1 and f"There is no store file at {tmp_path / 'absent.duckdb'}." in text
    assert not (tmp_path / "absent.duckdb").exists()


def test_a_file_that_is_not_a_store_is_reported(tmp_path, capsys):
    path = tmp_path / "notes.duckdb"
    path.write_bytes(b"minutes of the last board meeting\n" * 1000)
    code, text = _check(capsys, path)
    assert code == 1 and "DuckDB cannot open it: it is not a DuckDB database file." in text


def test_check_while_another_process_holds_the_store_says_so(db_path, capsys):
    with store_held(db_path):
        code, text = _check(capsys, db_path)
    assert code == 1
    assert f"The store {db_path} is open in another process" in text and "cannot be read now" in text


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_commands_that_write_refuse_a_cut_store_and_leave_it_as_it_was(db_path, capsys, tmp_path, fraction):
    cut_short(db_path, fraction)
    before = db_path.read_bytes()
    code = cli.main(["--db", str(db_path), "import", "--yes", str(tmp_path / "nothing.csv")])
    err = capsys.readouterr().err
    assert code == 1 and "is damaged" in err
    assert db_path.read_bytes() == before
