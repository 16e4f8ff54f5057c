"""One cached hold on the store per process (scorecard.replica.DashboardStore: reads from an
in-memory copy, the store itself opened only to copy it and to write), a cursor per query, and query
results cached on the store's data version so that an import shows at once."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from .. import card as card_module
from .. import access, as_at, audit, config, inspections, queries, register, sources_info, store, summary, suppression
from .. import register_changes as register_changes_module
from .. import targets
from ..areas import AreaIndex
from ..problems import UserProblem
from ..replica import DashboardStore
from ..tables import BoundedTables, MetricTables


def dashboard_store() -> DashboardStore:
    """The process's hold on the store, created (and the store seeded) on first run. When another
    process holds the store for longer than a write takes, this raises store.StoreBusy, whose
    page_message the app shows; the failure is not cached, so the next run tries again."""
    return _dashboard_store(config.db_path())


@st.cache_resource(show_spinner=False)
def _dashboard_store(path: str) -> DashboardStore:
    return DashboardStore(path)


_RUN_COPY = "_scorecard_store_copy"  # session state: (this run's marker, the copy it reads)


def run_copy() -> str:
    """The copy of the store this page run reads, the same for every read from the run's start to its
    end, so a page never mixes two versions of the store (a summary CSV and a card CSV always agree);
    taken at the run's first read, after the store is looked at (DashboardStore.for_run), so a change
    committed anywhere shows on the next run. Outside a page run (a helper thread), the newest copy."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return dashboard_store().for_run()
    # Streamlit gives each run a new `cursors` dict (ScriptRunContext.reset): holding it, and asking
    # whether it is the one in use, tells this run from the last.
    run = ctx.cursors
    held = st.session_state.get(_RUN_COPY)
    if held is None or held[0] is not run:
        held = (run, dashboard_store().for_run())
        st.session_state[_RUN_COPY] = held
    return held[1]


def _take_newest_copy() -> None:
    """After this session's own change: the rest of its run reads the copy that holds it."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None:
        st.session_state[_RUN_COPY] = (ctx.cursors, dashboard_store().for_run())


def _store_cursor():
    """A cursor on this run's copy of the store, as it is (never as at an address's as_at)."""
    return dashboard_store().cursor_on(run_copy())


class AsAtAddress(UserProblem):
    """An `?as_at=` in the address that names no point in the store's history."""


class ChangeRefused(UserProblem):
    """A change asked for while the page shows the store as it stood at an earlier point."""


def as_at_moment() -> datetime | None:
    """The moment `?as_at=` in the address names (a date, a date and time, or an import batch), or
    None for the live scorecard. Every read on the page is then of the store as it stood then."""
    text = st.query_params.get("as_at")
    if not text:
        return None
    try:
        return as_at.parse(text, _store_cursor())
    except as_at.AsAtError as exc:
        raise AsAtAddress(f"The address asks for the scorecard as it stood at {text!r}, but {exc}. "
                          "Remove as_at from the address to see the live scorecard.") from None


def cursor():
    """A cursor of its own for each read (a DuckDB connection shared across threads is not safe): of
    the store now, or as it stood at the address's as_at."""
    c = _store_cursor()
    moment = as_at_moment()
    if moment is not None:
        as_at.shadow(c, moment)
    return c


def write(change, /, *args, **kwargs):
    """Run `change(con, *args, **kwargs)`, a write of the scorecard's core, on the store itself. While the
    page shows an earlier point (?as_at=) it is refused, and the refusal recorded in the audit trail."""
    moment = as_at_moment()
    if moment is not None:
        refusal = ChangeRefused(f"Nothing was changed: this page shows the scorecard as it stood at "
                                f"{moment:%d %B %Y, %H:%M}. Remove as_at from the address to make changes to the "
                                "live scorecard.")
        record_refusal(audit.change_refused, _acting(args, kwargs), audit.CHANGE_AT_AN_EARLIER_POINT,
                       getattr(change, "__name__", "change").replace("_", " "), str(refusal))
        raise refusal
    try:
        return dashboard_store().write(change, *args, **kwargs)
    finally:
        _take_newest_copy()


