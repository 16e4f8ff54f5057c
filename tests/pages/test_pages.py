"""The Scorecard, Trends and Compare pages, run headless with streamlit.testing.v1.AppTest on a copy of the
seeded store, with the area, term and metric given as URL query parameters.

The pages run under a small router of their own (st.navigation over the three page files), as in
app.py, so links between pages and st.set_page_config behave as they do in the app; app.py itself
also lists the board and about pages, which other tests cover.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from datetime import date

from scorecard import card, config, inspections, local_returns, queries, sources_info, summary, targets, words
from scorecard.text_safety import plain
from scorecard.importers import ImportContext, targets_csv

from ..rendered import html_tables, markdown_sources, shown

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PAGES = config.PROJECT_ROOT / "app_pages"
ROUTER = f"""
import streamlit as st
st.navigation([st.Page({str(PAGES / "home.py")!r}, title="Scorecard", default=True),
               st.Page({str(PAGES / "trends.py")!r}, title="Trends"),
               st.Page({str(PAGES / "compare.py")!r}, title="Compare")]).run()
"""
PLYMOUTH, CUMBERLAND, SCILLY, CITY, ENGLAND = "E06000026", "E06000063", "E06000053", "E09000001", "E92000001"
ILLUSTRATIVE = "Illustrative figures, not real data"
NAMES = {PLYMOUTH: "Plymouth", CUMBERLAND: "Cumberland", SCILLY: "Isles of Scilly", ENGLAND: "England"}


@pytest.fixture
def open_page(db_path, monkeypatch):
    """open_page(page, **query_params) -> a run AppTest; open_page.titles lists each browser title set."""
    monkeypatch.setenv("SCORECARD_DB", str(db_path))
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    titles: list[str] = []
    real = streamlit.set_page_config

    def record(*args, **kwargs):
        titles.append(kwargs.get("page_title"))
        return real(*args, **kwargs)

    monkeypatch.setattr(streamlit, "set_page_config", record)

    def open_(page: str, **params) -> AppTest:
        at = AppTest.from_string(ROUTER, default_timeout=180)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()  # the scorecard (default page) runs first and registers the pages
        if page != "scorecard":
            at.switch_page(str(PAGES / f"{page}.py")).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    open_.titles = titles
    yield open_
    streamlit.cache_resource.clear()


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def findings(at: AppTest) -> list[str]:
    """The findings printed above the charts (bold lines: a plotly title would not wrap on a phone)."""
    return [shown(m.value)[2:-2] for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [m.value for m in at.metric]
    return "\n".join(shown(p) for p in parts)


@pytest.mark.parametrize("page", ["scorecard", "trends", "compare"])
@pytest.mark.parametrize("code", [PLYMOUTH, CUMBERLAND, SCILLY, ENGLAND])
def test_every_page_runs_for_edge_areas_and_names_them_in_the_title(open_page, page, code):
    at = open_page(page, area=code)
    assert at.query_params["area"] == code
    assert open_page.titles[-1] == f"{NAMES[code]} – {page.capitalize()} – SEND Scorecard"
    if page != "scorecard":
        assert len(at.tabs) >= 2 and [t.label for t in at.tabs][:2] == ["Chart", "Table"]
        assert at.get("download_button")


def summary_table(at: AppTest) -> dict:
    """The board summary the page wrote as HTML: its caption and rows of cells."""
    found = [t for source in markdown_sources(at) if 'class="sc-table"' in source for t in html_tables(source)]
    assert len(found) == 1, f"expected one summary table, found {len(found)}"
    return found[0]


def summary_rows(table: dict) -> dict[str, dict[str, dict]]:
    """Measure -> {column heading: cell} for each measure's row (group heading rows left out)."""
    rows = {}
    for row in table["rows"][1:]:
        if row[0].get("scope") == "row":
            rows[row[0]["text"]] = {"Measure": row[0], **{c["label"]: c for c in row[1:]}}
    return rows


