"""Scorecard (home): one row per measure for the chosen area and term, grouped by the board's
priority areas or by theme, with a plain-English summary that can be read aloud."""

from pathlib import Path

import streamlit as st

from scorecard import card as card_module
from scorecard import narrative, reports
from scorecard.text_safety import plain
from scorecard.ui import choosers, data, navigation, widgets

navigation.through_app()

area = choosers.choose_area()
term = choosers.choose_term()
widgets.set_title(area.name, "Scorecard")
card = data.card(area.code, term.label)

st.title(plain(f"{area.name}: SEND scorecard"))
as_at = f" Data as at {card.as_at:%d %B %Y}." if card.as_at else ""
st.caption(f"{term.describe()}. Each measure shows its latest figure up to the end of the term, with its own "
           f"period.{as_at}")

if not card.rows:
    st.info(f"There are no figures yet for {plain(area.name)}. National figures arrive with each DfE release; "
            "local figures come from the Local returns page.")
    st.stop()

ILLUSTRATIVE, NO_EXCEPTION_NOTE = card_module.FLAG_ILLUSTRATIVE, card_module.FLAG_NO_EXCEPTION_NOTE
if any(ILLUSTRATIVE in r.flags for r in card.rows):
    st.warning("Illustrative figures: some measures here use made-up sample figures to show how the scorecard "
               "works. They are labelled on each measure and are not real data.", icon=":material/science:")

summary = narrative.summary(card)
st.markdown(plain(summary[0]))
with st.expander("Read the summary aloud", icon=":material/record_voice_over:"):
    st.markdown("\n".join(f"{i}. {plain(s)}" for i, s in enumerate(summary[1:], start=1)))

with st.container(key="pack_downloads"):
    with st.expander("Download the committee or stocktake pack", icon=":material/download:"):
        st.caption("The same figures as this page, as a committee paper (PDF), board slides with editable charts "
                   "(PowerPoint), a report section (Word) or the data behind it (Excel).")
        public = st.toggle("Public version: counts below 5, and rates built on them, shown as c; internal "
                           "commentary left out", key="pack_public")
        baseline = st.selectbox("Stocktake baseline (change since, and progress along the trajectory)",
                                [None, *choosers.baseline_options(term)],
                                format_func=lambda p: "No baseline" if p is None else p.describe(),
                                key="pack_baseline")
        buttons = st.columns(len(reports.FORMATS))
        for column, fmt in zip(buttons, reports.FORMATS):
            column.download_button(
                reports.LABELS[fmt],
                data=lambda fmt=fmt: reports.pack_bytes(data.cursor(), area.code, term.label, fmt, public=public,
                                                        baseline=baseline.label if baseline else None)[0],
                file_name=reports.file_name(area.name, term, fmt, public=public, baseline=baseline),
                mime=reports.MIME[fmt], key=f"pack_{fmt}", icon=":material/description:")
PAGES = Path(__file__).parent  # links work however the app is started


def show_row(row) -> None:
    with st.container(border=True):
        st.markdown(f"**{plain(row.metric.name)}**", help=plain(row.metric.description) or None)
        left, middle, right = st.columns([4, 4, 3], gap="medium")
        with left:
            change = widgets.delta_words(row)
            trend = [t["value"] for t in row.trend if t["value"] is not None]
            st.metric(plain(row.metric.label), widgets.value_words(row), delta=change["delta"], delta_color=change["colour"],
                      delta_arrow=change["arrow"], label_visibility="collapsed",
                      chart_data=trend if len(trend) > 1 else None)
            st.caption(plain(widgets.period_words(row)))
        with middle:
            st.markdown("\n".join(f"- {plain(line)}" for line in widgets.comparator_lines(row, area.level)))
        with right:
            st.markdown(f"**Rating:** {widgets.rag_badge_html(row.rating)}", unsafe_allow_html=True,
                        help=plain(row.rating.reason))
            if row.rating.rag:
                st.caption(plain(row.rating.reason))
            st.markdown("  \n".join(plain(line) for line in widgets.position_lines(row, area.level)))
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
        links = st.columns([1, 1, 4])
        query = {"area": area.code, "term": term.label, "metric": row.metric.id}
        links[0].page_link(PAGES / "trends.py", label="Trend", icon=":material/show_chart:", query_params=query)
        if row.metric.national:
            links[1].page_link(PAGES / "compare.py", label="Compare", icon=":material/leaderboard:",
                               query_params=query)


cards_tab, table_tab = st.tabs(["Scorecard", "Table"])
with cards_tab:
    for group, rows in card.groups():
        st.subheader(plain(group))
        st.caption(widgets.rag_counts_words(card.rag_counts(rows)))
        for row in rows:
            show_row(row)
with table_tab:
    st.dataframe(widgets.card_table(card), hide_index=True, key="card_table",
                 column_config={"Measure": st.column_config.TextColumn("Measure", pinned=True),
                                "Trend": st.column_config.LineChartColumn(
                                    "Trend", help="The latest figures of the same kind, oldest first")})
    st.download_button("Download the scorecard (CSV)", widgets.csv_bytes(card.frame()),
                       file_name=f"scorecard_{area.code}_{term.label.replace(' ', '_').replace('/', '-')}.csv",
                       mime="text/csv", key="card_download", icon=":material/download:")
