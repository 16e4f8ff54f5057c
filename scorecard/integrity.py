"""`scorecard check`: is the store whole, and do its figures hang together?

DuckDB checks each block's checksum as it reads the block, so reading every row of every table
finds a store that was cut short or has a damaged block. The store has no key indexes (a DuckLake
has none, so neither has the file: see scorecard/schema.py), so every block that holds data is
reached this way. The store is opened read-only and never written.

Then the rules the figures must keep: one current figure for each measure, area and period; every
figure's measure, area, period, source and batch on record; no figure of an undone batch counted as
current, and no committed batch whose figures are gone; the seed's figures all present.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import config, lake, seed, store
from .importers.targets_csv import FORMAT as TARGETS_FORMAT
from .migrations import MIGRATIONS

EXAMPLES = 3  # how many instances a problem names


@dataclass
class Step:
    """One thing checked: what it was, what was found, and any problems, each in words."""

    checked: str
    found: str = ""
    problems: list[str] = field(default_factory=list)
    skipped: bool = False


@dataclass
class Report:
    store: str
    steps: list[Step] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [p for s in self.steps for p in s.problems]

    @property
    def healthy(self) -> bool:
        return bool(self.steps) and not self.problems


def check(path: str, named: str, seed_dir: Path | str = config.SEED_DIR) -> Report:
    """Check the store file at `path`; `named` is how messages name it. Raises store.StoreBusy when
    another process holds the store, since then nothing can be checked."""
    report = Report(named)
    opening = Step("open the store read-only")
    report.steps.append(opening)
    shared = lake.is_lake(path)
    if not shared and not Path(path).is_file():
        opening.problems.append(f"There is no store file at {named}.")
        return report
    try:
        con = store.connect(path, read_only=True) if shared else duckdb.connect(path, read_only=True)
    except store.StoreUnavailable as exc:
        opening.problems.append(str(exc))
        return report
    except duckdb.Error as exc:
        if store.lock_held(exc, path):  # asked of the operating system, not read from DuckDB's words
            raise store.busy(path, named, read_only=True, detail=str(exc)) from exc
        opening.problems.append(f"DuckDB cannot open it: {_reason(exc, path, named)}.")
        return report
    try:
        if shared:  # a catalog and Parquet files: DuckLake checks each file as it reads it
            opening.found = "a DuckLake store"
            if not _check_lake_files(con, report):
                report.steps.append(Step("read every row of every table", "not checked: every data file the "
                                         "catalog names must be there first", skipped=True))
                return report
        else:
            opening.found = f"{Path(path).stat().st_size / 1024 / 1024:,.1f} MB"
            length = Step("the file holds every block the store counts")
            report.steps.append(length)
            if store.cut_short(con, path):
                length.problems.append(store.CUT_SHORT[0].upper() + store.CUT_SHORT[1:] + ".")
        _leftovers(path, con if shared else None, report)
        if not _read_tables(con, report):
            report.steps.append(Step("the schema and the rules the figures keep",
                                     "not checked: every table must be readable first", skipped=True))
            return report
        schema_ok = _check_schema(con, report)
        if schema_ok:
            _check_figures(con, report)
            _check_batches(con, report)
            _check_seed(con, report, Path(seed_dir))
        else:
            report.steps.append(Step("the rules the figures keep", "not checked: the schema must be up to date first",
                                     skipped=True))
    finally:
        con.close()
    return report


def _check_lake_files(con, report: Report) -> bool:
    """Every Parquet file the lake's catalog names is on disk (a lost one fails every read of its table)."""
    step = Step("every data file the catalog names is on disk")
    report.steps.append(step)
    named = lake.catalogued_files(con)
    missing = lake.missing_files(con)
    if missing:
        step.problems.append(
            f"{len(missing):,} of the {len(named):,} data files the catalog names are missing: "
            + "; ".join(missing[:10]) + (f"; and {len(missing) - 10:,} more" if len(missing) > 10 else "")
            + ". Put them back (from a copy of the folder, or by mounting the share again), or restore the "
            "store from a backup.")
    else:
        step.found = f"all {len(named):,} there"
    return not missing


