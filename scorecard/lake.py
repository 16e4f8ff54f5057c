"""A shared store on DuckLake, DuckDB's lakehouse format: a catalog database (SQLite for one server,
PostgreSQL for many) and Parquet files in a folder or object store. The dashboard, command-line
imports and scheduled jobs all use it at once; its snapshots answer "what did the store say then?".

    SCORECARD_DB=ducklake:sqlite:/srv/scorecard/catalog.sqlite
    SCORECARD_DB="ducklake:postgres:dbname=scorecard host=db.internal user=scorecard"
    SCORECARD_DATA_PATH=/srv/scorecard/files        (or s3://bucket/prefix; default: beside the catalog)

Extensions come from DuckDB's own signed binaries on PyPI (duckdb-extension-ducklake, -sqlite and
-postgres, installed with the project at the version of duckdb), so nothing is downloaded at run
time. Their files are named after the package, not the extension, and DuckDB derives the entry point
from the file name, so each is linked (or copied) once under the extension's own name. Where the
packages are missing, a plain INSTALL/LOAD is tried (a machine with internet access).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import time
from pathlib import Path

import duckdb

from . import config
from .problems import UserProblem
from .redaction import redact

PREFIX = "ducklake:"
CATALOG = "scorecard_lake"  # the name the lake is attached under
# extension name -> (PyPI package, file in the package)
EXTENSIONS = {
    "ducklake": ("duckdb_extension_ducklake", "ducklake.duckdb_extension"),
    "sqlite_scanner": ("duckdb_extension_sqlite", "sqlite.duckdb_extension"),
    "postgres_scanner": ("duckdb_extension_postgres", "postgres.duckdb_extension"),
}


class LakeError(UserProblem, RuntimeError):
    """The DuckLake store cannot be reached or its extensions cannot be loaded; said in a sentence."""


def is_lake(target: str) -> bool:
    return str(target).startswith(PREFIX)


def catalog_kind(target: str) -> str:
    """'sqlite' or 'postgres' (ducklake:sqlite:PATH, ducklake:postgres:CONNINFO)."""
    rest = target[len(PREFIX):]
    kind = rest.split(":", 1)[0]
    if kind not in ("sqlite", "postgres") or ":" not in rest:
        raise LakeError(f"{target!r} is not a DuckLake store this program reads: use ducklake:sqlite:PATH or "
                        "ducklake:postgres:CONNINFO")
    return kind


def data_path(target: str) -> str:
    """Where the Parquet files go: $SCORECARD_DATA_PATH, else beside a SQLite catalog, else data/lake-files."""
    explicit = os.environ.get("SCORECARD_DATA_PATH")
    if explicit:
        return explicit if "://" in explicit else str(Path(explicit)) + os.sep
    if catalog_kind(target) == "sqlite":
        catalog = Path(target[len(PREFIX) + len("sqlite:"):])
        return str(catalog.with_name(catalog.stem + "-files")) + os.sep
    return str(config.DATA_DIR / "lake-files") + os.sep


def _extension_file(name: str) -> Path | None:
    """The extension's file, under its own name, from the installed package (linked once)."""
    package, filename = EXTENSIONS[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    source = Path(next(iter(spec.submodule_search_locations))) / "extensions" / f"v{duckdb.__version__}" / filename
    if not source.exists():
        return None
    folder = Path(os.environ.get("SCORECARD_EXTENSION_DIR", Path.home() / ".cache" / "send-scorecard" / "extensions"))
    target = folder / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_suffix(f".{os.getpid()}.tmp")
        try:
            staging.symlink_to(source)
        except OSError:  # no symlinks (some Windows set-ups): a copy will do
            shutil.copyfile(source, staging)
        os.replace(staging, target)
    return target


def load_extensions(con, catalog: str) -> None:
    for name in ("ducklake", f"{catalog}_scanner"):
        path = _extension_file(name)
        try:
            if path is not None:
                con.execute("LOAD '" + _literal(str(path)) + "'")
            else:
                con.execute("INSTALL " + name)
                con.execute("LOAD " + name)
        except duckdb.Error as exc:
            raise LakeError(
                f"The DuckDB extension {name} could not be loaded ({str(exc).splitlines()[0]}). Install the "
                f"project's dependencies (pip install duckdb-extension-{name.split('_')[0]}=={duckdb.__version__}), "
                "or on a machine with internet access let DuckDB install it.") from None


def _literal(text: str) -> str:
    """Text inside a SQL string literal. ATTACH and LOAD take no parameters; these values come from the
    operator's own settings, and quotes are doubled so they cannot end the literal."""
    return text.replace("'", "''")


def attach(con, target: str, read_only: bool = False, snapshot_time=None) -> None:
    """Attach the lake as the connection's default database, at a past snapshot if asked (read-only)."""
    kind = catalog_kind(target)
    load_extensions(con, kind)
    if kind == "postgres":
        postgres_defaults_from_secrets()
    options = []
    if snapshot_time is not None:
        options.append("SNAPSHOT_TIME '" + _literal(snapshot_time.isoformat()) + "'")
    elif read_only:
        options.append("READ_ONLY")
    # A catalog remembers where its files are: DATA_PATH is given only when asked for, or for a new lake.
    explicit = bool(os.environ.get("SCORECARD_DATA_PATH"))
    new_sqlite = kind == "sqlite" and not Path(target[len(PREFIX) + len("sqlite:"):]).exists()
    catalog = Path(target[len(PREFIX) + len("sqlite:"):]) if kind == "sqlite" else None
    give_up_at = time.monotonic() + config.write_wait_seconds()
    while True:
        try:
            try:
                _attach(con, target, options, with_files=explicit or new_sqlite)
            except duckdb.Error:
                if explicit or new_sqlite or kind != "postgres":
                    raise
                _attach(con, target, options, with_files=True)  # a new PostgreSQL catalog needs its folder
            break
        except duckdb.Error as exc:
            if catalog is not None and not new_sqlite and catalog_locked(catalog):  # SQLite's own busy code
                if time.monotonic() < give_up_at:
                    time.sleep(0.1)
                    continue
                raise LakeError(catalog_locked_words(catalog)) from None
            raise LakeError(f"The shared store {shown(target)} cannot be opened: {_why_not_opened(exc)}") from None
    con.execute("USE " + CATALOG)
    if kind == "sqlite":
        _write_ahead_log(Path(target[len(PREFIX) + len("sqlite:"):]))


# The [postgres] section of the secrets file, and the libpq settings each key supplies. libpq (inside
# DuckDB's postgres extension) reads these from the environment whenever it connects, as it reads
# PGPASSWORD and ~/.pgpass (or $PGPASSFILE) itself; a setting already in the environment wins.
POSTGRES_SECRETS = {"password": "PGPASSWORD", "passfile": "PGPASSFILE", "user": "PGUSER", "host": "PGHOST",
                    "port": "PGPORT", "dbname": "PGDATABASE", "sslmode": "PGSSLMODE"}
_WHERE_PASSWORDS_GO = ("Give the password by the PGPASSWORD environment variable, a .pgpass file, or a "
                       "[postgres] section in the secrets file (the README's Stores section says how), not in "
                       "SCORECARD_DB.")


def postgres_defaults_from_secrets() -> None:
    """Set libpq's defaults from the secrets file's [postgres] section, where the environment has none."""
    from . import secrets_file

    for key, variable in POSTGRES_SECRETS.items():
        value = secrets_file.section("postgres").get(key)
        if value not in (None, "") and not os.environ.get(variable):
            os.environ[variable] = str(value)


def _why_not_opened(exc: duckdb.Error) -> str:
    """Why DuckDB could not attach the lake, in words, with no secret in them."""
    text = str(exc)
    if "password authentication failed" in text:
        return f"PostgreSQL refused the password for that user. Nothing was changed. {_WHERE_PASSWORDS_GO}"
    if "no password supplied" in text:
        return f"PostgreSQL asked for a password and none was given. Nothing was changed. {_WHERE_PASSWORDS_GO}"
    return redact(text.splitlines()[0] if text else type(exc).__name__)


def _write_ahead_log(catalog: Path) -> None:
    """A SQLite catalog in write-ahead-log mode: readers (every dashboard page) then never block the
    one writer committing an import, nor it them. The setting is kept in the file; set once."""
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(catalog, timeout=config.write_wait_seconds())) as db:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", None) not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise
        raise LakeError(catalog_locked_words(catalog)) from None


