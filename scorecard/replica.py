"""How a dashboard process holds the store: it reads from an in-memory copy, and opens the store
itself only to copy it and to write.

* **A DuckDB file** allows one writer process, and no reader while it writes. If the dashboard held
  the file open, `scorecard import`, `show`, `card` and `report` would all fail while it runs. So the
  dashboard opens the file only for the moment it takes to copy it (read-only) or to make a change,
  and closes it again: the command line works alongside it, and a command that is writing just makes
  the dashboard wait a moment (or serve the copy it has) rather than fail.
* **A DuckLake** is read through its catalog and Parquet files: a scorecard's fifteen comparator
  queries take seconds there, where a DuckDB file answers in milliseconds. So the dashboard reads an
  in-memory copy made in one transaction (one snapshot), and writes to the lake itself.

When the store changes (an import, an undo, a target, a comment, from any process or server) a
fresh copy is made in the background, and reads go on being served from the copy they have until
it is ready: no page waits for a copy, except the process's very first. Cursors already reading an
earlier copy finish on it. Another process's change is noticed within a second (the store is looked
at at most once a second) plus the time the copy takes; the dashboard's own changes show at once
(the session that made the change waits for the new copy). The copy is a few megabytes (about 40,000 figures), so each of several
stateless replicas behind a load balancer can hold its own.
"""

from __future__ import annotations

import itertools
import os
import threading
import time

import duckdb

from . import lake, schema, seed, store

_KEEP = 4  # copies kept attached, so a cursor still reading an earlier one is never cut off,
PINNED_SECONDS = 120.0  # and none a page run took in the last two minutes (a run reads one copy throughout)
REFRESH_SECONDS = 1.0  # a store that takes a query to look at (a PostgreSQL catalog) is looked at once a second
FRESH_WAIT_SECONDS = 1.0  # how long a page run waits for a fresh copy of a changed store
BUSY_WAIT_SECONDS = 10.0  # how long a first copy waits for a command that holds the file (a change: store.write_wait_seconds())
_TABLES = (*schema.ALL_TABLES, "schema_version")  # names from the schema's own list, never from input
# Each query on the copy runs on one thread: the copy is small, and a dashboard runs many sessions'
# queries at once, each in its own thread. DuckDB's default (a thread per core for every query) made
# those sessions queue for each other: with 20 sessions on 2 cores it took the p95 page run from 0.4
# to 0.9 seconds (benchmarks/shared_store.py).
READ_THREADS = 1


def _copy_tables(con, source_catalog: str, target: str) -> None:
    """Every table of the store, from one attached catalog into another (names from the schema)."""
    for table in _TABLES:
        con.execute("CREATE TABLE " + target + ".main." + table + " AS SELECT * FROM "
                    + source_catalog + ".main." + table)


class _ConnectedOrigin:
    """A DuckLake (or a MotherDuck database): one connection held for the process; the copies live
    beside it.

    On a DuckLake a fresh copy reads from the lake only the tables changed since the last copy's
    snapshot (an import touches five of the twenty-odd), and takes the rest from the last copy in
    memory: each table read from the lake costs tens of milliseconds of catalog lookups, even empty."""

    def __init__(self, target: str):
        self.con = store.connect(target)
        seed.init(store.cursor(self.con))
        self.catalog = store.cursor(self.con).execute("SELECT current_database()").fetchone()[0]
        self.host = self.con
        self.is_lake = lake.is_lake(target)
        self._copied_snapshot: int | None = None  # the lake snapshot the newest copy was made from
        # A SQLite catalog changes its files with every commit: a stat says whether the store changed,
        # so it can be looked at on every page run. Any other catalog is asked (a query).
        catalog = target[len(lake.PREFIX) + len("sqlite:"):] if target.startswith(lake.PREFIX + "sqlite:") else None
        self._files = (catalog, catalog + "-wal") if catalog else None
        self.cheap_marker = self._files is not None

    def marker(self):
        if self._files:
            return tuple(_stamp(path) for path in self._files)
        return store.data_version(store.cursor(self.con))

    def copy(self, name: str, previous: str | None = None, wait_seconds: float = 0.0) -> None:
        source = store.cursor(self.con)
        source.execute("ATTACH ':memory:' AS " + name)
        quoted = '"' + self.catalog.replace('"', '""') + '"'
        with store.transaction(source):  # one snapshot of the lake for every table; only the copy is written
            snapshot = lake.snapshot(source)[0] if self.is_lake else None
            changed = None if previous is None or snapshot is None or self._copied_snapshot is None \
                else lake.tables_changed_since(source, self._copied_snapshot)
            for table in _TABLES:
                origin = previous if changed is not None and table not in changed else quoted
                source.execute("CREATE TABLE " + name + ".main." + table + " AS SELECT * FROM " + origin + ".main."
                               + table)
        self._copied_snapshot = snapshot

    def write(self, change, /, *args, **kwargs):
        return change(store.cursor(self.con), *args, **kwargs)


