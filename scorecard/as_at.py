"""Figures as they stood: "what did the pack we published in March say?"

Every import, undo, target and commentary change is a point in the store's history, and nothing is
deleted (an undone batch is marked undone; a replaced target is marked replaced). So the scorecard can
be shown exactly as it stood at any moment:

* on a DuckLake store, by attaching the lake at its snapshot of that moment (time travel);
* on a DuckDB file, from the batch history: a connection whose tables are views of the store as it
  stood then (batches imported by then and not yet undone, the figures current among them by the
  same rule `ingest.recompute_current` keeps, targets set and not yet replaced, commentary written).

Every query, card and pack reads that connection as it reads the live store. `--as-at` takes a date
(the end of that day), a date and time, or an import batch number (just after that batch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import duckdb

from . import config, lake, plan_history, store
from .published import CURRENT_ORDER
from .problems import UserProblem


class AsAtError(UserProblem, ValueError):
    """An --as-at value that is not a date, a date and time, or a batch in the store."""


@dataclass(frozen=True)
class StorePoint:
    """A point in the store's history: its version and when it was reached."""

    version: int
    moment: datetime | None

    def words(self) -> str:
        when = f"{self.moment:%d %B %Y, %H:%M}" if self.moment else "before any import"
        return f"store version {self.version}, {when}"

    def as_at_argument(self) -> str | None:
        """The --as-at value that shows the store exactly as at this point: the moment, rounded up
        to the second (so it still includes the change made within that second)."""
        if self.moment is None:
            return None
        moment = self.moment.replace(microsecond=0)
        if moment < self.moment:
            moment += timedelta(seconds=1)
        return moment.isoformat()


def parse(text: str, con) -> datetime:
    """The moment an --as-at value names (local time, as the store records it)."""
    text = str(text).strip()
    if re.fullmatch(r"\d{1,9}", text):
        row = con.execute("SELECT imported_at FROM import_batch WHERE id = ?", [int(text)]).fetchone()
        if row is None:
            raise AsAtError(f"there is no import batch {text}; `scorecard imports` lists them")
        return row[0]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise AsAtError(f"{text!r} is not a date (2026-03-31), a date and time (2026-03-31T14:00) or an "
                        "import batch number") from None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # a whole day: as the store stood at its end
        moment = datetime.combine(date.fromisoformat(text), time.max)
    moment = moment if moment.tzinfo is None else moment.astimezone().replace(tzinfo=None)
    first = con.execute("SELECT min(imported_at) FROM import_batch").fetchone()[0]
    if first is None or moment < first:
        since = f"its first import, {first:%d %B %Y at %H:%M}" if first else "its first import (there is none yet)"
        raise AsAtError(f"the store's history starts at {since}; choose a later date")
    return moment


def connect(path: str | None, moment: datetime):
    """A read-only connection to the store as it stood at `moment`."""
    target = config.db_path(path)
    if lake.is_lake(target):
        return store.connect_as_at(path, moment.astimezone(timezone.utc))
    con = store.connect(path, read_only=True)
    shadow(con, moment)
    return con


def shadow(con, moment: datetime) -> None:
    """Put views of the store as at `moment` in front of its tables, for this connection only (DuckDB
    looks in the connection's temporary schema first): figures, batches, targets and commentary from
    their history, and priority areas, themes, measure settings and the register from theirs
    (scorecard.plan_history), read as they first were recorded if `moment` is before that."""
    database = con.execute("SELECT current_database()").fetchone()[0]
    real = _quoted(database) + ".main."
    statements = _views(_quoted(database), _timestamp(moment))
    try:
        started = con.execute("SELECT min(saved_at) FROM " + real + "plan_saved WHERE kind = ?",
                              [plan_history.HISTORY_STARTS]).fetchone()[0]
    except duckdb.CatalogException:  # a copy of a store from before the plan kept its history
        started = None
    if started is not None:
        plan_at = max(moment, started)
        statements += plan_history.shadow_views(real, _timestamp(moment), _timestamp(plan_at))
        statements += [f"CREATE OR REPLACE TEMP TABLE {plan_history.SHOWN_TABLE} AS SELECT "
                       f"{_timestamp(moment)} AS asked, {_timestamp(plan_at)} AS plan_at"]
    for statement in statements:
        con.execute(statement)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _timestamp(moment: datetime) -> str:
    # Views take no parameters; the moment is a datetime, written as a typed literal.
    return "TIMESTAMP '" + moment.strftime("%Y-%m-%d %H:%M:%S.%f") + "'"