def record_refusal(record, /, *args, **kwargs):
    """Write a refusal to the audit trail of the store as it is now (`record(con, *args, **kwargs)`), even
    while the page shows an earlier point: a refusal is recorded wherever it happens."""
    return dashboard_store().write(record, *args, **kwargs)


def _acting(args, kwargs) -> access.Actor:
    """The person a change was asked for by: the actor it was given, else this visit's."""
    for value in (kwargs.get("actor"), *args, *kwargs.values()):
        if isinstance(value, access.Actor):
            return value
    from . import session

    return session.actor()


def as_at_banner() -> str | None:
    """The sentence at the top of every page viewed as at an earlier point, or None when live."""
    moment = as_at_moment()
    if moment is None:
        return None
    point = as_at.point(cursor())
    return (f"You are looking at the scorecard as it stood at {moment:%d %B %Y, %H:%M} ({point.words()}). "
            "Figures, targets and commentary added since are not shown, and nothing can be changed here.")


def data_version() -> int:
    return store.data_version(cursor())


def live_areas() -> AreaIndex:
    """The areas of the store as it is now, whatever the address's as_at says: the access file's area
    names are resolved against these, so a visitor's address never changes who may do what."""
    return _live_areas(store.data_version(_store_cursor()))


@st.cache_data(show_spinner=False, max_entries=4)
def _live_areas(version: int) -> AreaIndex:
    return AreaIndex.from_store(_store_cursor())


# Each cached read: a name, and the function of (cursor, *args) that answers it.
_READS = {
    "metrics": register.metrics_from_store,
    "areas": AreaIndex.from_store,
    "metric_fingerprints": queries.metric_fingerprints,
    "area_fingerprints": queries.area_fingerprints,
    "card": lambda con, area_code, term_label, today: card_module.build(
        con, area_code, term_label, table_for=metric_tables(), areas=areas(), today=today),
    "summary": lambda con, area_code, term_label, by, today: summary.board_summary(
        card(area_code, term_label), areas().get(area_code).level, by=by),
    # The public version: small counts and the rates built on them as "c", no internal commentary.
    "public_card": lambda con, area_code, term_label, today: suppression.public_card(
        con, area_code, term_label, table_for=metric_tables(), areas=areas(), today=today),
    "public_summary": lambda con, area_code, term_label, by, today: summary.board_summary(
        public_card(area_code, term_label)[0], areas().get(area_code).level, public_card(area_code, term_label)[1],
        by=by),
    "public_metric_table": lambda con, metric_id: suppression.public_frame(metric_frame(metric_id),
                                                                           metrics()[metric_id]),
    "latest_releases": lambda con, area_code, term_label, today: sources_info.latest_releases(
        sources(), queries.latest_periods(con), today,
        publication_ids=sources_info.publications_behind(sources(), _card_metric_ids(area_code, term_label))),
    "overdue": lambda con, area_code, term_label, today: sources_info.overdue_sentence(
        sources(), queries.latest_periods(con), today,
        sources_info.publications_behind(sources(), _card_metric_ids(area_code, term_label))),
    "inspections_to": inspections.data_runs_to,
    "sources": queries.sources,
    "register_changes": lambda con: register_changes_module.recent(con, until=as_at_moment()),
    "register_changes_sentence": lambda con: register_changes_module.sentence(con, until=as_at_moment()),
    "changed_at": lambda con: as_at.point(con).moment,
    "batches": queries.batches,
    "batch_issues": queries.batch_issues,
    "neighbour_links": queries.neighbour_links,
    "area_targets": targets.targets_for,
    "series_breaks": queries.series_breaks,
    "inspections": lambda con, area_codes: inspections.history(con, None if area_codes is None else list(area_codes),
                                                               areas()),
}


@st.cache_data(show_spinner=False, max_entries=512)
def _read(name: str, args: tuple, version: int, moment: datetime | None):
    return _READS[name](cursor(), *args)


def _cached(name: str, *args):
    """The read's result, computed once per store version (an import or an edit bumps it) and
    as-at moment."""
    return _read(name, args, data_version(), as_at_moment())


