"""The rows of a local return, whatever file they came in (the long CSV or the Excel template),
checked in full before anything is written.

A return names each value's area, metric and period, then gives the value, or a numerator and
denominator, with an optional status and note. Every row is checked and every problem reported,
naming its row and column; a file with any problem writes nothing.
"""

from __future__ import annotations

import difflib
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .. import periods, published
from ..areas import ENGLAND, Area, AreaIndex, AreaNotFound
from ..limits import MAX_NOTE_CHARS
from ..register import Metric
from ..text_safety import control_problem
from ..validation import parts_problem, value_problem
from .base import LOCAL_PUBLICATION, ImportContext, ImportFailure, ImportPlan, Issue, SourceFile

PUBLICATION = LOCAL_PUBLICATION
FIELDS = ("area", "metric", "period", "time_period", "time_identifier",
          "value", "numerator", "denominator", "status", "note")
# Statuses a local return may give, by the words people write for them.
VALUE_STATUSES = (published.LOCAL, published.PROVISIONAL, published.ILLUSTRATIVE)
MISSING_STATUSES = published.MISSING_STATUSES
_FORMULA_START = ("=", "+", "-", "@")
_NAN = float("nan")
# What people write in a note column to say there is no note: not a formula.
NO_NOTE = ("-", "–", "—", "n/a", "n / a")
_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?|[-+]?\.(\d+)")


@dataclass
class LongRows:
    """Rows to check: each record holds the raw text of FIELDS and its row number ("_row").
    `columns` names each field's column as the file shows it; a record may carry "_cells",
    field -> (row, column), where a field sits elsewhere (the Excel template's area and terms).
    `records` is read once, so a reader may yield them one at a time rather than hold them all."""

    file_name: str
    records: Iterable[dict]
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
    values = _Values()
    used: dict[str, periods.Period] = {}
    # The areas given a figure so far, by (metric, period): one shared object per area, not per row.
    given: dict[tuple[str, str], set[str]] = {}

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
        if metric and period:
            message = publisher_problem(ctx, metric, period)
            if message:
                problem(rec, "metric", message)
        note = note_text(rec.get("note"))
        message = note_problem(note)
        if message:
            problem(rec, "note", message)
        figure, figure_problems = _figure(metric, rec, illustrative) if metric else (None, [])
        for name, message in figure_problems:
            problem(rec, name, message)
        if len(issues) > before:
            continue
        areas = given.setdefault((metric.id, period.label), set())
        if area.code in areas:
            row, column = values.where_given(metric.id, area.code, period.label)
            at = f"row {row}" + (f" ({column})" if "_cells" in rec else "")
            problem(rec, "metric", f"duplicate: {metric.id} for {area.name}, {period.label} is also on {at}; "
                                   "give each figure once")
            continue
        areas.add(area.code)
        used[period.label] = period
        row, column = rows.where(rec, figure.pop("from"))
        values.add(figure, metric.id, area.code, period.label, note or None, rows.file_name, row, column,
                   str(rec.get("area", "")).strip())
    if issues:
        raise ImportFailure(_unique(issues))
    return _plan(source, fmt, values.columns(), used)


class _Values:
    """The plan's values as columns, filled a row at a time, compactly: numbers in arrays, and each
    distinct text held once (a 200,000-row return would otherwise hold 200,000 copies of its areas)."""

    def __init__(self):
        self.value, self.numerator, self.denominator = array("d"), array("d"), array("d")
        self.source_row = array("q")
        self.text: dict[str, list] = {name: [] for name in (
            "metric_id", "area_code", "period_label", "status", "note", "source_file", "source_column",
            "published_area")}
        self._shared: dict[str, str] = {}
        self._index: dict[tuple[str, str, str], int] | None = None  # made at the first duplicate

    def add(self, figure: dict, metric_id: str, area_code: str, period_label: str, note: str | None,
            source_file: str, source_row: int, source_column: str, published_area: str) -> None:
        for numbers, number in ((self.value, figure["value"]), (self.numerator, figure["numerator"]),
                                (self.denominator, figure["denominator"])):
            numbers.append(_NAN if number is None else number)
        self.source_row.append(source_row)
        share, text = self._shared.setdefault, self.text
        # Ids, codes, labels and statuses are already one object each (the register's, the index's).
        text["metric_id"].append(metric_id)
        text["area_code"].append(area_code)
        text["period_label"].append(period_label)
        text["status"].append(figure["status"])
        text["source_file"].append(source_file)
        text["note"].append(None if note is None else share(note, note))
        text["source_column"].append(share(source_column, source_column))
        text["published_area"].append(share(published_area, published_area))
        if self._index is not None:
            self._index.setdefault((metric_id, area_code, period_label), len(self.source_row) - 1)

    def where_given(self, metric_id: str, area_code: str, period_label: str) -> tuple[int, str]:
        """The row and column of the figure already given for this metric, area and period."""
        if self._index is None:
            self._index = {}
            for i, key in enumerate(zip(self.text["metric_id"], self.text["area_code"], self.text["period_label"])):
                self._index.setdefault(key, i)
        i = self._index[(metric_id, area_code, period_label)]
        return self.source_row[i], self.text["source_column"][i]

    def columns(self) -> dict:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator,
                "source_row": self.source_row, **self.text}


