"""A return that revises many figures writes its revisions and their audit rows in sets: a handful of
statements, however many figures, each revision in the trail old beside new. Counted, not timed:
benchmarks/local_returns.py measures 20,000 revisions (README's benchmark table)."""

from __future__ import annotations

import pytest

from benchmarks.local_returns import write_return
from scorecard import access, audit, ingest, store
from scorecard.importers import ImportContext, SourceFile, read_file

ADMIN = access.command_line("test")
pytestmark = pytest.mark.both_backends


class CountingConnection:
    """The store's connection, counting the statements run through it."""

    def __init__(self, con):
        self._con = con
        self.statements: list[str] = []

    def execute(self, sql, *args, **kwargs):
        self.statements.append(" ".join(str(sql).split()))
        return self._con.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def test_revising_many_figures_is_a_few_statements_and_every_revision_is_audited(con, tmp_path):
    first, revised = tmp_path / "first.csv", tmp_path / "revised.csv"
    write_return(first, con, 600, seed_value=1)
    write_return(revised, con, 600, seed_value=2)
    ingest.import_source(con, SourceFile.from_path(first), actor=ADMIN)
    plan = read_file(SourceFile.from_path(revised), ImportContext.from_store(con))
    diff = ingest.preview(con, plan)
    changed = diff.rows[diff.rows["change"] == "changed"]
    assert len(changed) > 500

    counting = CountingConnection(store.cursor(con))
    result = ingest.commit(counting, plan, actor=ADMIN, seen=diff)
    assert result.changed == len(changed)
    audit_inserts = [s for s in counting.statements if s.startswith("INSERT INTO audit_event")]
    assert len(audit_inserts) == 2, f"{len(audit_inserts)} audit inserts"  # the import, and every revision
    assert len(counting.statements) < 60, len(counting.statements)

    trail = audit.events(con, action=audit.FIGURE_REVISED)
    trail = trail[trail["batch_id"] == result.batch_id].sort_values("id")
    assert len(trail) == len(changed)
    assert trail["id"].is_unique and list(trail["id"]) == list(range(trail["id"].min(), trail["id"].max() + 1))
    assert set(trail["who"]) == {ADMIN.label} and set(trail["how"]) == {access.COMMAND_LINE}
    first_change = changed.iloc[0]
    row = trail[(trail["subject"] == f"{first_change.metric_id} {first_change.period_label}")
                & (trail["area_code"] == first_change.area_code)].iloc[0]
    assert row["old_value"] == f"{first_change.old_value:,.10g}" and row["new_value"] == f"{first_change.value:,.10g}"
    assert len(set(audit.events(con)["id"])) == len(audit.events(con))  # no id given twice