def _views(db: str, at: str) -> list[str]:
    real = db + ".main."
    return [
        "CREATE OR REPLACE TEMP VIEW import_batch AS SELECT * REPLACE ("
        f"CASE WHEN undone_at IS NOT NULL AND undone_at <= {at} THEN 'undone' ELSE 'committed' END AS status, "
        f"CASE WHEN undone_at <= {at} THEN undone_at END AS undone_at, "
        f"CASE WHEN undone_at <= {at} THEN undone_by END AS undone_by) "
        f"FROM {real}import_batch WHERE imported_at <= {at}",
        "CREATE OR REPLACE TEMP VIEW metric_value AS SELECT * EXCLUDE (rn, committed) REPLACE "
        "(rn = 1 AND committed AS is_current) FROM ("
        "SELECT v.*, coalesce(b.status = 'committed', FALSE) AS committed, row_number() OVER ("
        "PARTITION BY v.metric_id, v.area_code, v.period_label ORDER BY " + CURRENT_ORDER + ") AS rn "
        f"FROM {real}metric_value v JOIN import_batch b ON b.id = v.batch_id "
        f"LEFT JOIN {real}source_release s ON s.id = v.source_id)",
        f"CREATE OR REPLACE TEMP VIEW target AS SELECT * REPLACE ("
        f"CASE WHEN replaced_at <= {at} THEN replaced_at END AS replaced_at, "
        f"CASE WHEN replaced_at <= {at} THEN replaced_by END AS replaced_by) "
        f"FROM {real}target WHERE set_at <= {at}",
        f"CREATE OR REPLACE TEMP VIEW commentary AS SELECT * FROM {real}commentary WHERE written_at <= {at}",
        f"CREATE OR REPLACE TEMP VIEW neighbour AS SELECT n.* FROM {real}neighbour n "
        "WHERE n.batch_id IN (SELECT id FROM import_batch)",
    ]


def point(con) -> StorePoint:
    """Where the store stands: its version and the moment of its latest change (an import, an undo, a
    target or commentary, a save of priority areas or board settings, a register brought in). The
    version is the number of those changes, which the history gives for any past moment, on either
    backend and on the dashboard's copy of the store alike."""
    changes = ("SELECT imported_at AS t FROM import_batch UNION ALL SELECT undone_at FROM import_batch "
               "UNION ALL SELECT set_at FROM target UNION ALL SELECT replaced_at FROM target "
               "UNION ALL SELECT written_at FROM commentary")
    # Saves of priority areas, themes and measure settings, and each register the store was built with,
    # shape a scorecard too (plan_history); a store, or a lake snapshot, from before they were kept has none.
    # What migration 10 copied when the history began is not a change.
    saves = (" UNION ALL SELECT saved_at FROM plan_saved WHERE saved_at > (SELECT min(saved_at) FROM plan_saved "
             "WHERE kind = '" + plan_history.HISTORY_STARTS + "')")
    try:
        count, moment = con.execute("SELECT count(t), max(t) FROM (" + changes + saves + ")").fetchone()
    except duckdb.CatalogException:
        count, moment = con.execute("SELECT count(t), max(t) FROM (" + changes + ")").fetchone()
    return StorePoint(int(count), moment)
