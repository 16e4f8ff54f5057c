"""The logic behind the board pages (Local returns, Targets and commentary, Data and sources):
frames for the editors and tables, example files, and turning form input into API calls.
No Streamlit here, so every rule is tested without a browser."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from .. import access, audit, board_metrics, commentary, ingest, local_returns, periods, priorities, rag, targets, words
from ..areas import Area, AreaIndex
from ..card import Card, CardRow
from ..formatting import fmt, is_missing
from ..importers import ImportContext, targets_csv
from ..importers.base import ImportPlan, Issue, SourceFile
from ..importers.targets_csv import FORMAT as TARGETS_FORMAT
from ..register import POLARITIES, THEME_TITLES, UNITS, Metric

PROBLEM_COLUMNS = ["file", "row", "column", "message"]
PREVIEW_COLUMNS = {"added": ["metric", "area", "period", "new"],
                   "changed": ["metric", "area", "period", "old", "new"],
                   "history": ["metric", "area", "period", "old", "new"],
                   "unchanged": ["metric", "area", "period", "new"]}
PREVIEW_HEADINGS = {"added": "New figures", "changed": "Revised figures (old and new side by side)",
                    "history": "Kept as history (an older release than the figure shown now)",
                    "unchanged": "Unchanged figures"}


# ---------------------------------------------------------------------------------------------
# Problems, whatever raised them


def problems_frame(issues: list[Issue]) -> pd.DataFrame:
    """Every problem as a row: file, row, column, message (row and column blank when not known)."""
    return pd.DataFrame(
        [{"file": i.file, "row": "" if i.row is None else str(i.row), "column": i.column or "",
          "message": i.message} for i in issues],
        columns=PROBLEM_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Local returns


def read_upload(con, name: str, data: bytes, actor: access.Actor) -> ImportPlan:
    """Read an uploaded return (long CSV or the filled Excel template) into a plan, writing
    nothing. Who may import what is checked first, before anything of the file is read: AccessRefused
    (not recorded; the page records it once). Raises ImportFailure listing every problem."""
    return ingest.read_source(con, SourceFile(name, data), actor=actor)


def refused_rows(con, plan: ImportPlan, actor: access.Actor) -> access.AccessRefused | None:
    """Why this person may not import the plan (row by row for a return with other areas' rows), or None.
    Said before the preview, and not recorded (the page runs again on every click); ingest.commit
    refuses it again, and records the refusal, whatever the page shows."""
    return ingest.plan_refusal(con, plan, actor)


def record_refusal(con, refusal: access.AccessRefused, subject: str) -> None:
    """Put a refusal the page has shown into the audit trail."""
    audit.refused(con, refusal, subject)


def record_file_refused(con, actor: access.Actor, file_name: str, failure) -> None:
    """Put a return the page has refused (it failed its checks: the problems it listed) into the audit trail."""
    audit.file_refused(con, actor, file_name, failure)


def may_undo(con, actor: access.Actor, batch_id: int) -> bool:
    """Whether the person may undo this batch (an admin any; an editor one all of whose areas are theirs)."""
    if actor.role == access.ADMIN:
        return True
    return actor.role == access.EDITOR and all(actor.may(access.UNDO, a) for a in ingest.batch_areas(con, batch_id)) \
        and bool(ingest.batch_areas(con, batch_id))


def editor_areas_words(actor: access.Actor, areas: AreaIndex) -> str:
    names = sorted(areas.get(c).name if c in areas.by_code else c for c in actor.areas)
    return (f"You may change figures, targets and commentary for {', '.join(names)}. A return with rows for any "
            "other area is refused, row by row, and nothing is written.")


def read_only_words(actor: access.Actor, what: str) -> str:
    if not actor.is_signed_in:
        return f"Sign in to {what}."
    if actor.role == access.VIEWER:
        return f"You are signed in as a viewer: you can see everything here, but not {what}."
    return f"You can see everything here, but not {what} for this area: you are an editor for other areas."


def preview_tables(preview: ingest.Preview, metrics: dict[str, Metric],
                   areas: AreaIndex | None = None) -> dict[str, pd.DataFrame]:
    """The preview split by kind of change, with metric and area names; empty kinds left out."""
    table = local_returns.changes_frame(preview)
    table = table.assign(metric=[metrics[m].name if m in metrics else m for m in table["metric"]])
    if areas is not None:
        table = table.assign(area=[areas.get(a).name if a in areas.by_code else a for a in table["area"]])
    out = {}
    for change, columns in PREVIEW_COLUMNS.items():
        part = table[table["change"] == change]
        if len(part):
            out[change] = part[columns].reset_index(drop=True)
    return out


def preview_words(preview: ingest.Preview) -> str:
    parts = [f"{preview.added} new", f"{preview.changed} revised", f"{preview.unchanged} unchanged"]
    if preview.history:
        parts.append(f"{preview.history} kept as history")
    return "This file would add " + ", ".join(parts) + " figures. Nothing has been written yet."


def commit_words(result: ingest.BatchResult) -> str:
    if result.already_batch is not None:
        return f"This file was already imported as batch {result.already_batch}; nothing changed."
    return (f"Imported as batch {result.batch_id}: {result.added} new, {result.changed} revised, "
            f"{result.unchanged} unchanged figures.")


def long_format_example(area: Area, metrics: list[Metric], terms: list[periods.Period]) -> bytes:
    """A CSV in the long format for one area: each way of giving a figure (a value; a numerator and
    denominator; a reason it is missing). Figures are marked illustrative: replace them and clear
    the status before importing real data."""
    if not metrics or not terms:
        raise ValueError("the example needs at least one metric and one term")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["area", "metric", "period", "value", "numerator", "denominator", "status", "note"])
    percentage = next((m for m in metrics if m.unit == "%"), None)
    others = [m for m in metrics if m is not percentage]
    first = True
    for term in terms:
        note = "Example row: replace the figure with your own and clear the status" if first else ""
        if percentage:
            writer.writerow([area.code, percentage.id, term.label, "", 60, 120, "illustrative", note])
            note = ""
        for m in others[:2]:
            writer.writerow([area.code, m.id, term.label, 12, "", "", "illustrative", note])
            note = ""
        first = False
    labels = {t.label for t in terms}
    earlier = min(terms, key=lambda t: t.sort_key)
    while earlier.label in labels:
        earlier = periods.previous_term(earlier)
    writer.writerow([area.code, (others or [percentage])[0].id, earlier.label, "", "", "", "suppressed",
                     "Fewer than 5 cases: the status says why there is no figure"])
    return out.getvalue().encode("utf-8")


def metric_id_from_name(name: str) -> str:
    """'Supported internships: employment outcomes' -> 'supported_internships_employment_outcomes'."""
    slug = re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")
    if slug and not slug[0].isalpha():
        slug = "m_" + slug
    return slug[:60].rstrip("_")


def board_metric_definition(name: str, unit: str, polarity: str, decimals: int, description: str = "",
                            theme: str = "demand", metric_id: str = "") -> dict:
    """A board metric's definition (the register's fields) from the page's form."""
    name = str(name or "").strip()
    return {"id": str(metric_id or "").strip() or metric_id_from_name(name), "name": name, "unit": unit,
            "polarity": polarity, "decimals": int(decimals), "description": str(description or "").strip(),
            "theme": theme, "national": False, "cadence": "Termly local return (board-defined)"}


