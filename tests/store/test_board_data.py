"""Targets, trajectories, commentary and priority areas, and how the scorecard uses them."""

import pytest

from scorecard import card, commentary, ingest, narrative, priorities, targets
from scorecard.importers import targets_csv
from scorecard.importers.base import ImportFailure, SourceFile
from scorecard.periods import parse

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")


def _import_targets(con, source) -> int:
    """A targets CSV through the one import path: every row checked, then written as one batch."""
    return ingest.import_source(con, source, actor=ADMIN, expect=targets_csv.FORMAT).added

def _targets_csv(tmp_path, text):
    path = tmp_path / "targets.csv"
    path.write_text(text)
    return SourceFile.from_path(path)


def test_single_target_rates_the_latest_figure(con):
    targets.save_targets(con, [{"area_code": "E06000026", "metric_id": "ehcp_20wk_pct", "period_label": None,
                                "from_period": "2024", "to_period": None, "target": 20.0, "tolerance": 2.0,
                                "baseline_period": "2023"}], actor=ADMIN)
    row = next(r for r in card.build(con, "E06000026", "Autumn 2026/27").rows if r.metric.id == "ehcp_20wk_pct")
    assert row.target.target == 20.0
    assert row.rating.rag == "Red" and "by 14.0 points, more than the amber margin" in row.rating.reason
    assert "Red without an exception note" in row.flags


def test_trajectory_point_beats_a_standing_target(con, tmp_path):
    source = _targets_csv(tmp_path, "area,metric,period,from_period,to_period,target,tolerance\n"
                                    "Plymouth,ehcp_20wk_pct,,2020,,80,0\n"
                                    "879,ehcp_20wk_pct,2024,,,5,0\n")
    assert _import_targets(con, source) == 2
    frame = targets.targets_for(con, "E06000026")
    assert targets.target_for(frame, "ehcp_20wk_pct", parse("2024")).target == 5
    assert targets.target_for(frame, "ehcp_20wk_pct", parse("2023")).target == 80
    assert targets.target_for(frame, "ehcp_20wk_pct", parse("2019")) is None
    row = next(r for r in card.build(con, "E06000026", "Autumn 2026/27").rows if r.metric.id == "ehcp_20wk_pct")
    assert row.rating.rag == "Green"


def test_bad_targets_are_refused_by_row_and_column(con, tmp_path):
    source = _targets_csv(tmp_path, "area,metric,period,target,tolerance\n"
                                    "Narnia,ehcp_20wk_pct,2024,50,0\n"
                                    "Plymouth,no_such_metric,2024,50,0\n"
                                    "Plymouth,ehcp_20wk_pct,Winter 2024,50,0\n"
                                    "Plymouth,ehcp_20wk_pct,2024,0.6,0\n"
                                    "Plymouth,ehcp_20wk_pct,2023,150,0\n"
                                    "Plymouth,ehcp_20wk_pct,2022,fifty,0\n")
    with pytest.raises(ImportFailure) as exc:
        _import_targets(con, source)
    text = str(exc.value)
    for needle in ("row 2, column 'area'", "row 3, column 'metric'", "row 4, column 'period'",
                   "row 5, column 'target': 0.6 looks like a fraction", "row 6, column 'target'", "row 7, column 'target'"):
        assert needle in text
    assert targets.targets_for(con, "E06000026").empty


def test_commentary_and_exception_note_reach_the_scorecard(con):
    targets.save_targets(con, [{"area_code": "E06000026", "metric_id": "ehcp_20wk_pct", "period_label": None,
                                "from_period": None, "to_period": None, "target": 60.0, "tolerance": 0,
                                "baseline_period": None}], actor=ADMIN)
    commentary.add(con, "E06000026", "ehcp_20wk_pct", "Autumn 2026/27", "Backlog of assessments from 2023.", actor=ADMIN, cause="EP shortage", action="Commissioned locum EPs", owner="Head of SEND",
                   recovery_period="Summer 2026/27")
    commentary.add(con, "E06000026", "tribunal_appeal_rate_pct", "Autumn 2026/27", "Internal: legal costs rising.", actor=ADMIN, internal=True)
    built = card.build(con, "E06000026", "Autumn 2026/27")
    row = next(r for r in built.rows if r.metric.id == "ehcp_20wk_pct")
    assert row.comment.text.startswith("Backlog") and row.comment.has_exception_note
    assert "Red without an exception note" not in row.flags
    assert next(r for r in built.rows if r.metric.id == "tribunal_appeal_rate_pct").comment.internal
    public = card.build(con, "E06000026", "Autumn 2026/27", public=True)
    assert next(r for r in public.rows if r.metric.id == "tribunal_appeal_rate_pct").comment is None


def test_exception_note_must_be_complete(con):
    with pytest.raises(commentary.CommentaryError, match="owner"):
        commentary.add(con, "E06000026", "ehcp_20wk_pct", "Autumn 2026/27", "x", actor=ADMIN, cause="c", action="a",
                       recovery_period="Summer 2026/27")


def test_priority_areas_group_the_scorecard(con):
    priorities.save(con, "E06000026", [
        priorities.Priority(1, "Assessment timeliness", ["ehcp_20wk_pct", "ehcp_requests_6wk_pct"]),
        priorities.Priority(2, "Disagreement", ["tribunal_appeal_rate_pct"]),
    ], known_metrics={"ehcp_20wk_pct", "ehcp_requests_6wk_pct", "tribunal_appeal_rate_pct"}, actor=ADMIN)
    groups = [g for g, _ in card.build(con, "E06000026", "Autumn 2026/27").groups()]
    assert groups[:2] == ["1. Assessment timeliness", "2. Disagreement"] and groups[-1] == "Other measures"
    with pytest.raises(priorities.PriorityError):
        priorities.save(con, "E06000026", [priorities.Priority(1, "A", ["ehcp_20wk_pct"]),
                                           priorities.Priority(2, "B", ["ehcp_20wk_pct"])], {"ehcp_20wk_pct"}, actor=ADMIN)


