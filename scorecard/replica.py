"""A dashboard process's read copy of a shared (DuckLake) store.

Every query on a DuckLake consults its catalog and reads Parquet files: a scorecard's fifteen
comparator queries take seconds, where a DuckDB file answers in milliseconds. So each dashboard
process keeps the store's tables in an in-memory DuckDB, copied in one transaction (one snapshot),
and reads from that copy. When the store's data version moves on (an import, an undo, a target, a
comment, from any process or server), the next read makes a fresh copy, and cursors already reading
the old one finish on it (a new copy is made at most once a second, so a page may be a second behind
the latest import on another server). Writes always go to the lake itself.

The copy is a few megabytes (the whole store is about 40,000 figures), so each of several stateless
replicas behind a load balancer can hold its own.
"""

from __future__ import annotations

import itertools
import threading
import time

from . import lake, schema, store

_KEEP = 4  # copies kept attached, so a cursor still reading an earlier one is never cut off
REFRESH_SECONDS = 1.0  # at most one new copy a second, however fast imports land


class ReadReplica:
    """In-memory copies of a lake-attached connection's store, one per data version."""

    def __init__(self, con):
        self._con = con
        self._lock = threading.Lock()
        self._names: list[str] = []
        self._version: int | None = None
        self._counter = itertools.count(1)
        self._copied_at = 0.0

    def cursor(self):
        """A cursor on a copy of the store as it is now (copied first if the store has changed)."""
        with self._lock:
            if not self._names or time.monotonic() - self._copied_at >= REFRESH_SECONDS:
                version = store.data_version(store.cursor(self._con))
                if version != self._version:
                    self._copy(version)
            name = self._names[-1]
        c = self._con.cursor()
        c.execute("USE " + name)
        return c

    def _copy(self, version: int) -> None:
        name = f"replica_{next(self._counter)}"
        source = store.cursor(self._con)
        source.execute("ATTACH ':memory:' AS " + name)
        with store.transaction(source):  # one snapshot of the lake for every table; only the copy is written
            for table in (*schema.ALL_TABLES, "schema_version"):  # names from the schema's own list
                source.execute("CREATE TABLE " + name + ".main." + table + " AS SELECT * FROM "
                               + lake.CATALOG + ".main." + table)
            version = store.data_version(source)
        self._names.append(name)
        self._version = version
        self._copied_at = time.monotonic()
        while len(self._names) > _KEEP:
            source.execute("DETACH " + self._names.pop(0))
