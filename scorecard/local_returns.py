"""Local termly returns, for the command line and the pages: which measures come from local
returns, the terms a template offers, a preview in words, and the illustrative sample return.
The readers themselves are scorecard.importers.local_csv and scorecard.importers.local_template."""

from __future__ import annotations

from datetime import date

import pandas as pd

from . import config, periods, published, store
from .importers import local_csv
from .importers.base import ImportContext, ImportPlan, SourceFile
from .register import Metric

SAMPLE_RETURN = config.DATA_DIR / "samples" / "sample_return_plymouth.csv"
SAMPLE_AREA = "E06000026"  # Plymouth: every row of the sample return is for it



def local_metrics(metrics: dict[str, Metric]) -> list[Metric]:
    """Metrics that come from local returns: every metric no national source publishes for all LAs
    (the register's local-only metrics and a board's own)."""
    return [m for m in metrics.values() if not m.national]


def default_terms(today: date | None = None, count: int = 3) -> list[periods.Period]:
    """The latest `count` terms, ending with the current one."""
    return periods.terms_back(periods.term_for_date(today or date.today()), count)


CHANGE_WORDS = {"added": "to add", "changed": "to revise", "unchanged": "unchanged",
                "history": "kept as history"}


def changes_frame(preview) -> pd.DataFrame:
    """A preview as a table for people: metric, area, period, change, old and new figure."""
    rows = preview.rows
    if "source_row" in rows:
        rows = rows.sort_values("source_row", kind="stable")
    if not len(rows):
        return pd.DataFrame(columns=["change", "metric", "area", "period", "old", "new"])
    return pd.DataFrame({
        "change": rows["change"],
        "metric": rows["metric_id"],
        "area": rows["area_code"],
        "period": rows["period_label"],
        "old": [_figure_words(v, s) for v, s in zip(rows["old_value"], rows["old_status"])],
        "new": [_figure_words(v, s) for v, s in zip(rows["value"], rows["status"])],
    })


def _figure_words(value, status) -> str:
    if status is None or (isinstance(status, float) and status != status):
        return ""
    if value is None or pd.isna(value):
        return published.status_words(status)
    return f"{value:,.10g}" + (" (illustrative)" if status == published.ILLUSTRATIVE else "")


def describe_preview(plan: ImportPlan, preview, per_change: int = 5) -> str:
    """What committing would do, in words: counts, then a few rows of each kind of change, with
    revised figures shown old beside new."""
    table = changes_frame(preview)
    counts = ", ".join(f"{int((table['change'] == c).sum())} {w}" for c, w in CHANGE_WORDS.items()
                       if c != "history" or (table["change"] == c).any())
    lines = [f"{plan.file_name} ({plan.format}): {counts}."]
    for change, words in CHANGE_WORDS.items():
        part = table[table["change"] == change]
        if not len(part) or change == "unchanged":
            continue
        lines.append(f"  {words}:")
        for r in part.head(per_change).itertuples(index=False):
            figure = f"{r.old} -> {r.new}" if change in ("changed", "history") else r.new
            lines.append(f"    {r.metric}  {r.area}  {r.period}: {figure}")
        if len(part) > per_change:
            lines.append(f"    ... and {len(part) - per_change} more")
    lines += [f"  warning: {w}" for w in plan.warnings[:10]]
    return "\n".join(lines)


def load_sample(con, *, actor):
    """Import the illustrative Plymouth return (every figure marked illustrative); returns the
    BatchResult, whose batch `scorecard undo` removes."""
    from . import ingest

    source = SourceFile.from_path(SAMPLE_RETURN)
    existing = store.committed_batch_for(con, source.sha256)
    if existing is not None:
        return ingest.BatchResult(source.name, local_csv.FORMAT, already_batch=existing)
    plan = local_csv.read(source, ImportContext.from_store(con), illustrative=True)
    return ingest.commit(con, plan, actor=actor)