def add_board_metric(con, actor: access.Actor, **form) -> Metric:
    """Store a board metric from the form. Raises register.RegisterError naming what is wrong."""
    return board_metrics.add_board_metric(con, board_metric_definition(**form), actor=actor)


def board_metrics_table(metrics: dict[str, Metric]) -> pd.DataFrame:
    """The board's own metrics (origin 'board') as the Local returns page lists them."""
    board = {k: m for k, m in metrics.items() if m.origin == board_metrics.ORIGIN}
    return register_table(board)[["id", "name", "unit", "better", "decimals", "theme", "description"]]


BOARD_METRIC_CHOICES = {"unit": UNITS, "polarity": POLARITIES, "theme": tuple(THEME_TITLES)}


# ---------------------------------------------------------------------------------------------
# Import batches


def batches_table(batches: pd.DataFrame) -> pd.DataFrame:
    """Import batches for people, newest first, with whether each can be undone here."""
    if not len(batches):
        return batches.assign(can_undo=pd.Series(dtype=bool))
    table = batches.sort_values("batch", ascending=False).reset_index(drop=True)
    # The seed is the whole published base: it is reloaded by `scorecard init`, not undone here.
    return table.assign(can_undo=table["status"].eq("committed") & table["format"].ne("seed"))


def import_targets(con, name: str, data: bytes, actor: access.Actor) -> str:
    """Import a targets CSV as one batch (undo removes it); raises ImportFailure naming every bad row."""
    result = ingest.import_source(con, SourceFile(name, data), actor=actor, expect=TARGETS_FORMAT)
    if result.already_batch is not None:
        return f"{name} was already imported as batch {result.already_batch}; nothing changed."
    return f"Imported {result.added} target(s) from {name} as batch {result.batch_id}. Undo removes them."


