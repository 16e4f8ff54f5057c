"""The `scorecard` command line, for people and scripts. Every failure exits non-zero with a
message that names the file, row and column where there is one; the store is left as it was.

Each command imports what it needs when it runs: `scorecard show` loads neither pandas nor the
report libraries, so a script can call it for an answer in a fraction of a second."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path

import duckdb

from . import config, errors, store
from .problems import ImportFailure, UserProblem
from .redaction import RedactingStream, remember_connection


class CommandError(Exception):
    """A usage problem to report in one line, with exit status 2."""


# Commands that only read the store open it read-only: they can run side by side, and never change it.
READ_ONLY_COMMANDS = {"show", "card", "inspections", "imports", "metrics", "areas", "template", "report", "backup", "audit"}


def _open(args, read_only: bool = False):
    """The store, read-only for the commands that only read it, and as it stood at --as-at where a
    command takes one. StoreBusy, StoreDamaged or StoreMissing (each a sentence that names the store)
    when it cannot be opened."""
    con = store.connect(args.db, read_only=read_only or args.command in READ_ONLY_COMMANDS)
    if not getattr(args, "as_at", None):
        return con
    from . import as_at

    try:
        moment = as_at.parse(args.as_at, con)
    except as_at.AsAtError as exc:
        raise CommandError(str(exc)) from None
    finally:
        con.close()
    return as_at.connect(args.db, moment)


def _actor():
    """The command line is an admin tool for whoever can reach the store: it acts as an admin, named in the
    audit trail by the operating-system account."""
    from . import access

    return access.command_line()


def cmd_init(args) -> int:
    from . import seed

    started = time.perf_counter()
    con = _open(args)
    message = seed.init(con, args.seed or config.SEED_DIR)
    print(f"{message} Store: {store.named(config.db_path(args.db), args.db)} ({time.perf_counter() - started:.1f} s)")
    return 0


def cmd_seed_build(args) -> int:
    from . import seed

    manifest = seed.build(args.source, args.out or config.SEED_DIR, log=print if args.verbose else (lambda *_: None))
    rows = ", ".join(f"{k} {v:,}" for k, v in manifest["rows"].items())
    print(f"Seed written to {args.out or errors.shown_path(config.SEED_DIR)}: {rows}.")
    return 0


def cmd_import(args) -> int:
    from . import ingest
    from .importers import SourceFile

    con = _open(args)
    failed = 0
    for path in args.paths:
        try:
            result = ingest.import_source(con, SourceFile.from_path(path), dry_run=args.dry_run,
                                          model_year=args.model_year, confirm=_confirmer(args.yes),
                                          partial=args.partial, actor=_actor())
        except ImportFailure as exc:
            failed += 1
            print(f"Not imported; nothing was written.\n{exc}", file=sys.stderr)
            continue
        if result is None:
            failed += 1
            continue
        print(result.summary())
    return 1 if failed else 0


def _confirmer(yes: bool):
    """A local return is shown before it is written, and written only when confirmed."""
    from . import local_returns

    def confirm(plan, diff) -> bool:
        print(local_returns.describe_preview(plan, diff))
        answer = yes
        if not answer and sys.stdin.isatty():
            try:
                answer = input("Commit these figures? [y/N] ").strip().lower() in ("y", "yes")
            except EOFError:
                answer = False
        if not answer:
            print("Nothing written: re-run with --yes to commit", file=sys.stderr)
        return answer

    return confirm


def cmd_template(args) -> int:
    from . import local_returns, periods, register, template
    from .areas import AreaIndex, AreaNotFound
    from .importers import local_rows

    con = _open(args)
    index = AreaIndex.from_store(con)
    try:
        area = index.resolve(args.area)
        terms = [periods.parse(t) for t in args.terms] if args.terms else local_returns.default_terms()
    except (AreaNotFound, periods.PeriodError) as exc:
        raise CommandError(str(exc)) from None
    if problem := local_rows.area_problem(index, area):
        raise CommandError(problem)
    metrics = [_metric(con, m) for m in args.metrics] if args.metrics else \
        local_returns.local_metrics(register.metrics_from_store(con))
    try:
        data = template.build_template(metrics, area, terms)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    Path(args.out).write_bytes(data)
    print(f"Wrote {args.out}: {len(metrics)} metrics by {len(terms)} terms "
          f"({terms[0].label} to {terms[-1].label}) for {area.name}. "
          f"Fill it in, then `scorecard import {args.out}`.")
    return 0


def cmd_sample_load(args) -> int:
    from . import local_returns

    con = _open(args)
    result = local_returns.load_sample(con, actor=_actor())
    print(result.summary())
    batch = result.batch_id if result.batch_id is not None else result.already_batch
    print(f"These figures are illustrative, not real data. Remove them with `scorecard undo {batch}`.")
    return 0


def cmd_metric_add(args) -> int:
    from . import board_metrics

    con = _open(args)
    added = board_metrics.load_board_register(con, args.path, actor=_actor())
    for m in added:
        print(f"Board metric {m.id} ({m.name}, {m.unit}) is ready to use in local returns.")
    return 0


def cmd_imports(args) -> int:
    import pandas as pd

    from . import queries

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
    """Undo a batch after saying what it removes and asking (unless --yes); without a terminal to ask
    and without --yes, nothing is undone."""
    from . import ingest

    con = _open(args)
    try:
        described = ingest.describe_batch(con, args.batch)
    except ingest.UndoError as exc:
        raise CommandError(str(exc)) from None
    if not args.yes:
        print(f"Undo {described}? It is removed from the scorecard and whatever it replaced comes back.")
        answer = False
        if sys.stdin.isatty():
            try:
                answer = input(f"Undo batch {args.batch}? [y/N] ").strip().lower() in ("y", "yes")
            except EOFError:
                answer = False
        if not answer:
            print(f"Nothing undone: re-run with --yes to undo batch {args.batch}", file=sys.stderr)
            return 1
    try:
        print(ingest.undo(con, args.batch, actor=_actor()))
    except ingest.UndoError as exc:
        raise CommandError(str(exc)) from None
    return 0


def _metric(con, metric_id: str):
    from . import register

    metrics = register.metrics_from_store(con)
    if metric_id not in metrics:
        known = ", ".join(sorted(metrics))
        raise CommandError(f"unknown metric {metric_id!r}. Known metrics: {known}")
    return metrics[metric_id]


def cmd_show(args) -> int:
    from . import show

    con = _open(args)
    metric = _metric(con, args.metric)
    codes = _area_codes(con, args.area)
    found = show.rows(con, metric, codes)
    if not found:
        print(f"No figures for {metric.id}" + (f" in {', '.join(args.area)}" if codes else "") + ".", file=sys.stderr)
    _print_rows(show.COLUMNS, found, args.format, metric.decimals)
    return 0


def _area_codes(con, texts: list[str] | None) -> list[str] | None:
    """The areas named (ONS codes, DfE numbers or names), or None for all ("all", or none named)."""
    if not texts or [t.lower() for t in texts] == ["all"]:
        return None
    return [_area_code(con, text) for text in texts]


def _print_rows(columns, rows: list[dict], fmt: str, decimals: int) -> None:
    """Rows as a table for people, CSV (text that a spreadsheet would run made inert) or JSON."""
    from .text_safety import neutralise_cell

    if fmt == "json":
        print(json.dumps([{c: _json_value(r[c]) for c in columns} for r in rows], indent=1))
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if r[c] is None else neutralise_cell(r[c]) for c in columns] for r in rows])
        return
    cells = [[_cell_words(c, r[c], decimals) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths)))
    for row in cells:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths)))


def _json_value(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value if isinstance(value, (int, float, str, bool)) else str(value)


def _cell_words(column: str, value, decimals: int) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if column in ("value", "england", "region", "sn_mean", "ci_lower", "ci_upper"):
        return f"{value:,.{decimals}f}"
    if column in ("numerator", "denominator"):
        return f"{value:,.0f}"
    return str(value)


def cmd_inspections(args) -> int:
    from . import inspections
    from .areas import AreaIndex

    con = _open(args)
    index = AreaIndex.from_store(con)
    codes = _area_codes(con, args.area)
    rows = inspections.history(con, codes, index)
    if not rows:
        named = ", ".join(index.get(c).name for c in codes) if codes else "any area"
        print(f"No area SEND inspection of {named} is recorded in the store.", file=sys.stderr)
    table = inspections.table(rows)
    if args.format == "table":
        table = table.drop(columns=["source"]).astype(object).where(table.notna(), "")
        table["action_plan_required"] = [r.plan_words for r in rows]
    _print_frame(table, "plain" if args.format == "table" else args.format, 0)
    return 0


def cmd_metrics(args) -> int:
    import pandas as pd

    from . import register

    con = _open(args)
    rows = [{"id": m.id, "name": m.name, "unit": m.unit, "polarity": m.polarity, "theme": m.theme,
             "national": m.national, "origin": m.origin} for m in register.metrics_from_store(con).values()]
    _print_frame(pd.DataFrame(rows), "plain" if args.format == "table" else args.format, 0)
    return 0


def cmd_areas(args) -> int:
    import pandas as pd

    from .areas import AreaIndex

    con = _open(args)
    index = AreaIndex.from_store(con)
    rows = [{"code": a.code, "la_number": a.la_number, "name": a.name, "level": a.level,
             "region": a.region_name, "current": a.is_current} for a in index.areas.values()]
    # "plain" for the table: no column here is a figure to format ("region" is a name, not a comparator).
    _print_frame(pd.DataFrame(rows).sort_values(["level", "name"]), "plain" if args.format == "table" else args.format, 0)
    return 0


def _area_code(con, text: str) -> str:
    from .areas import AreaIndex, AreaNotFound

    try:
        return AreaIndex.from_store(con).resolve(text).code
    except AreaNotFound as exc:
        raise CommandError(str(exc)) from None


def _term(text: str | None):
    from datetime import date

    from . import periods

    if not text:
        return periods.term_for_date(date.today())
    try:
        return periods.parse(text)
    except periods.PeriodError as exc:
        raise CommandError(str(exc)) from None


def cmd_card(args) -> int:
    import pandas as pd

    from . import suppression

    con = _open(args)
    codes, term = _area_codes(con, args.area) or _every_la(con), _term(args.term)
    baseline = _term(args.baseline) if args.baseline else None
    threshold = None
    if args.public:
        try:
            threshold = suppression.check_threshold(args.threshold)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    frames = []
    for code in codes:
        shown = _print_card(con, code, term, baseline, threshold, args.format)
        if shown is not None:
            frames.append(shown.assign(area_code=code)[["area_code", *shown.columns]] if len(codes) > 1 else shown)
    if frames:
        _print_frame(pd.concat(frames, ignore_index=True), args.format, 1)
    if args.public:
        print(f"\n{suppression.note(threshold)}", file=sys.stderr if args.format != "table" else sys.stdout)
    return 0


def _every_la(con) -> list[str]:
    """`--area all` on the scorecard: every current local authority."""
    from .areas import AreaIndex

    return sorted(a.code for a in AreaIndex.from_store(con).current_las())


def _print_card(con, area_code: str, term, baseline, threshold: int | None, fmt: str):
    """Print one area's scorecard as a table, or return its frame for CSV or JSON."""
    import pandas as pd

    from . import card, suppression, words

    if threshold is not None:
        built, hidden = suppression.public_card(con, area_code, term, threshold, baseline=baseline)
    else:
        built, hidden = card.build(con, area_code, term, baseline=baseline), {}
    frame = built.frame()
    columns = card.CARD_COLUMNS + (card.BASELINE_COLUMNS if baseline is not None else [])
    if fmt == "table":
        print(f"{built.area_name}: scorecard for {built.term.describe()}\n")
        for line in words.summary(built):
            print(line)
        print()
        shown = frame[card.CARD_COLUMNS].drop(columns=["commentary", "rag_reason", "flags", "behind",
                                                        "rank_uncertain"]).astype(object)
        for col in ("value", "previous", "change", "target", "england", "region", "sn_mean", "ci_lower", "ci_upper"):
            shown[col] = [("" if pd.isna(v) else f"{v:,.{d}f}") for v, d in zip(frame[col], frame["decimals"])]
        _mark_suppressed(shown, hidden)
        for col in ("rank", "rank_of", "sn_count"):
            shown[col] = ["" if pd.isna(v) else f"{int(v)}" for v in frame[col]]
        _mark_suppressed(shown, {m: h & {"rank", "rank_of"} for m, h in hidden.items()})
        _print_frame(shown, "plain", 1)
        if baseline is not None:
            print(f"\nSince the baseline, {baseline.describe()}:")
            for row in built.rows:
                h = hidden.get(row.metric.id, set())
                print(f"  {row.metric.label}: {words.baseline(row, h)} -> {words.figure(row, h)}; "
                      f"{words.change_since_baseline(row, h)}; {words.progress(row, h)}")
        flagged = frame[frame["flags"] != ""]
        if len(flagged):
            print("\nFlags:")
            for r in flagged.itertuples():
                print(f"  {r.metric}: {r.flags}")
        print()
        return None
    shown = frame[columns].astype(object)
    if baseline is not None:
        shown["change_since_baseline_words"] = [words.change_since_baseline(r, hidden.get(r.metric.id, set()))
                                                for r in built.rows]
    _mark_suppressed(shown, hidden)
    return shown


