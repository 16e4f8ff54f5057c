"""What every pack says, built once from the scorecard (card.build, the home page's function) and the
metric tables; the PDF, PowerPoint, Word and Excel writers only lay it out.

A Pack holds the title block, the plain-English summary, one RowView per scorecard row (numbers and
the words to print), one MetricSection per metric (the chart's series, its data table, commentary,
exception note and caveats), the caveats and the sources with their licence attribution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from .. import card as card_module
from .. import narrative, periods, queries, rag, targets
from ..areas import ENGLAND, AreaIndex
from ..tables import metric_table
from ..formatting import change_words, fmt, is_missing
from ..published import status_words
from ..register import LICENCE_ATTRIBUTION, Metric, metrics_from_store
from .. import suppression

NOT_RATED = "Not rated"
ROLE_NAMES = {"england": "England", "region": "Region", "neighbours": "Statistical neighbours (mean)",
              "target": "Target"}


@dataclass
class ChartSeries:
    role: str  # area, target, england, region, neighbours
    name: str
    values: list[float | None]


@dataclass
class RowView:
    """One scorecard row: the (suppressed, in a public pack) CardRow, and the words to print."""
    row: card_module.CardRow
    hidden: set[str]
    words: dict[str, str]

    @property
    def metric(self) -> Metric:
        return self.row.metric


@dataclass
class MetricSection:
    view: RowView
    title: str  # states the finding
    periods: list[str]
    series: list[ChartSeries]
    breaks: list[tuple[str, str]]  # (period, note) where a series break falls inside the chart
    table: pd.DataFrame  # the chart's data, as words ("c" where suppressed)
    data: pd.DataFrame  # the same as numbers (empty where suppressed or no figure), with a status column
    alt_text: str
    commentary: str | None
    commentary_by: str | None
    exception_note: str | None
    flags: list[str]
    comparator_note: str | None = None
    hidden_cells: dict[str, list[bool]] | None = None  # data column -> suppressed in the public version

    @property
    def metric(self) -> Metric:
        return self.view.metric

    def wide_table(self) -> pd.DataFrame:
        """The data table with periods across and one row per series (for printed packs)."""
        if not len(self.table):
            return self.table
        wide = self.table.set_index("Period").T.reset_index()
        return wide.rename(columns={"index": "Series"})

    @property
    def has_chart(self) -> bool:
        return any(not is_missing(v) for v in self.series[0].values) if self.series else False


@dataclass
class Pack:
    card: card_module.Card
    public: bool
    threshold: int
    produced: date
    summary: list[str]
    rows: list[RowView]
    sections: list[MetricSection]
    caveats: list[tuple[str, str]]
    notes: list[str]
    sources: pd.DataFrame

    @property
    def area_name(self) -> str:
        return self.card.area_name

    @property
    def term_words(self) -> str:
        return self.card.term.describe()

    @property
    def baseline(self) -> periods.Period | None:
        return self.card.baseline

    @property
    def stocktake(self) -> bool:
        return self.card.baseline is not None

    @property
    def title(self) -> str:
        kind = "SEND stocktake" if self.stocktake else "SEND scorecard"
        return f"{kind}: {self.area_name}, {self.term_words}"

    @property
    def subtitle(self) -> str:
        if self.stocktake:
            return f"Progress since the baseline, {self.baseline.describe()}"
        return "Performance scorecard for the SEND improvement board"

    @property
    def variant_words(self) -> str:
        if self.public:
            return (f"Public version: figures below {self.threshold} are suppressed and internal commentary "
                    "is left out")
        return "Internal version: not for publication without small-number suppression"

    @property
    def produced_words(self) -> str:
        return long_date(self.produced)

    @property
    def as_at_words(self) -> str:
        return long_date(self.card.as_at) if self.card.as_at else "no imports yet"

    def title_block(self) -> list[tuple[str, str]]:
        block = [("Area", f"{self.area_name} ({self.card.area_code})"), ("Term", self.term_words)]
        if self.stocktake:
            block.append(("Baseline", self.baseline.describe()))
        block += [("Date produced", self.produced_words), ("Data as at", self.as_at_words),
                  ("Version", self.variant_words)]
        return block

    def groups(self) -> list[tuple[str, list[RowView]]]:
        by_id = {v.metric.id: v for v in self.rows}
        return [(g, [by_id[r.metric.id] for r in rows]) for g, rows in self.card.groups()]

    def section_for(self, metric_id: str) -> MetricSection:
        return next(s for s in self.sections if s.metric.id == metric_id)

    def filename(self, ext: str) -> str:
        return file_name(self.area_name, self.card.term, ext, self.public, self.baseline)


def file_name(area_name: str, term, ext: str, public: bool = False, baseline=None) -> str:
    """'send-scorecard-plymouth-autumn-2026-27-public.pdf'; a stocktake says so, with its baseline."""
    term = periods.parse(term) if isinstance(term, str) else term
    baseline = periods.parse(baseline) if isinstance(baseline, str) else baseline
    parts = ["send", "stocktake" if baseline else "scorecard", area_name, term.label]
    if baseline:
        parts += ["since", baseline.label]
    if public:
        parts.append("public")
    return slug("-".join(parts)) + "." + ext


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def long_date(value) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{value.day} {value:%B %Y}"


def rating_words(rating: rag.Rating) -> str:
    """'■ Red', '▲ Amber', '● Green' or 'Not rated': never colour alone."""
    return rating.label if rating.rag else NOT_RATED


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def _in(p: periods.Period) -> str:
    phrase = narrative.period_phrase(p)
    return f"at the {phrase}" if p.kind == "census_date" else f"in {phrase}"


def row_words(row: card_module.CardRow, hidden: set[str]) -> dict[str, str]:
    m = row.metric
    c = suppression.MARK
    comparators = card_module.describe_comparators(row)
    for name, key in (("england", "england"), ("region", "region"), ("sn_mean", "neighbours")):
        if name in hidden:
            comparators[key] = c + (f" ({row.comparator_period_words})" if row.comparator_period else "")
    if row.period is None:
        latest = "No figure yet"
    else:
        latest = c if "value" in hidden else fmt(row.value, m, row.status)
    if "change" in hidden:
        change = c
    elif is_missing(row.change):
        change = "—" if row.previous_period is None else f"no figure to compare for {row.previous_period.label}"
    else:
        change = f"{change_words(row.change, m)} on {row.previous_period.label}"
    words = {
        "measure": m.label,
        "measure_full": m.name,
        "latest": latest,
        "period": row.period.describe() if row.period else "—",
        "change": change,
        "target": fmt(row.target.target, m) if row.target else "No target",
        "rating": rating_words(row.rating),
        "rating_reason": row.rating.reason,
        "comparator_period": row.comparator_period_words or "—",
        **comparators,
    }
    if row.region_name:
        words["region_name"] = row.region_name
    baseline = "no figure at the baseline"
    if row.baseline_period:
        baseline = c if "baseline" in hidden else (fmt(row.baseline, m) + f" ({row.baseline_period})")
    words["baseline"] = baseline
    if "change_since_baseline" in hidden:
        words["change_since_baseline"] = c
    elif is_missing(row.change_since_baseline):
        words["change_since_baseline"] = "—"
    else:
        words["change_since_baseline"] = change_words(row.change_since_baseline, m)
    words["progress"] = c if "trajectory_progress" in hidden else progress_words(row)
    return words


def _meets(value, target, polarity: str) -> bool:
    return value >= target if polarity == "higher" else value <= target


def progress_words(row: card_module.CardRow) -> str:
    """Progress along the trajectory from the baseline to the target, in words."""
    m = row.metric
    if row.target is None:
        return "no target set"
    if m.polarity == "context":
        return "a context measure: not rated against a target"
    if is_missing(row.value):
        return "no current figure"
    if _meets(row.value, row.target.target, m.polarity):
        return "target met"
    if is_missing(row.baseline):
        return "no baseline figure"
    if _meets(row.baseline, row.target.target, m.polarity):
        return "target met at the baseline, missed now"
    p = row.trajectory_progress
    if is_missing(p) or p <= 0:
        return "no progress: further from the target than at the baseline" if p and p < 0 else "no progress yet"
    return f"{p:.0f}% of the way from the baseline to the target"


def finding(row: card_module.CardRow, area_name: str, hidden: set[str], threshold: int) -> str:
    """A chart title that states the finding, e.g. 'Plymouth issued 6.0% of new EHC plans within
    20 weeks in 2024, below England (46.4%)'."""
    m = row.metric
    if row.period is None:
        return f"{area_name} has no figure yet for {_lower_first(m.label)}"
    if "value" in hidden:
        return (f"{m.label}: the {area_name} figure {_in(row.period)} is suppressed in the public version "
                f"(fewer than {threshold})")
    if is_missing(row.value):
        return f"{m.label}: no figure for {area_name} {_in(row.period)} ({status_words(row.status)})"
    value = fmt(row.value, m)
    if m.summary:
        text = m.summary.format(area=area_name, value=value, period=narrative.period_phrase(row.period))
    else:
        text = f"{area_name}: {_lower_first(m.label)} {value} {_in(row.period)}"
    cp = row.comparator_period
    same = row.comparator_metric is not None and row.comparator_metric.id == m.id
    if same and m.unit != "count" and not is_missing(row.england) and cp is not None and cp.label == row.period.label:
        if round(row.value, m.decimals) == round(row.england, m.decimals):
            text += f", the same as England ({fmt(row.england, m)})"
        else:
            text += f", {'above' if row.value > row.england else 'below'} England ({fmt(row.england, m)})"
    elif not is_missing(row.previous) and row.previous_period is not None:
        if round(row.value, m.decimals) == round(row.previous, m.decimals):
            text += f", the same as {_in(row.previous_period)}"
        else:
            text += f", {'up' if row.value > row.previous else 'down'} from {fmt(row.previous, m)} " \
                    f"{_in(row.previous_period)}"
    return text


