"""Periods: parse the ways releases and local returns write a period, and give each one
canonical label, kind, start and end.

Labels are the identity of a period in the store:
    "2024"            calendar year
    "2024/25"         academic year (September to August)
    "FY 2024-25"      financial year (April to March)
    "Autumn 2025/26"  term of an academic year
    "March 2026"      month
    "January 2025"    census date (a January snapshot such as the EHC plan caseload)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .problems import UserProblem

KINDS = ("calendar_year", "academic_year", "financial_year", "term", "month", "census_date")
TERMS = ("Autumn", "Spring", "Summer")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
KIND_WORDS = {
    "calendar_year": "calendar year",
    "academic_year": "academic year",
    "financial_year": "financial year",
    "term": "term",
    "month": "month",
    "census_date": "census",
}


class PeriodError(UserProblem, ValueError):
    """A period that cannot be understood."""


@dataclass(frozen=True, order=False)
class Period:
    label: str
    kind: str
    start: date
    end: date

    @property
    def sort_key(self) -> tuple:
        return (self.end, self.start)

    def describe(self) -> str:
        """Words for the period, e.g. 'calendar year 2024', 'Autumn term 2025/26'."""
        if self.kind == "term":
            term, year = self.label.split(" ", 1)
            return f"{term} term {year}"
        if self.kind == "census_date":
            return f"{self.label} census"
        if self.kind == "month":
            return self.label
        if self.kind == "financial_year":
            return f"{KIND_WORDS[self.kind]} {self.label.removeprefix('FY ')}"
        return f"{KIND_WORDS[self.kind]} {self.label}"


def _last_day(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def calendar_year(year: int) -> Period:
    return Period(str(year), "calendar_year", date(year, 1, 1), date(year, 12, 31))


def academic_year(start_year: int) -> Period:
    return Period(_academic_label(start_year), "academic_year", date(start_year, 9, 1), date(start_year + 1, 8, 31))


def financial_year(start_year: int) -> Period:
    return Period(f"FY {start_year}-{(start_year + 1) % 100:02d}", "financial_year",
                  date(start_year, 4, 1), date(start_year + 1, 3, 31))


def term(name: str, start_year: int) -> Period:
    """A term of academic year start_year/start_year+1. Spring ends at 31 March, Summer at 31 August."""
    name = name.capitalize()
    label = f"{name} {_academic_label(start_year)}"
    if name == "Autumn":
        return Period(label, "term", date(start_year, 9, 1), date(start_year, 12, 31))
    if name == "Spring":
        return Period(label, "term", date(start_year + 1, 1, 1), date(start_year + 1, 3, 31))
    if name == "Summer":
        return Period(label, "term", date(start_year + 1, 4, 1), date(start_year + 1, 8, 31))
    raise PeriodError(f"unknown term {name!r}")


def month(year: int, month_number: int, kind: str = "month") -> Period:
    return Period(f"{MONTHS[month_number - 1]} {year}", kind, date(year, month_number, 1), _last_day(year, month_number))


def january_census(year: int) -> Period:
    return month(year, 1, kind="census_date")


def _academic_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def _academic_start(text: str) -> int:
    """'2025/26', '2025-26', '202526' or '2025/2026' -> 2025, checking the years follow on."""
    m = re.fullmatch(r"(\d{4})\s*[/-]?\s*(\d{2}|\d{4})", text.strip())
    if not m:
        raise PeriodError(f"{text!r} is not an academic year such as 2025/26")
    first, second = int(m.group(1)), m.group(2)
    expected = (first + 1) % 100 if len(second) == 2 else first + 1
    if int(second) != expected:
        raise PeriodError(f"{text!r}: the second year should follow the first, as in {_academic_label(first)}")
    return first


_TERM_FIRST = re.compile(r"(autumn|spring|summer)(?:\s+term)?\s+(\d{4}\s*[/-]?\s*\d{2,4})", re.I)
_TERM_LAST = re.compile(r"(\d{4}\s*[/-]?\s*\d{2,4})\s+(autumn|spring|summer)(?:\s+term)?", re.I)
_MONTH = re.compile(r"(" + "|".join(MONTHS) + r"|" + "|".join(m[:3] for m in MONTHS) + r")\.?\s+(\d{4})", re.I)


def parse(text: str) -> Period:
    """Parse a period as a person writes it in a local return.

    Accepts "Autumn 2025/26", "Autumn term 2025/26", "2025/26 Autumn", "March 2026",
    "Mar 2026", "2025/26" or "2025-26" (academic year), "2024" (calendar year),
    "FY 2024-25" (financial year), and canonical labels.
    """
    if text is None:
        raise PeriodError("the period is empty")
    raw = str(text).strip()
    if not raw:
        raise PeriodError("the period is empty")
    s = re.sub(r"\s+", " ", raw)
    if m := _TERM_FIRST.fullmatch(s):
        return term(m.group(1), _academic_start(m.group(2)))
    if m := _TERM_LAST.fullmatch(s):
        return term(m.group(2), _academic_start(m.group(1)))
    if m := _MONTH.fullmatch(s):
        name = m.group(1)[:3].lower()
        number = [x[:3].lower() for x in MONTHS].index(name) + 1
        return month(int(m.group(2)), number)
    if m := re.fullmatch(r"(?:FY|financial year)\s*(\d{4})\s*-\s*(\d{2})", s, re.I):
        start = int(m.group(1))
        if int(m.group(2)) != (start + 1) % 100:
            raise PeriodError(f"{raw!r}: the second year should follow the first")
        return financial_year(start)
    if re.fullmatch(r"(?:academic year\s*)?\d{4}\s*[/-]\s*\d{2,4}", s, re.I):
        return academic_year(_academic_start(re.sub(r"(?i)academic year\s*", "", s)))
    if m := re.fullmatch(r"(?:calendar year\s*)?(\d{4})", s, re.I):
        year = int(m.group(1))
        if 1990 <= year <= 2100:
            return calendar_year(year)
    raise PeriodError(
        f"{raw!r} is not a period this tool understands; use a term such as 'Autumn 2025/26', "
        "a month such as 'March 2026', an academic year '2025/26' or a calendar year '2025'"
    )


def from_ees(time_period: str, time_identifier: str) -> Period:
    """Period from the EES open-data pair, e.g. ('202425', 'Academic year') -> 2024/25."""
    tp = str(time_period).strip()
    ti = str(time_identifier).strip().lower()
    if not re.fullmatch(r"\d{4}|\d{6}", tp):
        raise PeriodError(f"time_period {tp!r} should have 4 or 6 digits")
    six = len(tp) == 6
    if six:
        first, second = int(tp[:4]), int(tp[4:])
        if second != (first + 1) % 100:
            raise PeriodError(f"time_period {tp!r}: the second year should follow the first")
    year = int(tp[:4])
    if ti in ("calendar year", "reporting year"):
        return calendar_year(year)
    if ti == "academic year":
        return academic_year(year)
    if ti == "financial year":
        return financial_year(year)
    if ti in ("autumn term", "spring term", "summer term"):
        start = year
        if not six:
            raise PeriodError(f"time_period {tp!r} with {time_identifier!r} needs an academic year (6 digits)")
        return term(ti.split()[0], start)
    if ti.capitalize() in MONTHS:
        if six:
            raise PeriodError(f"time_period {tp!r} with a month needs a 4-digit year")
        return month(year, MONTHS.index(ti.capitalize()) + 1)
    raise PeriodError(f"time_identifier {time_identifier!r} is not supported")


def from_label(label: str, kind: str | None = None) -> Period:
    """Rebuild a Period from its canonical label (and kind, for census dates)."""
    p = parse(label)
    if kind == "census_date" and p.kind == "month":
        return Period(p.label, "census_date", p.start, p.end)
    return p


def term_for_date(d: date) -> Period:
    """The term that contains a date."""
    if d.month >= 9:
        return term("Autumn", d.year)
    if d.month <= 3:
        return term("Spring", d.year - 1)
    return term("Summer", d.year - 1)


def years_later(p: Period, years: int) -> Period | None:
    """The period of the same kind `years` years after `p` (the figures a yearly release adds): 2024 ->
    2025, 2024/25 -> 2025/26, January 2025 census -> January 2026 census, Autumn 2025/26 -> Autumn
    2026/27. None for a month, which no yearly release adds."""
    if p.kind == "calendar_year":
        return calendar_year(p.start.year + years)
    if p.kind == "academic_year":
        return academic_year(p.start.year + years)
    if p.kind == "financial_year":
        return financial_year(p.start.year + years)
    if p.kind == "census_date":
        return month(p.start.year + years, p.start.month, kind="census_date")
    if p.kind == "term":
        name, year = p.label.split(" ", 1)
        return term(name, _academic_start(year) + years)
    return None


def period_before(p: Period) -> Period | None:
    """The period of the same kind just before `p`: the term before a term, the year before a year."""
    if p.kind == "term":
        return previous_term(p)
    if p.kind == "month":
        return month(p.start.year - (p.start.month == 1), (p.start.month - 2) % 12 + 1)
    return years_later(p, -1)


def previous_term(p: Period) -> Period:
    name, year = p.label.split(" ", 1)
    start = _academic_start(year)
    i = TERMS.index(name)
    return term(TERMS[i - 1], start - 1) if i == 0 else term(TERMS[i - 1], start)


def next_term(p: Period) -> Period:
    name, year = p.label.split(" ", 1)
    start = _academic_start(year)
    i = TERMS.index(name)
    return term(TERMS[0], start + 1) if i == 2 else term(TERMS[i + 1], start)


def terms_back(p: Period, count: int) -> list[Period]:
    """The `count` terms ending with p, oldest first."""
    out = [p]
    while len(out) < count:
        out.insert(0, previous_term(out[0]))
    return out


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def breaks_within(breaks, first, last) -> list[tuple[str, str, date]]:
    """The series breaks (period label, note) whose period starts after `first` and by `last`
    (dates or timestamps), with the date each starts: the breaks a chart of that span must mark."""
    import pandas as pd  # only charts ask this, and they hold pandas timestamps

    out = []
    for label, note in breaks:
        try:
            at = pd.Timestamp(parse(label).start)
        except PeriodError:
            continue
        if pd.Timestamp(first) < at <= pd.Timestamp(last):
            out.append((label, note, at))
    return out
