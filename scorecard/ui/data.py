"""One cached DuckDB connection per process, a cursor per query, and query results cached on the
store's data version so that an import shows at once."""

from __future__ import annotations

import streamlit as st

from .. import card as card_module
from .. import config, queries, register, seed, sources_info, store, summary, suppression, targets
from ..areas import AreaIndex
from ..tables import metric_table


def connection():
    """The dashboard owns the store: it creates and seeds it on first run if needed. When another
    process holds the store this raises store.StoreBusy, whose page_message the app shows; the
    failure is not cached, so the next run tries again."""
    return _connection(config.db_path())


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    con = store.connect(path)
    try:
        seed.init(con)
    except BaseException:
        con.close()
        raise
    return con


def cursor():
    """A cursor of its own for each query: a DuckDB connection shared across threads is not safe."""
    return connection().cursor()


def data_version() -> int:
    return store.data_version(cursor())


# Each cached read: a name, and the function of (cursor, *args) that answers it.
_READS = {
    "metrics": register.metrics_from_store,
    "areas": AreaIndex.from_store,
    "metric_table": lambda con, metric_id: metric_table(con, metrics()[metric_id]),
    "card": lambda con, area_code, term_label: card_module.build(con, area_code, term_label,
                                                                 table_for=metric_frame),
    "summary": lambda con, area_code, term_label: summary.board_summary(card(area_code, term_label),
                                                                        areas().get(area_code).level),
    # The public version: small counts and the rates built on them as "c", no internal commentary.
    "public_card": lambda con, area_code, term_label: suppression.public_card(con, area_code, term_label,
                                                                              table_for=metric_frame),
    "public_summary": lambda con, area_code, term_label: summary.board_summary(
        public_card(area_code, term_label)[0], areas().get(area_code).level, public_card(area_code, term_label)[1]),
    "public_metric_table": lambda con, metric_id: suppression.public_frame(metric_frame(metric_id),
                                                                           metrics()[metric_id]),
    "latest_releases": lambda con, today: sources_info.latest_releases(queries.sources(con),
                                                                       queries.latest_periods(con), today),
    "sources": queries.sources,
    "batches": queries.batches,
    "batch_issues": queries.batch_issues,
    "neighbour_links": queries.neighbour_links,
    "area_targets": targets.targets_for,
    "series_breaks": queries.series_breaks,
}


@st.cache_data(show_spinner=False, max_entries=512)
def _read(name: str, args: tuple, version: int):
    return _READS[name](cursor(), *args)


def _cached(name: str, *args):
    """The read's result, computed once per store version (an import or an edit bumps it)."""
    return _read(name, args, data_version())


def metrics() -> dict:
    return _cached("metrics")


def areas() -> AreaIndex:
    return _cached("areas")


def metric_frame(metric_id: str):
    """Every area and period for a metric, with comparators (tables.metric_table)."""
    return _cached("metric_table", metric_id)


def card(area_code: str, term_label: str):
    """The scorecard (card.Card) for an area and term, as card.build gives it."""
    return _cached("card", area_code, term_label)


def board_summary(area_code: str, term_label: str, public: bool = False) -> list[summary.SummaryGroup]:
    """The board summary (summary.board_summary) of the area's scorecard for the term; with public, of
    its public version."""
    return _cached("public_summary" if public else "summary", area_code, term_label)


def public_card(area_code: str, term_label: str):
    """The public version of the scorecard and, per measure, the fields shown as "c"
    (suppression.public_card)."""
    return _cached("public_card", area_code, term_label)


def public_metric_frame(metric_id: str):
    """metric_frame with small counts, and the rates built on them, emptied (suppression.suppress_frame)."""
    return _cached("public_metric_table", metric_id)


def latest_releases(today) -> list[str]:
    """The staleness statement: each national source's latest figures and when the next is due."""
    return _cached("latest_releases", today)


def sources():
    """Each source release with what the store holds from it (queries.sources)."""
    return _cached("sources")


def batches():
    return _cached("batches")


def batch_issues():
    """Data-quality warnings recorded with every import batch."""
    return _cached("batch_issues")


def neighbour_links():
    """Every neighbour model's links with closeness words (queries.neighbour_links)."""
    return _cached("neighbour_links")


def area_targets(area_code: str):
    """The area's targets and trajectories (targets.targets_for)."""
    return _cached("area_targets", area_code)


def series_breaks(metric_id: str) -> list[tuple[str, str]]:
    return _cached("series_breaks", metric_id)
