"""Commit an import plan to the store in one transaction, preview it first, and undo it later.

Revisions keep history: every release's figure is a row. The current figure for a metric, area
and period is the one from the newest release (then the latest batch); an older release imported
later is kept as history without displacing it. Undo deletes a batch's rows and recomputes which
figures are current, so whatever they replaced comes back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from . import access, audit, published, store, targets
from .published import CURRENT_ORDER
from .importers.base import LOCAL_PUBLICATION, VALUE_COLUMNS, ImportFailure, ImportPlan, Issue
from .importers.targets_csv import FORMAT as TARGETS_FORMAT
from .problems import UserProblem

_COMPARED = ("metric_id", "area_code", "period_label", "value", "numerator", "denominator", "status")
_CHANGES = np.array(["added", "unchanged", "changed"], dtype=object)
_SAME_FIGURE = (
    "v.value IS NOT DISTINCT FROM i.value AND v.status = i.status "
    "AND v.numerator IS NOT DISTINCT FROM i.numerator AND v.denominator IS NOT DISTINCT FROM i.denominator"
)


@dataclass
class Preview:
    """What committing a plan would change, row by row (column `change`)."""

    rows: pd.DataFrame

    def count(self, change: str) -> int:
        return int((self.rows["change"] == change).sum()) if len(self.rows) else 0

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def changed(self) -> int:
        return self.count("changed")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def history(self) -> int:
        return self.count("history")


@dataclass
class BatchResult:
    file_name: str
    format: str
    batch_id: int | None = None
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    history: int = 0
    rejected: int = 0
    neighbours: int = 0
    inspections: int = 0
    already_batch: int | None = None
    skipped: list[str] = field(default_factory=list)
    not_read: list[str] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        if self.already_batch is not None:
            return (f"{self.file_name}: already imported as batch {self.already_batch}; "
                    "nothing changed.")
        verb = "would import" if self.dry_run else f"imported as batch {self.batch_id}"
        if self.format == TARGETS_FORMAT:
            return f"{self.file_name} (targets): {verb}: {self.added} targets set."
        parts = [f"{self.added} added", f"{self.changed} revised", f"{self.unchanged} unchanged"]
        if self.history:
            parts.append(f"{self.history} kept as history (an older release than the current figure)")
        if self.rejected:
            parts.append(f"{self.rejected} rejected")
        if self.neighbours:
            parts.append(f"{self.neighbours} statistical-neighbour links")
        if self.inspections:
            parts.append(f"{self.inspections} area SEND inspections and revisits")
        lines = [f"{self.file_name} ({self.format}): {verb}: " + ", ".join(parts) + "."]
        lines += [f"  NOT READ (imported with --partial): {s}" for s in self.not_read]
        lines += [f"  skipped: {s}" for s in self.skipped]
        lines += [f"  warning: {w}" for w in self.warnings[:10]]
        if len(self.warnings) > 10:
            lines.append(f"  ... and {len(self.warnings) - 10} more warnings (`scorecard imports --issues {self.batch_id}`)")
        return "\n".join(lines)


def _incoming(plan: ImportPlan) -> pd.DataFrame:
    df = plan.values[VALUE_COLUMNS].copy(deep=False) if len(plan.values) else pd.DataFrame(columns=VALUE_COLUMNS)
    for col in ("value", "numerator", "denominator"):
        df[col] = pd.to_numeric(df[col]).astype("float64")
    for col in ("metric_id", "area_code", "period_label", "status", "note", "source_id", "source_file",
                "source_column", "published_area"):
        # Text columns stay as pandas strings, which DuckDB reads as they are (missing is NULL);
        # turning 200,000 rows of them into Python objects would take 100 MB.
        if not isinstance(df[col].dtype, pd.StringDtype):
            df[col] = df[col].astype("object").where(df[col].notna(), None)
    df["source_row"] = pd.to_numeric(df["source_row"]).astype("Int64")
    return df


def _release_dates(con, plan: ImportPlan) -> dict[str, date]:
    dates = dict(con.execute("SELECT id, release_date FROM source_release").fetchall())
    for r in plan.new_releases:
        dates[r["id"]] = date.today()
    return dates


def preview(con, plan: ImportPlan) -> Preview:
    """Compare the plan with the store's current figures, without writing anything."""
    incoming = _incoming(plan)
    if not len(incoming):
        return Preview(incoming.assign(change=pd.Series(dtype=str)))
    # Only the keys and figures go to DuckDB, and only the stored figures come back, by row number:
    # a large return's text columns are never copied (a 200,000-row return stays under 400 MB).
    store.register_frame(con, "incoming", incoming[list(_COMPARED)].assign(_i=np.arange(len(incoming))))
    found = con.execute(
        f"""
        SELECT i._i, v.value AS old_value, v.numerator AS old_numerator, v.denominator AS old_denominator,
               v.status AS old_status, v.source_id AS old_source_id,
               CASE WHEN v.id IS NULL THEN 0 WHEN {_SAME_FIGURE} THEN 1 ELSE 2 END AS change
        FROM incoming i
        LEFT JOIN metric_value v ON v.is_current AND v.metric_id = i.metric_id
             AND v.area_code = i.area_code AND v.period_label = i.period_label
        ORDER BY i._i
        """
    ).df()
    con.unregister("incoming")
    order = found["_i"].to_numpy()
    in_order = len(order) == len(incoming) and bool((order == np.arange(len(order))).all())
    rows = incoming if in_order else incoming.iloc[order].reset_index(drop=True)
    for column in ("old_value", "old_numerator", "old_denominator", "old_status", "old_source_id"):
        rows[column] = found[column].to_numpy()
    rows["change"] = _CHANGES[found["change"].to_numpy()]
    del found
    # A figure from an older release than the current one is kept as history, not a revision.
    dates = _release_dates(con, plan)
    older = rows["change"].eq("changed") & pd.Series(
        [(dates.get(new) or date.min) < (dates.get(old) or date.min)
         for new, old in zip(rows["source_id"], rows["old_source_id"])],
        index=rows.index, dtype=bool)
    rows.loc[older, "change"] = "history"
    publications = dict(con.execute("SELECT id, publication_id FROM source_release").fetchall())
    publications.update({r["id"]: r["publication_id"] for r in plan.new_releases})
    board_under_publisher = rows["change"].eq("changed") & pd.Series(
        [publications.get(new) == LOCAL_PUBLICATION and old is not None and publications.get(old) != LOCAL_PUBLICATION
         for new, old in zip(rows["source_id"], rows["old_source_id"])], index=rows.index, dtype=bool)
    rows.loc[board_under_publisher, "change"] = "history"
    calculated_over_printed = rows["change"].eq("changed") & rows["status"].eq("computed") & \
        rows["old_status"].notna() & rows["old_status"].ne("computed")
    rows.loc[calculated_over_printed, "change"] = "history"
    return Preview(rows)


