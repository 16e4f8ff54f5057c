"""Local targets: a single target (optionally over a range of periods) or a trajectory (a target per
term), each with a tolerance and an optional baseline period. Set in the app's form, or imported
as a CSV (scorecard.importers.targets_csv) like any other file. Targets are never deleted: a replaced
target keeps when and by whom it was replaced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from . import access, audit, periods, store

COLUMNS = ["metric_id", "period_label", "from_period", "to_period", "target", "tolerance", "baseline_period"]


@dataclass(frozen=True)
class Target:
    target: float
    tolerance: float
    baseline_period: str | None
    period_label: str | None
    from_period: str | None
    to_period: str | None

    def describe(self) -> str:
        if self.period_label:
            return f"trajectory point for {self.period_label}"
        if self.from_period or self.to_period:
            return f"target from {self.from_period or 'the start'} to {self.to_period or 'further notice'}"
        return "standing target"


def targets_for(con, area_code: str) -> pd.DataFrame:
    """All targets set for an area, one row each (the table the Targets page shows)."""
    return con.execute(
        "SELECT metric_id, period_label, from_period, to_period, target, tolerance, baseline_period, set_by, set_at "
        "FROM target WHERE area_code = ? AND replaced_at IS NULL "
        "ORDER BY metric_id, period_label NULLS FIRST, from_period",
        [area_code],
    ).df()


def target_for(frame: pd.DataFrame, metric_id: str, period: periods.Period) -> Target | None:
    """The target that applies to a figure: the trajectory point for its period, else a target whose
    range covers it (open ends allowed)."""
    rows = frame[frame["metric_id"] == metric_id]
    if not len(rows):
        return None
    exact = rows[rows["period_label"] == period.label]
    if len(exact):
        return _target(exact.iloc[-1])
    for r in rows[rows["period_label"].isna()].itertuples():
        start = periods.parse(r.from_period).start if _given(r.from_period) else None
        end = periods.parse(r.to_period).end if _given(r.to_period) else None
        if (start is None or period.end >= start) and (end is None or period.end <= end):
            return _target(r._asdict())
    return None


def _given(value) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and str(value).strip() != ""


def _target(r) -> Target:
    get = r.get if hasattr(r, "get") else r.__getitem__
    return Target(float(get("target")), float(get("tolerance") or 0),
                  get("baseline_period") if _given(get("baseline_period")) else None,
                  get("period_label") if _given(get("period_label")) else None,
                  get("from_period") if _given(get("from_period")) else None,
                  get("to_period") if _given(get("to_period")) else None)


# The current target for an area, metric and periods (its target and tolerance).
_CURRENT = ("SELECT target, tolerance FROM target WHERE replaced_at IS NULL AND area_code = ? AND metric_id = ? "
            "AND period_label IS NOT DISTINCT FROM ? AND from_period IS NOT DISTINCT FROM ? "
            "AND to_period IS NOT DISTINCT FROM ?")


def write_targets(con, rows: list[dict], who: str, now: datetime, replace_area: str | None = None,
                  batch_id: int | None = None, actor: access.Actor | None = None) -> int:
    """Write checked target rows inside the caller's transaction. A target is never deleted: the one it
    replaces is marked replaced (when, by whom, by which batch), so the targets as they stood on any
    date can be shown again. With replace_area, every current target of that area is replaced;
    otherwise each row replaces the target for the same area, metric and period. With an actor, each
    target set goes into the audit trail with the target it replaced."""
    if replace_area:
        con.execute("UPDATE target SET replaced_at = ?, replaced_by = ?, replaced_by_batch = ? "
                    "WHERE area_code = ? AND replaced_at IS NULL", [now, who, batch_id, replace_area])
    for r in rows:
        key = [r["area_code"], r["metric_id"], r["period_label"], r["from_period"], r["to_period"]]
        old = None
        if not replace_area:
            # DuckLake has no UPDATE ... RETURNING: the target being replaced is read first.
            replaced = con.execute(_CURRENT + " ORDER BY set_at", key).fetchall()
            old = _words(*replaced[-1]) if replaced else None
            con.execute(
                "UPDATE target SET replaced_at = ?, replaced_by = ?, replaced_by_batch = ? "
                "WHERE replaced_at IS NULL AND area_code = ? AND metric_id = ? "
                "AND period_label IS NOT DISTINCT FROM ? AND from_period IS NOT DISTINCT FROM ? "
                "AND to_period IS NOT DISTINCT FROM ?",
                [now, who, batch_id, *key])
        con.execute(
            "INSERT INTO target (id, area_code, metric_id, period_label, from_period, to_period, target, tolerance, "
            "baseline_period, set_by, set_at, replaced_at, replaced_by, replaced_by_batch, batch_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?)",
            [store.next_id(con, "target"), *key, r["target"], r["tolerance"], r["baseline_period"], who, now,
             batch_id])
        if actor is not None:
            audit.record(con, actor, audit.TARGET_SET, area_code=r["area_code"], subject=_subject(*key[1:]),
                         old=old, new=_words(r["target"], r["tolerance"]), batch_id=batch_id)
    return len(rows)


def _subject(metric_id: str, period_label, from_period, to_period) -> str:
    if period_label:
        return f"{metric_id} for {period_label}"
    if from_period or to_period:
        return f"{metric_id} from {from_period or 'the start'} to {to_period or 'further notice'}"
    return f"{metric_id} for every period"


def _words(target, tolerance) -> str:
    return f"{float(target):,.10g}" + (f" (tolerance {float(tolerance):,.10g})" if tolerance else "")


def check_rows(con, rows: list[dict], actor: access.Actor) -> None:
    """Refuse (and record the refusal) unless the actor may change targets for every row's area."""
    for code in sorted({r["area_code"] for r in rows}):
        audit.check(con, actor, access.TARGETS, code, subject="targets")


