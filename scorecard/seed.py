"""The project's own derived seed (data/seed/): tidy, compressed CSVs that this code builds from the
raw published releases, so that a fresh machine has real figures without the raw files.

`build` runs the normal importers over ../shared/data into a scratch store and exports it.
`load` puts the seed into a store in one transaction; loading the same seed twice changes nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from pathlib import Path

import duckdb
import pandas as pd

from . import access, audit, config, register, store
from .periods import Period
from .problems import UserProblem

SEED_FORMAT = 1
# Raw files, in the order they are imported: older releases first, so the log reads naturally.
RAW_FILES = (
    "ees/education-health-and-care-plans_2022.zip",
    "ees/education-health-and-care-plans_2025.zip",
    "moj/send_appeal_rate_table_2022.ods",
    "moj/SEND Tribunals and appeal rate 2014-2024.csv",
    "ees/ehe_academic_year.csv",
    "ees/exc_nat_region_la_fy.csv",
    "sendap/ap/spc_ap_setting.csv",
    "sendap/finance/dsg_deficit_derived.xlsx",
    "sendap/finance/dedicated-schools-grant_2021_11_18.ods",
    "sendap/finance/dedicated-schools-grant_2022_07_18.ods",
    "sendap/finance/dedicated-schools-grant_2023_07_20.ods",
    "sendap/finance/dedicated-schools-grant_2024_07_20.ods",
    "sendap/finance/Outturn data 202122.xlsx",
    "neighbours/sn_april_2021.xlsx",
    "neighbours/sn_may_2025.xlsx",
    "sendap/ofsted/Area_SEND_inspection_data_01_May_2016_to_31_August_2022.ods",
    "sendap/ofsted/mi_ofsted_winter_2223.csv",
)
TABLES = {
    "values": ("SELECT metric_id, area_code, period_label, value, numerator, denominator, status, note, source_id, "
               "source_file, source_row, published_area FROM metric_value "
               "ORDER BY metric_id, area_code, period_label, source_id"),
    "periods": "SELECT label, kind, start_date, end_date FROM period ORDER BY end_date, label",
    "areas": "SELECT * FROM area ORDER BY level, code",
    "area_aliases": "SELECT kind, alias, area_code FROM area_alias ORDER BY kind, alias",
    "area_changes": "SELECT * FROM area_change ORDER BY change_date, predecessor_code, successor_code",
    "neighbours": "SELECT model_year, area_code, rank, neighbour_code, closeness FROM neighbour "
                  "ORDER BY model_year, area_code, rank",
    "sources": ("SELECT r.id, r.publication_id, p.publisher, r.title, r.released, r.release_date, r.covers_to, "
                "r.url, r.licence, r.attribution FROM source_release r JOIN publication p ON p.id = r.publication_id "
                "WHERE r.id IN (SELECT source_id FROM metric_value UNION SELECT source_id FROM import_batch "
                "WHERE source_id IS NOT NULL) ORDER BY r.id"),
    "inspections": ("SELECT framework, visit, area_code, published_area, start_date, published, outcome, "
                    "action_plan_required, weaknesses, progressed, not_progressed, note, source_id, source_file, "
                    "source_row FROM inspection ORDER BY framework, area_code, start_date, visit"),
    "data_quality": ("SELECT b.source_id, i.file_name, i.row_number, i.column_name, i.severity, i.message "
                     "FROM import_issue i JOIN import_batch b ON b.id = i.batch_id ORDER BY b.id, i.row_number"),
}
# Explicit types for reading the seed back.
TYPES = {
    "values": {"metric_id": "VARCHAR", "area_code": "VARCHAR", "period_label": "VARCHAR", "value": "DOUBLE",
               "numerator": "DOUBLE", "denominator": "DOUBLE", "status": "VARCHAR", "note": "VARCHAR",
               "source_id": "VARCHAR", "source_file": "VARCHAR", "source_row": "INTEGER", "published_area": "VARCHAR"},
    "periods": {"label": "VARCHAR", "kind": "VARCHAR", "start_date": "DATE", "end_date": "DATE"},
    "areas": {"code": "VARCHAR", "la_number": "VARCHAR", "name": "VARCHAR", "level": "VARCHAR",
              "region_code": "VARCHAR", "la_type": "VARCHAR", "valid_from": "DATE", "valid_to": "DATE",
              "is_current": "BOOLEAN"},
    "area_aliases": {"kind": "VARCHAR", "alias": "VARCHAR", "area_code": "VARCHAR"},
    "area_changes": {"predecessor_code": "VARCHAR", "successor_code": "VARCHAR", "change_date": "DATE",
                     "kind": "VARCHAR", "note": "VARCHAR"},
    "neighbours": {"model_year": "INTEGER", "area_code": "VARCHAR", "rank": "INTEGER", "neighbour_code": "VARCHAR",
                   "closeness": "VARCHAR"},
    "sources": {"id": "VARCHAR", "publication_id": "VARCHAR", "publisher": "VARCHAR", "title": "VARCHAR",
                "released": "VARCHAR", "release_date": "DATE", "covers_to": "VARCHAR", "url": "VARCHAR",
                "licence": "VARCHAR", "attribution": "VARCHAR"},
    "inspections": {"framework": "VARCHAR", "visit": "VARCHAR", "area_code": "VARCHAR", "published_area": "VARCHAR",
                    "start_date": "DATE", "published": "DATE", "outcome": "VARCHAR",
                    "action_plan_required": "BOOLEAN", "weaknesses": "INTEGER", "progressed": "INTEGER",
                    "not_progressed": "INTEGER", "note": "VARCHAR", "source_id": "VARCHAR",
                    "source_file": "VARCHAR", "source_row": "INTEGER"},
    "data_quality": {"source_id": "VARCHAR", "file_name": "VARCHAR", "row_number": "INTEGER",
                     "column_name": "VARCHAR", "severity": "VARCHAR", "message": "VARCHAR"},
}


class SeedError(UserProblem, RuntimeError):
    pass


def build(raw_dir: Path | str, out_dir: Path | str = config.SEED_DIR, log=print) -> dict:
    """Import every raw release into a scratch store and write the seed files. Returns the manifest."""
    from . import ingest
    from .area_build import build_areas
    from .importers import ImportContext, SourceFile, read_file

    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    missing = [f for f in RAW_FILES if not (raw_dir / f).exists()]
    if missing:
        raise SeedError(f"{raw_dir} lacks {', '.join(missing)}: point --from at the shared data folder")
    con = store.connect(":memory:")
    with store.transaction(con):
        register.sync_to_store(con)
        for table, df in build_areas(raw_dir).items():
            _insert_frame(con, table, df)
    raw_hashes = {}
    for rel in RAW_FILES:
        source = SourceFile.from_path(raw_dir / rel)
        raw_hashes[rel] = source.sha256
        plan = read_file(source, ImportContext.from_store(con))
        result = ingest.commit(con, plan, actor=access.command_line("seed build"))
        log(result.summary())
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, sql in TABLES.items():
        df = con.execute(sql).df()
        counts[name] = len(df)
        _write_csv_gz(df, out_dir / f"{name}.csv.gz")
    manifest = {
        "seed_format": SEED_FORMAT,
        "built_from": {k: v for k, v in sorted(raw_hashes.items())},
        "rows": counts,
        "licence": register.LICENCE_ATTRIBUTION,
        "files": {name: _sha(out_dir / f"{name}.csv.gz") for name in TABLES},
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _write_csv_gz(df: pd.DataFrame, path: Path) -> None:
    """Deterministic gzip (no timestamp), so rebuilding an unchanged seed changes no bytes."""
    text = df.to_csv(index=False, lineterminator="\n")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Table names cannot be query parameters, so each statement is spelt out for a fixed list of tables.
_INSERT = {t: "INSERT INTO " + t + " BY NAME SELECT * FROM frame"
           for t in ("area", "area_alias", "area_change", "neighbour", "source_release")}
_CLEAR = {t: "DELETE FROM " + t for t in ("area", "area_alias", "area_change")}


def _insert_frame(con, table: str, df: pd.DataFrame) -> None:
    store.register_frame(con, "frame", df)
    con.execute(_INSERT[table])
    con.unregister("frame")


def read_table(seed_dir: Path, name: str) -> duckdb.DuckDBPyRelation:
    path = seed_dir / f"{name}.csv.gz"
    return duckdb.read_csv(str(path), columns=TYPES[name], header=True, compression="gzip",
                           delimiter=",", quotechar="\"", escapechar="\"")


def fingerprint(seed_dir: Path | str = config.SEED_DIR) -> str:
    path = Path(seed_dir) / "manifest.json"
    if not path.exists():
        raise SeedError(f"no seed in {seed_dir}: run `scorecard seed build --from ../shared/data`")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(con, seed_dir: Path | str = config.SEED_DIR, who: str = "scorecard init") -> str:
    """Load the seed into the store in one transaction. Loading the same seed again is a no-op."""
    seed_dir = Path(seed_dir)
    sha = fingerprint(seed_dir)
    if store.get_meta(con, "seed_sha256") == sha and store.committed_batch_for(con, sha) is not None:
        return "The seed is already loaded; nothing changed."
    # Loaded here, not at the top: a dashboard starting on a seeded store needs none of the importers.
    from . import ingest
    from .importers.base import ImportPlan, Issue

    frames = {name: read_table(seed_dir, name).df() for name in TYPES}
    plan = ImportPlan(f"seed ({seed_dir.name}/values.csv.gz)", sha, "seed")
    plan.values = frames["values"].assign(source_column=None)
    plan.periods = {r.label: Period(r.label, r.kind, r.start_date.date() if hasattr(r.start_date, "date") else r.start_date,
                                    r.end_date.date() if hasattr(r.end_date, "date") else r.end_date)
                    for r in frames["periods"].itertuples()}
    plan.warnings = [Issue(r.file_name, r.message, None if pd.isna(r.row_number) else int(r.row_number),
                           r.column_name, r.severity) for r in frames["data_quality"].itertuples()]
    neighbours = frames["neighbours"]
    plan.inspections = frames["inspections"]

    def load_once(con) -> ingest.BatchResult:
        register.sync_to_store(con)
        for table in ("area_alias", "area_change", "area"):
            con.execute(_CLEAR[table])
        _insert_frame(con, "area", frames["areas"])
        _insert_frame(con, "area_alias", frames["area_aliases"])
        _insert_frame(con, "area_change", frames["area_changes"])
        sources = frames["sources"].drop(columns=["publisher"])
        known = {r[0] for r in con.execute("SELECT id FROM source_release").fetchall()}
        _insert_frame(con, "source_release", sources[~sources["id"].isin(known)].assign(known=False))
        diff = ingest.preview(con, plan)
        result = ingest.BatchResult(plan.file_name, plan.format)
        ingest.write(con, plan, diff, result, who)
        audit.record(con, access.command_line(who), audit.IMPORTED, subject=plan.file_name, batch_id=result.batch_id,
                     detail=f"the seed: {result.added} figures added, {result.changed} revised, "
                            f"{result.unchanged} unchanged")
        # The newest committed batch of each model's links is the one in use; older ones stay as history.
        _insert_frame(con, "neighbour", neighbours.assign(batch_id=result.batch_id))
        store.set_meta(con, "seed_sha256", sha)
        return result

    result = store.retrying(con, load_once)
    return (f"Loaded the seed: {result.added} figures added, {result.changed} revised, "
            f"{result.unchanged} unchanged; {len(neighbours)} neighbour links; "
            f"{len(frames['areas'])} areas (batch {result.batch_id}).")


def init(con, seed_dir: Path | str = config.SEED_DIR) -> str:
    """Create or migrate the store, bring the register and sources up to date when their files have
    changed, and load the seed. Idempotent."""
    store.migrate(con)
    synced = sync_register(con)
    message = load(con, seed_dir)
    return (f"{message} The metric register was updated from {config.REGISTER_FILE.name}."
            if synced and message.startswith("The seed is already loaded") else message)


def sync_register(con) -> bool:
    """Write data/metrics.toml and data/sources.toml into the store if either has changed since the
    store last read them (one transaction), recording in the audit trail every measure that changed
    (register_changes). Returns whether it did."""
    from . import board_setup, register_changes

    fingerprint_now = hashlib.sha256(config.REGISTER_FILE.read_bytes() + config.SOURCES_FILE.read_bytes()).hexdigest()
    if store.get_meta(con, "register_sha256") == fingerprint_now:
        return False
    def sync_once(con) -> None:
        built_with = store.get_meta(con, "register_sha256") is not None
        before = register.metrics_from_store(con) if built_with else {}
        themes_before = board_setup.register_themes(con)
        register.sync_to_store(con)
        register_changes.record(con, before, register.metrics_from_store(con), themes_before,
                                board_setup.register_themes(con))
        store.set_meta(con, "register_sha256", fingerprint_now)
        store.bump_data_version(con)

    store.retrying(con, sync_once)
    return True
