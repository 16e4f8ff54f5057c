"""Metric tables for many measures in one query: the same tables as one query per measure, each
worked out once and kept under its key."""

from __future__ import annotations

import pandas as pd

from scorecard import comparators
from scorecard.register import metrics_from_store
from scorecard.tables import BoundedTables, MetricTables


class CountingConnection:
    """A connection that counts the comparator queries run through it."""

    def __init__(self, con):
        self.con, self.comparator_queries = con, 0

    def execute(self, sql, params=None):
        if sql is comparators.COMPARATORS_SQL:
            self.comparator_queries += 1
        return self.con.execute(sql, params)


def same_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every missing value as None (an empty text column comes back as None from a
    query of one measure, as NaN from a query of many)."""
    return frame.astype(object).where(frame.notna(), None)


def test_one_query_for_every_measure_gives_each_measure_its_own_table(con):
    metrics = list(metrics_from_store(con).values())
    together = comparators.comparators_tables(con, metrics)
    assert set(together) == {m.id for m in metrics}
    ranked = 0
    for metric in metrics:
        alone = comparators.comparators_table(con, metric)
        pd.testing.assert_frame_equal(same_missing(together[metric.id]), same_missing(alone))
        assert set(alone["metric_id"]) <= {metric.id}
        ranked += alone["rank"].notna().any()
    assert ranked > 10  # ranks, bands and neighbour means are worked out within each measure


def test_tables_asked_for_together_take_one_query_and_are_kept(con):
    metrics = metrics_from_store(con)
    counting = CountingConnection(con)
    tables = MetricTables(counting, metrics)
    tables.need(["ehcp_20wk_pct", "tribunal_appeal_rate_pct", "ehe_census", "no_such_measure"])
    assert counting.comparator_queries == 1
    first = tables("ehcp_20wk_pct")
    assert tables("ehcp_20wk_pct") is first and counting.comparator_queries == 1
    tables("excl_perm_rate")  # one not asked for before: one more query
    assert counting.comparator_queries == 2


def test_a_shared_hold_keys_tables_and_forgets_the_oldest(con):
    metrics = metrics_from_store(con)
    held = BoundedTables(max_entries=2)
    version = {"n": 1}
    tables = MetricTables(con, metrics, held=held, key=lambda m: (m, version["n"]))
    tables.need(["ehcp_20wk_pct", "ehe_census", "excl_perm_rate"])
    assert list(held) == [("ehe_census", 1), ("excl_perm_rate", 1)]
    version["n"] = 2  # its inputs changed: worked out again, under its new key
    counting = CountingConnection(con)
    MetricTables(counting, metrics, held=held, key=lambda m: (m, version["n"]))("ehe_census")
    assert counting.comparator_queries == 1 and ("ehe_census", 2) in held
