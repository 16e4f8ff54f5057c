"""The DuckDB store: opening it, migrating it, and running one transaction per change.

DuckDB allows one writing process. The dashboard owns the store while it runs; a command-line
import at the same time fails with StoreBusy, which says so in words, and changes nothing.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

import duckdb

from . import config
from .migrations import MIGRATIONS


class StoreBusy(RuntimeError):
    """Another process holds the store open for writing."""


def connect(path: str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and migrate, unless read-only) the store at `path` (default: config.db_path())."""
    target = config.db_path(path)
    if target != ":memory:" and not target.startswith("md:"):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(
                f"The store {target} is open in another process (is the dashboard running?). "
                "Import through the dashboard's Local returns page, or stop the dashboard and try again. "
                "Nothing was changed."
            ) from exc
        raise
    if not read_only:
        migrate(con)
    return con


def schema_version(con) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(con) -> list[int]:
    """Apply every migration newer than the store's schema_version, each in its own transaction."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    current = schema_version(con)
    applied = []
    for version, description, sql in MIGRATIONS:
        if version <= current:
            continue
        with transaction(con):
            for statement in _statements(sql):
                con.execute(statement)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)", [version, description, datetime.now()]
            )
        applied.append(version)
    return applied


def _statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split(";") if s.strip()]


@contextlib.contextmanager
def transaction(con):
    """BEGIN ... COMMIT, or ROLLBACK on any error so nothing is partly written."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def data_version(con) -> int:
    """A counter bumped by every committed change; caches key on it so an import shows at once."""
    row = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def bump_data_version(con) -> int:
    version = data_version(con) + 1
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('data_version', ?)", [str(version)]
    )
    return version


def get_meta(con, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def register_frame(con, name: str, frame) -> None:
    """Register a DataFrame as a view. DuckDB 2 refuses while an earlier result on the connection is
    unread (a fetchone() leaves one), so finish that result first."""
    finish = getattr(con, "complete", None)
    if finish is not None:
        finish()
    con.register(name, frame)