class _Tables:
    """Each metric's table (all areas, with comparators), computed once per pack."""

    def __init__(self, con, metrics: dict[str, Metric]):
        self.con, self.metrics, self._cache = con, metrics, {}

    def __call__(self, metric_id: str) -> pd.DataFrame:
        if metric_id not in self._cache:
            self._cache[metric_id] = metric_table(self.con, self.metrics[metric_id])
        return self._cache[metric_id]


def _area_rows(table: pd.DataFrame, area_code: str, labels: list[str]) -> pd.DataFrame:
    rows = table[(table["area_code"] == area_code) & table["period"].isin(labels)]
    return rows.drop_duplicates("period").set_index("period").reindex(labels)


def _num(value) -> float | None:
    return None if is_missing(value) else float(value)


def section(view: RowView, pack_card: card_module.Card, tables: _Tables, target_frame: pd.DataFrame,
            public: bool, threshold: int) -> MetricSection:
    row, m = view.row, view.metric
    area = pack_card.area_name
    labels = [t["period"] for t in row.trend]
    title = finding(row, area, view.hidden, threshold)
    mark = suppression.MARK
    data = pd.DataFrame({"period": labels, "value": [_num(t["value"]) for t in row.trend],
                         "status": [t["status"] for t in row.trend]})
    hidden_value = [f"trend:{p}" in view.hidden for p in labels]
    comp = {}
    comp_hidden = {}
    comparator_note = None
    cm = row.comparator_metric
    if cm is not None and cm.id == m.id and labels:
        local = _area_rows(tables(m.id), pack_card.area_code, labels)
        england = tables(m.id)
        england = england[england["area_code"] == ENGLAND].drop_duplicates("period").set_index("period")["value"]
        local = local.assign(england=[england.get(p) for p in labels])
        if public:
            local, mask = suppression.suppress_frame(local.reset_index(), m, threshold)
            local = local.set_index("period")
            comp_hidden = {c: list(mask[c]) for c in mask.columns if c != "value"}
        comp = {"england": [_num(v) for v in local["england"]], "region": [_num(v) for v in local["region"]],
                "neighbours": [_num(v) for v in local["sn_mean"]]}
        comp_hidden = {("neighbours" if k == "sn_mean" else k): v for k, v in comp_hidden.items()}
    elif cm is not None and row.comparator_period is not None:
        comparator_note = (f"England, region and neighbours are shown for the nearest national measure "
                           f"({cm.label}, {row.comparator_period.describe()}) in the scorecard table; "
                           "its periods differ from this local series, so they are not charted.")
    target_values = []
    if len(target_frame) and (target_frame["metric_id"] == m.id).any():
        for label in labels:
            t = targets.target_for(target_frame, m.id, periods.from_label(label))
            target_values.append(t.target if t else None)
    for key, values in comp.items():
        data[key] = values
    if target_values:
        data["target"] = target_values
    # Leading periods with no figure in any series (a measure not yet collected) say nothing.
    empty = [is_missing(r.value) and not h and all(is_missing(v) for v in r[3:])
             for r, h in zip(data.itertuples(index=False), hidden_value)]
    start = next((i for i, e in enumerate(empty) if not e), len(empty))
    if start:
        data = data.iloc[start:].reset_index(drop=True)
        labels, hidden_value = labels[start:], hidden_value[start:]
        comp = {k: v[start:] for k, v in comp.items()}
        comp_hidden = {k: v[start:] for k, v in comp_hidden.items()}
        target_values = target_values[start:]

    series = [ChartSeries("area", area, [_num(v) for v in data["value"]])]
    if target_values and any(v is not None for v in target_values):
        series.append(ChartSeries("target", ROLE_NAMES["target"], target_values))
    order = ("neighbours",) if m.unit == "count" else ("england", "region", "neighbours")
    for key in order:
        if len(series) >= 4:
            break
        if key in comp and any(v is not None for v in comp[key]):
            name = ROLE_NAMES[key]
            if key == "region" and row.region_name:
                name = f"{row.region_name} (region)"
            series.append(ChartSeries(key, name, comp[key]))
    breaks = [(label, note) for label, note in m.breaks if label in labels[1:]]

    table = pd.DataFrame({"Period": labels})
    table[area] = [mark if h else fmt(v, m, s) if not is_missing(v) else status_words(s) or "no figure"
                   for v, s, h in zip(data["value"], data["status"], hidden_value)]
    headings = {"england": "England", "region": row.region_name or "Region", "neighbours": "Neighbour mean"}
    if m.unit == "count":
        headings["england"] = "England (total)"
        headings["region"] = f"{row.region_name or 'Region'} (total)"
    for key, values in comp.items():
        if all(v is None for v in values) and not any(comp_hidden.get(key, [])):
            continue
        hid = comp_hidden.get(key, [False] * len(values))
        table[headings[key]] = [mark if h else ("—" if v is None else fmt(v, m)) for v, h in zip(values, hid)]
    if target_values:
        table["Target"] = ["—" if v is None else fmt(v, m) for v in target_values]
    for label, _ in breaks:
        table.loc[table["Period"] == label, "Period"] = f"{label} (series break)"

    first = next(((p, v) for p, v in zip(labels, data["value"]) if not is_missing(v)), None)
    last = next(((p, v) for p, v in zip(reversed(labels), reversed(list(data["value"]))) if not is_missing(v)), None)
    if first and last:
        described = (f"{area} went from {fmt(first[1], m)} in {first[0]} to {fmt(last[1], m)} in {last[0]}."
                     if first[0] != last[0] else f"{area}: {fmt(last[1], m)} in {last[0]}.")
        others = ", ".join(s.name for s in series[1:])
        alt = (f"Line chart of {_lower_first(m.name)} from {labels[0]} to "
               f"{labels[-1]}. {described}" + (f" Also shown: {others}." if others else "")
               + (f" Series break at {', '.join(b for b, _ in breaks)}." if breaks else "")
               + " The figures are in the table below the chart.")
    else:
        alt = f"No figures to chart for {m.label}."
    comment = row.comment
    return MetricSection(
        view=view, title=title, periods=labels, series=series, breaks=breaks, table=table, data=data,
        alt_text=alt, commentary=(comment.text or None) if comment else None,
        commentary_by=(f"{comment.author}, {long_date(comment.written_at)}" if comment else None),
        exception_note=(comment.exception_words() or None) if comment else None,
        flags=list(row.flags), comparator_note=comparator_note,
        hidden_cells={"value": hidden_value, **comp_hidden})


