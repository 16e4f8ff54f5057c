"""A board's own metrics: defined as data (the same fields as data/metrics.toml), stored in the
metric table with origin 'board', and usable in a local return at once, with no code change.

Board metrics come only from local returns, so they have no [[metric.read]] and are never
national. A board metric may be redefined, but not onto a register id, and not to a different
unit once figures have been stored for it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from . import access, audit, plan_history, register, store
from .register import Metric, RegisterError, metric_from_dict

ORIGIN = "board"


def add_board_metric(con, definition: dict, *, actor: access.Actor) -> Metric:
    """Check one definition and store it as a board metric. Raises RegisterError."""
    return add_board_metrics(con, [definition], where="board metric", actor=actor)[0]


def load_board_register(con, path: str | Path, *, actor: access.Actor) -> list[Metric]:
    """Add every [[metric]] in a TOML file as a board metric, all or none."""
    path = Path(path)
    if not path.exists():
        raise RegisterError(f"{path}: no such file")
    return load_board_text(con, path.read_text(encoding="utf-8"), where=path.name, actor=actor)


def load_board_text(con, text: str, where: str = "board metrics", *, actor: access.Actor) -> list[Metric]:
    """As load_board_register, from the text of the TOML (for an uploaded file)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegisterError(f"{where}: not valid TOML ({exc})") from None
    definitions = data.get("metric", [])
    if not isinstance(definitions, list) or not definitions:
        raise RegisterError(f"{where}: no [[metric]] entries found")
    return add_board_metrics(con, definitions, where=where, actor=actor)


def add_board_metrics(con, definitions: list[dict], where: str, *, actor: access.Actor) -> list[Metric]:
    """Check every definition first, then store them in one transaction (an admin's change)."""
    audit.check(con, actor, access.BOARD_METRICS, subject=where)
    metrics = [_checked(d, where) for d in definitions]
    ids = [m.id for m in metrics]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise RegisterError(f"{where}: metric {', '.join(twice)} is defined more than once")
    for m in metrics:
        _check_against_store(con, m, where)
    def store_them(con) -> None:
        order = con.execute("SELECT coalesce(max(sort_order), 0) FROM metric").fetchone()[0]
        for m in metrics:
            existing = con.execute("SELECT sort_order, name, unit, polarity FROM metric WHERE id = ?",
                                   [m.id]).fetchone()
            con.execute("DELETE FROM metric WHERE id = ?", [m.id])
            con.execute("DELETE FROM series_break WHERE metric_id = ?", [m.id])
            if existing is None:
                order += 1
            register.insert_metric(con, m, existing[0] if existing else order)
            for period_label, note in m.breaks:
                con.execute("INSERT INTO series_break VALUES (?, ?, ?)", [m.id, period_label, note])
            audit.record(con, actor, audit.BOARD_MEASURE, subject=m.id,
                         old=f"{existing[1]} ({existing[2]}, {existing[3]} is better)" if existing else None,
                         new=f"{m.name} ({m.unit}, {m.polarity} is better)")
        plan_history.save_register(con, register.settings().small_number_threshold)
        store.bump_data_version(con)

    store.retrying(con, store_them)
    return metrics


def _checked(definition: dict, where: str) -> Metric:
    if not isinstance(definition, dict):
        raise RegisterError(f"{where}: each metric must be a table of fields")
    metric = metric_from_dict(definition, where=where, origin=ORIGIN)
    if metric.reads:
        raise RegisterError(f"{where}: metric {metric.id}: a board metric comes from local returns, so it "
                            "cannot have [[metric.read]] entries")
    if metric.national:
        raise RegisterError(f"{where}: metric {metric.id}: a board metric is local, so 'national' must be false")
    return metric


def _check_against_store(con, metric: Metric, where: str) -> None:
    row = con.execute("SELECT origin, unit FROM metric WHERE id = ?", [metric.id]).fetchone()
    if row is None:
        return
    origin, unit = row
    if origin != ORIGIN:
        raise RegisterError(f"{where}: metric {metric.id} is already in the metric register; "
                            "choose another id for the board's own metric")
    if unit != metric.unit:
        stored = con.execute("SELECT count(*) FROM metric_value WHERE metric_id = ?", [metric.id]).fetchone()[0]
        if stored:
            raise RegisterError(f"{where}: metric {metric.id} already has {stored} figures in {unit}; "
                                f"it cannot become {metric.unit}. Define a new metric instead.")
