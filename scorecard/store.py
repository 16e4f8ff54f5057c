"""The DuckDB store: opening it, migrating it, and running one transaction per change.

DuckDB allows one writing process. The dashboard owns the store while it runs; a command at the
same time fails with StoreBusy, which says so in words, and changes nothing. A store that cannot be
read (cut short, or a block that fails its checksum) raises StoreDamaged; `scorecard check` says
what is wrong with it.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import time
from datetime import datetime
from pathlib import Path

import duckdb

from . import config, lake, schema
from .errors import shown_path
from .migrations import MIGRATIONS
from .problems import UserProblem
from .redaction import redact

LATEST_SCHEMA = MIGRATIONS[-1][0]


class StoreUnavailable(UserProblem, RuntimeError):
    """The store cannot be used now. str() is the sentence for the command line; `page_message`
    is the sentence for the dashboard, which names the store by file name only."""

    def __init__(self, message: str, page_message: str):
        super().__init__(message)
        self.page_message = page_message


class StoreBusy(StoreUnavailable):
    """Another process holds the store open."""


class StoreDamaged(StoreUnavailable):
    """The store file is cut short or corrupt."""


class StoreMissing(StoreUnavailable):
    """There is no store file where one should be read."""


CUT_SHORT = "the file is shorter than its contents say, so it may have been cut short"
# What DuckDB says when a store file is damaged, and the same in plain words.
_DAMAGE = (
    ("checksum", "part of the file does not match its checksum"),
    ("could not read enough bytes", CUT_SHORT),
    ("not a valid duckdb database file", "it is not a DuckDB database file"),
    ("corrupt", "the file is corrupt"),
    ("newer version of duckdb", f"it was written by a newer DuckDB than the {duckdb.__version__} this program uses; "
                                "a store made by an earlier SEND Scorecard must be rebuilt or restored from a backup"),
)


def damage(exc: BaseException) -> str | None:
    """In plain words, how the store is damaged, if this DuckDB error means it is; else None."""
    if not isinstance(exc, duckdb.Error):
        return None
    text = str(exc).lower()
    return next((words for needle, words in _DAMAGE if needle in text), None)


def named(target: str, explicit) -> str:
    """The store as a message names it: as given (--db or $SCORECARD_DB), else relative to the checkout;
    never with a password."""
    return redact(shown_path(target, typed=[str(t) for t in (explicit, os.environ.get("SCORECARD_DB")) if t]))


def busy(target: str, explicit=None, read_only: bool = False, detail: str = "") -> StoreBusy:
    pid = re.search(r"PID (\d+)", detail)
    holder = f"; process {pid.group(1)}" if pid else ""
    action = "read" if read_only else "changed"
    return StoreBusy(
        f"The store {named(target, explicit)} is open in another process (the dashboard, or a "
        f"command-line import{holder}), so it cannot be {action} now. Nothing was changed. Wait for the import to finish, "
        "or stop the dashboard, and try again."
        + ("" if read_only else " While the dashboard runs, import through its Local returns page."),
        f"The store ({Path(target).name}) is open in another process, such as a `scorecard` command-line import, so "
        "the dashboard cannot open it just now. Nothing was changed. Wait for it to finish, then reload this page.",
    )


def damaged(target: str, reason: str, explicit=None) -> StoreDamaged:
    return StoreDamaged(
        f"The store {named(target, explicit)} is damaged ({reason}). Nothing was changed. Run `scorecard check` "
        "to see what is wrong, then restore it from a backup, or build a new one with `scorecard --db NEW_FILE init`.",
        f"The store ({Path(target).name}) is damaged ({reason}), so the dashboard cannot show its figures. Whoever "
        "runs the dashboard can run `scorecard check`, then restore the store from a backup or rebuild it with "
        "`scorecard init` on a new file.",
    )


def missing(target: str, explicit=None) -> StoreMissing:
    name = named(target, explicit)
    return StoreMissing(f"There is no store at {name}. `scorecard init` creates one"
                        + (f" (`scorecard --db {name} init`)." if explicit else "."),
                        f"There is no store ({Path(target).name}) yet. Whoever runs the dashboard can create it with "
                        "`scorecard init`.")


def connect(path: str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store at `path` (default: config.db_path()), migrating it to the latest schema.
    Read-only opens a store that exists; one a version behind is migrated first, briefly read-write.
    Raises StoreBusy, StoreDamaged or StoreMissing with a sentence, never DuckDB's own error."""
    target = config.db_path(path)
    if lake.is_lake(target):
        return _connect_lake(target, read_only)
    in_file = target != ":memory:" and not target.startswith("md:")
    if in_file and read_only and not Path(target).exists():
        raise missing(target, path)
    if in_file and not read_only:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = _open(target, path, read_only)
    try:
        if in_file:
            _check_length(con, target, path)
        if not read_only:
            migrate(con)
        elif in_file and schema_version(con) < LATEST_SCHEMA:
            con.close()
            _open(target, path, False, then=migrate).close()
            con = _open(target, path, True)
    except duckdb.Error as exc:
        con.close()
        if reason := damage(exc):
            raise damaged(target, reason, path) from exc
        raise
    return con


