"""The scorecard: one row per metric for an area and term. The home page, `scorecard card` and every
pack use this one function, so they always show the same numbers.

For each metric the row holds the latest figure at or before the end of the term and its period,
the previous figure of the same kind and the change, the target and RAG rating with its reason,
England, the region and the neighbour mean each with its own period, the rank and quartile, the
commentary, and flags: a stale figure or comparator, a series break or boundary change in the
window, illustrative or calculated figures, a red rating without an exception note.
"""

from __future__ import annotations

import bisect
from collections import namedtuple
from dataclasses import dataclass, field
from types import SimpleNamespace
from datetime import date

import pandas as pd

from . import board_setup, commentary, periods, priorities, rag, sources_info, targets, uncertainty
from .as_at import point as store_point
from .areas import ENGLAND, AreaIndex
from . import words
from .formatting import change_words, direction, fmt, is_missing
from .published import BOARD_STATUSES, COMPUTED, ILLUSTRATIVE, LOCAL_PUBLICATION, status_words
from .register import DEFAULT_PARTNER, PARTNERS, Metric, metrics_from_store, settings
from .tables import MetricTables

FLAG_ILLUSTRATIVE = "Illustrative figures, not real data"
FLAG_NO_EXCEPTION_NOTE = "Red without an exception note"
FLAG_SMALL_NUMBERS = "Small numbers: treat with caution"
FLAG_BEHIND = "Behind"
FLAG_RANK_UNCERTAIN = "Rank uncertain: small numbers (its 95% confidence interval spans more than two quartile bands)"
TREND_POINTS = 8
CARD_COLUMNS = [
    "metric", "value", "period", "previous", "previous_period", "change", "target", "rag", "rag_reason",
    "england", "england_period", "region", "sn_mean", "sn_count", "rank", "rank_of", "quartile", "commentary", "flags",
    "ci_lower", "ci_upper", "rank_uncertain", "behind",
]
# With a stocktake baseline (`card --baseline`), these follow.
BASELINE_COLUMNS = ["baseline", "baseline_period", "baseline_note", "change_since_baseline", "baseline_break",
                    "trajectory_progress"]