def _leftovers(path: str, lake_con, report: Report) -> None:
    """Files a stopped backup or change left behind: listed, safe to delete, and no harm to the store."""
    step = Step("no files left over by a backup or change that was stopped")
    report.steps.append(step)
    found = []
    folder = Path(path[len("ducklake:sqlite:"):]).parent if path.startswith("ducklake:sqlite:") else \
        None if lake.is_lake(path) else Path(path).parent
    if folder is not None:  # the store's own folder (a backup written beside it)
        found += [p.name for p in sorted(folder.glob("*.partial"))]
    if lake_con is not None:
        found += [f"{name} (in the lake's data folder; the catalog does not name it)"
                  for name in lake.orphan_files(lake_con)]
    if found:
        step.found = (f"{len(found):,} left over, safe to delete once nothing is being saved: " + "; ".join(found[:10])
                      + (f"; and {len(found) - 10:,} more" if len(found) > 10 else ""))
    else:
        step.found = "none"


def _reason(exc: BaseException, path: str, named: str) -> str:
    """DuckDB's words for a failure, in plain words where we know them, with no server path."""
    words = store.damage(exc)
    if words:
        return words
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text.replace(str(Path(path).resolve()), named).replace(path, named)


def _expected_columns() -> dict[str, set[str]]:
    """Each table and its columns, as this version's migrations make them."""
    scratch = duckdb.connect(":memory:")
    try:
        store.migrate(scratch)
        return _columns(scratch)
    finally:
        scratch.close()


def _columns(con) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main'").fetchall():
        found.setdefault(table, set()).add(column)
    return found


def _check_schema(con, report: Report) -> bool:
    step = Step("the schema version and its tables")
    report.steps.append(step)
    latest = MIGRATIONS[-1][0]
    try:
        version = store.schema_version(con)
        present = _columns(con)
    except duckdb.Error as exc:
        step.problems.append(f"The schema cannot be read: {store.damage(exc) or str(exc).splitlines()[0]}.")
        return False
    if version == 0:
        step.problems.append("The file has no schema version: it is not a scorecard store, or it was never set up "
                             "(`scorecard init` sets one up).")
        return False
    if version > latest:
        step.problems.append(f"Schema version {version} is newer than this scorecard knows ({latest}): update the "
                             "scorecard before using this store.")
        return False
    if version < latest:
        step.problems.append(f"Schema version {version} is older than this scorecard's {latest}: any command that "
                             "writes, such as `scorecard init`, brings it up to date.")
        return False
    for table, columns in sorted(_expected_columns().items()):
        if table not in present:
            step.problems.append(f"The table {table} is missing.")
        elif missing := sorted(columns - present[table]):
            step.problems.append(f"The table {table} lacks the column(s) {', '.join(missing)}.")
    step.found = f"version {version}, the latest; {len(present)} tables"
    return not step.problems


def _read_tables(con, report: Report) -> bool:
    step = Step("read every row of every table (DuckDB verifies each block's checksum)")
    report.steps.append(step)
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
        "ORDER BY table_name").fetchall()]
    rows, unreadable = {}, {}
    for table in tables:
        try:
            # A hash of every column makes DuckDB read every column of every row.
            rows[table] = con.table(table).aggregate("count(*), bit_xor(hash(COLUMNS(*)))").fetchall()[0][0]
        except duckdb.Error as exc:
            unreadable.setdefault(store.damage(exc) or str(exc).splitlines()[0], []).append(table)
    for reason, names in unreadable.items():
        which = f"The table {names[0]} cannot" if len(names) == 1 else f"{len(names)} tables ({', '.join(names)}) cannot"
        step.problems.append(f"{which} be read: {reason}.")
    counts = [_count(rows[t], word) for t, word in (("metric_value", "figure"), ("import_batch", "import batch"),
                                                    ("neighbour", "neighbour link"), ("area", "area")) if t in rows]
    step.found = f"{len(rows)} of {len(tables)} tables read" + (f": {', '.join(counts)}" if counts else "")
    return not step.problems


