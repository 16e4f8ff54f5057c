"""A whole EES "download all data" ZIP: every data file the register maps, plus the MoJ appeal-rate
table among its supporting files, imported as one batch. Everything else is listed as skipped."""

from __future__ import annotations

from . import csv_text, ees_csv, moj_tribunal, safe_zip
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile

FORMAT = "ees-zip"
GUIDANCE = "data-guidance/data-guidance.txt"


def read(source: SourceFile, ctx: ImportContext) -> ImportPlan:
    plan = ImportPlan(source.name, source.sha256, FORMAT)
    archive = safe_zip.open_zip(source)
    title_hint = _release_title(archive.read(GUIDANCE) if GUIDANCE in archive else None)
    for member in sorted(archive.files()):
        if not member.lower().endswith(".csv"):
            plan.skipped.append(f"{member}: not a data file")
            continue
        inner = SourceFile(f"{source.name}:{member}", archive.read(member))
        text = csv_text.text_of(inner)
        header = csv_text.header(inner.name, text)
        if ees_csv.looks_like(header):
            if not ees_csv.matching_reads(header, ctx.metrics):
                plan.skipped.append(f"{member}: no metric in the register reads its columns")
                continue
            plan.add(ees_csv.read(inner, ctx, title_hint))
        elif moj_tribunal.looks_like_csv(text):
            plan.add(moj_tribunal.read_csv(inner, ctx))
        else:
            delimiter = csv_text.delimiter_problem(member, text)
            plan.skipped.append(f"{member}: not an EES open-data file or a table SEND Scorecard reads"
                                + (f" ({delimiter.message.split(';')[0]})" if delimiter else ""))
    if not len(plan.values):
        raise ImportFailure(Issue(source.name, "no file in the ZIP holds a metric in the register"))
    return plan


def _release_title(guidance: bytes | None) -> str | None:
    """'Education, health and care plans' + 'Reporting year 2025' from the data guidance."""
    if not guidance:
        return None
    lines = [l.strip() for l in guidance.decode("utf-8-sig", errors="replace").splitlines() if l.strip()]
    return f"{lines[0]}, {lines[1][0].lower()}{lines[1][1:]}" if len(lines) >= 2 else None
