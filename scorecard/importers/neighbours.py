"""DfE's children's services statistical-neighbour workbooks (the files LAIT uses).

Sheet "LA SN Groups": two rows of column letters and numbers, then a header row, then one row per
LA: LA number, name, GOInd, GOReg and ten pairs of SNn (the n-th nearest neighbour's LA number)
and SNP (closeness, in inconsistent capitals). Abolished LAs follow an "Old SNs:" row.

The model year is read from the content: a model that gives Cumberland neighbours post-dates the
April 2023 reorganisation (its year is the workbook's creation year); one that lists North and West
Northamptonshire but not Cumberland is the 2021 model.
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from ..limits import MAX_RELEASE_ROWS
from . import safe_zip
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile, too_many_rows, unless_damaged
from .grid_budget import CellBudget

FORMAT = "dfe-statistical-neighbours"
SHEET = "LA SN Groups"
CLOSENESS = ("Extremely close", "Very close", "Close", "Somewhat close", "Not close")


def looks_like(source: SourceFile) -> bool:
    """A workbook with the sheet "LA SN Groups". Damage inside the workbook is raised, not hidden."""
    archive = safe_zip.open_workbook(source)
    try:
        return "xl/workbook.xml" in archive and SHEET.encode() in archive.read("xl/workbook.xml")
    finally:
        archive.close()


def read(source: SourceFile, ctx: ImportContext, model_year: int | None = None) -> ImportPlan:
    name = source.name
    safe_zip.vet(source)
    with unless_damaged(name, "an Excel workbook"):
        workbook = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
        created = workbook.properties.created
        sheet = workbook[SHEET]
        sheet.reset_dimensions()  # its declared dimensions may lie: each row is counted as it is read
        budget = CellBudget(name)
        budget.start_sheet(SHEET)
        rows = []
        for row in sheet.iter_rows(values_only=True):
            if len(rows) >= MAX_RELEASE_ROWS:
                raise too_many_rows(name, MAX_RELEASE_ROWS, "a release file")
            budget.examine(len(row) or 1)
            budget.add_rows(1, len(row))
            rows.append(tuple(row))
    widest = max((len(r) for r in rows), default=0)
    rows = [r + (None,) * (widest - len(r)) for r in rows]  # every row as wide as the sheet, as declared
    header_at = next((i for i, r in enumerate(rows[:10]) if r and str(r[0]).strip().lower() == "la num"), None)
    if header_at is None:
        raise ImportFailure(Issue(name, f"sheet {SHEET!r} has no 'LA num' header row", row=3))
    header = [str(h).strip() if h is not None else "" for h in rows[header_at]]
    sn_cols = [j for j, h in enumerate(header) if h.upper().startswith("SN") and h[2:].isdigit()]
    if len(sn_cols) != 10 or any(header[j + 1].upper() != "SNP" for j in sn_cols):
        raise ImportFailure(Issue(name, "expected ten SNn / SNP column pairs", row=header_at + 1))

    problems, records, lists = [], [], {}
    live = True
    for i in range(header_at + 1, len(rows)):
        r = rows[i]
        line = i + 1
        if not r or all(v is None for v in r):
            continue
        if r[0] is None:
            if str(r[1] or "").strip().lower().startswith("old sn"):
                live = False
            continue
        number = _number(r[0])
        area = ctx.areas.by_la_number(number) if number else None
        if area is None:
            problems.append(Issue(name, f"unknown LA number {r[0]!r} ({r[1]})", row=line, column="LA num"))
            continue
        if not live:
            area = _predecessor_named(ctx, number, area)
        neighbours = []
        for rank, j in enumerate(sn_cols, start=1):
            code, closeness = r[j], r[j + 1]
            if code is None or str(code).strip() in ("-", ""):
                continue
            n_area = ctx.areas.by_la_number(_number(code))
            if n_area is None:
                problems.append(Issue(name, f"unknown neighbour LA number {code!r}", row=line, column=header[j]))
                continue
            label = _closeness(closeness)
            if label is None:
                problems.append(Issue(name, f"closeness {closeness!r} is not one of {', '.join(CLOSENESS)}",
                                      row=line, column="SNP"))
                continue
            neighbours.append(n_area)
            records.append({"area_code": area, "rank": rank, "neighbour_code": n_area, "closeness": label})
        lists[number] = (live, len(neighbours))
    if problems:
        raise ImportFailure(problems)
    if not records:
        raise ImportFailure(Issue(name, "no neighbour rows found"))

    year = model_year or _model_year(lists, created)
    if year is None:
        raise ImportFailure(Issue(name, "cannot tell which model this is; give --model-year"))
    plan = ImportPlan(name, source.sha256, FORMAT)
    plan.neighbours = pd.DataFrame.from_records(records).assign(model_year=year)
    plan.neighbour_model_year = year
    return plan.set_values([], ctx.release_for("dfe-statistical-neighbours", str(year)))


def _number(value) -> str:
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") else text


def _closeness(value) -> str | None:
    text = " ".join(str(value or "").split()).lower()
    for label in CLOSENESS:
        if text == label.lower():
            return label
    return None


def _predecessor_named(ctx: ImportContext, number: str, area: str) -> str:
    """Under "Old SNs:" an LA number means the abolished authority (Dorset 835, Cumbria 909)."""
    for a in ctx.areas.areas.values():
        if a.la_number == number and not a.is_current:
            return a.code
    return area


def _model_year(lists: dict, created) -> int | None:
    cumberland_live = lists.get("942", (False, 0))
    if cumberland_live[0] and cumberland_live[1] > 0:
        return max(created.year if created else 2023, 2023)
    if lists.get("940", (False, 0))[1] > 0:
        return 2021
    return None
