"""Scorecard (home): the board summary first (every measure's figure, direction, target, rating and
comparators in one table, grouped by priority area, with the R/A/G counts in words), the staleness
of the national figures said once, then each measure's detailed card for officers."""

from datetime import date
from pathlib import Path

import streamlit as st

from scorecard import card as card_module
from scorecard import narrative, reports, summary
from scorecard.text_safety import html_text, plain
from scorecard.ui import choosers, data, html_tables, inspection_view, session, widgets


area = choosers.choose_area()
term = choosers.choose_term()
widgets.set_title(area.name, "Scorecard")
public = session.is_public(session.actor())  # a visitor who is not signed in sees the public version
card = data.public_card(area.code, term.label)[0] if public else data.card(area.code, term.label)

st.title(plain(f"{area.name}: SEND scorecard"))
changed = data.changed_at()
as_at = f" Data as at {changed.day} {changed:%B %Y}." if changed else ""
st.caption(f"{term.describe()}: each measure's latest figure up to the end of the term, with its own period.{as_at}")
inspection_view.show_latest(area)

if not card.rows:
    st.info(f"There are no figures yet for {plain(area.name)}. National figures arrive with each DfE release; "
            "local figures come from the Local returns page.")
    st.stop()

groups = data.board_summary(area.code, term.label, choosers.choose_grouping(), public=public)
total = summary.totals(groups)
releases = data.latest_releases(area.code, term.label, date.today())
overdue = data.overdue_sentence(area.code, term.label, date.today())
st.markdown(html_tables.top_html(groups, total, releases, overdue), unsafe_allow_html=True)

caption = html_tables.summary_caption(area.name, term.describe(), total)
st.markdown(html_tables.summary_table_html(groups, caption), unsafe_allow_html=True)

sentences = narrative.summary(card)
widgets.words_used(widgets.page_words(card, total.rows, area.level, releases, sentences, [overdue or ""]))

file_stem = f"{area.code}_{term.label.replace(' ', '_').replace('/', '-')}"
st.download_button("Download the summary (CSV)", widgets.csv_bytes(summary.summary_frame(groups)),
                   file_name=f"summary_{file_stem}.csv", mime="text/csv", key="summary_download",
                   icon=":material/download:")

with st.expander("Read the summary aloud", icon=":material/record_voice_over:"):
    st.markdown("\n".join(f"{i}. {plain(s)}" for i, s in enumerate(sentences, start=1)))

with st.container(key="pack_downloads"):
    with st.expander("Download the committee or stocktake pack", icon=":material/download:"):
        st.caption("The same figures as this page, as a committee paper (PDF), board slides with editable charts "
                   "(PowerPoint), a report section (Word) or the data behind it (Excel).")
        if public:
            st.caption("Public version: counts below 5, and rates built on them, shown as c; internal commentary "
                       "left out.")
        else:
            public = st.toggle("Public version: counts below 5, and rates built on them, shown as c; internal "
                               "commentary left out", key="pack_public")
        baseline = st.selectbox("Stocktake baseline: the period progress is measured from",
                                [None, *choosers.baseline_options(term)],
                                format_func=lambda p: "No baseline" if p is None else p.describe(),
                                key="pack_baseline")
        detail = st.toggle("PowerPoint: add each measure's chart slide, as an appendix (the PDF and Word packs always "
                           "have each measure in detail)", key="pack_detail")
        buttons = st.columns(len(reports.FORMATS))
        for column, fmt in zip(buttons, reports.FORMATS):
            column.download_button(
                reports.LABELS[fmt],
                data=lambda fmt=fmt: reports.pack_bytes(data.cursor(), area.code, term.label, fmt, public=public,
                                                        baseline=baseline.label if baseline else None,
                                                        detail=detail)[0],
                file_name=reports.file_name(area.name, term, fmt, public=public, baseline=baseline),
                mime=reports.MIME[fmt], key=f"pack_{fmt}", icon=":material/description:")

PAGES = Path(__file__).parent  # links work however the app is started
ILLUSTRATIVE, NO_EXCEPTION_NOTE = card_module.FLAG_ILLUSTRATIVE, card_module.FLAG_NO_EXCEPTION_NOTE


def show_row(row) -> None:
    with st.container(border=True):
        st.markdown(f'<div id="{html_tables.measure_anchor(row.metric.id)}" class="sc-anchor"></div>'
                    f"<h4>{html_text(row.metric.name)}</h4>", unsafe_allow_html=True,
                    help=plain(row.metric.description) or None)
        figure, rating = st.columns([3, 2], gap="small")
        with figure:
            change = widgets.delta_words(row)
            st.metric(plain(row.metric.label), widgets.value_words(row), delta=change["delta"],
                      delta_color=change["colour"], delta_arrow=change["arrow"], label_visibility="collapsed")
            if spark := widgets.sparkline_html(row):
                st.markdown(spark, unsafe_allow_html=True)
        with rating:
            st.markdown(f"**Rating:** {widgets.rag_badge_html(row.rating)}", unsafe_allow_html=True,
                        help=plain(row.rating.reason))
            if row.rating.rag:
                st.caption(plain(row.rating.reason))
            st.markdown("  \n".join(plain(line) for line in widgets.position_lines(row, area.level)))
        st.caption(plain(widgets.period_words(row)))
        st.markdown("\n".join(f"- {plain(line)}" for line in widgets.comparator_lines(row, area.level)))
        if row.comment:
            who = f"{row.comment.author}, {row.comment.written_at:%d %B %Y}"
            if row.comment.text:
                st.markdown(f"**Commentary** ({plain(who)}): {plain(row.comment.text)}")
            if row.comment.has_exception_note:
                st.markdown(f"**Exception note:** {plain(row.comment.exception_words())}")
        for flag in row.flags:
            if flag == ILLUSTRATIVE:
                st.badge(flag, icon=":material/science:", color="orange")
            elif flag == NO_EXCEPTION_NOTE:
                st.warning(f"{flag}: a red rating needs one (cause, action, owner, date back on track), on the "
                           "Targets and commentary page.", icon=":material/warning:")
            else:
                st.caption(f"⚠ {plain(flag)}")
        links = st.columns(2)
        query = {"area": area.code, "term": term.label, "metric": row.metric.id}
        links[0].page_link(PAGES / "trends.py", label="Trend", icon=":material/show_chart:", query_params=query)
        if row.metric.national:
            links[1].page_link(PAGES / "compare.py", label="Compare", icon=":material/leaderboard:",
                               query_params=query)


st.header("Measure by measure")
st.caption("For officers: each measure's comparators, trend, rating, commentary and flags. The measure names "
           "in the summary link here.")
cards_tab, table_tab = st.tabs(["Cards", "Table"])
with cards_tab:
    for group, rows in card.groups():
        st.subheader(plain(group))
        for pair in range(0, len(rows), 2):  # two cards a row on a wide screen; one below the other on a phone
            for column, row in zip(st.columns(2), rows[pair:pair + 2]):
                with column:
                    show_row(row)
with table_tab:
    table = widgets.card_table(card, area.level)
    st.dataframe(table, hide_index=True, key="card_table",
                 column_config={"Measure": st.column_config.TextColumn("Measure", pinned=True),
                                "Trend": st.column_config.LineChartColumn(
                                    "Trend", help="The latest figures of the same kind, oldest first")})
    st.download_button("Download the scorecard (CSV)", widgets.csv_bytes(table.drop(columns=["Trend"])),
                       file_name=f"scorecard_{file_stem}.csv", mime="text/csv", key="card_download",
                       icon=":material/download:")
