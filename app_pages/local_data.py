"""Local returns: upload a return, check it in full, preview the changes, then confirm; download the
template or an example; load the illustrative sample; define the board's own metrics."""

import streamlit as st

from scorecard import access, ingest, local_returns, store, template, words
from scorecard.importers.base import ImportFailure, SourceFile
from scorecard.register import THEME_TITLES, RegisterError
from scorecard.limits import MAX_METRIC_DESCRIPTION_CHARS, MAX_METRIC_NAME_CHARS
from scorecard.text_safety import plain
from scorecard.ui import admin, data, session, undo_view, widgets
from scorecard.ui.choosers import choose_area, choose_term
from scorecard.ui.widgets import csv_bytes, set_title


def undo_button(batch_id: int, key: str) -> None:
    """Undo a batch, after saying what it removes and asking once more (undo_view)."""
    if not admin.may_undo(data.cursor(), viewer, batch_id):
        return
    if undo_view.pending(key) == batch_id:
        undo_view.ask(batch_id, key, "local_message", viewer)
    elif st.button(f"Undo batch {batch_id}…", key=key):
        undo_view.start(key, batch_id)


def show_refusal(refusal: access.AccessRefused) -> None:
    """A return with rows for areas this person may not change: why, row by row; nothing written."""
    st.error(plain(str(refusal)), icon=":material/block:")
    issues = getattr(refusal, "issues", [])
    if issues:
        st.dataframe(admin.problems_frame(issues), hide_index=True, key="refused_rows")


viewer = session.actor()
area = choose_area()
term = choose_term()
set_title(area.name, "Local returns")
metrics = data.metrics()
st.title("Local returns")
INTRO = ("Termly figures come from the local authority's own return. Upload the filled-in Excel template, or a "
         "CSV in the long format (one row per figure: `area, metric, period, value` or `numerator` and "
         "`denominator`, with optional `status` and `note`). Every row is checked first; if anything is wrong, "
         "every problem is listed and nothing is written. Each imported file is kept as one **batch**: its "
         "figures together, so undoing the batch removes them all and brings back whatever they replaced.")
st.markdown(INTRO)
if "local_message" in st.session_state:
    st.success(plain(st.session_state.pop("local_message")))

st.header("Upload a return")
may_upload = viewer.role in (access.EDITOR, access.ADMIN)
if may_upload:
    if viewer.role == access.EDITOR:
        st.markdown(plain(admin.editor_areas_words(viewer, data.areas())))
    upload = st.file_uploader("Return file (CSV or Excel template)", type=["csv", "xlsx"], key="return_upload")
else:
    upload = None
    st.info(plain(admin.read_only_words(viewer, "upload a return")), icon=":material/visibility:")
if upload is not None:
    content = upload.getvalue()
    try:
        plan = admin.read_upload(data.cursor(), upload.name, content, viewer)
    except access.AccessRefused as refusal:  # checked before the file is read at all
        recorded = f"refusal_recorded_{SourceFile(upload.name, content).sha256}"
        if recorded not in st.session_state:  # once per file, not on every rerun of the page
            data.write(admin.record_refusal, refusal, upload.name)
            st.session_state[recorded] = True
        show_refusal(refusal)
    except ImportFailure as failure:
        recorded = f"file_refusal_recorded_{SourceFile(upload.name, content).sha256}"
        if recorded not in st.session_state:  # once per file, not on every rerun of the page
            data.record_refusal(admin.record_file_refused, viewer, upload.name, failure)
            st.session_state[recorded] = True
        st.error(f"{plain(upload.name)} cannot be imported: {len(failure.issues)} problem(s) found. Nothing was written. "
                 "Correct the file and upload it again.")
        problems = admin.problems_frame(failure.issues)
        st.dataframe(problems, hide_index=True, key="problems_table")
        st.download_button("Download the problems (CSV)", csv_bytes(problems),
                           file_name="return_problems.csv", mime="text/csv")
    else:
        existing = store.committed_batch_for(data.cursor(), SourceFile(upload.name, content).sha256)
        refused = admin.refused_rows(data.cursor(), plan, viewer)
        if refused is not None:
            recorded = f"refusal_recorded_{SourceFile(upload.name, content).sha256}"
            if recorded not in st.session_state:  # once per file, not on every rerun of the page
                data.record_refusal(admin.record_refusal, refused, upload.name)
                st.session_state[recorded] = True
            show_refusal(refused)
        elif existing is not None:
            st.info(f"{plain(upload.name)} has been imported as batch {existing}. The scorecard shows its figures.")
            undo_button(existing, "undo_upload")
        else:
            preview = ingest.preview(data.cursor(), plan)
            st.subheader(plain(f"Preview of {upload.name}"))
            st.markdown(admin.preview_words(preview))
            for change, table in admin.preview_tables(preview, metrics, data.areas()).items():
                with st.expander(f"{admin.PREVIEW_HEADINGS[change]}: {len(table)}", expanded=change != "unchanged"):
                    st.dataframe(table, hide_index=True, key=f"preview_{change}")
            if plan.warnings:
                st.warning("Warnings (the file can still be imported):")
                st.dataframe(admin.problems_frame(plan.warnings), hide_index=True, key="warnings_table")
            if st.button("Confirm and import", type="primary"):
                try:
                    result = data.write(ingest.commit, plan, actor=viewer, seen=preview)
                except access.AccessRefused as refusal:
                    show_refusal(refusal)
                else:
                    st.session_state["local_message"] = admin.commit_words(result)
                    st.rerun()

