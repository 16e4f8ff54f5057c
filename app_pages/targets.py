"""Targets and commentary: an area's targets and trajectories, commentary and exception notes for a
term, the improvement plan's priority areas, and how each measure is rated."""

import streamlit as st

from scorecard import access, commentary, limits, local_returns, periods, priorities, words
from scorecard.importers.base import ImportFailure
from scorecard.text_safety import plain
from scorecard.ui import admin, board_setup_view, data, html_tables, session, widgets
from scorecard.ui.choosers import choose_area, choose_term
from scorecard.ui.widgets import set_title


def show_problems(failure: ImportFailure, what: str) -> None:
    st.error(f"{plain(what)}: {len(failure.issues)} problem(s) found, by row and column below. Nothing was saved.")
    st.dataframe(admin.problems_frame(failure.issues), hide_index=True)


viewer = session.actor()
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
if not admin.any_rated(scorecard):
    st.markdown("No measure is rated yet: set targets below. A measure is rated red, amber or green only "
                "against a target.")
elif len(reds):
    st.warning(f"{len(reds)} red rating(s) need an exception note: cause, action, owner and the term it is "
               "expected back on track. Add them under Commentary below.")
    st.markdown(html_tables.table_html(reds, "Red ratings without an exception note"), unsafe_allow_html=True)
else:
    st.markdown("None: every red rating this term has an exception note.")

st.header("Targets")
TARGETS_INTRO = ("A target is the figure the board is aiming for. It rates the measure red, amber or green on the "
                 "scorecard: green when the target is met or within its **tolerance** (how far short still counts "
                 "as met), amber when off target but within the amber margin, red beyond it. A target can hold "
                 "from a term or year onwards, for one term or year only (a step on a **trajectory**: a planned "
                 "path of targets, term by term), or for every period.")
st.markdown(TARGETS_INTRO)

current = data.area_targets(area.code)
if len(current):
    st.markdown(html_tables.table_html(admin.targets_table(current, metrics), f"Targets set for {area.name}"),
                unsafe_allow_html=True)
else:
    st.markdown(f"No targets are set for {plain(area.name)} yet.")

may_edit = viewer.may(access.TARGETS, area.code)
if not may_edit:
    st.info(plain(admin.read_only_words(viewer, "change targets, commentary or priority areas")),
            icon=":material/visibility:")


def target_forms() -> None:
    """Set a target, remove one, import a targets CSV: for the area's editors and admins."""
    st.subheader("Set a target")
    rated = admin.rated_metric_ids(metrics)
    metric_id = st.selectbox("Measure", rated, index=None, format_func=lambda m: words.measure_choice(metrics[m]),
                             placeholder="Type the measure's short or full name, or choose it", key="target_metric",
                             help="Only measures with a better direction can have a target: demand measures are "
                                  "never rated.")
    if metric_id:
        st.caption(f"**{plain(metrics[metric_id].name)}**. "
                   f"{plain(admin.measure_guide(metrics[metric_id], admin.row_for(scorecard, metric_id)))}")
    kind = st.radio("Which periods the target covers", list(admin.TARGET_KINDS),
                    format_func=admin.TARGET_KINDS.get, key="target_kind")
    round_ = st.session_state.get("target_form_round", 0)  # a new round after each save starts a blank form
    with st.form(f"target_form_{round_}", enter_to_submit=True):
        fields = {}
        example = "For example Autumn 2026/27 (a term), 2024 (a calendar year) or 2024/25 (an academic year)."
        if kind == "range":
            fields["from_period"] = st.text_input("From (the first term or year it applies to)", help=example)
            fields["to_period"] = st.text_input("To (optional: leave blank for no end)", help=example)
        elif kind == "point":
            fields["period"] = st.text_input("Term or year", help=example)
        value = st.number_input("Target", value=None, step=0.1, format="%g",
                                help="The figure the board is aiming for, in the measure's own units (60 for 60%).")
        tolerance = st.number_input("Tolerance (optional): how far short of the target still counts as met",
                                    value=None, min_value=0.0, step=0.1, format="%g",
                                    help="In the measure's own units: percentage points for a percentage. Blank "
                                         "means none.")
        baseline = st.text_input("Baseline period (optional): where progress is measured from", help=example)
        if st.form_submit_button("Save the target", type="primary"):
            try:
                row = admin.target_form_row(kind, metric_id, value, tolerance, baseline_period=baseline, **fields)
                message = data.write(admin.set_target, area.code, row, actor=viewer, metrics=metrics)
            except (admin.TargetFormError, access.AccessRefused) as exc:
                st.error(plain(str(exc)))
            else:
                st.session_state["targets_message"] = message
                st.session_state["target_form_round"] = round_ + 1
                st.rerun()

    if len(current):
        st.subheader("Remove a target")
        choices = admin.target_choices(current, metrics)
        with st.form("remove_target_form"):
            chosen = st.selectbox("Target to remove", list(choices), index=None,
                                  placeholder="Type or choose a target")
            if st.form_submit_button("Remove this target"):
                if chosen is None:
                    st.error("Nothing was removed: choose the target to remove.")
                else:
                    st.session_state["targets_message"] = data.write(
                        admin.remove_target, area.code, choices[chosen], actor=viewer, described=chosen)
                    st.rerun()

    with st.expander("Import targets from a CSV file"):
        st.markdown("Columns: `area, metric, period` (or `from_period, to_period`), `target, tolerance`, and "
                    "optionally `baseline_period`. `period` is a single term or year (a step on a trajectory); "
                    "`from_period` and `to_period` give a range, either end left blank for open. `tolerance` is "
                    "how far short of the target still counts as met. Each row replaces any target for the same "
                    "area, measure and periods.")
        example_terms = local_returns.default_terms(term.end, count=3)
        st.download_button("Download an example targets CSV",
                           admin.targets_example_csv(area, list(metrics.values()), example_terms),
                           file_name=f"targets_example_{area.code}.csv", mime="text/csv")
        targets_file = st.file_uploader("Targets CSV", type=["csv"], key="targets_upload")
        if targets_file is not None and st.button("Import the targets"):
            try:
                message = data.write(admin.import_targets, targets_file.name, targets_file.getvalue(),
                                     actor=viewer)
            except ImportFailure as failure:
                show_problems(failure, f"{targets_file.name} was not imported")
            except access.AccessRefused as refusal:
                st.error(plain(str(refusal)))
                if getattr(refusal, "issues", None):
                    st.dataframe(admin.problems_frame(refusal.issues), hide_index=True)
            else:
                st.session_state["targets_message"] = message
                st.rerun()


