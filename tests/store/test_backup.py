"""A backup is a consistent, portable copy of the whole store; restore rebuilds an empty store from
it, table for table, on either backend."""

import zipfile

import pytest

from scorecard import backup, cli, commentary, ingest, schema, store, targets
from scorecard.importers import SourceFile
from tests.conftest import lake_target

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

pytestmark = pytest.mark.both_backends


def _tables(con) -> dict[str, list]:
    out = {}
    for table in schema.ALL_TABLES:
        rows = con.execute("SELECT * FROM " + table).fetchall()  # table names from the schema's own list
        out[table] = sorted(rows, key=repr)
    return out


def _with_history(con, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("area,metric,period,value\nPlymouth,perm_staff_pct,Autumn 2025/26,88\n")
    batch = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN).batch_id
    ingest.undo(con, batch, actor=ADMIN)
    targets.save_targets(con, [{"area_code": "E06000026", "metric_id": "perm_staff_pct", "period_label": None,
                                "from_period": None, "to_period": None, "target": 90.0, "tolerance": 0,
                                "baseline_period": None}], actor=ADMIN)
    commentary.add(con, "E06000026", "perm_staff_pct", "Autumn 2026/27", "Kept in the backup.", actor=ADMIN)


@pytest.mark.parametrize("into", ["file", "ducklake"])
def test_backup_and_restore_make_a_round_trip(con, db_path, tmp_path, capsys, into):
    _with_history(con, tmp_path)
    before = _tables(con)
    db = str(db_path)
    con.close()
    out = tmp_path / "backup.zip"
    assert cli.main(["--db", db, "backup", str(out)]) == 0
    assert "Backed up the store" in capsys.readouterr().out
    names = set(zipfile.ZipFile(out).namelist())
    assert {f"{t}.parquet" for t in schema.ALL_TABLES} <= names and "manifest.json" in names

    target = str(tmp_path / "restored.duckdb") if into == "file" else lake_target(tmp_path / "restored-lake")
    assert cli.main(["--db", target, "restore", str(out)]) == 0
    restored = store.connect(target)
    after = _tables(restored)
    for table in schema.ALL_TABLES:
        if table == "meta":  # the restore itself is a change: the data version moves on by one
            continue
        if table == "audit_event":  # ... and the newest row of the audit trail
            assert after[table][:-1] == before[table] and after[table][-1][5] == "restore", after[table][-1]
            continue
        assert after[table] == before[table], table
    restored.close()


def test_restore_refuses_a_store_that_holds_figures_unless_told(con, db_path, tmp_path, capsys):
    db = str(db_path)
    con.close()
    out = tmp_path / "backup.zip"
    assert cli.main(["--db", db, "backup", str(out)]) == 0
    assert cli.main(["--db", db, "restore", str(out)]) == 2
    assert "already holds figures" in capsys.readouterr().err
    assert cli.main(["--db", db, "restore", str(out), "--replace"]) == 0


def test_a_damaged_backup_is_refused_and_nothing_is_restored(con, tmp_path):
    out = tmp_path / "backup.zip"
    backup.write(con, out)
    con.close()
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(damaged, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            copy.writestr(item, data[:-10] + b"0123456789" if item.filename == "metric_value.parquet" else data)
    empty = store.connect(str(tmp_path / "empty.duckdb"))
    with pytest.raises(backup.BackupError, match="does not match its checksum"):
        backup.restore(empty, damaged, actor=ADMIN)
    assert not backup.holds_figures(empty)
    empty.close()