def batches_for(table: pd.DataFrame, actor: access.Actor) -> pd.DataFrame:
    """The batches table as this person may see it: without who imported and undid each batch in the
    public view (their names and emails are for the people signed in)."""
    hidden = ["sha256"] + ([] if actor.may(access.VIEW_INTERNAL) else ["imported_by", "undone_by"])
    return table.drop(columns=[c for c in hidden if c in table.columns])


def undoable(batches: pd.DataFrame) -> list[int]:
    table = batches_table(batches)
    return [int(b) for b in table.loc[table["can_undo"], "batch"]]


# ---------------------------------------------------------------------------------------------
# Targets


# How a target covers periods, as the Targets page offers it: every period, a range, or one period.
TARGET_KINDS = {
    "range": "From a term or year onwards (or between two)",
    "point": "One term or year only: a step on a trajectory",
    "every": "Every period: a standing target",
}
# The form's fields, in the words of its labels, for messages that name what is missing or wrong.
TARGET_FIELDS = {"metric": "the measure", "period": "the term or year", "from_period": "the first period",
                 "to_period": "the last period", "target": "the target", "tolerance": "the tolerance",
                 "baseline_period": "the baseline period"}
PERIOD_EXAMPLE = "write a term as Autumn 2026/27, a calendar year as 2024, an academic year as 2024/25"


class TargetFormError(ValueError):
    """A target the form cannot save, in a sentence naming each field that is missing or wrong."""


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value).strip() == ""


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def target_form_row(kind: str, metric_id: str | None, target, tolerance=None, period: str = "",
                    from_period: str = "", to_period: str = "", baseline_period: str = "") -> dict:
    """The form's fields as one target row (the targets CSV's columns). Raises TargetFormError naming
    every field left empty that the chosen kind of target needs."""
    if kind not in TARGET_KINDS:
        raise TargetFormError(f"Nothing was saved: choose how the target covers periods ({kind!r} is not one of "
                              "the choices).")
    missing = []
    if _blank(metric_id):
        missing.append(TARGET_FIELDS["metric"])
    if kind == "point" and _blank(period):
        missing.append(TARGET_FIELDS["period"])
    if kind == "range" and _blank(from_period):
        missing.append(TARGET_FIELDS["from_period"])
    if _blank(target):
        missing.append(TARGET_FIELDS["target"])
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise TargetFormError(f"Nothing was saved: {_and(missing)} {verb} missing.")
    text = lambda v: "" if _blank(v) else str(v).strip()  # noqa: E731
    return {"metric": metric_id, "period": text(period) if kind == "point" else "",
            "from_period": text(from_period) if kind == "range" else "",
            "to_period": text(to_period) if kind == "range" else "",
            "target": text(target), "tolerance": text(tolerance) or "0", "baseline_period": text(baseline_period),
            "_row": 1}


def set_target(con, area_code: str, row: dict, actor: access.Actor, metrics: dict[str, Metric]) -> str:
    """Check one target row from the form and save it (replacing any target for the same measure and
    periods). Returns what was saved, in words; raises TargetFormError naming each field that is wrong."""
    clean, problems = targets_csv.check_rows(ImportContext.from_store(con), [row], "the form", area_code=area_code)
    if problems:
        said = "; ".join(f"{TARGET_FIELDS.get(p.column, p.column or 'the form')}: {p.message}" for p in problems)
        hint = f" ({PERIOD_EXAMPLE})" if any(p.column in ("period", "from_period", "to_period", "baseline_period")
                                               for p in problems) else ""
        raise TargetFormError(f"Nothing was saved. {said[:1].upper() + said[1:]}{hint}.")
    ended: list[str] = []
    try:
        targets.save_targets(con, clean, actor=actor, ended=ended)
    except targets.TargetOverlap as exc:
        raise TargetFormError(str(exc)) from None
    saved = clean[0]
    metric = metrics[saved["metric_id"]]
    also = "".join(f" To keep one target for each period, {e}." for e in ended)
    return (f"Saved: a target of {fmt(saved['target'], metric)} for {metric.name}, "
            f"{target_periods_words(saved)}.{also}")