def metrics() -> dict:
    return _cached("metrics")


def areas() -> AreaIndex:
    return _cached("areas")


def metric_tables() -> MetricTables:
    """Every metric's table (tables.metric_table: all areas and periods, with comparators), held
    by the process for all its sessions, each on its metric's own fingerprint
    (queries.metric_fingerprints) rather than the store's version: an import recomputes only the
    tables whose figures or inputs it changed. A scorecard asks for its two dozen in one query."""
    fingerprints, moment = _cached("metric_fingerprints"), as_at_moment()
    return MetricTables(cursor, metrics(), held=_held_tables(),
                        key=lambda metric_id: (metric_id, fingerprints.get(metric_id), moment))


@st.cache_resource(show_spinner=False)
def _held_tables() -> BoundedTables:
    return BoundedTables(max_entries=512)


def metric_frame(metric_id: str):
    """Every area and period for a metric, with comparators (metric_tables)."""
    return metric_tables()(metric_id)


def _for_area(name: str, area_code: str, *args):
    """A read about one area's scorecard, computed once per change to what that scorecard is built
    from (queries.scorecard_fingerprint) rather than per store version: an import for one area, or a
    local measure's figures, leaves every other area's scorecard as it was."""
    built_from = queries.scorecard_fingerprint(
        area_code, _cached("area_fingerprints"), _cached("metric_fingerprints"),
        {m.id for m in metrics().values() if m.national})
    return _read(name, (area_code, *args), ("area", built_from), as_at_moment())


def card(area_code: str, term_label: str):
    """The scorecard (card.Card) for an area and term, as card.build gives it (built again each day:
    which figures are behind depends on which releases are overdue today)."""
    return _for_area("card", area_code, term_label, date.today())


def board_summary(area_code: str, term_label: str, by: str = summary.BY_PLAN,
                  public: bool = False) -> list[summary.SummaryGroup]:
    """The board summary (summary.board_summary) of the area's scorecard for the term, grouped by
    priority area and theme or (by=summary.BY_PARTNER) by accountable partner; with public, of its
    public version."""
    return _for_area("public_summary" if public else "summary", area_code, term_label, by, date.today())


def public_card(area_code: str, term_label: str):
    """The public version of the scorecard and, per measure, the fields shown as "c"
    (suppression.public_card)."""
    return _for_area("public_card", area_code, term_label, date.today())


def public_metric_frame(metric_id: str):
    """metric_frame with small counts, and the rates built on them, emptied (suppression.suppress_frame)."""
    return _cached("public_metric_table", metric_id)


def _card_metric_ids(area_code: str, term_label: str) -> set[str]:
    built = card(area_code, term_label)
    return {r.metric.id for r in built.rows} | {r.comparator_metric.id for r in built.rows if r.comparator_metric}


def latest_releases(area_code: str, term_label: str, today) -> list[str]:
    """The staleness statement: each national source's latest figures and when the next is due."""
    return _cached("latest_releases", area_code, term_label, today)


def overdue_sentence(area_code: str, term_label: str, today) -> str | None:
    """The sentence at the top of the scorecard when a release behind its figures is past due and not
    loaded (sources_info.overdue_sentence), or None."""
    return _cached("overdue", area_code, term_label, today)


def inspections_to():
    """How far the store's inspection data runs (inspections.data_runs_to)."""
    return _cached("inspections_to")


def changed_at():
    """When the store last changed (an import, undo, target or commentary), or None."""
    return _cached("changed_at")


def sources():
    """Each source release with what the store holds from it (queries.sources)."""
    return _cached("sources")


def batches():
    return _cached("batches")


def register_changes():
    """Every change to the metric register the store was built with, newest first (register_changes.recent)."""
    return _cached("register_changes")


def register_changes_sentence() -> str | None:
    """The register's last change, in a sentence (register_changes.sentence)."""
    return _cached("register_changes_sentence")


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


def inspection_history(area_code: str | None = None) -> list:
    """The area's area SEND inspections and revisits, oldest first (with those of the areas it was
    formed from); every area's when None (inspections.history)."""
    return _cached("inspections", None if area_code is None else (area_code,))
