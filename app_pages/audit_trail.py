"""The audit trail, for admins: every change to the store and every change refused, newest first,
filtered by date, person, kind of change and outcome, with a CSV download. Read only: nothing here
edits or deletes the trail."""

from datetime import date, timedelta

import streamlit as st

from scorecard import audit
from scorecard.text_safety import plain
from scorecard.ui import data, html_tables, session
from scorecard.ui.widgets import APP_NAME, csv_bytes

SHOWN_ROWS = 500  # the newest on the page; the CSV holds every row the filters choose

st.set_page_config(page_title=f"Audit trail – {APP_NAME}")
viewer = session.actor()
st.title("Audit trail")
st.markdown("Every change to the figures, targets, commentary, exception notes, priority areas and board measures, "
            "and every change refused: who, when, what, and the old and new values. Nobody can edit or delete it "
            "here or from the command line (`scorecard audit` prints it).")

con = data.cursor()
everything = audit.events_for(con, viewer)
filters = st.columns(4)
since = filters[0].date_input("On or after", value=date.today() - timedelta(days=90), format="DD/MM/YYYY",
                              key="audit_since")
user = filters[1].selectbox("Who", [None, *sorted(set(everything["who"]))], format_func=lambda u: u or "Everyone",
                            key="audit_user")
kind = filters[2].selectbox("What", [None, *sorted(set(everything["action"]))],
                            format_func=lambda k: k or "Every kind of change", key="audit_kind")
outcome = filters[3].selectbox("Outcome", [None, audit.DONE, audit.REFUSED],
                               format_func=lambda o: {None: "Done or refused", audit.DONE: "Done",
                                                      audit.REFUSED: "Refused"}[o], key="audit_outcome")
chosen = audit.events_for(con, viewer, since=since, user=user, action=kind, outcome=outcome)
table = audit.people_table(chosen)
st.markdown(plain(f"{len(table):,} change(s) chosen, newest first"
                  + (f"; the newest {SHOWN_ROWS} shown here, and all of them in the CSV." if len(table) > SHOWN_ROWS
                     else ".")))
st.download_button("Download the audit trail (CSV)", csv_bytes(table), file_name=f"audit_trail_{date.today()}.csv",
                   mime="text/csv", key="audit_download", icon=":material/download:")
if len(table):
    st.markdown(html_tables.table_html(table.head(SHOWN_ROWS), "Audit trail", row_headers=False),
                unsafe_allow_html=True)
