"""Every measure has an accountable partner and a theme, from the register; a board may set its own
themes and give a measure another theme or partner for its area; the scorecard groups by partner."""

import pytest

from scorecard import access, board_setup, card, register, summary
from scorecard.register import PARTNERS, RegisterError, Theme, metric_from_dict
from scorecard.ui import board_setup_view

ADMIN = access.command_line("test")
PLYMOUTH, TERM = "E06000026", "Autumn 2025/26"


def test_every_measure_in_the_register_names_its_partner_and_a_theme_of_the_register():
    themes = {t.id for t in register.load_themes()}
    assert [t.id for t in register.load_themes()] == ["timeliness", "demand", "disagreement", "inclusion", "workforce", "resources"]
    for m in register.load_register():
        assert m.partner in PARTNERS and m.theme in themes, m.id
    by_id = {m.id: m for m in register.load_register()}
    assert by_id["health_advice_6wk_pct"].partner == "health"
    assert by_id["part_time_timetables"].partner == "education"


def test_a_partner_left_out_is_its_themes_and_a_bad_one_is_refused():
    base = {"id": "my_measure", "name": "Mine", "unit": "count", "polarity": "context"}
    assert metric_from_dict({**base, "theme": "inclusion"}).partner == "education"
    with pytest.raises(RegisterError, match="partner 'council' must be one of send_service"):
        metric_from_dict({**base, "partner": "council"})
    with pytest.raises(RegisterError, match="theme 'money' must be one of timeliness"):
        metric_from_dict({**base, "theme": "money"})


def _plan_free(con):
    con.execute("DELETE FROM priority_metric")
    con.execute("DELETE FROM priority")


def test_the_summary_groups_by_accountable_partner(con):
    _plan_free(con)
    built = card.build(con, PLYMOUTH, TERM)
    groups = summary.board_summary(built, "la", by=summary.BY_PARTNER)
    headings = [g.heading for g in groups]
    assert headings == [t for t in PARTNERS.values() if t in headings]  # in the register's order of partners
    for g in groups:
        assert {r.partner for r in g.rows} == {g.heading}
    assert sorted(r.metric_id for g in groups for r in g.rows) == sorted(r.metric.id for r in built.rows)
    by_theme = summary.board_summary(built, "la")
    assert [g.heading for g in by_theme][:2] == ["Timeliness", "Demand"]


def test_a_board_renames_a_theme_adds_one_and_moves_a_measure_to_another_partner(con):
    _plan_free(con)
    metrics = register.metrics_from_store(con)
    themes = [Theme("timeliness", "Getting plans out on time", "send_service"), *register.THEME_LIST[1:],
              Theme("early_help", "Early help", "health")]
    settings = [board_setup.MeasureSetting("ehcp_requests", "early_help", "health"),
                board_setup.MeasureSetting("ehcp_20wk_pct", "timeliness", "partnership")]
    board_setup.save(con, PLYMOUTH, themes, settings, metrics, actor=ADMIN)
    built = card.build(con, PLYMOUTH, TERM)
    rows = {r.metric.id: r for r in built.rows}
    assert (rows["ehcp_requests"].group, rows["ehcp_requests"].partner) == ("Early help", "health")
    assert (rows["ehcp_20wk_pct"].group, rows["ehcp_20wk_pct"].partner) == ("Getting plans out on time", "partnership")
    assert [g for g, _ in built.groups()][-1] == "Early help"  # the board's order of themes
    assert card.build(con, "E06000052", TERM).rows[0].group == "Timeliness"  # another area keeps the register's
    # Saving the register's own choices stores nothing for the area.
    board_setup.save(con, PLYMOUTH, list(register.THEME_LIST), [], metrics, actor=ADMIN)
    assert con.execute("SELECT count(*) FROM board_theme").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM measure_setting").fetchone()[0] == 0


@pytest.mark.parametrize("themes, settings, words", [
    ([], [], "keep at least one theme"),
    ([Theme("Bad Id", "Title")], [], "must be lower-case letters"),
    ([*register.THEME_LIST, Theme("demand", "Again")], [], "the id demand is used twice"),
    ([*register.THEME_LIST[:4]], [], "is under the theme 'workforce', which is not in the list of themes"),
    (list(register.THEME_LIST), [board_setup.MeasureSetting("nope", "demand", "health")], "unknown measure 'nope'"),
    (list(register.THEME_LIST), [board_setup.MeasureSetting("ehcp_requests", "demand", "council")],
     "the partner must be one of"),
])
def test_a_bad_setup_is_refused_in_a_sentence_and_nothing_is_written(con, themes, settings, words):
    metrics = register.metrics_from_store(con)
    with pytest.raises(board_setup.BoardSetupError, match=words):
        board_setup.save(con, PLYMOUTH, themes, settings, metrics, actor=ADMIN)
    assert con.execute("SELECT count(*) FROM board_theme").fetchone()[0] == 0


