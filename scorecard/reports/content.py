"""What every pack says, built once from the scorecard (card.build, the home page's function) and the
metric tables; the PDF, PowerPoint, Word and Excel writers only lay it out.

A Pack holds the title block, the board summary (summary.board_summary: every measure grouped by
priority area, the table that opens every pack as it opens the home page), the statement of how
current each national source is (said once, not on every row), the plain-English summary, one RowView
per scorecard row, one MetricSection per metric (the chart's series, its data table, commentary,
exception note and caveats), the caveats and the sources with their licence attribution.

Every pack lays itself out the same way: its opening (the title, the R/A/G counts and the opening
statements: plain sentences at body size that a reader must not miss, such as the latest inspection),
the board summary, what needs the board's attention (each red measure with its exception note), the
partners' view, then caveats and sources; each measure in detail in an appendix; and on the back page,
in small type, the officers' details (the store version and the command that makes the pack again).
Every pack links back to the same view on the dashboard (Pack.dashboard_url, from
$SCORECARD_PUBLIC_URL).

The words come from scorecard.words, the one place that says how a figure reads: the packs only
choose which words go where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

import pandas as pd

from .. import card as card_module
from .. import config, narrative, periods, plan_history, queries, rag, sources_info, summary, targets, words
from ..areas import ENGLAND, AreaIndex
from ..tables import MetricTables
from ..formatting import fmt, is_missing
from ..published import ILLUSTRATIVE
from ..register import LICENCE_ATTRIBUTION, LOCAL_ATTRIBUTION, Metric, metrics_from_store, settings
from .. import suppression

CHART_DPI = 150  # printed charts: sharp at A4 text width; the PDF and Word packs share each drawing
ROLE_NAMES = {"england": "England", "region": "Region", "neighbours": "Statistical neighbours (mean)",
              "target": "Target"}


@dataclass
class ChartSeries:
    role: str  # area, target, england, region, neighbours
    name: str
    values: list[float | None]


@dataclass
class RowView:
    """One scorecard row: the (suppressed, in a public pack) CardRow, the fields the public version
    hides, and its line of the board summary (the words every pack prints for it)."""
    row: card_module.CardRow
    hidden: set[str]
    summary: summary.SummaryRow

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
class AttentionItem:
    """A measure the board must look at (a red, or an amber to watch), in the words every pack prints."""
    view: RowView
    figure: str  # '6.0%: 24 of 403 (calendar year 2024); direction of travel ↓ worse'
    reason: str  # the rating's reason in words ('6.0% misses the target of 60.0% by 54.0 points, ...')
    note: str  # the exception note, or that none is recorded
    note_missing: bool
    commentary: str | None = None

    @property
    def measure(self) -> str:
        return self.view.summary.measure

    @property
    def partner(self) -> str:
        return self.view.summary.partner

    @property
    def rag(self) -> str | None:
        return self.view.summary.rag

    @property
    def rating(self) -> str:
        return self.view.summary.rating

    def sentence(self) -> str:
        """The figure and why it is rated so, in one line: '6.0%: 24 of 403 (calendar year 2024); direction
        of travel ↓ worse. 6.0% misses the target of 60.0% by 54.0 points, ...'"""
        return f"{self.figure}. {self.reason}".strip()


NO_EXCEPTION_NOTE = ("No exception note recorded: a red rating needs one (the cause, the action, its owner and the "
                     "term it is expected back on track).")


