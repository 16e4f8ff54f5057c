"""A board's targets as a CSV, recognised by its columns like every other file:
    area, metric, period | from_period, to_period, target, tolerance[, baseline_period]
A row with `period` is a trajectory point for that term or year; a row with from_period/to_period
(either may be open) is a standing target. Every row is checked before anything is written."""

from __future__ import annotations

from .. import periods
from ..areas import AreaNotFound
from ..limits import MAX_RETURN_ROWS
from . import csv_text
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile, too_many_rows
from .local_rows import area_problem

FORMAT = "targets-csv"
REQUIRED = ("area", "metric", "target")
PERIOD_COLUMNS = ("period", "from_period", "to_period")


def looks_like(header: list[str]) -> bool:
    """A targets file: area, metric and target, and a period or a range of periods."""
    cols = {str(h).strip().lower() for h in header}
    return set(REQUIRED) <= cols and bool(set(PERIOD_COLUMNS) & cols)


def read(source: SourceFile, ctx: ImportContext) -> ImportPlan:
    """The file's targets as a plan (plan.targets); raises ImportFailure naming every bad row."""
    text = csv_text.read_text(source)
    records = csv_text.rows(source.name, text)
    fields = [f.strip().lower() for f in next(records, (1, []))[1]]
    if not any(fields):
        raise ImportFailure(Issue(source.name, "the file is empty"))
    missing = [c for c in REQUIRED if c not in fields]
    if missing or not (set(PERIOD_COLUMNS) & set(fields)):
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
        if len(rows) > MAX_RETURN_ROWS:
            raise too_many_rows(source.name, MAX_RETURN_ROWS, "a targets file")
    if too_wide:
        raise ImportFailure(too_wide)
    clean, problems = check_rows(ctx, rows, source.name)
    if problems:
        raise ImportFailure(problems)
    if not clean:
        raise ImportFailure(Issue(source.name, "no targets in the file"))
    plan = ImportPlan(source.name, source.sha256, FORMAT)
    plan.targets = clean
    return plan


def check_rows(ctx: ImportContext, rows: list[dict], file_name: str,
               area_code: str | None = None) -> tuple[list[dict], list[Issue]]:
    """Validate target rows (dicts with area?, metric, period/from/to, target, tolerance, baseline).
    Returns clean rows and every problem, each naming its row and column."""
    clean, problems = [], []
    seen: dict[tuple, int] = {}
    for r in rows:
        line = r.get("_row")

        def problem(column, message):
            problems.append(Issue(file_name, message, row=line, column=column))

        code = area_code
        if not code:
            try:
                area = ctx.areas.resolve(str(r.get("area", "")))
            except AreaNotFound as exc:
                problem("area", str(exc))
                continue
            message = area_problem(ctx.areas, area)
            if message:
                problem("area", message.replace("A local return is", "A target is"))
                continue
            code = area.code
        metric = ctx.metrics.get(str(r.get("metric", "")).strip())
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
        target_text = str(r.get("target", "")).strip()
        try:
            target = float(target_text)
        except ValueError:
            problem("target", f"{r.get('target')!r} is not a number" if target_text else
                    "the target is empty: give the figure the board is aiming for")
            continue
        tolerance_text = str(r.get("tolerance") or "0").strip()
        try:
            tolerance = float(tolerance_text)
        except ValueError:
            problem("tolerance", f"{tolerance_text!r} is not a number")
            continue
        if target != target or tolerance != tolerance or abs(target) == float("inf") or abs(tolerance) == float("inf"):
            problem("target", "is not a number")
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
                      "target": target, "tolerance": tolerance, "baseline_period": labels.get("baseline_period"), "_row": line})
    from ..targets import overlapping_rows

    for first, second in overlapping_rows(clean):  # two targets for one measure and period: never both
        problems.append(Issue(file_name, f"overlaps the target in row {first['_row']}: both would apply to "
                                         f"{second['metric_id']} in the same periods; give the earlier one an end "
                                         "(to_period)", row=second["_row"], column="from_period"))
    return clean, problems
