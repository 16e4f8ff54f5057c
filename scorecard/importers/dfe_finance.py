"""DfE's finance files for SEND (sendap/finance/), read through the metric register.

* The DSG balance workbook (dsg_deficit_derived.xlsx): the Dedicated Schools Grant cumulative balance
  as a % of total income by financial year, for England, the regions and LAs named, not coded. Every
  name must match an area (aliases included) valid in the year, or the file is refused naming the rows.
* The DSG allocations editions (dedicated-schools-grant_*.ods, sheet Allocations_summary): the blocks
  of the grant for one financial year, by LA number and name (cross-checked), with England and the
  regions below. The year is read from the sheet's title, the column by its header text.
* The high needs benchmarking outturn sheet (Outturn data 202122.xlsx): the 2-18 population (an ONS
  projection) by LA number and name, its header a few rows down over two rows.

Which header holds which measure is the register's [[metric.read]] `value` (publication ids below),
so a renamed header is mapped in data/metrics.toml, as for EES files. A measure the register derives
from two others (`derived_from`: the high needs block per head of the 2-18 population) is calculated
for each area and period where both are known, from this file and the figures already in the store.
"""

from __future__ import annotations

import re

from .. import periods, published
from ..areas import ENGLAND, name_key
from ..register import Metric
from ..validation import value_problem
from . import ods_grid, safe_zip, xlsx_grid
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile

BALANCE = "dfe-dsg-balance"
ALLOCATIONS = "dfe-dsg-allocations"
OUTTURN = "dfe-high-needs-benchmarking"
FORMATS = {BALANCE: "dfe-dsg-balance-xlsx", ALLOCATIONS: "dfe-dsg-allocations-ods", OUTTURN: "dfe-high-needs-outturn-xlsx"}
_TITLE_YEARS = re.compile(r"(\d{4}) to (\d{4}) allocations", re.IGNORECASE)
_FY = re.compile(r"(\d{4})-(\d{2})")


def _reads(ctx: ImportContext, publication: str) -> dict[str, Metric]:
    """The register's headers for a publication: header text -> metric."""
    return {read.value: metric for metric in ctx.metrics.values() for read in metric.reads
            if read.publication == publication and read.value}