@dataclass
class CardRow:
    metric: Metric
    group: str
    partner: str = DEFAULT_PARTNER  # who is accountable to the board for it (register.PARTNERS), for this area
    value: float | None = None
    status: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    small_numbers: bool = False  # a rate on a denominator below the small-number threshold
    period: periods.Period | None = None
    source: str | None = None  # the title of the release the latest figure came from
    source_publisher: str | None = None
    source_released: str | None = None
    note: str | None = None
    previous: float | None = None
    previous_status: str | None = None
    previous_period: periods.Period | None = None
    previous_small_numbers: bool = False
    previous_numerator: float | None = None
    previous_denominator: float | None = None
    newest_period: periods.Period | None = None  # the newest period its source holds for any area
    last_year: float | None = None
    last_year_period: str | None = None
    baseline: float | None = None
    baseline_period: str | None = None
    baseline_note: str | None = None  # "the nearest term to the baseline", where it is not the baseline itself
    baseline_break: str | None = None  # a series break between the baseline and the latest figure
    comparator_metric: Metric | None = None
    comparator_period: periods.Period | None = None
    england: float | None = None
    region: float | None = None
    region_name: str | None = None
    region_note: str | None = None
    sn_mean: float | None = None
    sn_count: int | None = None
    sn_of: int | None = None
    rank: int | None = None
    rank_of: int | None = None
    quartile: str | None = None
    rank_uncertain: bool = False  # its interval spans more than two quartile bands: no rank or band
    rank_caveat: str | None = None  # why the rank is not comparable (the register's rank_caveat), in a sentence
    behind: str | None = None  # why the figure is behind the period its source should have by now
    published_since: list = field(default_factory=list)  # the measure's published periods after this figure's
    target: targets.Target | None = None
    rating: rag.Rating = field(default_factory=lambda: rag.Rating(None, ""))
    comment: commentary.Comment | None = None
    trend: list[dict] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    # The register's `shown_with` measures for the same area and period: (metric, value, status).
    alongside: list[tuple[Metric, float | None, str | None]] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        if is_missing(self.value) or is_missing(self.previous):
            return None
        return self.value - self.previous

    @property
    def interval(self) -> uncertainty.Interval | None:
        """The latest figure's 95% confidence interval, where it is built from known counts."""
        if is_missing(self.value):
            return None
        return uncertainty.interval(self.metric.unit, self.numerator, self.denominator, self.metric.signed)

    @property
    def previous_interval(self) -> uncertainty.Interval | None:
        if is_missing(self.previous):
            return None
        return uncertainty.interval(self.metric.unit, self.previous_numerator, self.previous_denominator,
                                    self.metric.signed)

    @property
    def clear_change(self) -> bool | None:
        """Whether the change from the previous figure is significant at the 95% level; None where the
        counts behind either figure are not known."""
        if is_missing(self.change):
            return None
        return uncertainty.differ(self.value, self.interval, self.previous, self.previous_interval)

    @property
    def direction(self) -> str:
        """'better', 'worse', 'no change', 'no clear change', 'changed' or 'unknown'. A change within the
        two figures' uncertainty (not significant at 95%) is 'no clear change'. A change to or from a
        figure on small numbers is never called better or worse, nor is a change of a measure with no
        better direction ('changed')."""
        how = direction(self.change, self.metric)
        if how in ("better", "worse", "changed") and self.clear_change is False:
            return "no clear change"
        if how in ("better", "worse") and (self.small_numbers or self.previous_small_numbers):
            return "changed"
        return how

    @property
    def partner_words(self) -> str:
        """'Health (ICB)': the accountable partner in words."""
        return PARTNERS.get(self.partner, self.partner)

    @property
    def like_with_like(self) -> bool:
        """Whether a national figure measures the same thing over the same kind of period: the same unit
        and the same kind of period. Where not ("Tribunal appeals this term" beside England's year's
        total, a census-day count beside children home-educated at any time in the year), the England,
        region and neighbours cells say there is no comparable national figure."""
        cm, cp = self.comparator_metric, self.comparator_period
        if cm is None or cp is None or self.period is None:
            return False
        return cm.unit == self.metric.unit and cp.kind == self.period.kind

    @property
    def comparable(self) -> bool:
        """Whether the national figures compare like with like: the same unit and the same kind of
        period, and not a count (England's count is a national total). Otherwise they are context only,
        "not directly comparable", with no difference and no better or worse."""
        cm, cp = self.comparator_metric, self.comparator_period
        if cm is None or cp is None or self.period is None:
            return False
        return cm.unit == self.metric.unit and cp.kind == self.period.kind and not self.metric.is_total

    @property
    def change_since_baseline(self) -> float | None:
        if is_missing(self.value) or is_missing(self.baseline):
            return None
        return self.value - self.baseline

    @property
    def trajectory_progress(self) -> float | None:
        """Share of the way from the baseline to the target, in per cent (stocktake packs)."""
        if self.target is None or is_missing(self.baseline) or is_missing(self.value):
            return None
        distance = self.target.target - self.baseline
        return None if distance == 0 else 100 * (self.value - self.baseline) / distance

    def words(self, value) -> str:
        return fmt(value, self.metric)

    @property
    def value_words(self) -> str:
        return fmt(self.value, self.metric, self.status)

    @property
    def comparator_period_words(self) -> str:
        return self.comparator_period.describe() if self.comparator_period else ""

    @property
    def needs_exception_note(self) -> bool:
        return self.rating.rag == rag.RED and not (self.comment and self.comment.has_exception_note)


@dataclass
class Card:
    area_code: str
    area_name: str
    term: periods.Period
    rows: list[CardRow]
    as_at: object = None  # when the store last changed (an import, undo, target or commentary)
    baseline: periods.Period | None = None
    store_point: object = None  # as_at.StorePoint: the store's version and moment, printed on packs

    def groups(self) -> list[tuple[str, list[CardRow]]]:
        order: dict[str, list[CardRow]] = {}
        for row in self.rows:
            order.setdefault(row.group, []).append(row)
        return list(order.items())

    def rag_counts(self, rows: list[CardRow] | None = None) -> dict[str, int]:
        """Ratings on real figures only: a rating on an illustrative figure is counted apart
        (illustrative_rated), never as the area's own."""
        rows = self.rows if rows is None else rows
        return {r: sum(1 for x in rows if x.rating.rag == r and x.status != ILLUSTRATIVE)
                for r in (rag.RED, rag.AMBER, rag.GREEN)}

    def illustrative_rated(self, rows: list[CardRow] | None = None) -> int:
        """How many measures are rated on illustrative (made-up) figures."""
        rows = self.rows if rows is None else rows
        return sum(1 for x in rows if x.rating.rag and x.status == ILLUSTRATIVE)

    def frame(self) -> pd.DataFrame:
        """The scorecard as data (the columns `scorecard card` prints), plus detail columns."""
        return pd.DataFrame([_as_record(r) for r in self.rows]) if self.rows else pd.DataFrame(columns=CARD_COLUMNS)


