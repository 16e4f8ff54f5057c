"""Page tier for the board and data pages (Local returns, Targets and commentary, Data and sources,
Accessibility statement): each opens through Streamlit's AppTest on the seeded store for Plymouth,
Cumberland, the Isles of Scilly and England, and the upload -> preview -> confirm -> target ->
commentary -> scorecard path runs end to end. Then the pure helpers behind the pages."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from scorecard import (accessibility, card, errors, ingest, local_returns, periods, priorities, queries, store,
                       targets, template, words)
from scorecard.areas import AreaIndex
from scorecard.importers import targets_csv
from scorecard.importers.base import SourceFile
from scorecard.register import RegisterError, metrics_from_store
from scorecard.ui import admin, session

from ..rendered import html_tables, markdown_sources, shown

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PLYMOUTH, CUMBERLAND, SCILLY, ENGLAND = "E06000026", "E06000063", "E06000053", "E92000001"
AREAS = {PLYMOUTH: "Plymouth", CUMBERLAND: "Cumberland", SCILLY: "Isles of Scilly", ENGLAND: "England"}
TERM = "Autumn 2026/27"
PAGES = ("local_data", "targets", "data_sources", "accessibility")


def _import_targets(con, source) -> int:
    """A targets CSV through the one import path: every row checked, then written as one batch."""
    return ingest.import_source(con, source, actor=ADMIN, expect=targets_csv.FORMAT).added


@pytest.fixture
def open_page(db_path, monkeypatch):
    """Run a page with AppTest on this test's own copy of the store."""
    monkeypatch.setenv("SCORECARD_DB", str(db_path))
    # The dashboard caches its connection and query results per process: start each test afresh.
    st.cache_resource.clear()
    st.cache_data.clear()

    def run(page: str, area: str = PLYMOUTH, term: str = TERM) -> AppTest:
        # "app" is the whole app through its router, which opens on the Scorecard page.
        path = "../../app.py" if page == "app" else f"../../app_pages/{page}.py"
        at = AppTest.from_file(path, default_timeout=90)
        at.query_params["area"] = area
        at.query_params["term"] = term
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        # app.py's error boundary turns a failure into a sentence: that is a failure here too.
        assert not [e.value for e in at.error if e.value.startswith(errors.PAGE_FAILURE)], [e.value for e in at.error]
        return at

    yield run
    st.cache_resource.clear()
    st.cache_data.clear()


def _button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return matches[0]


def _set_target(at: AppTest, metric_id: str | None, kind: str, target=None, tolerance=None, **fields) -> None:
    """Fill in the Set a target form as a user does (fields by their labels) and save it."""
    if metric_id:
        at.selectbox(key="target_metric").select(metric_id).run()
    at.radio(key="target_kind").set_value(kind).run()
    for label, value in fields.items():
        [t for t in at.text_input if t.label == label][0].input(value)
    if target is not None:
        [n for n in at.number_input if n.label == "Target"][0].set_value(target)
    if tolerance is not None:
        [n for n in at.number_input if n.label.startswith("Tolerance")][0].set_value(tolerance)
    _button(at, "Save the target").click().run()


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    parts += [e.value for kind in (at.success, at.info, at.warning, at.error) for e in kind]
    parts += [h.value for kind in (at.title, at.header, at.subheader) for h in kind]
    return "\n".join(shown(str(p)) for p in parts)


def _frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def _html_table(at: AppTest, caption: str) -> pd.DataFrame:
    """A table the page wrote as HTML, found by its caption, as a frame of cell texts."""
    found = [t for source in markdown_sources(at) for t in html_tables(source) if t["caption"] == caption]
    assert found, f"no HTML table captioned {caption!r}"
    head, *rows = found[0]["rows"]
    return pd.DataFrame([[c["text"] for c in r] for r in rows], columns=[c["text"] for c in head])


def _page_text(at: AppTest) -> str:
    """Everything the page says: its Markdown and HTML, widget labels, and its canvas tables' cells."""
    parts = [shown(s) for s in markdown_sources(at)]
    parts += [" ".join(str(v) for v in f.astype(str).to_numpy().ravel()) + " " + " ".join(map(str, f.columns))
              for f in _frames(at)]
    return "\n".join(parts)