@dataclass
class Pack:
    card: card_module.Card
    public: bool
    threshold: int
    produced: date
    summary: list[str]  # the plain-English sentences (narrative.summary)
    rows: list[RowView]
    sections: list[MetricSection]
    caveats: list[tuple[str, str]]
    notes: list[str]
    sources: pd.DataFrame
    board: list[summary.SummaryGroup]  # the board summary table, group by group
    releases: list[str]  # how current each national source is: said once, at the front
    inspection: str | None = None  # the latest area SEND inspection, in one sentence (an LA's pack)
    not_as_at: list[str] = field(default_factory=list)  # what is not shown as at the pack's point (plan_history)
    # Plain sentences a reader must not miss, said at body size at the top of page 1 and of the first slide
    # before the latest inspection (see opening_statements).
    opening: list[str] = field(default_factory=list)
    detail: bool = False  # the PowerPoint deck carries each measure's slide in an appendix
    # For the first page and the first slide, at body size: a release behind the figures is past due
    # and not loaded ("The newest national figures here are for 2024. DfE's June 2026 release ... has
    # not been loaded."), and that illustrative figures are present. None when neither applies.
    overdue: str | None = None
    illustrative_notice: str | None = None

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
        """'1 December 2026 at 05:16': when the store last changed, as the pack shows it."""
        if not self.card.as_at:
            return "no imports yet"
        return f"{long_date(self.card.as_at)} at {self.card.as_at:%H:%M}"

    @property
    def store_version_words(self) -> str:
        """'1 December 2026 at 05:16, store version 12': the point in the store's history the pack shows."""
        point = self.card.store_point
        return f"{self.as_at_words}, store version {point.version}" if point and self.card.as_at else self.as_at_words

    def regenerate_words(self, fmt: str = "pdf") -> str:
        """The command that makes this pack again exactly as it stands, however the store changes."""
        point = self.card.store_point.as_at_argument() if self.card.store_point else None
        if point is None:
            return ""
        options = f' --baseline "{self.baseline.label}"' if self.stocktake else ""
        options += " --public" if self.public else ""
        options += f" --format {fmt}" if fmt != "pdf" else ""
        options += " --detail" if self.detail and fmt == "pptx" else ""
        return (f'scorecard report --area {self.card.area_code} --term "{self.card.term.label}"{options} '
                f"--as-at {point}")

    def title_block(self) -> list[tuple[str, str]]:
        """What the pack is, for a reader: the officers' details are on the back page (officer_details)."""
        block = [("Area", f"{self.area_name} ({self.card.area_code})"), ("Term", self.term_words)]
        if self.stocktake:
            block.append(("Baseline", self.baseline.describe()))
        block += [("Date produced", self.produced_words), ("Data as at", self.as_at_words),
                  ("Version", self.variant_words)]
        if self.inspection:
            block.append(("Latest inspection", self.inspection))
        block.append(("On the dashboard", self.dashboard_url()))
        return block

    def officer_details(self, fmt: str = "pdf") -> list[tuple[str, str]]:
        """For the back page, in small type: the store's version the pack shows and the command that
        makes this format of it again exactly, however the store has changed since."""
        block = [("Store point", self.store_version_words)]
        if command := self.regenerate_words(fmt):
            block.append(("To regenerate exactly", command))
            block.append(("Read as at that point", AS_AT_WORDS))
        if self.not_as_at:
            block.append(("Not as at that point", " ".join(self.not_as_at)))
        block.append(("On the dashboard", self.dashboard_url()))
        return block

    def opening_statements(self) -> list[str]:
        """The plain sentences, at body size, under the title of page 1 and of the first slide: what a
        reader must not miss before the figures (Pack.opening), then the latest area SEND inspection."""
        return [s for s in (*self.opening, self.overdue, self.illustrative_notice, self.inspection) if s]

    def dashboard_url(self, metric_id: str | None = None) -> str:
        """The same view on the dashboard: the scorecard for the area and term, or with a measure, that
        measure's trend (?area=E06000026&term=Autumn+2026%2F27&metric=ehcp_20wk_pct)."""
        query = {"area": self.card.area_code, "term": self.card.term.label}
        if metric_id is None:
            return f"{config.public_url()}/?{urlencode(query)}"
        return f"{config.public_url()}/trends?{urlencode({**query, 'metric': metric_id})}"

    def attention(self) -> list[AttentionItem]:
        """What needs the board's attention: each red measure, in the summary's order, with its
        exception note (or that none is recorded)."""
        return [self._attention_item(v) for v in self._ordered_views() if v.summary.rag == rag.RED]

    def watch(self) -> list[AttentionItem]:
        """The amber measures: off target, within the amber margin."""
        return [self._attention_item(v) for v in self._ordered_views() if v.summary.rag == rag.AMBER]

    def _ordered_views(self) -> list[RowView]:
        by_id = {v.metric.id: v for v in self.rows}
        return [by_id[r.metric_id] for g in self.board for r in g.rows]

    def _attention_item(self, v: RowView) -> AttentionItem:
        line = v.summary
        figure = f"{line.latest} ({line.period}); direction of travel {line.direction}"
        comment = v.row.comment
        note = (comment.exception_words() if comment and comment.has_exception_note else "") or \
            (NO_EXCEPTION_NOTE if v.row.needs_exception_note else "")
        text = comment.text if comment and comment.text else None
        return AttentionItem(v, figure, v.row.rating.reason, note, v.row.needs_exception_note, text)

    def groups(self) -> list[tuple[str, list[RowView]]]:
        by_id = {v.metric.id: v for v in self.rows}
        return [(g, [by_id[r.metric.id] for r in rows]) for g, rows in self.card.groups()]

    def partner_lines(self) -> list[str]:
        """Each accountable partner's measures and their ratings, in a sentence: the board holds each
        partner to account for its own ('Health (ICB): 1 measure (Health advice within 6 weeks); 0 red, ...')."""
        out = []
        for g in summary.partner_groups(self.board):
            noun = "measure" if len(g.rows) == 1 else "measures"
            out.append(f"{g.heading}: {len(g.rows)} {noun} ({', '.join(r.measure for r in g.rows)}); "
                       f"{g.counts_words}.")
        return out

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


