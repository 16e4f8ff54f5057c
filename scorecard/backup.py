"""Backups: a consistent, portable copy of the whole store, and a store rebuilt from one.

A backup is a ZIP of one Parquet file per table (values and their history, batches, targets,
commentary, areas, sources, the register, priorities and the audit trail), read in one transaction so
the copy is of one moment even while the dashboard and imports run, with a manifest of the schema
version, the store point and each table's row count and checksum. Parquet is read by any DuckDB (and
by pandas, R or Excel's Power Query), so a backup restores into a DuckDB file or a DuckLake alike.

A backup is signed (scorecard.backup_signing: an HMAC-SHA256 of the manifest, which holds every
table's SHA-256) with the deployment's backup signing key. Restore refuses one whose signature does
not verify; one that is unsigned, or signed with another key, only with `allow_unsigned` (the admin's
explicit word, recorded in the audit trail). Restore never deletes or rewrites an audit row: the
store's trail is kept, the backup's rows are added only where the trail lacks them, and the restore
is itself a row of the trail.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from . import access, as_at, audit, backup_signing, plan_history, register, schema, store
from .problems import UserProblem

FORMAT = 1
MANIFEST = "manifest.json"
# Each table and the statement that copies it out. Names are from the fixed list, never from input.
_EXPORT = {t: "COPY (SELECT * FROM " + t + ") TO ? (FORMAT parquet)" for t in (*schema.ALL_TABLES, "schema_version")}
_IMPORT = {t: "INSERT INTO " + t + " BY NAME SELECT * FROM read_parquet(?)" for t in schema.ALL_TABLES}
_CLEAR = {t: "DELETE FROM " + t for t in schema.ALL_TABLES}
# The audit trail is append-only: a restore keeps it and adds the backup's rows it lacks (the same
# event is the same values in every column but the id, which each store numbers for itself).
AUDIT_TABLE = "audit_event"
_AUDIT_VALUES = [c for c in audit.COLUMNS if c != "id"]
_MISSING_AUDIT_ROWS = (
    "SELECT " + ", ".join("b." + c for c in audit.COLUMNS) + " FROM read_parquet(?) b "
    "WHERE NOT EXISTS (SELECT 1 FROM audit_event a WHERE "
    + " AND ".join(f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in _AUDIT_VALUES) + ")")
# How many rows are missing, and whether their own ids can be kept (none taken, none twice, none empty).
_MISSING_AUDIT_COUNT = ("SELECT count(*), count(*) FILTER (WHERE m.id IS NULL OR m.id IN (SELECT id FROM audit_event)) "
                        "+ count(*) - count(DISTINCT m.id), coalesce(max(m.id), 0) FROM (" + _MISSING_AUDIT_ROWS + ") m")
_ADD_AUDIT_ROWS_KEEPING_IDS = ("INSERT INTO audit_event (" + ", ".join(audit.COLUMNS) + ") SELECT "
                               + ", ".join(audit.COLUMNS) + " FROM (" + _MISSING_AUDIT_ROWS + ")")
_ADD_AUDIT_ROWS_NUMBERED = ("INSERT INTO audit_event (" + ", ".join(audit.COLUMNS) + ") SELECT "
                            + ", ".join("? + row_number() OVER (ORDER BY m.changed_at, m.id) AS id" if c == "id"
                                        else "m." + c for c in audit.COLUMNS)
                            + " FROM (" + _MISSING_AUDIT_ROWS + ") m")


class BackupError(UserProblem, ValueError):
    """A backup that cannot be made or restored, said in a sentence; nothing was changed."""


def write(con, out: Path | str, key: bytes | None | bool = True) -> dict:
    """Write a backup of the store to `out` (a .zip), signed with `key` (by default the deployment's
    backup signing key, backup_signing.signing_key(); None or False: unsigned). Returns its manifest,
    with "signed_with" the key id, or None for an unsigned backup."""
    out = Path(out)
    key = backup_signing.signing_key() if key is True else (key or None)
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
        manifest_bytes = json.dumps(manifest, indent=1).encode("utf-8")
        with zipfile.ZipFile(staging, "w", compression=zipfile.ZIP_STORED) as archive:  # Parquet is compressed
            archive.writestr(MANIFEST, manifest_bytes)
            if key is not None:
                archive.writestr(backup_signing.SIGNATURE, backup_signing.sign(manifest_bytes, key))
            for table, path in files.items():
                archive.write(path, f"{table}.parquet")
        staging.replace(out)  # a backup is either whole or not there
    return {**manifest, "signed_with": backup_signing.key_id(key) if key is not None else None}


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
    return _read_signed_manifest(path)[0]


def _read_signed_manifest(path: Path | str) -> tuple[dict, bytes, bytes | None]:
    """The manifest, its exact bytes (what the signature covers) and the signature document, if any."""
    try:
        archive = opened_within_limits(path)
        try:
            raw = read_within_limits(archive, MANIFEST)
            signature = read_within_limits(archive, backup_signing.SIGNATURE) \
                if backup_signing.SIGNATURE in archive else None
        finally:
            archive.close()
        manifest = json.loads(raw)
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{Path(path).name} is not a SEND Scorecard backup ({type(exc).__name__})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{Path(path).name} is a backup format this program does not read")
    return manifest, raw, signature


def holds_figures(con) -> bool:
    return con.execute("SELECT count(*) FROM import_batch").fetchone()[0] > 0


def restore(con, path: Path | str, replace: bool = False, *, actor: access.Actor, allow_unsigned: bool = False,
            key: bytes | None | bool = True) -> dict:
    """Rebuild the store from a backup in one transaction: refused if the store already holds figures,
    unless `replace`. Its signature is checked against `key` (by default the deployment's backup signing
    key): a backup whose signature does not verify is refused; one unsigned, signed with another key, or
    restored where no key is configured, only with `allow_unsigned`, which the audit trail records. Every
    file is checked against the manifest first. The audit trail is never emptied or rewritten: the
    store's rows are kept and the backup's added where missing; the restore is the trail's newest row.
    Returns the manifest, with "signature" saying what its signature was found to be."""
    path = Path(path)
    manifest, manifest_bytes, signature = _read_signed_manifest(path)
    if manifest["schema_version"] > store.schema_version(con):
        raise BackupError(f"{path.name} was made by a newer SEND Scorecard (schema {manifest['schema_version']}); "
                          "update this one first")
    if holds_figures(con) and not replace:
        raise BackupError("the store already holds figures, so nothing was restored. Restore into a new, empty "
                          "store (scorecard --db NEW_FILE restore …), or pass --replace to replace everything in it")
    audit.check(con, actor, access.NATIONAL_IMPORT, subject=f"restore from {path.name}")
    key = backup_signing.signing_key() if key is True else (key or None)
    verdict = backup_signing.verify(manifest_bytes, signature, key)
    refusal = _signature_refusal(path.name, verdict, allow_unsigned)
    if refusal:
        audit.change_refused(con, actor, audit.RESTORED, path.name, refusal)
        raise BackupError(refusal)
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
                if table == AUDIT_TABLE:
                    continue  # never emptied: see _bring_in_audit_rows
                con.execute(_CLEAR[table])
                if table in tables:
                    con.execute(_IMPORT[table], [str(Path(folder) / f"{table}.parquet")])
            if "plan_saved" not in tables:  # a backup from before the plan kept its history: it starts now
                plan_history.start_history(con, register.settings().small_number_threshold)
            kept = con.execute("SELECT count(*) FROM audit_event").fetchone()[0]
            added = _bring_in_audit_rows(con, Path(folder) / f"{AUDIT_TABLE}.parquet") if AUDIT_TABLE in tables else 0
            trail = f"the audit trail's {kept:,} rows kept; " + (
                f"{added:,} of the backup's added where missing" if AUDIT_TABLE in tables
                else "the backup has no audit trail")
            if verdict.verified:
                detail = f"signed backup: {verdict.words}; {trail}"
            else:
                detail = (f"NOT VERIFIED: restored on the admin's explicit instruction (--allow-unsigned), "
                          f"although {verdict.words}; {trail}")
            audit.record(con, actor, audit.RESTORED, subject=path.name, new=f"backup made {manifest['made_at']}",
                         detail=detail)
            store.bump_data_version(con)

        store.retrying(con, load)
    return {**manifest, "signature": verdict}


def _signature_refusal(name: str, verdict: backup_signing.Verdict, allow_unsigned: bool) -> str | None:
    """Why the backup may not be restored as it stands, in a sentence; None if it may."""
    if verdict.verified:
        return None
    if verdict.status == backup_signing.CHANGED:
        return (f"{name} was not restored: {verdict.words}. It may have been tampered with; restore another "
                "backup. Nothing was changed.")
    if allow_unsigned:
        return None
    return (f"{name} was not restored: {verdict.words}, so nothing shows it is the backup this deployment made. "
            "Nothing was changed. If you know where it came from and trust it, run the restore again with "
            "--allow-unsigned (the audit trail records that you did).")


def _bring_in_audit_rows(con, parquet: Path) -> int:
    """Add the backup's audit rows that the store's trail lacks; never delete or change one. They keep
    their ids where no row of the trail has them, and are numbered after the trail's last otherwise."""
    missing, clashes, their_last = con.execute(_MISSING_AUDIT_COUNT, [str(parquet)]).fetchone()
    if not missing:
        return 0
    if not clashes:
        con.execute(_ADD_AUDIT_ROWS_KEEPING_IDS, [str(parquet)])
    else:
        ours = con.execute("SELECT coalesce(max(id), 0) FROM audit_event").fetchone()[0]
        con.execute(_ADD_AUDIT_ROWS_NUMBERED, [max(ours, their_last), str(parquet)])
    return missing