def is_local(plan_format: str) -> bool:
    return plan_format.startswith("local-return")


def area_refusals(plan: ImportPlan, actor: access.Actor, names: dict[str, str] | None = None) -> list[Issue]:
    """Each row of a local return or a targets file for an area the actor may not change, with why
    (empty when every row is the actor's to change). Names come from `names` (code -> name)."""
    action = access.TARGETS if plan.targets is not None else access.LOCAL_RETURN
    if plan.targets is not None:
        rows = [(r.get("_row"), r["area_code"]) for r in plan.targets]
    else:
        rows = list(zip(plan.values["source_row"], plan.values["area_code"])) if len(plan.values) else []
    names = names or {}
    out = []
    for row, code in rows:
        if actor.may(action, code):
            continue
        try:
            access.require(actor, action, code, names.get(code))
        except access.AccessRefused as refusal:
            out.append(Issue(plan.file_name, str(refusal).replace(" Nothing was written.", ""),
                             row=None if row is None or pd.isna(row) else int(row), column="area"))
    return out


class ReturnRefused(access.AccessRefused):
    """A local return or targets file with rows the actor may not change: `issues` names each row."""

    def __init__(self, refusal: access.AccessRefused, issues: list[Issue]):
        self.issues = issues
        super().__init__(str(refusal), refusal.actor, refusal.action, refusal.area_code)