def _frame_with(at: AppTest, column: str) -> pd.DataFrame:
    found = [f for f in _frames(at) if column in f.columns]
    assert found, f"no table with a {column!r} column"
    return found[0]


def _count_values(con) -> int:
    return con.execute("SELECT count(*) FROM metric_value").fetchone()[0]


# ---------------------------------------------------------------------------------------------
# Every page opens for every edge area


@pytest.mark.parametrize("area", list(AREAS))
@pytest.mark.parametrize("page", PAGES)
def test_page_opens_for_each_edge_area(open_page, page, area):
    at = open_page(page, area=area)
    text = _texts(at)
    if page in ("local_data", "targets"):
        assert AREAS[area] in text, f"{page} should name the chosen area"
        assert at.query_params["area"] == area
    if page == "local_data":
        assert f"An Excel return for **{AREAS[area]}**" in text
        assert any(b.label == f"Download the Excel template for {AREAS[area]}" for b in at.get("download_button"))
    if page == "targets":
        rules = _html_table(at, "How each measure is rated")
        assert "Not rated: a context measure" in " ".join(rules["how it is rated"])
        assert set(rules["better direction"]) == {"higher", "lower", "neither (context)"}
    if page == "data_sources":
        assert "Education, health and care plans, reporting year 2025" in set(_frame_with(at, "covers")["title"])
    if page == "accessibility":
        assert at.title[0].value == "Accessibility statement for SEND Scorecard"


def test_targets_page_says_nothing_is_rated_until_targets_are_set(open_page):
    at = open_page("targets", area=CUMBERLAND)
    text = _texts(at)
    assert "No measure is rated yet: set targets below." in text
    assert "every red rating" not in text


# ---------------------------------------------------------------------------------------------
# Data and sources


def test_data_page_shows_sources_licence_freshness_batches_warnings_and_register(open_page):
    at = open_page("data_sources")
    text = _texts(at)
    assert "Open Government Licence v3.0" in text
    assert "publications may be out of date" in text
    assert "expected in June 2026, so these figures may be out of date" in text
    # How far the inspection data runs, so an old inspection never reads as the current position.
    assert "Ofsted (with CQC), Area SEND inspection outcomes: Ofsted data to November 2023" in text
    assert "month not recorded" not in text  # a release whose month is unknown: "released in 2026"
    releases = _frame_with(at, "covers")
    row = releases[releases["title"] == "Education, health and care plans, reporting year 2025"].iloc[0]
    assert row["covers"] == "January 2019 to January 2025" and row["licence"] == "Open Government Licence v3.0"
    batches = _frame_with(at, "can_undo")
    assert list(batches["format"]) == ["seed"] and not batches["can_undo"].any()
    issues = _frame_with(at, "severity")
    assert issues["message"].str.contains("LA number").any()
    register = _frame_with(at, "series_breaks")
    ehcp = register[register["id"] == "ehcp_20wk_pct"].iloc[0]
    assert ehcp["unit"] == "%" and ehcp["better"] == "higher" and ehcp["cadence"]
    labels = [b.label for b in at.get("download_button")]
    for wanted in ("the list of sources", "the list of batches", "the warnings", "the register"):
        assert f"Download {wanted} (CSV)" in labels
    assert not [b for b in at.get("form_submit_button") if b.label.startswith("Undo this batch")], \
        "the seed is not undone from the page"


