"""What the store holds from each published source, and whether a newer release is probably out.

Each publication has a month in which a new release is expected each year (`cadence_month` in
data/sources.toml). The next release is expected in the first such month after the newest
release in the store; once that month has ended, the store may be out of date for that
publication. Pure functions over `queries.sources(con)`, so the Data page and tests share them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import pandas as pd

from .formatting import is_missing
from .published import INSPECTIONS_PUBLICATION, LOCAL_PUBLICATION
from .words import lower_first, period_phrase, released_cell, released_words

CURRENT, DUE, OVERDUE, UNSCHEDULED = "up to date", "due this month", "may be out of date", "no fixed date"
# Publishers as a sentence names them once their full names have been given elsewhere on the page.
SHORT_PUBLISHERS = {"Department for Education": "DfE", "Ministry of Justice and Department for Education": "MoJ and DfE",
                    "Ofsted (with CQC)": "Ofsted"}
# The kinds of period a yearly release adds, in the order a release's headline figures are named.
YEARLY_KINDS = ("calendar_year", "academic_year", "financial_year", "census_date")
RELEASE_COLUMNS = ["publisher", "title", "released", "next_expected", "covers", "current_figures",
                   "all_figures", "metrics", "licence", "attribution", "url"]


def _as_date(value) -> date | None:
    if value is None or is_missing(value) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def next_expected(last_release, cadence_month) -> date | None:
    """The first day of the month in which the release after `last_release` is expected: the first
    `cadence_month` strictly after the month of the last release. None without a cadence month."""
    last = _as_date(last_release)
    if last is None or cadence_month is None or is_missing(cadence_month):
        return None
    month = int(cadence_month)
    if not 1 <= month <= 12:
        raise ValueError(f"cadence month {cadence_month!r} is not a month (1 to 12)")
    year = last.year if month > last.month else last.year + 1
    return date(year, month, 1)


def _month_end(first: date) -> date:
    return date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])


def releases_missed(last_release, cadence_month, today: date) -> int:
    """How many yearly releases have come due, their month ended, since the newest one in the store
    (0 when none is overdue, or the publication has no fixed month)."""
    expected = next_expected(last_release, cadence_month)
    missed = 0
    while expected is not None and today > _month_end(expected):
        missed += 1
        expected = date(expected.year + 1, expected.month, 1)
    return missed


def short_publisher(publisher: str) -> str:
    """'DfE' for the Department for Education: the short name a one-line sentence uses."""
    return SHORT_PUBLISHERS.get(publisher, publisher)


def freshness(last_release, cadence_month, today: date) -> str:
    """CURRENT, DUE (the expected month is this month), OVERDUE (it has ended) or UNSCHEDULED."""
    expected = next_expected(last_release, cadence_month)
    if expected is None:
        return UNSCHEDULED
    if today < expected:
        return CURRENT
    return DUE if today <= _month_end(expected) else OVERDUE


def month_words(day) -> str:
    day = _as_date(day)
    return f"{calendar.month_name[day.month]} {day.year}" if day else ""


def covers_words(covers_from, covers_to) -> str:
    """'January 2019 to January 2025': the span of periods the store holds from a release."""
    start, end = month_words(covers_from), month_words(covers_to)
    if not start and not end:
        return "no figures"
    return start if start == end else f"{start} to {end}"


@dataclass(frozen=True)
class PublicationStatus:
    publication_id: str
    publisher: str
    title: str
    latest_release: str
    released: str
    next_expected: date | None
    status: str
    cadence: str
    data_to: date | None = None  # inspections: the newest inspection published in the store
    publication_title: str = ""  # "Education, health and care plans" (title: the newest release's own)

    @property
    def words(self) -> str:
        who = f"{self.publisher}, {self.title}"
        came = released_words(self.released)
        if self.publication_id == INSPECTIONS_PUBLICATION:
            runs = inspections_to_words(self.data_to)
            return (f"{self.publisher}, {self.publication_title or self.title}: {runs} (the newest inspection published in the store's files). An inspection or "
                    "revisit published since is not shown until a newer file is imported.")
        if self.status == OVERDUE:
            return (f"{who}: the store's newest release came out {came}; a new release was expected in "
                    f"{month_words(self.next_expected)}, so these figures may be out of date. Import the new "
                    "release when it is published.")
        if self.status == DUE:
            return (f"{who}: a new release is expected this month ({month_words(self.next_expected)}); "
                    f"the store's newest came out {came}.")
        if self.status == CURRENT:
            return (f"{who}: up to date (its newest release came out {came}); next expected "
                    f"{month_words(self.next_expected)}.")
        return f"{who}: newest release {came}; published {self.cadence.lower() or 'with no fixed date'}."


def inspections_to_words(data_to) -> str:
    """'Ofsted data to November 2023': how far the store's inspection data runs."""
    return f"Ofsted data to {month_words(data_to)}" if _as_date(data_to) else "no Ofsted data in the store"


