"""Any CSV in DfE's Explore Education Statistics open-data format, read through the metric register.

The register says which columns (and which headline rows) hold each metric, so the same reader
takes the 2022 SEN2 aggregate file (sen2_mi.csv), the 2025 person-level files, EHE, exclusions and
any later release that keeps its column names. Files are recognised by their columns, not names.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from .. import periods, published
from ..areas import ENGLAND, name_key
from ..register import Metric, Read
from ..limits import MAX_RELEASE_ROWS
from ..validation import only_fractional, parts_problem, value_problem
from . import csv_text
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile, too_many_rows

FORMAT = "ees-csv"
REQUIRED = ("time_period", "time_identifier", "geographic_level")
LEVELS = {"National": "england", "Regional": "region", "Local authority": "la"}


STANDARD = REQUIRED + ("country_code", "region_code", "new_la_code", "old_la_code", "la_name")


def looks_like(header: list[str]) -> bool:
    """Two or more of the open-data standard's columns: an EES file (perhaps missing one it needs)."""
    return sum(col in header for col in STANDARD) >= 2


def matching_reads(header: list[str], metrics: dict[str, Metric]) -> list[tuple[Metric, Read]]:
    columns = set(header)
    out = []
    for metric in metrics.values():
        for read in metric.reads:
            if read.columns <= columns:
                out.append((metric, read))
                break
    return out


def unmatched_reads(header: list[str], metrics: dict[str, Metric],
                    matches: list[tuple[Metric, Read]]) -> list[tuple[Metric, Read, list[str]]]:
    """Reads the register maps for a file it recognises, whose columns are not all there: each with the
    missing columns. A file is recognised by any read that matches it in full; every other read of the
    same file (its register `file`) is then expected too."""
    columns = set(header)
    files = {read.file for _, read in matches if read.file}
    matched = {metric.id for metric, _ in matches}
    out = []
    for metric in metrics.values():
        if metric.id in matched:
            continue
        for read in metric.reads:
            if read.file in files:
                out.append((metric, read, sorted(read.columns - columns)))
                break
    return out


def missing_column_issues(file_name: str, missing: list[tuple[Metric, Read, list[str]]]) -> list[Issue]:
    """One problem per missing column, naming the measures it feeds, then how to map a renamed one."""
    feeds: dict[str, list[Metric]] = {}
    for metric, _, columns in missing:
        for column in columns:
            feeds.setdefault(column, []).append(metric)
    issues = [Issue(file_name, "the register reads this column for " + ", ".join(f"{m.id} ({m.label})" for m in ms)
                    + ", but the file does not have it", row=1, column=column)
              for column, ms in feeds.items()]
    issues.append(Issue(file_name, "If the publisher renamed a column, add a [[metric.read]] with the new name "
                        "under its metric in data/metrics.toml. To import the rest and leave those measures out, "
                        "import with --partial.", row=1))
    return issues