def _plan(source: SourceFile, fmt: str, values: dict[str, list], used: dict[str, periods.Period]) -> ImportPlan:
    plan = ImportPlan(source.name, source.sha256, fmt)
    latest = max(used.values(), key=lambda p: p.sort_key)
    release = {"id": f"{PUBLICATION}-{source.sha256[:10]}", "publication_id": PUBLICATION,
               "covers_to": [latest.label], "title": f"Local return {source.name}", "new": True}
    plan.periods = dict(used)
    return plan.set_value_columns(values, release)


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
    """Why a local return cannot be for this area: only a current local authority can have one.
    England's and the regions' figures are the publishers' alone."""
    if area.level == "la" and area.is_current:
        return None
    if area.code == ENGLAND or area.level == "region":
        return (f"{area.name} is {'a region' if area.level == 'region' else 'the national total'}: its figures "
                "come only from the publishers' releases. A local return is for one local authority.")
    successors = [index.get(code) for code, _ in index.successors.get(area.code, [])]
    now = ", ".join(f"{a.name} ({a.code})" for a in successors if a.is_current)
    ended = f" on {area.valid_to:%d %B %Y}" if area.valid_to else ""
    became = f"; it is now {now}" if now else ""
    return (f"{area.name} ({area.code}) no longer exists: it was abolished{ended}{became}. "
            "A local return is for a current local authority.")


def publisher_problem(ctx: ImportContext, metric: Metric, period: periods.Period) -> str | None:
    """Why a local return may not give this measure for this period, or None.

    A local measure is the board's own. A national measure belongs to its publisher: a board may give
    its own figure only for a period the publisher has not released yet, of the kind the publisher
    uses (a calendar year, say), and it is kept as "local (provisional)" until the release arrives."""
    if not metric.national:
        return None
    released = ctx.released.get(metric.id, {})
    if period.label in released:
        publisher = released[period.label][1]
        return (f"the published figure stands: {publisher} has released {metric.id} for {period.describe()}, and "
                "only its own releases may change it. A local return gives local measures"
                + _local_alternative(ctx, metric) + ", or a provisional figure for a period not yet published.")
    kinds = {kind for kind, _ in released.values()}
    if kinds and period.kind not in kinds:
        published_as = " or ".join(sorted(periods.KIND_WORDS.get(k, k) for k in kinds))
        local = _local_alternative(ctx, metric, lead="")
        return (f"{metric.id} is published by {published_as}, so a provisional local figure must be for a "
                f"{published_as}, not {period.describe()}."
                + (f" For a figure by {periods.KIND_WORDS.get(period.kind, period.kind)} use{local}." if local else ""))
    return None


def _local_alternative(ctx: ImportContext, metric: Metric, lead: str = " such as") -> str:
    """' such as ehcp_20wk_term_pct': the local measures compared with this national one."""
    local = [m.id for m in ctx.metrics.values() if m.national_equivalent == metric.id]
    return f"{lead} {' or '.join(local)}" if local else ""


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
    if problem := control_problem(note):
        return f"the note {problem}"
    lowered = note.lower()
    if "<script" in lowered or "javascript:" in lowered:
        return "a note may not contain script ('<script' or 'javascript:'); write it as plain text"
    if len(note) > MAX_NOTE_CHARS:
        return f"the note is {len(note):,} characters long; keep notes under {MAX_NOTE_CHARS:,}"
    return None


# ---------------------------------------------------------------------------------------------
# One figure: value, numerator, denominator and status


@dataclass(frozen=True)
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
    number, problem = _parse_text(str(raw), allow_percent)
    if problem:
        raise _NotANumber(problem)
    return number


@lru_cache(maxsize=65_536)  # a return repeats its figures' texts; each is parsed once
def _parse_text(raw: str, allow_percent: bool) -> tuple[_Number | None, str | None]:
    """(number, None), or (None, why it is not a number), for a figure typed as text."""
    text = raw.strip()
    if not text:
        return None, None
    body = text[:-1].strip() if text.endswith("%") else text
    match = _NUMBER.fullmatch(body)
    if not match:
        if published.EES_SYMBOLS.get(text.lower()) or status_key(text) in MISSING_STATUSES:
            return None, (f"{text!r} is not a number; to say why a figure is missing, leave the value "
                          "blank and put the reason in the status column (e.g. suppressed)")
        return None, f"{text!r} is not a number"
    if text.endswith("%") and not allow_percent:
        return None, f"{text!r} is a percentage; give a count"
    decimals = len(match.group(1) or match.group(2) or "")
    return _Number(float(body.replace(",", "")), text.endswith("%"), decimals, text), None


def status_key(text: str) -> str:
    return re.sub(r"[\s_-]+", "_", str(text).strip().lower())


@lru_cache(maxsize=1_024)
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
    if illustrative or status == published.ILLUSTRATIVE:
        stored = published.ILLUSTRATIVE
    else:
        stored = published.PROVISIONAL if metric.national else published.LOCAL
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
