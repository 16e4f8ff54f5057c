"""Every role against every write path, on a real store: what a role may not do is refused in a
sentence, writes nothing, and is recorded in the audit trail; what it may do is done and recorded with
the acting user (scorecard.access, scorecard.audit). The pages call these same functions."""

from __future__ import annotations

import pytest

from scorecard import access, audit, backup, board_metrics, commentary, ingest, local_returns, priorities, targets
from scorecard.access import ADMIN, EDITOR, VIEWER, Actor
from scorecard.importers.base import SourceFile
from tests.conftest import FIXTURES, store_fingerprint

PLYMOUTH, CORNWALL = "E06000026", "E06000052"
TERM = "Autumn 2025/26"

ACTORS = {
    "anonymous": access.anonymous(),
    "viewer": Actor("board@plymouth.example", VIEWER),
    "plymouth editor": Actor("editor@plymouth.example", EDITOR, {PLYMOUTH}),
    "cornwall editor": Actor("editor@cornwall.example", EDITOR, {CORNWALL}),
    "admin": Actor("admin@council.example", ADMIN),
}
SETUP = access.command_line("test setup")


def _csv(name: str, text: str) -> SourceFile:
    return SourceFile(name, text.encode("utf-8"))


PLYMOUTH_RETURN = "area,metric,period,value\nE06000026,perm_staff_pct,Autumn 2025/26,91\n"
MIXED_RETURN = ("area,metric,period,value\nE06000026,perm_staff_pct,Autumn 2025/26,91\n"
                "E06000052,perm_staff_pct,Autumn 2025/26,77\n")
PLYMOUTH_TARGETS = "area,metric,period,target,tolerance\nE06000026,ehcp_20wk_pct,,55,2\n"
TARGET_ROW = {"area_code": PLYMOUTH, "metric_id": "ehcp_20wk_pct", "period_label": None, "from_period": "2024",
              "to_period": None, "target": 50.0, "tolerance": 1.0, "baseline_period": None}
BOARD_METRIC = {"id": "board_visits", "name": "Family visits", "unit": "count", "polarity": "higher",
                "decimals": 0, "theme": "demand", "national": False, "cadence": "Termly"}


def _plymouth_batch(con) -> int:
    return ingest.import_source(con, _csv("earlier.csv", "area,metric,period,value\n"
                                          "E06000026,perm_staff_pct,Spring 2025/26,88\n"), actor=SETUP).batch_id


def _national_batch(con) -> int:
    return ingest.import_source(con, SourceFile.from_path(FIXTURES / "ees" / "timeliness_20_week.csv"),
                                actor=SETUP).batch_id


# Each write path: a name, the set-up it needs (run as the command line), and the write itself.
WRITES = {
    "local return for Plymouth": (None, lambda con, a, _: ingest.import_source(
        con, _csv("plymouth.csv", PLYMOUTH_RETURN), actor=a)),
    "local return with a Cornwall row": (None, lambda con, a, _: ingest.import_source(
        con, _csv("mixed.csv", MIXED_RETURN), actor=a)),
    "sample return (Plymouth)": (None, lambda con, a, _: local_returns.load_sample(con, actor=a)),
    "national release": (None, lambda con, a, _: ingest.import_source(
        con, SourceFile.from_path(FIXTURES / "ees" / "timeliness_20_week.csv"), actor=a)),
    "undo a Plymouth return": (_plymouth_batch, lambda con, a, batch: ingest.undo(con, batch, actor=a)),
    "undo a national release": (_national_batch, lambda con, a, batch: ingest.undo(con, batch, actor=a)),
    "set a target": (None, lambda con, a, _: targets.save_targets(con, [dict(TARGET_ROW)], actor=a)),
    "remove a target": (lambda con: targets.save_targets(con, [dict(TARGET_ROW)], actor=SETUP),
                        lambda con, a, _: targets.retire(con, PLYMOUTH, "ehcp_20wk_pct", None, "2024", None, actor=a)),
    "import targets": (None, lambda con, a, _: ingest.import_source(
        con, _csv("targets.csv", PLYMOUTH_TARGETS), actor=a)),
    "commentary": (None, lambda con, a, _: commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, "Improving.",
                                                         actor=a)),
    "exception note": (None, lambda con, a, _: commentary.add(
        con, PLYMOUTH, "ehcp_20wk_pct", TERM, "", actor=a, cause="EP shortage", action="Locum EPs",
        owner="Head of SEND", recovery_period="Summer 2025/26")),
    "priority areas": (None, lambda con, a, _: priorities.save(
        con, PLYMOUTH, [priorities.Priority(1, "Timeliness", ["ehcp_20wk_pct"])], {"ehcp_20wk_pct"}, actor=a)),
    "board measure": (None, lambda con, a, _: board_metrics.add_board_metric(con, dict(BOARD_METRIC), actor=a)),
}

# Who may: admins everything; Plymouth's editor Plymouth's local figures, targets and commentary.
PLYMOUTH_EDITOR_MAY = {"local return for Plymouth", "sample return (Plymouth)", "undo a Plymouth return",
                       "set a target", "remove a target", "import targets", "commentary", "exception note",
                       "priority areas"}


def allowed(role: str, write: str) -> bool:
    return role == "admin" or (role == "plymouth editor" and write in PLYMOUTH_EDITOR_MAY)


def _without_audit(con) -> dict:
    return {t: v for t, v in store_fingerprint(con).items() if t != "audit_event"}