def test_data_page_undoes_a_batch_only_when_chosen_and_confirmed(open_page, con):
    """Issue 18: the chooser was pre-set to the newest batch, and one click removed 14 targets and every
    rating. Nothing is chosen until someone chooses; then the page says what will go and asks again."""
    result = local_returns.load_sample(con, actor=ADMIN)
    at = open_page("data_sources")
    undo = [s for s in at.selectbox if s.label == "Batch to undo"][0]
    assert undo.value is None  # nothing pre-selected
    _submit(at, "Undo this batch…")
    assert "choose the batch to undo first" in _texts(at)
    assert queries.batches(con).set_index("batch").loc[result.batch_id, "status"] == "committed"

    [s for s in at.selectbox if s.label == "Batch to undo"][0].select(result.batch_id)
    _submit(at, "Undo this batch…")
    asked = " ".join(shown(w.value) for w in at.warning)
    assert (f"Undo batch {result.batch_id}: 64 figures for Plymouth, imported by " in asked
            and "(sample_return_plymouth.csv)?" in asked)
    assert queries.batches(con).set_index("batch").loc[result.batch_id, "status"] == "committed", "asked, not done"
    _button(at, "No, keep it").click().run()
    assert queries.batches(con).set_index("batch").loc[result.batch_id, "status"] == "committed"

    [s for s in at.selectbox if s.label == "Batch to undo"][0].select(result.batch_id)
    _submit(at, "Undo this batch…")
    _button(at, f"Yes, undo batch {result.batch_id}").click().run()
    assert f"Batch {result.batch_id}" in " ".join(shown(s.value) for s in at.success)
    assert queries.batches(con).set_index("batch").loc[result.batch_id, "status"] == "undone"


def _submit(at: AppTest, label: str) -> None:
    found = [b for b in at.get("form_submit_button") if b.label == label]
    assert found, f"no form button {label!r}"
    found[0].click().run()


# ---------------------------------------------------------------------------------------------
# Local returns: refuse with every problem; preview; confirm; undo


def test_a_bad_return_lists_every_problem_and_writes_nothing(open_page, con):
    before = _count_values(con)
    at = open_page("local_data")
    bad = ("area,metric,period,value\n"
           "E06000026,ehcp_20wk_term_pct,Autumn 2026/27,0.5\n"
           "Narnia,no_such_metric,Winter 2025,ninety\n").encode()
    at.file_uploader[0].set_value(("bad.csv", bad, "text/csv")).run()
    assert not at.exception
    assert "cannot be imported: 4 problem(s) found. Nothing was written." in shown(at.error[0].value)
    problems = _frame_with(at, "message")
    assert list(problems.columns) == admin.PROBLEM_COLUMNS
    found = set(zip(problems["row"], problems["column"]))
    assert found == {("2", "value"), ("3", "area"), ("3", "metric"), ("3", "period")}
    assert not [b for b in at.button if b.label == "Confirm and import"]
    assert _count_values(con) == before
    at.run()  # the page runs again on every click: the refusal is recorded once
    refused = con.execute("SELECT action, who, detail FROM audit_event WHERE outcome = 'refused' AND subject = 'bad.csv'"
                          ).fetchall()
    assert len(refused) == 1, refused
    action, who, detail = refused[0]
    assert action == "import" and who.startswith("dashboard (") and detail.startswith("4 problem(s), nothing written")


def _plymouth_return() -> bytes:
    return ("area,metric,period,value,numerator,denominator,status,note\n"
            "E06000026,ehcp_20wk_term_pct,Summer 2025/26,40.0,48,120,,\n"
            "E06000026,ehcp_20wk_term_pct,Autumn 2026/27,45.0,54,120,,Panel capacity improved\n"
            "E06000026,perm_staff_pct,Autumn 2026/27,91,,,,\n").encode()


def _termly_value(con):
    """Plymouth's termly 20-week figure on the scorecard (None when there is none)."""
    row = admin.row_for(card.build(con, PLYMOUTH, TERM), "ehcp_20wk_term_pct")
    return None if row is None else row.value


def test_upload_previews_then_confirm_commits_and_undo_removes(open_page, con):
    at = open_page("local_data")
    at.file_uploader[0].set_value(("plymouth_autumn.csv", _plymouth_return(), "text/csv")).run()
    assert "This file would add 3 new, 0 revised, 0 unchanged figures. Nothing has been written yet." in _texts(at)
    added = _frame_with(at, "new")
    assert set(added["period"]) == {"Summer 2025/26", "Autumn 2026/27"}
    assert set(added["area"]) == {"Plymouth"}
    assert queries.batches(con)["file_name"].tolist() == ["seed (seed/values.csv.gz)"], "a preview writes nothing"

    _button(at, "Confirm and import").click().run()
    batch = int(queries.batches(con)["batch"].max())
    assert f"Imported as batch {batch}: 3 new, 0 revised, 0 unchanged figures." in _texts(at)
    assert f"plymouth_autumn.csv has been imported as batch {batch}" in _texts(at)
    row = admin.row_for(card.build(con, PLYMOUTH, TERM), "ehcp_20wk_term_pct")
    assert row.value == 45.0 and row.previous == 40.0 and row.status == "local"

    _button(at, f"Undo batch {batch}…").click().run()
    assert "3 figures for Plymouth" in _texts(at) and _termly_value(con) == 45.0  # asked first, not yet done
    _button(at, f"Yes, undo batch {batch}").click().run()
    assert f"Batch {batch} (plymouth_autumn.csv) undone" in _texts(at)
    assert _termly_value(con) is None