def test_scorecard_shows_plymouths_real_figures_with_their_periods(open_page):
    at = open_page("scorecard", area=PLYMOUTH, term="Autumn 2026/27")
    assert shown(at.title[0].value) == "Plymouth: SEND scorecard"
    first = at.metric[0]
    assert first.value == "6.0%" and first.proto.delta == "down 11.8 points: worse"
    words_shown = texts(at)
    assert "- England: 46.4% (calendar year 2024)" in words_shown
    assert "Statistical neighbours: 48.5% (mean of 10 of 10) (calendar year 2024)" in words_shown
    assert "Rank: 145th of 149" in words_shown and "Band: D (worst quarter)" in words_shown
    assert "6.0%: 24 of 403, calendar year 2024." in words_shown  # the counts behind the rate, on the card
    assert "Plymouth issued 6.0% (24 of 403) of new EHC plans within 20 weeks in 2024" in words_shown  # read aloud
    assert [shown(s.value) for s in at.subheader][:2] == ["Timeliness", "Demand"]
    plymouth = summary_rows(summary_table(at))["EHC plans issued within 20 weeks"]
    assert plymouth["Latest figure"]["text"] == "6.0%: 24 of 403"
    # DfE's June 2026 release is not loaded: the figure is behind, tagged on its period (issue 18).
    assert plymouth["Period"]["text"] == ("2024 behind" if date.today() >= date(2026, 7, 1) else "2024")
    assert plymouth["Direction"]["text"] == "↓ worse"
    assert plymouth["England"]["text"] == "46.4% (2024)"
    assert plymouth["Neighbours' mean"]["text"] == "48.5%, mean of 10 of 10 (2024)"
    assert plymouth["Rank or band"]["text"] == "145th of 149, band D (worst quarter)"
    table = at.dataframe[0].value.set_index("Measure")
    assert table.loc["EHC plans issued within 20 weeks", "Rank or band"] == "145th of 149, band D (worst quarter)"
    with_sentences = at.expander[0]
    assert "Plymouth issued 6.0% (24 of 403) of new EHC plans within 20 weeks in 2024" in shown(with_sentences.markdown[0].value)


def _sample_with_targets(con) -> None:
    local_returns.load_sample(con, actor=ADMIN)
    rows, problems = targets_csv.check_rows(ImportContext.from_store(con), [
        {"metric": "ehcp_20wk_pct", "target": "50", "tolerance": "0"},
        {"metric": "ehcp_20wk_term_pct", "target": "60", "tolerance": "5"}], "t.csv", area_code=PLYMOUTH)
    assert not problems
    targets.save_targets(con, rows, actor=ADMIN)


def test_the_board_summary_comes_first_with_every_measure_as_html_text(open_page, con):
    _sample_with_targets(con)
    at = open_page("scorecard", area=PLYMOUTH)
    built = card.build(con, PLYMOUTH, "Autumn 2026/27")
    table = summary_table(at)
    rows = summary_rows(table)
    assert list(rows) == [r.metric.label for r in built.rows]  # every measure, in the scorecard's order
    headings = [c["text"] for c in table["rows"][0]]
    assert headings == ["Measure", "Latest figure", "Period", "Direction", "Target", "Rating", "England",
                        "Neighbours' mean", "Rank or band"]
    # Grouped by priority area, each group's counts in words on its heading row.
    groups = summary.board_summary(built, "la")
    group_rows = [r[0]["text"] for r in table["rows"] if r[0].get("scope") == "colgroup"]
    assert group_rows == [f"{g.heading}{g.counts_words}" for g in groups]
    # The rating as shape, word and colour; the target; the direction as arrow and word.
    red = rows["EHC plans issued within 20 weeks"]
    assert red["Rating"]["text"] == "■ Red" and "#D4351C" in red["Rating"]["tags"][0]["style"]
    assert red["Target"]["text"] == "50.0%" and red["Direction"]["text"] == "↓ worse"
    assert rows["Assessment requests received"]["Rating"]["text"] == "Not rated"
    # The summary is the first thing under the title: nothing but the latest inspection's line, the counts
    # and the staleness before it.
    sources = [s for s in markdown_sources(at) if s]
    first_table = next(i for i, s in enumerate(sources) if 'class="sc-table"' in s)
    latest = inspections.latest(con, PLYMOUTH)
    runs = inspections.data_runs_to(con)
    inspection = f":material/assignment: {plain(latest.sentence(with_source=False, data_to=runs))}"
    assert "(Ofsted data to November 2023)" in shown(inspection)  # an old line never reads as the current position
    source = plain(f"Source: {latest.source}.")  # under the line, in small type: short on a phone
    assert inspection in sources[:first_table] and source in [c.value for c in at.caption]
    assert all("sc-top" in s or s in (at.title[0].value, at.caption[0].value, inspection, source)
               for s in sources[:first_table])


