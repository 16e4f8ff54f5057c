"""Read the store. Every query is parameterised; pages and reports call these, never SQL."""

from __future__ import annotations

import pandas as pd

_VALUES_SQL = """
    SELECT v.metric_id, v.area_code, a.la_number, a.name AS area_name, a.level, a.region_code, a.is_current AS area_is_current,
           v.period_label AS period, p.kind AS period_kind, p.start_date, p.end_date,
           v.value, v.numerator, v.denominator, v.status, v.note, v.source_id, s.title AS source,
           s.released AS source_released, v.batch_id, v.source_file, v.source_row
    FROM metric_value v
    JOIN area a ON a.code = v.area_code
    JOIN period p ON p.label = v.period_label
    LEFT JOIN source_release s ON s.id = v.source_id
    WHERE v.is_current AND v.metric_id = ?
    ORDER BY p.end_date, a.level, a.name
"""


def metric_values(con, metric_id: str) -> pd.DataFrame:
    """Current figures for one metric: every area and period, with area, period and source details."""
    df = con.execute(_VALUES_SQL, [metric_id]).df()
    for col in ("start_date", "end_date"):
        df[col] = pd.to_datetime(df[col]).dt.date
    return df


def values_for_metrics(con, metric_ids: list[str]) -> pd.DataFrame:
    frames = [metric_values(con, m) for m in metric_ids]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else metric_values(con, "")


def value_history(con, metric_id: str, area_code: str, period: str) -> pd.DataFrame:
    """Every release's figure for one metric, area and period: the revision history."""
    return con.execute(
        """SELECT v.value, v.numerator, v.denominator, v.status, v.note, v.source_id, s.title AS source,
                  v.batch_id, b.file_name, b.imported_at, v.is_current
           FROM metric_value v LEFT JOIN source_release s ON s.id = v.source_id
           LEFT JOIN import_batch b ON b.id = v.batch_id
           WHERE v.metric_id = ? AND v.area_code = ? AND v.period_label = ?
           ORDER BY v.is_current DESC, s.release_date DESC, v.batch_id DESC""",
        [metric_id, area_code, period],
    ).df()


def neighbour_links(con, model_year: int | None = None) -> pd.DataFrame:
    """Statistical neighbours from each model's latest committed batch."""
    return con.execute(
        """SELECT n.model_year, n.area_code, n.rank, n.neighbour_code, n.closeness, a.name AS neighbour_name
           FROM neighbour n JOIN area a ON a.code = n.neighbour_code
           WHERE n.batch_id = (SELECT max(m.batch_id) FROM neighbour m JOIN import_batch b ON b.id = m.batch_id
                               WHERE m.model_year = n.model_year AND b.status = 'committed')
             AND (? IS NULL OR n.model_year = ?)
           ORDER BY n.model_year, n.area_code, n.rank""",
        [model_year, model_year],
    ).df()


def neighbour_models(con) -> list[int]:
    return [r[0] for r in con.execute("SELECT DISTINCT model_year FROM neighbour ORDER BY 1 DESC").fetchall()]


def batches(con) -> pd.DataFrame:
    return con.execute(
        """SELECT id AS batch, file_name, format, source_id, imported_at, imported_by, rows_added, rows_changed,
                  rows_unchanged, rows_rejected, status, undone_at, undone_by, sha256
           FROM import_batch ORDER BY id"""
    ).df()


def batch_issues(con, batch_id: int | None = None) -> pd.DataFrame:
    return con.execute(
        """SELECT batch_id AS batch, file_name, row_number AS row, column_name AS column, severity, message
           FROM import_issue WHERE ? IS NULL OR batch_id = ? ORDER BY batch_id, row_number""",
        [batch_id, batch_id],
    ).df()


def sources(con) -> pd.DataFrame:
    """Each source release with what the store holds from it. A local return's attribution says the
    figures are the council's own (register.attribution), whatever an older store recorded for it."""
    from .register import attribution

    found = con.execute(
        """SELECT r.id, p.publisher, r.title, r.released, r.release_date, r.url, r.licence, r.attribution,
                  p.cadence, p.cadence_month, r.publication_id, p.title AS publication_title,
                  count(v.id) FILTER (WHERE v.is_current) AS current_figures,
                  count(v.id) AS all_figures,
                  min(pe.start_date) AS covers_from, max(pe.end_date) AS covers_to,
                  string_agg(DISTINCT v.metric_id, ', ' ORDER BY v.metric_id) AS metrics
           FROM source_release r JOIN publication p ON p.id = r.publication_id
           LEFT JOIN metric_value v ON v.source_id = r.id
           LEFT JOIN period pe ON pe.label = v.period_label
           GROUP BY ALL
           HAVING count(v.id) > 0 OR r.id IN (SELECT source_id FROM import_batch WHERE source_id IS NOT NULL)
               OR r.id IN (SELECT source_id FROM inspection)
           ORDER BY p.publisher, r.release_date DESC"""
    ).df()
    if len(found):
        found["attribution"] = [a if "Open Government" in str(lic or "") else attribution(who, title, lic)
                                for a, lic, who, title in zip(found["attribution"], found["licence"],
                                                              found["publisher"], found["title"])]
    return found