def catalog_locked(catalog) -> bool:
    """Whether another program holds the SQLite catalog locked, by SQLite's own busy code, asked of it
    with no wait: a database tool with it open, a copy being taken, a process stopped mid-change."""
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(str(catalog), timeout=0, isolation_level=None)) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return False


def catalog_locked_words(catalog) -> str:
    return (f"The shared store's catalog ({Path(catalog).name}) is locked by another program (a database tool "
            "with it open, a copy being taken, or a process stopped part way through a change), so the store was "
            f"not used after waiting {config.write_wait_seconds():g} seconds. Nothing was changed. Try again when "
            f"that program has finished ({config.WRITE_WAIT_ENV} sets how long to wait).")


def _attach(con, target: str, options: list[str], with_files: bool) -> None:
    if with_files:
        files = data_path(target)
        if "://" not in files:
            Path(files).mkdir(parents=True, exist_ok=True)
        if target.startswith(PREFIX + "sqlite:"):
            Path(target[len(PREFIX) + len("sqlite:"):]).parent.mkdir(parents=True, exist_ok=True)
        options = ["DATA_PATH '" + _literal(files) + "'", *options]
    con.execute("ATTACH '" + _literal(target) + "' AS " + CATALOG + (" (" + ", ".join(options) + ")" if options else ""))