def plan_refusal(con, plan: ImportPlan, actor: access.Actor) -> access.AccessRefused | None:
    """Why the actor may not commit the plan, or None: a national release unless an admin; a local return or
    targets file with any row for an area not theirs, row by row (ReturnRefused). Records nothing."""
    if not (is_local(plan.format) or plan.targets is not None):
        try:
            access.require(actor, access.NATIONAL_IMPORT)
        except access.AccessRefused as refusal:
            return refusal
        return None
    names = dict(con.execute("SELECT code, name FROM area").fetchall())
    issues = area_refusals(plan, actor, names)
    if not issues:
        return None
    action = access.TARGETS if plan.targets is not None else access.LOCAL_RETURN
    refusal = access.AccessRefused(
        f"{plan.file_name} was not imported: {len(issues)} row(s) are for an area {actor.identity} may not change, "
        f"listed row by row. The first: {issues[0]}. Nothing was written.", actor, action)
    return ReturnRefused(refusal, issues)


def check_plan(con, plan: ImportPlan, actor: access.Actor) -> None:
    """Raise plan_refusal's refusal, if any, once it is recorded in the audit trail."""
    refusal = plan_refusal(con, plan, actor)
    if refusal is not None:
        audit.refused(con, refusal, subject=plan.file_name)
        raise refusal


def commit(con, plan: ImportPlan, *, actor: access.Actor, seen: Preview | None = None) -> BatchResult:
    """Write the plan as one batch, in one transaction, if the actor may (check_plan: a refusal writes
    nothing but the audit trail's record of it). Re-importing the same file is a no-op."""
    check_plan(con, plan, actor)
    result = BatchResult(plan.file_name, plan.format, skipped=list(plan.skipped), warnings=list(plan.warnings),
                         rejected=plan.rows_rejected, not_read=list(plan.not_read))
    first_try = [seen]

    def write_once(con) -> None:
        # Inside the transaction: on a shared store another import may have landed since the preview,
        # so a retry looks again (the same file twice is still a no-op).
        existing = store.committed_batch_for(con, plan.sha256)
        if existing is not None:
            result.already_batch = existing
            return
        diff = first_try.pop() if first_try and first_try[0] is not None else preview(con, plan)
        first_try.clear()
        write(con, plan, diff, result, actor.label, actor)
        _audit_import(con, plan, diff, result, actor)

    store.retrying(con, write_once)
    return result


def _audit_import(con, plan: ImportPlan, diff: Preview, result: BatchResult, actor: access.Actor) -> None:
    """The import in the audit trail, with each revised figure of a local return old beside new (a
    national release's revisions stay in the store's history, batch by batch)."""
    areas = sorted(set(plan.values["area_code"])) if len(plan.values) else sorted(
        {r["area_code"] for r in plan.targets or []})
    audit.record(con, actor, audit.IMPORTED, area_code=areas[0] if len(areas) == 1 else None,
                 subject=f"{plan.file_name} ({plan.format})", new=_import_words(result),
                 batch_id=result.batch_id)
    if not is_local(plan.format) or not len(diff.rows):
        return
    changed = diff.rows[diff.rows["change"] == "changed"]
    if not len(changed):
        return
    # Every revision in one statement (one per revised figure took 24 s for 20,000 on a file store).
    audit.record_many(con, actor, audit.FIGURE_REVISED, pd.DataFrame({
        "area_code": changed["area_code"].to_numpy(),
        "subject": [f"{m} {p}" for m, p in zip(changed["metric_id"], changed["period_label"])],
        "old_value": [_figure(v, s) for v, s in zip(changed["old_value"], changed["old_status"])],
        "new_value": [_figure(v, s) for v, s in zip(changed["value"], changed["status"])]}),
        batch_id=result.batch_id)