def _count(n: int, word: str) -> str:
    plural = word + ("es" if word.endswith("ch") else "s")
    return f"{n:,} {word if n == 1 else plural}"


def _examples(rows, describe) -> str:
    shown = "; ".join(describe(r) for r in rows[:EXAMPLES])
    return f" (for example {shown})" if shown else ""


# Each figure's references: the column, what it names in words, and the query that finds figures
# naming something that is not on record (count, then examples).
_REFERENCES = (
    ("a measure", "the metric register",
     "SELECT v.metric_id, count(*) FROM metric_value v LEFT JOIN metric m ON m.id = v.metric_id "
     "WHERE m.id IS NULL GROUP BY ALL ORDER BY 2 DESC, 1"),
    ("an area", "the area list",
     "SELECT v.area_code, count(*) FROM metric_value v LEFT JOIN area a ON a.code = v.area_code "
     "WHERE a.code IS NULL GROUP BY ALL ORDER BY 2 DESC, 1"),
    ("a period", "the period list",
     "SELECT v.period_label, count(*) FROM metric_value v LEFT JOIN period p ON p.label = v.period_label "
     "WHERE p.label IS NULL GROUP BY ALL ORDER BY 2 DESC, 1"),
    ("a source release", "the source list",
     "SELECT v.source_id, count(*) FROM metric_value v LEFT JOIN source_release s ON s.id = v.source_id "
     "WHERE s.id IS NULL GROUP BY ALL ORDER BY 2 DESC, 1"),
    ("an import batch", "the import log",
     "SELECT v.batch_id, count(*) FROM metric_value v LEFT JOIN import_batch b ON b.id = v.batch_id "
     "WHERE b.id IS NULL GROUP BY ALL ORDER BY 2 DESC, 1"),
)


# Figures of committed batches: exactly one of them is current for each measure, area and period
# (an undone batch's figures stay as history and count for nothing).
_CURRENT_COUNTS = ("SELECT v.metric_id, v.area_code, v.period_label, count(*) FILTER (WHERE v.is_current) AS n "
                   "FROM metric_value v JOIN import_batch b ON b.id = v.batch_id AND b.status = 'committed' "
                   "GROUP BY v.metric_id, v.area_code, v.period_label")
_MORE_THAN_ONE_CURRENT = "SELECT * FROM (" + _CURRENT_COUNTS + ") WHERE n > 1 ORDER BY ALL"
_NONE_CURRENT = "SELECT * FROM (" + _CURRENT_COUNTS + ") WHERE n = 0 ORDER BY ALL"


def _check_figures(con, report: Report) -> None:
    current = Step("one current figure for each measure, area and period")
    report.steps.append(current)
    keys, with_one = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE n = 1) FROM (" + _CURRENT_COUNTS + ")").fetchone()
    for sql, words in ((_MORE_THAN_ONE_CURRENT, "more than one current figure"),
                       (_NONE_CURRENT, "figures but none of them current")):
        rows = con.execute(sql).fetchall()
        if rows:
            current.problems.append(
                f"{len(rows):,} measure, area and period combination(s) have {words}"
                + _examples(rows, lambda r: f"{r[0]} for {r[1]} in {r[2]}: {r[3]} current"))
    current.found = f"{with_one:,} of {keys:,} combinations have exactly one"

    references = Step("every figure's measure, area, period, source and batch is on record")
    report.steps.append(references)
    for what, where, sql in _REFERENCES:
        rows = con.execute(sql).fetchall()
        if rows:
            total = sum(r[1] for r in rows)
            references.problems.append(
                f"{total:,} figure(s) name {what} that is not in {where}"
                + _examples(rows, lambda r: f"{r[0]!r}, {r[1]:,} figure(s)"))
    references.found = "all on record" if not references.problems else ""


