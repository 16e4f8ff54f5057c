"""The DuckDB store: opening it, migrating it, and running one transaction per change.

DuckDB allows one writing process. The dashboard owns the store while it runs; a command at the
same time fails with StoreBusy, which says so in words, and changes nothing. A store that cannot be
read (cut short, or a block that fails its checksum) raises StoreDamaged; `scorecard check` says
what is wrong with it.
"""

from __future__ import annotations

import contextlib
import errno
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

LATEST_SCHEMA = max(m[0] for m in MIGRATIONS)


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


class StoreFull(StoreUnavailable):
    """The disk the store is on is full: the change was rolled back whole."""


# The operating system's own words for its "no space left" code (ENOSPC), as DuckDB passes them on.
NO_SPACE = os.strerror(errno.ENOSPC)


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    return isinstance(exc, duckdb.Error) and NO_SPACE in str(exc)


def full(target: str, explicit=None) -> StoreFull:
    where = f"the store {named(target, explicit)}" if not lake.is_lake(target) else "the shared store's files"
    return StoreFull(
        f"The disk that holds {where} is full, so nothing was written: the change was rolled back whole. Free "
        "some space on it (old backups and packs are the usual culprits) and try again.",
        "The server's disk is full, so this change was not saved. Nothing was written. Please tell whoever "
        "runs the dashboard; once space is freed, try again.")


def files_missing(target: str, missing: list[str], explicit=None) -> StoreDamaged:
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    return StoreDamaged(
        f"The shared store {named(target, explicit)} is missing {len(missing)} of its data files ({shown}): they "
        "were deleted or moved, or the disk or share that holds them is not mounted. Nothing was changed. Put "
        "them back (from a copy of the folder, or by mounting the share again), or restore the store from a "
        "backup; `scorecard check` lists every missing file.",
        "The shared store is missing some of its data files, so the dashboard cannot show its figures. Whoever "
        "runs the dashboard can run `scorecard check` to list them, then put them back or restore the store "
        "from a backup.")


def explained(exc: BaseException, target: str, explicit=None) -> StoreUnavailable | None:
    """A failure met while using the store, as a sentence that names its cause and what to do: a full
    disk, a damaged file, a lake missing data files. None when it is none of these."""
    if isinstance(exc, StoreUnavailable):
        return exc
    if is_disk_full(exc):
        return full(target, explicit)
    if reason := damage(exc):
        return damaged(target, reason, explicit)
    if isinstance(exc, duckdb.IOException) and lake.is_lake(target):
        if missing := _lake_files_missing(target):
            return files_missing(target, missing, explicit)
    return None


def _lake_files_missing(target: str) -> list[str]:
    try:
        con = _connect_lake(target, read_only=True)
    except Exception:  # the catalog cannot be read either: nothing more to say than the failure itself
        return []
    try:
        return lake.missing_files(cursor(con))
    except Exception:
        return []
    finally:
        con.close()


def held_by_another_process(path: str) -> bool | None:
    """Whether another process holds the DuckDB file at `path` open, asked of the operating system: a
    lock on the file that cannot be taken (EAGAIN or EACCES, the codes POSIX gives), never guessed from
    an error's words ("block" holds "lock"). None where it cannot be asked (no fcntl)."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fd, kind = os.open(path, os.O_RDWR), fcntl.LOCK_EX  # a writer is refused by any lock
    except OSError:
        try:
            fd, kind = os.open(path, os.O_RDONLY), fcntl.LOCK_SH  # read-only here: only a writer's lock counts
        except OSError:
            return False
    try:
        fcntl.lockf(fd, kind | fcntl.LOCK_NB)
    except OSError as exc:
        return exc.errno in (errno.EAGAIN, errno.EACCES)
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def lock_held(exc: BaseException, target: str) -> bool:
    """Whether DuckDB could not open `target` because another process holds it (not because it is
    damaged): its error is an IOException, and the operating system says the file is locked."""
    if not isinstance(exc, duckdb.IOException):
        return False
    held = held_by_another_process(target)
    if held is None:  # no fcntl: DuckDB's own sentence for a lock it could not set
        return str(exc).startswith("IO Error: Could not set lock on file")
    return held


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
        elif in_file and pending_migrations(con):
            con.close()
            _open(target, path, False, then=migrate).close()
            con = _open(target, path, True)
    except duckdb.Error as exc:
        con.close()
        if reason := damage(exc):
            raise damaged(target, reason, path) from exc
        if is_disk_full(exc):
            raise full(target, path) from exc
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


WRITE_WAIT_ENV = config.WRITE_WAIT_ENV
write_wait_seconds = config.write_wait_seconds


class StoreWaitedTooLong(StoreBusy):
    """A change waited write_wait_seconds() for the store and gave up. Nothing was written."""


def waited_too_long(why: str, page_why: str) -> StoreWaitedTooLong:
    wait = write_wait_seconds()
    return StoreWaitedTooLong(
        f"{why}, so this change stopped waiting after {wait:g} seconds. Nothing was written. Try again when it "
        f"has finished ({WRITE_WAIT_ENV} sets how long a change waits).",
        f"{page_why}, so this change stopped waiting. Nothing was written: try again in a minute.")


def _sqlite_catalog(con) -> str | None:
    """The file of the lake's SQLite catalog, or None for any other store."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = '" + lake.CATALOG + "'").fetchone()
    return str(row[0])[len("sqlite:"):] if row and str(row[0]).startswith("sqlite:") else None