st.header("Download the template")
st.markdown(f"An Excel return for **{plain(area.name)}**: a row per measure, a column per term, and a sheet of "
            "definitions. Fill it in and upload it above.")
local = local_returns.local_metrics(metrics)
chosen_metrics = st.multiselect("Measures in the template", list(metrics), default=[m.id for m in local],
                                format_func=lambda m: words.measure_choice(metrics[m]), key="template_metrics")
term_choices = {p.label: p for p in local_returns.default_terms(term.end, count=6)}
chosen_terms = st.multiselect("Terms in the template", list(term_choices), default=list(term_choices)[-3:],
                              key="template_terms")
if chosen_metrics and chosen_terms:
    picked_metrics = [metrics[m] for m in chosen_metrics]
    picked_terms = [term_choices[t] for t in chosen_terms]
    st.download_button(plain(f"Download the Excel template for {area.name}"),
                       template.build_template(picked_metrics, area, picked_terms),
                       file_name=f"return_{area.code}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.download_button("Download an example in the long CSV format",
                       admin.long_format_example(area, picked_metrics, picked_terms),
                       file_name=f"return_example_{area.code}.csv", mime="text/csv")
else:
    st.markdown("Choose at least one measure and one term to download the template.")

st.header("Illustrative sample return")
sample_batch = store.committed_batch_for(data.cursor(), SourceFile.from_path(local_returns.SAMPLE_RETURN).sha256)
st.markdown("A made-up return for Plymouth, to see how termly figures, targets and ratings look. **Every figure in "
            "it is illustrative, not Plymouth's data**, and is marked so on the scorecard. Undo removes it.")
if sample_batch is None:
    if viewer.may(access.LOCAL_RETURN, local_returns.SAMPLE_AREA) and st.button("Load the illustrative sample return"):
        result = data.write(local_returns.load_sample, actor=viewer)
        st.session_state["local_message"] = "Illustrative sample loaded. " + admin.commit_words(result)
        st.rerun()
else:
    st.info(f"The illustrative sample is loaded (batch {sample_batch}).")
    undo_button(sample_batch, "undo_sample")

st.header("The board's own measures")
st.markdown("A measure that no national list has, defined here once and then used in returns at once.")
board = admin.board_metrics_table(metrics)
if len(board):
    st.dataframe(board, hide_index=True, key="board_metrics_table")
if not viewer.may(access.BOARD_METRICS):
    st.markdown("An admin defines the board's own measures.")
    widgets.words_used([INTRO, *(m.name for m in metrics.values())])
    st.stop()
with st.form("board_metric", clear_on_submit=False):
    name = st.text_input("Name", help="For example: Supported internships with employment outcomes",
                         max_chars=MAX_METRIC_NAME_CHARS)
    metric_id = st.text_input("Id (optional)", help="Lower-case letters, digits and underscores. "
                              "Left blank, it is made from the name.")
    unit = st.selectbox("Unit", admin.BOARD_METRIC_CHOICES["unit"])
    polarity = st.selectbox("Which direction is better", admin.BOARD_METRIC_CHOICES["polarity"],
                            format_func=lambda p: admin.POLARITY_WORDS[p])
    decimals = st.number_input("Decimal places", min_value=0, max_value=4, value=1, step=1)
    theme = st.selectbox("Theme", admin.BOARD_METRIC_CHOICES["theme"], format_func=lambda t: THEME_TITLES[t])
    description = st.text_area("Description", help="What is counted, and how.",
                               max_chars=MAX_METRIC_DESCRIPTION_CHARS)
    if st.form_submit_button("Add the measure"):
        try:
            added = data.write(admin.add_board_metric, viewer, name=name, unit=unit, polarity=polarity,
                                           decimals=int(decimals), description=description, theme=theme,
                                           metric_id=metric_id)
        except (RegisterError, access.AccessRefused) as exc:
            st.error(plain(str(exc)))
        else:
            st.session_state["local_message"] = (f"Added {added.name} ({added.id}). It can be used in a return "
                                                  "now, and is in the template.")
            st.rerun()

widgets.words_used([INTRO, *(m.name for m in metrics.values())])
