"""Ofsted's area SEND inspection outcomes, as published (with CQC), in its two frameworks:

- the 2016 framework (OpenDocument, sheet `Area_SEND_up_to_31_Aug_2022`): each local area's
  inspection date, whether a written statement of action (WSoA) was required, and the revisit with
  its outcome. A title and notes sit above the header row; areas have their ONS code.
- the 2023 framework (CSV, R's dotted column names): the local area partnership by name, its
  start and publication dates, the outcome in Ofsted's words and whether a priority action plan is
  required.

Columns are found by their header text, never by position. Areas are matched by ONS code where the
file gives one, by name otherwise; an area that matches nothing is reported and left out. Any
other problem (a date that is not a date, an outcome Ofsted does not use) refuses the whole file,
naming the row and the column. Readers never write: the plan's `inspections` frame is committed by
scorecard.ingest with the rest of the batch.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from ..limits import MAX_RELEASE_ROWS
from ..published import INSPECTIONS_PUBLICATION
from . import csv_text, ods_grid, safe_zip
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile, too_many_rows

PUBLICATION = INSPECTIONS_PUBLICATION
FORMAT_2016 = "ofsted-area-send-2016"
FORMAT_2023 = "ofsted-area-send-2023"
FRAMEWORK_2016, FRAMEWORK_2023 = "2016", "2023"
INSPECTION, REVISIT = "inspection", "revisit"
COLUMNS = ["framework", "visit", "area_code", "published_area", "start_date", "published", "outcome",
           "action_plan_required", "weaknesses", "progressed", "not_progressed", "note", "source_id",
           "source_file", "source_row"]

# The 2016 sheet's columns, by words in their headers (the first that matches wins, so the longer
# phrase comes first where one header's words are inside another's).
HEADERS_2016 = {
    "code": "local authority code",
    "name": "area name",
    "start": "inspection start date",
    "published": "inspection publication date",
    "wsoa": "written statement of action required",
    "weaknesses": "significant weaknesses identified",
    "revisit_start": "revisit start date",
    "revisit_published": "revisit publication date",
    "revisit_outcome": "revisit outcome",
    "not_progressed": "sufficient progress has not been made",
    "progressed": "sufficient progress has been made",
}
# Ofsted's answers in the 2016 sheet, and the same in the words its guidance sheet gives them.
WSOA = {"yes": (True, "Written statement of action required"),
        "no": (False, "No written statement of action required")}
REVISIT_OUTCOMES = {
    "yes": "Sufficient progress in addressing all significant weaknesses",
    "some": "Sufficient progress in addressing some significant weaknesses",
    "no": "Insufficient progress in addressing any significant weaknesses",
}
NOT_REVISITED = "not revisited yet"

HEADERS_2023 = {
    "name": "local.area.partnership",
    "start": "inspection.start.date",
    "published": "inspection.publication.date",
    "outcome": "inspection.outcome",
    "plan": "priority.action.plan.required",
    "priorities": "number.of.areas.for.priority.action",
}
# The three outcomes of the 2023 framework, exactly as Ofsted words them.
OUTCOMES_2023 = ("Typically positive experiences and outcomes", "Inconsistent experiences and outcomes",
                 "Widespread and/or systemic failings")
YES_NO = {"yes": True, "no": False}
_MISSING = {"", "na", "n/a", "nan", "none", "-"}


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _key(value) -> str:
    return re.sub(r"\s+", " ", _text(value).lower())


# ---------------------------------------------------------------------------------------------
# Recognising the files


def looks_like_ods(source: SourceFile) -> bool:
    """An OpenDocument spreadsheet whose text has the 2016 sheet's WSoA column."""
    archive = safe_zip.open_workbook(source)
    try:
        if "content.xml" not in archive:
            return False
        content = archive.read("content.xml")
    finally:
        archive.close()
    return b"written statement of action required" in content.lower() and b"revisit" in content.lower()