def test_a_revised_return_shows_old_and_new_side_by_side(open_page, con):
    first = SourceFile("first.csv", _plymouth_return())
    ingest.import_source(con, first, actor=ADMIN)
    revised = _plymouth_return().replace(b"45.0,54,120", b"47.5,57,120")
    at = open_page("local_data")
    at.file_uploader[0].set_value(("revised.csv", revised, "text/csv")).run()
    assert "This file would add 0 new, 1 revised, 2 unchanged figures" in _texts(at)
    changed = [f for f in _frames(at) if "old" in f.columns][0]
    assert changed.iloc[0][["period", "old", "new"]].tolist() == ["Autumn 2026/27", "45", "47.5"]


def test_the_sample_loads_labelled_illustrative_and_undo_removes_it(open_page, con):
    at = open_page("local_data")
    assert "Every figure in it is illustrative, not Plymouth's data" in _texts(at)
    _button(at, "Load the illustrative sample return").click().run()
    batch = int(queries.batches(con)["batch"].max())
    assert "Illustrative sample loaded" in _texts(at) and f"(batch {batch})" in _texts(at)
    row = admin.row_for(card.build(con, PLYMOUTH, TERM), "ehcp_20wk_term_pct")
    assert row.status == "illustrative" and "Illustrative figures, not real data" in row.flags
    _button(at, f"Undo batch {batch}…").click().run()
    _button(at, f"Yes, undo batch {batch}").click().run()
    assert any(b.label == "Load the illustrative sample return" for b in at.button)
    assert _termly_value(con) is None


def test_a_board_metric_is_defined_on_the_page(open_page, con):
    at = open_page("local_data")
    at.text_input[0].input("Supported internships with employment outcomes")
    [s for s in at.selectbox if s.label == "Unit"][0].select("%")
    [s for s in at.selectbox if s.label == "Which direction is better"][0].select("higher")
    at.text_area[0].input("Share of young people finishing a supported internship who go into paid work.")
    _button(at, "Add the measure").click().run()
    assert "Added Supported internships with employment outcomes" in _texts(at)
    metric = metrics_from_store(con)["supported_internships_with_employment_outcomes"]
    assert metric.origin == "board" and metric.unit == "%" and not metric.national
    board = [f for f in _frames(at) if "better" in f.columns and "id" in f.columns][0]
    assert board["id"].tolist() == ["supported_internships_with_employment_outcomes"]

    at.text_input[0].input("New EHC plans")
    at.text_input[1].input("ehcp_20wk_pct")
    _button(at, "Add the measure").click().run()
    assert "already in the metric register" in shown(at.error[0].value)


# ---------------------------------------------------------------------------------------------
# The full loop: template -> upload -> confirm -> target -> commentary -> scorecard


