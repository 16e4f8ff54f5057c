"""Small pieces the dashboard's pages share: a chart with its table and CSV, the page title, the RAG
badge, and the scorecard's words for one row (pure functions, tested without Streamlit)."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from .. import rag, words
from ..card import Card, CardRow, describe_comparators
from ..charts.sparkline import sparkline_data_uri
from ..formatting import arrow, change_words, fmt, is_missing
from ..published import status_words
from ..text_safety import neutralise_frame, plain

APP_NAME = "SEND Scorecard"
# Less empty space around every page on a wide screen, so the board summary fits two screens; the
# header bar (60 px) still clears the title. Phones keep Streamlit's own spacing.
# A measure's figure and its change, and a chosen measure's name, wrap rather than end in "…": Streamlit's
# metric cuts a long change ("up 25.0 points (small numbers: treat with caution)") off at its column's
# width, and a multiselect's chosen names at the box's.
PAGE_STYLE = """<style>
@media (min-width: 50rem) {
  [data-testid="stMainBlockContainer"] { padding-top: 4.5rem; padding-left: 2.5rem; padding-right: 2.5rem; }
}
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] *, [data-testid="stMetricValue"],
[data-testid="stMetricValue"] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: anywhere; }
[data-testid="stMetricDelta"] { height: auto !important; }
[data-testid="stMultiSelectTagsContainer"] [data-tag], [data-testid="stMultiSelectTagsContainer"] [data-tag] span {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  max-width: 100% !important; height: auto !important; }
</style>"""


def page_title(area_name: str, page: str) -> str:
    return f"{area_name} – {page} – {APP_NAME}"


def page_style() -> None:
    """The app's own spacing (PAGE_STYLE), once per run from app.py."""
    st.html(PAGE_STYLE)


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
    from ..charts import CONFIG  # Plotly loads with the first chart, not with every page

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


def delta_words(row: CardRow) -> dict:
    """What st.metric needs to show the change in words with an arrow: text ('down 11.8 points: worse'),
    arrow and colour. Better is blue and worse orange (never red and green alone); the words say which.
    A change to or from small numbers is never called better or worse (CardRow.direction)."""
    m = row.metric
    if is_missing(row.change) or row.previous_period is None:
        return {"delta": None, "arrow": "off", "colour": "gray"}
    how = row.direction
    text = change_words(row.change, m) + (f": {how}" if how in ("better", "worse", words.NO_CLEAR_CHANGE) else "")
    if how == "changed" and (row.small_numbers or row.previous_small_numbers):
        text += f" ({words.SMALL_NUMBERS})"
    arrow_name = {"↑": "up", "↓": "down"}.get(arrow(row.change, m), "off")
    colour = {"better": "blue", "worse": "orange"}.get(how, "gray")
    return {"delta": text, "arrow": arrow_name, "colour": colour}


def sparkline_html(row: CardRow) -> str:
    """The card's sparkline as an image with its trend in words for its alt text, or "" where the
    area has fewer than two figures."""
    values = [t["value"] for t in row.trend if not is_missing(t["value"])]
    if len(values) < 2:
        return ""
    alt = html.escape(words.sparkline_alt(row.metric, row.trend), quote=True)
    return f'<img class="sc-spark" src="{sparkline_data_uri(values)}" alt="{alt}" width="120" height="28">'


def value_words(row: CardRow) -> str:
    """The big figure: the value, or 'No figure' (the reason goes in period_words)."""
    return "No figure" if is_missing(row.value) else row.value_words


def period_words(row: CardRow) -> str:
    """'6.0%: 24 of 403, calendar year 2024. Previous: 17.8% in calendar year 2023. Source: ...': the
    figure with its counts and labels when it has any, its period, the previous figure, the source."""
    if row.period is None:
        return "No figure yet."
    figure = words.figure(row)
    if is_missing(row.value):
        text = row.period.describe()
        text = text[:1].upper() + text[1:] + f": no published figure ({status_words(row.status)})."
    elif figure != row.value_words:
        text = f"{figure}, {row.period.describe()}."
    else:
        text = row.period.describe()
        text = text[:1].upper() + text[1:] + "."
    if row.behind:
        text += f" Behind: {row.behind}."
    if row.previous_period is not None:
        text += f" Previous: {fmt(row.previous, row.metric, row.previous_status)} ({row.previous_period.describe()})."
    for more in (words.interval_line(row), words.alongside(row), words.mix(row)):
        if more:
            text += f" {more}."
    if row.source:
        text += f" Source: {row.source}."
    return text


