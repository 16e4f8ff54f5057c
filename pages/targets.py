"""Targets and commentary: an area's targets and trajectories, commentary and exception notes for a
term, the improvement plan's priority areas, and how each measure is rated."""

import streamlit as st

from scorecard import commentary, limits, local_returns, periods, priorities, targets
from scorecard.importers.base import ImportFailure
from scorecard.text_safety import plain
from scorecard.ui import admin, data, navigation, session
from scorecard.ui.choosers import choose_area, choose_term
from scorecard.ui.widgets import set_title

navigation.through_app()


def show_problems(failure: ImportFailure, what: str) -> None:
    st.error(f"{plain(what)}: {len(failure.issues)} problem(s) found, by row and column below. Nothing was saved.")
    st.dataframe(admin.problems_frame(failure.issues), hide_index=True)


area = choose_area()
term = choose_term()
set_title(area.name, "Targets and commentary")
metrics = data.metrics()
version = data.data_version()
st.title("Targets and commentary")
st.markdown(f"For **{plain(area.name)}**, {term.describe()}. Targets drive the RAG ratings on the scorecard; "
            "commentary and exception notes appear beside each measure.")
if "targets_message" in st.session_state:
    st.success(plain(st.session_state.pop("targets_message")))

scorecard = data.card(area.code, term.label)

st.header("Red ratings without an exception note")
reds = admin.reds_without_note(scorecard)
if len(reds):
    st.warning(f"{len(reds)} red rating(s) need an exception note: cause, action, owner and the term it is "
               "expected back on track. Add them under Commentary below.")
    st.dataframe(reds, hide_index=True, key="reds_table")
else:
    st.markdown("None: every red rating this term has an exception note.")

st.header("Targets")
st.markdown("One row per target. Give **period_label** for a trajectory point (the target for one period), or "
            "**from_period** and **to_period** for a target over a range (either end may be left open). "
            "Tolerance is in the measure's own units (points for a percentage). Periods are written as "
            "`Autumn 2026/27`, `2024` or `2024/25`.")
rated_ids = admin.rated_metric_ids(metrics)
edited = st.data_editor(
    admin.targets_editor_frame(targets.targets_for(data.cursor(), area.code)),
    num_rows="dynamic", hide_index=True, key=f"targets_editor_{area.code}_{version}",
    column_config={
        "metric_id": st.column_config.SelectboxColumn("metric", options=rated_ids, required=True,
                                                      format_func=lambda m: metrics[m].name if m in metrics else m),
        "period_label": st.column_config.TextColumn("trajectory point (period)"),
        "from_period": st.column_config.TextColumn("from period"),
        "to_period": st.column_config.TextColumn("to period"),
        "target": st.column_config.NumberColumn("target", required=True),
        "tolerance": st.column_config.NumberColumn("tolerance", min_value=0.0),
        "baseline_period": st.column_config.TextColumn("baseline period"),
    })
if st.button("Save targets", type="primary"):
    try:
        saved = admin.save_targets_editor(data.cursor(), area.code, edited, who=session.who())
    except ImportFailure as failure:
        show_problems(failure, "The targets were not saved")
    else:
        st.session_state["targets_message"] = f"Saved {saved} target(s) for {area.name}."
        st.rerun()

with st.expander("Import targets from a CSV file"):
    st.markdown("Columns: `area, metric, period` (or `from_period, to_period`), `target, tolerance`, and "
                "optionally `baseline_period`. Each row replaces any target for the same area, measure and period.")
    example_terms = local_returns.default_terms(term.end, count=3)
    st.download_button("Download an example targets CSV",
                       admin.targets_example_csv(area, list(metrics.values()), example_terms),
                       file_name=f"targets_example_{area.code}.csv", mime="text/csv")
    targets_file = st.file_uploader("Targets CSV", type=["csv"], key="targets_upload")
    if targets_file is not None and st.button("Import the targets"):
        try:
            message = admin.import_targets(data.cursor(), targets_file.name, targets_file.getvalue(),
                                           who=session.who())
        except ImportFailure as failure:
            show_problems(failure, f"{targets_file.name} was not imported")
        else:
            st.session_state["targets_message"] = message
            st.rerun()

st.header("Commentary and exception notes")
on_card = [r.metric.id for r in scorecard.rows]
if not on_card:
    st.markdown("No measures on the scorecard for this area and term yet.")
else:
    wanted = st.query_params.get("metric")
    metric_id = st.selectbox("Measure to comment on", on_card, index=on_card.index(wanted) if wanted in on_card else 0,
                             format_func=lambda m: metrics[m].name, key="commentary_metric")
    row = admin.row_for(scorecard, metric_id)
    st.markdown(plain(admin.rating_words(row)))
    red = admin.is_red(row)
    with st.form("commentary_form", clear_on_submit=True):
        text = st.text_area(f"Commentary for {term.describe()}", max_chars=limits.MAX_COMMENTARY_CHARS)
        author = st.text_input("Written by", help="The accountable officer's name or role.",
                               max_chars=limits.MAX_AUTHOR_CHARS)
        internal = st.checkbox("Internal only (left out of public packs)")
        fields = {}
        if red:
            st.markdown("**This measure is rated Red: add the exception note.**")
            for field in ("cause", "action", "owner"):
                fields[field] = st.text_input(field.capitalize(), max_chars=limits.MAX_EXCEPTION_FIELD_CHARS)
            fields["recovery_period"] = st.selectbox("Expected back on track by",
                                                     admin.recovery_term_options(term))
        if st.form_submit_button("Save commentary"):
            try:
                message = admin.save_commentary(data.cursor(), area.code, metric_id, term, text, author,
                                                internal=internal, **fields)
            except (commentary.CommentaryError, periods.PeriodError) as exc:
                st.error(plain(str(exc)))
            else:
                st.session_state["targets_message"] = message
                st.rerun()
    previous = commentary.history(data.cursor(), area.code, metric_id)
    if len(previous):
        st.markdown("Earlier commentary on this measure:")
        st.dataframe(previous, hide_index=True, key="commentary_history")

st.header("Priority areas")
st.markdown("The improvement plan's priority areas, numbered, with the measures under each. The scorecard "
            "groups its rows by them; measures not mapped fall under their theme.")
edited_plan = st.data_editor(
    admin.priorities_editor_frame(priorities.priorities_for(data.cursor(), area.code)),
    num_rows="dynamic", hide_index=True, key=f"priorities_editor_{area.code}_{version}",
    column_config={
        "number": st.column_config.NumberColumn("number", min_value=1, step=1, required=True),
        "title": st.column_config.TextColumn("title", required=True),
        "metrics": st.column_config.MultiselectColumn("measures", options=list(metrics),
                                                      format_func=lambda m: metrics[m].name if m in metrics else m),
    })
if st.button("Save priority areas"):
    try:
        count = admin.save_priorities(data.cursor(), area.code, edited_plan, set(metrics))
    except priorities.PriorityError as exc:
        st.error(plain(str(exc)))
    else:
        st.session_state["targets_message"] = f"Saved {count} priority area(s) for {area.name}."
        st.rerun()

st.header("How each measure is rated")
st.markdown("Without a target a measure is not rated; the scorecard compares it with England instead. "
            "The rating is always shown in words and with a shape as well as a colour.")
st.dataframe(admin.rag_rules_table(metrics), hide_index=True, key="rules_table")