def _filled_template(con) -> bytes:
    metrics = metrics_from_store(con)
    area = AreaIndex.from_store(con).get(PLYMOUTH)
    terms = [periods.parse("Summer 2025/26"), periods.parse(TERM)]
    wb = openpyxl.load_workbook(io.BytesIO(template.build_template(
        [metrics["ehcp_20wk_term_pct"], metrics["perm_staff_pct"]], area, terms)))
    ws = wb[template.SHEET]
    ws.cell(template.FIRST_ROW, template.FIRST_TERM_COL, 40)
    ws.cell(template.FIRST_ROW, template.FIRST_TERM_COL + 1, 45)
    ws.cell(template.FIRST_ROW + 1, template.FIRST_TERM_COL + 1, 91)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_full_loop_template_upload_target_commentary_scorecard(open_page, con):
    at = open_page("local_data")
    at.file_uploader[0].set_value(("plymouth_return.xlsx", _filled_template(con),
                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert "This file would add 3 new" in _texts(at)
    _button(at, "Confirm and import").click().run()
    assert "Imported as batch" in _texts(at)

    at = open_page("targets")
    _set_target(at, "ehcp_20wk_term_pct", "range", target=50, tolerance=2.5,
                **{"From (the first term or year it applies to)": "Autumn 2025/26"})
    assert ("Saved: a target of 50.0% for New EHC plans issued within 20 weeks this term, excluding exceptions, "
            "from Autumn 2025/26 onwards.") in _texts(at)
    current = _html_table(at, "Targets set for Plymouth")
    assert current[["Measure", "Periods", "Target", "Tolerance"]].values.tolist() == [
        ["New EHC plans issued within 20 weeks this term, excluding exceptions", "From Autumn 2025/26 onwards",
         "50.0%", "2.5 points"]]

    [s for s in at.selectbox if s.label == "Measure to comment on"][0].select("ehcp_20wk_term_pct").run()
    assert ("▲ Amber: 45.0% (Autumn term 2026/27). 45.0% misses the target of 50.0% by 5.0 points, within the amber "
            "margin of 5.0 points (10% of the target).") in _texts(at)
    at.text_area[0].input("Two extra panel dates a month since September.")
    assert not [t for t in at.text_input if t.label == "Written by"]  # the author is who is using it, never typed
    _button(at, "Save commentary").click().run()
    assert "Commentary saved for Autumn term 2026/27." in _texts(at)

    row = admin.row_for(card.build(con, PLYMOUTH, TERM), "ehcp_20wk_term_pct")
    assert row.rating.label == "▲ Amber" and row.comment.text == "Two extra panel dates a month since September."
    assert row.comment.author == f"dashboard ({access.os_user()})"  # single-user mode: the dashboard's account
    assert row.status == "local"

    at = open_page("app")
    text = _texts(at)
    assert "▲ Amber" in text and "Two extra panel dates a month since September." in text
    assert any(m.value == "45.0%" for m in at.metric)


def test_a_red_measure_asks_for_the_exception_note(open_page, con):
    at = open_page("targets")
    _set_target(at, "ehcp_20wk_pct", "range", target=60, **{"From (the first term or year it applies to)": "2020"})
    reds = _html_table(at, "Red ratings without an exception note")
    assert "New EHC plans" in " ".join(reds["measure"]) and "6.0%" in reds["figure"].tolist()
    [s for s in at.selectbox if s.label == "Measure to comment on"][0].select("ehcp_20wk_pct").run()
    assert "**This measure is rated Red: add the exception note.**" in _texts(at)
    fields = {t.label: t for t in at.text_input}
    fields["Cause"].input("Backlog of assessments from 2023")
    fields["Action"].input("Agency EPs commissioned")
    _button(at, "Save commentary").click().run()
    assert "needs all of cause, action, owner and recovery term; missing owner" in shown(at.error[0].value)
    fields = {t.label: t for t in at.text_input}
    fields["Cause"].input("Backlog of assessments from 2023")
    fields["Action"].input("Agency EPs commissioned")
    fields["Owner"].input("Head of SEND")
    [s for s in at.selectbox if s.label == "Expected back on track by"][0].select("Summer 2026/27")
    _button(at, "Save commentary").click().run()
    assert "Exception note saved for Autumn term 2026/27." in _texts(at)
    assert "None: every red rating this term has an exception note." in _texts(at)
    comment = admin.row_for(card.build(con, PLYMOUTH, TERM), "ehcp_20wk_pct").comment
    assert comment.owner == "Head of SEND" and comment.recovery_period == "Summer 2026/27"


def _count_targets(con) -> int:
    return con.execute("SELECT count(*) FROM target WHERE replaced_at IS NULL").fetchone()[0]


@pytest.mark.parametrize("kind, fields, target, message", [
    ("range", {}, 60, "Nothing was saved: the first period is missing."),
    ("point", {}, None, "Nothing was saved: the term or year and the target are missing."),
    ("every", {}, None, "Nothing was saved: the target is missing."),
    ("point", {"Term or year": "Winter 2024"}, 60, "Nothing was saved. The term or year: "),
    ("every", {}, 0.6, "Nothing was saved. The target: 0.6 looks like a fraction; write a percentage such as 60"),
])
def test_an_incomplete_or_wrong_target_is_refused_with_what_is_missing(open_page, con, kind, fields, target, message):
    at = open_page("targets")
    _set_target(at, "ehcp_20wk_pct", kind, target=target, **fields)
    errors_shown = [shown(e.value) for e in at.error]
    assert any(e.startswith(message) for e in errors_shown), errors_shown
    assert not at.success and _count_targets(con) == 0


def test_every_measure_chooser_finds_a_measure_by_its_short_name_too(open_page):
    """'Complaints answered on time' is what the summary calls it; the form listed only the full name."""
    at = open_page("targets")
    shown_as = at.selectbox(key="target_metric").options  # as the chooser lists them, and searches them
    assert "Complaints answered on time (SEND complaints responded to within timescale)" in shown_as
    commentary_chooser = at.selectbox(key="commentary_metric")
    assert any(o.startswith("EHC plans issued within 20 weeks (New EHC plans") for o in commentary_chooser.options)


def test_a_target_without_a_measure_is_refused(open_page, con):
    at = open_page("targets")
    [n for n in at.number_input if n.label == "Target"][0].set_value(60)
    _button(at, "Save the target").click().run()
    assert "Nothing was saved: the measure and the first period are missing." in [shown(e.value) for e in at.error]
    assert _count_targets(con) == 0


def test_a_trajectory_point_and_a_standing_target_are_set_and_one_is_removed(open_page, con):
    at = open_page("targets")
    _set_target(at, "perm_staff_pct", "point", target=92, tolerance=1, **{"Term or year": "autumn 2026/27"})
    assert "for Autumn 2026/27 only (a step on a trajectory)" in _texts(at)
    _set_target(at, "ep_vacancies", "every", target=2)
    table = _html_table(at, "Targets set for Plymouth").set_index("Measure")
    assert table.loc["Permanent staffing in the SEND service", "Periods"] == (
        "For Autumn 2026/27 only (a step on a trajectory)")
    assert table.loc["Educational psychologist vacancies", "Periods"] == "For every period"
    assert table.loc["Educational psychologist vacancies", "Tolerance"] == "none"
    assert _count_targets(con) == 2

    remove = [s for s in at.selectbox if s.label == "Target to remove"][0]
    chosen = next(o for o in remove.options if o.startswith("Educational psychologist vacancies"))
    remove.select(chosen)
    _button(at, "Remove this target").click().run()
    assert "Removed the target Educational psychologist vacancies: 2 for every period." in _texts(at)
    assert list(_html_table(at, "Targets set for Plymouth")["Measure"]) == ["Permanent staffing in the SEND service"]
    kept = con.execute("SELECT replaced_by FROM target WHERE metric_id = 'ep_vacancies'").fetchall()
    assert len(kept) == 1 and kept[0][0], "a removed target stays in the history, marked who removed it"


def test_setting_a_target_again_replaces_it(open_page, con):
    at = open_page("targets")
    for value in (50, 55):
        _set_target(at, "ehcp_20wk_pct", "range", target=value,
                    **{"From (the first term or year it applies to)": "2020"})
    assert targets.targets_for(con, PLYMOUTH)["target"].tolist() == [55.0]


def test_priority_areas_are_saved_and_group_the_scorecard(open_page, con):
    at = open_page("targets")
    at.session_state[at.data_editor[0].key] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"number": 1, "title": "Assessment timeliness", "metrics": ["ehcp_20wk_pct", "ehcp_requests_6wk_pct"]},
        {"number": 2, "title": "Inclusion", "metrics": ["excl_perm_rate"]}]}
    _button(at, "Save priority areas").click().run()
    assert "Saved 2 priority area(s) for Plymouth." in _texts(at)
    plan = priorities.priorities_for(con, PLYMOUTH)
    assert [(p.heading, p.metric_ids) for p in plan] == [
        ("1. Assessment timeliness", ["ehcp_20wk_pct", "ehcp_requests_6wk_pct"]), ("2. Inclusion", ["excl_perm_rate"])]
    assert card.build(con, PLYMOUTH, TERM).groups()[0][0] == "1. Assessment timeliness"


