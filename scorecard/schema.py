"""The store's schema as it stands today, for a new store on either backend: a DuckDB file or a
DuckLake (a catalog in SQLite or PostgreSQL, and Parquet files).

DuckLake has no primary keys, unique constraints, sequences, indexes or upserts, so neither has this
schema: uniqueness is kept by the code that writes, inside its transaction, and ids are allocated
there too (`store.next_id`). Every write also bumps the store's data version in `meta`, so on
DuckLake two writers always touch the same row and the later commit is retried, never half-applied.

Tables added by later migrations (number 7 on: the audit trail, inspections, a board's themes, the
history of what shapes a scorecard) are created by them, on a new store too, and listed in
MIGRATED_TABLES (ALL_TABLES is every table). A column added to `metric`, `priority`, `board_theme` and
the like must be added to its `_history` table too (scorecard.plan_history copies them whole).

A store made by an earlier release is brought to this schema by scorecard.migrations (number 6
rebuilds its tables without constraints). Later migrations are written for both backends.
"""

from __future__ import annotations

# The version a store built from CURRENT is at; migrations after it apply on top.
CURRENT_VERSION = 6

CURRENT = """
CREATE TABLE meta (key VARCHAR, value VARCHAR);

CREATE TABLE publication (
    id VARCHAR, publisher VARCHAR, title VARCHAR, url VARCHAR, licence VARCHAR, cadence VARCHAR,
    cadence_month INTEGER
);
CREATE TABLE source_release (
    id VARCHAR, publication_id VARCHAR, title VARCHAR, released VARCHAR, release_date DATE, covers_to VARCHAR,
    url VARCHAR, licence VARCHAR, attribution VARCHAR, known BOOLEAN
);

CREATE TABLE metric (
    id VARCHAR, name VARCHAR, short_name VARCHAR, description VARCHAR, unit VARCHAR, polarity VARCHAR,
    decimals INTEGER, theme VARCHAR, national BOOLEAN, national_equivalent VARCHAR, cadence VARCHAR,
    origin VARCHAR, reads_json VARCHAR, sort_order INTEGER, rag_rule VARCHAR, summary VARCHAR,
    on_scorecard BOOLEAN, amber_margin DOUBLE, definition_json VARCHAR
);
CREATE TABLE series_break (metric_id VARCHAR, period_label VARCHAR, note VARCHAR);

CREATE TABLE area (
    code VARCHAR, la_number VARCHAR, name VARCHAR, level VARCHAR, region_code VARCHAR, la_type VARCHAR,
    valid_from DATE, valid_to DATE, is_current BOOLEAN
);
CREATE TABLE area_alias (kind VARCHAR, alias VARCHAR, area_code VARCHAR);
CREATE TABLE area_change (
    predecessor_code VARCHAR, successor_code VARCHAR, change_date DATE, kind VARCHAR, note VARCHAR
);

CREATE TABLE period (label VARCHAR, kind VARCHAR, start_date DATE, end_date DATE);

CREATE TABLE import_batch (
    id INTEGER, file_name VARCHAR, sha256 VARCHAR, format VARCHAR, source_id VARCHAR, imported_at TIMESTAMP,
    imported_by VARCHAR, rows_added INTEGER, rows_changed INTEGER, rows_unchanged INTEGER, rows_rejected INTEGER,
    status VARCHAR, undone_at TIMESTAMP, undone_by VARCHAR, summary VARCHAR
);
CREATE TABLE import_issue (
    batch_id INTEGER, file_name VARCHAR, row_number INTEGER, column_name VARCHAR, severity VARCHAR, message VARCHAR
);

CREATE TABLE neighbour (
    model_year INTEGER, area_code VARCHAR, rank INTEGER, neighbour_code VARCHAR, closeness VARCHAR, batch_id INTEGER
);

CREATE TABLE metric_value (
    id BIGINT, metric_id VARCHAR, area_code VARCHAR, period_label VARCHAR, value DOUBLE, numerator DOUBLE,
    denominator DOUBLE, status VARCHAR, note VARCHAR, source_id VARCHAR, batch_id INTEGER, source_file VARCHAR,
    source_row INTEGER, published_area VARCHAR, is_current BOOLEAN
);

CREATE TABLE target (
    id INTEGER, area_code VARCHAR, metric_id VARCHAR, period_label VARCHAR, from_period VARCHAR, to_period VARCHAR,
    target DOUBLE, tolerance DOUBLE, baseline_period VARCHAR, set_by VARCHAR, set_at TIMESTAMP,
    replaced_at TIMESTAMP, replaced_by VARCHAR, replaced_by_batch INTEGER, batch_id INTEGER
);

CREATE TABLE commentary (
    id INTEGER, area_code VARCHAR, metric_id VARCHAR, period_label VARCHAR, text VARCHAR, author VARCHAR,
    written_at TIMESTAMP, internal BOOLEAN, cause VARCHAR, action VARCHAR, owner VARCHAR, recovery_period VARCHAR
);

CREATE TABLE priority (area_code VARCHAR, number INTEGER, title VARCHAR);
CREATE TABLE priority_metric (area_code VARCHAR, number INTEGER, metric_id VARCHAR, position INTEGER)
"""

# Every table of the schema, in an order that loads cleanly (used by backups and integrity checks).
TABLES = ("meta", "publication", "source_release", "metric", "series_break", "area", "area_alias", "area_change",
          "period", "import_batch", "import_issue", "neighbour", "metric_value", "target", "commentary",
          "priority", "priority_metric")
# Tables added by migrations after CURRENT_VERSION (a new store gets them from those migrations, so
# they are not in TABLES, which migration 6 rebuilt). Backups and read copies take these too.
MIGRATED_TABLES = ("audit_event", "inspection", "board_theme", "measure_setting",
                   # migration 10: what shapes a scorecard, kept as it stood at every save (scorecard.plan_history)
                   "register_theme", "plan_saved", "priority_history", "priority_metric_history",
                   "board_theme_history", "measure_setting_history", "metric_history", "series_break_history",
                   "register_theme_history")
ALL_TABLES = (*TABLES, *MIGRATED_TABLES)
# The tables an id is allocated for, by store.next_id.
ID_TABLES = ("import_batch", "metric_value", "target", "commentary", "audit_event")
