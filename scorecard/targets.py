"""Local targets: a single target (optionally over a range of periods) or a trajectory (a target per
term), each with a tolerance and an optional baseline period. Set in the app or imported from CSV:
    area, metric, period | from_period, to_period, target, tolerance[, baseline_period]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from . import periods, store
from .areas import AreaIndex, AreaNotFound
from .importers import csv_text
from .importers.base import ImportFailure, Issue, SourceFile
from .register import metrics_from_store

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
        "FROM target WHERE area_code = ? ORDER BY metric_id, period_label NULLS FIRST, from_period",
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


def check_rows(con, rows: list[dict], file_name: str, area_code: str | None = None) -> tuple[list[dict], list[Issue]]:
    """Validate target rows (dicts with area?, metric, period/from/to, target, tolerance, baseline).
    Returns clean rows and every problem, each naming its row and column."""
    metrics = metrics_from_store(con)
    index = AreaIndex.from_store(con)
    clean, problems = [], []
    seen: dict[tuple, int] = {}
    for r in rows:
        line = r.get("_row")

        def problem(column, message):
            problems.append(Issue(file_name, message, row=line, column=column))

        code = area_code
        if not code:
            try:
                code = index.resolve(str(r.get("area", ""))).code
            except AreaNotFound as exc:
                problem("area", str(exc))
                continue
        metric = metrics.get(str(r.get("metric", "")).strip())
        if metric is None:
            problem("metric", f"unknown metric {r.get('metric')!r}")
            continue
        labels = {}
        for col in ("period", "from_period", "to_period", "baseline_period"):
            text = str(r.get(col) or "").strip()
            if text:
                try:
                    labels[col] = periods.parse(text).label
                except periods.PeriodError as exc:
                    problem(col, str(exc))
        if "period" in labels and ("from_period" in labels or "to_period" in labels):
            problem("period", "give either period (a trajectory point) or from_period/to_period, not both")
            continue
        try:
            target = float(str(r.get("target", "")).strip())
        except ValueError:
            problem("target", f"{r.get('target')!r} is not a number")
            continue
        tolerance_text = str(r.get("tolerance") or "0").strip()
        try:
            tolerance = float(tolerance_text)
        except ValueError:
            problem("tolerance", f"{tolerance_text!r} is not a number")
            continue
        if metric.unit == "%" and not 0 <= target <= 100:
            problem("target", f"{target:g} is outside 0–100, but {metric.id} is a percentage")
            continue
        if metric.unit == "%" and 0 < target < 1:
            problem("target", f"{target:g} looks like a fraction; write a percentage such as {target * 100:g}")
            continue
        if tolerance < 0:
            problem("tolerance", "the tolerance cannot be negative")
            continue
        key = (code, metric.id, labels.get("period"), labels.get("from_period"), labels.get("to_period"))
        if key in seen:
            problem("metric", f"duplicate target: the same area, metric and period as row {seen[key]}")
            continue
        seen[key] = line
        clean.append({"area_code": code, "metric_id": metric.id, "period_label": labels.get("period"),
                      "from_period": labels.get("from_period"), "to_period": labels.get("to_period"),
                      "target": target, "tolerance": tolerance, "baseline_period": labels.get("baseline_period")})
    return clean, problems


def save_targets(con, rows: list[dict], who: str, replace_area: str | None = None) -> int:
    """Write checked target rows in one transaction. With replace_area, the area's targets are replaced
    (the app's editor); otherwise each row replaces any target for the same area, metric and period."""
    now = datetime.now()
    with store.transaction(con):
        if replace_area:
            con.execute("DELETE FROM target WHERE area_code = ?", [replace_area])
        for r in rows:
            if not replace_area:
                con.execute(
                    "DELETE FROM target WHERE area_code = ? AND metric_id = ? AND period_label IS NOT DISTINCT FROM ? "
                    "AND from_period IS NOT DISTINCT FROM ? AND to_period IS NOT DISTINCT FROM ?",
                    [r["area_code"], r["metric_id"], r["period_label"], r["from_period"], r["to_period"]])
            con.execute(
                "INSERT INTO target (area_code, metric_id, period_label, from_period, to_period, target, tolerance, "
                "baseline_period, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [r["area_code"], r["metric_id"], r["period_label"], r["from_period"], r["to_period"], r["target"],
                 r["tolerance"], r["baseline_period"], who, now])
        store.bump_data_version(con)
    return len(rows)


def import_csv(con, source: SourceFile, who: str) -> int:
    """Import a targets CSV; every row is checked first and nothing is written if any is wrong."""
    text = csv_text.read_text(source)
    records = csv_text.rows(source.name, text)
    fields = [f.strip().lower() for f in next(records, (1, []))[1]]
    if not any(fields):
        raise ImportFailure(Issue(source.name, "the file is empty"))
    missing = [c for c in ("area", "metric", "target") if c not in fields]
    if missing or not ({"period", "from_period", "to_period"} & set(fields)):
        need = missing or ["period (or from_period and to_period)"]
        raise ImportFailure(Issue(source.name, f"required column(s) {', '.join(need)} missing", row=1))
    rows, too_wide = [], []
    for line, cells in records:
        if len(cells) > len(fields) and (problem := csv_text.width_problem(source.name, line, cells, len(fields))):
            too_wide.append(problem)
            continue
        r = {k: v.strip() for k, v in zip(fields, cells) if k}
        if any(r.values()):
            rows.append({**r, "_row": line})
    if too_wide:
        raise ImportFailure(too_wide)
    clean, problems = check_rows(con, rows, source.name)
    if problems:
        raise ImportFailure(problems)
    if not clean:
        raise ImportFailure(Issue(source.name, "no targets in the file"))
    return save_targets(con, clean, who)


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
    clean, problems = check_rows(con, rows, "targets table", area_code=area_code)
    if problems:
        raise ImportFailure(problems)
    return save_targets(con, clean, who, replace_area=area_code)