class _FileOrigin:
    """A DuckDB file, opened only to copy it or to write, then closed."""

    def __init__(self, target: str):
        self.target = target
        self.host = duckdb.connect()  # the copies are attached to this in-memory database
        self._write_lock = threading.Lock()
        self.write(lambda con: seed.init(con))  # create, migrate and seed the store on first run

    cheap_marker = True

    def marker(self):
        """Changes whenever the file or its write-ahead log does: a stat, without opening the file."""
        return tuple(_stamp(path) for path in (self.target, self.target + ".wal"))

    def copy(self, name: str, previous: str | None = None, wait_seconds: float = BUSY_WAIT_SECONDS) -> None:
        """A whole copy: a local file is read in a moment, whatever changed. While a command holds the
        file, waits up to `wait_seconds`, then raises StoreBusy."""
        copier = self.host.cursor()  # its own cursor: sessions read through theirs meanwhile
        copier.execute("ATTACH ':memory:' AS " + name)
        try:
            with self._write_lock:
                try:
                    _waiting(lambda: copier.execute("ATTACH " + store.literal(self.target) + " AS live (READ_ONLY)"),
                             self.target, wait_seconds)
                except duckdb.BinderException:  # this process has the file open already (a test holding it)
                    self._copy_through_open_connection(copier, name)
                    return
                try:
                    _copy_tables(copier, "live", name)
                finally:
                    copier.execute("DETACH live")
        except BaseException:
            copier.execute("DETACH " + name)
            raise
        finally:
            copier.close()

    def _copy_through_open_connection(self, copier, name: str) -> None:
        """DuckDB lets a process attach a file only once: copy through the process's open instance."""
        source = duckdb.connect(self.target)
        try:
            for table in _TABLES:
                rows = source.execute("SELECT * FROM main." + table).to_arrow_table()
                copier.register("incoming_rows", rows)
                copier.execute("CREATE TABLE " + name + ".main." + table + " AS SELECT * FROM incoming_rows")
                copier.unregister("incoming_rows")
        finally:
            source.close()

    def write(self, change, /, *args, **kwargs):
        with self._write_lock:
            con = _waiting(lambda: store.connect(self.target), self.target, store.write_wait_seconds())
            try:
                return change(con, *args, **kwargs)
            finally:
                con.close()


def _stamp(path: str):
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_mtime_ns, found.st_size