def test_the_counts_are_on_top_large_and_in_words(open_page, con):
    _sample_with_targets(con)
    at = open_page("scorecard", area=PLYMOUTH)
    top = next(s for s in markdown_sources(at) if "sc-glance" in s)
    groups = summary.board_summary(card.build(con, PLYMOUTH, "Autumn 2026/27"), "la")
    total = summary.totals(groups)
    text = shown(top)
    said = words.rag_counts_with_shapes(total.counts, total.not_rated, total.illustrative_rated)
    assert f"{len(total.rows)} measures: {said}" in text
    for group in groups:  # each priority area's counts; its illustrative ratings said briefly beside them
        more = f"; plus {group.illustrative_rated} illustrative" if group.illustrative_rated else ""
        assert f"{group.heading}:{words.rag_counts_with_shapes(group.counts, group.not_rated)}{more}" in text
    # The termly target is met on an illustrative figure: counted apart, never as the area's own green.
    assert total.counts == {"Red": 1, "Amber": 0, "Green": 0} and total.illustrative_rated == 1
    assert "plus 1 rated on illustrative figures" in text


def test_an_overdue_release_opens_the_page_in_one_plain_sentence(open_page, con):
    at = open_page("scorecard", area=PLYMOUTH)
    top = next(s for s in markdown_sources(at) if "sc-top" in s)
    built = card.build(con, PLYMOUTH, "Autumn 2026/27")
    ids = {r.metric.id for r in built.rows} | {r.comparator_metric.id for r in built.rows if r.comparator_metric}
    said = sources_info.overdue_sentence(queries.sources(con), queries.latest_periods(con), date.today(),
                                         sources_info.publications_behind(queries.sources(con), ids))
    if said is None:
        pytest.skip("no release behind the scorecard is overdue today")
    assert top.index('<p class="sc-overdue">') < top.index('class="sc-glance"')  # first, above the counts
    assert said in shown(top)


def test_the_staleness_statement_is_said_once_at_the_top(open_page, con):
    at = open_page("scorecard", area=PLYMOUTH)
    built = card.build(con, PLYMOUTH, "Autumn 2026/27")
    behind = sources_info.publications_behind(queries.sources(con), {r.metric.id for r in built.rows})
    lines = sources_info.latest_releases(queries.sources(con), queries.latest_periods(con), date.today(),
                                         publication_ids=behind)
    every = sources_info.latest_releases(queries.sources(con), queries.latest_periods(con), date.today())
    assert lines and len(lines) < len(every), "only the sources behind the scorecard's own measures"
    page = [shown(s) for s in markdown_sources(at)]
    top = next(s for s in page if "National figures are published a year or more after" in s)
    for line in lines:
        assert line in top
        assert sum(p.count(line) for p in page) == 1, line
    assert not any(line in top for line in every if line not in lines)
    assert not any("before the end of the term" in p for p in page)


def test_illustrative_figures_are_labelled_on_the_figure_in_every_table(open_page, con):
    _sample_with_targets(con)
    at = open_page("scorecard", area=PLYMOUTH)
    illustrative = {r.metric.label for r in card.build(con, PLYMOUTH, "Autumn 2026/27").rows
                    if r.status == "illustrative"}
    assert len(illustrative) == 11  # the sample return's measures
    for measure, cells in summary_rows(summary_table(at)).items():
        tagged = [t for t in cells["Latest figure"]["tags"] if "sc-tag" in t["class"]]
        assert bool(tagged) == (measure in illustrative), measure
        assert cells["Latest figure"]["text"].endswith("illustrative") == (measure in illustrative), measure
    table = at.dataframe[0].value.set_index("Measure")
    for measure in illustrative:
        assert table.loc[measure, "Latest"].endswith("(illustrative)"), measure
    downloads = {b.proto.label: b for b in at.get("download_button")}
    assert "Download the summary (CSV)" in downloads and "Download the scorecard (CSV)" in downloads
    frame = summary.summary_frame(summary.board_summary(card.build(con, PLYMOUTH, "Autumn 2026/27"), "la"))
    marked = frame[frame["Latest"].str.endswith("(illustrative)")]["Measure"]
    assert set(marked) == illustrative


