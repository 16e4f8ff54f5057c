"""Importers, one module per published format. `read_file` recognises a file by its content."""

from __future__ import annotations

from . import (
    csv_text, dfe_finance, ees_csv, ees_zip, local_csv, local_sheet, local_template, moj_tribunal, neighbours,
    ofsted_send, safe_zip,
    targets_csv,
)
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile, unless_damaged

KNOWN_FORMATS = (
    "an EES open-data CSV or ZIP, the MoJ SEND Tribunal appeal-rate table (CSV or ODS), "
    "a DfE statistical-neighbour workbook, a DfE finance file (the DSG balance or high needs outturn "
    "workbook, or a DSG allocations spreadsheet), Ofsted's area SEND inspection outcomes (the 2016 "
    "framework's OpenDocument table or the 2023 framework's CSV), a local return (a CSV with area, metric, period and "
    "value columns, a workbook sheet with those columns, or the SEND Scorecard Excel template), "
    "or a targets CSV (area, metric, period, target)"
)
GET_THE_TEMPLATE = (
    "Download the local-return template from the Local returns page of the dashboard (or run "
    "`scorecard template --area YOUR-AREA --out return.xlsx`), copy your figures into it and import that. "
    "A sheet whose first row has the columns area, metric, period and value is also read."
)
_OLD_EXCEL = b"\xd0\xcf\x11\xe0"  # an .xls workbook (Excel 97-2003)


def read_file(source: SourceFile, ctx: ImportContext, model_year: int | None = None) -> ImportPlan:
    """Read any supported file into an import plan. Raises ImportFailure for bad input."""
    if not source.data or source.data.isspace():
        raise ImportFailure(Issue(source.name, "the file is empty"))
    if source.is_zip:
        archive = safe_zip.open_zip(source)
        names = archive.names()
        archive.close()
        # DfE's DSG allocations spreadsheets have no mimetype member, but are OpenDocument all the same.
        if "mimetype" in names or {"content.xml", "META-INF/manifest.xml"} <= set(names):
            with unless_damaged(source.name, "an OpenDocument spreadsheet"):
                is_moj_table = moj_tribunal.looks_like_ods(source)
                is_inspections = not is_moj_table and ofsted_send.looks_like_ods(source)
            if is_moj_table:
                return moj_tribunal.read_ods(source, ctx)
            if is_inspections:
                return ofsted_send.read_ods(source, ctx)
            with unless_damaged(source.name, "an OpenDocument spreadsheet"):
                is_allocations = dfe_finance.looks_like_allocations_ods(source)
            if is_allocations:
                return dfe_finance.read(source, ctx, dfe_finance.ALLOCATIONS)
            raise ImportFailure(Issue(source.name, "is an OpenDocument spreadsheet, but not the MoJ SEND Tribunal "
                                      "appeal-rate table, Ofsted's area SEND inspection table or DfE's DSG "
                                      "allocations. "
                                      f"For a local return: {GET_THE_TEMPLATE}"))
        if "xl/workbook.xml" in names:
            safe_zip.vet(source)  # sizes and ratio checked before openpyxl expands anything
            with unless_damaged(source.name, "an Excel workbook"):
                finance = dfe_finance.looks_like_workbook(source)
                reader = None if finance else next(
                    (r for r in (neighbours, local_template, local_sheet) if r.looks_like(source)), None)
            if finance:
                return dfe_finance.read(source, ctx, finance)
            if reader is neighbours:
                return neighbours.read(source, ctx, model_year)
            if reader is not None:
                return reader.read(source, ctx)
            raise ImportFailure(Issue(source.name, "is an Excel workbook, but not the SEND Scorecard local-return "
                                      f"template (a sheet called 'Return' made by SEND Scorecard). {GET_THE_TEMPLATE}"))
        return ees_zip.read(source, ctx)
    if source.data.startswith(_OLD_EXCEL):
        raise ImportFailure(Issue(source.name, "is an old-style Excel workbook (.xls). Save it as an Excel "
                                  f"Workbook (.xlsx) and import that. For a local return: {GET_THE_TEMPLATE}"))
    text = csv_text.read_text(source)
    header = csv_text.first_row(text)
    if targets_csv.looks_like(header):
        return targets_csv.read(source, ctx)
    # Before the EES check: a local return may use EES's time_period and time_identifier columns.
    if local_csv.looks_like(header):
        return local_csv.read(source, ctx)
    if ees_csv.looks_like(header):
        return ees_csv.read(source, ctx)
    if moj_tribunal.looks_like_csv(text):
        return moj_tribunal.read_csv(source, ctx)
    if ofsted_send.looks_like_csv(header):
        return ofsted_send.read_csv(source, ctx)
    raise ImportFailure(Issue(source.name, f"unknown format: expected {KNOWN_FORMATS}", row=1))