def _figure(value, status) -> str:
    """A figure for the audit trail, as the Local returns preview shows it."""
    if status is None or (isinstance(status, float) and status != status):
        return ""
    if value is None or pd.isna(value):
        return published.status_words(status)
    return f"{value:,.10g}" + (" (illustrative)" if status == published.ILLUSTRATIVE else "")


def _import_words(result: BatchResult) -> str:
    if result.format == TARGETS_FORMAT:
        return f"{result.added} targets set"
    return f"{result.added} added, {result.changed} revised, {result.unchanged + result.history} unchanged"


def write(con, plan: ImportPlan, diff: Preview, result: BatchResult, who: str,
          actor: access.Actor | None = None) -> None:
    """Write a plan as one batch inside the caller's transaction, filling in `result`. No permission is
    checked here: callers check (commit does; the seed is loaded by `scorecard init`)."""
    result.added, result.changed, result.unchanged, result.history = (
        diff.added, diff.changed, diff.unchanged, diff.history)
    for r in plan.new_releases:
        _insert_release(con, r)
    batch_id = store.next_id(con, "import_batch")
    con.execute(
        "INSERT INTO import_batch (id, file_name, sha256, format, source_id, imported_at, imported_by, "
        "rows_added, rows_changed, rows_unchanged, rows_rejected, status, undone_at, undone_by, summary) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'committed', NULL, NULL, ?)",
        [batch_id, plan.file_name, plan.sha256, plan.format, plan.source_id, datetime.now(), who,
         result.added, result.changed, result.unchanged + result.history, result.rejected,
         json.dumps({"skipped": plan.skipped, "not_read": plan.not_read, "history": result.history})],
    )
    result.batch_id = batch_id
    if plan.targets is not None:
        result.added = targets.write_targets(con, plan.targets, who, datetime.now(), batch_id=batch_id,
                                             actor=actor)
        con.execute("UPDATE import_batch SET rows_added = ? WHERE id = ?", [result.added, batch_id])
    _insert_periods(con, plan)
    incoming = _incoming(plan)
    if len(incoming):
        store.register_frame(con, "incoming", incoming)
        # A figure the same release already gave (in a batch still committed) is not stored twice.
        con.execute(
            f"""
            INSERT INTO metric_value (id, metric_id, area_code, period_label, value, numerator, denominator,
                status, note, source_id, batch_id, source_file, source_row, published_area, is_current)
            SELECT ? + row_number() OVER () - 1, metric_id, area_code, period_label, value, numerator, denominator,
                   status, note, source_id, ?, source_file, source_row, published_area, FALSE
            FROM incoming i
            WHERE NOT EXISTS (
                SELECT 1 FROM metric_value v JOIN import_batch b ON b.id = v.batch_id AND b.status = 'committed'
                WHERE v.metric_id = i.metric_id AND v.area_code = i.area_code
                  AND v.period_label = i.period_label AND v.source_id = i.source_id AND {_SAME_FIGURE})
            """,
            [store.next_id(con, "metric_value"), batch_id],
        )
        con.unregister("incoming")
        recompute_current(con, sorted(set(incoming["metric_id"])))
    if plan.neighbours is not None and len(plan.neighbours):
        nb = plan.neighbours.assign(batch_id=batch_id)[
            ["model_year", "area_code", "rank", "neighbour_code", "closeness", "batch_id"]]
        store.register_frame(con, "incoming_neighbours", nb)
        con.execute("INSERT INTO neighbour SELECT * FROM incoming_neighbours")
        con.unregister("incoming_neighbours")
        result.neighbours = len(nb)
    if plan.inspections is not None and len(plan.inspections):
        from . import inspections

        result.inspections = inspections.write(con, plan.inspections, batch_id)
    for w in plan.warnings:
        con.execute("INSERT INTO import_issue VALUES (?, ?, ?, ?, ?, ?)",
                    [batch_id, w.file, w.row, w.column, w.severity, w.message])
    store.bump_data_version(con)