def test_scorecard_rates_against_targets_and_flags_a_red_without_an_exception_note(open_page, con):
    _sample_with_targets(con)
    at = open_page("scorecard", area=PLYMOUTH)
    words_shown = texts(at)
    assert "Red without an exception note" in words_shown
    assert "■ Red" in words_shown and "● Green" in words_shown
    assert "6.0% misses the target of 50.0% by 44.0 points, more than the amber margin of 5.0 points" in words_shown
    badges = [m.value for m in at.markdown if "badge[" in m.value]
    flagged = [r for r in card.build(con, PLYMOUTH, "Autumn 2026/27").rows if ILLUSTRATIVE in r.flags]
    assert len(flagged) == 11 and len(badges) == len(flagged) and all(ILLUSTRATIVE in b for b in badges)


def test_the_summary_links_each_measure_to_its_card(open_page):
    at = open_page("scorecard", area=PLYMOUTH)
    sources = markdown_sources(at)
    table = next(s for s in sources if 'class="sc-table"' in s)
    for metric_id in ("ehcp_20wk_pct", "tribunal_appeal_rate_pct"):
        anchor = f"measure-{metric_id}"
        assert f'href="#{anchor}"' in table
        assert sum(f'id="{anchor}"' in s for s in sources) == 1


def test_words_the_page_uses_are_explained_on_it(open_page, con):
    _sample_with_targets(con)
    at = open_page("scorecard", area=PLYMOUTH)
    page = "\n".join(shown(s) for s in markdown_sources(at))
    assert "EOTAS" in page and "SEN2" in page
    used = [(term, meaning) for term, meaning in words.terms_used([page]) if term in words.MUST_EXPLAIN]
    assert {"SEN2", "educated otherwise than at school (EOTAS)"} <= {term for term, _ in used}
    for term, meaning in used:
        assert f"{term}: {meaning}" in page, term


def test_edge_areas_say_why_a_figure_is_missing(open_page):
    scilly = texts(open_page("scorecard", area=SCILLY))
    assert "Academic year 2024/25: no published figure (rounds to zero)." in scilly
    england = texts(open_page("scorecard", area=ENGLAND))
    assert "Not ranked: only local authorities are ranked" in england
    city = open_page("trends", area=CITY)
    fig = figures(city)[0]
    assert findings(city)[0].startswith("City of London has no published figure for EHC plans issued within 20 "
                                        "weeks in 2024: not available")
    assert "not available" in {a["text"] for a in fig["layout"]["annotations"]}


def test_trends_page_states_the_finding_and_marks_the_boundary_change(open_page):
    at = open_page("trends", area=PLYMOUTH, metric="ehcp_20wk_pct")
    fig = figures(at)[0]
    assert findings(at) == ["Plymouth issued 6.0% (24 of 403) of new EHC plans within 20 weeks in 2024, down from "
                            "17.8% in 2023 and below England (46.4%)"]
    assert not fig["layout"].get("title", {}).get("text")  # the finding is page text, so it wraps on a phone
    assert [d["name"] for d in fig["data"]] == ["Plymouth", "England", "South West", "Statistical neighbours (mean)"]
    table = at.dataframe[0].value.set_index("Period")
    assert table.loc["2024", "England"] == "46.4%" and table.loc["2024", "Plymouth"] == "6.0%: 24 of 403"
    under = next(shown(c.value) for c in at.caption if c.value.startswith("Line chart"))  # directly under it
    assert under.split("\n\n")[1] == (
        "Source: Department for Education, Education, health and care plans, reporting year 2022, released in June 2022: "
        "2014 to 2018; Department for Education, Education, health and care plans, reporting year 2025, released in "
        "June 2025: 2019 to 2024.")
    cumberland = open_page("trends", area=CUMBERLAND)
    assert "Cumberland formed April 2023 from Cumbria" in texts(cumberland)
    names = {s.get("name") for s in figures(cumberland)[0]["layout"]["shapes"]}
    assert {"boundary_change", "series_break"} <= names


