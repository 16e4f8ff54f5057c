"""One cached DuckDB connection per process, a cursor per query, and query results cached on the
store's data version so that an import shows at once."""

from __future__ import annotations

import streamlit as st

from .. import config, register, seed, store
from ..areas import AreaIndex
from ..tables import metric_table


@st.cache_resource(show_spinner=False)
def connection():
    """The dashboard owns the store: it creates and seeds it on first run if needed."""
    con = store.connect(config.db_path())
    seed.init(con)
    return con


def cursor():
    """A cursor of its own for each query: a DuckDB connection shared across threads is not safe."""
    return connection().cursor()


def data_version() -> int:
    return store.data_version(cursor())


@st.cache_data(show_spinner=False)
def _metrics(version: int) -> dict:
    return register.metrics_from_store(cursor())


def metrics() -> dict:
    return _metrics(data_version())


@st.cache_data(show_spinner=False)
def _areas(version: int) -> AreaIndex:
    return AreaIndex.from_store(cursor())


def areas() -> AreaIndex:
    return _areas(data_version())


@st.cache_data(show_spinner=False)
def _metric_table(metric_id: str, version: int):
    return metric_table(cursor(), metrics()[metric_id])


def metric_frame(metric_id: str):
    """Every area and period for a metric, with comparators (cached until the next import)."""
    return _metric_table(metric_id, data_version())


# --- Board and data pages (Data and sources, Local returns, Targets) --------------------------
@st.cache_data(show_spinner=False)
def _sources(version: int):
    from .. import queries

    return queries.sources(cursor())


def sources():
    """Each source release with what the store holds from it (queries.sources), cached."""
    return _sources(data_version())


@st.cache_data(show_spinner=False)
def _batches(version: int):
    from .. import queries

    return queries.batches(cursor())


def batches():
    return _batches(data_version())


@st.cache_data(show_spinner=False)
def _batch_issues(version: int):
    from .. import queries

    return queries.batch_issues(cursor())


def batch_issues():
    """Data-quality warnings recorded with every import batch, cached."""
    return _batch_issues(data_version())
# --- end board and data pages -----------------------------------------------------------------


# --- Scorecard, Trends and Compare pages -------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=256)
def _card(area_code: str, term_label: str, version: int):
    from .. import card as card_module

    return card_module.build(cursor(), area_code, term_label, table_for=metric_frame)


def card(area_code: str, term_label: str):
    """The scorecard (card.Card) for an area and term, the same as card.build's; cached until the next
    change to the store."""
    return _card(area_code, term_label, data_version())


@st.cache_data(show_spinner=False)
def _neighbour_links(version: int):
    from .. import queries

    return queries.neighbour_links(cursor())


def neighbour_links():
    """Every neighbour model's links with closeness words (queries.neighbour_links), cached."""
    return _neighbour_links(data_version())


@st.cache_data(show_spinner=False)
def _area_targets(area_code: str, version: int):
    from .. import targets

    return targets.targets_for(cursor(), area_code)


def area_targets(area_code: str):
    """The area's targets and trajectories (targets.targets_for), cached."""
    return _area_targets(area_code, data_version())


@st.cache_data(show_spinner=False)
def _series_breaks(metric_id: str, version: int) -> list[tuple[str, str]]:
    from .. import queries

    return queries.series_breaks(cursor(), metric_id)


def series_breaks(metric_id: str) -> list[tuple[str, str]]:
    return _series_breaks(metric_id, data_version())
# --- end Scorecard, Trends and Compare pages ---------------------------------------------------