# ---------------------------------------------------------------------------------------------
# The accessibility statement


def test_the_statement_has_every_gov_uk_section_and_lists_each_known_issue(open_page):
    at = open_page("accessibility")
    headers = [h.value for h in at.header]
    for wanted in ("Using this service", "How accessible this service is", "Feedback and contact information",
                   "Enforcement procedure", "Technical information about this service's accessibility",
                   "Compliance status", "Non-accessible content", "What we're doing to improve accessibility",
                   "Preparation of this accessibility statement"):
        assert wanted in headers
    text = _texts(at)
    assert "partially compliant with the Web Content Accessibility Guidelines (WCAG) version 2.2 AA" in text
    assert "axe-core" in text and "keyboard-only walkthrough" in text
    for issue in accessibility.KNOWN_ISSUES:
        assert issue.where in text and issue.problem in text


def test_the_statement_names_the_organisation_and_contact_when_configured(monkeypatch):
    monkeypatch.setenv("SCORECARD_ORGANISATION", "Plymouth City Council")
    monkeypatch.setenv("SCORECARD_ACCESSIBILITY_CONTACT", "send.data@plymouth.gov.uk")
    text = accessibility.as_markdown()
    assert "as run by Plymouth City Council" in text and "<send.data@plymouth.gov.uk>" in text


