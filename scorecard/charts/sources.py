"""Which releases a chart's figures come from: every chart carries a source line (publisher, release
and the periods shown), written by words.source_line from these."""

from __future__ import annotations

import pandas as pd

from .. import words
from ..formatting import is_missing
from ..published import ILLUSTRATIVE


def sources_used(frame: pd.DataFrame, sources: pd.DataFrame) -> list[words.SourceUse]:
    """The releases behind the figures in `frame` (rows with value, source_id, period, period_kind,
    end_date and status: a trend frame or a ranking), each with the span of periods shown from it.
    `sources` is queries.sources (publisher, title and release date by id)."""
    if not len(frame) or "source_id" not in frame:
        return []
    by_id = sources.set_index("id") if len(sources) and "id" in sources else None
    shown = frame[frame["value"].notna() & frame["source_id"].notna()].sort_values("end_date")
    uses = []
    for source_id, rows in shown.groupby("source_id", sort=False):
        first, last = rows.iloc[0], rows.iloc[-1]
        release = by_id.loc[source_id] if by_id is not None and source_id in by_id.index else None
        uses.append(words.SourceUse(
            publisher="" if release is None else str(release["publisher"]),
            title=str(source_id) if release is None else str(release["title"]),
            released="" if release is None or is_missing(release["released"]) else str(release["released"]),
            first=words.period_phrase(first["period"], first["period_kind"]),
            last=words.period_phrase(last["period"], last["period_kind"]),
            note="illustrative figures" if (rows["status"] == ILLUSTRATIVE).any() else ""))
    return uses