def looks_like_csv(header: list[str]) -> bool:
    cells = {_key(c) for c in header}
    return {HEADERS_2023["name"], HEADERS_2023["outcome"]} <= {c.rstrip(".") for c in cells}


# ---------------------------------------------------------------------------------------------
# Dates and areas


def _date(value, file_name: str, row: int, column: str, day_first: bool = True) -> date | None:
    """A date cell: a spreadsheet date, or text such as 27/03/2023 or 2023-03-27. Blank is None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text.lower() in _MISSING:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S") if day_first else ("%Y-%m-%d",):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ImportFailure(Issue(file_name, f"{text!r} is not a date (expected a day such as 27/03/2023)",
                              row=row, column=column))


def _sensible(day: date | None, file_name: str, row: int, column: str) -> date | None:
    if day is not None and not date(2016, 1, 1) <= day <= date.today():
        raise ImportFailure(Issue(file_name, f"{day:%d %B %Y} is outside the years of area SEND inspections "
                                  "(from May 2016 to today)", row=row, column=column))
    return day


def _area(ctx: ImportContext, code: str, name: str, file_name: str, row: int, column: str,
          warnings: list[Issue]) -> str | None:
    """The area's code: by its ONS code where given, else by its name. None (with a warning) when
    neither matches an area this tool knows."""
    by_code = ctx.areas.by_ons_code(code) if code else None
    by_name = ctx.areas.by_area_name(name) if name else []
    if by_code:
        if by_name and by_code not in by_name:
            warnings.append(Issue(file_name, f"the code {code} is {ctx.areas.get(by_code).name}, but the area "
                                  f"is named {name!r}; matched by its code", row=row, column=column,
                                  severity="warning"))
        return by_code
    if by_name:
        if code:
            warnings.append(Issue(file_name, f"the code {code} is not an area this tool knows; {name!r} matched "
                                  "by its name", row=row, column=column, severity="warning"))
        return by_name[0]
    what = f"{name!r}" + (f" ({code})" if code else "")
    warnings.append(Issue(file_name, f"{what} matches no local area this tool knows, by code or by name; its "
                          "inspection was left out", row=row, column=column, severity="warning"))
    return None


def _count(value, file_name: str, row: int, column: str) -> int | None:
    text = _text(value)
    if text.lower() in _MISSING:
        return None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise ImportFailure(Issue(file_name, f"{text!r} is not a number", row=row, column=column)) from None
    if number < 0 or not number.is_integer():
        raise ImportFailure(Issue(file_name, f"{text!r} is not a whole number of 0 or more", row=row,
                                  column=column))
    return int(number)


def _answer(value, answers: dict, file_name: str, row: int, column: str):
    text = _key(value)
    if text not in answers:
        allowed = " or ".join(repr(a.capitalize()) for a in answers)
        raise ImportFailure(Issue(file_name, f"{_text(value)!r} is not an answer Ofsted uses here ({allowed})",
                                  row=row, column=column))
    return answers[text]


# ---------------------------------------------------------------------------------------------
# The 2016 framework (OpenDocument)


def read_ods(source: SourceFile, ctx: ImportContext) -> ImportPlan:
    # Read as a stream, every repeated row and cell counted against the limits as it is expanded.
    sheets = ods_grid.read_sheets(source)
    for sheet, grid in sheets.items():
        header_at = next((i for i, row in enumerate(grid[:30])
                          if {"local authority code", "inspection start date"} <= {_key(c) for c in row}), None)
        if header_at is not None:
            return _read_2016(source, ctx, grid, header_at)
    raise ImportFailure(Issue(source.name, "no sheet has the area SEND inspection table (a header row with "
                              "'Local authority code' and 'Inspection start date')"))


def _columns(header: list, wanted: dict[str, str], file_name: str, row: int, exact: bool = False) -> dict[str, int]:
    """Each wanted column's position: the first header holding its words (or, with `exact`, being them)."""
    found: dict[str, int] = {}
    for j, cell in enumerate(header):
        text = _key(cell).rstrip("?. ")
        for name, words in wanted.items():
            if name not in found and (text == words if exact else words in text):
                found[name] = j
                break
    missing = [wanted[n] for n in wanted if n not in found]
    if missing:
        raise ImportFailure(Issue(file_name, "the header row lacks the column" + ("s " if len(missing) > 1 else " ")
                                  + ", ".join(repr(m) for m in missing), row=row))
    return found