def dry_run_result(con, plan: ImportPlan) -> BatchResult:
    result = BatchResult(plan.file_name, plan.format, skipped=list(plan.skipped), warnings=list(plan.warnings),
                         rejected=plan.rows_rejected, not_read=list(plan.not_read), dry_run=True)
    existing = store.committed_batch_for(con, plan.sha256)
    if existing is not None:
        result.already_batch = existing
        return result
    diff = preview(con, plan)
    result.added, result.changed, result.unchanged, result.history = (
        diff.added, diff.changed, diff.unchanged, diff.history)
    result.neighbours = 0 if plan.neighbours is None else len(plan.neighbours)
    result.inspections = 0 if plan.inspections is None else len(plan.inspections)
    if plan.targets is not None:
        result.added = len(plan.targets)
    return result




def recompute_current(con, metric_ids: list[str]) -> None:
    """Mark, for each metric, area and period, the figure from the newest release as current.
    A publisher's figure beats a board's own (a provisional local figure gives way when the release
    arrives, and stays in history), and a figure the release printed beats one calculated from its counts."""
    con.execute(
        """
        UPDATE metric_value SET is_current = ranked.rn = 1 AND ranked.committed
        FROM (
            SELECT v.id, coalesce(b.status = 'committed', FALSE) AS committed, row_number() OVER (
                PARTITION BY v.metric_id, v.area_code, v.period_label ORDER BY """ + CURRENT_ORDER + """) AS rn
            FROM metric_value v LEFT JOIN source_release s ON s.id = v.source_id
            LEFT JOIN import_batch b ON b.id = v.batch_id
            WHERE v.metric_id IN (SELECT unnest(?::VARCHAR[]))
        ) ranked
        WHERE metric_value.id = ranked.id AND metric_value.is_current IS DISTINCT FROM (ranked.rn = 1 AND ranked.committed)
        """,
        [list(metric_ids)],
    )


class UndoError(UserProblem, ValueError):
    pass


def batch_areas(con, batch_id: int) -> list[str]:
    """The areas a batch holds figures or targets for."""
    return [r[0] for r in con.execute(
        "SELECT area_code FROM metric_value WHERE batch_id = ? UNION SELECT area_code FROM target WHERE batch_id = ? "
        "ORDER BY 1", [batch_id, batch_id]).fetchall()]


def describe_batch(con, batch_id: int) -> str:
    """What undoing a batch removes, in words, for the question asked before it is done: 'batch 3: 14
    targets for Plymouth, and every rating that rests on them, imported by officer@plymouth.gov.uk on
    7 December 2026 at 05:16 (targets.csv)'. UndoError for a batch there is not."""
    row = con.execute("SELECT file_name, status, format, imported_by, imported_at FROM import_batch WHERE id = ?",
                      [batch_id]).fetchone()
    if row is None:
        raise UndoError(f"there is no import batch {batch_id}; `scorecard imports` lists them")
    file_name, status, fmt, who, when = row
    if fmt == TARGETS_FORMAT:
        count = con.execute("SELECT count(*) FROM target WHERE batch_id = ? AND replaced_at IS NULL",
                            [batch_id]).fetchone()[0]
        what = f"{count:,} target{'s' if count != 1 else ''}"
        after = ", and every rating that rests on them"
    else:
        count = con.execute("SELECT count(*) FROM metric_value WHERE batch_id = ?", [batch_id]).fetchone()[0]
        what = f"{count:,} figure{'s' if count != 1 else ''}"
        after = ""
    names = [r[0] for r in con.execute(
        "SELECT a.name FROM area a WHERE a.code IN (SELECT unnest(?::VARCHAR[])) ORDER BY a.name",
        [batch_areas(con, batch_id)]).fetchall()]
    where = ""
    if len(names) == 1:
        where = f" for {names[0]}"
    elif names:
        where = f" for {len(names)} areas"
    moment = f" on {when.day} {when:%B %Y at %H:%M}" if when else ""
    state = "" if status == "committed" else f" (already {status})"
    return f"batch {batch_id}{state}: {what}{where}{after}, imported by {who or 'an unknown user'}{moment} ({file_name})"


