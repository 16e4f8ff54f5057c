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

CURRENT, DUE, OVERDUE, UNSCHEDULED = "up to date", "due this month", "may be out of date", "no fixed date"
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

    @property
    def words(self) -> str:
        who = f"{self.publisher}, {self.title}"
        if self.status == OVERDUE:
            return (f"{who}: the store's newest release is {self.released}; a new release was expected in "
                    f"{month_words(self.next_expected)}, so these figures may be out of date. Import the new "
                    "release when it is published.")
        if self.status == DUE:
            return (f"{who}: a new release is expected this month ({month_words(self.next_expected)}); "
                    f"the store has the release of {self.released}.")
        if self.status == CURRENT:
            return f"{who}: up to date (release of {self.released}); next expected {month_words(self.next_expected)}."
        return f"{who}: release of {self.released}; published {self.cadence.lower() or 'with no fixed date'}."


def publication_status(sources: pd.DataFrame, today: date) -> list[PublicationStatus]:
    """One status per publication, judged on its newest release in the store (release_date)."""
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
            cadence=str(latest["cadence"] or "")))
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
        rows.append({"publisher": r["publisher"], "title": r["title"], "released": r["released"],
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
    its latest periods, when that release came out, and when the next is due. National releases lag
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
            due = f"the next release was due in {month_words(status.next_expected)}: import it when it is out"
        else:
            due = f"the next release is due in {month_words(status.next_expected)}"
        lines.append(f"{status.publisher}, {status.title}: latest figures for {period}, released "
                     f"{status.released}; {due}.")
    return lines


def publications_behind(sources: pd.DataFrame, metric_ids: set[str]) -> set[str]:
    """The publications whose releases hold figures for any of `metric_ids` (of queries.sources): the
    ones a scorecard's staleness statement speaks of."""
    if not len(sources):
        return set()
    used = sources["metrics"].fillna("").map(lambda text: bool(metric_ids & {m.strip() for m in text.split(",")}))
    return set(sources[used]["publication_id"])