def target_periods_words(row) -> str:
    """Which periods a target covers, in words: 'from 2020 onwards', 'for Autumn 2026/27 only (a
    step on a trajectory)', 'from Autumn 2025/26 to Summer 2026/27', 'for every period'."""
    get = row.get if hasattr(row, "get") else lambda k: getattr(row, k, None)
    point, start, end = (None if _blank(get(k)) else get(k) for k in ("period_label", "from_period", "to_period"))
    if point:
        return f"for {point} only (a step on a trajectory)"
    if start and end:
        return f"from {start} to {end}"
    if start:
        return f"from {start} onwards"
    if end:
        return f"up to {end}"
    return "for every period"


TARGET_TABLE_COLUMNS = ["Measure", "Periods", "Target", "Tolerance", "Baseline", "Set by"]


def targets_table(frame: pd.DataFrame, metrics: dict[str, Metric]) -> pd.DataFrame:
    """The area's current targets (targets.targets_for) in words, one row each, with full measure names."""
    rows = []
    for r in frame.to_dict("records"):
        metric = metrics.get(r["metric_id"])
        name = metric.name if metric else r["metric_id"]
        tolerance = r.get("tolerance")
        rows.append({
            "Measure": name, "Periods": target_periods_words(r)[:1].upper() + target_periods_words(r)[1:],
            "Target": fmt(r["target"], metric) if metric else str(r["target"]),
            "Tolerance": "none" if _blank(tolerance) or float(tolerance) == 0 else (
                _tolerance_words(float(tolerance), metric)),
            "Baseline": "" if _blank(r.get("baseline_period")) else str(r["baseline_period"]),
            "Set by": "" if _blank(r.get("set_by")) else (
                f"{r['set_by']}, {r['set_at']:%d %B %Y}" if not _blank(r.get("set_at")) else str(r["set_by"])),
        })
    return pd.DataFrame(rows, columns=TARGET_TABLE_COLUMNS)


def _tolerance_words(tolerance: float, metric: Metric | None) -> str:
    if metric is None:
        return f"{tolerance:g}"
    text = f"{tolerance:,.{metric.decimals}f}"
    return f"{text} points" if metric.unit == "%" else text


def target_choices(frame: pd.DataFrame, metrics: dict[str, Metric]) -> dict[str, tuple]:
    """Each current target in words ('New EHC plans ...: 60.0% from 2020 onwards') -> the key that
    names it (metric, period, from, to), for the page's 'remove a target' choice."""
    out = {}
    for r in frame.to_dict("records"):
        metric = metrics.get(r["metric_id"])
        name = metric.name if metric else r["metric_id"]
        value = fmt(r["target"], metric) if metric else str(r["target"])
        key = tuple(None if _blank(r.get(k)) else r[k] for k in ("metric_id", "period_label", "from_period",
                                                                    "to_period"))
        out[f"{name}: {value} {target_periods_words(r)}"] = key
    return out


def remove_target(con, area_code: str, key: tuple, actor: access.Actor, described: str) -> str:
    """Remove one target (kept in the history, marked removed). Returns what was done, in words."""
    metric_id, period_label, from_period, to_period = key
    if not targets.retire(con, area_code, metric_id, period_label, from_period, to_period, actor=actor):
        return f"That target had already gone: {described}."
    return f"Removed the target {described}. It stays in the history of targets, marked removed."


def measure_guide(metric: Metric, row: CardRow | None) -> str:
    """What the chosen measure needs from its target, in words: which direction is better, its unit,
    and its latest figure and current rating."""
    better = {"higher": "Higher is better", "lower": "Lower is better"}.get(metric.polarity, "No better direction")
    unit = {"%": "a percentage: give the target as a percentage (60 for 60%) and the tolerance in percentage "
                 "points",
            "count": "a count: give the target and the tolerance as whole numbers"}.get(
        metric.unit, f"measured in {metric.unit}: give the target and the tolerance in the same units")
    text = f"{better}. This measure is {unit}."
    if row is not None and row.period is not None:
        text += f" Latest figure: {fmt(row.value, metric, row.status)} ({row.period.describe()}); {row.rating.label}."
    return text