def _sources(con, metric_ids: set[str]) -> pd.DataFrame:
    src = queries.sources(con)
    if not len(src):
        return src
    used = src["metrics"].fillna("").map(lambda text: bool(metric_ids & {m.strip() for m in text.split(",")}))
    src = src[used].copy()
    src["licence"] = src["licence"].fillna("")
    src["attribution"] = [a if isinstance(a, str) and a else (LICENCE_ATTRIBUTION if "Open Government" in lic
                                                             else "Local figures supplied by the area; not published.")
                          for a, lic in zip(src["attribution"], src["licence"])]
    cols = ["publisher", "title", "released", "url", "licence", "attribution", "metrics"]
    return src[cols].reset_index(drop=True)


def build_pack(con, area_code: str, term, public: bool = False, baseline=None,
               threshold: int = suppression.DEFAULT_THRESHOLD, produced: date | None = None) -> Pack:
    """Everything a pack says, for one area and term. Raises AreaNotFound or PeriodError for bad input."""
    threshold = suppression.check_threshold(threshold)
    term = periods.parse(term) if isinstance(term, str) else term
    baseline = periods.parse(baseline) if isinstance(baseline, str) else baseline
    area = AreaIndex.from_store(con).resolve(area_code)
    metrics = metrics_from_store(con)
    tables = _Tables(con, metrics)
    if public:
        built, hidden = suppression.public_card(con, area.code, term, threshold, baseline=baseline, table_for=tables)
    else:
        built = card_module.build(con, area.code, term, baseline=baseline, table_for=tables)
        hidden = {r.metric.id: set() for r in built.rows}
    views = [RowView(r, hidden[r.metric.id], row_words(r, hidden[r.metric.id])) for r in built.rows]
    target_frame = targets.targets_for(con, area.code)
    sections = [section(v, built, tables, target_frame, public, threshold) for v in views]
    caveats = [(v.metric.label, flag) for v in views for flag in v.row.flags]
    notes = []
    if public:
        notes.append(suppression.note(threshold))
        notes.append("Commentary marked internal-only is left out of this version.")
    if any("Illustrative" in f for v in views for f in v.row.flags):
        notes.append("Some figures are illustrative sample data, not real data; they are flagged where they appear.")
    notes.append("Comparators (England, region, statistical neighbours) are the latest published figures, each "
                 "labelled with its own period; a comparator more than 18 months older than the figure is "
                 "flagged as stale.")
    notes.append("RAG ratings are against the board's local targets. " + rag.RULES[rag.DEFAULT_RULE]
                 + " Measures without a target are not rated.")
    ids = {r.metric.id for r in built.rows} | {r.comparator_metric.id for r in built.rows if r.comparator_metric}
    return Pack(card=built, public=public, threshold=threshold, produced=produced or date.today(),
                summary=narrative.summary(built), rows=views, sections=sections, caveats=caveats, notes=notes,
                sources=_sources(con, ids))
