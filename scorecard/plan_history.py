"""What shapes a scorecard, kept as it stood at every save, so a pack made `--as-at` a point is the
pack of that point: an area's priority areas (and the measures under each), its themes and each
measure's theme and accountable partner (scorecard.board_setup), and the register the store was built
with (the measures, their series breaks and the register's own themes).

The live tables (`priority`, `board_theme`, `metric`, ...) hold the present; each save also copies
the area's rows (or the whole register) into a `_history` table under one `saved_at`, with a row in
`plan_saved` saying what was saved and when. `shadow_views` gives the views that put these tables as
they stood at a moment in front of the live ones (scorecard.as_at, for a DuckDB file; a DuckLake's own
snapshots already hold them as they were).

History starts when migration 10 ran (a row 'history starts' in plan_saved): for an earlier moment
the tables are read as they stood then, and `caveats` says so, as it does when the small-numbers
threshold of data/metrics.toml differs from the one the store's register was built with.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb

PRIORITIES, BOARD_SETUP, REGISTER, HISTORY_STARTS = "priorities", "board setup", "register", "history starts"
# Kept only on a DuckDB file's as-at connection: the moment asked for, and the moment the plan tables
# are read at (later, when history starts after the moment asked for).
SHOWN_TABLE = "as_at_shown"

_METRIC_COLUMNS = ("id, name, short_name, description, unit, polarity, decimals, theme, national, national_equivalent, "
                   "cadence, origin, reads_json, sort_order, rag_rule, summary, on_scorecard, amber_margin, "
                   "definition_json")
# Each live table, the history table it is copied into, its columns, and the kind of save it belongs to.
_PER_AREA = {
    "priority": ("priority_history", "area_code, number, title", PRIORITIES),
    "priority_metric": ("priority_metric_history", "area_code, number, metric_id, position", PRIORITIES),
    "board_theme": ("board_theme_history", "area_code, id, title, partner, position", BOARD_SETUP),
    "measure_setting": ("measure_setting_history", "area_code, metric_id, theme, partner", BOARD_SETUP),
}
_WHOLE = {
    "metric": ("metric_history", _METRIC_COLUMNS, REGISTER),
    "series_break": ("series_break_history", "metric_id, period_label, note", REGISTER),
    "register_theme": ("register_theme_history", "id, title, partner, position", REGISTER),
}
# The statements that copy, spelt out for the fixed tables above (names never come from input).
_COPY_AREA = {table: f"INSERT INTO {history} SELECT {columns}, ? FROM {table} WHERE area_code = ?"
              for table, (history, columns, _) in _PER_AREA.items()}
_COPY_WHOLE = {table: f"INSERT INTO {history} SELECT {columns}, ? FROM {table}"
               for table, (history, columns, _) in _WHOLE.items()}
_REGISTER_FINGERPRINT = ("SELECT hash((SELECT list_value(count(*), bit_xor(hash(t))) FROM metric t), "
                         "(SELECT list_value(count(*), bit_xor(hash(t))) FROM series_break t), "
                         "(SELECT list_value(count(*), bit_xor(hash(t))) FROM register_theme t))")


def save_area(con, kind: str, area_code: str, at: datetime | None = None) -> datetime:
    """Copy the area's priority areas (kind PRIORITIES) or themes and measure settings (BOARD_SETUP), as
    they now stand in the live tables, into their history, inside the caller's writing transaction."""
    at = at or datetime.now()
    for table, (_, _, table_kind) in _PER_AREA.items():
        if table_kind == kind:
            con.execute(_COPY_AREA[table], [at, area_code])
    con.execute("INSERT INTO plan_saved VALUES (?, ?, ?, NULL)", [kind, area_code, at])
    return at


def save_register(con, small_number_threshold: int, at: datetime | None = None) -> bool:
    """Copy the register as the store now holds it into its history, inside the caller's transaction,
    unless it is the same as the last one copied. Returns whether it copied."""
    fingerprint = str(con.execute(_REGISTER_FINGERPRINT).fetchone()[0])
    last = con.execute("SELECT detail FROM plan_saved WHERE kind = ? AND detail IS NOT NULL "
                       "ORDER BY saved_at DESC LIMIT 1", [REGISTER]).fetchone()
    detail = {"fingerprint": fingerprint, "small_number_threshold": small_number_threshold}
    if last and _json(last[0]) == detail:
        return False
    at = at or datetime.now()
    for table in _WHOLE:
        con.execute(_COPY_WHOLE[table], [at])
    con.execute("INSERT INTO plan_saved VALUES (?, NULL, ?, ?)", [REGISTER, at, json.dumps(detail)])
    return True