def publication_status(sources: pd.DataFrame, today: date, inspections_to: date | None = None
                       ) -> list[PublicationStatus]:
    """One status per publication, judged on its newest release in the store (release_date); the
    inspections' says how far their data runs (`inspections_to`, inspections.data_runs_to)."""
    out = []
    if not len(sources):
        return out
    ordered = sources.sort_values("release_date", ascending=False, kind="stable")
    for publication_id, rows in ordered.groupby("publication_id", sort=False):
        latest = rows.iloc[0]
        out.append(PublicationStatus(
            publication_id=str(publication_id), publisher=str(latest["publisher"]), title=str(latest["title"]),
            latest_release=str(latest["id"]), released=str(latest["released"]),
            next_expected=next_expected(latest["release_date"], latest["cadence_month"]),
            status=freshness(latest["release_date"], latest["cadence_month"], today),
            cadence=str(latest["cadence"] or ""),
            data_to=_as_date(inspections_to) if publication_id == INSPECTIONS_PUBLICATION else None,
            publication_title=str(latest.get("publication_title") or "")))
    return sorted(out, key=lambda s: (s.status != OVERDUE, s.publisher, s.title))


def releases_table(sources: pd.DataFrame, today: date) -> pd.DataFrame:
    """The Data page's table of releases: one row each, with coverage, licence and next release."""
    if not len(sources):
        return pd.DataFrame(columns=RELEASE_COLUMNS)
    latest_by_pub = sources.groupby("publication_id")["release_date"].transform("max")
    rows = []
    for r, is_latest in zip(sources.to_dict("records"), sources["release_date"].eq(latest_by_pub)):
        expected = next_expected(r["release_date"], r["cadence_month"]) if is_latest else None
        if not is_latest:
            after = "superseded by a newer release in the store"
        elif expected is None:
            after = str(r["cadence"] or "no fixed date")
        else:
            after = f"{month_words(expected)} ({freshness(r['release_date'], r['cadence_month'], today)})"
        rows.append({"publisher": r["publisher"], "title": r["title"], "released": released_cell(r["released"]),
                     "next_expected": after, "covers": covers_words(r["covers_from"], r["covers_to"]),
                     "current_figures": int(r["current_figures"]), "all_figures": int(r["all_figures"]),
                     "metrics": r["metrics"] or "", "licence": r["licence"], "attribution": r["attribution"],
                     "url": r["url"]})
    return pd.DataFrame(rows, columns=RELEASE_COLUMNS)


def out_of_date(sources: pd.DataFrame, today: date) -> list[PublicationStatus]:
    return [s for s in publication_status(sources, today) if s.status == OVERDUE]


def latest_releases(sources: pd.DataFrame, latest_periods: pd.DataFrame, today: date,
                    publication_ids: set[str] | None = None) -> list[str]:
    """The staleness statement, said once at the top of a page and a pack: for each national source,
    its latest periods, when that release came out, and when the next is due ("DfE, Education, health
    and care plans: latest figures for calendar year 2024 and January 2025 census, released in June
    2025; the next, due in June 2026, is not loaded."). National releases lag
    by a year or more; that is normal, and said here rather than on every row. `latest_periods` is
    queries.latest_periods."""
    from .periods import Period

    lines = []
    # Inspections are not figures: the latest one has a line of its own in the header.
    national = sources[~sources["publication_id"].isin([LOCAL_PUBLICATION, INSPECTIONS_PUBLICATION])] if len(sources) else sources
    if publication_ids is not None and len(national):
        national = national[national["publication_id"].isin(publication_ids)]
    for status in publication_status(national, today):
        held = latest_periods[latest_periods["source_id"] == status.latest_release]
        described = [Period(str(r.label), str(r.kind), date.min, date.min).describe()
                     for r in held.sort_values("end_date").itertuples()]
        period = " and ".join(described) if described else "no figures"
        if status.next_expected is None:
            due = f"no fixed date for the next ({status.cadence.lower() or 'occasional'})"
        elif status.status == OVERDUE:
            due = f"the next, due in {month_words(status.next_expected)}, is not loaded"
        else:
            due = f"the next is due in {month_words(status.next_expected)}"
        lines.append(f"{short_publisher(status.publisher)}, {status.publication_title or status.title}: latest "
                     f"figures for {period}, released {released_words(status.released)}; {due}.")
    return lines


