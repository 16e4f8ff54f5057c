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


# ---------------------------------------------------------------------------------------------
# A backup that would eat the server is refused with the limits every imported ZIP meets.


def _backup_of(con, tmp_path) -> "Path":
    out = tmp_path / "backup.zip"
    backup.write(con, out)
    return out


def test_a_backup_bomb_is_refused_from_its_directory_before_anything_is_read(con, tmp_path, monkeypatch):
    from benchmarks.zip_bomb import write_bomb

    good = zipfile.ZipFile(_backup_of(con, tmp_path))
    members = {n: good.read(n) for n in good.namelist() if n != "metric_value.parquet"}
    bomb = write_bomb(tmp_path / "bomb.zip", expand_mib=2048, member="metric_value.parquet", content=b"\0",
                      extra=members)
    assert bomb.stat().st_size < 10 * 1024 * 1024

    def refuse(*args, **kwargs):
        raise AssertionError("a member of the archive was expanded")
    monkeypatch.setattr(zipfile.ZipExtFile, "read", refuse)
    monkeypatch.setattr(zipfile.ZipExtFile, "read1", refuse)
    before = _tables(con)
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(con, bomb, replace=True, actor=ADMIN)
    assert str(exc.value).startswith("bomb.zip: metric_value.parquet would expand")
    assert "a ZIP bomb" in str(exc.value) and str(exc.value).endswith("nothing was restored")
    assert _tables(con) == before


def test_a_backup_whose_member_expands_past_what_it_declares_is_stopped_while_reading(con, tmp_path):
    import struct

    from benchmarks.zip_bomb import write_bomb

    good = zipfile.ZipFile(_backup_of(con, tmp_path))
    members = {n: good.read(n) for n in good.namelist() if n != "metric_value.parquet"}
    data = bytearray(write_bomb(tmp_path / "liar.zip", expand_mib=64, member="metric_value.parquet", content=b"\0",
                                extra=members).read_bytes())
    local, central = data.rfind(b"PK\x03\x04"), data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 1024)  # declares 1 KB; expands to 64 MiB
    struct.pack_into("<I", data, central + 24, 1024)
    (tmp_path / "liar.zip").write_bytes(bytes(data))
    before = _tables(con)
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(con, tmp_path / "liar.zip", replace=True, actor=ADMIN)
    assert "liar.zip: metric_value.parquet cannot be read" in str(exc.value), str(exc.value)
    assert _tables(con) == before


def test_the_cli_refuses_a_backup_bomb_in_a_sentence(con, db_path, tmp_path, capsys):
    from benchmarks.zip_bomb import write_bomb

    bomb = write_bomb(tmp_path / "bomb.zip", expand_mib=1024, member="manifest.json", content=b" ")
    con.close()
    assert cli.main(["--db", str(db_path), "restore", "--replace", str(bomb)]) == 2
    err = capsys.readouterr().err
    assert "bomb.zip: manifest.json would expand" in err and "Traceback" not in err
