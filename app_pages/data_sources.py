"""Data and sources: what the store holds, where it came from, under what licence, whether it may be
out of date; the import batches (with undo) and their data-quality warnings; the metric register; and
a glossary of the words the dashboard uses."""

from datetime import date

import streamlit as st

from scorecard import access, sources_info
from scorecard.register import LICENCE_ATTRIBUTION
from scorecard.text_safety import plain
from scorecard.ui import admin, data, html_tables, inspection_view, session, undo_view
from scorecard.ui.widgets import APP_NAME, csv_bytes


OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def table_with_download(frame, file_name: str, label: str, key: str, **options) -> None:
    st.dataframe(frame, hide_index=True, key=f"{key}_table", **options)
    st.download_button(f"Download {label} (CSV)", csv_bytes(frame),
                       file_name=file_name, mime="text/csv", key=f"{key}_csv")


st.set_page_config(page_title=f"Data and sources – {APP_NAME}")
viewer = session.actor()
st.title("Data and sources")
today = date.today()
sources = data.sources()
st.markdown(f"{admin.as_at_words(data.batches())} "
            "Every figure keeps the release it came from, so revisions and undo never lose history.")

if "undo_message" in st.session_state:
    st.success(plain(st.session_state.pop("undo_message")))

st.header("Is the store up to date?")
statuses = sources_info.publication_status(sources, today, data.inspections_to())
overdue = sources_info.out_of_date(sources, today)
if overdue:
    st.warning(f"**{len(overdue)} of {len(statuses)} publications may be out of date** "
               f"(as at {today:%d %B %Y}): a newer release was expected after the one in the store.")
for s in statuses:
    marker = "⚠️ " if s.status == sources_info.OVERDUE else ""
    st.markdown(f"- {marker}{plain(s.words)}")

st.header("Sources in the store")
st.markdown(f"{LICENCE_ATTRIBUTION} See the [Open Government Licence v3.0]({OGL}). "
            "Local returns belong to the authority that made them: check with it before publishing.")
releases = sources_info.releases_table(sources, today)
table_with_download(releases, "sources.csv", "the list of sources", "sources",
                    column_config={"url": st.column_config.LinkColumn("link"),
                                   "current_figures": st.column_config.NumberColumn("current figures"),
                                   "all_figures": st.column_config.NumberColumn("all figures, with history"),
                                   "next_expected": "next release expected"})

inspection_view.show_history()

st.header("Import batches")
st.markdown("Each imported file is kept as one **batch**: its figures together, written all at once. Undoing a "
            "batch removes its figures and brings back whatever they replaced. The seed (the published figures "
            "the dashboard starts with, loaded by `scorecard init`) is not undone here.")
batches = admin.batches_table(data.batches())
table_with_download(admin.batches_for(batches, viewer), "import_batches.csv", "the list of batches", "batches")
choices = admin.undoable(data.batches()) if viewer.may(access.UNDO) else []
if choices:
    waiting = undo_view.pending("undo_batch")
    if waiting is not None:
        undo_view.ask(waiting, "undo_batch", "undo_message", viewer)
    else:
        with st.form("undo_batch"):
            # Nothing is chosen until someone chooses: one click must never undo the newest batch.
            batch_id = st.selectbox("Batch to undo", choices, index=None, placeholder="Choose a batch",
                                    format_func=lambda b: (
                                        f"Batch {b}: {batches.loc[batches['batch'] == b, 'file_name'].iloc[0]}"))
            if st.form_submit_button("Undo this batch…"):
                if batch_id is None:
                    st.error("Nothing was undone: choose the batch to undo first.")
                else:
                    undo_view.start("undo_batch", int(batch_id))
elif viewer.may(access.UNDO):
    st.markdown("No batch can be undone here: only the seed has been imported.")
elif viewer.is_signed_in:
    st.markdown("An admin undoes imports here; an editor undoes their own area's returns on the Local returns page.")

st.header("Data-quality warnings")
st.markdown("Problems the importers found and worked around, kept with each batch: for example an LA number "
            "that does not match the LA's name in the Ministry of Justice tables, matched instead by name.")
issues = data.batch_issues()
if len(issues):
    table_with_download(issues, "data_quality_warnings.csv", "the warnings", "issues")
else:
    st.markdown("No warnings were recorded.")

st.header("Metric register")
st.markdown("What each measure means, its unit, which direction is better, how often it is published, "
            "and where its series breaks.")
register = admin.register_table(data.metrics())
table_with_download(register, "metric_register.csv", "the register", "register")
register_changes = data.register_changes()
if len(register_changes):
    st.subheader("Changes to the register")
    st.warning(plain(data.register_changes_sentence()), icon=":material/rule:")
    table_with_download(register_changes, "register_changes.csv", "the changes to the register", "register_changes")

st.header("Glossary")
st.markdown("The words and abbreviations the dashboard and its packs use.")
st.markdown(html_tables.table_html(admin.glossary_table(), "Glossary"), unsafe_allow_html=True)