def _national(sources: pd.DataFrame, publication_ids: set[str] | None) -> pd.DataFrame:
    if not len(sources):
        return sources
    national = sources[~sources["publication_id"].isin([LOCAL_PUBLICATION, INSPECTIONS_PUBLICATION])]
    return national if publication_ids is None else national[national["publication_id"].isin(publication_ids)]


def headline_period(latest_periods: pd.DataFrame, release_id: str):
    """The newest period of a release's figures that a yearly release adds (a calendar, academic or
    financial year before a census date), as a Period; None where it holds none."""
    from .periods import from_label

    held = latest_periods[latest_periods["source_id"] == release_id]
    for kind in YEARLY_KINDS:
        of_kind = held[held["kind"] == kind]
        if len(of_kind):
            newest = of_kind.sort_values("end_date").iloc[-1]
            return from_label(str(newest["label"]), kind)
    return None


def overdue_sentence(sources: pd.DataFrame, latest_periods: pd.DataFrame, today: date,
                     publication_ids: set[str] | None = None) -> str | None:
    """One plain sentence (or two) for the top of a scorecard, a pack's first page and its first
    slide when a release of a source behind the figures is past due and not loaded: "The newest
    national figures here are for 2024. DfE's June 2026 release of education, health and care plans
    (2025 figures) has not been loaded." None when nothing is overdue. `latest_periods` is
    queries.latest_periods; `publication_ids` the publications behind the scorecard's measures
    (publications_behind)."""
    from .periods import years_later

    national = _national(sources, publication_ids)
    statuses = publication_status(national, today)
    heads = {s.latest_release: headline_period(latest_periods, s.latest_release) for s in statuses}
    newest = max((p for p in heads.values() if p is not None and p.kind != "census_date"),
                 key=lambda p: p.end, default=None)
    from .words import join

    # Releases of one publisher due in the same month are named together: "DfE's June 2026 releases of
    # education, health and care plans (2025 figures) and elective home education (2025/26 figures)".
    together: dict[tuple, list[str]] = {}
    count = 0
    for status in statuses:
        if status.status != OVERDUE:
            continue
        release = national[national["id"] == status.latest_release].iloc[0]
        missed = releases_missed(release["release_date"], release["cadence_month"], today)
        head = heads[status.latest_release]
        due = [years_later(head, k) for k in range(1, missed + 1)] if head is not None else []
        figures = ""
        if due:
            figures = period_phrase(due[0]) if len(due) == 1 else f"{period_phrase(due[0])} to {period_phrase(due[-1])}"
            figures = f" ({figures} figures)"
        what = lower_first(status.publication_title or status.title)
        key = (short_publisher(status.publisher), month_words(status.next_expected), missed > 1)
        together.setdefault(key, []).append(f"{what}{figures}")
        count += missed
    if not together:
        return None
    parts = []
    for (who, month, since), whats in together.items():
        noun = "releases" if since or len(whats) > 1 else "release"
        parts.append(f"{who}'s {noun} of {join(whats)} due since {month}" if since else
                     f"{who}'s {month} {noun} of {join(whats)}")
    lead = f"The newest national figures here are for {period_phrase(newest)}. " if newest is not None else ""
    if count == 1:
        return f"{lead}{parts[0]} has not been loaded."
    return f"{lead}These releases, due by now, have not been loaded: {join(parts)}."


def publications_behind(sources: pd.DataFrame, metric_ids: set[str]) -> set[str]:
    """The publications whose releases hold figures for any of `metric_ids` (of queries.sources): the
    ones a scorecard's staleness statement speaks of."""
    if not len(sources):
        return set()
    used = sources["metrics"].fillna("").map(lambda text: bool(metric_ids & {m.strip() for m in text.split(",")}))
    return set(sources[used]["publication_id"])