def start_history(con, small_number_threshold: int, at: datetime | None = None) -> None:
    """Begin the history from what the store holds now (as migration 10 does), inside the caller's
    transaction: for a store rebuilt from a backup made before the history was kept."""
    at = at or datetime.now()
    con.execute("INSERT INTO plan_saved VALUES (?, NULL, ?, ?)",
                [HISTORY_STARTS, at, "priority areas, themes, measure settings and the register were first recorded here"])
    areas = {PRIORITIES: "SELECT DISTINCT area_code FROM priority",
             BOARD_SETUP: "SELECT area_code FROM board_theme UNION SELECT area_code FROM measure_setting"}
    for kind, sql in areas.items():
        for (area_code,) in con.execute(sql).fetchall():
            save_area(con, kind, area_code, at)
    for table in _WHOLE:
        con.execute(_COPY_WHOLE[table], [at])
    con.execute("INSERT INTO plan_saved VALUES (?, NULL, ?, ?)", [REGISTER, at, json.dumps(
        {"fingerprint": str(con.execute(_REGISTER_FINGERPRINT).fetchone()[0]),
         "small_number_threshold": small_number_threshold})])


def _json(text: str | None) -> dict:
    try:
        value = json.loads(text or "")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def shadow_views(real: str, at: str, plan_at: str) -> list[str]:
    """Views of the plan tables as they stood at `plan_at` (a typed TIMESTAMP literal), and of plan_saved
    as it stood at `at`, for scorecard.as_at.shadow. `real` is the store's schema, quoted (db.main.)."""
    views = [f"CREATE OR REPLACE TEMP VIEW plan_saved AS SELECT * FROM {real}plan_saved WHERE saved_at <= {at}"]
    for table, (history, columns, kind) in _PER_AREA.items():
        views.append(
            f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT {columns} FROM {real}{history} h WHERE h.saved_at = ("
            f"SELECT max(s.saved_at) FROM {real}plan_saved s WHERE s.kind = '{kind}' AND s.area_code = h.area_code "
            f"AND s.saved_at <= {plan_at})")
    for table, (history, columns, kind) in _WHOLE.items():
        views.append(
            f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT {columns} FROM {real}{history} WHERE saved_at = ("
            f"SELECT max(saved_at) FROM {real}plan_saved WHERE kind = '{kind}' AND saved_at <= {plan_at})")
    return views


def history_start(con) -> datetime | None:
    """When the store began keeping this history (migration 10), or None if it has not."""
    try:
        return con.execute("SELECT min(saved_at) FROM plan_saved WHERE kind = ?", [HISTORY_STARTS]).fetchone()[0]
    except duckdb.CatalogException:
        return None


def caveats(con, small_number_threshold: int) -> list[str]:
    """What a scorecard read from `con` does not show as it stood at its point, in sentences (none
    when everything does): priority areas, themes and the register asked for before the store kept
    their history, and a small-numbers threshold in data/metrics.toml other than the register's then."""
    out = []
    try:
        shown = con.execute(f"SELECT asked, plan_at FROM {SHOWN_TABLE}").fetchone()
    except duckdb.CatalogException:
        shown = None
    if shown and shown[1] > shown[0]:
        out.append(f"Priority areas, themes, accountable partners and the metric register are shown as they stood "
                   f"on {shown[1]:%d %B %Y at %H:%M}, when this store began keeping their history: they may have "
                   f"been different at {shown[0]:%d %B %Y, %H:%M}.")
    try:
        row = con.execute("SELECT detail FROM plan_saved WHERE kind = ? AND detail IS NOT NULL "
                          "ORDER BY saved_at DESC LIMIT 1", [REGISTER]).fetchone()
    except duckdb.CatalogException:
        row = None
    then = _json(row[0]).get("small_number_threshold") if row else None
    if isinstance(then, int) and then != small_number_threshold:
        out.append(f"Small numbers are marked below {small_number_threshold}, the threshold data/metrics.toml sets "
                   f"now; when the store stood at this point its register set {then}.")
    return out