def read(source: SourceFile, ctx: ImportContext, title_hint: str | None = None) -> ImportPlan:
    """Read one EES CSV into a plan. Raises ImportFailure, naming file, row and column, on bad input."""
    text = csv_text.read_text(source)
    if not text.strip():
        raise ImportFailure(Issue(source.name, "the file is empty"))
    header = csv_text.header(source.name, text)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailure(Issue(source.name, f"required column(s) {', '.join(missing)} missing", row=1))
    matches = matching_reads(header, ctx.metrics)
    if not matches:
        raise ImportFailure(Issue(source.name, "no metric in the register reads this file's columns", row=1))
    plan = ImportPlan(source.name, source.sha256, FORMAT)
    missing = unmatched_reads(header, ctx.metrics, matches)
    if missing and not ctx.partial:
        raise ImportFailure(missing_column_issues(source.name, missing))
    plan.not_read += [f"{source.name}: {metric.id} ({metric.label}): column(s) {', '.join(columns)} missing"
                      for metric, _, columns in missing]

    unique_names = _deduplicate(header)
    copies_of: dict[str, list[str]] = {}  # each name and the unique names of its copies, in one pass
    for unique, name in zip(unique_names, header):
        copies_of.setdefault(name, []).append(unique)
    duplicated = [c for c, copies in copies_of.items() if len(copies) > 1]
    frame, problems = _frame(source.name, text, unique_names)
    for col in duplicated:
        copies = copies_of[col]
        same = all(frame[c].equals(frame[copies[0]]) for c in copies[1:])
        used = any(col in read.columns for _, read in matches)
        if used and not same:
            problems.append(Issue(source.name, "the column name appears twice with different contents; "
                                  "cannot tell which the register means", row=1, column=col))
        else:
            plan.warnings.append(Issue(source.name, f"column name appears {len(copies)} times"
                                       + (" with identical contents" if same else "; not used"),
                                       row=1, column=col, severity="warning"))

    known_levels = frame["geographic_level"].isin(list(LEVELS))
    other_levels = sorted(set(frame.loc[~known_levels, "geographic_level"]))
    if other_levels:
        plan.skipped.append(f"{source.name}: {int((~known_levels).sum())} rows at other geographic levels "
                            f"({', '.join(other_levels)}) are not stored")
    frame = frame[known_levels]

    area_of, area_problems, skipped_areas = _resolve_areas(frame, ctx, source.name)
    problems += area_problems
    if skipped_areas:
        plan.skipped.append(f"{source.name}: {skipped_areas}")
    period_of = {}
    for tp, ti, row in frame.groupby(["time_period", "time_identifier"])["_row"].min().reset_index().itertuples(index=False):
        try:
            period_of[(tp, ti)] = periods.from_ees(tp, ti)
        except periods.PeriodError as exc:
            problems.append(Issue(source.name, str(exc), row=int(row), column="time_period"))

    records = []
    publications = set()
    for metric, rd in matches:
        publications.add(rd.publication)
        rows = frame
        for col, allowed in rd.filters:
            rows = rows[rows[col].str.strip().isin(allowed)]
        mixes = _mixes(frame, rd, source.name, problems) if rd.mix else {}
        seen: dict[tuple, int] = {}
        for rec in rows.to_dict("records"):
            key_area = area_of.get(_area_key(rec))
            period = period_of.get((rec["time_period"], rec["time_identifier"]))
            if key_area is None or period is None:
                continue
            if rd.period_kind == "census_date":
                period = periods.january_census(period.end.year)
            plan.periods[period.label] = period
            key = (key_area, period.label)
            if key in seen:
                problems.append(Issue(source.name, f"duplicate row: {metric.id} for this area and period "
                                      f"is also on row {seen[key]}", row=rec["_row"], column=rd.value or rd.numerator[0]))
                continue
            seen[key] = rec["_row"]
            record, issue = _value_record(metric, rd, rec, source.name, period.label)
            if issue and issue.severity == "error":
                problems.append(issue)
                continue
            if issue:
                plan.warnings.append(issue)
            mix = mixes.get((_area_key(rec), rec["time_period"], rec["time_identifier"]))
            if mix:
                record["note"] = "; ".join(n for n in (record.get("note"), mix) if n)
            record.update(metric_id=metric.id, area_code=key_area, period_label=period.label,
                          source_file=source.name, source_row=rec["_row"],
                          source_column=rd.value or " / ".join((*rd.numerator, *rd.denominator)),
                          published_area=rec.get("new_la_code") or rec.get("region_code") or rec.get("country_code"))
            records.append(record)
    if problems:
        raise ImportFailure(problems[:200])
    if len(publications) > 1:
        raise ImportFailure(Issue(source.name, f"columns match more than one publication ({', '.join(sorted(publications))})"))
    if not records:
        raise ImportFailure(Issue(source.name, "no headline rows found for any register metric"))

    latest = max((plan.periods[r["period_label"]] for r in records), key=lambda p: p.sort_key)
    return plan.set_values(records, ctx.release_for(publications.pop(), latest.label, title_hint))


def _mixes(frame: pd.DataFrame, rd: Read, file_name: str, problems: list[Issue]) -> dict[tuple, str]:
    """For a read with `mix`: each area and period's figures by category of the mix column (the rows
    beside the headline row), as words for the figure's note: "By setting_type: One on one tuition 21; …"."""
    rows = frame
    for col, allowed in rd.filters:
        if col != rd.mix:
            rows = rows[rows[col].str.strip().isin(allowed)]
    headline = {v for col, allowed in rd.filters if col == rd.mix for v in allowed}
    rows = rows[~rows[rd.mix].str.strip().isin(headline)]
    parts: dict[tuple, list[str]] = {}
    for rec in rows.to_dict("records"):
        try:
            value, status = published.parse_cell(rec[rd.value])
        except published.CellError as exc:
            problems.append(Issue(file_name, str(exc), row=rec["_row"], column=rd.value))
            continue
        shown = f"{value:,.0f}" if value is not None and float(value).is_integer() else (
            f"{value:,}" if value is not None else published.status_words(status))
        key = (_area_key(rec), rec["time_period"], rec["time_identifier"])
        parts.setdefault(key, []).append(f"{rec[rd.mix].strip()} {shown}")
    return {key: f"By {rd.mix.replace('_', ' ')}: " + "; ".join(sorted(items)) for key, items in parts.items()}


