"""A metric's comparator table is cached on its fingerprint (queries.metric_fingerprints): it must
change when anything the table is computed from changes, and only then."""

from scorecard import ingest, local_returns, queries
from scorecard.importers import SourceFile

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")


def test_a_local_return_changes_the_fingerprints_of_its_own_measures_only(con, tmp_path):
    before = queries.metric_fingerprints(con)
    path = tmp_path / "r.csv"
    path.write_text("area,metric,period,value\nPlymouth,perm_staff_pct,Autumn 2026/27,70\n")
    batch = ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN).batch_id
    after = queries.metric_fingerprints(con)
    assert [m for m in before if before[m] != after[m]] == ["perm_staff_pct"]

    ingest.undo(con, batch, actor=ADMIN)  # the figure stays in history, no longer current: the table changes again
    undone = queries.metric_fingerprints(con)
    assert undone["perm_staff_pct"] not in (before["perm_staff_pct"], after["perm_staff_pct"])
    assert {m: f for m, f in undone.items() if m != "perm_staff_pct"} == \
        {m: f for m, f in before.items() if m != "perm_staff_pct"}


def test_a_change_to_a_shared_input_changes_every_fingerprint(con):
    before = queries.metric_fingerprints(con)
    con.execute("UPDATE area SET name = 'Plymouth City' WHERE code = 'E06000026'")
    after = queries.metric_fingerprints(con)
    assert all(before[m] != after[m] for m in before)
    con.execute("UPDATE neighbour SET rank = rank + 1 WHERE area_code = 'E06000026'")
    assert all(after[m] != f for m, f in queries.metric_fingerprints(con).items())


def test_the_sample_return_changes_exactly_the_measures_it_holds(con):
    before = queries.metric_fingerprints(con)
    batch = local_returns.load_sample(con, actor=ADMIN).batch_id
    after = queries.metric_fingerprints(con)
    held = {m for (m,) in con.execute("SELECT DISTINCT metric_id FROM metric_value WHERE batch_id = ?",
                                      [batch]).fetchall()}
    assert held and {m for m in before if before[m] != after[m]} == held


PLYMOUTH, CORNWALL = "E06000026", "E06000052"


def _scorecard_fingerprints(con) -> dict[str, int]:
    """Each area's scorecard fingerprint (queries.scorecard_fingerprint), as the dashboard keys them."""
    from scorecard.register import metrics_from_store

    national = {m.id for m in metrics_from_store(con).values() if m.national}
    tables = queries.metric_fingerprints(con)
    own = queries.area_fingerprints(con)
    return {area: queries.scorecard_fingerprint(area, own, tables, national) for area in (PLYMOUTH, CORNWALL)}


def test_a_local_return_for_one_area_leaves_other_areas_scorecards_alone(con, tmp_path):
    before = _scorecard_fingerprints(con)
    path = tmp_path / "r.csv"
    path.write_text("area,metric,period,value\nPlymouth,perm_staff_pct,Autumn 2026/27,70\n")
    ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    after = _scorecard_fingerprints(con)
    assert after[PLYMOUTH] != before[PLYMOUTH] and after[CORNWALL] == before[CORNWALL]


def test_an_areas_targets_and_commentary_change_its_scorecard_fingerprint(con, tmp_path):
    before = _scorecard_fingerprints(con)
    path = tmp_path / "targets.csv"
    path.write_text("area,metric,from_period,target,tolerance\nE06000052,ehcp_20wk_pct,2020,60,2.5\n")
    ingest.import_source(con, SourceFile.from_path(path), actor=ADMIN)
    after = _scorecard_fingerprints(con)
    assert after[CORNWALL] != before[CORNWALL] and after[PLYMOUTH] == before[PLYMOUTH]
    con.execute("INSERT INTO commentary (id, area_code, metric_id, period_label, text) "
                "VALUES (999, ?, 'ehcp_20wk_pct', '2024', 'Improving')", [PLYMOUTH])
    assert _scorecard_fingerprints(con)[PLYMOUTH] != after[PLYMOUTH]


def test_a_national_release_changes_every_areas_scorecard_fingerprint(con):
    before = _scorecard_fingerprints(con)
    con.execute("UPDATE metric_value SET value = value + 1 WHERE metric_id = 'ehcp_20wk_pct' "
                "AND area_code = 'E92000001' AND is_current")  # England's figure: every comparison moves
    after = _scorecard_fingerprints(con)
    assert all(after[a] != before[a] for a in before)
