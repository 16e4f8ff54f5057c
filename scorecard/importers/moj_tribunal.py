"""The MoJ SEND Tribunal appeal-rate table, as published: the CSV (2014-2024, a spreadsheet saved as
CSV) and the earlier OpenDocument edition (2014-2022, sheet SEND_2).

The table has a title row, a row of years and a row of measures with footnote digits glued on,
region headings in capitals, thousands separators, percentages as text (or as fractions in the
ODS), " - " for nil, "x" and ".." for not available, and notes at the bottom. LAs are named, and in
the CSV numbered; a name and a number that disagree are reported, never silently trusted.
"""

from __future__ import annotations

import csv
import re

from .. import periods, published
from ..areas import ENGLAND, strip_footnote
from ..limits import MAX_RELEASE_ROWS
from . import csv_text, ods_grid, safe_zip
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile, too_many_rows

FORMAT_CSV = "moj-appeal-rate-csv"
FORMAT_ODS = "moj-appeal-rate-ods"
PUBLICATION = "moj-send-appeal-rate"
MEASURES = {
    "appeals registered": "tribunal_appeals",
    "total appealable decisions": "tribunal_appealable_decisions",
    "send tribunal appeal rate": "tribunal_appeal_rate_pct",
    "in development: total appealable decisions": "tribunal_appealable_decisions_dev",
    "in development: send tribunal appeal rate": "tribunal_appeal_rate_dev_pct",
}
RATES = {"tribunal_appeal_rate_pct": ("tribunal_appeals", "tribunal_appealable_decisions"),
         "tribunal_appeal_rate_dev_pct": ("tribunal_appeals", "tribunal_appealable_decisions_dev")}


def _is_title(cell) -> bool:
    text = str(cell or "").lower()
    return "appeal rate" in text and "send" in text


def looks_like_csv(text: str) -> bool:
    first = next(csv.reader([text.split("\n", 1)[0]]), [""])
    return bool(first) and _is_title(first[0])


def looks_like_ods(source: SourceFile) -> bool:
    """An OpenDocument spreadsheet whose text mentions the SEND appeal rate."""
    archive = safe_zip.open_workbook(source)
    try:
        if "mimetype" not in archive or "content.xml" not in archive or \
                archive.read("mimetype") != b"application/vnd.oasis.opendocument.spreadsheet":
            return False
        content = archive.read("content.xml")
    finally:
        archive.close()
    return b"Appeal rate" in content or b"appeal rate" in content


def read_csv(source: SourceFile, ctx: ImportContext) -> ImportPlan:
    grid, line_numbers = [], []
    for line, row in csv_text.rows(source.name, csv_text.read_text(source)):
        grid.append(row)
        line_numbers.append(line)
        if len(grid) > MAX_RELEASE_ROWS:
            raise too_many_rows(source.name, MAX_RELEASE_ROWS, "a release file")
    return _read_grid(source, ctx, grid, line_numbers, FORMAT_CSV, fractions=False)