def check_undo(con, batch_id: int, actor: access.Actor, fmt: str, file_name: str) -> None:
    """An admin may undo any import; an editor a local return or targets file all of whose areas are theirs."""
    subject = f"batch {batch_id} ({file_name})"
    if actor.role == access.ADMIN:
        return
    if not (is_local(fmt) or fmt == TARGETS_FORMAT):
        audit.check(con, actor, access.UNDO, subject=subject)
    for code in batch_areas(con, batch_id) or [None]:
        audit.check(con, actor, access.UNDO, code, subject=subject)


def undo(con, batch_id: int, *, actor: access.Actor) -> str:
    """Remove a batch's figures and neighbour links, restoring whatever they had replaced."""
    row = con.execute("SELECT file_name, status, format FROM import_batch WHERE id = ?", [batch_id]).fetchone()
    if row is None:
        raise UndoError(f"there is no import batch {batch_id}; `scorecard imports` lists them")
    file_name, status, fmt = row
    check_undo(con, batch_id, actor, fmt, file_name)
    who = actor.label
    if status != "committed":
        raise UndoError(f"batch {batch_id} ({file_name}) was already undone")
    def undo_once(con) -> int:
        # Nothing is deleted: the batch is marked undone, so its figures stop counting but stay in the
        # store's history (a pack regenerated "as at" a date before the undo shows them again).
        if con.execute("SELECT status FROM import_batch WHERE id = ?", [batch_id]).fetchone()[0] != "committed":
            raise UndoError(f"batch {batch_id} ({file_name}) was already undone")
        metrics = [r[0] for r in con.execute(
            "SELECT DISTINCT metric_id FROM metric_value WHERE batch_id = ?", [batch_id]).fetchall()]
        removed = con.execute("SELECT count(*) FROM metric_value WHERE batch_id = ?", [batch_id]).fetchone()[0]
        now = datetime.now()
        con.execute("UPDATE import_batch SET status = 'undone', undone_at = ?, undone_by = ? WHERE id = ?",
                    [now, who, batch_id])
        recompute_current(con, metrics)
        if fmt == TARGETS_FORMAT:
            removed = targets.undo_batch(con, batch_id, who, now)
        areas = batch_areas(con, batch_id)
        audit.record(con, actor, audit.UNDONE, area_code=areas[0] if len(areas) == 1 else None,
                     subject=f"batch {batch_id} ({file_name})", old="committed", new="undone",
                     detail=f"{removed} {'targets' if fmt == TARGETS_FORMAT else 'figures'} removed", batch_id=batch_id)
        store.bump_data_version(con)
        return removed

    removed = store.retrying(con, undo_once)
    what = "targets" if fmt == TARGETS_FORMAT else "figures"
    return f"Batch {batch_id} ({file_name}) undone: {removed} {what} removed; what they replaced is current again."