def _connect_lake(target: str, read_only: bool, snapshot_time=None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    try:
        lake.attach(con, target, read_only=read_only, snapshot_time=snapshot_time)
        if not read_only and snapshot_time is None:
            retrying(con, lambda c: None, migrations=True)
    except lake.LakeError as exc:
        con.close()
        raise StoreUnavailable(str(exc), str(exc)) from None
    except BaseException:
        con.close()
        raise
    return con


def connect_as_at(path: str | None, moment) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a DuckLake store as it stood at `moment` (its snapshot then)."""
    target = config.db_path(path)
    if not lake.is_lake(target):
        raise ValueError("connect_as_at is for DuckLake stores; a DuckDB file uses the batch history (as_at.py)")
    return _connect_lake(target, read_only=True, snapshot_time=moment)


def kind(con) -> str:
    """'ducklake' or 'file' (a DuckDB file or memory)."""
    return "ducklake" if con.execute("SELECT current_database()").fetchone()[0] == lake.CATALOG else "file"


def cursor(con):
    """A cursor of its own for one query (a connection shared by threads is not safe), on the store:
    a cursor starts in DuckDB's default database, so on a DuckLake it is pointed at the lake."""
    c = con.cursor()
    if c.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = '" + lake.CATALOG + "'").fetchone()[0]:
        c.execute("USE " + lake.CATALOG)
    return c


@contextlib.contextmanager
def _one_writer_at_a_time(con):
    """On a DuckLake with a SQLite catalog (one server), writers queue for a lock file beside the
    catalog: SQLite lets one writer commit at a time, and queueing is faster and fairer than losing
    commits and retrying them. A PostgreSQL catalog takes concurrent writers; conflicts are retried."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = '" + lake.CATALOG + "'").fetchone()
    if not row or not str(row[0]).startswith("sqlite:"):
        yield
        return
    import fcntl

    with open(str(row[0])[len("sqlite:"):] + ".write-lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class StoreConflict(StoreUnavailable):
    """Other changes kept committing first; this one was retried, then given up. Nothing was written."""


WRITE_ATTEMPTS = 40  # a change that keeps meeting others is tried at most this often,
WRITE_PATIENCE_SECONDS = 60.0  # and for at most this long, before it is refused


def _is_conflict(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and any(
        needle in text for needle in ("conflict", "database is locked", "failed to commit ducklake",
                                      "could not serialize", "deadlock"))


def retrying(con, action, *args, migrations: bool = False):
    """Run `action(con, *args)` as one transaction, and return what it returns. On a DuckLake another
    writer may commit first: the transaction is then rolled back whole and run again, up to
    WRITE_ATTEMPTS times (within WRITE_PATIENCE_SECONDS) with a growing, jittered pause, and then
    refused with StoreConflict. Never half-applied. With migrations=True it brings the schema up to
    date instead (each migration its own transaction)."""
    give_up_at = time.monotonic() + WRITE_PATIENCE_SECONDS
    for attempt in range(WRITE_ATTEMPTS):
        try:
            with _one_writer_at_a_time(con):
                if migrations:
                    return migrate(con)
                with transaction(con):
                    return action(con, *args)
        except duckdb.Error as exc:
            if not _is_conflict(exc):
                raise
            _rollback_quietly(con)
            if attempt == WRITE_ATTEMPTS - 1 or time.monotonic() >= give_up_at:
                raise StoreConflict(
                    "Other changes to the shared store kept being saved at the same moment, so this one was "
                    f"tried {attempt + 1} times and then stopped. Nothing was written. Try again.",
                    "Other people were saving changes at the same moment, so this change was not saved. "
                    "Nothing was written: try again.") from exc
            time.sleep(min(2.0, 0.05 * (1.8 ** attempt)) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def _rollback_quietly(con) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # the failed COMMIT already ended the transaction


# A DuckDB file starts with three 4 KiB headers (the main header and two database headers).
_FILE_HEADERS = 3 * 4096


def cut_short(con, target: str) -> bool:
    """A file cut short (a full disk, a copy stopped half way) opens without complaint, and fails
    only when a query reaches a missing block. A whole file holds its headers and every block in use;
    free blocks at the end may have been trimmed, so only the used ones are counted (`scorecard check`
    reads every block)."""
    used, block_size = con.execute("SELECT used_blocks, block_size FROM pragma_database_size()").fetchall()[0]
    return Path(target).stat().st_size < _FILE_HEADERS + used * block_size


def _check_length(con, target: str, explicit) -> None:
    if cut_short(con, target):
        con.close()
        raise damaged(target, CUT_SHORT, explicit)


def _open(target: str, explicit, read_only: bool, then=None) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.Error as exc:
        if isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower():
            raise busy(target, explicit, read_only, str(exc)) from exc
        if reason := damage(exc):
            raise damaged(target, reason, explicit) from exc
        raise
    if then is not None:
        try:
            then(con)
        except BaseException:
            con.close()
            raise
    return con


def schema_version(con) -> int:
    if not _has_table(con, "schema_version"):
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(con) -> list[int]:
    """Bring the store to the latest schema: a new store gets today's schema at once (scorecard.schema);
    an older one every migration newer than its schema_version, each in its own transaction."""
    applied = []
    if not _has_table(con, "schema_version"):
        with transaction(con):
            for statement in _statements(schema.CURRENT):
                con.execute(statement)
            con.execute("CREATE TABLE schema_version (version INTEGER, description VARCHAR, applied_at TIMESTAMP)")
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                        [schema.CURRENT_VERSION, "the schema of a new store", datetime.now()])
            con.execute("INSERT INTO meta VALUES ('data_version', '0')")
        applied.append(schema.CURRENT_VERSION)
    current = schema_version(con)
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


def _has_table(con, name: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = " + literal(name)
                       + " AND table_catalog = current_database()").fetchone()[0] > 0


_SAFE_TEXT = re.compile(r"[A-Za-z0-9_ %£./-]{0,120}")


def literal(value) -> str:
    """A SQL literal for a value the program has already checked: a register id, an area code, a unit,
    a whole number. DuckDB 1.5 loads pandas (most of a second) to bind any Python parameter, so the
    command line's read path (`scorecard show`) writes these few checked values into its SQL instead.
    Anything that is not plainly one of them is refused, never quoted."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _SAFE_TEXT.fullmatch(value):
        return "'" + value + "'"
    raise ValueError(f"{value!r} is not a checked identifier, code or number")


# Ids are allocated inside the writing transaction (DuckLake has no sequences). Table names cannot be
# parameters, so each query is spelt out for the fixed list of tables with ids.
_NEXT_ID = {table: "SELECT coalesce(max(id), 0) + 1 FROM " + table for table in schema.ID_TABLES}


def next_id(con, table: str) -> int:
    """The next free id of a table, inside the caller's transaction."""
    return int(con.execute(_NEXT_ID[table]).fetchone()[0])


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


@contextlib.contextmanager
def read_snapshot(con):
    """Several reads of one consistent moment of the store (a backup), written by nothing."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    finally:
        con.execute("ROLLBACK")


def committed_batch_for(con, sha256: str) -> int | None:
    """The committed import batch of the file with this SHA-256, if any (re-importing it is a no-op)."""
    row = con.execute(
        "SELECT id FROM import_batch WHERE sha256 = ? AND status = 'committed' ORDER BY id LIMIT 1", [sha256]
    ).fetchone()
    return row[0] if row else None


def data_version(con) -> int:
    """A counter bumped by every committed change; caches key on it so an import shows at once."""
    row = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def bump_data_version(con) -> int:
    """Inside every writing transaction. On a DuckLake this one row is what two concurrent writers both
    change, so the later commit conflicts and is retried instead of interleaving (ids included)."""
    version = data_version(con) + 1
    set_meta(con, "data_version", str(version))
    return version


def get_meta(con, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con, key: str, value: str) -> None:
    if con.execute("SELECT count(*) FROM meta WHERE key = ?", [key]).fetchone()[0]:
        con.execute("UPDATE meta SET value = ? WHERE key = ?", [value, key])
    else:
        con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])


def register_frame(con, name: str, frame) -> None:
    """Register a DataFrame as a view. DuckDB 2 refuses while an earlier result on the connection is
    unread (a fetchone() leaves one), so finish that result first."""
    finish = getattr(con, "complete", None)
    if finish is not None:
        finish()
    con.register(name, frame)
