"""One schema for both backends: no primary keys, unique constraints or sequences (DuckLake has
none), and a store made by an earlier release brought to it without losing a row."""

from datetime import datetime

import duckdb

from scorecard import as_at, ingest, schema, seed, store
from scorecard.migrations import MIGRATIONS

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")


def _constraints(con) -> list:
    return con.execute("SELECT table_name, constraint_type FROM information_schema.table_constraints "
                       "WHERE table_catalog = current_database()").fetchall()


def test_a_new_store_has_todays_schema_and_no_constraints(tmp_path):
    con = store.connect(str(tmp_path / "new.duckdb"))
    assert store.schema_version(con) == store.LATEST_SCHEMA
    assert _constraints(con) == []
    assert con.execute("SELECT count(*) FROM duckdb_sequences()").fetchone()[0] == 0
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_catalog = current_database()").fetchall()}
    assert set(schema.ALL_TABLES) | {"schema_version"} == tables


def test_a_store_from_an_earlier_release_is_migrated_keeping_every_row(tmp_path):
    path = str(tmp_path / "old.duckdb")
    old = duckdb.connect(path)
    old.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)")
    for version, description, sql in MIGRATIONS[:5]:
        for statement in (s.strip() for s in sql.split(";") if s.strip()):
            old.execute(statement)
        old.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, description, datetime.now()])
    old.execute("INSERT INTO import_batch (file_name, sha256, format, imported_at) VALUES ('a.csv', 'x', 'seed', now())")
    old.execute("INSERT INTO commentary (area_code, metric_id, period_label, text, author, written_at) "
                "VALUES ('E06000026', 'ehcp_20wk_pct', '2024', 'kept', 'officer', now())")
    assert _constraints(old)
    old.close()

    con = store.connect(path)
    assert store.schema_version(con) == store.LATEST_SCHEMA
    assert _constraints(con) == [] and con.execute("SELECT count(*) FROM duckdb_sequences()").fetchone()[0] == 0
    assert con.execute("SELECT id, file_name, status FROM import_batch").fetchall() == [(1, "a.csv", "committed")]
    assert con.execute("SELECT id, text FROM commentary").fetchall() == [(1, "kept")]
    seed.init(con)  # and it takes the seed as a new batch, with the next id
    assert con.execute("SELECT max(id) FROM import_batch").fetchone()[0] == 2


def test_ids_are_allocated_in_the_transaction_and_undo_keeps_history(con, tmp_path):
    path = tmp_path / "return.csv"
    path.write_text("area,metric,period,value\nPlymouth,perm_staff_pct,Autumn 2025/26,88\n")
    result = ingest.import_source(con, ingest_source(path), actor=ADMIN)
    assert result.batch_id == con.execute("SELECT max(id) FROM import_batch").fetchone()[0]
    ids = [r[0] for r in con.execute("SELECT id FROM metric_value").fetchall()]
    assert len(ids) == len(set(ids))
    ingest.undo(con, result.batch_id, actor=ADMIN)
    kept = con.execute("SELECT value, is_current FROM metric_value WHERE batch_id = ?", [result.batch_id]).fetchall()
    assert kept == [(88.0, False)], "an undone batch's figures stay, as history, but never current"
    again = ingest.import_source(con, ingest_source(path, "return-again.csv"), actor=ADMIN)
    assert con.execute("SELECT value FROM metric_value WHERE is_current AND batch_id = ?",
                       [again.batch_id]).fetchall() == [(88.0,)]


def ingest_source(path, name=None):
    from scorecard.importers import SourceFile

    source = SourceFile.from_path(path)
    return SourceFile(name, source.data + b"\n") if name else source


def test_migrations_apply_in_order_and_one_numbered_below_an_applied_one_still_applies(tmp_path, monkeypatch):
    """Numbers need not be consecutive, and a migration merged later with a lower number than one
    already applied (two branches' migrations) is applied when the store next opens to write."""
    con = store.connect(str(tmp_path / "s.duckdb"))
    applied = {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
    assert {schema.CURRENT_VERSION, 10} <= applied and 9 not in applied  # a gap at 9 is fine
    late = (9, "a migration merged from another branch", "CREATE TABLE merged_later (x INTEGER)")
    monkeypatch.setattr(store, "MIGRATIONS", sorted([*MIGRATIONS, late]))
    assert [m[0] for m in store.pending_migrations(con)] == [9]
    assert store.migrate(con) == [9]
    assert con.execute("SELECT count(*) FROM merged_later").fetchone()[0] == 0
    assert store.pending_migrations(con) == [] and store.migrate(con) == []
    con.close()


def test_migration_10_starts_the_history_of_the_plan_from_what_the_store_holds(tmp_path, monkeypatch):
    path = str(tmp_path / "at8.duckdb")
    monkeypatch.setattr(store, "MIGRATIONS", [m for m in MIGRATIONS if m[0] <= 8])
    con = store.connect(path)
    con.execute("INSERT INTO priority VALUES ('E06000026', 1, 'Timeliness')")
    con.execute("INSERT INTO priority_metric VALUES ('E06000026', 1, 'ehcp_20wk_pct', 0)")
    con.execute("INSERT INTO board_theme VALUES ('E06000026', 'timeliness', 'Our timeliness', 'send_service', 0)")
    point = as_at.point(con)
    con.close()
    monkeypatch.setattr(store, "MIGRATIONS", MIGRATIONS)
    con = store.connect(path)
    saved = con.execute("SELECT kind, area_code FROM plan_saved ORDER BY kind, area_code").fetchall()
    assert saved == [("board setup", "E06000026"), ("history starts", None), ("priorities", "E06000026"),
                     ("register", None)]
    assert con.execute("SELECT area_code, number, title FROM priority_history").fetchall() == [
        ("E06000026", 1, "Timeliness")]
    assert con.execute("SELECT title FROM board_theme_history").fetchall() == [("Our timeliness",)]
    assert len({r[0] for r in con.execute("SELECT saved_at FROM plan_saved").fetchall()}) == 1  # one moment
    assert as_at.point(con) == point  # copying what the store holds is not a change to it
    con.close()
