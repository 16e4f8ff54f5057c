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