def test_compare_page_ranks_plymouth_and_lists_its_neighbours(open_page):
    at = open_page("compare", area=PLYMOUTH, metric="ehcp_20wk_pct", period="2024")
    ranking, hexes = figures(at)
    assert findings(at) == [
        "Plymouth ranks 145th of 149 local authorities on EHC plans issued within 20 weeks in 2024 (6.0%: 24 of 403; "
        "England 46.4%)", "Plymouth is in band D (worst quarter) for EHC plans issued within 20 weeks in 2024"]
    assert "Bands: A (best quarter), B (second quarter), C (third quarter), D (worst quarter)." in texts(at)
    labels = next(d for d in hexes["data"] if d.get("name") == "labels")
    assert len(labels["text"]) == 153
    (table,) = [t for source in markdown_sources(at) for t in html_tables(source)
                if t["caption"] == "Plymouth's statistical neighbours"]  # real HTML text, not a canvas
    head, *rows = table["rows"]
    assert [c["text"] for c in head][:3] == ["Statistical neighbour", "Figure (calendar year 2024)", "Rank"]
    neighbours = pd.DataFrame([[c["text"] for c in r] for r in rows], columns=[c["text"] for c in head])
    assert len(neighbours) == 10 and set(neighbours["Closeness"]) <= {
        "Extremely close", "Very close", "Close", "Somewhat close", "Not close"}
    assert neighbours.set_index("Statistical neighbour").loc["Tameside", "Figure (calendar year 2024)"].startswith(
        "29.4%: ")
    assert "Mean of the 10 of 10 neighbours with a figure: 48.5%." in texts(at)


def test_choosing_another_area_metric_or_term_updates_the_url(open_page):
    at = open_page("trends", area=PLYMOUTH)
    at.selectbox(key="chooser_area").select(CUMBERLAND).run()
    assert at.query_params["area"] == CUMBERLAND
    assert findings(at)[0].startswith("Cumberland issued 42.6%")
    at.selectbox(key="chooser_metric").select("ehcp_caseload").run()
    assert at.query_params["metric"] == "ehcp_caseload"
    at.selectbox(key="chooser_term").select("Summer 2025/26").run()
    assert at.query_params["term"] == "Summer 2025/26"
    at.switch_page(str(PAGES / "home.py")).run()  # the choice goes with the user to the next page
    assert shown(at.title[0].value) == "Cumberland: SEND scorecard" and at.query_params["area"] == CUMBERLAND


def test_a_link_restores_the_view(open_page):
    at = open_page("trends", area="Cumberland", metric="ehcp_caseload", term="Spring 2025/26")
    assert at.selectbox(key="chooser_area").value == CUMBERLAND
    assert at.query_params["area"] == CUMBERLAND  # a name in the link becomes the ONS code
    assert at.selectbox(key="chooser_metric").value == "ehcp_caseload"
    assert at.selectbox(key="chooser_term").value == "Spring 2025/26"
    unknown = open_page("scorecard", area="E99999999")
    assert "does not know (E99999999)" in shown(unknown.warning[0].value)
    assert unknown.query_params["area"] == PLYMOUTH
    local = open_page("compare", metric="ehcp_20wk_term_pct")  # a local measure: Compare uses its national one
    assert local.selectbox(key="chooser_metric").value == "ehcp_20wk_pct"


@pytest.mark.parametrize("code", [PLYMOUTH, CUMBERLAND, CITY, ENGLAND])
def test_the_cached_scorecard_is_the_same_as_card_build(open_page, con, code):
    from scorecard.ui import data

    fast = data.card(code, "Autumn 2026/27").frame()
    full = card.build(con, code, "Autumn 2026/27").frame()
    pd.testing.assert_frame_equal(fast, full)