def _as_record(r: CardRow) -> dict:
    cp = r.comparator_period.label if r.comparator_period else None
    comment = r.comment
    return {
        "metric": r.metric.id, "value": r.value, "numerator": r.numerator, "denominator": r.denominator,
        "small_numbers": r.small_numbers, "period": r.period.label if r.period else None,
        "previous": r.previous, "previous_period": r.previous_period.label if r.previous_period else None,
        "change": r.change, "target": r.target.target if r.target else None, "rag": r.rating.rag,
        "rag_reason": r.rating.reason, "england": r.england, "england_period": cp, "region": r.region,
        "sn_mean": r.sn_mean, "sn_count": r.sn_count, "rank": r.rank, "rank_of": r.rank_of, "quartile": r.quartile,
        "commentary": comment.text if comment else None, "flags": "; ".join(r.flags),
        # detail
        "metric_name": r.metric.name, "group": r.group, "partner": r.partner_words, "unit": r.metric.unit, "polarity": r.metric.polarity,
        "decimals": r.metric.decimals, "status": r.status, "status_words": status_words(r.status),
        "source": r.source, "region_period": cp, "region_name": r.region_name, "region_note": r.region_note,
        "sn_period": cp, "sn_of": r.sn_of, "comparator_metric": r.comparator_metric.id if r.comparator_metric else None,
        "tolerance": r.target.tolerance if r.target else None, "change_words": change_words(r.change, r.metric),
        "direction": r.direction, "comparable": r.comparable, "last_year": r.last_year, "last_year_period": r.last_year_period,
        "baseline": r.baseline, "baseline_period": r.baseline_period, "change_since_baseline": r.change_since_baseline,
        "trajectory_progress": r.trajectory_progress,
        "exception_note": comment.exception_words() if comment else None,
        "commentary_author": comment.author if comment else None,
        "commentary_date": comment.written_at if comment else None,
        "commentary_internal": comment.internal if comment else None,
        "ci_lower": round(r.interval.lower, r.metric.decimals + 1) if r.interval else None,
        "ci_upper": round(r.interval.upper, r.metric.decimals + 1) if r.interval else None,
        "ci_method": r.interval.method if r.interval else None, "rank_uncertain": r.rank_uncertain,
        "rank_caveat": r.rank_caveat, "behind": r.behind, "baseline_note": r.baseline_note,
        "baseline_break": r.baseline_break, "like_with_like": r.like_with_like,
    }


def _period(row) -> periods.Period:
    return periods.Period(row.period, row.period_kind, row.start_date, row.end_date)


_SERIES_FIELDS = ("metric_id", "period", "period_kind", "start_date", "end_date", "value", "numerator", "denominator",
                  "status", "note", "source", "source_publisher", "source_released", "publication_id")
SeriesRecord = namedtuple("SeriesRecord", _SERIES_FIELDS)


def _area_series(con, area_code: str, as_of: date) -> list[SeriesRecord]:
    """The area's current figures up to `as_of`, by measure and then date (plain records: a card
    reads a few hundred of them, one at a time)."""
    return [SeriesRecord(*r) for r in con.execute(
        """SELECT v.metric_id, v.period_label AS period, p.kind AS period_kind, p.start_date, p.end_date,
                  v.value, v.numerator, v.denominator, v.status, v.note, s.title AS source,
                  pu.publisher AS source_publisher, s.released AS source_released, s.publication_id
           FROM metric_value v JOIN period p ON p.label = v.period_label
           LEFT JOIN source_release s ON s.id = v.source_id
           LEFT JOIN publication pu ON pu.id = s.publication_id
           WHERE v.is_current AND v.area_code = ? AND p.end_date <= ?
           ORDER BY v.metric_id, p.end_date, p.start_date""",
        [area_code, as_of]).fetchall()]


@dataclass(frozen=True)
class Publication:
    """What a publication's releases in the store hold: who publishes it, when its newest release came
    out and in which month each year the next is due, and its newest period of each kind."""

    publisher: str
    newest_release: date | None
    cadence_month: int | None
    newest: dict  # period kind -> Period