def commentary_form(metric_id: str, red: bool) -> None:
    """Commentary, and an exception note for a red rating, written as the signed-in person."""
    with st.form("commentary_form", clear_on_submit=True):
        text = st.text_area(f"Commentary for {term.describe()}", max_chars=limits.MAX_COMMENTARY_CHARS)
        st.caption(plain(f"Saved as written by {viewer.label}."))
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
                message = data.write(admin.save_commentary, area.code, metric_id, term, text, viewer,
                                                internal=internal, **fields)
            except (commentary.CommentaryError, periods.PeriodError, access.AccessRefused) as exc:
                st.error(plain(str(exc)))
            else:
                st.session_state["targets_message"] = message
                st.rerun()


def priorities_editor() -> None:
    edited_plan = st.data_editor(
        admin.priorities_editor_frame(priorities.priorities_for(data.cursor(), area.code)),
        num_rows="dynamic", hide_index=True, key=f"priorities_editor_{area.code}_{version}",
        column_config={
            "number": st.column_config.NumberColumn("number", min_value=1, step=1, required=True),
            "title": st.column_config.TextColumn("title", required=True),
            "metrics": st.column_config.MultiselectColumn("measures", options=list(metrics),
                                                          format_func=lambda m: (words.measure_choice(metrics[m])
                                                                                 if m in metrics else m)),
        })
    if st.button("Save priority areas"):
        try:
            count = data.write(admin.save_priorities, area.code, edited_plan, set(metrics), viewer)
        except (priorities.PriorityError, access.AccessRefused) as exc:
            st.error(plain(str(exc)))
        else:
            st.session_state["targets_message"] = f"Saved {count} priority area(s) for {area.name}."
            st.rerun()


if may_edit:
    target_forms()

st.header("Commentary and exception notes")
on_card = [r.metric.id for r in scorecard.rows]
if not on_card:
    st.markdown("No measures on the scorecard for this area and term yet.")
else:
    wanted = st.query_params.get("metric")
    metric_id = st.selectbox("Measure to comment on", on_card, index=on_card.index(wanted) if wanted in on_card else 0,
                             format_func=lambda m: words.measure_choice(metrics[m]), key="commentary_metric")
    row = admin.row_for(scorecard, metric_id)
    st.markdown(f"**{plain(metrics[metric_id].name)}**: {plain(admin.rating_words(row))}")
    if viewer.may(access.COMMENTARY, area.code):
        commentary_form(metric_id, admin.is_red(row))
    previous = commentary.history(data.cursor(), area.code, metric_id)
    if len(previous):
        st.markdown("Earlier commentary on this measure:")
        st.dataframe(previous, hide_index=True, key="commentary_history")

st.header("Priority areas")
st.markdown("The improvement plan's priority areas, numbered, with the measures under each. The scorecard "
            "groups its rows by them; measures not mapped fall under their theme.")
if viewer.may(access.PRIORITIES, area.code):
    priorities_editor()
else:
    plan = admin.priorities_editor_frame(priorities.priorities_for(data.cursor(), area.code))
    if len(plan):
        st.markdown(html_tables.table_html(plan.assign(metrics=[", ".join(metrics[m].name if m in metrics else m
                                                                           for m in ms) for ms in plan["metrics"]]),
                                           f"Priority areas for {area.name}"), unsafe_allow_html=True)
    else:
        st.markdown("No priority areas are set for this area.")

if may_edit:
    board_setup_view.show(area, metrics, version, viewer)

st.header("How each measure is rated")
st.markdown("Without a target a measure is not rated; the scorecard compares it with England instead. "
            "The rating is always shown in words and with a shape as well as a colour.")
rules = admin.rag_rules_table(metrics)
with st.expander(f"The rule for each of the {len(rules)} measures"):
    st.markdown(html_tables.table_html(rules, "How each measure is rated"), unsafe_allow_html=True)

widgets.words_used([TARGETS_INTRO, *rules["measure"], *rules["how it is rated"]])