def read_ods(source: SourceFile, ctx: ImportContext) -> ImportPlan:
    # Read as a stream, every repeated row and cell counted against the limits as it is expanded.
    sheets = ods_grid.read_sheets(source)
    for grid in sheets.values():
        if grid and grid[0] and _is_title(grid[0][0]) and "local authorit" in str(grid[0][0]).lower():
            return _read_grid(source, ctx, grid, list(range(1, len(grid) + 1)), FORMAT_ODS, fractions=True)
    raise ImportFailure(Issue(source.name, "no sheet holds the appeal rate by local authority table"))


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _read_grid(source, ctx: ImportContext, grid, line_numbers, fmt: str, fractions: bool) -> ImportPlan:
    name = source.name
    header_at = next((i for i, row in enumerate(grid) if row and _cell_text(row[0]).lower() == "local authority"), None)
    if header_at is None or header_at + 1 >= len(grid):
        raise ImportFailure(Issue(name, "no 'Local Authority' header row: not the appeal-rate table layout"))
    years_row, measures_row = grid[header_at], grid[header_at + 1]
    has_code = len(years_row) > 1 and _cell_text(years_row[1]).lower() == "la code"
    first_data = 2 if has_code else 1
    columns: dict[int, tuple[int, str]] = {}
    year = None
    problems: list[Issue] = []
    for j in range(first_data, max(len(years_row), len(measures_row))):
        ytext = _cell_text(years_row[j]) if j < len(years_row) else ""
        if re.fullmatch(r"\d{4}", ytext):
            year = int(ytext)
        measure_text = _cell_text(measures_row[j]) if j < len(measures_row) else ""
        if not measure_text:
            continue
        measure = re.sub(r"[\d,\s]+$", "", measure_text).strip().lower()
        metric = MEASURES.get(measure)
        if metric is None or year is None:
            problems.append(Issue(name, f"unrecognised measure heading {measure_text!r}", row=line_numbers[header_at + 1],
                                  column=f"column {j + 1}"))
            continue
        columns[j] = (year, metric)
    if problems:
        raise ImportFailure(problems)

    plan = ImportPlan(source.name, source.sha256, fmt)
    named_rows: list[tuple[int, str, str, str]] = []  # (index, name, number, text)
    for i in range(header_at + 2, len(grid)):
        row = grid[i]
        first = _cell_text(row[0]) if row else ""
        rest = [_cell_text(v) for v in row[1:]]
        if not first:
            continue
        if first.lower().startswith(("source", "note")) or re.match(r"\d+\.\s", first):
            break  # the notes under the table
        if not any(rest[first_data - 1:]):
            continue  # a region heading such as "NORTH EAST"
        if first.lower().startswith("england total excluding"):
            plan.skipped.append(f"{name}: row {line_numbers[i]} ({first}) is an alternative England total, not stored")
            continue
        number = rest[0] if has_code else ""
        named_rows.append((i, strip_footnote(first), number, first))

    area_for_row, area_problems, area_warnings = _resolve_rows(named_rows, ctx, name, line_numbers)
    problems += area_problems
    plan.warnings += area_warnings
    scale = _rate_scale(grid, named_rows, columns, fractions)
    records = []
    for i, _, _, text in named_rows:
        area = area_for_row.get(i)
        if area is None:
            continue
        row = grid[i]
        figures: dict[tuple[int, str], tuple] = {}
        for j, (year, metric) in columns.items():
            cell = row[j] if j < len(row) else None
            try:
                value, status = published.parse_cell(cell, published.MOJ_SYMBOLS, percent_text=True)
            except published.CellError as exc:
                problems.append(Issue(name, str(exc), row=line_numbers[i], column=_column_name(grid, header_at, j)))
                continue
            if value is not None and metric in RATES:
                value = value * scale if isinstance(cell, (int, float)) else value
            figures[(year, metric)] = (value, status, j)
        for (year, metric), (value, status, j) in figures.items():
            period = periods.calendar_year(year)
            stored_area = _area_for_period(ctx, area, period, value)
            if stored_area is None:
                continue
            numerator = denominator = None
            if metric in RATES:
                num_metric, den_metric = RATES[metric]
                numerator = figures.get((year, num_metric), (None,))[0]
                denominator = figures.get((year, den_metric), (None,))[0]
                if numerator is None or denominator is None:
                    numerator = denominator = None
                elif value is not None and denominator > 0:
                    expected = 100 * numerator / denominator
                    if abs(expected - value) > 0.06:
                        plan.warnings.append(Issue(
                            name, f"{year} rate {value:.2f}% disagrees with {numerator:g} / {denominator:g} "
                            f"= {expected:.2f}%", row=line_numbers[i],
                            column=_column_name(grid, header_at, j), severity="warning"))
            check = _check(ctx, metric, value, numerator, denominator)
            if check:
                problems.append(Issue(name, check, row=line_numbers[i], column=_column_name(grid, header_at, j)))
                continue
            plan.periods[period.label] = period
            records.append({
                "metric_id": metric, "area_code": stored_area, "period_label": period.label, "value": value,
                "numerator": numerator, "denominator": denominator, "status": status, "note": None,
                "source_file": name, "source_row": line_numbers[i],
                "source_column": _column_name(grid, header_at, j), "published_area": text,
            })
    seen = {}
    for r in records:
        key = (r["metric_id"], r["area_code"], r["period_label"])
        if key in seen:
            problems.append(Issue(name, f"two rows give {r['metric_id']} {r['period_label']} for "
                                  f"{ctx.areas.get(r['area_code']).name} (rows {seen[key]} and {r['source_row']})",
                                  row=r["source_row"]))
        seen[key] = r["source_row"]
    if problems:
        raise ImportFailure(problems[:200])
    if not records:
        raise ImportFailure(Issue(name, "no figures found in the table"))
    latest = max(int(r["period_label"]) for r in records)
    return plan.set_values(records, ctx.release_for(PUBLICATION, str(latest)))