def editor_rows(edited: pd.DataFrame) -> pd.DataFrame:
    """The edited table with every blank cell as None (the editor gives NaN or '' for blanks)."""
    out = edited.astype(object).where(edited.notna(), None)
    for col in out.columns:
        out[col] = pd.Series([None if isinstance(v, str) and not v.strip() else v for v in out[col]],
                             index=out.index, dtype=object)
    return out


def targets_example_csv(area: Area, metrics: list[Metric], terms: list[periods.Period]) -> bytes:
    """A targets CSV for one area: a standing target and a trajectory with a point per term."""
    rated = [m for m in metrics if m.polarity != "context"]
    if not rated or not terms:
        raise ValueError("the example needs a metric with a better direction and at least one term")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["area", "metric", "period", "from_period", "to_period", "target", "tolerance",
                     "baseline_period"])
    standing = rated[0]
    start = 50.0 if standing.unit == "%" else 10.0
    writer.writerow([area.code, standing.id, "", terms[0].label, "", _example_target(standing, 60.0), 2.5,
                     terms[0].label])
    trajectory = rated[1] if len(rated) > 1 else rated[0]
    step = 5.0 if trajectory.polarity == "higher" else -1.0
    for i, term in enumerate(terms):
        writer.writerow([area.code, trajectory.id, term.label, "", "", _example_target(trajectory, start + i * step),
                         2.5 if trajectory.unit == "%" else 1, ""])
    return out.getvalue().encode("utf-8")


def _example_target(metric: Metric, value: float) -> float:
    return value if metric.unit == "%" else max(0.0, round(value))


def rated_metric_ids(metrics: dict[str, Metric]) -> list[str]:
    """Metrics a target can rate: context (demand) measures have no better direction."""
    return [m.id for m in metrics.values() if m.polarity != "context"]


RULE_COLUMNS = ["measure", "better direction", "rule", "how it is rated"]


def rag_rules_table(metrics: dict[str, Metric]) -> pd.DataFrame:
    """Each metric's RAG rule in words (context metrics are never rated)."""
    rows = []
    for m in metrics.values():
        if m.polarity == "context":
            how = "Not rated: a context measure (demand), where neither higher nor lower is better."
        else:
            better = "Higher is better" if m.polarity == "higher" else "Lower is better"
            how = f"{better}. {rag.RULES[m.rag_rule]}"
        rows.append({"measure": m.name, "better direction": POLARITY_WORDS.get(m.polarity, m.polarity),
                     "rule": m.rag_rule, "how it is rated": how})
    return pd.DataFrame(rows, columns=RULE_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Commentary and exception notes


def row_for(card: Card, metric_id: str) -> CardRow | None:
    return next((r for r in card.rows if r.metric.id == metric_id), None)


def any_rated(card: Card) -> bool:
    """Whether any measure on the scorecard has a rating (a rating needs a target)."""
    return any(r.rating.rag for r in card.rows)


def is_red(row: CardRow | None) -> bool:
    """A red rating asks for an exception note with the commentary."""
    return row is not None and row.rating.rag == rag.RED


def rating_words(row: CardRow | None) -> str:
    if row is None:
        return "This measure is not on the scorecard for this area and term."
    value = fmt(row.value, row.metric, row.status) if row.period else "no figure yet"
    period = f" ({row.period.describe()})" if row.period else ""
    return f"{row.rating.label}: {value}{period}. {row.rating.reason}"


REDS_COLUMNS = ["measure", "figure", "period", "target", "why it is red"]


def reds_without_note(card: Card) -> pd.DataFrame:
    """The scorecard's red ratings that still need an exception note."""
    rows = [{"measure": r.metric.name, "figure": fmt(r.value, r.metric, r.status),
             "period": r.period.describe() if r.period else "",
             "target": fmt(r.target.target, r.metric) if r.target else "",
             "why it is red": r.rating.reason}
            for r in card.rows if r.needs_exception_note]
    return pd.DataFrame(rows, columns=REDS_COLUMNS)


def save_commentary(con, area_code: str, metric_id: str, term: periods.Period, text: str, actor: access.Actor,
                    internal: bool = False, cause: str = "", action: str = "", owner: str = "",
                    recovery_period: str = "") -> str:
    """Store commentary (and an exception note when its fields are given); returns what was saved.
    Raises commentary.CommentaryError, or periods.PeriodError for a recovery term not understood."""
    commentary.add(con, area_code, metric_id, term.label, text, actor=actor, internal=internal, cause=cause,
                   action=action, owner=owner, recovery_period=recovery_period)
    kind = "Exception note and commentary" if (cause or action or owner or recovery_period) and text.strip() else (
        "Exception note" if cause or action or owner or recovery_period else "Commentary")
    audience = " (internal only: left out of public packs)" if internal else ""
    return f"{kind} saved for {term.describe()}{audience}."


def recovery_term_options(term: periods.Period, count: int = 6) -> list[str]:
    """Terms an exception note may name for recovery: this term and the next few."""
    out, current = [], term if term.kind == "term" else periods.term_for_date(term.end)
    for _ in range(count):
        out.append(current.label)
        current = periods.next_term(current)
    return out


# ---------------------------------------------------------------------------------------------
# Priority areas


PRIORITY_COLUMNS = ["number", "title", "metrics"]


def priorities_editor_frame(plan: list[priorities.Priority]) -> pd.DataFrame:
    return pd.DataFrame([{"number": p.number, "title": p.title, "metrics": list(p.metric_ids)} for p in plan],
                        columns=PRIORITY_COLUMNS).astype({"number": "Int64"})


def priorities_from_editor(edited: pd.DataFrame) -> list[priorities.Priority]:
    """Priority areas from the editor. Raises PriorityError for a row without a number or title."""
    out = []
    for i, r in enumerate(editor_rows(edited).to_dict("records"), start=1):
        number, title, metric_ids = r.get("number"), r.get("title"), r.get("metrics")
        if number is None and title is None and not _listed(metric_ids):
            continue
        if number is None:
            raise priorities.PriorityError(f"row {i}: give the priority area a number")
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise priorities.PriorityError(f"row {i}: the number {number!r} is not a whole number") from None
        out.append(priorities.Priority(number, str(title or ""), _listed(metric_ids)))
    return sorted(out, key=lambda p: p.number)


def _listed(value) -> list[str]:
    if value is None or (not isinstance(value, (list, tuple)) and is_missing(value)):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in list(value)]