def test_a_new_authority_says_why_it_has_no_earlier_figures(open_page):
    at = open_page("trends", area=CUMBERLAND, metric="mediation_cases")
    assert shown(at.info[0].value) == ("No figures yet for mediation cases in Cumberland up to the end of Autumn term "
                                "2026/27: Cumberland formed April 2023 from Cumbria, and earlier figures are for the "
                                "old authority.")


def test_trends_shows_small_numbers_hollow_and_says_so(open_page):
    at = open_page("trends", area=SCILLY, metric="ehcp_20wk_pct")
    assert findings(at)[0].startswith("Isles of Scilly issued 100.0% (1 of 1; small numbers: treat with caution)")
    assert "below England" not in findings(at)[0] and "above England" not in findings(at)[0]
    scilly = figures(at)[0]["data"][0]
    assert "#FFFFFF" in scilly["marker"]["color"] and "small numbers" in scilly["text"]
    assert "Hollow points are figures on small numbers" in texts(at)


def test_compare_lists_a_count_without_ranking_or_banding_it(open_page):
    at = open_page("compare", area=PLYMOUTH, metric="ehcp_requests", period="2024")
    assert not figures(at)  # no ranking chart, no banded map
    assert "A count is context: bigger areas have more" in texts(at)
    figures_table = at.dataframe[0].value
    assert len(figures_table) == 153 and "Band" not in figures_table.columns and "Rank" not in figures_table.columns
    assert findings(at)[0].startswith("Plymouth: assessment requests received in 2024 was 1,176 (a count, not ranked")


# A page that asks for a change (a local return) through the dashboard's one write path.
WRITE_AS_AT = """
from scorecard import access, local_returns
from scorecard.ui import data
from scorecard.ui.failures import shown_on_page
with shown_on_page("Local returns"):
    data.write(local_returns.load_sample, actor=access.command_line("officer"))
"""


def _app(page: str | None = None, **params) -> AppTest:
    """The whole app through app.py (its as-at banner and error boundary), on `page`."""
    at = AppTest.from_file(str(PAGES.parent / "app.py"), default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_address_shows_the_scorecard_as_it_stood_and_changes_nothing_then(db_path, monkeypatch, con):
    monkeypatch.setenv("SCORECARD_DB", str(db_path))
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    _sample_with_targets(con)  # batch 2: the illustrative sample, then targets
    now = _app(area=PLYMOUTH)
    assert any(c["Latest figure"]["text"].endswith("illustrative") for c in summary_rows(summary_table(now)).values())
    assert "You are looking at the scorecard as it stood" not in texts(now)

    then = _app(area=PLYMOUTH, as_at="1")  # just after the seed, before the sample
    assert "You are looking at the scorecard as it stood at" in texts(then)
    rows = summary_rows(summary_table(then))
    assert not any(c["Latest figure"]["text"].endswith("illustrative") for c in rows.values())
    assert rows["EHC plans issued within 20 weeks"]["Latest figure"]["text"] == "6.0%: 24 of 403"

    batches = con.execute("SELECT count(*) FROM import_batch").fetchone()
    write = AppTest.from_string(WRITE_AS_AT, default_timeout=180)
    write.query_params["as_at"] = "1"
    write.run()
    assert "Nothing was changed: this page shows the scorecard as it stood at" in shown(write.error[0].value)
    assert con.execute("SELECT count(*) FROM import_batch").fetchone() == batches
    refused = con.execute("SELECT who, action, subject, detail FROM audit_event WHERE outcome = 'refused'").fetchall()
    assert [r[:3] for r in refused] == [("officer", "change while viewing an earlier point", "load sample")]
    assert refused[0][3].startswith("Nothing was changed: this page shows the scorecard as it stood at")

    wrong = _app(area=PLYMOUTH, as_at="next tuesday")
    assert "The address asks for the scorecard as it stood at 'next tuesday'" in shown(wrong.error[0].value)
    assert "Traceback" not in texts(wrong)
    streamlit.cache_resource.clear()