def shown(target: str) -> str:
    """The store as a message names it, without a password."""
    return redact(target)


# The kinds of change a DuckLake snapshot records against a table id ("tables_inserted_into": ["8"]).
# A snapshot with any other kind (a table created or altered, files compacted) makes
# tables_changed_since answer None: copy everything.
_TABLE_CHANGES = {"tables_inserted_into", "tables_deleted_from", "inlined_insert", "inlined_delete"}


def tables_changed_since(con, snapshot_id: int) -> set[str] | None:
    """The names of the tables whose rows changed in the snapshots after `snapshot_id`, or None when
    a snapshot since changed more than rows (read everything again)."""
    changed_ids: set[str] = set()
    for (changes,) in con.execute("SELECT changes FROM ducklake_snapshots('" + CATALOG + "') WHERE snapshot_id > ?",
                                  [snapshot_id]).fetchall():
        for kind, ids in (changes or {}).items():
            if kind not in _TABLE_CHANGES:
                return None
            changed_ids.update(str(i) for i in ids)
    if not changed_ids:
        return set()
    return {name for table_id, name in con.execute(
        "SELECT table_id, table_name FROM __ducklake_metadata_" + CATALOG + ".ducklake_table "
        "WHERE end_snapshot IS NULL").fetchall() if str(table_id) in changed_ids}


def snapshot(con) -> tuple[int, object] | None:
    """The snapshot the connection reads: (id, time). The latest one, or the one a connection
    attached as at a past moment sees."""
    row = con.execute("SELECT snapshot_id, snapshot_time FROM " + CATALOG + ".snapshots() WHERE snapshot_id = "
                      "(SELECT id FROM " + CATALOG + ".current_snapshot())").fetchone()
    return (int(row[0]), row[1]) if row else None


_METADATA = "__ducklake_metadata_" + CATALOG


def catalogued_files(con) -> dict[str, str]:
    """Every Parquet file the catalog names (each table's data and delete files, current and kept for
    time travel), as an absolute path, with its table's name. Local files only: an object store's are
    left to it."""
    data_root = con.execute("SELECT value FROM " + _METADATA + ".ducklake_metadata WHERE key = 'data_path'"
                            ).fetchone()[0]
    if "://" in data_root:
        return {}
    schemas = {sid: (path, rel) for sid, path, rel in con.execute(
        "SELECT schema_id, path, path_is_relative FROM " + _METADATA + ".ducklake_schema").fetchall()}
    tables = {tid: (sid, name, path, rel) for tid, sid, name, path, rel in con.execute(
        "SELECT table_id, schema_id, table_name, path, path_is_relative FROM " + _METADATA + ".ducklake_table "
        "ORDER BY begin_snapshot").fetchall()}

    def folder(table_id) -> tuple[str, str]:
        schema_id, name, path, relative = tables[table_id]
        schema_path, schema_relative = schemas.get(schema_id, ("", True))
        base = os.path.join(data_root, schema_path) if schema_relative else schema_path
        return (os.path.join(base, path) if relative else path), name

    found = {}
    for kind in ("ducklake_data_file", "ducklake_delete_file"):
        for table_id, path, relative in con.execute(
                "SELECT table_id, path, path_is_relative FROM " + _METADATA + "." + kind).fetchall():
            if table_id not in tables:
                continue
            base, name = folder(table_id)
            found[os.path.normpath(os.path.join(base, path) if relative else path)] = name
    return found


def missing_files(con) -> list[str]:
    """The files the catalog names that are not on disk (deleted, moved, or on a share not mounted),
    relative to the lake's data folder."""
    scheduled = {os.path.basename(p) for (p,) in con.execute(
        "SELECT path FROM " + _METADATA + ".ducklake_files_scheduled_for_deletion").fetchall()}
    root = _data_root(con)
    return sorted(os.path.relpath(path, root) for path in catalogued_files(con)
                  if not os.path.exists(path) and os.path.basename(path) not in scheduled)


def orphan_files(con, settled_seconds: float = 600) -> list[str]:
    """Parquet files in the lake's data folder that the catalog does not name (left by a change
    stopped part way, say), relative to the folder. Files written in the last `settled_seconds` are
    left out: a change being saved now writes its files before its catalog rows."""
    import time

    root = _data_root(con)
    if root is None or not os.path.isdir(root):
        return []
    named = set(catalogued_files(con))
    now, out = time.time(), []
    for folder, _, names in os.walk(root):
        for file in names:
            path = os.path.normpath(os.path.join(folder, file))
            if file.endswith(".parquet") and path not in named and now - os.path.getmtime(path) > settled_seconds:
                out.append(os.path.relpath(path, root))
    return sorted(out)


def _data_root(con) -> str | None:
    root = con.execute("SELECT value FROM " + _METADATA + ".ducklake_metadata WHERE key = 'data_path'").fetchone()[0]
    return None if "://" in root else root
