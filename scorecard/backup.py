"""Backups: a consistent, portable copy of the whole store, and a store rebuilt from one.

A backup is a ZIP of one Parquet file per table (values and their history, batches, targets,
commentary, areas, sources, the register, priorities and the audit trail), read in one transaction so
the copy is of one moment even while the dashboard and imports run, with a manifest of the schema
version, the store point and each table's row count and checksum. Parquet is read by any DuckDB (and
by pandas, R or Excel's Power Query), so a backup restores into a DuckDB file or a DuckLake alike.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from . import access, as_at, audit, schema, store
from .problems import UserProblem

FORMAT = 1
MANIFEST = "manifest.json"
# Each table and the statement that copies it out. Names are from the fixed list, never from input.
_EXPORT = {t: "COPY (SELECT * FROM " + t + ") TO ? (FORMAT parquet)" for t in (*schema.ALL_TABLES, "schema_version")}
_IMPORT = {t: "INSERT INTO " + t + " BY NAME SELECT * FROM read_parquet(?)" for t in schema.ALL_TABLES}
_CLEAR = {t: "DELETE FROM " + t for t in schema.ALL_TABLES}


class BackupError(UserProblem, ValueError):
    """A backup that cannot be made or restored, said in a sentence; nothing was changed."""


def write(con, out: Path | str) -> dict:
    """Write a backup of the store to `out` (a .zip). Returns its manifest."""
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="scorecard-backup-") as folder:
        files, counts = {}, {}
        with store.read_snapshot(con):
            point = as_at.point(con)
            version = store.schema_version(con)
            for table, sql in _EXPORT.items():
                path = Path(folder) / f"{table}.parquet"
                con.execute(sql, [str(path)])
                files[table] = path
        for table, path in files.items():
            counts[table] = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]
        manifest = {
            "format": FORMAT, "schema_version": version, "made_at": datetime.now().isoformat(timespec="seconds"),
            "store_version": point.version, "store_moment": point.moment.isoformat() if point.moment else None,
            "rows": counts, "sha256": {t: hashlib.sha256(p.read_bytes()).hexdigest() for t, p in files.items()},
        }
        staging = out.with_name(out.name + ".partial")
        with zipfile.ZipFile(staging, "w", compression=zipfile.ZIP_STORED) as archive:  # Parquet is compressed
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
            for table, path in files.items():
                archive.write(path, f"{table}.parquet")
        staging.replace(out)  # a backup is either whole or not there
    return manifest


def opened_within_limits(path: Path | str):
    """The backup's archive, checked from its directory with the limits every imported ZIP meets (how
    many members, how far each and all of them expand, and how many times), before anything is read;
    its `read(member)` counts what it expands and stops at those limits. Raises BackupError."""
    from .importers import safe_zip
    from .problems import ImportFailure

    try:
        return safe_zip.open_path(path)
    except ImportFailure as exc:
        raise BackupError(f"{str(exc).rstrip('.')}; nothing was restored") from None


def read_within_limits(archive, name: str) -> bytes:
    """One member of a backup opened by opened_within_limits. KeyError if it is not there."""
    from .problems import ImportFailure

    try:
        return archive.read(name)
    except ImportFailure as exc:
        raise BackupError(f"{str(exc).rstrip('.')}; nothing was restored") from None


def read_manifest(path: Path | str) -> dict:
    try:
        archive = opened_within_limits(path)
        try:
            manifest = json.loads(read_within_limits(archive, MANIFEST))
        finally:
            archive.close()
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise BackupError(f"{Path(path).name} is not a SEND Scorecard backup ({type(exc).__name__})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{Path(path).name} is a backup format this program does not read")
    return manifest


def holds_figures(con) -> bool:
    return con.execute("SELECT count(*) FROM import_batch").fetchone()[0] > 0


def restore(con, path: Path | str, replace: bool = False, *, actor: access.Actor) -> dict:
    """Rebuild the store from a backup in one transaction: refused if the store already holds figures,
    unless `replace`. Every file is checked against the manifest first. Returns the manifest. A table
    newer than the backup (the audit trail, in a backup made before it) starts empty; the restore itself
    is the trail's newest row."""
    path = Path(path)
    manifest = read_manifest(path)
    if manifest["schema_version"] > store.schema_version(con):
        raise BackupError(f"{path.name} was made by a newer SEND Scorecard (schema {manifest['schema_version']}); "
                          "update this one first")
    if holds_figures(con) and not replace:
        raise BackupError("the store already holds figures, so nothing was restored. Restore into a new, empty "
                          "store (scorecard --db NEW_FILE restore …), or pass --replace to replace everything in it")
    audit.check(con, actor, access.NATIONAL_IMPORT, subject=f"restore from {path.name}")
    tables = [t for t in schema.ALL_TABLES if t in manifest["sha256"]]
    with tempfile.TemporaryDirectory(prefix="scorecard-restore-") as folder:
        archive = opened_within_limits(path)
        with contextlib.closing(archive):
            for table in tables:
                data = read_within_limits(archive, f"{table}.parquet")
                if hashlib.sha256(data).hexdigest() != manifest["sha256"][table]:
                    raise BackupError(f"{path.name}: the copy of {table} does not match its checksum; the backup "
                                      "is damaged, and nothing was restored")
                (Path(folder) / f"{table}.parquet").write_bytes(data)

        def load(con) -> None:
            for table in schema.ALL_TABLES:
                con.execute(_CLEAR[table])
                if table in tables:
                    con.execute(_IMPORT[table], [str(Path(folder) / f"{table}.parquet")])
            audit.record(con, actor, audit.RESTORED, subject=path.name, new=f"backup made {manifest['made_at']}")
            store.bump_data_version(con)

        store.retrying(con, load)
    return manifest