def _area_rows(table: pd.DataFrame, area_code: str, labels: list[str]) -> pd.DataFrame:
    rows = table[(table["area_code"] == area_code) & table["period"].isin(labels)]
    return rows.drop_duplicates("period").set_index("period").reindex(labels)


def _num(value) -> float | None:
    return None if is_missing(value) else float(value)


def _trend_cells(data: pd.DataFrame, m: Metric, hidden_value: list[bool], small_threshold: int) -> list[str]:
    """The area's figures in a trend table, each labelled as the latest figure is (counts with a rate,
    illustrative, small numbers), "c" where the public version suppresses it."""
    cells = []
    for rec, hidden in zip(data.to_dict("records"), hidden_value):
        if hidden:
            cells.append(suppression.MARK)
            continue
        small = m.unit in words.RATE_UNITS and not is_missing(rec["denominator"]) \
            and rec["denominator"] < small_threshold
        cells.append(words.point(rec["value"], m, rec["status"], rec["numerator"], rec["denominator"], small))
    return cells


def section(view: RowView, pack_card: card_module.Card, tables: MetricTables, target_frame: pd.DataFrame,
            counts: dict, public: bool, threshold: int) -> MetricSection:
    row, m = view.row, view.metric
    area = pack_card.area_name
    labels = [t["period"] for t in row.trend]
    title = words.finding(row, area, view.hidden, threshold)
    mark = suppression.MARK
    data = pd.DataFrame({"period": labels, "value": [_num(t["value"]) for t in row.trend],
                         "status": [t["status"] for t in row.trend],
                         "numerator": [_num(counts.get((m.id, p), (None, None))[0]) for p in labels],
                         "denominator": [_num(counts.get((m.id, p), (None, None))[1]) for p in labels]})
    hidden_value = [f"trend:{p}" in view.hidden for p in labels]
    for column in ("numerator", "denominator"):  # counts behind a suppressed figure would give it away
        data[column] = [None if h else v for v, h in zip(data[column], hidden_value)]
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
        comparator_note = (f"There is {words.NO_COMPARABLE}: {words.unlike(row)}, so England, the region and the "
                           "neighbours are neither charted nor compared." if not row.like_with_like else
                           f"England, the region and the neighbours are given for the nearest national measure "
                           f"({cm.label}, {row.comparator_period.describe()}) in the summary table, as context "
                           f"only: they are {words.NOT_COMPARABLE} with this local series, so they are not charted.")
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
    series_columns = ["value", *comp, *(["target"] if target_values else [])]
    empty = [not h and all(is_missing(rec[c]) for c in series_columns)
             for rec, h in zip(data.to_dict("records"), hidden_value)]
    start = next((i for i, e in enumerate(empty) if not e), len(empty))
    if start:
        data = data.iloc[start:].reset_index(drop=True)
        labels, hidden_value = labels[start:], hidden_value[start:]
        comp = {k: v[start:] for k, v in comp.items()}
        comp_hidden = {k: v[start:] for k, v in comp_hidden.items()}
        target_values = target_values[start:]

    illustrative = any(s == ILLUSTRATIVE for s in data["status"])  # said in the legend, on the line itself
    series = [ChartSeries("area", f"{area} ({words.ILLUSTRATIVE_LABEL})" if illustrative else area,
                          [_num(v) for v in data["value"]])]
    if target_values and any(v is not None for v in target_values):
        series.append(ChartSeries("target", ROLE_NAMES["target"], target_values))
    order = ("neighbours",) if m.is_total else ("england", "region", "neighbours")
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
    table[area] = _trend_cells(data, m, hidden_value, settings().small_number_threshold)
    headings = {"england": "England", "region": row.region_name or "Region", "neighbours": "Neighbour mean"}
    if m.is_total:
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

    alt = words.trend_alt_text(m, area, labels, list(data["value"]), [s.name for s in series[1:]],
                               [b for b, _ in breaks])
    comment = row.comment
    return MetricSection(
        view=view, title=title, periods=labels, series=series, breaks=breaks, table=table, data=data,
        alt_text=alt, commentary=(comment.text or None) if comment else None,
        commentary_by=(f"{comment.author}, {long_date(comment.written_at)}" if comment else None),
        exception_note=(comment.exception_words() or None) if comment else None,
        flags=list(row.flags), comparator_note=comparator_note,
        hidden_cells={"value": hidden_value, **comp_hidden})


