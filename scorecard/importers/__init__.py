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


class NotALocalFile(ImportFailure):
    """A published release (or a file only a release could be), given where only a local return or a
    targets file may be read: `kind` says what it is. Raised before the file is read beyond that."""

    def __init__(self, file_name: str, kind: str):
        self.kind = kind
        super().__init__(Issue(file_name, f"is {kind}, not a local return or a targets file"))


def read_file(source: SourceFile, ctx: ImportContext, model_year: int | None = None,
              local_only: bool = False) -> ImportPlan:
    """Read any supported file into an import plan. Raises ImportFailure for bad input. With
    `local_only` (an editor's file) only a local return or a targets file is read: anything else is
    refused with NotALocalFile as soon as its kind is known, before any reader expands it."""
    if not source.data or source.data.isspace():
        raise ImportFailure(Issue(source.name, "the file is empty"))
    if source.is_zip:
        archive = safe_zip.open_zip(source)
        names = archive.names()
        archive.close()
        is_workbook = "xl/workbook.xml" in names and "mimetype" not in names
        if local_only and not is_workbook:
            raise NotALocalFile(source.name, "an OpenDocument spreadsheet or a ZIP archive, as published releases are")
        if local_only:
            safe_zip.vet(source)
            with unless_damaged(source.name, "an Excel workbook"):
                reader = next((r for r in (local_template, local_sheet) if r.looks_like(source)), None)
            if reader is None:
                raise ImportFailure(Issue(source.name, "is an Excel workbook, but not the SEND Scorecard local-return "
                                          f"template (a sheet called 'Return' made by SEND Scorecard). "
                                          f"{GET_THE_TEMPLATE}"))
            return reader.read(source, ctx)
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
    header = csv_text.header(source.name, text)
    if targets_csv.looks_like(header):
        return targets_csv.read(source, ctx)
    # Before the EES check: a local return may use EES's time_period and time_identifier columns.
    if local_csv.looks_like(header):
        return local_csv.read(source, ctx)
    if local_only:
        published = ees_csv.looks_like(header) or moj_tribunal.looks_like_csv(text) or ofsted_send.looks_like_csv(header)
        if published:
            raise NotALocalFile(source.name, "a published release")
        raise ImportFailure(Issue(source.name, "unknown format: expected a local return (a CSV with area, metric, "
                                  "period and value columns, or the SEND Scorecard Excel template) or a targets "
                                  "CSV (area, metric, period, target)", row=1))
    if ees_csv.looks_like(header):
        return ees_csv.read(source, ctx)
    if moj_tribunal.looks_like_csv(text):
        return moj_tribunal.read_csv(source, ctx)
    if ofsted_send.looks_like_csv(header):
        return ofsted_send.read_csv(source, ctx)
    raise ImportFailure(Issue(source.name, f"unknown format: expected {KNOWN_FORMATS}", row=1))