def _column_name(grid, header_at: int, j: int) -> str:
    years, measures = grid[header_at], grid[header_at + 1]
    year = next((_cell_text(years[k]) for k in range(j, -1, -1) if k < len(years) and _cell_text(years[k])), "")
    measure = _cell_text(measures[j]) if j < len(measures) else ""
    return f"{year} {re.sub(r'[0-9,]+$', '', measure)}".strip()


def _check(ctx: ImportContext, metric_id: str, value, numerator, denominator) -> str | None:
    from ..validation import parts_problem, value_problem

    metric = ctx.metrics[metric_id]
    return value_problem(metric, value) or parts_problem(metric, numerator, denominator)


def _rate_scale(grid, named_rows, columns, fractions: bool) -> float:
    """The ODS stores rates as fractions (0.0134 for 1.34%). Confirm against appeals / decisions."""
    if not fractions:
        return 1.0
    by_year: dict[int, dict[str, int]] = {}
    for j, (year, metric) in columns.items():
        by_year.setdefault(year, {})[metric] = j
    votes = {1.0: 0, 100.0: 0}
    for i, *_ in named_rows:
        row = grid[i]
        for year, cols in by_year.items():
            try:
                a, d, r = (row[cols["tribunal_appeals"]], row[cols["tribunal_appealable_decisions"]],
                           row[cols["tribunal_appeal_rate_pct"]])
            except (KeyError, IndexError):
                continue
            if all(isinstance(v, (int, float)) for v in (a, d, r)) and d and a:
                expected = 100 * a / d
                votes[min(votes, key=lambda s: abs(r * s - expected))] += 1
    return max(votes, key=votes.get)


def _area_for_period(ctx: ImportContext, area: str, period, value) -> str | None:
    """Where to store a figure. A cell for a year when the area did not exist is skipped when it is
    empty, and a figure is re-attributed to the single predecessor (Dorset before 2019)."""
    a = ctx.areas.get(area)
    before = a.valid_from and period.end < a.valid_from
    after = a.valid_to and period.start > a.valid_to
    if (before or after) and value is None:
        return None
    if before:
        return ctx.areas.attribute_to_period(area, period.end)
    return area


def _resolve_rows(named_rows, ctx: ImportContext, file_name: str, line_numbers):
    """Resolve each row's name (and number, where given) to an area, cross-checking the two."""
    out, problems, warnings = {}, [], []
    names_in_file = {}
    for i, name, number, _ in named_rows:
        for code in ctx.areas.by_area_name(name):
            names_in_file.setdefault(code, i)
    for i, name, number, text in named_rows:
        line = line_numbers[i]
        if name.lower().startswith("england total"):
            out[i] = ENGLAND
            continue
        by_name = ctx.areas.by_area_name(name)
        by_number = ctx.areas.by_la_number(number) if number else None
        if number and by_number is None:
            problems.append(Issue(file_name, f"unknown LA number {number} ({text})", row=line, column="LA code"))
            continue
        if not by_name and not by_number:
            problems.append(Issue(file_name, f"unknown local authority {text!r}", row=line, column="Local Authority"))
            continue
        if by_number and by_name and by_number not in by_name:
            wrong = ctx.areas.get(by_number)
            meant = ctx.areas.get(by_name[0])
            own_row = names_in_file.get(by_number)
            if own_row is not None and own_row != i:
                warnings.append(Issue(
                    file_name,
                    f"data-quality problem: LA number {number} is {wrong.name}, but the row is named {text!r} "
                    f"({meant.name}, LA {meant.la_number}). {wrong.name} has its own row ({line_numbers[own_row]}), "
                    f"so this row is taken as {meant.name} by its name. Report it to the publisher.",
                    row=line, column="LA code", severity="warning"))
                out[i] = by_name[0]
            else:
                problems.append(Issue(
                    file_name, f"LA number {number} is {wrong.name} but the name is {text!r} ({meant.name}); "
                    "cannot tell which is right", row=line, column="LA code"))
            continue
        if not number and by_name:
            current = [c for c in by_name if ctx.areas.get(c).is_current]
            if len(by_name) > 1 and len(current) != 1:
                problems.append(Issue(file_name, f"{text!r} could be {', '.join(by_name)}", row=line))
                continue
            out[i] = current[0] if len(by_name) > 1 else by_name[0]
            if ctx.areas.get(out[i]).la_number and ctx.areas.get(out[i]).level == "la" and line_numbers is not None \
                    and any(n for _, _, n, _ in named_rows):
                warnings.append(Issue(file_name, f"no LA number for {text!r}; matched by name to "
                                      f"{ctx.areas.get(out[i]).name}", row=line, column="LA code", severity="warning"))
            continue
        out[i] = by_number or by_name[0]
    return out, problems, warnings