def _waiting(open_store, target: str, seconds: float = BUSY_WAIT_SECONDS):
    """Open the file, waiting while a command holds it; then give up with StoreBusy (a change, after
    store.write_wait_seconds(), with a sentence saying so)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return open_store()
        except store.StoreBusy:
            if time.monotonic() >= deadline:
                raise
        except duckdb.IOException as exc:  # ATTACH reports a held lock as an IO error, as it does damage
            if not store.lock_held(exc, target):
                raise
            if time.monotonic() >= deadline:
                raise store.busy(target, read_only=True, detail=str(exc)) from None
        time.sleep(0.1)


class DashboardStore:
    """A dashboard process's store: `cursor()` reads the latest copy, `write(change, ...)` changes the
    store itself (change(con, ...) is a function of the scorecard's core, given a connection)."""

    def __init__(self, target: str):
        held = lake.is_lake(target) or target.startswith("md:")
        self.origin = _ConnectedOrigin(target) if held else _FileOrigin(target)
        self.origin.host.execute("SET threads = " + str(READ_THREADS))
        self._lock = threading.Lock()  # guards the list of copies and when the store was last looked at
        self._copying = threading.Lock()  # one copy at a time
        self._names: list[str] = []
        self._marker = None
        self._counter = itertools.count(1)
        self._checked_at = 0.0
        self._pinned: dict[str, float] = {}  # each copy a page run took, and when
        self._fresh: threading.Event | None = None  # set when the copy page runs are waiting for is made
        self.failed_refresh: BaseException | None = None  # the last background copy's failure, if any

    def for_run(self) -> str:
        """The copy a page run reads from its start to its end, so that the run shows one version of the
        store: the newest, once the store has been looked at and, if it changed, copied. A change
        committed anywhere (the command line, another server) therefore shows on the next page run:
        the run waits for the fresh copy, up to FRESH_WAIT_SECONDS (a copy takes a fraction of that
        on a quiet server), and past that reads the copy held while the fresh one is finished for the
        runs after it. A store that takes a query to look at (a PostgreSQL catalog) is looked at once
        a second. While a command holds a DuckDB file to write, its change is not yet committed: the
        run reads the copy held rather than wait."""
        with self._lock:
            first = not self._names
            due = first or self.origin.cheap_marker or time.monotonic() - self._checked_at >= REFRESH_SECONDS
        if first:
            self.refresh()
        elif due:
            try:
                changed = self.origin.marker() != self._marker
            except Exception as exc:  # the store cannot be looked at: read the copy held, look again next run
                self.failed_refresh, changed = exc, False
            if changed:
                self._copy_for_runs().wait(FRESH_WAIT_SECONDS)
        with self._lock:
            name = self._names[-1]
            self._pinned[name] = time.monotonic()
        return name

    def _copy_for_runs(self) -> threading.Event:
        """An event set when a fresh copy is made: the one under way, or one started now."""
        with self._lock:
            if self._fresh is not None and not self._fresh.is_set():
                return self._fresh
            self._fresh = done = threading.Event()

        def copy() -> None:
            try:
                with self._copying:
                    self._copy_if_changed(wait_for_writer=False)
                self.failed_refresh = None
            except Exception as exc:  # the runs read the copy held; the next run looks again
                self.failed_refresh = exc
            finally:
                done.set()

        threading.Thread(target=copy, daemon=True, name="store-copy-for-runs").start()
        return done

    def cursor_on(self, name: str):
        """A cursor on one copy (for_run's), still attached however many copies were made since."""
        c = self.origin.host.cursor()
        c.execute("USE " + name)
        return c

    def cursor(self):
        """A cursor on the newest copy of the store. When the store may have changed since it was
        last looked at, a fresh copy is started in the background; this read does not wait for it."""
        with self._lock:
            first = not self._names
            due = not first and time.monotonic() - self._checked_at >= REFRESH_SECONDS
            if due:
                self._checked_at = time.monotonic()
        if first:
            self.refresh()
        elif due:
            threading.Thread(target=self._refresh_in_background, daemon=True, name="store-copy").start()
        with self._lock:
            name = self._names[-1]
        c = self.origin.host.cursor()
        c.execute("USE " + name)
        return c

    def write(self, change, /, *args, **kwargs):
        """Run a write on the store itself, then copy it: the session that wrote sees its change at once."""
        try:
            return self.origin.write(change, *args, **kwargs)
        finally:
            self.refresh()

    def _refresh_in_background(self) -> None:
        if not self._copying.acquire(blocking=False):
            return  # a copy is being made already
        try:
            self._copy_if_changed()
            self.failed_refresh = None
        except Exception as exc:  # the next look tries again; reads go on from the copy held
            self.failed_refresh = exc
        finally:
            self._copying.release()

    def refresh(self, wait_for_writer: bool = True) -> None:
        """Copy the store now if it has changed since the last copy (waiting for a copy under way, and,
        if `wait_for_writer`, for a command that holds a DuckDB file)."""
        with self._copying:
            self._copy_if_changed(wait_for_writer)

    def _copy_if_changed(self, wait_for_writer: bool = True) -> None:
        marker = self.origin.marker()
        with self._lock:
            self._checked_at = time.monotonic()
            if marker == self._marker and self._names:
                return
        name = f"replica_{next(self._counter)}"
        try:
            if wait_for_writer:
                self.origin.copy(name, self._names[-1] if self._names else None)
            else:
                self.origin.copy(name, self._names[-1] if self._names else None, wait_seconds=0.0)
        except store.StoreBusy:
            if self._names:
                return  # a command is writing: serve the copy we have and look again next time
            raise
        with self._lock:
            self._names.append(name)
            self._marker = marker
            now = time.monotonic()
            retired = [n for n in self._names[:-_KEEP] if now - self._pinned.get(n, -PINNED_SECONDS) >= PINNED_SECONDS]
            self._names = [n for n in self._names if n not in retired]
            for n in retired:
                self._pinned.pop(n, None)
        for old in retired:
            detach = self.origin.host.cursor()
            detach.execute("DETACH " + old)
            detach.close()

    def close(self) -> None:
        self.origin.host.close()