def latest_periods(con) -> pd.DataFrame:
    """For each source release, the latest period of each kind it holds figures for (a release may
    hold calendar years and a January census): source_id, kind, label, end_date."""
    return con.execute(
        """SELECT v.source_id, p.kind, arg_max(p.label, p.end_date) AS label, max(p.end_date) AS end_date
           FROM metric_value v JOIN period p ON p.label = v.period_label
           GROUP BY ALL ORDER BY v.source_id, end_date"""
    ).df()


# What a metric's comparator table (comparators.comparators_table) is computed from: its own figures
# with their periods and source releases, and, shared by every metric, the areas, the register and
# the neighbour links (with the status of the batches that brought them). A fingerprint of each, so
# a table is recomputed only when one of its inputs has changed: a local return for one measure
# leaves every other measure's table alone.
_SHARED_INPUTS_SQL = """
    SELECT hash(
        (SELECT list_value(count(*), bit_xor(hash(t))) FROM area t),
        (SELECT list_value(count(*), bit_xor(hash(t))) FROM metric t),
        (SELECT list_value(count(*), bit_xor(hash(n, b.status))) FROM neighbour n JOIN import_batch b ON b.id = n.batch_id))
"""
_OWN_INPUTS_SQL = """
    SELECT m.id, hash(?, count(v.id), bit_xor(hash(v, p, s)))
    FROM metric m
    LEFT JOIN metric_value v ON v.metric_id = m.id
    LEFT JOIN period p ON p.label = v.period_label
    LEFT JOIN source_release s ON s.id = v.source_id
    GROUP BY m.id
"""


def metric_fingerprints(con) -> dict[str, int]:
    """For each metric, a number that changes whenever anything its comparator table is computed
    from changes: its own figures (every row, current or not, with its period and source release)
    or the inputs every table shares."""
    shared = con.execute(_SHARED_INPUTS_SQL).fetchone()[0]
    return {metric_id: fingerprint for metric_id, fingerprint in con.execute(_OWN_INPUTS_SQL, [shared]).fetchall()}


# What each area's scorecard (card.build) is computed from, beyond the metric tables it reads for
# its comparators: the area's own figures (with their periods and source releases), its targets,
# commentary, priorities and board settings. One query for every area: an import for one area
# leaves every other area's fingerprint alone.
_AREA_INPUTS_SQL = """
    WITH own AS (
        SELECT v.area_code, 'figures' AS part, hash(v, p, s, pu) AS h FROM metric_value v
        JOIN period p ON p.label = v.period_label
        LEFT JOIN source_release s ON s.id = v.source_id LEFT JOIN publication pu ON pu.id = s.publication_id
        UNION ALL SELECT area_code, 'targets', hash(t) FROM target t
        UNION ALL SELECT area_code, 'commentary', hash(t) FROM commentary t
        UNION ALL SELECT area_code, 'priorities', hash(t) FROM priority t
        UNION ALL SELECT area_code, 'priority measures', hash(t) FROM priority_metric t
        UNION ALL SELECT area_code, 'themes', hash(t) FROM board_theme t
        UNION ALL SELECT area_code, 'measure settings', hash(t) FROM measure_setting t)
    SELECT area_code, hash(list(part_hash ORDER BY part)) FROM (
        SELECT area_code, part, hash(part, count(*), bit_xor(h)) AS part_hash FROM own GROUP BY area_code, part)
    GROUP BY area_code
"""


def area_fingerprints(con) -> dict[str, int]:
    """For each area with anything of its own in the store, a number that changes whenever any of
    it changes (figures, targets, commentary, priorities, board settings)."""
    return dict(con.execute(_AREA_INPUTS_SQL).fetchall())


def scorecard_fingerprint(area_code: str, area_fingerprints_: dict[str, int], metric_fingerprints_: dict[str, int],
                          national_ids) -> int:
    """When an area's scorecard must be built again: its own inputs changed (area_fingerprints), or
    the table of a national measure (whose England, region, neighbour and rank figures it shows),
    or anything every table shares (which every metric fingerprint carries)."""
    return hash((area_fingerprints_.get(area_code),
                 tuple(sorted((m, f) for m, f in metric_fingerprints_.items() if m in national_ids))))


def periods_of(con, metric_id: str | None = None) -> pd.DataFrame:
    return con.execute(
        """SELECT DISTINCT p.label, p.kind, p.start_date, p.end_date FROM period p
           JOIN metric_value v ON v.period_label = p.label AND v.is_current
           WHERE ? IS NULL OR v.metric_id = ? ORDER BY p.end_date""",
        [metric_id, metric_id],
    ).df()


def series_breaks(con, metric_id: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in con.execute(
        "SELECT period_label, note FROM series_break WHERE metric_id = ?", [metric_id]).fetchall()]


def data_as_at(con):
    """When the store last changed: the newest committed import."""
    row = con.execute("SELECT max(imported_at) FROM import_batch WHERE status = 'committed'").fetchone()
    return row[0]


def area_counts(con, area_code: str) -> pd.DataFrame:
    """The numerators and denominators behind one area's current figures: public packs suppress
    small counts and the rates built on them."""
    return con.execute(
        """SELECT metric_id, period_label AS period, numerator, denominator FROM metric_value
           WHERE is_current AND area_code = ? AND (numerator IS NOT NULL OR denominator IS NOT NULL)
           ORDER BY metric_id, period_label""",
        [area_code],
    ).df()