def _mark_suppressed(frame, hidden: dict[str, set[str]]) -> None:
    """Show each figure suppressed in the public version as "c", never as a blank or 0."""
    from . import suppression

    for i, metric_id in enumerate(frame["metric"]):
        for field in hidden.get(metric_id, ()):
            if field in frame.columns:
                frame.iat[i, frame.columns.get_loc(field)] = suppression.MARK


def cmd_targets_import(args) -> int:
    from . import ingest
    from .importers import SourceFile
    from .importers import targets_csv as targets

    con = _open(args)
    try:
        result = ingest.import_source(con, SourceFile.from_path(args.path), expect=targets.FORMAT, actor=_actor())
    except ImportFailure as exc:
        print(f"Not imported; nothing was written.\n{exc}", file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def cmd_report(args) -> int:
    from . import reports

    started = time.perf_counter()
    con = _open(args, read_only=True)
    codes = _area_codes(con, args.area) or _every_la(con)
    term = _term(args.term)
    baseline = _term(args.baseline) if args.baseline else None
    if len(codes) > 1:
        con.close()
        return _report_many(args, codes, term, baseline, started)
    area_code = codes[0]
    try:
        data, name, _ = reports.pack_bytes(con, area_code, term, args.format, public=args.public,
                                           baseline=baseline, threshold=args.threshold, detail=args.detail)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    out = Path(args.out or name)
    out.write_bytes(data)
    print(f"Wrote {out} ({len(data) / 1024:,.0f} KB, {time.perf_counter() - started:.1f} s)"
          + (f": public version, figures below {args.threshold} suppressed." if args.public else "."))
    return 0


def _report_many(args, codes: list[str], term, baseline, started: float) -> int:
    """Every area's pack, written in parallel into --out DIR, one process per core."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if not args.out:
        raise CommandError("give --out DIR: the folder to write every area's pack into")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(args.jobs or os.cpu_count() or 1, len(codes)))
    shares = [codes[i::jobs] for i in range(jobs)]
    task = (args.db, getattr(args, "as_at", None), term.label, baseline.label if baseline else None, args.format,
            args.public, args.threshold, str(out_dir), args.detail)
    written, failed = 0, []
    # spawn: each worker opens the store itself, never a connection copied from this process
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        for done, problems in pool.map(_write_packs, [(*task, share) for share in shares]):
            written += done
            failed += problems
    for problem in failed:
        errors.print_err(f"scorecard: {problem}")
    print(f"Wrote {written} packs to {out_dir} in {time.perf_counter() - started:.0f} s ({jobs} at a time)"
          + (f"; {len(failed)} could not be made." if failed else "."))
    return 1 if failed else 0


def _write_packs(task) -> tuple[int, list[str]]:
    """In a worker process: write the packs for a share of the areas; problems are sentences."""
    from types import SimpleNamespace

    from . import reports

    db, as_at_text, term, baseline, fmt, public, threshold, out_dir, detail, codes = task
    from .register import metrics_from_store
    from .tables import MetricTables

    con = _open(SimpleNamespace(db=db, as_at=as_at_text, command="report"), read_only=True)
    table_for = MetricTables(con, metrics_from_store(con))  # each measure's table, once for all this worker's packs

    done, problems = 0, []
    for code in codes:
        try:
            data, name, _ = reports.pack_bytes(con, code, term, fmt, public=public, baseline=baseline,
                                               threshold=threshold, table_for=table_for, detail=detail)
            (Path(out_dir) / name).write_bytes(data)
            done += 1
        except (UserProblem, ValueError) as exc:
            problems.append(f"{code}: {exc}")
        except Exception as exc:  # one area's failure must not stop the other 152
            reference, _ = errors.record(exc, f"scorecard report {code}")
            problems.append(f"{code}: something went wrong (reference {reference})")
    con.close()
    return done, problems


def cmd_backup(args) -> int:
    from . import backup

    con = _open(args, read_only=True)
    staging = Path(args.file).with_name(Path(args.file).name + ".partial")  # where backup.write builds it
    try:
        manifest = backup.write(con, args.file)
    except BaseException:  # a backup stopped part way (a full disk, Ctrl-C) leaves nothing behind
        staging.unlink(missing_ok=True)
        raise
    rows = manifest["rows"]
    print(f"Backed up the store to {args.file}: {rows['metric_value']:,} figures, {rows['import_batch']:,} import "
          f"batches, {rows['target']:,} targets, {rows['commentary']:,} comments "
          f"({manifest['store_moment'] or 'no changes yet'}).")
    if manifest["signed_with"]:
        print(f"Signed with this deployment's backup signing key (key id {manifest['signed_with']}).")
    else:
        # A backup is never skipped for want of a key (a missed nightly backup is worse than an unsigned
        # one); it is said plainly, on stderr so a cron job's mail carries it.
        errors.print_err(f"scorecard: WARNING: {args.file} is NOT SIGNED: no backup signing key is configured "
                         "(SCORECARD_BACKUP_KEY, or signing_key in the [backup] section of the secrets file). "
                         "Anyone who can change the file can change what it restores, and restoring it will need "
                         "--allow-unsigned.")
    return 0


def cmd_restore(args) -> int:
    from . import backup

    con = _open(args)
    try:
        manifest = backup.restore(con, args.file, replace=args.replace, actor=_actor(),
                                  allow_unsigned=args.allow_unsigned)
    except backup.BackupError as exc:
        raise CommandError(f"{exc}") from None
    verdict = manifest["signature"]
    print(f"Restored the store from {args.file} (made {manifest['made_at']}): "
          f"{manifest['rows']['metric_value']:,} figures. "
          + (f"Its signature was verified (key id {verdict.key_id})." if verdict.verified
             else f"It was NOT verified ({verdict.words}); restored because --allow-unsigned was given, and the "
                  "audit trail records that.")
          + " The audit trail was kept, with the backup's rows added where missing.")
    return 0


def cmd_audit(args) -> int:
    from datetime import date

    from . import audit

    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        raise CommandError(f"--since {args.since!r} is not a date: write it as YYYY-MM-DD, such as 2026-01-31") from None
    con = _open(args)
    events = audit.events(con, since=since, user=args.user)
    if not len(events):
        print("No changes recorded" + (" for those filters." if since or args.user else " yet."))
        return 0
    table = audit.people_table(events)
    if args.format == "table":
        _print_frame(table, "plain", 0)
    else:
        _print_frame(table, args.format, 0)
    return 0


def cmd_check(args) -> int:
    from . import integrity

    target = config.db_path(args.db)
    report = integrity.check(target, store.named(target, args.db))
    print(f"Checking the store {report.store}:")
    for step in report.steps:
        mark = "PROBLEM" if step.problems else "skipped" if step.skipped else "ok"
        print(f"  {mark:8} {step.checked}" + (f": {step.found}" if step.found else ""))
        for problem in step.problems:
            print(f"{'':11}{problem}")
    if report.healthy:
        print("The store is whole and its figures hang together.")
        return 0
    count = len(report.problems)
    print(f"The store {report.store} has {count} problem{'s' if count > 1 else ''}. Restore it from a backup, "
          "or build a new one with `scorecard --db NEW_FILE init` and import the later files again.", file=sys.stderr)
    return 1


def _print_frame(df, fmt: str, decimals: int) -> None:
    import pandas as pd

    from .text_safety import neutralise_frame, visible_controls

    if fmt in ("plain", "table"):  # a terminal acts on ESC: show every control character as a symbol
        df = df.copy()
        for col in df.columns:
            if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
                df[col] = df[col].map(visible_controls)
    if fmt == "csv":
        neutralise_frame(df).to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt == "json":
        print(json.dumps(json.loads(df.to_json(orient="records", date_format="iso")), indent=1))
    elif fmt == "plain":
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
            print(df.astype(object).where(df.notna(), "").to_string(index=False))
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
    p.add_argument("--yes", action="store_true", help="commit a local return without asking")
    p.add_argument("--partial", action="store_true",
                   help="import a release even if a column the register maps is missing; lists what was not read")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("template", help="write an Excel local-return template for one area")
    p.add_argument("--area", required=True, help="ONS code, DfE LA number or name")
    p.add_argument("--terms", nargs="+", metavar="TERM",
                   help="e.g. 'Spring 2025/26' 'Summer 2025/26' (default: the latest three terms)")
    p.add_argument("--metrics", nargs="+", metavar="ID", help="metric ids (default: the local-only metrics)")
    p.add_argument("--out", required=True, help="the .xlsx file to write")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("sample", help="illustrative sample data")
    sample_sub = p.add_subparsers(dest="sample_command", required=True)
    s = sample_sub.add_parser("load", help="load an illustrative Plymouth local return (undo removes it)")
    s.set_defaults(func=cmd_sample_load)

    p = sub.add_parser("metric", help="a board's own metrics")
    metric_sub = p.add_subparsers(dest="metric_command", required=True)
    m = metric_sub.add_parser("add", help="add board metrics from a TOML file of [[metric]] entries")
    m.add_argument("path", metavar="FILE.toml")
    m.set_defaults(func=cmd_metric_add)

    p = sub.add_parser("imports", help="list import batches")
    p.add_argument("--issues", type=int, metavar="BATCH", help="list the warnings recorded for a batch")
    p.set_defaults(func=cmd_imports)

    p = sub.add_parser("undo", help="remove a batch's figures and restore what they replaced (asks first)")
    p.add_argument("batch", type=int)
    p.add_argument("--yes", action="store_true", help="undo without asking")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("show", help="print a metric for one area or all, with comparators")
    p.add_argument("--metric", required=True, help="register id, e.g. ehcp_20wk_pct")
    p.add_argument("--area", nargs="+", action="extend", metavar="AREA",
                   help="ONS codes, DfE LA numbers or names, or all; every area if left out (repeatable)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("inspections", help="list area SEND inspections and revisits (Ofsted and CQC), oldest first")
    p.add_argument("--area", nargs="+", action="extend", metavar="AREA",
                   help="ONS codes, DfE LA numbers or names, or all; every area if left out (repeatable)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_inspections)

    p = sub.add_parser("card", help="print an area's scorecard for a term (what the home page shows)")
    p.add_argument("--area", required=True, nargs="+", action="extend", metavar="AREA",
                   help="ONS codes, DfE LA numbers or names, or all (every local authority); repeatable")
    p.add_argument("--term", help="e.g. 'Autumn 2026/27' (default: the current term)")
    p.add_argument("--baseline", help="a baseline term or year, for change since the baseline")
    p.add_argument("--public", action="store_true",
                   help="the public version: small numbers suppressed (shown as c), no internal commentary")
    p.add_argument("--as-at", metavar="DATE_OR_BATCH",
                   help="the scorecard as it stood then: a date (2026-03-31), a date and time, or a batch number")
    p.add_argument("--threshold", type=int, default=5, metavar="N",
                   help="with --public, suppress counts below N and rates built on them (default 5)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_card)

    p = sub.add_parser("targets", help="local targets and trajectories")
    targets_sub = p.add_subparsers(dest="targets_command", required=True)
    t = targets_sub.add_parser("import", help="import targets: area, metric, period | from_period, to_period, "
                                             "target, tolerance[, baseline_period]")
    t.add_argument("path")
    t.set_defaults(func=cmd_targets_import)

    p = sub.add_parser("report", help="write a committee or stocktake pack: PDF, PowerPoint, Word or Excel")
    p.add_argument("--area", required=True, nargs="+", action="extend", metavar="AREA",
                   help="ONS codes, DfE LA numbers or names, or all; several areas need --out DIR (repeatable)")
    p.add_argument("--jobs", type=int, metavar="N", help="with several areas, packs made at once (default: one per core)")
    p.add_argument("--term", help="e.g. 'Autumn 2026/27' (default: the current term)")
    p.add_argument("--format", choices=("pdf", "pptx", "docx", "xlsx"), default="pdf")
    p.add_argument("--public", action="store_true",
                   help="the version published with committee papers: small numbers suppressed, no internal commentary")
    p.add_argument("--threshold", type=int, default=5, metavar="N",
                   help="with --public, suppress counts below N and rates built on them (default 5)")
    p.add_argument("--baseline", help="a baseline term or year: makes a stocktake pack (change since the baseline)")
    p.add_argument("--detail", action="store_true",
                   help="PowerPoint: add each measure's chart slide, as an appendix (the PDF and Word packs always "
                        "have each measure in detail)")
    p.add_argument("--as-at", metavar="DATE_OR_BATCH",
                   help="the pack as the store stood then: a date (2026-03-31), a date and time, or a batch number")
    p.add_argument("--out", help="the file to write (default: a name made from the area, term and format)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("backup", help="write a consistent copy of the whole store to a file (safe while the "
                                      "dashboard runs)")
    p.add_argument("file", metavar="FILE.zip")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="rebuild an empty store from a backup")
    p.add_argument("file", metavar="FILE.zip")
    p.add_argument("--replace", action="store_true", help="replace everything in a store that already holds figures "
                                                          "(the audit trail is kept, never replaced)")
    p.add_argument("--allow-unsigned", action="store_true",
                   help="restore a backup that is unsigned or signed with another key (recorded in the audit trail); "
                        "a backup whose signature does not verify is refused whatever")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("audit", help="print the audit trail: who changed what, when, old and new values, and the "
                                     "changes refused")
    p.add_argument("--since", metavar="DATE", help="changes on or after this date (YYYY-MM-DD)")
    p.add_argument("--user", metavar="EMAIL", help="changes by this person (an email, or an account name)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("check", help="check the store is whole (not cut short or corrupt) and its figures hang together")
    p.set_defaults(func=cmd_check)

    for name, func, text in (("metrics", cmd_metrics, "list the metric register"),
                             ("areas", cmd_areas, "list areas, past and present")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--format", choices=("table", "csv", "json"), default="table")
        p.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every failure is a sentence on stderr and a non-zero exit, never a traceback:
    an unexpected one is written to the server log (errors.log_path()) under a reference."""
    parser = build_parser()
    args = parser.parse_args(argv)
    typed = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
    errors.warnings_to_log()
    errors.redact_every_log_record()
    # Whatever a command prints, a secret (a PostgreSQL password in --db or $SCORECARD_DB) is never shown.
    remember_connection(args.db)
    shown_out, shown_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _VisibleControls(RedactingStream(shown_out)), _VisibleControls(RedactingStream(shown_err))
    try:
        return _run(args, typed)
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        sys.stdout, sys.stderr = shown_out, shown_err


class _VisibleControls:
    """A text stream that shows every control character but tab and line breaks as a symbol
    (text_safety.visible_controls): text from files and forms (a file name, a cell, commentary) reaches
    a terminal, which would act on an ESC sequence."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        from .text_safety import visible_controls

        return self._stream.write(visible_controls(text))

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _run(args, typed: list[str]) -> int:
    try:
        return args.func(args)
    except CommandError as exc:
        errors.print_err(f"scorecard: {exc}")
        return 2
    except ImportFailure as exc:
        errors.print_err(f"Not imported; nothing was written.\n{_without_server_paths(str(exc), typed)}")
        return 1
    except UserProblem as exc:
        errors.print_err(f"scorecard: {_without_server_paths(str(exc), typed)}")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except duckdb.Error as exc:
        # A full disk, a damaged file, a lake missing its data files: the cause and what to do.
        if problem := store.explained(exc, config.db_path(args.db), args.db):
            reference, _ = errors.record(exc, f"scorecard {args.command}")
            errors.print_err(f"scorecard: {_without_server_paths(str(problem), typed)} (Reference {reference}.)")
            return 1
        return _unexpected(exc, args)
    except OSError as exc:
        if store.is_disk_full(exc):
            where = errors.shown_path(exc.filename, typed) if exc.filename else "the file"
            errors.print_err(f"scorecard: the disk that holds {where} is full, so it was not written. Free some "
                             "space on it (old backups and packs are the usual culprits) and try again.")
            return 1
        if exc.filename:
            errors.print_err(f"scorecard: {errors.shown_path(exc.filename, typed)}: "
                             f"{exc.strerror or type(exc).__name__}.")
            return 1
        return _unexpected(exc, args)
    except Exception as exc:  # the last line of defence: log it, say a sentence
        return _unexpected(exc, args)


def _unexpected(exc: BaseException, args) -> int:
    reference, written = errors.record(exc, f"scorecard {args.command}")
    errors.print_err(errors.cli_sentence(reference, written))
    return 1


def _without_server_paths(message: str, typed: list[str]) -> str:
    """The checkout's folders named relative to it (data/seed, ../shared/data), not by their place on
    the server, unless the person typed that place."""
    places = {str(config.RAW_DATA_DIR): os.path.relpath(config.RAW_DATA_DIR, config.PROJECT_ROOT),
              str(config.PROJECT_ROOT) + os.sep: ""}
    for place, shown in places.items():
        if not any(place.rstrip(os.sep) in t for t in typed):
            message = message.replace(place, shown)
    return message


def _silence_stdout() -> None:
    """After a closed pipe (`scorecard areas | head`), send what is left of stdout nowhere, so Python does not
    complain about it on exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
