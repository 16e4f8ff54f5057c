"""Small pieces the dashboard's pages share: a chart with its table and CSV, the page title, the RAG
badge, and the scorecard's words for one row (pure functions, tested without Streamlit)."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from .. import rag
from ..card import Card, CardRow, describe_comparators
from ..charts import CONFIG
from ..formatting import arrow, change_words, direction, fmt, is_missing
from ..published import status_words
from ..text_safety import neutralise_frame, plain

APP_NAME = "SEND Scorecard"


def page_title(area_name: str, page: str) -> str:
    return f"{area_name} – {page} – {APP_NAME}"


def set_title(area_name: str, page: str) -> None:
    """The browser's <title> names the area and page, so tabs and bookmarks say what they hold."""
    st.set_page_config(page_title=page_title(area_name, page))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as a CSV download, with text that a spreadsheet would run as a formula made inert."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8")


def chart_with_table(fig, table: pd.DataFrame, filename: str, description: str, csv: pd.DataFrame | None = None,
                     key: str = "chart") -> None:
    """A Chart tab and a Table tab, a text alternative under the chart, and a CSV download of the
    figures (`csv`, e.g. in EES layout; the table itself if not given)."""
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        st.plotly_chart(fig, config={**CONFIG, "toImageButtonOptions": {"filename": filename.rsplit(".", 1)[0]}},
                        key=f"{key}_figure", alt=description)
        st.caption(plain(description))
    with table_tab:
        st.dataframe(table, hide_index=True, key=f"{key}_table")
    st.download_button("Download the data (CSV)", csv_bytes(table if csv is None else csv), file_name=filename,
                       mime="text/csv", key=f"{key}_download", icon=":material/download:")


def rag_badge_html(rating: rag.Rating) -> str:
    """The rating in words and shape, on its Analysis Function colour; 'Not rated' in plain text."""
    if not rating.rag:
        return html.escape(rating.label)
    return (f'<span style="background:{rag.COLOURS[rating.rag]};color:{rag.TEXT_ON[rating.rag]};padding:0.1em 0.5em;'
            f'border-radius:0.3em;font-weight:600">{html.escape(rating.label)}</span>')


def rag_counts_words(counts: dict[str, int]) -> str:
    """'■ Red 1 · ▲ Amber 2 · ● Green 0', or words saying nothing is rated."""
    if not any(counts.values()):
        return "No targets set for these measures, so none is rated"
    return " · ".join(f"{rag.ICONS[k]} {k} {n}" for k, n in counts.items())


def delta_words(row: CardRow) -> dict:
    """What st.metric needs to show the change in words with an arrow: text ('down 11.8 points: worse'),
    arrow and colour. Better is blue and worse orange (never red and green alone); the words say which."""
    m = row.metric
    if is_missing(row.change) or row.previous_period is None:
        return {"delta": None, "arrow": "off", "colour": "gray"}
    how = direction(row.change, m)
    text = change_words(row.change, m) + (f": {how}" if how in ("better", "worse") else "")
    arrow_name = {"↑": "up", "↓": "down"}.get(arrow(row.change, m), "off")
    colour = {"better": "blue", "worse": "orange"}.get(how, "gray")
    return {"delta": text, "arrow": arrow_name, "colour": colour}


def value_words(row: CardRow) -> str:
    """The big figure: the value, or 'No figure' (the reason goes in period_words)."""
    return "No figure" if is_missing(row.value) else row.value_words


def period_words(row: CardRow) -> str:
    """'Calendar year 2024. Previous: 17.8% in calendar year 2023. Source: ...'"""
    if row.period is None:
        return "No figure yet."
    text = row.period.describe()
    text = text[:1].upper() + text[1:]
    text += f": no published figure ({status_words(row.status)})." if is_missing(row.value) else "."
    if row.previous_period is not None:
        text += f" Previous: {fmt(row.previous, row.metric, row.previous_status)} ({row.previous_period.describe()})."
    if row.source:
        text += f" Source: {row.source}."
    return text


def comparator_lines(row: CardRow, area_level: str) -> list[str]:
    """England, the region and the neighbours in words, each with its own period, or why not."""
    if row.comparator_metric is None:
        return ["No national comparator for this measure"]
    words = describe_comparators(row)
    lines = []
    if row.comparator_metric.id != row.metric.id:
        lines.append(f"Compared with the national measure: {row.comparator_metric.label}")
    if area_level != "england":
        if row.comparator_metric.unit == "count" and row.comparator_metric.id == row.metric.id:
            lines.append(f"England total: {words['england']}")
        else:
            lines.append(f"England: {words['england']}")
    if area_level == "la":
        region = words["region"]
        if row.region_note:
            region += f" ({row.region_note})"
        lines.append(f"{row.region_name or 'Region'}: {region}")
        lines.append(f"Statistical neighbours: {words['neighbours']}")
    return lines


def position_lines(row: CardRow, area_level: str) -> list[str]:
    if area_level != "la":
        return ["Not ranked: only local authorities are ranked"]
    if row.comparator_metric is not None and row.comparator_metric.id != row.metric.id:
        return ["Not ranked: a local measure"]
    words = describe_comparators(row)
    if not row.rank:
        return ["Rank: not ranked (no figure)", "Band: no band"]
    band = words["quartile"] if row.quartile else (
        "no band: a context measure" if row.metric.polarity == "context" else "no band")
    return [f"Rank: {words['rank']}", f"Band: {band}"]


def card_table(card: Card) -> pd.DataFrame:
    """The scorecard as one table (the Table view), with each trend as a list for a sparkline."""
    records = []
    for r in card.rows:
        words = describe_comparators(r)
        d = delta_words(r)
        records.append({
            "Group": r.group, "Measure": r.metric.label, "Latest": r.value_words,
            "Period": r.period.describe() if r.period else "no figure yet",
            "Change": (f"{arrow(r.change, r.metric)} {d['delta']} since {r.previous_period.describe()}"
                       if d["delta"] else "no earlier figure"),
            "England": words["england"], "Region": words["region"], "Statistical neighbours": words["neighbours"],
            "Rank": words["rank"], "Band": words["quartile"], "Rating": r.rating.label,
            "Trend": [t["value"] for t in r.trend if t["value"] is not None],
            "Flags": "; ".join(r.flags),
        })
    return pd.DataFrame(records, columns=["Group", "Measure", "Latest", "Period", "Change", "England", "Region",
                                          "Statistical neighbours", "Rank", "Band", "Rating", "Trend", "Flags"])
