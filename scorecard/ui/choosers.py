"""The area, term and metric choosers shown on every page, mirrored in the URL's query parameters
(`area` = ONS code, `term` = e.g. "Autumn 2026/27", `metric` = register id) so that a link opens
the same view, for example in a committee paper."""

from __future__ import annotations

from datetime import date

import streamlit as st

from .. import periods
from ..areas import ENGLAND, Area
from . import data

DEFAULT_AREA = "E06000026"  # Plymouth: a real area with real figures, until the user picks their own
TERMS_SHOWN = 12


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value if value else None


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
    options = area_options(include_overview)
    index = data.areas()
    wanted = _param("area")
    try:
        current = index.resolve(wanted).code if wanted else DEFAULT_AREA
    except LookupError:
        st.warning(f"The link names an area this tool does not know ({wanted}); showing {index.get(DEFAULT_AREA).name}.")
        current = DEFAULT_AREA
    codes = [a.code for a in options]
    position = codes.index(current) if current in codes else codes.index(DEFAULT_AREA)
    chosen = where.selectbox("Local area", options, index=position, format_func=area_label,
                             help="Type a name or an ONS code to search.", key="chooser_area")
    st.query_params["area"] = chosen.code
    return chosen


def term_options(today: date | None = None) -> list[periods.Period]:
    current = periods.term_for_date(today or date.today())
    return list(reversed(periods.terms_back(current, TERMS_SHOWN)))


def choose_term(where=st.sidebar) -> periods.Period:
    options = term_options()
    labels = [p.label for p in options]
    wanted = _param("term")
    if wanted:
        try:
            wanted_label = periods.parse(wanted).label
        except periods.PeriodError:
            wanted_label = None
        if wanted_label and wanted_label not in labels:
            try:
                options.append(periods.parse(wanted_label))
                labels.append(wanted_label)
            except periods.PeriodError:
                pass
    position = labels.index(wanted_label) if wanted and wanted_label in labels else 0
    chosen = where.selectbox("Term", options, index=position, format_func=lambda p: p.describe(),
                             help="The scorecard shows each measure's latest figure up to the end of this term.",
                             key="chooser_term")
    st.query_params["term"] = chosen.label
    return chosen


def choose_metric(only_national: bool = False, where=st.sidebar, default: str = "ehcp_20wk_pct") -> str:
    metrics = data.metrics()
    ids = [m for m in metrics if metrics[m].national or not only_national]
    wanted = _param("metric")
    current = wanted if wanted in ids else (default if default in ids else ids[0])
    if wanted and wanted not in ids:
        st.warning(f"The link names a metric this page cannot show ({wanted}); showing {metrics[current].name}.")
    chosen = where.selectbox("Measure", ids, index=ids.index(current), format_func=lambda m: metrics[m].name,
                             key="chooser_metric")
    st.query_params["metric"] = chosen
    return chosen