def save_priorities(con, area_code: str, edited: pd.DataFrame, known_metrics: set[str],
                    actor: access.Actor) -> int:
    plan = priorities_from_editor(edited)
    priorities.save(con, area_code, plan, known_metrics, actor=actor)
    return len(plan)


# ---------------------------------------------------------------------------------------------
# The metric register and the store's date


REGISTER_COLUMNS = ["id", "name", "description", "unit", "decimals", "better", "cadence", "theme", "source",
                    "national_equivalent", "rag_rule", "series_breaks"]
POLARITY_WORDS = {"higher": "higher", "lower": "lower", "context": "neither (context)"}


def register_table(metrics: dict[str, Metric]) -> pd.DataFrame:
    """The metric register as a table: definitions, unit, polarity, cadence and series breaks."""
    rows = [{"id": m.id, "name": m.name, "description": m.description, "unit": m.unit, "decimals": m.decimals,
             "better": POLARITY_WORDS.get(m.polarity, m.polarity), "cadence": m.cadence,
             "theme": THEME_TITLES.get(m.theme, m.theme),
             "source": "board's own metric" if m.origin == board_metrics.ORIGIN else (
                 "national and local" if m.national else "local returns"),
             "national_equivalent": m.national_equivalent or "", "rag_rule": m.rag_rule,
             "series_breaks": "; ".join(f"{label}: {note}" for label, note in m.breaks)}
            for m in metrics.values()]
    return pd.DataFrame(rows, columns=REGISTER_COLUMNS)


def glossary_table() -> pd.DataFrame:
    """Every word the dashboard explains (words.GLOSSARY), A to Z, for the Data and sources page."""
    return pd.DataFrame(sorted(words.GLOSSARY.items(), key=lambda item: item[0].lower()), columns=["Word", "Meaning"])


def as_at_words(batches: pd.DataFrame) -> str:
    """When the store last took in figures: the newest committed import."""
    committed = batches[batches["status"] == "committed"] if len(batches) else batches
    if not len(committed):
        return "The store holds no figures yet."
    return f"The store last took in figures on {committed['imported_at'].max():%d %B %Y at %H:%M}."