def _frame(name: str, text: str, columns: list[str]) -> tuple[pd.DataFrame, list[Issue]]:
    """Every row as text under the header's (deduplicated) names, with its row number in "_row".
    A row that does not fit the header is a problem: reading it would shift or drop its figures."""
    records, numbers, problems = [], [], []
    width = len(columns)
    records_iter = csv_text.rows(name, text)
    next(records_iter, None)  # the header
    for row, cells in records_iter:
        if not any(c.strip() for c in cells):
            continue
        problem = csv_text.width_problem(name, row, cells, width)
        if problem:
            problems.append(problem)
            continue
        records.append((cells + [""] * width)[:width])
        numbers.append(row)
        if len(records) > MAX_RELEASE_ROWS:
            raise too_many_rows(name, MAX_RELEASE_ROWS, "a release file")
    frame = pd.DataFrame(records, columns=columns, dtype=str) if records else pd.DataFrame(columns=columns, dtype=str)
    frame.insert(0, "_row", pd.Series(numbers, dtype="int64"))
    return frame, problems


def _deduplicate(header: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for h in header:
        out.append(h if not seen[h] else f"{h}.{seen[h]}")
        seen[h] += 1
    return out


def _area_key(rec: dict) -> tuple:
    return (rec["geographic_level"], rec.get("country_code", ""), rec.get("region_code", ""),
            rec.get("new_la_code", ""), rec.get("old_la_code", ""), rec.get("la_name", ""))


def _resolve_areas(frame: pd.DataFrame, ctx: ImportContext, file_name: str):
    """Map each distinct geography in the file to an area code. LA rows are cross-checked:
    the ONS code and the DfE LA number must name the same area."""
    area_of: dict[tuple, str] = {}
    problems: list[Issue] = []
    london_subregions = 0
    cols = [c for c in ("geographic_level", "country_code", "region_code", "new_la_code", "old_la_code", "la_name")
            if c in frame.columns]
    firsts = frame.groupby(cols, dropna=False)["_row"].min()
    for key_values, row in firsts.items():
        rec = dict(zip(cols, key_values if isinstance(key_values, tuple) else (key_values,)))
        key = _area_key({**{c: "" for c in cols}, **rec})
        level = rec["geographic_level"]
        if level == "National":
            area_of[key] = ENGLAND
            continue
        if level == "Regional":
            code = rec.get("region_code", "").strip()
            if code.startswith("E13"):  # Inner / Outer London: not a region; London is computed
                london_subregions += 1
                continue
            if code in ctx.areas.areas and ctx.areas.areas[code].level == "region":
                area_of[key] = code
            else:
                problems.append(Issue(file_name, f"unknown region code {code!r}", row=int(row), column="region_code"))
            continue
        code = rec.get("new_la_code", "").strip()
        number = rec.get("old_la_code", "").strip()
        by_code = ctx.areas.by_ons_code(code) if code and code.lower() not in ("x", "z", "c") else None
        by_number = ctx.areas.by_la_number(number) if number else None
        if code and code.lower() not in ("x", "z", "c") and by_code is None:
            problems.append(Issue(file_name, f"unknown local authority code {code!r} ({rec.get('la_name', '')})",
                                  row=int(row), column="new_la_code"))
            continue
        if by_code and by_number and by_code != by_number and not _same_lineage(ctx, by_code, by_number):
            problems.append(Issue(
                file_name,
                f"LA code {code} is {ctx.areas.get(by_code).name} but LA number {number} is "
                f"{ctx.areas.get(by_number).name}; the file contradicts itself",
                row=int(row), column="old_la_code"))
            continue
        area = by_code or by_number
        if area is None:
            problems.append(Issue(file_name, f"unknown local authority {rec.get('la_name', '')!r} "
                                  f"(code {code!r}, number {number!r})", row=int(row), column="new_la_code"))
            continue
        area_of[key] = area
    note = (f"{london_subregions} Inner/Outer London geographies are not stored "
            "(London is compared as a whole region)") if london_subregions else ""
    return area_of, problems, note


def _same_lineage(ctx: ImportContext, a: str, b: str) -> bool:
    linked = {p for p, _ in ctx.areas.predecessors.get(a, [])} | {s for s, _ in ctx.areas.successors.get(a, [])}
    return b in linked or name_key(ctx.areas.get(a).name) == name_key(ctx.areas.get(b).name)


def _sum_cells(rec: dict, columns: tuple[str, ...]) -> tuple[float | None, str | None]:
    total = 0.0
    for col in columns:
        value, status = published.parse_cell(rec[col])
        if value is None:
            return None, status
        total += value
    return total, None


def _parts_status(rec: dict, rd: Read) -> str:
    """Why a calculated figure is missing: the status of the first part the release did not give."""
    for col in rd.numerator + rd.denominator:
        value, status = published.parse_cell(rec[col])
        if value is None:
            return status
    return published.NOT_AVAILABLE


def _value_record(metric: Metric, rd: Read, rec: dict, file_name: str,
                  period_label: str) -> tuple[dict, Issue | None]:
    """One published figure with its parts. A release is all or nothing: a value out of range, a
    negative count, a fractional count (unless the register declares the publisher's estimates for
    that period) or a numerator above its denominator is an error that refuses the whole file."""
    row = rec["_row"]
    try:
        value, status = published.parse_cell(rec[rd.value]) if rd.value else (None, published.NOT_AVAILABLE)
    except published.CellError as exc:
        return {}, Issue(file_name, str(exc), row=row, column=rd.value)
    try:
        numerator = _sum_cells(rec, rd.numerator)[0] if rd.numerator else None
        denominator = _sum_cells(rec, rd.denominator)[0] if rd.denominator else None
    except published.CellError as exc:
        return {}, Issue(file_name, str(exc), row=row, column=(rd.numerator + rd.denominator)[0])
    parts_column = (rd.numerator or rd.denominator or (rd.value,))[0]
    problem = parts_problem(metric, numerator, denominator)
    negative = any(v is not None and v < 0 for v in (numerator, denominator))
    if problem and value is None and not negative and not only_fractional(numerator, denominator):
        # A numerator above its denominator (Cheshire East's 36 exclusions on a headcount of 0), where no
        # rate is published (z, x, c …): the counts are not stored, so they cannot mislead.
        record = {"value": None, "numerator": None, "denominator": None, "status": status, "note": None}
        return record, Issue(file_name, f"{problem}; no rate is published for this row ({rec.get(rd.value, '').strip()!r}), "
                             "so its counts are not kept", row=row, column=parts_column, severity="warning")
    if problem and period_label in rd.estimated_count_periods and only_fractional(numerator, denominator):
        problem = value_problem(metric, value)
        if problem:
            return {}, Issue(file_name, problem, row=row, column=rd.value or rd.numerator[0])
        record = {"value": value, "numerator": None, "denominator": None, "status": status, "note": None}
        return record, Issue(file_name, f"the counts for {period_label} are the publisher's estimates "
                             f"({numerator:g} of {denominator:g}); the published rate is kept without them",
                             row=row, column=parts_column, severity="warning")
    if problem:
        return {}, Issue(file_name, problem, row=row, column=parts_column)
    note = None
    if rd.calculate:
        value, status = None, _parts_status(rec, rd)
        if numerator is not None and denominator:
            note = (f"Calculated as {' + '.join(rd.numerator)} / {' + '.join(rd.denominator)}: "
                    "the release publishes the counts, not this percentage")
            value, status = 100 * numerator / denominator, published.COMPUTED
        elif denominator == 0:
            status = published.NOT_APPLICABLE
    elif value is None and rd.compute_missing and numerator is not None and denominator:
        note = (f"Calculated as {rd.numerator[0]} / {' + '.join(rd.denominator)}; "
                f"the release prints {rec[rd.value].strip()!r} for the rate")
        value, status = 100 * numerator / denominator, published.COMPUTED
    problem = value_problem(metric, value)
    if problem:
        return {}, Issue(file_name, problem, row=row, column=rd.value or rd.numerator[0])
    return {"value": value, "numerator": numerator, "denominator": denominator, "status": status, "note": note}, None
