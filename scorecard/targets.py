"""Local targets: a single target (optionally over a range of periods) or a trajectory (a target per
term), each with a tolerance and an optional baseline period. Set in the app's form, or imported
as a CSV (scorecard.importers.targets_csv) like any other file. Targets are never deleted: a replaced
target keeps when and by whom it was replaced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from . import access, audit, periods, store
from .problems import UserProblem

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


class TargetOverlap(UserProblem, ValueError):
    """Two targets would apply to the same measure and period."""


def _span(from_period, to_period) -> tuple:
    """The dates a range target covers (a figure counts when its period ends inside them); None is open."""
    return (periods.parse(from_period).start if _given(from_period) else None,
            periods.parse(to_period).end if _given(to_period) else None)


def _overlap(a: tuple, b: tuple) -> bool:
    (a_start, a_end), (b_start, b_end) = a, b
    return (a_start is None or b_end is None or a_start <= b_end) and (b_start is None or a_end is None or b_start <= a_end)


def _range_words(from_period, to_period) -> str:
    if _given(from_period) and _given(to_period):
        return f"from {from_period} to {to_period}"
    if _given(from_period):
        return f"from {from_period} onwards"
    return f"up to {to_period}" if _given(to_period) else "for every period"


def overlapping_rows(rows: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs of range targets among `rows` for the same area and measure whose periods overlap."""
    ranges = [r for r in rows if not _given(r.get("period_label"))]
    return [(a, b) for i, a in enumerate(ranges) for b in ranges[i + 1:]
            if (a["area_code"], a["metric_id"]) == (b["area_code"], b["metric_id"])
            and _overlap(_span(a["from_period"], a["to_period"]), _span(b["from_period"], b["to_period"]))]


def _make_room(con, r: dict, who: str, now: datetime, batch_id, actor, ended: list | None = None) -> None:
    """Before a range target is written: a current range target of the same area and measure whose
    periods overlap it is never left beside it. Where both run on ("from 2020 onwards", then "from
    Autumn 2025/26 onwards"), the earlier is ended explicitly at the period before the new one starts
    (kept, replaced by a copy with that end, in the audit trail); any other overlap is refused, naming
    both."""
    if _given(r.get("period_label")):
        return
    new = _span(r["from_period"], r["to_period"])
    current = con.execute(
        "SELECT from_period, to_period, target, tolerance, baseline_period FROM target WHERE replaced_at IS NULL "
        "AND area_code = ? AND metric_id = ? AND period_label IS NULL "
        "AND NOT (from_period IS NOT DISTINCT FROM ? AND to_period IS NOT DISTINCT FROM ?)",
        [r["area_code"], r["metric_id"], r["from_period"], r["to_period"]]).fetchall()
    for start, end, target, tolerance, baseline in current:
        if not _overlap(_span(start, end), new):
            continue
        # The new target takes over from a standing one: both run on, the new one from a later start.
        runs_on_from_before = (not _given(end) and not _given(r["to_period"]) and _given(r["from_period"])
                               and (not _given(start) or _span(start, None)[0] < new[0]))
        before = periods.period_before(periods.parse(r["from_period"])) if runs_on_from_before else None
        if before is None or (_given(start) and periods.parse(start).start > before.end):
            raise TargetOverlap(
                f"Nothing was saved: a target for {r['metric_id']} already applies {_range_words(start, end)}, "
                f"which overlaps {_range_words(r['from_period'], r['to_period'])}. Two targets never apply to "
                "one measure and period: give the existing one an end, or remove it first.")
        closed = {"area_code": r["area_code"], "metric_id": r["metric_id"], "period_label": None,
                  "from_period": start, "to_period": before.label, "target": target, "tolerance": tolerance,
                  "baseline_period": baseline}
        con.execute("UPDATE target SET replaced_at = ?, replaced_by = ?, replaced_by_batch = ? WHERE replaced_at IS NULL "
                    "AND area_code = ? AND metric_id = ? AND period_label IS NULL "
                    "AND from_period IS NOT DISTINCT FROM ? AND to_period IS NULL",
                    [now, who, batch_id, r["area_code"], r["metric_id"], start])
        _insert(con, closed, who, now, batch_id)
        if ended is not None:
            ended.append(f"the target {_range_words(start, None)} now ends at {before.label}")
        if actor is not None:
            audit.record(con, actor, audit.TARGET_SET, area_code=r["area_code"],
                         subject=_subject(r["metric_id"], None, start, before.label),
                         old=f"{_words(target, tolerance)} {_range_words(start, None)}",
                         new=f"{_words(target, tolerance)} {_range_words(start, before.label)}, ended where "
                             f"the target {_range_words(r['from_period'], r['to_period'])} begins", batch_id=batch_id)


def _insert(con, r: dict, who: str, now: datetime, batch_id) -> None:
    con.execute(
        "INSERT INTO target (id, area_code, metric_id, period_label, from_period, to_period, target, tolerance, "
        "baseline_period, set_by, set_at, replaced_at, replaced_by, replaced_by_batch, batch_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?)",
        [store.next_id(con, "target"), r["area_code"], r["metric_id"], r["period_label"], r["from_period"],
         r["to_period"], r["target"], r["tolerance"], r["baseline_period"], who, now, batch_id])


# The current target for an area, metric and periods (its target and tolerance).
_CURRENT = ("SELECT target, tolerance FROM target WHERE replaced_at IS NULL AND area_code = ? AND metric_id = ? "
            "AND period_label IS NOT DISTINCT FROM ? AND from_period IS NOT DISTINCT FROM ? "
            "AND to_period IS NOT DISTINCT FROM ?")


def write_targets(con, rows: list[dict], who: str, now: datetime, replace_area: str | None = None,
                  batch_id: int | None = None, actor: access.Actor | None = None, ended: list | None = None) -> int:
    """Write checked target rows inside the caller's transaction. A target is never deleted: the one it
    replaces is marked replaced (when, by whom, by which batch), so the targets as they stood on any
    date can be shown again. With replace_area, every current target of that area is replaced;
    otherwise each row replaces the target for the same area, metric and period. Two targets never
    both apply to one measure and period: a standing target that runs on is ended where a later one
    begins, and any other overlap is refused (TargetOverlap), as are overlapping rows. With an actor,
    each target set goes into the audit trail with the target it replaced."""
    clash = overlapping_rows(rows)
    if clash:
        a, b = clash[0]
        raise TargetOverlap(f"Nothing was saved: two targets for {a['metric_id']} overlap, "
                            f"{_range_words(a['from_period'], a['to_period'])} and "
                            f"{_range_words(b['from_period'], b['to_period'])}. Give the first an end.")
    if replace_area:
        con.execute("UPDATE target SET replaced_at = ?, replaced_by = ?, replaced_by_batch = ? "
                    "WHERE area_code = ? AND replaced_at IS NULL", [now, who, batch_id, replace_area])
    for r in rows:
        if not replace_area:
            _make_room(con, r, who, now, batch_id, actor, ended)
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
        _insert(con, r, who, now, batch_id)
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


def save_targets(con, rows: list[dict], *, actor: access.Actor, replace_area: str | None = None,
                 ended: list | None = None) -> int:
    """Write checked target rows in one transaction (see write_targets), if the actor may. `ended`
    collects, in words, any standing target ended where a new one begins."""
    check_rows(con, rows + ([{"area_code": replace_area}] if replace_area else []), actor)

    def store_them(con) -> int:
        if ended is not None:
            ended.clear()  # a retried transaction says only what its last attempt did
        count = write_targets(con, rows, actor.label, datetime.now(), replace_area, actor=actor, ended=ended)
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