def _publications(con) -> tuple[dict[str, Publication], dict[str, tuple[str, str]]]:
    """Every publication with figures in the store, and each release's (publication id, publisher)."""
    releases = {rid: (pid, who) for rid, pid, who in con.execute(
        "SELECT r.id, r.publication_id, p.publisher FROM source_release r JOIN publication p ON p.id = r.publication_id"
    ).fetchall()}
    newest: dict[str, dict] = {}
    for pid, kind, label, start, end in con.execute(
            """SELECT s.publication_id, p.kind, arg_max(p.label, p.end_date), arg_max(p.start_date, p.end_date),
                      max(p.end_date)
               FROM metric_value v JOIN source_release s ON s.id = v.source_id JOIN period p ON p.label = v.period_label
               WHERE v.is_current GROUP BY ALL""").fetchall():
        newest.setdefault(pid, {})[kind] = periods.Period(label, kind, start, end)
    out = {}
    for pid, who, released, month in con.execute(
            """SELECT p.id, p.publisher, max(r.release_date), any_value(p.cadence_month)
               FROM publication p JOIN source_release r ON r.publication_id = p.id
               WHERE r.id IN (SELECT DISTINCT source_id FROM metric_value) GROUP BY ALL""").fetchall():
        out[pid] = Publication(who, released, None if month is None else int(month), newest.get(pid, {}))
    return out, releases


def _metrics_with_national_data(con) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT DISTINCT metric_id FROM metric_value WHERE is_current AND area_code = ?", [ENGLAND]).fetchall()}


def build(con, area_code: str, term: str | periods.Period, metric_ids: list[str] | None = None,
          public: bool = False, baseline: str | periods.Period | None = None,
          table_for: MetricTables | None = None, areas: AreaIndex | None = None, today: date | None = None) -> Card:
    """Build the scorecard for an area and term. `table_for` may supply metric tables already held
    (a pack's, a worker's or a dashboard process's), with the register they were read with, and
    `areas` the area index, where the caller holds them for the store as it is. `today` (default: the
    date today) decides which releases are overdue, and so which figures are behind."""
    today = today or date.today()
    term = periods.parse(term) if isinstance(term, str) else term
    baseline = periods.parse(baseline) if isinstance(baseline, str) else baseline
    metrics = table_for.metrics if table_for is not None else metrics_from_store(con)
    small_threshold = settings().small_number_threshold
    index = areas or AreaIndex.from_store(con)
    area = index.get(area_code)
    series = _area_series(con, area.code, term.end)
    local_targets = targets.targets_for(con, area.code)
    comments = commentary.latest(con, area.code, term.label)
    plan = priorities.priorities_for(con, area.code)
    group_of = {m: p.heading for p in plan for m in p.metric_ids}
    themes = board_setup.themes_for(con, area.code)
    theme_titles = {t.id: t.title for t in themes}
    setup = board_setup.settings_for(con, area.code, metrics)
    national_data = _metrics_with_national_data(con)
    table_for = table_for or MetricTables(con, metrics)
    if metric_ids is None:
        have = {r.metric_id for r in series} | set(local_targets["metric_id"])
        metric_ids = [m.id for m in metrics.values() if m.on_scorecard and (m.id in have or m.id in national_data)]
    ordered = _order(metric_ids, metrics, plan, [t.id for t in themes], setup)
    caveats = [metrics[mid].rank_caveat[0] for mid in ordered if metrics[mid].rank_caveat]
    table_for.need([m for mid in [*ordered, *caveats] for m in (mid, metrics[mid].national_equivalent)
                    if m and m in national_data])
    newest_local = _newest_local_period(series, metrics)
    publications, releases = _publications(con)
    by_metric: dict[str, list[SeriesRecord]] = {}
    for record in series:  # in date order, as the query sorts them
        by_metric.setdefault(record.metric_id, []).append(record)
    if area.level == "region":
        _add_calculated_region(by_metric, area.code, [m for m in ordered if m in national_data], table_for, releases)
    rows = []
    for mid in ordered:
        metric = metrics[mid]
        group = group_of.get(mid) or ("Other measures" if plan else theme_titles.get(setup[mid].theme, "Other measures"))
        row = CardRow(metric, group, setup[mid].partner)
        _fill_values(row, by_metric.get(mid, []), term, baseline, small_threshold)
        _fill_alongside(row, by_metric, metrics)
        _fill_comparators(row, metric, metrics, area, term, table_for, national_data)
        if not metric.national and row.period is not None and newest_local is not None \
                and row.period.kind == newest_local.kind:
            row.newest_period = newest_local
        _fill_behind(row, by_metric.get(mid, []), publications, min(today, term.end), term)
        _fill_rank_caveat(row, by_metric, metrics, table_for, national_data)
        target = targets.target_for(local_targets, mid, row.period) if row.period else None
        row.target = target
        row.rating = rag.rate(row.value, target.target if target else None, target.tolerance if target else None,
                              metric.polarity, row.previous, metric.rag_rule, metric.decimals, metric.unit,
                              metric.amber_margin)
        comment = comments.get(mid)
        row.comment = None if (comment and public and comment.internal) else comment
        _flag(row, area, index, term)
        rows.append(row)
    point = store_point(con)
    return Card(area.code, area.name, term, rows, point.moment, baseline, point)