# ---------------------------------------------------------------------------------------------
# The helpers behind the pages


def test_the_long_format_example_is_a_valid_return(con):
    metrics = metrics_from_store(con)
    area = AreaIndex.from_store(con).get(SCILLY)
    terms = local_returns.default_terms(periods.parse(TERM).end, count=2)
    example = admin.long_format_example(area, local_returns.local_metrics(metrics), terms)
    plan = admin.read_upload(con, "example.csv", example, ADMIN)
    assert set(plan.values["status"]) == {"illustrative", "suppressed"}
    assert set(plan.values["area_code"]) == {SCILLY}
    assert 50.0 in plan.values["value"].tolist()  # 60 of 120


def test_the_targets_example_imports(con):
    from scorecard import targets

    metrics = metrics_from_store(con)
    area = AreaIndex.from_store(con).get(PLYMOUTH)
    terms = local_returns.default_terms(periods.parse(TERM).end, count=3)
    example = admin.targets_example_csv(area, list(metrics.values()), terms)
    assert _import_targets(con, SourceFile("targets.csv", example)) == 4
    assert len(targets.targets_for(con, PLYMOUTH)) == 4


@pytest.mark.parametrize("name, expected", [
    ("Supported internships: employment outcomes", "supported_internships_employment_outcomes"),
    ("  EP vacancies (FTE) ", "ep_vacancies_fte"),
    ("2025 cohort placed", "m_2025_cohort_placed"),
])
def test_a_board_metric_id_is_made_from_its_name(name, expected):
    assert admin.metric_id_from_name(name) == expected


def test_a_board_metric_form_is_checked_by_the_register(con):
    with pytest.raises(RegisterError, match="'name' is required"):
        admin.add_board_metric(con, name="", unit="%", polarity="higher", decimals=1, metric_id="blank_name", actor=ADMIN)
    metric = admin.add_board_metric(con, name="Supported internships", unit="count", polarity="higher", decimals=0, actor=ADMIN)
    assert metric.id == "supported_internships" and metrics_from_store(con)["supported_internships"].origin == "board"


def test_editor_blanks_become_none_so_they_are_not_read_as_periods():
    edited = pd.DataFrame({"metric_id": ["ehcp_20wk_pct"], "period_label": [float("nan")], "from_period": [""],
                           "target": [60.0]})
    rows = admin.editor_rows(edited).to_dict("records")
    assert rows == [{"metric_id": "ehcp_20wk_pct", "period_label": None, "from_period": None, "target": 60.0}]