def test_plymouth_card_comparators_carry_their_periods(con):
    built = card.build(con, "E06000026", "Autumn 2026/27")
    row = next(r for r in built.rows if r.metric.id == "ehcp_20wk_pct")
    assert (row.value, row.period.label, row.previous, row.previous_period.label) == (6.0, "2024", 17.8, "2023")
    assert row.change == pytest.approx(-11.8)
    assert (row.england, row.comparator_period.label, row.rank, row.rank_of, row.quartile) == (46.4, "2024", 145, 149, "D")
    assert row.sn_count == 10 and row.sn_of == 10 and row.region is not None
    assert any("Series break at 2023" in f for f in row.flags)
    # Lag behind the publisher is said once per page; the row is not flagged, since 2024 is DfE's latest.
    assert not any("Older than" in f or "months before" in f for f in row.flags)
    words = card.describe_comparators(row)
    assert words["england"] == "46.4% (calendar year 2024)" and words["rank"] == "145th of 149"
    assert words["neighbours"].startswith("48.5% (mean of 10 of 10)")


def test_the_summary_reads_aloud(con):
    built = card.build(con, "E06000026", "Autumn 2026/27")
    lines = narrative.summary(built)
    assert ("Plymouth issued 6.0% (24 of 403) of new EHC plans within 20 weeks in 2024, down from 17.8% in 2023 and "
            "below England (46.4%) and its statistical neighbours (48.5%, mean of 10 of 10). It ranks 145th of 149."
            ) in lines


def test_edge_areas_build_without_error(con):
    for area in ("E06000063", "E06000053", "E09000001", "E92000001", "E12000009"):
        built = card.build(con, area, "Autumn 2026/27")
        assert built.rows and narrative.summary(built)
    city = card.build(con, "E09000001", "Autumn 2026/27")
    ehe = next(r for r in city.rows if r.metric.id == "ehe_anytime")
    assert ehe.value is None and "rounds to zero" in narrative.sentence(ehe, "City of London")
    timeliness = next(r for r in city.rows if r.metric.id == "ehcp_20wk_pct")
    assert "new EHC plans" in narrative.sentence(timeliness, "City of London")  # never "new ehc plans"
    cumberland = card.build(con, "E06000063", "Autumn 2026/27")
    excl = next(r for r in cumberland.rows if r.metric.id == "excl_perm_rate")
    assert any("formed in April 2023" in f and "Cumbria" in f for f in excl.flags)


def test_baseline_gives_change_and_trajectory_progress(con):
    targets.save_targets(con, [{"area_code": "E06000026", "metric_id": "tribunal_appeal_rate_pct", "period_label": None,
                                "from_period": None, "to_period": None, "target": 2.0, "tolerance": 0,
                                "baseline_period": "2022"}], actor=ADMIN)
    built = card.build(con, "E06000026", "Autumn 2026/27", baseline="2022")
    row = next(r for r in built.rows if r.metric.id == "tribunal_appeal_rate_pct")
    assert (row.baseline, row.baseline_period) == (5.8, "2022")
    assert row.change_since_baseline == pytest.approx(2.4)
    assert row.trajectory_progress == pytest.approx(100 * (8.2 - 5.8) / (2.0 - 5.8))


def test_scorecard_import_recognises_a_targets_file_and_undo_restores_the_old_targets(con, tmp_path, db_path, capsys):
    from scorecard import cli

    targets.save_targets(con, [{"area_code": "E06000026", "metric_id": "ehcp_20wk_pct", "period_label": None,
                                "from_period": None, "to_period": None, "target": 40.0, "tolerance": 0,
                                "baseline_period": None}], actor=ADMIN)
    con.close()
    path = tmp_path / "board_targets.csv"
    path.write_text("area,metric,from_period,to_period,target,tolerance\nPlymouth,ehcp_20wk_pct,,,60,5\n")
    assert cli.main(["--db", str(db_path), "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "board_targets.csv (targets)" in out and "1 targets set" in out
    from scorecard import store

    con = store.connect(str(db_path))
    assert targets.target_for(targets.targets_for(con, "E06000026"), "ehcp_20wk_pct", parse("2024")).target == 60
    history = con.execute("SELECT target, replaced_at IS NOT NULL, set_by FROM target ORDER BY id").fetchall()
    assert history == [(40.0, True, "test"), (60.0, False, history[1][2])], "the old target is kept, marked replaced"
    batch = con.execute("SELECT max(id) FROM import_batch WHERE format = 'targets-csv'").fetchone()[0]
    con.close()
    assert cli.main(["--db", str(db_path), "undo", str(batch), "--yes"]) == 0
    assert "1 targets removed" in capsys.readouterr().out
    con = store.connect(str(db_path))
    assert targets.target_for(targets.targets_for(con, "E06000026"), "ehcp_20wk_pct", parse("2024")).target == 40
    con.close()


def test_a_targets_file_for_england_is_refused(con, tmp_path):
    source = _targets_csv(tmp_path, "area,metric,period,target\nEngland,ehcp_20wk_pct,2024,50\n")
    with pytest.raises(ImportFailure, match="row 2, column 'area'"):
        _import_targets(con, source)


def test_the_targets_page_path_refuses_a_local_return(con, tmp_path):
    path = tmp_path / "return.csv"
    path.write_text("area,metric,period,value\nPlymouth,perm_staff_pct,Autumn 2025/26,88\n")
    with pytest.raises(ImportFailure, match="not a targets-csv file"):
        _import_targets(con, SourceFile.from_path(path))