def _add_calculated_region(by_metric: dict[str, list], region_code: str, metric_ids: list[str], table_for,
                           releases: dict[str, tuple[str, str]]) -> None:
    """A region's figures where no regional figure is published (the MoJ table): the figure every LA's
    card gives for the region, calculated from its LAs (comparators: status "computed", the note
    saying how), so the region's own scorecard says the same."""
    for mid in metric_ids:
        table = table_for(mid)
        mine = table[(table["area_code"] == region_code) & (table["status"] == COMPUTED)]
        if not len(mine):
            continue
        have = {r.period for r in by_metric.get(mid, [])}
        added = [SeriesRecord(mid, r.period, r.period_kind, r.start_date, r.end_date, r.value,
                              None if is_missing(r.numerator) else r.numerator,
                              None if is_missing(r.denominator) else r.denominator, r.status, r.note, r.source,
                              releases.get(r.source_id, (None, None))[1], r.source_released,
                              releases.get(r.source_id, (None, None))[0])
                 for r in mine.itertuples(index=False) if r.period not in have]
        if added:
            by_metric[mid] = sorted([*by_metric.get(mid, []), *added], key=lambda r: (r.end_date, r.start_date))


def _fill_behind(row: CardRow, series: list, publications: dict[str, Publication], today: date,
                 term: periods.Period) -> None:
    """Whether the row's figure is behind, and why (PRODUCT.md, "Overdue is not normal"):
    * older than the latest period its source should have published by now: the publication's newest
      period of that kind, moved on a year for each of its releases that has come due unloaded (a past
      term's scorecard is judged as at the term's end, and not against figures from after it);
    * more than one period older than its own measure's latest national period;
    * a local measure left out of the area's newest termly return."""
    if row.period is None or not series:
        return
    m = row.metric
    newest = row.newest_period
    if not m.national:
        if newest is not None and newest.end > row.period.end:
            row.behind = f"the area's newest return is for {newest.describe()}, but this figure is for " \
                         f"{row.period.describe()}"
        return
    later = [p for p in row.published_since if p.kind == row.period.kind and p.end > row.period.end]
    if len(later) >= 2:
        row.behind = (f"{newest.describe() if newest else later[-1].describe()} is published for this measure, "
                      f"but this area's latest figure is for {row.period.describe()}")
        return
    pub = publications.get(series[-1].publication_id)
    if pub is None or pub.publisher is None:
        return
    held = pub.newest.get(row.period.kind)
    if held is None or held.end > term.end:
        return
    missed = sources_info.releases_missed(pub.newest_release, pub.cadence_month, today)
    expected = periods.years_later(held, missed) if missed else held
    if expected is None or row.period.end >= expected.end:
        return
    who = sources_info.short_publisher(pub.publisher)
    due = sources_info.next_expected(pub.newest_release, pub.cadence_month)
    if row.period.end >= held.end:
        following = periods.years_later(held, 1)
        row.behind = (f"{who}'s {sources_info.month_words(due)} release ({words.period_phrase(following)} figures) "
                      "was due and has not been loaded")
    elif missed:
        row.behind = (f"its source's newest figures are for {held.describe()}, and {who}'s "
                      f"{sources_info.month_words(due)} release is due and not loaded")
    else:
        row.behind = f"its source's newest figures are for {held.describe()}, but this area's are for " \
                     f"{row.period.describe()}"