def _used_sources(src: pd.DataFrame, metric_ids: set[str]) -> pd.DataFrame:
    """The releases behind the pack's figures (of queries.sources), with attribution filled in."""
    if not len(src):
        return src
    used = src["metrics"].fillna("").map(lambda text: bool(metric_ids & {m.strip() for m in text.split(",")}))
    src = src[used].copy()
    src["licence"] = src["licence"].fillna("")
    src["attribution"] = [a if isinstance(a, str) and a else (LICENCE_ATTRIBUTION if "Open Government" in lic
                                                             else LOCAL_ATTRIBUTION)
                          for a, lic in zip(src["attribution"], src["licence"])]
    src["released"] = [words.released_cell(r) for r in src["released"]]
    return src.reset_index(drop=True)


SOURCE_COLUMNS = ["publisher", "title", "released", "url", "licence", "attribution", "metrics"]
# What regenerating a pack --as-at its point reads as it stood then, and what as it is when run.
AS_AT_WORDS = ("The figures, targets, commentary, exception notes, priority areas, themes, accountable partners and "
               "the metric register, as they stood then. The list of sources and their release dates "
               "(data/sources.toml) and the areas are read as they are when it is run.")


def build_pack(con, area_code: str, term, public: bool = False, baseline=None,
               threshold: int = suppression.DEFAULT_THRESHOLD, produced: date | None = None,
               table_for=None, detail: bool = False) -> Pack:
    """Everything a pack says, for one area and term. Raises AreaNotFound or PeriodError for bad input.
    `table_for` may supply metric tables already held (tables.MetricTables: a page's or a worker's);
    `detail` adds each measure's slide to the PowerPoint deck, as an appendix."""
    config.public_url()  # a dashboard address that cannot be linked to is said before any work
    threshold = suppression.check_threshold(threshold)
    term = periods.parse(term) if isinstance(term, str) else term
    baseline = periods.parse(baseline) if isinstance(baseline, str) else baseline
    produced = produced or date.today()
    area = AreaIndex.from_store(con).resolve(area_code)
    metrics = metrics_from_store(con)
    tables = table_for or MetricTables(con, metrics)
    if public:
        built, hidden = suppression.public_card(con, area.code, term, threshold, baseline=baseline, table_for=tables,
                                                today=produced)
    else:
        built = card_module.build(con, area.code, term, baseline=baseline, table_for=tables, today=produced)
        hidden = {r.metric.id: set() for r in built.rows}
    board = summary.board_summary(built, area.level, hidden)
    lines = {r.metric_id: r for g in board for r in g.rows}
    views = [RowView(r, hidden[r.metric.id], lines[r.metric.id]) for r in built.rows]
    target_frame = targets.targets_for(con, area.code)
    counts = suppression.counts_lookup(queries.area_counts(con, area.code))
    sections = [section(v, built, tables, target_frame, counts, public, threshold) for v in views]
    caveats = [(v.metric.label, flag) for v in views for flag in v.row.flags]
    notes = []
    if public:
        notes.append(suppression.note(threshold))
        notes.append("Commentary marked internal-only is left out of this version.")
    if any(r.illustrative for g in board for r in g.rows):
        notes.append("Some figures are illustrative sample data, not real data: each is labelled "
                     f"\"{words.ILLUSTRATIVE_LABEL}\" where it appears.")
    notes.append(f"A rate on fewer than {settings().small_number_threshold} cases is labelled \"{words.SMALL_NUMBERS}\": "
                 "it is not ranked or banded, and its change is not called better or worse. A count is not ranked "
                 "or banded either: bigger areas have more.")
    notes.append("Every rate built from counts has a 95% confidence interval (Wilson's for a percentage, an exact "
                 "Poisson or Byar's interval for a rate per 100 or per 10,000). A rank and band are shown only where "
                 "the interval lies within the figure's own quartile band and at most one next to it; otherwise "
                 f"\"{words.RANK_UNCERTAIN}\". A change is better or worse only where the two periods differ at "
                 f"the 95% level; otherwise \"{words.NO_CLEAR_CHANGE}\". \"Similar to England\" means England's "
                 "figure lies inside the interval.")
    notes.append("Comparators (England, region, statistical neighbours) are the latest published figures, each "
                 "labelled with its own period. Where no national figure measures the same thing over the same "
                 f"kind of period, the comparator says \"{words.NO_COMPARABLE}\".")
    notes.append("RAG ratings are against the board's local targets. " + rag.RULES[rag.DEFAULT_RULE]
                 + " Measures without a target are not rated.")
    ids = {r.metric.id for r in built.rows} | {r.comparator_metric.id for r in built.rows if r.comparator_metric}
    all_sources = queries.sources(con)
    used = _used_sources(all_sources, ids)
    latest_periods = queries.latest_periods(con)
    behind = sources_info.publications_behind(all_sources, ids)
    releases = sources_info.latest_releases(all_sources, latest_periods, produced, publication_ids=behind)
    return Pack(card=built, public=public, threshold=threshold, produced=produced,
                summary=narrative.summary(built), rows=views, sections=sections, caveats=caveats, notes=notes,
                sources=used[SOURCE_COLUMNS] if len(used) else pd.DataFrame(columns=SOURCE_COLUMNS),
                board=board, releases=releases, inspection=_inspection_line(con, area), detail=detail,
                not_as_at=plan_history.caveats(con, settings().small_number_threshold),
                overdue=sources_info.overdue_sentence(all_sources, latest_periods, produced, behind),
                illustrative_notice=illustrative_notice(board))


def illustrative_notice(board: list[summary.SummaryGroup]) -> str | None:
    """'Illustrative figures are present: 9 of the 24 figures are made-up sample figures, not real
    data. The 5 ratings on them are counted apart from the area's own.' None when there are none."""
    total = summary.totals(board)
    shown = sum(r.illustrative for r in total.rows)
    if not shown:
        return None
    text = (f"Illustrative figures are present: {shown} of the {len(total.rows)} figures are made-up sample "
            "figures, not real data, each labelled \"illustrative\".")
    if total.illustrative_rated:
        rated = total.illustrative_rated
        text += (f" The {rated} rating{'s' if rated > 1 else ''} on them {'are' if rated > 1 else 'is'} counted "
                 "apart from the area's own.")
    return text


def _inspection_line(con, area) -> str | None:
    from .. import inspections

    found = inspections.latest(con, area.code) if area.level == "la" else None
    return found.sentence(data_to=inspections.data_runs_to(con)) if found else None
