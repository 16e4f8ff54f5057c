"""Changes to the metric register (data/metrics.toml) are changes to ratings: a measure's polarity
decides its rank and band, its amber margin its RAG. When the store is built with a register that
differs from the one it was last built with (`scorecard init`, or the dashboard starting, after the
file was edited), every difference goes into the audit trail: which measure, which fields, old and new.
The Data and sources page says so (`recent`).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta

import pandas as pd

from . import access, audit
from .register import Metric, Theme

# How the audit trail names the change and the person: the account that ran `scorecard init` or the
# dashboard, reaching the store through the register file.
HOW = "data/metrics.toml"
VALUE_CHARS = 300  # a field's old and new values, as the trail keeps them
SHOWN = {"changed_at": "When", "subject": "Measure", "detail": "What changed", "old_value": "Was",
         "new_value": "Now"}


def differences(before: dict[str, Metric], after: dict[str, Metric]) -> list[tuple[str, dict, dict]]:
    """For each measure added or changed: its id, and the fields that differ with their old and new
    values (for one added, every field is new)."""
    out = []
    for mid, new in after.items():
        old = before.get(mid)
        new_fields = asdict(new)
        if old is None:
            out.append((mid, {}, new_fields))
            continue
        old_fields = asdict(old)
        changed = sorted(k for k in new_fields.keys() | old_fields.keys() if new_fields.get(k) != old_fields.get(k))
        if changed:
            out.append((mid, {k: old_fields.get(k) for k in changed}, {k: new_fields.get(k) for k in changed}))
    return out


def _words(fields: dict) -> str:
    parts = []
    for name, value in fields.items():
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        parts.append(f"{name}: {text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS] + '…'}")
    return "; ".join(parts)


def _themes_words(themes: list[Theme]) -> str:
    return "; ".join(f"{t.id}: {t.title} ({t.partner})" for t in themes)


def record(con, before: dict[str, Metric], after: dict[str, Metric], themes_before: list[Theme],
           themes_after: list[Theme], actor: access.Actor | None = None) -> int:
    """Record in the audit trail, inside the caller's transaction, how the register the store was built
    with changed: one row per measure added or changed (its fields, old and new), and one for the
    register's themes. Nothing when the store held no register before (a new store). Returns the rows."""
    if not before:
        return 0
    actor = actor or access.Actor(access.os_user(), access.ADMIN, how=HOW)
    rows = 0
    for mid, old, new in differences(before, after):
        if not old:
            audit.record(con, actor, audit.REGISTER_CHANGED, subject=mid, new=f"added: {after[mid].name}",
                         detail="measure added to the register")
        else:
            audit.record(con, actor, audit.REGISTER_CHANGED, subject=mid, old=_words(old), new=_words(new),
                         detail="changed: " + ", ".join(old))
        rows += 1
    if [(t.id, t.title, t.partner) for t in themes_before] != [(t.id, t.title, t.partner) for t in themes_after]:
        audit.record(con, actor, audit.REGISTER_CHANGED, subject="the register's themes",
                     old=_themes_words(themes_before), new=_themes_words(themes_after), detail="changed: themes")
        rows += 1
    return rows


def _when(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y, %H:%M}"


def _events(con, until: datetime | None) -> pd.DataFrame:
    frame = audit.events(con, action=audit.REGISTER_CHANGED, outcome=audit.DONE)
    return frame[frame["changed_at"] <= until] if until is not None and len(frame) else frame


def recent(con, until: datetime | None = None) -> pd.DataFrame:
    """Every change to the register recorded in the audit trail (up to `until`), newest first, in the
    words of the Data and sources page: when, which measure, what changed, was and now."""
    frame = _events(con, until)
    out = frame[list(SHOWN)].copy()
    out["changed_at"] = [_when(t) for t in out["changed_at"]]
    out = out.astype(object).where(out.notna(), "")
    return out.rename(columns=SHOWN).reset_index(drop=True)


def sentence(con, until: datetime | None = None) -> str | None:
    """The register's last change (the rows one rebuild wrote, within a few seconds of each other), in a
    sentence for the top of the list of changes; None if there is none."""
    frame = _events(con, until)
    if not len(frame):
        return None
    newest = frame["changed_at"].max()
    latest = frame[frame["changed_at"] >= newest - timedelta(seconds=5)]
    measures = list(dict.fromkeys(m for m in latest["subject"] if m != "the register's themes"))
    themes = len(measures) < len(latest["subject"].unique())
    what = [f"{len(measures)} measure{'s' if len(measures) != 1 else ''} ({', '.join(measures)})"] if measures else []
    what += ["its themes"] if themes else []
    return (f"The metric register (data/metrics.toml) was changed, and the store rebuilt with it, on {_when(newest)}: "
            f"{' and '.join(what)}. A changed direction or margin changes ratings, ranks and bands; every change is "
            "listed below, old and new, and recorded in the audit trail.")