def _fill_rank_caveat(row: CardRow, by_metric: dict[str, list], metrics, table_for, national_data) -> None:
    """The register's rank_caveat: where the area's figure for another measure (the withdrawn share)
    is far above England's for the same period, this measure's rank is not comparable."""
    if not row.metric.rank_caveat or row.period is None or (not row.rank and not row.rank_uncertain):
        return
    other_id, points, said = row.metric.rank_caveat
    if other_id not in metrics or other_id not in national_data:
        return
    mine = next((r for r in by_metric.get(other_id, []) if r.period == row.period.label), None)
    table = table_for(other_id)
    england = table[(table["area_code"] == ENGLAND) & (table["period"] == row.period.label)]["value"]
    if mine is None or is_missing(mine.value) or not len(england) or is_missing(england.iloc[0]):
        return
    other = metrics[other_id]
    if float(mine.value) - float(england.iloc[0]) >= points:
        row.rank_caveat = f"{fmt(mine.value, other)} {said}, far above England's {fmt(england.iloc[0], other)}"


def _newest_local_period(series: list[SeriesRecord], metrics) -> periods.Period | None:
    """The newest term of the area's own returns: a local measure left out of it is behind."""
    local = [r for r in series if r.period_kind == "term" and r.metric_id in metrics and not metrics[r.metric_id].national]
    return _period(max(local, key=lambda r: r.end_date)) if local else None


def _order(metric_ids, metrics, plan, themes: list[str], setup) -> list[str]:
    if plan:
        mapped = [m for p in plan for m in p.metric_ids if m in metric_ids]
        rest = [m for m in metric_ids if m not in mapped]
        return mapped + sorted(rest, key=lambda m: list(metrics).index(m))
    return sorted(metric_ids, key=lambda m: (themes.index(setup[m].theme) if setup[m].theme in themes else 99,
                                             list(metrics).index(m)))


def _small(metric: Metric, denominator, threshold: int) -> bool:
    return metric.unit in ("%", "rate per 100", "per 10,000") and not is_missing(denominator) and float(denominator) < threshold


def _fill_values(row: CardRow, series: list, term: periods.Period, baseline, small_threshold: int) -> None:
    """The row's own figures from the area's records for its measure (oldest period first)."""
    if not series:
        return
    latest = series[-1]
    row.value = None if is_missing(latest.value) else float(latest.value)
    row.status, row.period, row.source = latest.status, _period(latest), latest.source
    row.note = None if is_missing(latest.note) else latest.note
    row.source_publisher, row.source_released = latest.source_publisher, latest.source_released
    row.numerator = None if is_missing(latest.numerator) else float(latest.numerator)
    row.denominator = None if is_missing(latest.denominator) else float(latest.denominator)
    row.small_numbers = _small(row.metric, latest.denominator, small_threshold)
    same_kind = [r for r in series if r.period_kind == latest.period_kind]
    if len(same_kind) >= 2:
        prev = same_kind[-2]
        row.previous = None if is_missing(prev.value) else float(prev.value)
        row.previous_status, row.previous_period = prev.status, _period(prev)
        row.previous_small_numbers = _small(row.metric, prev.denominator, small_threshold)
        row.previous_numerator = None if is_missing(prev.numerator) else float(prev.numerator)
        row.previous_denominator = None if is_missing(prev.denominator) else float(prev.denominator)
    if latest.period_kind == "term":
        name, year = latest.period.split(" ", 1)
        start = int(year[:4]) - 1
        label = f"{name} {start}/{(start + 1) % 100:02d}"
        match = next((r for r in series if r.period == label), None)
        if match is not None:
            row.last_year, row.last_year_period = match.value, label
    row.trend = [{"period": r.period, "value": None if is_missing(r.value) else float(r.value), "status": r.status}
                 for r in same_kind[-TREND_POINTS:]]
    if baseline is not None:
        b = _baseline_record(same_kind, baseline)
        if b is not None:
            row.baseline = None if is_missing(b.value) else float(b.value)
            row.baseline_period = b.period
            if b.period_kind == "term" and b.period != baseline.label:
                row.baseline_note = f"the nearest term to the baseline, {baseline.describe()}"
            row.baseline_break = _break_between(row.metric, _period(b), row.period)


BASELINE_REACH_DAYS = 366  # a termly baseline is the nearest term ending within a year of the baseline's end


def _baseline_record(same_kind: list, baseline: periods.Period):
    """The figure at the baseline: the latest period ending by the baseline's end; for a termly measure,
    the nearest term to the baseline (ending within a year of its end), so a year's baseline finds the
    termly figure closest to it, but never the latest term itself."""
    candidates = same_kind[:-1]
    if same_kind and same_kind[-1].period_kind == "term":
        near = [r for r in candidates if abs((r.end_date - baseline.end).days) <= BASELINE_REACH_DAYS]
        return min(near, key=lambda r: (abs((r.end_date - baseline.end).days), r.end_date)) if near else None
    before = [r for r in same_kind if r.end_date <= baseline.end]
    return before[-1] if before else None