def _insert_release(con, r: dict) -> None:
    pub = con.execute("SELECT publisher, licence, url FROM publication WHERE id = ?", [r["publication_id"]]).fetchone()
    publisher, licence, url = pub if pub else ("", "", "")
    from .register import attribution

    if con.execute("SELECT count(*) FROM source_release WHERE id = ?", [r["id"]]).fetchone()[0]:
        return
    con.execute(
        "INSERT INTO source_release VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)",
        [r["id"], r["publication_id"], r["title"], f"imported {date.today():%d %B %Y}", date.today(),
         json.dumps(r["covers_to"]), url, licence, attribution(publisher, r["title"], licence) if publisher else ""],
    )


def _insert_periods(con, plan: ImportPlan) -> None:
    for p in plan.periods.values():
        con.execute("INSERT INTO period SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM period WHERE label = ?)",
                    [p.label, p.kind, p.start, p.end, p.label])


def os_user() -> str:
    return access.os_user()


def import_source(con, source, dry_run: bool = False, *, actor: access.Actor,
                  model_year: int | None = None, confirm=None, partial: bool = False,
                  expect: str | None = None) -> BatchResult | None:
    """Read any supported file and commit it (or, with dry_run, say what it would do).
    `confirm(plan, preview) -> bool` is asked first for local returns; None means commit.
    `expect` (a format, such as TARGETS_FORMAT) refuses any other kind of file."""
    try:
        local_only = reads_for(actor)  # before anything of the file is read
    except access.AccessRefused as refusal:
        audit.refused(con, refusal, subject=source.name)
        raise
    existing = store.committed_batch_for(con, source.sha256)
    if existing is not None:
        return BatchResult(source.name, "already imported", already_batch=existing, dry_run=dry_run)
    try:
        plan = read_source(con, source, model_year=model_year, partial=partial, local_only=local_only, actor=actor)
        if expect is not None and plan.format != expect:
            raise ImportFailure(Issue(source.name, f"is a {plan.format} file, not a {expect} file"))
    except access.AccessRefused as refusal:
        audit.refused(con, refusal, subject=source.name)
        raise
    except ImportFailure as failure:
        if not dry_run:  # a refused file is in the audit trail like any refused change (a dry run asks only)
            audit.file_refused(con, actor, source.name, failure)
        raise
    if dry_run:
        return dry_run_result(con, plan)
    if confirm is not None and is_local(plan.format):
        check_plan(con, plan, actor)
        seen = preview(con, plan)
        return commit(con, plan, actor=actor, seen=seen) if confirm(plan, seen) else None
    return commit(con, plan, actor=actor)


def reads_for(actor: access.Actor) -> bool:
    """Asked before a file is read at all: whether the actor may import only local returns and targets
    files (an editor: True) or anything (an admin: False). Anyone else is refused (AccessRefused, not
    recorded here), so no reader ever expands a file for them."""
    if actor.may(access.NATIONAL_IMPORT):
        return False
    if actor.role == access.EDITOR and actor.areas:
        return True
    access.require(actor, access.LOCAL_RETURN)
    raise AssertionError("unreachable: require refuses whoever may import nothing")


def read_source(con, source, model_year: int | None = None, partial: bool = False, local_only: bool = False,
                actor: access.Actor | None = None) -> ImportPlan:
    """Read any supported file into a plan against the store as it is now, writing nothing:
    preview it (`preview`), show the changes, then `commit(con, plan, seen=...)`. Given the actor, their
    access is checked first (reads_for), and a file an editor may not import is refused (AccessRefused,
    not recorded) as soon as its kind is known, before it is read."""
    from .importers import ImportContext, NotALocalFile, read_file

    if actor is not None:
        local_only = reads_for(actor) or local_only
    ctx = ImportContext.from_store(con)
    ctx.partial = partial
    try:
        return read_file(source, ctx, model_year=model_year, local_only=local_only)
    except NotALocalFile as exc:
        if actor is None:
            raise
        raise access.AccessRefused(
            f"{source.name} {exc.issues[0].message}: {actor.identity} is {access.ROLE_WORDS[actor.role]}, and only an "
            "admin imports published releases. Nothing was written.", actor, access.NATIONAL_IMPORT) from None