def _check_batches(con, report: Report) -> None:
    step = Step("figures and import batches agree")
    report.steps.append(step)
    # An undone batch keeps its figures as history, but none of them may count as current.
    rows = con.execute(
        "SELECT b.id, b.file_name, count(*) FROM metric_value v JOIN import_batch b ON b.id = v.batch_id "
        "WHERE b.status <> 'committed' AND v.is_current GROUP BY ALL ORDER BY 1").fetchall()
    if rows:
        step.problems.append(
            f"{sum(r[2] for r in rows):,} figure(s) of batches that were undone still count as current"
            + _examples(rows, lambda r: f"batch {r[0]} ({r[1]}), {r[2]:,}"))
    rows = con.execute(
        "SELECT n.batch_id, count(*) FROM neighbour n LEFT JOIN import_batch b ON b.id = n.batch_id "
        "WHERE b.id IS NULL GROUP BY ALL ORDER BY 1").fetchall()
    if rows:
        step.problems.append(
            f"{sum(r[1] for r in rows):,} neighbour link(s) belong to no import batch"
            + _examples(rows, lambda r: f"batch {r[0]}, {r[1]:,}"))
    rows = con.execute(
        "SELECT b.id, b.file_name, b.rows_added FROM import_batch b WHERE b.status = 'committed' "
        "AND b.rows_added > 0 AND b.format <> ? "
        "AND NOT EXISTS (SELECT 1 FROM metric_value v WHERE v.batch_id = b.id) ORDER BY 1", [TARGETS_FORMAT]
    ).fetchall()
    if rows:
        step.problems.append(
            f"{len(rows):,} committed batch(es) recorded figures that are no longer in the store"
            + _examples(rows, lambda r: f"batch {r[0]} ({r[1]}) added {r[2]:,}"))
    committed = con.execute("SELECT count(*) FROM import_batch WHERE status = 'committed'").fetchone()[0]
    step.found = f"{_count(committed, 'committed batch')}, each with its figures" if not step.problems else ""


def _check_seed(con, report: Report, seed_dir: Path) -> None:
    step = Step("the seed's figures are all in the store")
    report.steps.append(step)
    loaded = store.get_meta(con, "seed_sha256")
    if loaded is None:
        step.found = "no seed loaded: nothing to compare"
        return
    try:
        sha = seed.fingerprint(seed_dir)
        manifest = json.loads((seed_dir / "manifest.json").read_text(encoding="utf-8"))
    except (seed.SeedError, OSError, ValueError):
        step.found = "not compared: this checkout has no readable seed"
        return
    if loaded != sha:
        step.found = "not compared: the store's seed is not the one in this checkout's data/seed"
        return
    batch = con.execute("SELECT id FROM import_batch WHERE sha256 = ? AND format = 'seed' AND status = 'committed'",
                        [sha]).fetchone()
    if batch is None:
        step.found = "not compared: the seed was undone"
        return
    values = seed.read_table(seed_dir, "values").df()
    expected = manifest.get("rows", {}).get("values")
    if expected is not None and len(values) != expected:
        step.problems.append(f"The seed's values file holds {len(values):,} figures, not the {expected:,} its "
                             "manifest records: the seed files do not match.")
    store.register_frame(con, "seed_values", values)
    try:
        rows = con.execute(
            "SELECT s.metric_id, s.area_code, s.period_label FROM seed_values s WHERE NOT EXISTS ("
            "SELECT 1 FROM metric_value v WHERE v.metric_id = s.metric_id AND v.area_code = s.area_code "
            "AND v.period_label = s.period_label AND v.source_id = s.source_id "
            "AND v.value IS NOT DISTINCT FROM s.value AND v.status = s.status) ORDER BY ALL").fetchall()
    finally:
        con.unregister("seed_values")
    if rows:
        step.problems.append(f"{len(rows):,} of the seed's {len(values):,} figures are missing from the store"
                             + _examples(rows, lambda r: f"{r[0]} for {r[1]} in {r[2]}"))
    step.found = f"all {len(values):,} present (batch {batch[0]})" if not rows else ""