def _break_between(metric: Metric, earlier: periods.Period, later: periods.Period) -> str | None:
    """'the series break at 2023' where one of the measure's series breaks falls after `earlier` and by
    `later`: a change across it is not like with like."""
    for label, _ in metric.breaks:
        try:
            starts = periods.parse(label).start
        except periods.PeriodError:
            continue
        if earlier.end < starts <= later.end:
            return words.series_break(label)
    return None


def _fill_alongside(row: CardRow, by_metric: dict[str, list], metrics: dict[str, Metric]) -> None:
    """The figures of the measures read beside this one (register `shown_with`), for its period."""
    if row.period is None or not row.metric.shown_with:
        return
    for mid in row.metric.shown_with:
        r = next((r for r in by_metric.get(mid, []) if r.period == row.period.label), None)
        if r is not None and mid in metrics:
            row.alongside.append((metrics[mid], None if is_missing(r.value) else float(r.value), r.status))


_PERIOD_FIELDS = ["period", "period_kind", "start_date", "end_date"]
# What a card reads from another area's row of a metric table.
_COMPARATOR_FIELDS = ("region", "region_note", "sn_mean", "sn_count", "sn_of", "rank", "rank_of", "quartile",
                      "rank_uncertain")


class _TableLookup:
    """What every card asks of one metric's table (all areas, with comparators), worked out once per
    table rather than by filtering it for each area: England's figures and the publisher's periods in
    date order, and each area's row for each period."""

    def __init__(self, table: pd.DataFrame):
        # The comparator query returns each metric's rows in date order already: sort only if not.
        dated = table if table["end_date"].is_monotonic_increasing else table.sort_values("end_date", kind="stable")
        england = dated.loc[(dated["area_code"] == ENGLAND) & dated["value"].notna(), _PERIOD_FIELDS + ["value"]]
        self.england = list(england.itertuples(index=False))
        self.england_ends = [r.end_date for r in self.england]
        published = dated.loc[~dated["status"].isin(BOARD_STATUSES), _PERIOD_FIELDS]
        self.published = list(published.drop_duplicates("period", keep="last").itertuples(index=False))
        self.published_ends = [r.end_date for r in self.published]
        self._table = table
        self._positions = None  # (area, period) -> row position, indexed on first use
        self._columns: dict[str, list] = {}

    def row(self, area_code: str, period: str):
        """The table's comparator fields for an area and period, or None."""
        if self._positions is None:  # sessions share lookups: the index is published only when whole
            keys = zip(self._table["area_code"].tolist(), self._table["period"].tolist())
            self._columns = {c: self._table[c].tolist() for c in _COMPARATOR_FIELDS}
            self._positions = {key: i for i, key in enumerate(keys)}
        i = self._positions.get((area_code, period))
        if i is None:
            return None
        return SimpleNamespace(**{c: values[i] for c, values in self._columns.items()})

    def latest(self, rows: list, ends: list, end) -> object | None:
        """The last of `rows` (in date order) ending on or before `end`."""
        i = bisect.bisect_right(ends, end)
        return rows[i - 1] if i else None


_LOOKUPS: dict[int, tuple[pd.DataFrame, _TableLookup]] = {}


def _lookup(table: pd.DataFrame) -> _TableLookup:
    """The lookup for a table, kept while the table is (cached tables are the same object each time)."""
    found = _LOOKUPS.get(id(table))
    if found is None or found[0] is not table:
        if len(_LOOKUPS) > 256:
            _LOOKUPS.clear()
        found = _LOOKUPS[id(table)] = (table, _TableLookup(table))
    return found[1]