def test_priorities_from_the_editor():
    edited = pd.DataFrame({"number": [2, None, 1], "title": ["Inclusion", None, "Timeliness"],
                           "metrics": [["excl_perm_rate"], None, "ehcp_20wk_pct, ehcp_requests"]})
    plan = admin.priorities_from_editor(edited)
    assert [(p.number, p.title, p.metric_ids) for p in plan] == [
        (1, "Timeliness", ["ehcp_20wk_pct", "ehcp_requests"]), (2, "Inclusion", ["excl_perm_rate"])]
    with pytest.raises(priorities.PriorityError, match="row 1: give the priority area a number"):
        admin.priorities_from_editor(pd.DataFrame({"number": [None], "title": ["No number"], "metrics": [[]]}))


def test_rag_rules_are_explained_per_metric(con):
    table = admin.rag_rules_table(metrics_from_store(con)).set_index("measure")
    assert table.loc["Requests for an EHC needs assessment received", "how it is rated"].startswith("Not rated")
    assert "Amber when off target but within the amber margin" in table.loc[
        "New EHC plans issued within 20 weeks, excluding exceptions", "how it is rated"]


def test_the_seed_batch_cannot_be_undone_from_the_page_but_a_return_can(con):
    assert admin.undoable(queries.batches(con)) == []
    result = local_returns.load_sample(con, actor=ADMIN)
    assert admin.undoable(queries.batches(con)) == [result.batch_id]
    ingest.undo(con, result.batch_id, actor=ADMIN)
    assert admin.undoable(queries.batches(con)) == []
    assert store.data_version(con) > 0


# ---------------------------------------------------------------------------------------------
# Plain words: jargon is explained wherever a page uses it


@pytest.mark.parametrize("page", ["app", *PAGES])
def test_every_page_explains_the_jargon_it_uses(open_page, con, page):
    local_returns.load_sample(con, actor=ADMIN)  # batches, EOTAS and AP on the pages
    at = open_page(page)
    text = _page_text(at)
    used = [(term, meaning) for term, meaning in words.terms_used([text]) if term in words.MUST_EXPLAIN]
    for term, meaning in used:
        assert meaning in text, f"{page} uses {term!r} without explaining it"


def test_the_data_page_has_the_glossary(open_page):
    glossary = _html_table(open_page("data_sources"), "Glossary").set_index("Word")["Meaning"].to_dict()
    assert glossary == words.GLOSSARY
    for term in words.MUST_EXPLAIN:
        assert term in glossary


def test_single_user_mode_says_so_on_every_page(open_page):
    at = open_page("app")
    assert session.SINGLE_USER_BANNER in [w.value for w in at.warning]


def _anonymous(page: str, db_path, monkeypatch) -> AppTest:
    """A page as a visitor who is not signed in sees it, with sign-in set up ([auth] in the secrets)."""
    monkeypatch.setenv("SCORECARD_DB", str(db_path))
    monkeypatch.delenv(access.ACCESS_ENV, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(f"../../app_pages/{page}.py", default_timeout=90)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "id", "client_secret": "secret",
                          "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
    at.query_params["area"] = PLYMOUTH
    at.query_params["term"] = TERM
    return at.run()


@pytest.mark.parametrize("page", ["local_data", "targets"])
def test_a_visitor_who_is_not_signed_in_gets_no_widget_that_writes(page, db_path, monkeypatch):
    at = _anonymous(page, db_path, monkeypatch)
    assert not at.exception
    writes = {"Confirm and import", "Load the illustrative sample return", "Add the measure", "Save the target",
              "Remove this target", "Import the targets", "Save commentary", "Save priority areas"}
    labels = {b.label for b in at.button} | {b.label for b in at.get("form_submit_button")}
    assert not labels & writes, labels & writes
    assert not at.get("file_uploader")
    assert any("Sign in to" in i.value for i in at.info)


def test_a_visitor_who_is_not_signed_in_sees_the_public_scorecard(db_path, monkeypatch):
    at = _anonymous("home", db_path, monkeypatch)
    html = " ".join(m.value for m in at.markdown)
    assert ">c<" in html  # Plymouth's latest mediation requests: a count below 5
    assert not [t for t in at.toggle if t.label.startswith("Public version")]  # always the public version
