"""A backup is a consistent, portable copy of the whole store; restore rebuilds an empty store from
it, table for table, on either backend."""

import hashlib
import json
import zipfile

import duckdb
import pytest

from scorecard import audit, backup, backup_signing, cli, commentary, ingest, schema, store, targets
from scorecard.importers import SourceFile
from tests.conftest import lake_target

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")
KEY = "this-deployment-s-backup-signing-key-0123456789"

pytestmark = pytest.mark.both_backends


@pytest.fixture(autouse=True)
def signing_key(monkeypatch) -> str:
    """The deployment's backup signing key, as an admin sets it."""
    monkeypatch.setenv(backup_signing.KEY_ENV, KEY)
    return KEY


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
    said = capsys.readouterr()
    assert "Backed up the store" in said.out and "Signed with this deployment's backup signing key" in said.out
    assert "NOT SIGNED" not in said.err
    names = set(zipfile.ZipFile(out).namelist())
    assert {f"{t}.parquet" for t in schema.ALL_TABLES} <= names and {"manifest.json", "manifest.sig"} <= names

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
# Backups that cannot be forged, and an audit trail that a restore cannot rewrite (issue 17)

PLYMOUTH = "E06000026"


def _rewritten(source, out, change: dict, resign_with: bytes | None = None, drop: tuple = ()):
    """A copy of a backup with members changed (name -> new bytes) and the manifest's checksums made to
    match, as a forger would; re-signed only with `resign_with`, else keeping the old signature."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    for name, data in change.items():
        members[name] = data
        manifest["sha256"][name.removesuffix(".parquet")] = hashlib.sha256(data).hexdigest()
    for table in drop:
        del members[f"{table}.parquet"]
        del manifest["sha256"][table], manifest["rows"][table]
    members["manifest.json"] = json.dumps(manifest, indent=1).encode()
    if resign_with is not None:
        members["manifest.sig"] = backup_signing.sign(members["manifest.json"], resign_with)
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out


def _forged_figures(source, tmp_path) -> bytes:
    """The backup's figures with every one of Plymouth's set to 99.9, as Parquet."""
    with zipfile.ZipFile(source) as archive:
        (tmp_path / "mv.parquet").write_bytes(archive.read("metric_value.parquet"))
    scratch = duckdb.connect()
    scratch.execute("CREATE TABLE t AS SELECT * REPLACE (CASE WHEN area_code = ? THEN 99.9 ELSE value END AS value) "
                    "FROM read_parquet(?)", [PLYMOUTH, str(tmp_path / "mv.parquet")])
    scratch.execute("COPY t TO ? (FORMAT parquet)", [str(tmp_path / "forged.parquet")])
    scratch.close()
    return (tmp_path / "forged.parquet").read_bytes()


def _trail(con) -> list[tuple]:
    return con.execute("SELECT id, changed_at, who, action, outcome, subject, detail FROM audit_event ORDER BY id"
                       ).fetchall()


def test_a_changed_backup_with_its_checksums_recomputed_is_refused(con, db_path, tmp_path, capsys):
    out = tmp_path / "backup.zip"
    backup.write(con, out)
    forged = _rewritten(out, tmp_path / "forged.zip", {"metric_value.parquet": _forged_figures(out, tmp_path)})
    figures = con.execute("SELECT count(*), sum(value) FROM metric_value").fetchone()
    trail = _trail(con)
    con.close()
    for extra in ([], ["--allow-unsigned"]):  # a signature that does not verify is refused whatever
        assert cli.main(["--db", str(db_path), "restore", str(forged), "--replace", *extra]) == 2
        err = capsys.readouterr().err
        assert "its signature does not verify" in err and "Nothing was changed" in err
    after = store.connect(str(db_path))
    assert after.execute("SELECT count(*), sum(value) FROM metric_value").fetchone() == figures
    assert _trail(after)[:len(trail)] == trail  # the trail is as it was, plus the two refusals
    refused = _trail(after)[len(trail):]
    assert [(r[3], r[4], r[5]) for r in refused] == [("restore", "refused", "forged.zip")] * 2
    after.close()


@pytest.mark.parametrize("made_with", ["no key", "another key"])
def test_an_unsigned_backup_is_restored_only_when_the_admin_says_so_and_that_is_recorded(
        con, db_path, tmp_path, capsys, made_with):
    out = tmp_path / "backup.zip"
    backup.write(con, out, key=None if made_with == "no key" else b"another-deployment-s-signing-key-xyz-123")
    con.close()
    assert cli.main(["--db", str(db_path), "restore", str(out), "--replace"]) == 2
    err = capsys.readouterr().err
    assert ("it is not signed" if made_with == "no key" else "it was signed with another key") in err
    assert "--allow-unsigned" in err and "Nothing was changed" in err
    assert cli.main(["--db", str(db_path), "restore", str(out), "--replace", "--allow-unsigned"]) == 0
    assert "NOT verified" in capsys.readouterr().out
    after = store.connect(str(db_path))
    last = after.execute("SELECT action, outcome, detail FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    after.close()
    assert last[:2] == ("restore", "done")
    assert last[2].startswith("NOT VERIFIED: restored on the admin's explicit instruction (--allow-unsigned)")


def test_a_backup_made_without_a_key_says_so_plainly(con, db_path, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(backup_signing.KEY_ENV)
    con.close()
    out = tmp_path / "backup.zip"
    assert cli.main(["--db", str(db_path), "backup", str(out)]) == 0  # made: a missed backup is worse
    said = capsys.readouterr()
    assert "is NOT SIGNED: no backup signing key is configured" in said.err and "--allow-unsigned" in said.err
    assert "manifest.sig" not in zipfile.ZipFile(out).namelist()


def test_the_key_may_come_from_the_secrets_file(con, tmp_path, monkeypatch):
    monkeypatch.delenv(backup_signing.KEY_ENV)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[backup]\nsigning_key = "{KEY}"\n', encoding="utf-8")
    monkeypatch.setenv(backup_signing.SECRETS_ENV, str(secrets))
    assert backup.write(con, tmp_path / "b.zip")["signed_with"] == backup_signing.key_id(KEY.encode())
    secrets.write_text('[backup]\nsigning_key = "short"\n', encoding="utf-8")
    with pytest.raises(backup_signing.BackupKeyError, match="at least 32"):
        backup.write(con, tmp_path / "c.zip")


def test_restore_replace_keeps_the_trail_written_since_the_backup(con, db_path, tmp_path):
    out = tmp_path / "backup.zip"
    backup.write(con, out)
    commentary.add(con, PLYMOUTH, "perm_staff_pct", "Autumn 2026/27", "Written after the backup.", actor=ADMIN)
    before = _trail(con)
    con.close()
    assert cli.main(["--db", str(db_path), "restore", str(out), "--replace"]) == 0
    after = store.connect(str(db_path))
    trail = _trail(after)
    after.close()
    assert trail[:len(before)] == before  # nothing deleted or rewritten, the commentary's row included
    assert len(trail) == len(before) + 1 and trail[-1][3:5] == ("restore", "done")  # the backup's rows were all there
    assert "signed backup: its signature verifies" in trail[-1][6]


def test_a_backup_without_an_audit_trail_does_not_empty_it(con, db_path, tmp_path):
    out = tmp_path / "backup.zip"
    backup.write(con, out)
    older = _rewritten(out, tmp_path / "older.zip", {}, resign_with=KEY.encode(), drop=("audit_event",))
    before = _trail(con)
    assert before
    backup.restore(con, older, replace=True, actor=ADMIN)
    trail = _trail(con)
    assert trail[:len(before)] == before and trail[-1][3] == "restore"
    assert "the backup has no audit trail" in trail[-1][6]


def test_a_backups_trail_is_brought_in_only_where_missing_and_never_rewrites_a_row(con, tmp_path):
    """Rows of the backup's trail the store lacks are added; a row the backup holds differently (its 'who'
    rewritten) is added beside the store's own, which stays as it was."""
    out = tmp_path / "backup.zip"
    backup.write(con, out)
    with zipfile.ZipFile(out) as archive:
        (tmp_path / "audit.parquet").write_bytes(archive.read("audit_event.parquet"))
    scratch = duckdb.connect()
    scratch.execute("CREATE TABLE t AS SELECT * REPLACE ('someone else' AS who) FROM read_parquet(?)",
                    [str(tmp_path / "audit.parquet")])
    scratch.execute("COPY t TO ? (FORMAT parquet)", [str(tmp_path / "rewritten.parquet")])
    scratch.close()
    rewritten = _rewritten(out, tmp_path / "rewritten.zip",
                           {"audit_event.parquet": (tmp_path / "rewritten.parquet").read_bytes()},
                           resign_with=KEY.encode())
    before = _trail(con)
    backup.restore(con, rewritten, replace=True, actor=ADMIN)
    trail = _trail(con)
    assert trail[:len(before)] == before
    added = trail[len(before):-1]
    assert len(added) == len(before) and all(r[2] == "someone else" for r in added)
    assert len({r[0] for r in trail}) == len(trail)  # ids stay unique
    assert audit.events(con, user="someone else").shape[0] == len(before)


def test_a_backup_from_before_the_plan_kept_its_history_starts_it_when_restored(con, tmp_path):
    from scorecard import as_at, plan_history

    out = tmp_path / "backup.zip"
    backup.write(con, out)
    plan_tables = ("register_theme", "plan_saved", "priority_history", "priority_metric_history",
                   "board_theme_history", "measure_setting_history", "metric_history", "series_break_history",
                   "register_theme_history")
    older = _rewritten(out, tmp_path / "older.zip", {}, resign_with=KEY.encode(), drop=plan_tables)
    backup.restore(con, older, replace=True, actor=ADMIN)
    assert plan_history.history_start(con) is not None
    assert con.execute("SELECT count(*) FROM metric_history").fetchone()[0] == \
        con.execute("SELECT count(*) FROM metric").fetchone()[0] > 0
    assert as_at.point(con).version > 0


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