def save_targets(con, rows: list[dict], *, actor: access.Actor, replace_area: str | None = None) -> int:
    """Write checked target rows in one transaction (see write_targets), if the actor may."""
    check_rows(con, rows + ([{"area_code": replace_area}] if replace_area else []), actor)

    def store_them(con) -> int:
        count = write_targets(con, rows, actor.label, datetime.now(), replace_area, actor=actor)
        store.bump_data_version(con)
        return count

    return store.retrying(con, store_them)


def undo_batch(con, batch_id: int, who: str, now: datetime) -> int:
    """Inside the caller's transaction: retire the targets a batch set, and bring back those it replaced
    (unless a later change has set another target for the same area, metric and period)."""
    removed = con.execute("SELECT count(*) FROM target WHERE batch_id = ? AND replaced_at IS NULL",
                          [batch_id]).fetchone()[0]
    con.execute("UPDATE target SET replaced_at = ?, replaced_by = ? WHERE batch_id = ? AND replaced_at IS NULL",
                [now, who, batch_id])
    con.execute(
        """UPDATE target SET replaced_at = NULL, replaced_by = NULL, replaced_by_batch = NULL
           WHERE replaced_by_batch = ? AND NOT EXISTS (
               SELECT 1 FROM target c WHERE c.replaced_at IS NULL AND c.area_code = target.area_code
                 AND c.metric_id = target.metric_id AND c.period_label IS NOT DISTINCT FROM target.period_label
                 AND c.from_period IS NOT DISTINCT FROM target.from_period
                 AND c.to_period IS NOT DISTINCT FROM target.to_period)""",
        [batch_id])
    return removed


def retire(con, area_code: str, metric_id: str, period_label: str | None, from_period: str | None,
           to_period: str | None, *, actor: access.Actor) -> int:
    """Remove one current target (the area, metric and periods name it), if the actor may. Like a replaced
    target, it is kept, marked as removed, when and by whom. Returns how many were removed (0 or 1)."""
    subject = _subject(metric_id, period_label, from_period, to_period)
    audit.check(con, actor, access.TARGETS, area_code, subject=subject)

    def remove_it(con) -> int:
        key = [area_code, metric_id, period_label, from_period, to_period]
        removed = con.execute(_CURRENT + " ORDER BY set_at", key).fetchall()
        if removed:
            con.execute(
                "UPDATE target SET replaced_at = ?, replaced_by = ? WHERE replaced_at IS NULL AND area_code = ? "
                "AND metric_id = ? AND period_label IS NOT DISTINCT FROM ? AND from_period IS NOT DISTINCT FROM ? "
                "AND to_period IS NOT DISTINCT FROM ?", [datetime.now(), actor.label, *key])
            audit.record(con, actor, audit.TARGET_REMOVED, area_code=area_code, subject=subject,
                         old=_words(*removed[-1]), new=None)
            store.bump_data_version(con)
        return len(removed)

    return store.retrying(con, remove_it)