def comparator_lines(row: CardRow, area_level: str) -> list[str]:
    """England, the region and the neighbours in words, each with its own period, or why not. Where
    they are not like with like, each says it is context only."""
    if row.comparator_metric is None:
        return ["No national comparator for this measure"]
    if row.period is not None and row.comparator_period is not None and not row.like_with_like:
        # England, the region and the neighbours measure something else, or another kind of period.
        lines = [f"England: {words.NO_COMPARABLE} ({words.unlike(row)})"]
        if area_level == "la":
            lines += [f"{row.region_name or 'Region'}: {words.NO_COMPARABLE}",
                      f"Statistical neighbours: {words.NO_COMPARABLE}"]
        return lines if area_level != "england" else [words.upper_first(words.NO_COMPARABLE)]
    said = describe_comparators(row)
    context = "" if row.comparable else f": context only, {words.NOT_COMPARABLE}"
    lines = []
    if row.comparator_metric.id != row.metric.id:
        lines.append(f"Compared with the national measure: {row.comparator_metric.label}")
    if area_level != "england":
        total = row.comparator_metric.is_total and row.comparator_metric.id == row.metric.id
        lines.append(f"England{' total' if total else ''}: {said['england']}{context}")
    if area_level == "la":
        region = said["region"]
        if row.region_note:
            region += f" ({row.region_note})"
        lines.append(f"{row.region_name or 'Region'}: {region}{context}")
        lines.append(f"Statistical neighbours: {said['neighbours']}{context}")
    return lines


def position_lines(row: CardRow, area_level: str) -> list[str]:
    """'Rank: 145th of 149' and 'Band: D (worst quarter)', or why the figure is not ranked."""
    if not row.rank or area_level != "la":
        why = words.position(row, area_level)
        return [why[:1].upper() + why[1:]]
    said = describe_comparators(row)
    band = said["quartile"] if row.quartile else (
        "no band: a context measure" if row.metric.polarity == "context" else "no band")
    lines = [f"Rank: {said['rank']}", f"Band: {band}"]
    if row.rank_caveat:
        lines.append(f"Rank not comparable: {row.rank_caveat}")
    return lines


CARD_TABLE_COLUMNS = ["Group", "Measure", "Latest", "95% confidence interval", "Period", "Change", "Target", "Rating",
                      "England", "Region", "Statistical neighbours", "Rank or band", "Trend", "Flags"]


def _region_words(row: CardRow) -> str:
    text = describe_comparators(row)["region"]
    if row.comparator_metric is not None and row.period is not None and row.comparator_period is not None \
            and not row.like_with_like:
        return words.NO_COMPARABLE
    if text == "—" or row.comparable:
        return text
    return f"{text}: context only, {words.NOT_COMPARABLE}"


def card_table(card: Card, area_level: str = "la") -> pd.DataFrame:
    """The scorecard as one table (the Table view and its CSV) in the summary's words: each figure
    with its counts and labels (illustrative on the figure itself), rounded to the measure's
    decimals, and each trend as a list for a sparkline."""
    records = []
    for r in card.rows:
        records.append({
            "Group": r.group, "Measure": r.metric.label, "Latest": words.figure_with_alongside(r),
            "95% confidence interval": words.interval(r), "Period": words.period(r),
            "Change": words.change(r), "Target": words.target(r), "Rating": words.rating(r.rating),
            "England": words.england(r), "Region": _region_words(r) if area_level == "la" else "—",
            "Statistical neighbours": words.neighbours(r) if area_level == "la" else "—",
            "Rank or band": words.position(r, area_level),
            "Trend": [round(t["value"], r.metric.decimals) for t in r.trend if t["value"] is not None],
            "Flags": "; ".join(r.flags),
        })
    return pd.DataFrame(records, columns=CARD_TABLE_COLUMNS)


def words_used(texts) -> None:
    """'Words used on this page': the glossary entries (words.GLOSSARY) for the terms in `texts`."""
    from .html_tables import glossary_html

    entries = words.terms_used(texts)
    if entries:
        st.markdown(glossary_html(entries), unsafe_allow_html=True)


def page_words(card: Card, summary_rows, area_level: str, *more: list[str]) -> list[str]:
    """Every string the scorecard page shows about its measures (the summary's cells, and each card's
    name, description, figure, comparators, position, rating reason and flags), with any `more`, for
    words_used."""
    out = [c for r in summary_rows for c in r.cells()]
    for r in card.rows:
        out += [r.metric.name, r.metric.label, r.metric.description, r.rating.reason, period_words(r),
                delta_words(r)["delta"] or "", *comparator_lines(r, area_level), *position_lines(r, area_level),
                *r.flags]
    return out + [text for texts in more for text in texts]