def _fill_comparators(row: CardRow, metric: Metric, metrics, area, term, table_for, national_data) -> None:
    nat_id = metric.id if metric.national else metric.national_equivalent
    if metric.national and metric.id in national_data:
        own = _lookup(table_for(metric.id))
        newest = own.latest(own.published, own.published_ends, term.end)
        if newest is not None:
            row.newest_period = _period(newest)
        if row.period is not None:
            start = bisect.bisect_right(own.published_ends, row.period.end)
            stop = bisect.bisect_right(own.published_ends, term.end)
            row.published_since = [_period(p) for p in own.published[start:stop] if p.period_kind == row.period.kind]
    if not nat_id or nat_id not in national_data:
        return
    lookup = _lookup(table_for(nat_id))
    row.comparator_metric = metrics[nat_id]
    latest = lookup.latest(lookup.england, lookup.england_ends, term.end)
    if latest is None:
        return
    row.comparator_period = _period(latest)
    if row.period is not None and not row.like_with_like:
        return  # no national figure measures the same thing over the same kind of period: none is shown
    row.england = None if area.code == ENGLAND else float(latest.value)
    r = lookup.row(area.code, latest.period)
    if area.level == "la" and r is not None:
        row.region = None if is_missing(r.region) else float(r.region)
        row.region_note = r.region_note if not is_missing(r.region_note) else None
        row.region_name = area.region_name
        row.sn_mean = None if is_missing(r.sn_mean) else float(r.sn_mean)
        row.sn_count = None if is_missing(r.sn_count) else int(r.sn_count)
        row.sn_of = None if is_missing(r.sn_of) else int(r.sn_of)
        if metric.id == nat_id:
            row.rank = None if is_missing(r.rank) else int(r.rank)
            row.rank_of = None if is_missing(r.rank_of) else int(r.rank_of)
            row.quartile = None if is_missing(r.quartile) else r.quartile
            row.rank_uncertain = not is_missing(r.rank_uncertain) and bool(r.rank_uncertain)


def _flag(row: CardRow, area, index: AreaIndex, term: periods.Period) -> None:
    m = row.metric
    if row.period is None:
        preds = [index.get(p).name for p, kind in index.lineage(area.code) if kind != "code change"]
        if preds and m.national:
            row.flags.append(f"No figure yet for {area.name}, formed in {area.valid_from:%B %Y}: earlier figures "
                             f"are for {', '.join(preds)}")
        else:
            row.flags.append("No figure yet for this area" + ("" if m.national else ": add it with a local return"))
        return
    if row.value is None:
        row.flags.append(f"No figure for {row.period.describe()}: {status_words(row.status)}")
    # National releases lag by a year or more, and that is said once per page and pack
    # (sources_info.latest_releases). A row is flagged only when its own figure is behind: older than
    # its source should have by now, or than its measure's latest national figures (_fill_behind).
    if row.behind:
        row.flags.append(f"{FLAG_BEHIND}: {row.behind}")
    if row.comparator_period:
        if row.comparator_period.end > row.period.end and row.comparator_period.kind == row.period.kind:
            row.flags.append(f"Older than its comparators, which are for {row.comparator_period.describe()}")
    elif area.level != "england":
        row.flags.append("No national comparator for this measure")
    if row.trend:
        first = periods.from_label(row.trend[0]["period"])
        for label, note in m.breaks:
            try:
                brk = periods.parse(label)
            except periods.PeriodError:
                continue
            if first.end < brk.end <= row.period.end:
                row.flags.append(f"Series break at {label}: {note}")
        if area.valid_from and first.start < area.valid_from <= row.period.end:
            preds = ", ".join(index.get(p).name for p, _ in index.lineage(area.code))
            row.flags.append(f"Boundary change: {area.name} was formed in {area.valid_from:%B %Y}"
                             + (f" (from {preds})" if preds else ""))
    if row.status == ILLUSTRATIVE or any(t["status"] == ILLUSTRATIVE for t in row.trend):
        row.flags.append(FLAG_ILLUSTRATIVE)
    if row.small_numbers:
        row.flags.append(FLAG_SMALL_NUMBERS)
    if row.rank_uncertain:
        row.flags.append(FLAG_RANK_UNCERTAIN)
    if row.rank_caveat:
        row.flags.append(f"Rank not comparable: {row.rank_caveat}")
    if row.baseline_break:
        row.flags.append(f"The change since the baseline crosses {row.baseline_break}: not strictly comparable")
    if row.status == COMPUTED and area.level == "region" and row.note:
        row.flags.append(f"No regional figure is published: {row.note.split(';')[0]}, as every local "
                         "authority's scorecard gives it")
    elif row.status == COMPUTED:
        row.flags.append("Calculated from published counts (the release printed no rate)")
    if row.needs_exception_note:
        row.flags.append(FLAG_NO_EXCEPTION_NOTE)


def describe_comparators(row: CardRow) -> dict[str, str]:
    """Words for each comparator with its own period, for tables and packs (words.comparator_cells)."""
    return words.comparator_cells(row)