def _read_2016(source: SourceFile, ctx: ImportContext, grid: list[list], header_at: int) -> ImportPlan:
    name = source.name
    header = grid[header_at]
    col = _columns(header, HEADERS_2016, name, header_at + 1)
    title = {k: _text(header[j]) for k, j in col.items()}
    records, warnings, latest = [], [], None
    for i in range(header_at + 1, len(grid)):
        cells = grid[i]
        row = i + 1  # the spreadsheet's own row number

        def cell(key: str):
            return cells[col[key]] if col[key] < len(cells) else None

        code, area_name = _text(cell("code")).upper(), _text(cell("name"))
        if not code and not area_name:
            continue
        start = _sensible(_date(cell("start"), name, row, title["start"]), name, row, title["start"])
        published = _sensible(_date(cell("published"), name, row, title["published"]), name, row,
                              title["published"])
        if start is None:
            raise ImportFailure(Issue(name, "the inspection has no start date", row=row, column=title["start"]))
        required, outcome = _answer(cell("wsoa"), WSOA, name, row, title["wsoa"])
        weaknesses = _count(cell("weaknesses"), name, row, title["weaknesses"])
        revisit_text = _key(cell("revisit_start"))
        revisit_start = None if revisit_text in (NOT_REVISITED, *_MISSING) else \
            _sensible(_date(cell("revisit_start"), name, row, title["revisit_start"]), name, row,
                      title["revisit_start"])
        revisit_outcome = _text(cell("revisit_outcome"))
        if revisit_outcome and revisit_start is None:
            raise ImportFailure(Issue(name, "the row has a revisit outcome but no revisit date", row=row,
                                      column=title["revisit_start"]))
        if revisit_start is not None and not required:
            raise ImportFailure(Issue(name, "the row has a revisit, but no written statement of action was "
                                      "required", row=row, column=title["revisit_start"]))
        area_code = _area(ctx, code, area_name, name, row, title["code"], warnings)
        if area_code is None:
            continue
        note = None
        if required and revisit_start is None:
            note = "Not revisited yet" if revisit_text == NOT_REVISITED else None
        base = {"framework": FRAMEWORK_2016, "area_code": area_code, "published_area": area_name,
                "source_file": name, "source_row": row}
        records.append({**base, "visit": INSPECTION, "start_date": start, "published": published,
                        "outcome": outcome, "action_plan_required": required, "weaknesses": weaknesses,
                        "progressed": None, "not_progressed": None, "note": note})
        latest = max(d for d in (latest, start, published) if d is not None)
        if revisit_start is not None:
            revisit_published = _sensible(_date(cell("revisit_published"), name, row, title["revisit_published"]),
                                          name, row, title["revisit_published"])
            words = _answer(cell("revisit_outcome"), REVISIT_OUTCOMES, name, row, title["revisit_outcome"]) \
                if revisit_outcome else None
            records.append({**base, "visit": REVISIT, "start_date": revisit_start, "published": revisit_published,
                            "outcome": words, "action_plan_required": None, "weaknesses": weaknesses,
                            "progressed": _count(cell("progressed"), name, row, title["progressed"]),
                            "not_progressed": _count(cell("not_progressed"), name, row, title["not_progressed"]),
                            "note": None if words else "Revisit outcome not yet published"})
            latest = max(d for d in (latest, revisit_start, revisit_published) if d is not None)
    return _plan(source, ctx, FORMAT_2016, records, warnings, latest,
                 "Area SEND inspections and revisits, 2016 framework, to 31 August 2022")


# ---------------------------------------------------------------------------------------------
# The 2023 framework (CSV)