@contextlib.contextmanager
def _one_writer_at_a_time(con, give_up_at: float):
    """On a DuckLake with a SQLite catalog (one server), writers queue for a lock file beside the
    catalog: SQLite lets one writer commit at a time, and queueing is faster and fairer than losing
    commits and retrying them. A writer gives up at `give_up_at` (write_wait_seconds) with a sentence.
    A PostgreSQL catalog takes concurrent writers; conflicts are retried."""
    catalog = _sqlite_catalog(con)
    if catalog is None:
        yield
        return
    import fcntl

    with open(catalog + ".write-lock", "a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= give_up_at:
                    raise waited_too_long(
                        f"Another change to the shared store ({Path(catalog).name}) was still being saved (a "
                        "large import, perhaps)", "Another change to the store was still being saved") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


catalog_locked = lake.catalog_locked


def catalog_locked_problem(catalog: str) -> StoreWaitedTooLong:
    return StoreWaitedTooLong(lake.catalog_locked_words(catalog),
                              "The store's catalog is locked by another program, so this change stopped waiting. "
                              "Nothing was written: try again in a minute.")


class StoreConflict(StoreUnavailable):
    """Other changes kept committing first; this one was retried, then given up. Nothing was written."""


WRITE_ATTEMPTS = 40  # a change that keeps meeting others is tried at most this often (and for at most
# write_wait_seconds()) before it is refused


def _is_conflict(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and any(
        needle in text for needle in ("conflict", "database is locked", "failed to commit ducklake",
                                      "could not serialize", "deadlock"))


def retrying(con, action, *args, migrations: bool = False):
    """Run `action(con, *args)` as one transaction, and return what it returns. On a DuckLake another
    writer may commit first: the transaction is then rolled back whole and run again, up to
    WRITE_ATTEMPTS times (within write_wait_seconds()) with a growing, jittered pause, and then
    refused with StoreConflict. Never half-applied. With migrations=True it brings the schema up to
    date instead (each migration its own transaction)."""
    give_up_at = time.monotonic() + write_wait_seconds()
    for attempt in range(WRITE_ATTEMPTS):
        try:
            with _one_writer_at_a_time(con, give_up_at):
                if migrations:
                    return migrate(con)
                with transaction(con):
                    return action(con, *args)
        except duckdb.Error as exc:
            if not _is_conflict(exc):
                raise
            _rollback_quietly(con)
            if attempt == WRITE_ATTEMPTS - 1 or time.monotonic() >= give_up_at:
                catalog = _sqlite_catalog(con)
                if catalog is not None and catalog_locked(catalog):
                    raise catalog_locked_problem(catalog) from exc
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
    for attempt in range(2):
        try:
            con = duckdb.connect(target, read_only=read_only)
            break
        except duckdb.Error as exc:
            if lock_held(exc, target):
                raise busy(target, explicit, read_only, str(exc)) from exc
            if reason := damage(exc):
                raise damaged(target, reason, explicit) from exc
            if is_disk_full(exc):
                raise full(target, explicit) from exc
            if attempt or not isinstance(exc, duckdb.IOException):
                raise
            # An IO error that is neither a lock nor damage: a lock let go of a moment ago. Once more.
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


def pending_migrations(con) -> list[tuple[int, str, str]]:
    """The migrations the store has not had, in order of number: every one not recorded in
    schema_version and newer than the version it was created at (its lowest row). Numbers need not be
    consecutive, and one numbered below a migration already applied (merged from another branch later)
    is still applied."""
    if not _has_table(con, "schema_version"):
        return sorted(MIGRATIONS)
    done = {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
    created_at = min(done, default=0)
    return [m for m in sorted(MIGRATIONS) if m[0] not in done and m[0] > created_at]


def migrate(con) -> list[int]:
    """Bring the store to the latest schema: a new store gets today's schema at once (scorecard.schema);
    an older one every migration it has not had (pending_migrations), in order of number, each in its
    own transaction."""
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
    for version, description, sql in pending_migrations(con):
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
