"""The `scorecard` command line, for people and scripts. Every failure exits non-zero with a
message that names the file, row and column where there is one; the store is left as it was."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from . import config, ingest, queries, register, seed, store
from .areas import AreaIndex, AreaNotFound
from .importers import SourceFile
from .importers.base import ImportFailure
from .tables import SHOW_COLUMNS, metric_table


class CommandError(Exception):
    """A usage problem to report in one line, with exit status 2."""


def _open(args, read_only: bool = False):
    return store.connect(args.db, read_only=read_only)


def cmd_init(args) -> int:
    started = time.perf_counter()
    con = _open(args)
    message = seed.init(con, args.seed or config.SEED_DIR)
    print(f"{message} Store: {config.db_path(args.db)} ({time.perf_counter() - started:.1f} s)")
    return 0


def cmd_seed_build(args) -> int:
    manifest = seed.build(args.source, args.out or config.SEED_DIR, log=print if args.verbose else (lambda *_: None))
    rows = ", ".join(f"{k} {v:,}" for k, v in manifest["rows"].items())
    print(f"Seed written to {args.out or config.SEED_DIR}: {rows}.")
    return 0


def cmd_import(args) -> int:
    con = _open(args)
    failed = 0
    for path in args.paths:
        try:
            result = ingest.import_source(con, SourceFile.from_path(path), dry_run=args.dry_run,
                                          model_year=args.model_year)
        except ImportFailure as exc:
            failed += 1
            print(f"Not imported; nothing was written.\n{exc}", file=sys.stderr)
            continue
        print(result.summary())
    return 1 if failed else 0


def cmd_imports(args) -> int:
    con = _open(args)
    if args.issues is not None:
        issues = queries.batch_issues(con, args.issues)
        print(issues.to_string(index=False) if len(issues) else f"No issues recorded for batch {args.issues}.")
        return 0
    batches = queries.batches(con)
    if not len(batches):
        print("No imports yet. Run `scorecard init` to load the seed.")
        return 0
    batches["imported_at"] = pd.to_datetime(batches["imported_at"]).dt.strftime("%Y-%m-%d %H:%M")
    cols = ["batch", "file_name", "format", "imported_at", "imported_by", "rows_added", "rows_changed",
            "rows_unchanged", "rows_rejected", "status"]
    print(batches[cols].to_string(index=False))
    return 0


def cmd_undo(args) -> int:
    con = _open(args)
    try:
        print(ingest.undo(con, args.batch))
    except ingest.UndoError as exc:
        raise CommandError(str(exc)) from None
    return 0


def _metric(con, metric_id: str):
    metrics = register.metrics_from_store(con)
    if metric_id not in metrics:
        known = ", ".join(sorted(metrics))
        raise CommandError(f"unknown metric {metric_id!r}. Known metrics: {known}")
    return metrics[metric_id]


def cmd_show(args) -> int:
    con = _open(args)
    metric = _metric(con, args.metric)
    area_code = None
    if args.area:
        try:
            area_code = AreaIndex.from_store(con).resolve(args.area).code
        except AreaNotFound as exc:
            raise CommandError(str(exc)) from None
    table = metric_table(con, metric, area_code)[SHOW_COLUMNS]
    if not len(table):
        print(f"No figures for {metric.id}" + (f" in {args.area}" if args.area else "") + ".", file=sys.stderr)
    _print_frame(table, args.format, metric.decimals)
    return 0


def cmd_metrics(args) -> int:
    con = _open(args)
    rows = [{"id": m.id, "name": m.name, "unit": m.unit, "polarity": m.polarity, "theme": m.theme,
             "national": m.national, "origin": m.origin} for m in register.metrics_from_store(con).values()]
    _print_frame(pd.DataFrame(rows), args.format, 0)
    return 0


def cmd_areas(args) -> int:
    con = _open(args)
    index = AreaIndex.from_store(con)
    rows = [{"code": a.code, "la_number": a.la_number, "name": a.name, "level": a.level,
             "region": a.region_name, "current": a.is_current} for a in index.areas.values()]
    _print_frame(pd.DataFrame(rows).sort_values(["level", "name"]), args.format, 0)
    return 0


def _print_frame(df: pd.DataFrame, fmt: str, decimals: int) -> None:
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt == "json":
        print(json.dumps(json.loads(df.to_json(orient="records", date_format="iso")), indent=1))
    else:
        shown = df.copy()
        for col in ("value", "england", "region", "sn_mean"):
            if col in shown:
                shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{v:,.{decimals}f}")
        for col in ("numerator", "denominator"):
            if col in shown:
                shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
            print(shown.astype(object).where(shown.notna(), "").to_string(index=False))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scorecard", description="SEND Scorecard: the metric store and its tools.")
    parser.add_argument("--db", help="store file (default: $SCORECARD_DB or data/scorecard.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create or migrate the store and load the embedded seed")
    p.add_argument("--seed", help="seed folder (default: data/seed)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("seed", help="build the project's seed from the raw releases")
    seed_sub = p.add_subparsers(dest="seed_command", required=True)
    b = seed_sub.add_parser("build", help="import the raw releases and write data/seed/")
    b.add_argument("--from", dest="source", default=str(config.RAW_DATA_DIR), help="raw data folder (../shared/data)")
    b.add_argument("--out", help="where to write the seed (default: data/seed)")
    b.add_argument("--verbose", action="store_true", help="print each import's summary")
    b.set_defaults(func=cmd_seed_build)

    p = sub.add_parser("import", help="import published releases or local returns")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    p.add_argument("--model-year", type=int, help="statistical-neighbour model year, if it cannot be read from the file")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("imports", help="list import batches")
    p.add_argument("--issues", type=int, metavar="BATCH", help="list the warnings recorded for a batch")
    p.set_defaults(func=cmd_imports)

    p = sub.add_parser("undo", help="remove a batch's figures and restore what they replaced")
    p.add_argument("batch", type=int)
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("show", help="print a metric for one area or all, with comparators")
    p.add_argument("--metric", required=True, help="register id, e.g. ehcp_20wk_pct")
    p.add_argument("--area", help="ONS code, DfE LA number or name; all areas if left out")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_show)

    for name, func, text in (("metrics", cmd_metrics, "list the metric register"),
                             ("areas", cmd_areas, "list areas, past and present")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--format", choices=("table", "csv", "json"), default="table")
        p.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"scorecard: {exc}", file=sys.stderr)
        return 2
    except (store.StoreBusy, seed.SeedError, register.RegisterError) as exc:
        print(f"scorecard: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