def read_csv(source: SourceFile, ctx: ImportContext) -> ImportPlan:
    name = source.name
    records, warnings, latest = [], [], None
    header, col, title = None, {}, {}
    for line, cells in csv_text.rows(name, csv_text.read_text(source)):
        if header is None:
            header = cells
            col = _columns(cells, HEADERS_2023, name, line, exact=True)
            title = {k: header[j] for k, j in col.items()}
            continue
        if line > MAX_RELEASE_ROWS:
            raise too_many_rows(name, MAX_RELEASE_ROWS, "a release file")
        if not any(c.strip() for c in cells):
            continue
        if problem := csv_text.width_problem(name, line, cells, len(header)):
            raise ImportFailure(problem)

        def cell(key: str) -> str:
            return cells[col[key]].strip() if col[key] < len(cells) else ""

        area_name = cell("name")
        if not area_name:
            raise ImportFailure(Issue(name, "the row names no local area partnership", row=line, column=title["name"]))
        start = _sensible(_date(cell("start"), name, line, title["start"]), name, line, title["start"])
        if start is None:
            raise ImportFailure(Issue(name, "the inspection has no start date", row=line, column=title["start"]))
        published = _sensible(_date(cell("published"), name, line, title["published"]), name, line,
                              title["published"])
        outcome = next((o for o in OUTCOMES_2023 if _key(o) == _key(cell("outcome"))), None)
        if outcome is None:
            raise ImportFailure(Issue(name, f"{cell('outcome')!r} is not an outcome of the 2023 framework "
                                      f"(one of: {'; '.join(OUTCOMES_2023)})", row=line, column=title["outcome"]))
        required = _answer(cell("plan"), YES_NO, name, line, title["plan"])
        priorities = _count(cell("priorities"), name, line, title["priorities"])
        if priorities and not required:
            raise ImportFailure(Issue(name, f"{priorities} areas for priority action, but no priority action plan "
                                      "required", row=line, column=title["priorities"]))
        area_code = _area(ctx, "", area_name, name, line, title["name"], warnings)
        if area_code is None:
            continue
        records.append({"framework": FRAMEWORK_2023, "visit": INSPECTION, "area_code": area_code,
                        "published_area": area_name, "start_date": start, "published": published,
                        "outcome": outcome, "action_plan_required": required, "weaknesses": priorities,
                        "progressed": None, "not_progressed": None, "note": None,
                        "source_file": name, "source_row": line})
        latest = max(d for d in (latest, start, published) if d is not None)
    if header is None:
        raise ImportFailure(Issue(name, "the file is empty"))
    return _plan(source, ctx, FORMAT_2023, records, warnings, latest,
                 "Area SEND inspections, 2023 framework: outcomes (management information)")


# ---------------------------------------------------------------------------------------------


def _plan(source: SourceFile, ctx: ImportContext, fmt: str, records: list[dict], warnings: list[Issue],
          latest: date | None, title: str) -> ImportPlan:
    if not records:
        raise ImportFailure(warnings or Issue(source.name, "holds no inspections"))
    keys = [(r["framework"], r["visit"], r["area_code"], r["start_date"]) for r in records]
    seen: dict[tuple, int] = {}
    for key, r in zip(keys, records):
        if key in seen:
            raise ImportFailure(Issue(source.name, f"the {r['visit']} of {r['published_area']} starting "
                                      f"{r['start_date']:%d %B %Y} is listed twice (also row {seen[key]})",
                                      row=r["source_row"]))
        seen[key] = r["source_row"]
    plan = ImportPlan(source.name, source.sha256, fmt)
    framework = FRAMEWORK_2016 if fmt == FORMAT_2016 else FRAMEWORK_2023
    release = ctx.release_for(PUBLICATION, f"{framework} framework to {latest:%Y-%m-%d}", title)
    plan.attribute(release)
    frame = pd.DataFrame.from_records(records)
    frame["source_id"] = release["id"]
    plan.inspections = frame[COLUMNS]
    plan.warnings = warnings
    return plan