def _text(cell) -> str:
    if cell is None or (isinstance(cell, float) and cell != cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _key(text) -> str:
    return re.sub(r"\s+", " ", _text(text)).lower()


# ---------------------------------------------------------------------------------------------- which


def looks_like_workbook(source: SourceFile) -> str | None:
    """BALANCE or OUTTURN for an Excel workbook of either layout (read by its headers), else None."""
    sheets = _workbook(source, nrows=12)
    for grid in sheets.values():
        cells = {_key(c) for row in grid for c in row}
        if "dsg cumulative balance as a % of the total income" in cells:
            return BALANCE
        if any(c.startswith("2-18 population") for c in cells) and "la code" in cells:
            return OUTTURN
    return None


def looks_like_allocations_ods(source: SourceFile) -> bool:
    archive = safe_zip.open_workbook(source)
    try:
        content = archive.read("content.xml") if "content.xml" in archive else b""
    finally:
        archive.close()
    return b"Allocations_summary" in content and b"Dedicated schools grant" in content


def _workbook(source: SourceFile, nrows: int | None = None, engine: str | None = None) -> dict[str, list[list]]:
    """Every sheet as a grid (None where empty), each row and cell counted against the limits as it is
    read (ods_grid, xlsx_grid)."""
    if engine == "odf":
        return ods_grid.read_sheets(source)
    return xlsx_grid.read_sheets(source, rows_needed=nrows)


def read(source: SourceFile, ctx: ImportContext, publication: str) -> ImportPlan:
    if publication == BALANCE:
        return _read_balance(source, ctx)
    if publication == ALLOCATIONS:
        return _read_allocations(source, ctx)
    return _read_outturn(source, ctx)


# ---------------------------------------------------------------------------------------------- areas


def _valid_in(ctx: ImportContext, codes: list[str], period: periods.Period) -> list[str]:
    out = []
    for code in codes:
        area = ctx.areas.get(code)
        if (area.valid_from and area.valid_from > period.end) or (area.valid_to and area.valid_to < period.start):
            continue
        out.append(code)
    return out


def _la_by_name(ctx: ImportContext, name: str, period: periods.Period) -> tuple[str | None, str | None]:
    """The LA a name means in a period, or why it cannot be told."""
    codes = [c for c in ctx.areas.by_area_name(name) if ctx.areas.get(c).level == "la"]
    if not codes:
        return None, f"unknown local authority {name!r}: no area of that name (or alias)"
    valid = _valid_in(ctx, codes, period) or codes
    if len(valid) > 1:
        return None, f"{name!r} could be {', '.join(valid)} in {period.describe()}"
    return valid[0], None


def _region_by_name(ctx: ImportContext, name: str) -> str | None:
    found = [c for c in ctx.areas.by_area_name(name) if ctx.areas.get(c).level == "region"]
    if found:
        return found[0]
    return next((r.code for r in ctx.areas.regions() if name_key(r.name) == name_key(name)), None)


# ---------------------------------------------------------------------------------------------- records


def _record(metric: Metric, area: str, period: periods.Period, cell, file_name: str, row: int, column: str,
            published_area: str) -> tuple[dict | None, Issue | None]:
    try:
        value, status = published.parse_cell(cell)
    except published.CellError as exc:
        return None, Issue(file_name, str(exc), row=row, column=column)
    problem = value_problem(metric, value)
    if problem:
        return None, Issue(file_name, problem, row=row, column=column)
    return {"metric_id": metric.id, "area_code": area, "period_label": period.label, "value": value,
            "numerator": None, "denominator": None, "status": status, "note": None, "source_file": file_name,
            "source_row": row, "source_column": column, "published_area": published_area}, None


def _finish(plan: ImportPlan, ctx: ImportContext, records: list[dict], problems: list[Issue], publication: str,
            file_name: str, release_title: str | None = None) -> ImportPlan:
    seen: dict[tuple, int] = {}
    for r in records:
        key = (r["metric_id"], r["area_code"], r["period_label"])
        if key in seen:
            problems.append(Issue(file_name, f"two rows give {r['metric_id']} {r['period_label']} for "
                                  f"{ctx.areas.get(r['area_code']).name} (rows {seen[key]} and {r['source_row']})",
                                  row=r["source_row"]))
        seen[key] = r["source_row"]
    if problems:
        raise ImportFailure(problems[:200])
    if not records:
        raise ImportFailure(Issue(file_name, "no figures found for any register measure"))
    records += derived_records(ctx, records, plan)
    latest = max((plan.periods[r["period_label"]] for r in records), key=lambda p: p.sort_key)
    return plan.set_values(records, ctx.release_for(publication, latest.label, release_title))


def derived_records(ctx: ImportContext, records: list[dict], plan: ImportPlan) -> list[dict]:
    """Figures of the register's derived measures (numerator measure ÷ denominator measure) for each area
    and period where this file gives one input and this file or the store the other. Stored as
    calculated, with a note naming both figures' sources."""
    out = []
    here: dict[str, dict[tuple, dict]] = {}
    for r in records:
        if r["value"] is not None:
            here.setdefault(r["metric_id"], {})[(r["area_code"], r["period_label"])] = r
    for metric in ctx.metrics.values():
        if not metric.derived_from or not any(m in here for m in metric.derived_from):
            continue
        top_id, bottom_id = metric.derived_from

        def known(metric_id: str) -> dict[tuple, tuple[float, str]]:
            mine = {k: (r["value"], f"{r['source_file']} row {r['source_row']}")
                    for k, r in here.get(metric_id, {}).items()}
            return {**ctx.stored.get(metric_id, {}), **mine}

        tops, bottoms = known(top_id), known(bottom_id)
        top_m, bottom_m = ctx.metrics[top_id], ctx.metrics[bottom_id]
        for key in sorted(set(tops) & set(bottoms)):
            if key not in here.get(top_id, {}) and key not in here.get(bottom_id, {}):
                continue  # both from earlier imports: already derived then
            (top, top_from), (bottom, bottom_from) = tops[key], bottoms[key]
            if not bottom:
                continue
            area, period_label = key
            plan.periods.setdefault(period_label, periods.from_label(period_label))
            note = (f"Calculated here: {top_m.label} {top:,.0f} ({top_from}) ÷ {bottom_m.label} {bottom:,.0f} "
                    f"({bottom_from})")
            out.append({"metric_id": metric.id, "area_code": area, "period_label": period_label,
                        "value": top / bottom, "numerator": top, "denominator": bottom,
                        "status": published.COMPUTED, "note": note, "source_file": plan.file_name,
                        "source_row": None, "source_column": f"{top_id} / {bottom_id}", "published_area": None})
        out += _england_from_las(ctx, metric, out, tops, bottoms, plan.file_name)
    return out


def _england_from_las(ctx: ImportContext, metric: Metric, derived: list[dict], tops: dict, bottoms: dict,
                      file_name: str) -> list[dict]:
    """England's figure where the denominator is published only for LAs (the 2-18 population): the sum
    of the LAs' numerators over the sum of their denominators, for the LAs that have both, and said so."""
    out = []
    for period_label in sorted({r["period_label"] for r in derived if r["metric_id"] == metric.id}):
        if (ENGLAND, period_label) in bottoms:
            continue
        # In a fixed order, so the sums (and the seed built from them) are the same on every run.
        both = sorted(key for key in set(tops) & set(bottoms) if key[1] == period_label and bottoms[key][0]
                      and ctx.areas.get(key[0]).level == "la")
        if not both:
            continue
        top, bottom = sum(tops[k][0] for k in both), sum(bottoms[k][0] for k in both)
        out.append({"metric_id": metric.id, "area_code": ENGLAND, "period_label": period_label,
                    "value": top / bottom, "numerator": top, "denominator": bottom, "status": published.COMPUTED,
                    "note": f"Calculated here from the {len(both)} local authorities with both figures (sum ÷ sum); "
                            "no England figure is published", "source_file": file_name, "source_row": None,
                    "source_column": " / ".join(metric.derived_from), "published_area": None})
    return out


# ---------------------------------------------------------------------------------------------- balance


def _read_balance(source: SourceFile, ctx: ImportContext) -> ImportPlan:
    name = source.name
    wanted = _reads(ctx, BALANCE)
    for grid in _workbook(source).values():
        header_at = next((i for i, row in enumerate(grid[:12])
                          if any(_key(c) in {_key(w) for w in wanted} for c in row)), None)
        if header_at is not None:
            break
    else:
        raise ImportFailure(Issue(name, "no sheet has the DSG balance header"))
    header = [_key(c) for c in grid[header_at]]
    needed = ("time_period", "geographic_level", "region_name", "la_name")
    missing = [c for c in needed if c not in header]
    if missing:
        raise ImportFailure(Issue(name, f"required column(s) {', '.join(missing)} missing", row=header_at + 1))
    col = {c: header.index(c) for c in needed}
    value_cols = {header.index(_key(w)): (w, m) for w, m in wanted.items() if _key(w) in header}
    plan = ImportPlan(name, source.sha256, FORMATS[BALANCE])
    records, problems = [], []
    for i in range(header_at + 1, len(grid)):
        row, line = grid[i], i + 1
        if not any(_text(c) for c in row):
            continue
        try:
            period = periods.from_ees(_text(row[col["time_period"]]), "Financial year")
        except periods.PeriodError as exc:
            problems.append(Issue(name, str(exc), row=line, column="time_period"))
            continue
        level = _text(row[col["geographic_level"]])
        region, la = _text(row[col["region_name"]]), _text(row[col["la_name"]])
        if level == "National":
            area, shown = ENGLAND, "England"
        elif level == "Regional":
            area, shown = _region_by_name(ctx, region), region
            if area is None:
                problems.append(Issue(name, f"unknown region {region!r}", row=line, column="region_name"))
                continue
        elif level == "Local authority":
            area, why = _la_by_name(ctx, la, period)
            shown = la
            if area is None:
                problems.append(Issue(name, why + ". Add the name as an alias of its area "
                                      "(data/boundary_changes.csv or the area table) and import again.",
                                      row=line, column="la_name"))
                continue
        else:
            problems.append(Issue(name, f"unknown geographic level {level!r}", row=line, column="geographic_level"))
            continue
        plan.periods[period.label] = period
        for j, (header_text, metric) in value_cols.items():
            record, issue = _record(metric, area, period, row[j], name, line, header_text, shown)
            if issue:
                problems.append(issue)
            else:
                records.append(record)
    return _finish(plan, ctx, records, problems, BALANCE, name)


# ---------------------------------------------------------------------------------------------- allocations


def _read_allocations(source: SourceFile, ctx: ImportContext) -> ImportPlan:
    name = source.name
    sheets = _workbook(source, engine="odf")
    grid = sheets.get("Allocations_summary")
    if grid is None:
        raise ImportFailure(Issue(name, "no sheet called Allocations_summary"))
    title = _text(grid[0][0]) if grid and grid[0] else ""
    years = _TITLE_YEARS.search(title)
    if not years or int(years.group(2)) != int(years.group(1)) + 1:
        raise ImportFailure(Issue(name, "the title does not say which financial year the allocations are for "
                                  f"(expected 'YYYY to YYYY allocations', found {title!r})", row=1,
                                  column="Allocations_summary"))
    period = periods.financial_year(int(years.group(1)))
    wanted = _reads(ctx, ALLOCATIONS)
    header_at = next((i for i, row in enumerate(grid[:10]) if any(_key(c) in {_key(w) for w in wanted} for c in row)),
                     None)
    if header_at is None:
        raise ImportFailure(Issue(name, "no header of a register measure in sheet Allocations_summary: expected "
                                  + ", ".join(repr(w) for w in wanted), row=2))
    header = [_key(c) for c in grid[header_at]]
    # The first column of a header is the allocation before recoupment and deductions: the grant itself.
    value_cols = {header.index(_key(w)): (w, m) for w, m in wanted.items() if _key(w) in header}
    plan = ImportPlan(name, source.sha256, FORMATS[ALLOCATIONS])
    plan.periods[period.label] = period
    records, problems = [], []
    region_rows: dict[str, int] = {}
    for i in range(header_at + 1, len(grid)):
        row, line = grid[i], i + 1
        first, second = _text(row[0]) if row else "", _text(row[1]) if len(row) > 1 else ""
        if not first or first.startswith("["):
            continue
        if not any(_text(row[j]) for j in value_cols if j < len(row)):
            continue
        if first.upper() == "ENGLAND":
            area, shown = ENGLAND, first
        elif first.isdigit():
            area, shown = _la_by_number(ctx, first, second, period, name, line, problems), second
            if area is None:
                continue
        else:
            area, shown = _region_by_name(ctx, first), first
            if area is None:  # a total by type of authority (METROPOLITAN AUTHORITIES): not an area
                plan.skipped.append(f"{name}: row {line} ({first}) is a total by type of authority, not stored")
                continue
            if area in region_rows:  # London is printed twice: as a type of authority and as a region
                continue
            region_rows[area] = line
        for j, (header_text, metric) in value_cols.items():
            record, issue = _record(metric, area, period, row[j] if j < len(row) else None, name, line,
                                    header_text, shown)
            if issue:
                problems.append(issue)
            else:
                records.append(record)
    return _finish(plan, ctx, records, problems, ALLOCATIONS, name)


def _la_by_number(ctx: ImportContext, number: str, la_name: str, period: periods.Period, file_name: str,
                  line: int, problems: list[Issue]) -> str | None:
    """The LA a DfE LA number means, cross-checked with the name printed beside it."""
    by_number = ctx.areas.by_la_number(number)
    if by_number is None:
        problems.append(Issue(file_name, f"unknown LA number {number} ({la_name})", row=line, column="LA number"))
        return None
    named = [c for c in ctx.areas.by_area_name(la_name)] if la_name else []
    if named and by_number not in named:
        linked = {p for p, _ in ctx.areas.predecessors.get(by_number, [])} | \
                 {s for s, _ in ctx.areas.successors.get(by_number, [])}
        if not linked & set(named):
            problems.append(Issue(file_name, f"LA number {number} is {ctx.areas.get(by_number).name} but the name is "
                                  f"{la_name!r}; cannot tell which is right", row=line, column="LA number"))
            return None
    return ctx.areas.attribute_to_period(by_number, period.end)


# ---------------------------------------------------------------------------------------------- outturn


def _read_outturn(source: SourceFile, ctx: ImportContext) -> ImportPlan:
    name = source.name
    wanted = _reads(ctx, OUTTURN)
    for grid in _workbook(source).values():
        header_at = next((i for i, row in enumerate(grid[:15]) if "la code" in {_key(c) for c in row}), None)
        if header_at is not None:
            break
    else:
        raise ImportFailure(Issue(name, "no 'LA code' header: not the high needs outturn layout"))
    header = [_key(c) for c in grid[header_at]]
    year_cell = next((_text(row[j + 1]) for row in grid[:header_at] for j, c in enumerate(row[:-1])
                      if _key(c) == "year"), "")
    fy = _FY.fullmatch(year_cell)
    if not fy:
        raise ImportFailure(Issue(name, f"no financial year ('Year' followed by YYYY-YY) above the table; "
                                  f"found {year_cell!r}", row=header_at))
    period = periods.financial_year(int(fy.group(1)))
    code_col, name_col = header.index("la code"), header.index("la name") if "la name" in header else None
    value_cols = {header.index(_key(w)): (w, m) for w, m in wanted.items() if _key(w) in header}
    if not value_cols:
        raise ImportFailure(Issue(name, "no header of a register measure: expected "
                                  + ", ".join(repr(w) for w in wanted), row=header_at + 1))
    plan = ImportPlan(name, source.sha256, FORMATS[OUTTURN])
    plan.periods[period.label] = period
    records, problems = [], []
    for i in range(header_at + 1, len(grid)):
        row, line = grid[i], i + 1
        number = _text(row[code_col]) if code_col < len(row) else ""
        if not number:
            continue
        la_name = _text(row[name_col]) if name_col is not None else ""
        if not number.isdigit():
            problems.append(Issue(name, f"{number!r} is not a DfE LA number", row=line, column="LA code"))
            continue
        area = _la_by_number(ctx, number, la_name, period, name, line, problems)
        if area is None:
            continue
        for j, (header_text, metric) in value_cols.items():
            record, issue = _record(metric, area, period, row[j] if j < len(row) else None, name, line,
                                    header_text, la_name)
            if issue:
                problems.append(issue)
            else:
                records.append(record)
    return _finish(plan, ctx, records, problems, OUTTURN, name)
