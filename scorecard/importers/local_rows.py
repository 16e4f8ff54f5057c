"""The rows of a local return, whatever file they came in (the long CSV or the Excel template),
checked in full before anything is written.

A return names each value's area, metric and period, then gives the value, or a numerator and
denominator, with an optional status and note. Every row is checked and every problem reported,
naming its row and column; a file with any problem writes nothing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from .. import periods, published
from ..areas import ENGLAND, Area, AreaIndex, AreaNotFound
from ..register import Metric
from ..validation import parts_problem, value_problem
from .base import ImportContext, ImportFailure, ImportPlan, Issue, SourceFile

PUBLICATION = "local-return"
FIELDS = ("area", "metric", "period", "time_period", "time_identifier",
          "value", "numerator", "denominator", "status", "note")
NOTE_LIMIT = 2000
# Statuses a local return may give, by the words people write for them.
VALUE_STATUSES = (published.LOCAL, published.ILLUSTRATIVE)
MISSING_STATUSES = published.MISSING_STATUSES
_FORMULA_START = ("=", "+", "-", "@")
# What people write in a note column to say there is no note: not a formula.
NO_NOTE = ("-", "–", "—", "n/a", "n / a")
_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?|[-+]?\.(\d+)")


@dataclass
class LongRows:
    """Rows to check: each record holds the raw text of FIELDS and its row number ("_row").
    `columns` names each field's column as the file shows it; a record may carry "_cells",
    field -> (row, column), where a field sits elsewhere (the Excel template's area and terms)."""

    file_name: str
    records: list[dict]
    columns: dict[str, str]

    def where(self, rec: dict, name: str) -> tuple[int, str]:
        cells = rec.get("_cells")
        if cells and name in cells:
            return cells[name]
        return rec["_row"], self.columns.get(name, name)



# ---------------------------------------------------------------------------------------------
# Checking rows and building the plan


def build_plan(rows: LongRows, ctx: ImportContext, source: SourceFile, fmt: str,
               illustrative: bool = False) -> ImportPlan:
    """Check every row; return the plan, or raise ImportFailure with all the problems found."""
    resolve = _Resolver(ctx)
    issues: list[Issue] = []
    records: list[dict] = []
    used: dict[str, periods.Period] = {}
    first_row: dict[tuple, tuple[int, str]] = {}

    def problem(rec: dict, name: str, message: str) -> None:
        row, column = rows.where(rec, name)
        issues.append(Issue(rows.file_name, message, row=row, column=column))

    for rec in rows.records:
        before = len(issues)
        area, message = resolve.area(rec.get("area", ""))
        if message:
            problem(rec, "area", message)
        metric, message = resolve.metric(rec.get("metric", ""))
        if message:
            problem(rec, "metric", message)
        period_field = "period" if str(rec.get("period", "")).strip() or "time_period" not in rec else "time_period"
        period, message = resolve.period(rec, period_field)
        if message:
            problem(rec, period_field, message)
        note = note_text(rec.get("note"))
        message = note_problem(note)
        if message:
            problem(rec, "note", message)
        figure, figure_problems = _figure(metric, rec, illustrative) if metric else (None, [])
        for name, message in figure_problems:
            problem(rec, name, message)
        if len(issues) > before:
            continue
        key = (area.code, metric.id, period.label)
        if key in first_row:
            row, column = first_row[key]
            at = f"row {row}" + (f" ({column})" if "_cells" in rec else "")
            problem(rec, "metric", f"duplicate: {metric.id} for {area.name}, {period.label} is also on {at}; "
                                   "give each figure once")
            continue
        first_row[key] = rows.where(rec, "value")
        used[period.label] = period
        row, column = rows.where(rec, figure.pop("from"))
        records.append({**figure, "metric_id": metric.id, "area_code": area.code,
                        "period_label": period.label, "note": note or None,
                        "source_file": rows.file_name, "source_row": row, "source_column": column,
                        "published_area": str(rec.get("area", "")).strip()})
    if issues:
        raise ImportFailure(_unique(issues))
    return _plan(source, fmt, records, used)


def _plan(source: SourceFile, fmt: str, records: list[dict], used: dict[str, periods.Period]) -> ImportPlan:
    plan = ImportPlan(source.name, source.sha256, fmt)
    latest = max(used.values(), key=lambda p: p.sort_key)
    release = {"id": f"{PUBLICATION}-{source.sha256[:10]}", "publication_id": PUBLICATION,
               "covers_to": [latest.label], "title": f"Local return {source.name}", "new": True}
    plan.periods = dict(used)
    return plan.set_values(records, release)


def _unique(issues: list[Issue]) -> list[Issue]:
    """Problems with a cell shared by many rows (the template's area or a term heading) once each."""
    seen, out = set(), []
    for i in issues:
        key = (i.row, i.column, i.message)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


class _Resolver:
    """Area, metric and period lookups, each distinct text resolved once."""

    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.today = date.today()
        self._areas: dict[str, tuple] = {}
        self._metrics: dict[str, tuple] = {}
        self._periods: dict[tuple, tuple] = {}

    def area(self, text) -> tuple[Area | None, str | None]:
        text = str(text or "").strip()
        if text not in self._areas:
            self._areas[text] = self._area(text)
        return self._areas[text]

    def _area(self, text: str) -> tuple[Area | None, str | None]:
        try:
            area = self.ctx.areas.resolve(text)
        except AreaNotFound as exc:
            return None, str(exc)
        message = area_problem(self.ctx.areas, area)
        return (None, message) if message else (area, None)

    def metric(self, text) -> tuple[Metric | None, str | None]:
        text = str(text or "").strip()
        if text not in self._metrics:
            self._metrics[text] = self._metric(text)
        return self._metrics[text]

    def _metric(self, text: str) -> tuple[Metric | None, str | None]:
        if not text:
            return None, "the metric is empty; give a register id such as ehcp_20wk_term_pct"
        metric = self.ctx.metrics.get(text.lower())
        if metric:
            return metric, None
        close = difflib.get_close_matches(text.lower(), list(self.ctx.metrics), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        return None, (f"unknown metric {text!r}: use an id from the metric register (`scorecard metrics`).{hint} "
                      "A board's own metric can be added with `scorecard metric add FILE.toml`.")

    def period(self, rec: dict, name: str) -> tuple[periods.Period | None, str | None]:
        key = (str(rec.get("period", "")).strip(),) if name == "period" else (
            str(rec.get("time_period", "")).strip(), str(rec.get("time_identifier", "")).strip())
        if key not in self._periods:
            self._periods[key] = self._period(key)
        return self._periods[key]

    def _period(self, key: tuple) -> tuple[periods.Period | None, str | None]:
        try:
            period = periods.parse(key[0]) if len(key) == 1 else periods.from_ees(*key)
        except periods.PeriodError as exc:
            return None, str(exc)
        if period.start > self.today:
            return None, f"{period.describe()} has not started yet (today is {self.today:%d %B %Y})"
        return period, None


def area_problem(index: AreaIndex, area: Area) -> str | None:
    """Why a local return cannot be for this area: only current LAs, regions and England can."""
    if area.code == ENGLAND or area.level == "region" or (area.level == "la" and area.is_current):
        return None
    successors = [index.get(code) for code, _ in index.successors.get(area.code, [])]
    now = ", ".join(f"{a.name} ({a.code})" for a in successors if a.is_current)
    ended = f" on {area.valid_to:%d %B %Y}" if area.valid_to else ""
    became = f"; it is now {now}" if now else ""
    return (f"{area.name} ({area.code}) no longer exists: it was abolished{ended}{became}. "
            "A local return is for a current local authority, a region or England.")


def note_text(raw) -> str:
    """The note as written, or "" where it says there is no note ("-", "–", "n/a")."""
    note = str(raw or "").strip()
    return "" if note.lower() in NO_NOTE else note


def note_problem(note: str) -> str | None:
    """Notes go into Excel packs later, so nothing a spreadsheet or browser would run."""
    if not note:
        return None
    if note.startswith(_FORMULA_START):
        return (f"a note may not start with {note[0]!r}: a spreadsheet would treat it as a formula. "
                "Start the note with a word instead.")
    lowered = note.lower()
    if "<script" in lowered or "javascript:" in lowered:
        return "a note may not contain script ('<script' or 'javascript:'); write it as plain text"
    if len(note) > NOTE_LIMIT:
        return f"the note is {len(note):,} characters long; keep notes under {NOTE_LIMIT:,}"
    return None


# ---------------------------------------------------------------------------------------------
# One figure: value, numerator, denominator and status


@dataclass
class _Number:
    value: float
    percent_sign: bool
    decimals: int
    text: str


class _NotANumber(ValueError):
    pass


def _parse_number(raw, allow_percent: bool = True) -> _Number | None:
    """A number as typed in a return or a spreadsheet cell: '1,234', '68.5', '0.685%'. Blank is None."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise _NotANumber(f"{raw!r} is not a number")
    if isinstance(raw, (int, float)):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise _NotANumber("is not a number")
        text = repr(float(raw)).removesuffix(".0")
        decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
        return _Number(float(raw), False, decimals, text)
    text = str(raw).strip()
    if not text:
        return None
    body = text[:-1].strip() if text.endswith("%") else text
    match = _NUMBER.fullmatch(body)
    if not match:
        if published.EES_SYMBOLS.get(text.lower()) or status_key(text) in MISSING_STATUSES:
            raise _NotANumber(f"{text!r} is not a number; to say why a figure is missing, leave the value "
                              "blank and put the reason in the status column (e.g. suppressed)")
        raise _NotANumber(f"{text!r} is not a number")
    if text.endswith("%") and not allow_percent:
        raise _NotANumber(f"{text!r} is a percentage; give a count")
    decimals = len(match.group(1) or match.group(2) or "")
    return _Number(float(body.replace(",", "")), text.endswith("%"), decimals, text)


def status_key(text: str) -> str:
    return re.sub(r"[\s_-]+", "_", str(text).strip().lower())


def _status(text: str) -> tuple[str | None, str | None]:
    """(status, problem) for the status column; blank means a local figure."""
    key = status_key(text)
    if not key:
        return None, None
    if key in VALUE_STATUSES or key in MISSING_STATUSES:
        return key, None
    if key in (published.PUBLISHED, published.COMPUTED):
        return None, (f"status {text.strip()!r} is for published statistics; leave the status blank for a local "
                      "figure, or write 'illustrative' for made-up figures")
    words = ", ".join(s.replace("_", " ") for s in VALUE_STATUSES[1:] + MISSING_STATUSES)
    return None, f"unknown status {text.strip()!r}; leave it blank for a local figure, or use one of: {words}"


def _figure(metric: Metric, rec: dict, illustrative: bool) -> tuple[dict | None, list[tuple[str, str]]]:
    """The stored figure for one row (value, numerator, denominator, status and the field it came
    from), or None with the problems, each as (field, message)."""
    problems: list[tuple[str, str]] = []
    status, message = _status(rec.get("status", ""))
    if message:
        problems.append(("status", message))
    parsed = {}
    for name in ("value", "numerator", "denominator"):
        try:
            parsed[name] = _parse_number(rec.get(name), allow_percent=name == "value")
        except _NotANumber as exc:
            problems.append((name, str(exc)))
    if problems:
        return None, problems
    value, num, den = parsed["value"], parsed["numerator"], parsed["denominator"]

    if status in MISSING_STATUSES:
        given = [n for n in ("value", "numerator", "denominator") if parsed[n] is not None]
        if given:
            return None, [(given[0], f"the status says {published.status_words(status)}, so leave value, "
                                     "numerator and denominator blank (or clear the status)")]
        return {"value": None, "numerator": None, "denominator": None, "status": status, "from": "status"}, []

    if (num is None) != (den is None):
        missing = "denominator" if den is None else "numerator"
        return None, [(missing, "give both numerator and denominator, or neither")]
    numerator = num.value if num else None
    denominator = den.value if den else None
    message = parts_problem(metric, numerator, denominator)
    if message:
        return None, [(message.split()[0], message)]  # the message starts with the part at fault

    ratio = 100 * numerator / denominator if numerator is not None and denominator else None
    if value is None:
        if numerator is None:
            return None, [("value", "no figure: give a value, or a numerator and denominator, or a status "
                                    "saying why it is missing (suppressed, not available, not applicable)")]
        if metric.unit != "%":
            return None, [("value", f"{metric.id} is measured in {metric.unit}: give the value (only a "
                                    "percentage is worked out from numerator and denominator)")]
        if not denominator:
            return None, [("denominator", "the denominator is 0, so there is no percentage; leave the row out "
                                          "or give a status such as 'not applicable'")]
        figure, source = ratio, "numerator"
    else:
        message = _value_problem(metric, value, ratio)
        if message:
            return None, [("value", message)]
        figure, source = value.value, "value"
        if ratio is not None and metric.unit in ("%", "rate per 100") and not _agrees(value, ratio):
            return None, [("value", f"{value.text} does not match numerator ÷ denominator: "
                                    f"100 × {numerator:g} ÷ {denominator:g} = {ratio:.{max(value.decimals, 1)}f}")]
    stored = published.ILLUSTRATIVE if illustrative or status == published.ILLUSTRATIVE else published.LOCAL
    return {"value": figure, "numerator": numerator, "denominator": denominator, "status": stored,
            "from": source}, []


def _value_problem(metric: Metric, value: _Number, ratio: float | None) -> str | None:
    if value.percent_sign and metric.unit != "%":
        return f"{value.text} is a percentage, but {metric.id} is measured in {metric.unit}"
    looks_fractional = (metric.unit == "%" and not value.percent_sign and 0 < value.value < 1
                        and not (ratio is not None and _agrees(value, ratio)))
    if looks_fractional:
        # Never guess which was meant: a factor of 100 is the commonest error in published tables.
        return (f"{value.text} looks like a fraction; if you mean {value.value * 100:g}%, write "
                f"{value.value * 100:g}; if you really mean {value.text}%, write {value.text}%")
    return value_problem(metric, value.value)


def _agrees(value: _Number, ratio: float) -> bool:
    """A value agrees with its parts when it matches them to the places it was written with
    (rounded or cut off)."""
    return abs(value.value - ratio) <= 10 ** -value.decimals + 1e-9
