"""A local return in the long CSV format, the contract: one row per figure, with columns area,
metric and period (or EES's time_period and time_identifier), then value, or numerator and
denominator, and an optional status and note."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator

from ..limits import MAX_RETURN_ROWS
from . import csv_text
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile, too_many_rows
from .local_rows import FIELDS, LongRows, build_plan

FORMAT = "local-return-csv"


def column_key(name: str) -> str:
    return str(name).strip().lower()


def looks_like(header: list[str]) -> bool:
    """A local return: area, metric and a period (or the EES pair time_period + time_identifier)."""
    cols = {column_key(h) for h in header}
    has_period = "period" in cols or {"time_period", "time_identifier"} <= cols
    return {"area", "metric"} <= cols and has_period


def read(source: SourceFile, ctx: ImportContext, illustrative: bool = False) -> ImportPlan:
    """Read a long-format local return into a plan. Raises ImportFailure, listing every problem.
    A row may leave out trailing empty cells; a row with more cells than the header is refused."""
    rows, warnings = _csv_rows(source)
    plan = build_plan(rows, ctx, source, FORMAT, illustrative)
    plan.warnings = warnings + plan.warnings
    return plan


def _csv_rows(source: SourceFile) -> tuple[LongRows, list[Issue]]:
    name = source.name
    text = csv_text.read_text(source)
    if not text.strip():
        raise ImportFailure(Issue(name, "the file is empty"))
    records_iter = csv_text.rows(name, text)
    _, header = next(records_iter)
    keys = [column_key(h) for h in header]
    problems, warnings = header_problems(name, header, keys)
    if problems:
        raise ImportFailure(problems)
    position = {k: i for i, k in enumerate(keys) if k in FIELDS}
    records = _records(records_iter, position, len(header), name)
    first = next(records, None)
    if first is None:
        raise ImportFailure(Issue(name, "the file has a header but no rows of figures", row=1))
    columns = {k: header[i].strip() for k, i in position.items()}
    return LongRows(name, itertools.chain([first], records), columns), warnings


def _records(records_iter, position: dict[str, int], width: int, name: str) -> Iterator[dict]:
    """Each row with figures, one at a time (a large return is never held as a list of rows). A row may
    leave out trailing empty cells; a row with more cells than the header (a comma in an unquoted
    note shifts every column after it) is refused, naming its row."""
    count = 0
    # When every column is a field, a full row maps straight onto the fields (the common, fast case).
    fields = list(position) if list(position.values()) == list(range(len(position))) else None
    for row, cells in records_iter:
        if not "".join(cells).strip():
            continue
        if len(cells) > width and (problem := csv_text.width_problem(name, row, cells, width)):
            raise ImportFailure(problem)
        count += 1
        if count > MAX_RETURN_ROWS:
            raise too_many_rows(name, MAX_RETURN_ROWS, "a local return")
        if fields is not None and len(cells) == len(fields):
            rec = dict(zip(fields, cells))
        else:
            rec = {f: (cells[i] if i < len(cells) else "") for f, i in position.items()}
        rec["_row"] = row
        yield rec


def header_problems(name: str, header: list[str], keys: list[str]) -> tuple[list[Issue], list[Issue]]:
    problems, warnings = [], []
    counts = Counter(keys)  # one pass over the header, however wide
    for k in sorted(k for k, n in counts.items() if n > 1 and k in FIELDS):
        problems.append(Issue(name, "this column appears more than once", row=1, column=k))
    missing = [c for c in ("area", "metric") if c not in keys]
    if "period" not in keys and not {"time_period", "time_identifier"} <= set(keys):
        missing.append("period (or time_period and time_identifier)")
    if missing:
        problems.append(Issue(name, f"required column(s) missing: {', '.join(missing)}", row=1))
    if "value" not in keys and not {"numerator", "denominator"} <= set(keys):
        problems.append(Issue(name, "needs a 'value' column, or 'numerator' and 'denominator' columns", row=1))
    for h, k in zip(header, keys):
        if k not in FIELDS and k:
            warnings.append(Issue(name, "column not used (a local return reads area, metric, period, value, "
                                  "numerator, denominator, status and note)", row=1, column=h.strip(),
                                  severity="warning"))
    return problems, warnings
