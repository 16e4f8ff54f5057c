"""The area, term and metric choosers shown on every page, mirrored in the URL's query parameters
(`area` = ONS code, `term` = e.g. "Autumn 2026/27", `metric` = register id, and on Compare `period`)
so that a link opens the same view, for example in a committee paper.

A choice made on one page stays when the user moves to another (the widgets persist for the
session). A URL that names a different choice wins: that is a link being followed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from .. import periods, summary, words
from ..areas import ENGLAND, Area, AreaNotFound
from ..text_safety import plain
from . import data

DEFAULT_AREA = "E06000026"  # Plymouth: a real area with real figures, until the user picks their own
TERMS_SHOWN = 12


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value if value else None


def _choose(name: str, label: str, options: list[str], default: str, format_func: Callable[[str], str],
            resolve: Callable[[str], str | None], where, help: str | None = None,
            unknown: Callable[[str, str], str] | None = None) -> str:
    """A selectbox over `options` (plain strings), kept in step with the query parameter `name`."""
    key = f"chooser_{name}"
    seen = f"_chooser_url_{name}"
    current = st.session_state.get(key)
    if current not in options:
        current = default if default in options else options[0]
    wanted = _param(name)
    if wanted is not None and wanted != st.session_state.get(seen):
        resolved = resolve(wanted)
        if resolved in options:
            current = resolved
        elif unknown:
            st.warning(plain(unknown(wanted, format_func(current))))
    # Set on every run: each page has its own widget, and this carries the choice from page to page.
    st.session_state[key] = current
    chosen = where.selectbox(label, options, key=key, format_func=format_func, help=help)
    st.query_params[name] = chosen
    st.session_state[seen] = chosen
    return chosen


def area_options(include_overview: bool = True) -> list[Area]:
    index = data.areas()
    las = index.current_las()
    if not include_overview:
        return las
    return [index.areas[ENGLAND], *index.regions(), *las]


def area_label(area: Area) -> str:
    kind = {"england": "country", "region": "region"}.get(area.level)
    return f"{area.name} ({area.code}{', ' + kind if kind else ''})"


def choose_area(include_overview: bool = True, where=st.sidebar) -> Area:
    """Any of the 153 LAs, searchable by name or ONS code (and England and regions for the overview)."""
    index = data.areas()
    options = area_options(include_overview)
    labels = {a.code: area_label(a) for a in options}

    def resolve(text: str) -> str | None:
        try:
            return index.resolve(text).code
        except AreaNotFound:
            return None

    code = _choose("area", "Local area", list(labels), DEFAULT_AREA, labels.__getitem__, resolve, where,
                   help="Type a name or an ONS code to search.",
                   unknown=lambda wanted, shown: f"The link names an area this tool does not know ({wanted}); "
                                                 f"showing {shown}.")
    return index.get(code)


def term_options(today: date | None = None) -> list[periods.Period]:
    current = periods.term_for_date(today or date.today())
    return list(reversed(periods.terms_back(current, TERMS_SHOWN)))


def _period_label(text: str) -> str | None:
    """The canonical label of a period written in a link, or None if it is not a period."""
    try:
        return periods.parse(text).label
    except periods.PeriodError:
        return None


def choose_term(where=st.sidebar) -> periods.Period:
    options = term_options()
    wanted = _param("term")
    try:
        asked = periods.parse(wanted) if wanted else None
    except periods.PeriodError:
        asked = None
    if asked is not None and asked.kind == "term" and asked.label not in [p.label for p in options]:
        options.append(asked)  # an older term named in a link
    by_label = {p.label: p for p in options}
    label = _choose("term", "Term", list(by_label), options[0].label, lambda t: by_label[t].describe(),
                    _period_label,
                    where, help="The scorecard shows each measure's latest figure up to the end of this term.",
                    unknown=lambda wanted, shown: f"The link names a term this tool cannot show ({wanted}); "
                                                  f"showing {shown}.")
    return by_label[label]


def choose_metric(only_national: bool = False, where=st.sidebar, default: str = "ehcp_20wk_pct") -> str:
    """A measure from the register. Where only national measures make sense (Compare), a local
    measure named in the link is replaced by its national equivalent."""
    metrics = data.metrics()
    ids = [m for m in metrics if metrics[m].national or not only_national]

    def resolve(text: str) -> str | None:
        metric = metrics.get(text)
        if metric is not None and text not in ids and metric.national_equivalent in ids:
            return metric.national_equivalent
        return text

    return _choose("metric", "Measure", ids, default if default in ids else ids[0],
                   lambda m: words.measure_choice(metrics[m]), resolve, where,
                   unknown=lambda wanted, shown: f"The link names a measure this page cannot show ({wanted}); "
                                                 f"showing {shown}.")


def choose_period(options: list[periods.Period], default: str | None = None, where=st.sidebar,
                  label: str = "Period") -> periods.Period:
    """One of a metric's periods (newest first), mirrored in the `period` query parameter."""
    by_label = {p.label: p for p in options}
    chosen = _choose("period", label, list(by_label), default or options[0].label,
                     lambda p: by_label[p].describe()[:1].upper() + by_label[p].describe()[1:],
                     lambda text: _period_label(text) or text, where,
                     unknown=lambda wanted, shown: f"There are no figures for {wanted}; showing {shown}.")
    return by_label[chosen]


def baseline_options(term: periods.Period, years: int = 6) -> list[periods.Period]:
    """Baselines a stocktake may start from: earlier terms, then calendar years (national figures are
    annual), newest first."""
    earlier_terms = [p for p in term_options() if p.end < term.end]
    calendar = [periods.calendar_year(y) for y in range(term.start.year - 1, term.start.year - 1 - years, -1)]
    return earlier_terms + calendar


def choose_grouping(where=st.sidebar) -> str:
    """How the board summary is grouped: by priority area and theme, or by accountable partner (so
    the board can hold each partner to account), mirrored in the `group` query parameter."""
    return _choose("group", "Group the summary by", list(summary.GROUPINGS), summary.BY_PLAN,
                   summary.GROUPINGS.__getitem__, lambda text: text if text in summary.GROUPINGS else None, where)