def test_the_editors_read_back_what_they_show(con):
    metrics = register.metrics_from_store(con)
    settings = board_setup.settings_for(con, PLYMOUTH, metrics)
    themes = board_setup_view.themes_frame(board_setup.themes_for(con, PLYMOUTH))
    measures = board_setup_view.measures_frame(metrics, settings)
    measures.loc[measures["id"] == "ehcp_caseload", "partner"] = "Social care"
    assert board_setup_view.save(con, PLYMOUTH, themes, measures, metrics, actor=ADMIN).startswith("Saved 6 themes")
    assert board_setup.settings_for(con, PLYMOUTH, metrics)["ehcp_caseload"].partner == "social_care"
    assert con.execute("SELECT metric_id, theme, partner FROM measure_setting").fetchall() == [
        ("ehcp_caseload", None, "social_care")]


def test_the_themes_form_renames_adds_and_removes_themes(con):
    metrics = register.metrics_from_store(con)
    themes = board_setup.themes_for(con, PLYMOUTH)
    titles = ["Assessment timeliness" if t.id == "timeliness" else t.title for t in themes]
    partners = [PARTNERS[t.partner] for t in themes]
    kept = [False] * len(themes)
    frame = board_setup_view.themes_from_form(themes, titles, partners, kept, "Early help", "Social care")
    assert list(frame["id"]) == [t.id for t in themes] + ["early_help"]
    measures = board_setup_view.measures_frame(metrics, board_setup.settings_for(con, PLYMOUTH, metrics))
    measures.loc[measures["id"] == "ehcp_caseload", "theme"] = "early_help"
    board_setup_view.save(con, PLYMOUTH, frame, measures, metrics, actor=ADMIN)
    saved = board_setup.themes_for(con, PLYMOUTH)
    assert [(t.id, t.title, t.partner) for t in saved][-1] == ("early_help", "Early help", "social_care")
    assert saved[0].title == "Assessment timeliness"
    assert board_setup.settings_for(con, PLYMOUTH, metrics)["ehcp_caseload"].theme == "early_help"

    gone = [t.id == "early_help" for t in saved]  # removed while a measure is still under it: refused
    frame = board_setup_view.themes_from_form(saved, [t.title for t in saved], [PARTNERS[t.partner] for t in saved],
                                              gone, "", "Health (ICB)")
    with pytest.raises(board_setup.BoardSetupError, match="under the theme 'early_help', which is not in the list"):
        board_setup_view.save(con, PLYMOUTH, frame, measures, metrics, actor=ADMIN)
    measures.loc[measures["id"] == "ehcp_caseload", "theme"] = "demand"
    board_setup_view.save(con, PLYMOUTH, frame, measures, metrics, actor=ADMIN)
    assert "early_help" not in {t.id for t in board_setup.themes_for(con, PLYMOUTH)}
    blank = board_setup_view.themes_from_form(themes, titles, partners, kept, "  ", "Health (ICB)")
    assert len(blank) == len(themes)  # a blank new title adds no theme


def test_a_new_themes_id_comes_from_its_title_and_is_unique():
    assert board_setup_view.new_theme_id("Early help", set()) == "early_help"
    assert board_setup_view.new_theme_id("Early help", {"early_help"}) == "early_help_2"
    assert board_setup_view.new_theme_id("2025 plan: SEND & AP", set()) == "theme_2025_plan_send_ap"
    assert board_setup_view.new_theme_id("!!!", set()) == "theme"


LOCAL_MEASURES = ("requests_from_parents_pct", "requests_from_schools_pct", "specialist_places_needed",
                  "specialist_places_available", "specialist_places_gap", "complaints_upheld", "caseload_per_officer",
                  "ep_advice_6wk_pct", "health_advice_6wk_pct", "part_time_timetables")


def test_the_local_measures_the_minutes_name_are_in_the_template_and_say_not_published_nationally(con):
    import io

    import openpyxl

    from scorecard import local_returns, template, words
    from scorecard.areas import AreaIndex
    from scorecard.importers.local_template import FIRST_ROW, ID_COL, SHEET

    metrics = register.metrics_from_store(con)
    local = local_returns.local_metrics(metrics)
    assert set(LOCAL_MEASURES) <= {m.id for m in local}
    book = openpyxl.load_workbook(io.BytesIO(template.build_template(
        local, AreaIndex.from_store(con).get(PLYMOUTH), local_returns.default_terms())))
    ws = book[SHEET]
    assert set(LOCAL_MEASURES) <= {ws.cell(r, ID_COL).value for r in range(FIRST_ROW, ws.max_row + 1)}
    local_returns.load_sample(con, actor=ADMIN)
    built = card.build(con, PLYMOUTH, "Autumn 2026/27")
    rows = {r.metric.id: r for r in built.rows}
    sampled = {"requests_from_parents_pct", "health_advice_6wk_pct"}
    assert sampled <= set(rows)  # the sample return gives some of them, marked illustrative
    for mid in sampled:
        assert words.england(rows[mid]) == "not published nationally"
        assert words.ILLUSTRATIVE_LABEL in words.figure_labels(rows[mid])
    assert words.figure(rows["requests_from_parents_pct"]).startswith("27.7%: 36 of 130")
