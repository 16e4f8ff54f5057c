"""The metric table behind `scorecard show`, the scorecard, the packs and every chart's table view:
one row per area and period, with the row's comparators."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

import pandas as pd

from .comparators import comparators_table, comparators_tables
from .register import Metric

SHOW_COLUMNS = [
    "area_code", "la_number", "area_name", "period", "value", "numerator", "denominator", "status", "source",
    "england", "region", "sn_mean", "sn_count", "rank", "rank_of", "quartile",
]


def metric_table(con, metric: Metric, area_code: str | None = None) -> pd.DataFrame:
    """Every current figure for a metric (or one area's), with England, region, neighbour mean,
    rank and quartile for the same period."""
    table = comparators_table(con, metric)
    if area_code is not None:
        table = table[table["area_code"] == area_code]
    return table.reset_index(drop=True)


class MetricTables:
    """Each metric's table (metric_table, every area), worked out once and then kept: for one pack,
    for a worker writing many packs, or for every session of a dashboard process. Whoever knows
    which tables it will read asks for them together (`need`), and one query answers them all.

    `held` is where the tables are kept (a dict of its own by default; a dashboard passes its
    process's BoundedTables), under `key(metric_id)`: a dashboard keys each table on the metric's
    fingerprint (queries.metric_fingerprints), so an import recomputes only the tables whose inputs
    it changed. `con` may be a function that opens a connection, called only when a table has to
    be worked out. Tables handed out are shared: read them, never change them in place."""

    def __init__(self, con, metrics: dict[str, Metric], held: dict | None = None,
                 key: Callable[[str], Hashable] | None = None):
        self._con, self.metrics = con, metrics
        self._held = {} if held is None else held
        self._key = key or (lambda metric_id: metric_id)

    def need(self, metric_ids: Iterable[str]) -> None:
        """Work out, in one query, the tables of `metric_ids` not already held."""
        missing = [m for m in dict.fromkeys(metric_ids) if m in self.metrics and self._key(m) not in self._held]
        if missing:
            con = self._con() if callable(self._con) else self._con
            for metric_id, table in comparators_tables(con, [self.metrics[m] for m in missing]).items():
                self._held[self._key(metric_id)] = table

    def __call__(self, metric_id: str) -> pd.DataFrame:
        key = self._key(metric_id)
        found = self._held.get(key)
        if found is None:
            self.need([metric_id])
            found = self._held[key]
        return found


class BoundedTables(OrderedDict):
    """A dict for MetricTables' `held` that forgets its oldest tables beyond `max_entries`, safe to
    share between a process's sessions (threads)."""

    def __init__(self, max_entries: int = 512):
        super().__init__()
        self.max_entries = max_entries
        self._lock = threading.Lock()

    def __setitem__(self, key, value) -> None:
        with self._lock:
            super().__setitem__(key, value)
            while len(self) > self.max_entries:
                self.popitem(last=False)
