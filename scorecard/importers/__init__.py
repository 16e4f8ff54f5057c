"""Importers, one module per published format. `read_file` recognises a file by its content."""

from __future__ import annotations

from . import ees_csv, ees_zip, local_csv, local_template, moj_tribunal, neighbours, safe_zip, targets_csv
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile

KNOWN_FORMATS = (
    "an EES open-data CSV or ZIP, the MoJ SEND Tribunal appeal-rate table (CSV or ODS), "
    "a DfE statistical-neighbour workbook, a local return (a CSV with area, metric, period and "
    "value columns, or the SEND Scorecard Excel template), or a targets CSV (area, metric, period, target)"
)


def read_file(source: SourceFile, ctx: ImportContext, model_year: int | None = None) -> ImportPlan:
    """Read any supported file into an import plan. Raises ImportFailure for bad input."""
    if not source.data or source.data.isspace():
        raise ImportFailure(Issue(source.name, "the file is empty"))
    if source.is_zip:
        archive = safe_zip.open_zip(source)
        names = archive.names()
        archive.close()
        if "mimetype" in names and moj_tribunal.looks_like_ods(source):
            return moj_tribunal.read_ods(source, ctx)
        if "xl/workbook.xml" in names:
            if neighbours.looks_like(source):
                return neighbours.read(source, ctx, model_year)
            if local_template.looks_like(source):
                return local_template.read(source, ctx)
            raise ImportFailure(Issue(source.name, f"is an Excel workbook of unknown layout; expected {KNOWN_FORMATS}"))
        return ees_zip.read(source, ctx)
    text = source.text()
    header = ees_csv.header_of(text)
    if targets_csv.looks_like(header):
        return targets_csv.read(source, ctx)
    # Before the EES check: a local return may use EES's time_period and time_identifier columns.
    if local_csv.looks_like(header):
        return local_csv.read(source, ctx)
    if ees_csv.looks_like(header):
        return ees_csv.read(source, ctx)
    if moj_tribunal.looks_like_csv(text):
        return moj_tribunal.read_csv(source, ctx)
    raise ImportFailure(Issue(source.name, f"unknown format: expected {KNOWN_FORMATS}", row=1))