def _trail(con, who: str, outcome: str):
    return audit.events(con, user=who, outcome=outcome)


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("role", list(ACTORS))
def test_every_role_against_every_write(con, role, write):
    setup, do = WRITES[write]
    made = setup(con) if setup else None
    actor = ACTORS[role]
    before = _without_audit(con)
    if allowed(role, write):
        do(con, actor, made)
        assert _without_audit(con) != before, f"{role} may {write}, but nothing changed"
        done = _trail(con, actor.label, audit.DONE)
        assert len(done), f"{write} by {role} is not in the audit trail"
        assert _trail(con, actor.label, audit.REFUSED).empty
    else:
        with pytest.raises(access.AccessRefused) as caught:
            do(con, actor, made)
        assert _without_audit(con) == before, f"{write} refused to {role}, but the store changed"
        assert "Nothing was written." in str(caught.value)
        refused = _trail(con, actor.label, audit.REFUSED)
        assert len(refused) == 1 and refused["detail"].iloc[0] == str(caught.value)
        assert _trail(con, actor.label, audit.DONE).empty


def test_a_return_with_another_areas_rows_is_refused_row_by_row(con):
    editor = ACTORS["plymouth editor"]
    text = MIXED_RETURN + "E06000052,perm_staff_pct,Spring 2025/26,70\n"
    before = _without_audit(con)
    with pytest.raises(ingest.ReturnRefused) as caught:
        ingest.import_source(con, _csv("mixed.csv", text), actor=editor)
    rows = [(i.row, i.column) for i in caught.value.issues]
    assert rows == [(3, "area"), (4, "area")]
    assert all("cannot import a local return for Cornwall" in i.message for i in caught.value.issues)
    assert "mixed.csv was not imported: 2 row(s)" in str(caught.value)
    assert _without_audit(con) == before


def test_an_editor_may_not_undo_a_batch_that_also_holds_another_areas_figures(con):
    batch = ingest.import_source(con, _csv("both.csv", MIXED_RETURN), actor=SETUP).batch_id
    before = _without_audit(con)
    with pytest.raises(access.AccessRefused, match="for E06000052|for Cornwall"):
        ingest.undo(con, batch, actor=ACTORS["plymouth editor"])
    assert _without_audit(con) == before


def test_the_trail_names_the_editor_against_the_change_with_old_and_new_values(con):
    editor = ACTORS["plymouth editor"]
    ingest.import_source(con, _csv("first.csv", PLYMOUTH_RETURN), actor=editor)
    revised = ingest.import_source(con, _csv("second.csv", PLYMOUTH_RETURN.replace(",91", ",94")), actor=editor)
    trail = audit.events(con, user="EDITOR@plymouth.example")
    assert set(trail["who"]) == {"editor@plymouth.example"} and set(trail["role"]) == {EDITOR}
    figure = trail[trail["action"] == audit.FIGURE_REVISED].iloc[0]
    assert (figure["area_code"], figure["subject"], figure["old_value"], figure["new_value"]) == (
        PLYMOUTH, "perm_staff_pct Autumn 2025/26", "91", "94")
    assert figure["batch_id"] == revised.batch_id
    imported = con.execute("SELECT imported_by FROM import_batch WHERE id = ?", [revised.batch_id]).fetchone()[0]
    assert imported == "editor@plymouth.example"


def test_targets_and_commentary_carry_who_and_the_values_they_replaced(con):
    editor = ACTORS["plymouth editor"]
    targets.save_targets(con, [dict(TARGET_ROW)], actor=editor)
    targets.save_targets(con, [{**TARGET_ROW, "target": 57.5}], actor=editor)
    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, "First word.", actor=editor)
    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, "Second word.", actor=editor, internal=True)
    trail = audit.events(con, user=editor.identity)
    target = trail[trail["action"] == audit.TARGET_SET].iloc[0]  # newest first
    assert (target["old_value"], target["new_value"]) == ("50 (tolerance 1)", "57.5 (tolerance 1)")
    note = trail[trail["action"] == audit.COMMENTARY].iloc[0]
    assert (note["old_value"], note["new_value"], note["detail"]) == ("First word.", "Second word.", "internal only")
    author = commentary.latest(con, PLYMOUTH, TERM)["ehcp_20wk_pct"].author
    assert author == editor.identity  # from the signed-in identity, never typed


def test_the_audit_trail_is_filtered_by_date_and_user(con):
    from datetime import date, timedelta

    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, "Seen.", actor=ACTORS["admin"])
    today = audit.events(con, since=date.today())
    assert today["action"].tolist() == [audit.COMMENTARY, audit.IMPORTED]  # newest first; then the seed's load
    assert audit.events(con, since=date.today() + timedelta(days=1)).empty
    assert audit.events(con, user="nobody@example.org").empty


def test_only_an_admin_reads_the_trail_through_events_for(con):
    for role in ("anonymous", "viewer", "plymouth editor"):
        with pytest.raises(access.AccessRefused):
            audit.events_for(con, ACTORS[role])
    assert audit.events_for(con, ACTORS["admin"])["action"].tolist() == [audit.IMPORTED]  # only the seed's load


def test_only_an_admin_restores_a_backup(con, tmp_path):
    path = tmp_path / "backup.zip"
    backup.write(con, path)
    before = _without_audit(con)
    with pytest.raises(access.AccessRefused):
        backup.restore(con, path, replace=True, actor=ACTORS["plymouth editor"])
    assert _without_audit(con) == before
