"""Local targets: a single target (optionally over a range of periods) or a trajectory (a target per
term), each with a tolerance and an optional baseline period. Set in the app's editor, or imported
as a CSV (scorecard.importers.targets_csv) like any other file. Targets are never deleted: a replaced
target keeps when and by whom it was replaced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from . import periods, store
from .importers import targets_csv
from .importers.base import ImportContext, ImportFailure

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
    """All targets set for an area, one row each (the frame the app's editor shows)."""
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


def write_targets(con, rows: list[dict], who: str, now: datetime, replace_area: str | None = None,
                  batch_id: int | None = None) -> int:
    """Write checked target rows inside the caller's transaction. A target is never deleted: the one it
    replaces is marked replaced (when, by whom, by which batch), so the targets as they stood on any
    date can be shown again. With replace_area, every current target of that area is replaced (the
    app's editor); otherwise each row replaces the target for the same area, metric and period."""
    if replace_area:
        con.execute("UPDATE target SET replaced_at = ?, replaced_by = ?, replaced_by_batch = ? "
                    "WHERE area_code = ? AND replaced_at IS NULL", [now, who, batch_id, replace_area])
    for r in rows:
        if not replace_area:
            con.execute(
                "UPDATE target SET replaced_at = ?, replaced_by = ?, replaced_by_batch = ? "
                "WHERE replaced_at IS NULL AND area_code = ? AND metric_id = ? "
                "AND period_label IS NOT DISTINCT FROM ? AND from_period IS NOT DISTINCT FROM ? "
                "AND to_period IS NOT DISTINCT FROM ?",
                [now, who, batch_id, r["area_code"], r["metric_id"], r["period_label"], r["from_period"],
                 r["to_period"]])
        con.execute(
            "INSERT INTO target (id, area_code, metric_id, period_label, from_period, to_period, target, tolerance, "
            "baseline_period, set_by, set_at, replaced_at, replaced_by, replaced_by_batch, batch_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?)",
            [store.next_id(con, "target"), r["area_code"], r["metric_id"], r["period_label"], r["from_period"],
             r["to_period"], r["target"], r["tolerance"], r["baseline_period"], who, now, batch_id])
    return len(rows)


def save_targets(con, rows: list[dict], who: str, replace_area: str | None = None) -> int:
    """Write checked target rows in one transaction (see write_targets)."""
    def store_them(con) -> int:
        count = write_targets(con, rows, who, datetime.now(), replace_area)
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


def save_editor(con, area_code: str, frame: pd.DataFrame, who: str) -> int:
    """Save the app's target editor for one area (replacing that area's targets)."""
    rows = []
    for i, r in enumerate(frame.to_dict("records"), start=1):
        if not _given(r.get("metric_id")) and not _given(r.get("target")):
            continue
        rows.append({"metric": r.get("metric_id"), "period": r.get("period_label") or "",
                     "from_period": r.get("from_period") or "", "to_period": r.get("to_period") or "",
                     "target": "" if not _given(r.get("target")) else r.get("target"),
                     "tolerance": "" if not _given(r.get("tolerance")) else r.get("tolerance"),
                     "baseline_period": r.get("baseline_period") or "", "_row": i})
    clean, problems = targets_csv.check_rows(ImportContext.from_store(con), rows, "targets table",
                                             area_code=area_code)
    if problems:
        raise ImportFailure(problems)
    return save_targets(con, clean, who, replace_area=area_code)
