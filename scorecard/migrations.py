"""Numbered schema migrations. Append new ones; never edit one that has shipped.

A new store is created at scorecard.schema.CURRENT_VERSION directly; these bring a store made by an
earlier release up to date. From number 6 on they must run on a DuckLake as well as a DuckDB file:
no primary keys, unique constraints, sequences, indexes or upserts (see scorecard/schema.py)."""

# The tables a store had at migration 6, which rebuilt each of them: fixed here, because later
# migrations add tables that a store at version 5 does not have yet.
TABLES_AT_6 = ("meta", "publication", "source_release", "metric", "series_break", "area", "area_alias",
               "area_change", "period", "import_batch", "import_issue", "neighbour", "metric_value", "target",
               "commentary", "priority", "priority_metric")

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "metric store: register, areas, neighbours, periods, sources, batches and values",
        """
        CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);

        CREATE TABLE publication (
            id VARCHAR PRIMARY KEY, publisher VARCHAR, title VARCHAR, url VARCHAR,
            licence VARCHAR, cadence VARCHAR, cadence_month INTEGER
        );
        CREATE TABLE source_release (
            id VARCHAR PRIMARY KEY, publication_id VARCHAR NOT NULL, title VARCHAR NOT NULL,
            released VARCHAR, release_date DATE, covers_to VARCHAR, url VARCHAR, licence VARCHAR,
            attribution VARCHAR, known BOOLEAN DEFAULT TRUE
        );

        CREATE TABLE metric (
            id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, short_name VARCHAR, description VARCHAR,
            unit VARCHAR NOT NULL, polarity VARCHAR NOT NULL, decimals INTEGER NOT NULL,
            theme VARCHAR, national BOOLEAN, national_equivalent VARCHAR, cadence VARCHAR,
            origin VARCHAR NOT NULL DEFAULT 'register', reads_json VARCHAR, sort_order INTEGER
        );
        CREATE TABLE series_break (metric_id VARCHAR, period_label VARCHAR, note VARCHAR);

        CREATE TABLE area (
            code VARCHAR PRIMARY KEY, la_number VARCHAR, name VARCHAR NOT NULL,
            level VARCHAR NOT NULL, region_code VARCHAR, la_type VARCHAR,
            valid_from DATE, valid_to DATE, is_current BOOLEAN NOT NULL
        );
        CREATE TABLE area_alias (kind VARCHAR, alias VARCHAR, area_code VARCHAR NOT NULL, PRIMARY KEY (kind, alias));
        CREATE TABLE area_change (
            predecessor_code VARCHAR, successor_code VARCHAR, change_date DATE, kind VARCHAR, note VARCHAR,
            PRIMARY KEY (predecessor_code, successor_code)
        );

        CREATE TABLE period (
            label VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, start_date DATE NOT NULL, end_date DATE NOT NULL
        );

        CREATE SEQUENCE import_batch_id START 1;
        CREATE TABLE import_batch (
            id INTEGER PRIMARY KEY DEFAULT nextval('import_batch_id'),
            file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, format VARCHAR NOT NULL,
            source_id VARCHAR, imported_at TIMESTAMP NOT NULL, imported_by VARCHAR,
            rows_added INTEGER, rows_changed INTEGER, rows_unchanged INTEGER, rows_rejected INTEGER,
            status VARCHAR NOT NULL DEFAULT 'committed', undone_at TIMESTAMP, undone_by VARCHAR,
            summary VARCHAR
        );
        CREATE TABLE import_issue (
            batch_id INTEGER, file_name VARCHAR, row_number INTEGER, column_name VARCHAR,
            severity VARCHAR, message VARCHAR
        );

        CREATE TABLE neighbour (
            model_year INTEGER, area_code VARCHAR, rank INTEGER, neighbour_code VARCHAR,
            closeness VARCHAR, batch_id INTEGER,
            PRIMARY KEY (model_year, area_code, rank, batch_id)
        );

        CREATE SEQUENCE metric_value_id START 1;
        CREATE TABLE metric_value (
            id BIGINT PRIMARY KEY DEFAULT nextval('metric_value_id'),
            metric_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL, period_label VARCHAR NOT NULL,
            value DOUBLE, numerator DOUBLE, denominator DOUBLE,
            status VARCHAR NOT NULL, note VARCHAR,
            source_id VARCHAR NOT NULL, batch_id INTEGER NOT NULL,
            source_file VARCHAR, source_row INTEGER, published_area VARCHAR,
            is_current BOOLEAN NOT NULL DEFAULT FALSE
        );
        """,
    ),
    (
        2,
        "the board's scorecard: RAG rules, targets and trajectories, commentary and exception notes, priority areas",
        """
        ALTER TABLE metric ADD COLUMN rag_rule VARCHAR DEFAULT 'default';
        ALTER TABLE metric ADD COLUMN summary VARCHAR;
        ALTER TABLE metric ADD COLUMN on_scorecard BOOLEAN DEFAULT TRUE;

        CREATE SEQUENCE target_id START 1;
        CREATE TABLE target (
            id INTEGER PRIMARY KEY DEFAULT nextval('target_id'),
            area_code VARCHAR NOT NULL, metric_id VARCHAR NOT NULL,
            period_label VARCHAR, from_period VARCHAR, to_period VARCHAR,
            target DOUBLE NOT NULL, tolerance DOUBLE NOT NULL DEFAULT 0,
            baseline_period VARCHAR, set_by VARCHAR, set_at TIMESTAMP
        );

        CREATE SEQUENCE commentary_id START 1;
        CREATE TABLE commentary (
            id INTEGER PRIMARY KEY DEFAULT nextval('commentary_id'),
            area_code VARCHAR NOT NULL, metric_id VARCHAR NOT NULL, period_label VARCHAR NOT NULL,
            text VARCHAR, author VARCHAR, written_at TIMESTAMP NOT NULL, internal BOOLEAN NOT NULL DEFAULT FALSE,
            cause VARCHAR, action VARCHAR, owner VARCHAR, recovery_period VARCHAR
        );

        CREATE TABLE priority (
            area_code VARCHAR NOT NULL, number INTEGER NOT NULL, title VARCHAR NOT NULL,
            PRIMARY KEY (area_code, number)
        );
        CREATE TABLE priority_metric (
            area_code VARCHAR NOT NULL, number INTEGER NOT NULL, metric_id VARCHAR NOT NULL, position INTEGER,
            PRIMARY KEY (area_code, metric_id)
        );
        """,
    ),
    (
        3,
        "targets keep their history: a replaced target is marked, never deleted; a targets file is a batch",
        """
        ALTER TABLE target ADD COLUMN replaced_at TIMESTAMP;
        ALTER TABLE target ADD COLUMN replaced_by VARCHAR;
        ALTER TABLE target ADD COLUMN replaced_by_batch INTEGER;
        ALTER TABLE target ADD COLUMN batch_id INTEGER;
        """,
    ),
    (
        4,
        "RAG by distance to target: an amber margin per metric",
        """
        ALTER TABLE metric ADD COLUMN amber_margin DOUBLE;
        """,
    ),
    (
        5,
        "each metric's whole definition kept as JSON, so new register fields need no migration",
        """
        ALTER TABLE metric ADD COLUMN definition_json VARCHAR;
        """,
    ),
    (
        6,
        "tables without primary keys, unique constraints or sequences, as a DuckLake store has them",
        ";\n".join(
            f"CREATE TABLE {table}__v6 AS SELECT * FROM {table}; DROP TABLE {table}; "
            f"ALTER TABLE {table}__v6 RENAME TO {table}"
            for table in (*TABLES_AT_6, "schema_version"))
        + "; DROP SEQUENCE IF EXISTS import_batch_id; DROP SEQUENCE IF EXISTS metric_value_id; "
          "DROP SEQUENCE IF EXISTS target_id; DROP SEQUENCE IF EXISTS commentary_id;",
    ),
    (
        7,
        "the audit trail: who changed what, when, old and new values, and the changes refused (append-only)",
        """
        CREATE TABLE audit_event (
            id INTEGER, changed_at TIMESTAMP, who VARCHAR, how VARCHAR, role VARCHAR, action VARCHAR, outcome VARCHAR,
            area_code VARCHAR, subject VARCHAR, old_value VARCHAR, new_value VARCHAR, detail VARCHAR, batch_id INTEGER
        );
        """,
    ),
    (
        8,
        "area SEND inspections (Ofsted and CQC) with their release and batch; a board's own themes, and "
        "its own theme and accountable partner for a measure",
        """
        CREATE TABLE inspection (
            framework VARCHAR, visit VARCHAR, area_code VARCHAR, published_area VARCHAR, start_date DATE,
            published DATE, outcome VARCHAR, action_plan_required BOOLEAN, weaknesses INTEGER,
            progressed INTEGER, not_progressed INTEGER, note VARCHAR, source_id VARCHAR, batch_id INTEGER,
            source_file VARCHAR, source_row INTEGER
        );
        CREATE TABLE board_theme (area_code VARCHAR, id VARCHAR, title VARCHAR, partner VARCHAR, position INTEGER);
        CREATE TABLE measure_setting (area_code VARCHAR, metric_id VARCHAR, theme VARCHAR, partner VARCHAR);
        """,
    ),
    # (9 is another branch's; numbers need not be consecutive: store.migrate applies every one not yet
    # recorded, in order.)
    (
        10,
        "what shapes a scorecard keeps its history, so a pack --as-at a point is exact: every save of an area's "
        "priority areas and of its themes and measure settings, and every register the store was built with "
        "(measures, series breaks, the register's own themes), from the moment this migration ran",
        """
        CREATE TABLE register_theme (id VARCHAR, title VARCHAR, partner VARCHAR, position INTEGER);
        CREATE TABLE plan_saved (kind VARCHAR, area_code VARCHAR, saved_at TIMESTAMP, detail VARCHAR);
        CREATE TABLE priority_history (area_code VARCHAR, number INTEGER, title VARCHAR, saved_at TIMESTAMP);
        CREATE TABLE priority_metric_history (
            area_code VARCHAR, number INTEGER, metric_id VARCHAR, position INTEGER, saved_at TIMESTAMP
        );
        CREATE TABLE board_theme_history (
            area_code VARCHAR, id VARCHAR, title VARCHAR, partner VARCHAR, position INTEGER, saved_at TIMESTAMP
        );
        CREATE TABLE measure_setting_history (
            area_code VARCHAR, metric_id VARCHAR, theme VARCHAR, partner VARCHAR, saved_at TIMESTAMP
        );
        CREATE TABLE metric_history (
            id VARCHAR, name VARCHAR, short_name VARCHAR, description VARCHAR, unit VARCHAR, polarity VARCHAR,
            decimals INTEGER, theme VARCHAR, national BOOLEAN, national_equivalent VARCHAR, cadence VARCHAR,
            origin VARCHAR, reads_json VARCHAR, sort_order INTEGER, rag_rule VARCHAR, summary VARCHAR,
            on_scorecard BOOLEAN, amber_margin DOUBLE, definition_json VARCHAR, saved_at TIMESTAMP
        );
        CREATE TABLE series_break_history (metric_id VARCHAR, period_label VARCHAR, note VARCHAR, saved_at TIMESTAMP);
        CREATE TABLE register_theme_history (
            id VARCHAR, title VARCHAR, partner VARCHAR, position INTEGER, saved_at TIMESTAMP
        );
        INSERT INTO plan_saved VALUES ('history starts', NULL, current_localtimestamp(),
            'priority areas, themes, measure settings and the register were first recorded here');
        INSERT INTO plan_saved SELECT DISTINCT 'priorities', area_code,
            (SELECT max(saved_at) FROM plan_saved), NULL FROM priority;
        INSERT INTO priority_history SELECT area_code, number, title, (SELECT max(saved_at) FROM plan_saved)
            FROM priority;
        INSERT INTO priority_metric_history SELECT area_code, number, metric_id, position,
            (SELECT max(saved_at) FROM plan_saved) FROM priority_metric;
        INSERT INTO plan_saved SELECT DISTINCT 'board setup', area_code, (SELECT max(saved_at) FROM plan_saved), NULL
            FROM (SELECT area_code FROM board_theme UNION SELECT area_code FROM measure_setting);
        INSERT INTO board_theme_history SELECT area_code, id, title, partner, position,
            (SELECT max(saved_at) FROM plan_saved) FROM board_theme;
        INSERT INTO measure_setting_history SELECT area_code, metric_id, theme, partner,
            (SELECT max(saved_at) FROM plan_saved) FROM measure_setting;
        INSERT INTO plan_saved SELECT 'register', NULL, (SELECT max(saved_at) FROM plan_saved), NULL;
        INSERT INTO metric_history SELECT id, name, short_name, description, unit, polarity, decimals, theme, national,
            national_equivalent, cadence, origin, reads_json, sort_order, rag_rule, summary, on_scorecard,
            amber_margin, definition_json, (SELECT max(saved_at) FROM plan_saved) FROM metric;
        INSERT INTO series_break_history SELECT metric_id, period_label, note, (SELECT max(saved_at) FROM plan_saved)
            FROM series_break;
        """,
    ),
]
