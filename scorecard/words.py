"""Words about figures: the one place that says how a figure, a change, a comparison, a rank, a
rating, a chart's finding, its description and its source read, for the pages, the charts and every
pack alike. Nothing else writes a sentence about a figure.

The rules it keeps (PRODUCT.md, "Data honesty"):
* a rate shows its counts where they are known: "6.0%: 24 of 403", and in a sentence "6.0% (24 of 403)";
* a figure on small numbers says so, is never ranked or banded, and its change is never called
  better or worse; nor is it set above or below another area's figure;
* illustrative and provisional figures say so on the figure itself;
* a comparison is made only like with like (same unit, same kind of period, not a count); otherwise
  the national figure is context only, "not directly comparable", with no difference and no verdict;
* a count is never ranked, banded or compared with other areas' figures (bigger areas have more);
* acronyms and names keep their capitals inside a sentence: "EHC plans", "SEND", "EHE", "England".

Sections: text helpers; periods; one figure; one scorecard row (cells); sentences (findings, the
summary read aloud); chart titles and descriptions; sources; ranks and bands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from . import periods as period_rules
from .formatting import arrow, change_words, fmt, number
from .periods import Period
from .published import ILLUSTRATIVE, LOCAL, PROVISIONAL, is_missing, status_words
from .rag import ICONS, Rating

SMALL_NUMBERS = "small numbers: treat with caution"
SMALL_NUMBERS_SHORT = "small numbers"
ILLUSTRATIVE_LABEL = "illustrative"
PROVISIONAL_LABEL = "local (provisional)"
NOT_COMPARABLE = "not directly comparable"
CONTEXT_ONLY = f"context only, {NOT_COMPARABLE}"
NO_COMPARABLE = "no comparable national figure"
BEHIND_LABEL = "behind"
NO_CLEAR_CHANGE = "no clear change"
RANK_UNCERTAIN = "rank uncertain: small numbers"
SIMILAR = "similar to"
SUPPRESSED_MARK = "c"
RATE_UNITS = ("%", "rate per 100", "per 10,000")
NOT_RATED = "Not rated"

# Words that keep their capital inside a sentence: names, and the months. Acronyms ("EHC", "SEND",
# "DfE") keep theirs by rule (any capital after the first letter).
NAMES = frozenset({"England", "English", "Ofsted", "Tribunal", "London", "Department", "Parliament",
                   *period_rules.MONTHS})


# ---------------------------------------------------------------- text helpers

def lower_first(text: str) -> str:
    """The first word in lower case, as it reads inside a sentence: 'New EHC plans issued' becomes
    'new EHC plans issued', 'Permanent exclusion rate' 'permanent exclusion rate'. An acronym or a
    name is never lower-cased: 'EHC plans', 'SEND Tribunal appeals', 'EHE starts', 'England'."""
    if not text:
        return text
    first = re.match(r"[^\s(),:;/-]+", text)
    word = first.group(0) if first else text[:1]
    base = re.sub(r"['’]s$", "", word)
    if not word[:1].isupper() or any(c.isupper() for c in word[1:]) or base in NAMES:
        return text
    return text[:1].lower() + text[1:]


def measure_choice(metric) -> str:
    """A measure as a chooser lists it, so typing either name finds it: 'Complaints answered on time
    (SEND complaints responded to within timescale)', the short name the summary uses first."""
    if metric.short_name and metric.short_name != metric.name:
        return f"{metric.short_name} ({metric.name})"
    return metric.name


def upper_first(text: str) -> str:
    """'EHC plans' stays, 'permanent exclusion rate' becomes 'Permanent exclusion rate'."""
    return text[:1].upper() + text[1:]


def join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [i for i in items if i]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------- periods

def _as_period(p, kind: str | None = None) -> Period:
    if isinstance(p, Period):
        return p
    return period_rules.from_label(str(p), kind)


def period_phrase(p, kind: str | None = None) -> str:
    """A period as it reads inside a sentence: '2024', '2024/25', 'Autumn term 2026/27',
    'January 2025 census', 'financial year 2024-25'. `p` is a Period, or a label with its kind."""
    if not isinstance(p, Period):
        label = str(p)
        if kind in ("calendar_year", "academic_year"):
            return label
        if kind == "census_date":
            return f"{label} census"
        if kind == "financial_year":
            return f"financial year {label[3:]}"
        p = _as_period(label, kind)
    if p.kind in ("calendar_year", "academic_year"):
        return p.label
    if p.kind == "financial_year":
        return f"financial year {p.label[3:]}"
    if p.kind == "census_date":
        return f"{p.label} census"
    return p.describe() if p.kind == "term" else p.label


def period_in(p, kind: str | None = None) -> str:
    """'in 2024', 'in Autumn term 2026/27', 'at the January 2025 census'."""
    census = (p.kind if isinstance(p, Period) else kind) == "census_date"
    return f"at the {period_phrase(p, kind)}" if census else f"in {period_phrase(p, kind)}"


def period_tick(label: str, kind: str) -> str:
    """A period as a chart's axis labels it: '2024', '2024/25', 'Autumn 2026/27', 'Jan 2025'."""
    if kind == "census_date":
        month, _, year = label.partition(" ")
        return f"{month[:3]} {year}"
    if kind == "financial_year":
        return label[3:]
    return label


# ---------------------------------------------------------------- one figure

def counts(numerator, denominator, metric) -> str:
    """'24 of 403' for a rate whose counts are known; '' otherwise."""
    if metric.unit not in RATE_UNITS or is_missing(numerator) or is_missing(denominator):
        return ""
    return f"{number(numerator)} of {number(denominator)}"


def value_with_counts(value, numerator, denominator, metric, status: str | None = None) -> str:
    """'6.0%: 24 of 403' for a rate whose counts are known; otherwise the figure as it reads."""
    text = fmt(value, metric, status)
    parts = "" if is_missing(value) else counts(numerator, denominator, metric)
    return f"{text}: {parts}" if parts else text


def status_labels(status: str | None, small_numbers: bool = False) -> list[str]:
    """The labels a figure carries on itself: illustrative or local (provisional), small numbers."""
    labels = []
    if status == ILLUSTRATIVE:
        labels.append(ILLUSTRATIVE_LABEL)
    elif status == PROVISIONAL:
        labels.append(PROVISIONAL_LABEL)
    if small_numbers:
        labels.append(SMALL_NUMBERS)
    return labels


def figure_labels(row) -> list[str]:
    """The labels a scorecard row's figure carries on itself: illustrative, provisional, small numbers."""
    return status_labels(row.status, bool(row.small_numbers) and not is_missing(row.value))


def point(value, metric, status: str | None = None, numerator=None, denominator=None,
          small_numbers: bool = False) -> str:
    """One figure in a table cell, labelled as the latest figure is: '66.7%: 86 of 129 (illustrative)',
    '100.0%: 1 of 1 (small numbers: treat with caution)', or why there is none ('not available')."""
    if is_missing(value):
        return status_words(status) if status else "no figure"
    text = value_with_counts(value, numerator, denominator, metric, status)
    labels = status_labels(status, small_numbers)
    return f"{text} ({'; '.join(labels)})" if labels else text


def in_sentence(value, metric, status: str | None = None, numerator=None, denominator=None,
                small_numbers: bool = False) -> str:
    """A figure inside a sentence, with what it must carry: '6.0% (24 of 403)', '100.0% (1 of 1;
    small numbers: treat with caution)', '66.7% (86 of 129; illustrative)'."""
    parts = [counts(numerator, denominator, metric), *status_labels(status, small_numbers)]
    parts = [p for p in parts if p]
    return fmt(value, metric, in_words=True) + (f" ({'; '.join(parts)})" if parts else "")


def compare_word(value: float, other: float, decimals: int) -> str:
    """'above', 'below' or 'the same as', judged on the figures as shown (rounded)."""
    if round(float(value), decimals) == round(float(other), decimals):
        return "the same as"
    return "above" if value > other else "below"


def versus(value, other, decimals: int, interval=None) -> str:
    """'above', 'below', 'the same as', or 'similar to' where `other` lies inside the figure's 95%
    confidence interval (uncertainty.Interval): the difference could be chance."""
    if interval is not None and interval.contains(other):
        return SIMILAR
    return compare_word(value, other, decimals)


def since(value, previous, previous_period, metric, kind: str | None = None) -> str:
    """'down from 17.8% in 2023', 'the same as in 2023': the change in size only, never a verdict."""
    word = compare_word(value, previous, metric.decimals)
    when = period_in(previous_period, kind)
    if word == "the same as":
        return f"the same as {when}"
    return f"{'up' if value > previous else 'down'} from {fmt(previous, metric, in_words=True)} {when}"


# ---------------------------------------------------------------- one scorecard row: the cells

def figure(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """The latest figure as a board reads it: '6.0%: 24 of 403 (illustrative)', 'c' when suppressed
    in the public version, or why there is none."""
    if row.period is None:
        return "No figure yet"
    if "value" in hidden:
        return SUPPRESSED_MARK
    if is_missing(row.value):
        return f"No figure: {status_words(row.status)}" if row.status else "No figure"
    text = value_with_counts(row.value, row.numerator, row.denominator, row.metric, row.status)
    labels = figure_labels(row)
    return f"{text} ({'; '.join(labels)})" if labels else text


def alongside(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """The measures read beside this one, for the same period: 'Beside it: requests agreed for
    assessment 44.4%, requests withdrawn 38.4%, requests still undecided 17.1%'. '' when there are none,
    or when the figure itself is suppressed."""
    if not getattr(row, "alongside", None) or "value" in hidden:
        return ""
    parts = [f"{_beside_label(m.label, row.metric.label)} {fmt(v, m, s)}" for m, v, s in row.alongside]
    return "Beside it: " + ", ".join(parts)


def _beside_label(label: str, own: str) -> str:
    """A measure's label beside another's, without its heading, which the row it sits in gives
    ('Requests: withdrawn' beside the refusal rate reads 'withdrawn'; 'EHC plans: in special schools'
    beside 'EHC plans: in mainstream' reads 'in special schools')."""
    head, sep, rest = label.partition(": ")
    return lower_first(rest) if sep else lower_first(label)


def figure_with_alongside(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """The latest figure, and the measures read beside it ('0.1%: 1 of 1,176; agreed to assess 44.4%, …')."""
    text, beside = figure(row, hidden), alongside(row, hidden)
    return f"{text}; {beside.removeprefix('Beside it: ')}" if beside else text


def mix(row) -> str:
    """What a figure is made up of, where the release gives it (its note 'By setting type: …')."""
    note = getattr(row, "note", None)
    return note if isinstance(note, str) and note.startswith("By ") else ""


def period(row) -> str:
    """'2024', '2024/25', 'Autumn term 2026/27', 'January 2025 census' (short, for a table's narrow
    column), and '(behind)' where the figure is older than its source should have by now."""
    if row.period is None:
        return "no figure yet"
    return period_phrase(row.period) + (f" ({BEHIND_LABEL})" if getattr(row, "behind", None) else "")


def interval(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """'3.9% to 8.8%': the latest figure's 95% confidence interval, or '' where it has none."""
    found = getattr(row, "interval", None)
    if found is None or "value" in hidden:
        return ""
    return f"{fmt(found.lower, row.metric)} to {fmt(found.upper, row.metric)}"


def interval_line(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """'95% confidence interval: 3.9% to 8.8% (Wilson score interval)', for a measure's detail."""
    said = interval(row, hidden)
    if not said:
        return ""
    from .uncertainty import METHOD_WORDS

    return f"95% confidence interval: {said} ({METHOD_WORDS.get(row.interval.method, row.interval.method)})"


def direction(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """The direction of travel as an arrow and a word: '↓ worse', '↑ better', '→ no change', or for a
    measure with no better direction (or on small numbers) '↑ up' and '↓ down'."""
    if "change" in hidden:
        return SUPPRESSED_MARK
    if row.previous_period is None or is_missing(row.change):
        return "no earlier figure"
    how = row.direction
    mark = arrow(row.change, row.metric)
    if how in ("better", "worse", "no change", NO_CLEAR_CHANGE):
        return f"{mark} {how}"
    return f"{mark} {'up' if row.change > 0 else 'down'}"


def change(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """'down 11.8 points on calendar year 2023: worse'; never better or worse on small numbers."""
    if "change" in hidden:
        return SUPPRESSED_MARK
    if row.previous_period is None:
        return "no earlier figure to compare"
    if is_missing(row.change):
        return f"no figure to compare for {row.previous_period.describe()}"
    text = f"{change_words(row.change, row.metric)} on {row.previous_period.describe()}"
    how = row.direction
    if how in ("better", "worse"):
        return f"{text}: {how}"
    if how == NO_CLEAR_CHANGE:
        return f"{text}: {NO_CLEAR_CHANGE} (within the 95% confidence intervals)"
    if how == "changed" and (row.small_numbers or row.previous_small_numbers):
        return f"{text} ({SMALL_NUMBERS})"
    return text


def delta(row) -> dict:
    """What a page's big figure needs to show the change: text ('down 11.8 points: worse'), arrow
    ('up', 'down' or 'off') and colour (blue better, orange worse, grey otherwise: never red and
    green alone; the words say which)."""
    if is_missing(row.change) or row.previous_period is None:
        return {"delta": None, "arrow": "off", "colour": "gray"}
    how = row.direction
    text = change_words(row.change, row.metric) + (f": {how}" if how in ("better", "worse", NO_CLEAR_CHANGE) else "")
    if how == "changed" and (row.small_numbers or row.previous_small_numbers):
        text += f" ({SMALL_NUMBERS_SHORT})"
    arrow_name = {"↑": "up", "↓": "down"}.get(arrow(row.change, row.metric), "off")
    return {"delta": text, "arrow": arrow_name, "colour": {"better": "blue", "worse": "orange"}.get(how, "gray")}


def period_line(row) -> str:
    """'Calendar year 2024. Previous: 17.8% (calendar year 2023). Source: ...'"""
    if row.period is None:
        return "No figure yet."
    text = upper_first(row.period.describe())
    text += f": no published figure ({status_words(row.status)})." if is_missing(row.value) else "."
    if row.previous_period is not None:
        text += f" Previous: {fmt(row.previous, row.metric, row.previous_status)} ({row.previous_period.describe()})."
    if row.source:
        text += f" Source: {row.source}."
    return text


def target(row) -> str:
    return fmt(row.target.target, row.metric) if row.target is not None else "No target"


def rating(value: Rating) -> str:
    """'■ Red', '▲ Amber', '● Green' or 'Not rated': a shape and a word, never colour alone."""
    return value.label if value.rag else NOT_RATED


def _comparator(row, value, hidden_name: str, hidden: frozenset[str] | set[str], suffix: str = "") -> str:
    cm = row.comparator_metric
    if cm is None:
        return "not published nationally"
    if row.period is not None and row.comparator_period is not None and not row.like_with_like:
        return NO_COMPARABLE
    when = f" ({row.comparator_period.label})" if row.comparator_period is not None else ""
    if hidden_name in hidden:
        return SUPPRESSED_MARK + when
    if is_missing(value):
        return "—"
    text = f"{fmt(value, cm)}{suffix}{when}"
    return text if row.comparable else f"{text}: {CONTEXT_ONLY}"


def england(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """'46.4% (2024)', or the national figure as context where it is not like with like."""
    return _comparator(row, row.england, "england", hidden)


def region(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """'28.5% (2024)', with the same like-with-like rule as England."""
    return _comparator(row, row.region, "region", hidden)


def neighbours(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """'48.5%, mean of 10 of 10 (2024)'."""
    if row.comparator_metric is not None and row.period is not None and row.comparator_period is not None \
            and not row.like_with_like:
        return NO_COMPARABLE
    if row.comparator_metric is not None and is_missing(row.sn_mean) and row.sn_of:
        return f"none of {row.sn_of} has a figure"
    suffix = f", {sn_words(row.sn_count, row.sn_of)}" if row.sn_of else ""
    return _comparator(row, row.sn_mean, "sn_mean", hidden, suffix)


def comparator_cells(row) -> dict[str, str]:
    """Each comparator in a table cell with its own period: england, region, neighbours ('48.5% (mean
    of 10 of 10) (calendar year 2024)'), rank ('145th of 149') and quartile ('D (worst quarter)')."""
    when = f" ({row.comparator_period.describe()})" if row.comparator_period else ""
    cm = row.comparator_metric or row.metric
    if not is_missing(row.sn_mean):
        near = f"{fmt(row.sn_mean, cm)} ({sn_words(row.sn_count, row.sn_of)}){when}"
    else:
        near = "—" if row.sn_of is None else f"none of {row.sn_of} has a figure"
    return {
        "england": (fmt(row.england, cm) + when) if not is_missing(row.england) else "—",
        "region": (fmt(row.region, cm) + when) if not is_missing(row.region) else "—",
        "neighbours": near,
        "rank": rank_words(row.rank, row.rank_of, row.metric.polarity) if row.rank else "—",
        "quartile": BAND_WORDS.get(row.quartile, "—") if row.quartile else "—",
    }


def comparator_lines(row, area_level: str) -> list[str]:
    """England, the region and the neighbours in words, each with its own period, or why not."""
    if row.comparator_metric is None:
        return ["No national comparator for this measure"]
    lines = []
    if row.comparator_metric.id != row.metric.id:
        lines.append(f"Compared with the national measure: {row.comparator_metric.label}")
    if area_level != "england":
        total = row.comparator_metric.is_total
        lines.append(f"England{' total' if total else ''}: {england(row)}")
    if area_level == "la":
        text = region(row)
        if row.region_note:
            text += f" ({row.region_note})"
        lines.append(f"{row.region_name or 'Region'}: {text}")
        lines.append(f"Statistical neighbours: {neighbours(row)}")
    return lines


def position(row, area_level: str = "la") -> str:
    """'145th of 149, band D (worst quarter)', or why the figure is not ranked."""
    m = row.metric
    if area_level != "la":
        return "not ranked: only local authorities are ranked"
    if row.comparator_metric is not None and row.comparator_metric.id != m.id:
        return "not ranked: a local measure"
    if not m.national:
        return "not ranked: a local measure"
    if is_missing(row.value):
        return "not ranked: no figure"
    why = not_ranked_reason(m, row.small_numbers)
    if why:
        return f"not ranked: {why}"
    if getattr(row, "rank_uncertain", False):
        return RANK_UNCERTAIN
    if not row.rank:
        return "not ranked"
    text = f"{ordinal(row.rank)} of {row.rank_of}"
    if m.polarity == "context":
        text = f"{text} (1 = highest)"
    elif row.quartile:
        text = f"{text}, band {BAND_WORDS[row.quartile]}"
    # Flagged in the cell; the sentence and the measure's detail say why (rank_caveat).
    return f"{text}; not comparable" if getattr(row, "rank_caveat", None) else text


def baseline(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """The figure at a stocktake's baseline: '50.1% (2022)', or for a termly measure the nearest term's
    '34.7% (Spring 2024/25, the nearest term to the baseline, calendar year 2024)'."""
    if not row.baseline_period:
        return "no figure at the baseline"
    if "baseline" in hidden:
        return SUPPRESSED_MARK
    note = getattr(row, "baseline_note", None)
    return f"{fmt(row.baseline, row.metric)} ({row.baseline_period}{', ' + note if note else ''})"


def change_since_baseline(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """'down 44.1 points', flagged where it crosses a series break: 'down 44.1 points (across the series
    break at 2023 (…): not strictly comparable)'."""
    if "change_since_baseline" in hidden:
        return SUPPRESSED_MARK
    if is_missing(row.change_since_baseline):
        return "—"
    text = change_words(row.change_since_baseline, row.metric)
    crossed = getattr(row, "baseline_break", None)
    return f"{text} (across {crossed}: not strictly comparable)" if crossed else text


def _meets(value, goal, polarity: str) -> bool:
    return value >= goal if polarity == "higher" else value <= goal


def progress(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """Progress along the trajectory from the baseline to the target, in words."""
    if "trajectory_progress" in hidden:
        return SUPPRESSED_MARK
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


def illustrative_rated_words(illustrative_rated: int) -> str:
    """'plus 4 rated on illustrative figures': ratings on made-up figures, never counted as the area's."""
    return f"plus {illustrative_rated} rated on illustrative figures" if illustrative_rated else ""


def rag_counts(counts_by_rag: dict[str, int], not_rated: int, illustrative_rated: int = 0) -> str:
    """'3 red, 2 amber, 5 green, 4 not rated' (in that order, zeros included), then 'plus 4 rated on
    illustrative figures' where there are any (they are not in the counts)."""
    parts = [f"{counts_by_rag.get(k, 0)} {k.lower()}" for k in ("Red", "Amber", "Green")]
    text = ", ".join(parts + [f"{not_rated} not rated"])
    more = illustrative_rated_words(illustrative_rated)
    return f"{text}; {more}" if more else text


def rag_counts_with_shapes(counts_by_rag: dict[str, int], not_rated: int, illustrative_rated: int = 0) -> str:
    """'■ 3 red, ▲ 2 amber, ● 5 green, 4 not rated; plus 4 rated on illustrative figures'."""
    parts = [f"{ICONS[k]} {counts_by_rag.get(k, 0)} {k.lower()}" for k in ("Red", "Amber", "Green")]
    text = ", ".join(parts + [f"{not_rated} not rated"])
    more = illustrative_rated_words(illustrative_rated)
    return f"{text}; {more}" if more else text


# ---------------------------------------------------------------- sentences

def statement(metric, area_name: str, value_words: str, when: Period | str, kind: str | None = None) -> str:
    """The register's sentence for a figure ('Plymouth issued 6.0% (24 of 403) of new EHC plans within
    20 weeks in 2024'), or a plain one ('Plymouth, suspension rate: 2.3% in 2023/24')."""
    if metric.summary:
        try:
            return metric.summary.format(area=area_name, value=value_words, period=period_phrase(when, kind))
        except (KeyError, IndexError, ValueError):
            pass  # a board's template with other braces: say it plainly
    return f"{area_name}, {lower_first(metric.label)}: {value_words} {period_in(when, kind)}"


def _same_measure(row) -> bool:
    return row.comparator_metric is not None and row.comparator_metric.id == row.metric.id


def unlike(row) -> str:
    """Why a national figure is not like with like: 'the nearest national measure, tribunal appeals
    registered, counts a calendar year, not a term'."""
    cm, cp = row.comparator_metric, row.comparator_period
    nearest = f"the nearest national measure, {lower_first(cm.label)},"
    if row.period is not None and cp.kind != row.period.kind:
        kind = period_rules.KIND_WORDS.get(cp.kind, cp.kind)
        own = period_rules.KIND_WORDS.get(row.period.kind, row.period.kind)
        if row.period.kind == "term":
            own = "a census day in a term" if "census" in row.metric.name.lower() else "a term"
        else:
            own = f"a {own}"
        return f"{nearest} covers {'an' if kind[:1] in 'aeiou' else 'a'} {kind}, not {own}"
    return f"{nearest} is in other units"


def _compared_with_england(row) -> bool:
    """Whether the row's figure may be set above or below England's: like with like, same measure,
    not on small numbers, and England's figure known."""
    return (row.comparable and _same_measure(row) and not row.small_numbers and not is_missing(row.value)
            and not is_missing(row.england))


def _comparator_when(row) -> str:
    """'' when the comparator is for the row's own period, else ' in 2024'."""
    cp = row.comparator_period
    if cp is None or row.period is None or cp.label == row.period.label:
        return ""
    return f" {period_in(cp)}"


def _row_value(row) -> str:
    return in_sentence(row.value, row.metric, row.status, row.numerator, row.denominator, row.small_numbers)


def finding(row, area_name: str, hidden: frozenset[str] | set[str] = frozenset(), threshold: int | None = None) -> str:
    """A chart title that states the finding: 'Plymouth issued 6.0% (24 of 403) of new EHC plans within
    20 weeks in 2024, down from 17.8% in 2023 and below England (46.4%)'. England is compared only like
    with like and never on small numbers; a suppressed figure says so."""
    m = row.metric
    if row.period is None:
        return f"{area_name} has no figure yet for {lower_first(m.label)}"
    if "value" in hidden:
        fewer = f" (fewer than {threshold})" if threshold else ""
        return f"{m.label}: the {area_name} figure {period_in(row.period)} is suppressed in the public version{fewer}"
    if is_missing(row.value):
        return f"{m.label}: no figure for {area_name} {period_in(row.period)} ({status_words(row.status)})"
    text = statement(m, area_name, _row_value(row), row.period)
    clauses = []
    if "change" not in hidden and not is_missing(row.previous) and row.previous_period is not None:
        clauses.append(since(row.value, row.previous, row.previous_period, m))
    if "england" not in hidden and _compared_with_england(row):
        clauses.append(f"{versus(row.value, row.england, m.decimals, row.interval)} England "
                       f"({fmt(row.england, m)}{_comparator_when(row)})")
    return text + (", " + " and ".join(clauses) if clauses else "")


def sentence(row, area_name: str) -> str:
    """One measure, read aloud: the figure with its counts and labels, its change, like-with-like
    comparisons, its rank and its rating."""
    m = row.metric
    if row.period is None:
        return f"{area_name} has no figure yet for {lower_first(m.name)}."
    if is_missing(row.value):
        return (f"There is no published figure for {lower_first(m.name)} in {area_name} for "
                f"{period_phrase(row.period)}: {status_words(row.status)}.")
    text = statement(m, area_name, _row_value(row), row.period)
    clauses = []
    if not is_missing(row.previous) and row.previous_period is not None:
        clauses.append(since(row.value, row.previous, row.previous_period, m))
    if _compared_with_england(row):
        when = _comparator_when(row)
        comparisons = [(versus(row.value, row.england, m.decimals, row.interval),
                        f"England ({fmt(row.england, m)}{when})")]
        if not is_missing(row.sn_mean):
            comparisons.append((versus(row.value, row.sn_mean, m.decimals, row.interval),
                                f"its statistical neighbours ({fmt(row.sn_mean, m)}, "
                                f"{sn_words(row.sn_count, row.sn_of)}{when})"))
        if len(comparisons) == 2 and comparisons[0][0] == comparisons[1][0]:
            clauses.append(f"{comparisons[0][0]} {comparisons[0][1]} and {comparisons[1][1]}")
        else:
            clauses += [f"{word} {what}" for word, what in comparisons]
    text += (", " + " and ".join(clauses) if clauses else "") + "."
    if alongside(row):
        text += f" {alongside(row)}."
    if row.small_numbers:
        text += " It is based on small numbers, so it is not compared with other areas or ranked."
    elif getattr(row, "rank_uncertain", False) and _same_measure(row):
        text += (f" Its 95% confidence interval ({interval(row)}) is too wide to place it among other areas: "
                 f"{RANK_UNCERTAIN}.")
    elif row.rank and _same_measure(row):
        text += (f" It is the {ordinal(row.rank)} highest of {row.rank_of} local authorities."
                 if m.polarity == "context" else f" It ranks {ordinal(row.rank)} of {row.rank_of}.")
        if getattr(row, "rank_caveat", None):
            text += f" That rank is not comparable with other areas': {row.rank_caveat}."
    cm = row.comparator_metric
    if cm is not None and not row.like_with_like and row.comparator_period is not None:
        text += f" There is {NO_COMPARABLE}: {unlike(row)}."
    if row.rating.rag:
        text += f" Against the local target it is rated {row.rating.rag}: {row.rating.reason}"
    return text


def summary(card) -> list[str]:
    """A lead sentence, then one sentence per measure in scorecard order (card.Card)."""
    lead = f"This scorecard for {card.area_name} covers {len(card.rows)} measures for {card.term.describe()}."
    by_rag = card.rag_counts()
    illustrative = card.illustrative_rated()
    if any(by_rag.values()) or illustrative:
        not_rated = sum(1 for r in card.rows if not r.rating.rag)
        lead += f" Against local targets: {rag_counts(by_rag, not_rated, illustrative)}."
    compared = [r for r in card.rows if _compared_with_england(r) and r.metric.polarity != "context"
                and r.comparator_period is not None and r.period is not None
                and r.comparator_period.label == r.period.label]
    if compared:
        better = sum(1 for r in compared
                     if versus(r.value, r.england, r.metric.decimals, r.interval) not in ("the same as", SIMILAR)
                     and (r.value > r.england) == (r.metric.polarity == "higher"))
        lead += (f" Of {len(compared)} measures with an England figure for the same period, it does better than "
                 f"England on {better if better else 'none'}.")
    return [lead] + [sentence(r, card.area_name) for r in card.rows]


# ---------------------------------------------------------------- chart titles and descriptions
# The charts (scorecard.charts) draw a frame of series; these say what it shows. A trend frame has a
# row per series and period: role (area, area_national, england, region, neighbours), series,
# metric_id, period, period_kind, end_date, x, value, status, note, numerator, denominator, small_numbers.

def _frame_flag(rows: pd.DataFrame, column: str) -> pd.Series:
    if column in rows:
        return pd.Series([flag(v) for v in rows[column]], index=rows.index, dtype=bool)
    return pd.Series(False, index=rows.index)


def _latest_with_value(rows: pd.DataFrame):
    have = rows[rows["value"].notna()]
    return have.iloc[-1] if len(have) else None


def flag(value) -> bool:
    """A yes/no cell read safely: None, NaN and pandas' NA are no."""
    return not is_missing(value) and bool(value)


def _point_in_sentence(r, metric) -> str:
    return in_sentence(r["value"], metric, r["status"], r.get("numerator"), r.get("denominator"),
                       flag(r.get("small_numbers")))


def trend_title(frame: pd.DataFrame, metric, area_name: str) -> str:
    """The finding, in words: 'Plymouth issued 6.0% (24 of 403) of new EHC plans within 20 weeks in
    2024, down from 17.8% in 2023 and below England (46.4%)'. A count, or a figure on small numbers,
    is never set above or below another area's; a national figure of another unit or kind of period
    is context only."""
    main = frame[frame["role"] == "area"].sort_values("end_date")
    england_rows = frame[frame["role"] == "england"].sort_values("end_date")
    local_measure = len(england_rows) and england_rows.iloc[0]["metric_id"] != metric.id
    if not len(main):
        text = f"{area_name} has no figures yet for {lower_first(metric.label)}"
        eng = _latest_with_value(england_rows)
        if eng is not None:
            text += f"; England: {fmt(eng['value'], metric)} {period_in(eng['period'], eng['period_kind'])}"
            text += f" ({CONTEXT_ONLY})" if local_measure else ""
        return text
    latest = main.iloc[-1]
    when = (latest["period"], latest["period_kind"])
    if is_missing(latest["value"]):
        text = (f"{area_name} has no published figure for {lower_first(metric.label)} {period_in(*when)}: "
                f"{status_words(latest['status'])}")
        have = _latest_with_value(main)
        if have is not None:
            text += (f"; the latest figure is {_point_in_sentence(have, metric)} "
                     f"{period_in(have['period'], have['period_kind'])}")
        return text
    small = flag(latest.get("small_numbers"))
    text = statement(metric, area_name, _point_in_sentence(latest, metric), *when)
    clauses = []
    earlier = main[(main["end_date"] < latest["end_date"]) & (main["period_kind"] == latest["period_kind"])]
    if len(earlier) and not is_missing(earlier.iloc[-1]["value"]):
        prev = earlier.iloc[-1]
        clauses.append(since(latest["value"], prev["value"], prev["period"], metric, prev["period_kind"]))
    context = []
    same = england_rows[england_rows["period"] == latest["period"]]
    if not local_measure and not metric.is_total and len(same) and not is_missing(same.iloc[0]["value"]):
        e = same.iloc[0]["value"]
        if small:
            context.append(f"England {fmt(e, metric)} (context only: small numbers are not compared)")
        else:
            from .uncertainty import interval as interval_of

            around = interval_of(metric.unit, latest.get("numerator"), latest.get("denominator"), metric.signed)
            clauses.append(f"{versus(latest['value'], e, metric.decimals, around)} England ({fmt(e, metric)})")
    neighbours_rows = frame[(frame["role"] == "neighbours") & (frame["period"] == latest["period"])]
    if metric.is_total and len(neighbours_rows) and not is_missing(neighbours_rows.iloc[0]["value"]):
        n = neighbours_rows.iloc[0]["value"]
        context.append(f"statistical neighbours' mean {fmt(n, metric)} (context only: a count, and bigger "
                       "areas have more)")
    if clauses:
        text += ", " + " and ".join(clauses)
    eng = _latest_with_value(england_rows) if local_measure else None
    if eng is not None:
        context.append(f"England {fmt(eng['value'], metric)} {period_in(eng['period'], eng['period_kind'])} "
                       f"({CONTEXT_ONLY})")
    return text + "".join(f"; {c}" for c in context)


def trend_description(frame: pd.DataFrame, metric, breaks: list[tuple[str, str]] = (),
                      boundary: tuple[date, str] | None = None) -> str:
    """A text alternative for the trend chart: what it shows, the range of periods, small-number and
    missing points, and the marks."""
    if not len(frame):
        return f"No figures to chart for {lower_first(metric.label)}."
    parts = []
    for name in dict.fromkeys(frame["series"]):
        rows = frame[frame["series"] == name].sort_values("end_date")
        have = rows[rows["value"].notna()]
        if len(have) == 1:
            only = have.iloc[0]
            parts.append(f"{name}: {fmt(only['value'], metric)} ({period_phrase(only['period'], only['period_kind'])})")
        elif len(have):
            first, last = have.iloc[0], have.iloc[-1]
            start = period_phrase(first["period"], first["period_kind"])
            end = period_phrase(last["period"], last["period_kind"])
            parts.append(f"{name} from {fmt(first['value'], metric)} ({start}) to {fmt(last['value'], metric)} ({end})")
        else:
            parts.append(f"{name} (no figures)")
    text = f"Line chart of {lower_first(metric.label)}: {join(parts)}."
    main = frame[frame["role"] == "area"]
    small = main[_frame_flag(main, "small_numbers") & main["value"].notna()]
    if len(small):
        text += (" Hollow points are on small numbers (treat with caution): "
                 + join([period_phrase(p, k) for p, k in zip(small["period"], small["period_kind"])]) + ".")
    missing = main[main["value"].isna()]
    if len(missing):
        text += " No figure for " + join([f"{period_phrase(p, k)} ({status_words(s) or 'no figure'})" for p, k, s in
                                          zip(missing["period"], missing["period_kind"], missing["status"])]) + "."
    lo, hi = frame["x"].min(), frame["x"].max()
    for label, note, _ in period_rules.breaks_within(breaks, lo, hi):
        text += f" A dotted line marks {series_break(label)}: {note}"
    if boundary is not None and lo < pd.Timestamp(boundary[0]) <= hi:
        text += f" A dotted line marks the boundary change: {boundary[1]}."
    return text


def series_break(label: str) -> str:
    """'the series break at 2023'."""
    return f"the series break at {label}"


def series_break_mark(label: str) -> str:
    """A series break's label on a chart: 'Series break 2023'."""
    return f"Series break {label}"


def boundary_mark(when: date) -> str:
    """A boundary change's label on a chart: 'Boundary change April 2023' (its full words are in the
    hover and the notes: a long label would not fit on a phone)."""
    return f"Boundary change {when:%B %Y}"


def trend_alt_text(metric, area_name: str, periods: list[str], values: list, others: list[str],
                   breaks: list[str]) -> str:
    """A printed line chart's description: 'Line chart of new EHC plans issued within 20 weeks from
    2017 to 2024. Plymouth went from 58.2% in 2017 to 6.0% in 2024. Also shown: England. The figures
    are in the table below the chart.'"""
    shown = [(p, v) for p, v in zip(periods, values) if not is_missing(v)]
    if not shown:
        return f"No figures to chart for {lower_first(metric.label)}."
    (first, a), (last, b) = shown[0], shown[-1]
    described = (f"{area_name} went from {fmt(a, metric)} in {first} to {fmt(b, metric)} in {last}."
                 if first != last else f"{area_name}: {fmt(b, metric)} in {last}.")
    return (f"Line chart of {lower_first(metric.name)} from {periods[0]} to {periods[-1]}. {described}"
            + (f" Also shown: {', '.join(others)}." if others else "")
            + (f" {upper_first(series_break(join(breaks)))}." if breaks else "")
            + " The figures are in the table below the chart.")


def sparkline_alt(metric, trend: list[dict]) -> str:
    """A card's sparkline in words: 'Trend over 6 periods: from 34.7% in Spring 2024/25 to 66.7% in
    Autumn 2026/27, highest 66.7%, lowest 34.7%.'"""
    shown = [t for t in trend if not is_missing(t["value"])]
    if len(shown) < 2:
        return "Trend: not enough figures to show one."
    first, last = shown[0], shown[-1]
    values = [t["value"] for t in shown]
    return (f"Trend over {len(shown)} periods: from {fmt(first['value'], metric)} in {first['period']} to "
            f"{fmt(last['value'], metric)} in {last['period']}, highest {fmt(max(values), metric)}, "
            f"lowest {fmt(min(values), metric)}.")


def missing_mark(status: str | None) -> str:
    """The words a chart writes where a figure is missing: 'not available', 'suppressed'."""
    return status_words(status) or "no figure"


def target_mark(value: float, metric, trajectory_end: str | None = None) -> str:
    """'Target 50.0%', or 'Target trajectory (50.0% for Autumn 2026/27)'."""
    if trajectory_end is None:
        return f"Target {fmt(value, metric)}"
    return f"Target trajectory ({fmt(value, metric)} for {trajectory_end})"


def series_source(statuses: set[str], kind: str) -> str:
    """How a series' figures came: 'published, calendar year', 'illustrative figures, termly',
    'local return, termly'."""
    kind_words = period_rules.KIND_WORDS.get(kind, kind)
    cadence = "termly" if kind == "term" else kind_words
    if ILLUSTRATIVE in statuses:
        return f"illustrative figures, {cadence}"
    if LOCAL in statuses or PROVISIONAL in statuses:
        return f"local return, {cadence}"
    return f"published, {kind_words}"


def ranking_title(frame: pd.DataFrame, metric, area, england_value: float | None, when: str, kind: str) -> str:
    """'Plymouth ranks 145th of 149 local authorities on EHC plans issued within 20 weeks in 2024
    (6.0%: 24 of 403; England 46.4%)', or why the area is not ranked."""
    during = period_in(when, kind)
    label = lower_first(metric.label)
    eng = (f"England {'total ' if metric.unit == 'count' else ''}{fmt(england_value, metric)}"
           if not is_missing(england_value) else "")
    have = frame[frame["value"].notna()]
    if "rank" in have and have["rank"].notna().any():  # the spread of the ranked: small numbers aside
        have = have[have["rank"].notna()]
    mine = frame[frame["area_code"] == area.code]
    if len(mine) and not is_missing(mine.iloc[0]["value"]) and is_missing(mine.iloc[0]["rank"]):
        r = mine.iloc[0]
        why = (f"{total_kind(metric)}, not ranked: bigger areas have more" if metric.is_total else
               f"{SMALL_NUMBERS_SHORT}, not ranked" if flag(r.get("small_numbers")) else
               RANK_UNCERTAIN if flag(r.get("rank_uncertain")) else "not ranked")
        return f"{area.name}: {label} {during} was {r['value_words']} ({why}){'; ' + eng if eng else ''}"
    if len(mine) and not is_missing(mine.iloc[0]["value"]):
        r = mine.iloc[0]
        where = (f"has the {ordinal(r['rank'])} highest figure of {int(r['rank_of'])} local authorities"
                 if metric.polarity == "context" else
                 f"ranks {ordinal(r['rank'])} of {int(r['rank_of'])} local authorities")
        return f"{area.name} {where} on {label} {during} ({r['value_words']}{'; ' + eng if eng else ''})"
    spread = (f"local authorities ranged from {fmt(have['value'].min(), metric)} to {fmt(have['value'].max(), metric)}"
              if len(have) else "no local authority has a figure")
    if area.level == "la":
        reason = status_words(mine.iloc[0]["status"]) if len(mine) else "no figure"
        return f"{area.name} has no figure for {label} {during} ({reason}); {spread}{'; ' + eng if eng else ''}"
    return f"{upper_first(label)} {during}: {spread}" + (f"; {eng}" if eng else "")


def ranking_order(metric) -> str:
    return "highest to lowest" if metric.polarity == "context" else "best to worst"


def ranking_axis(metric, ranked: int) -> str:
    """The ranking chart's axis title: '149 local authorities, from best to worst'."""
    return f"{ranked} local authorities, from {ranking_order(metric)}"


def ranking_description(frame: pd.DataFrame, metric, area, neighbour_codes: list[str],
                        england_value: float | None) -> str:
    ranked = frame[frame["rank"].notna()] if "rank" in frame else frame[frame["value"].notna()]
    if not len(ranked):
        return f"No local authority is ranked on {lower_first(metric.label)} in this period."
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    text = (f"Bar chart of {len(ranked)} local authorities' figures for {lower_first(metric.label)}, from "
            f"{ranking_order(metric)}: from {top['value_words']} ({top['area_name']}) to {bottom['value_words']} "
            f"({bottom['area_name']}).")
    unranked = frame[frame["value"].notna() & frame["rank"].isna()] if "rank" in frame else frame.iloc[0:0]
    if len(unranked):
        text += (f" {len(unranked)} with small numbers (too few cases, or a 95% confidence interval too wide to "
                 f"rank with confidence) are left out of the ranking: {join(list(unranked['area_name']))}.")
    mine = frame[frame["area_code"] == area.code]
    if len(mine):
        r = mine.iloc[0]
        text += f" {area.name}: {r['value_words']}" + (f", {r['rank_words']}." if not is_missing(r["rank"]) else ".")
    near = ranked[ranked["area_code"].isin(neighbour_codes)]
    if len(near):
        text += (f" Its statistical neighbours are highlighted, from {near.iloc[0]['value_words']} "
                 f"({near.iloc[0]['area_name']}) to {near.iloc[-1]['value_words']} ({near.iloc[-1]['area_name']}).")
    if not is_missing(england_value) and not metric.is_total:
        text += f" A dashed line marks England's figure, {fmt(england_value, metric)}."
    return text


def hex_title(frame: pd.DataFrame, metric, area, when: str, kind: str) -> str:
    """'Plymouth is in band D (worst quarter) for EHC plans issued within 20 weeks in 2024', or how
    many authorities are banded."""
    during = period_in(when, kind)
    label = lower_first(metric.label)
    mine = frame[frame["area_code"] == area.code]
    if len(mine) and isinstance(mine.iloc[0]["band"], str):
        return f"{area.name} is in band {mine.iloc[0]['band_words']} for {label} {during}"
    kind_words = "quarters, from highest to lowest" if metric.polarity == "context" else "quartile bands"
    banded = int(frame["band"].notna().sum())
    head = f"{upper_first(label)} {during}: {banded} local authorities in {kind_words}"
    if len(mine) and not is_missing(mine.iloc[0]["value"]):
        head += f"; {area.name} is not banded ({mine.iloc[0]['band_words'].removeprefix('no band: ')})"
    return head


def hex_description(frame: pd.DataFrame, metric, hex_count: int) -> str:
    words_for = band_words(metric)
    by_band = frame["band"].value_counts()
    bands = [f"{words_for[b]}: {int(by_band.get(b, 0))}" for b in "ABCD" if by_band.get(b, 0)]
    small = int(((_frame_flag(frame, "small_numbers") | _frame_flag(frame, "rank_uncertain"))
                 & frame["value"].notna() & frame["band"].isna()).sum())
    no_figure = hex_count - int(by_band.sum()) - small
    small_words = f"; small numbers, not banded (hollow circle): {small}" if small else ""
    return (f"Hex map of England's {hex_count} upper-tier local authorities, one hexagon each, shaded and lettered "
            f"by band. {'; '.join(bands) if bands else 'No bands'}{small_words}; no figure: {no_figure}. The table "
            "lists every authority with its figure and band.")


# ---------------------------------------------------------------- sources

@dataclass(frozen=True)
class SourceUse:
    """One release behind a chart's figures, and the periods of them that the chart shows."""

    publisher: str
    title: str
    released: str
    first: str  # period phrase
    last: str
    note: str = ""  # e.g. "illustrative figures"

    @property
    def words(self) -> str:
        span = self.first if self.first == self.last else f"{self.first} to {self.last}"
        released = "" if not self.released else (f", {self.released}" if self.released.startswith("imported")
                                                  else f", released {released_words(self.released)}")
        note = f" ({self.note})" if self.note else ""
        who = self.title if not self.publisher or self.title.startswith(self.publisher) else \
            f"{self.publisher}, {self.title}"
        return f"{who}{released}: {span}{note}"


_NOT_RECORDED = re.compile(r"(\d{4}) \(month not recorded\)")
_WHEN = re.compile(r"(?:(?:" + "|".join(period_rules.MONTHS) + r") )?\d{4}|\d{1,2} (?:"
                   + "|".join(period_rules.MONTHS) + r") \d{4}")


def released_cell(released) -> str:
    """A release's date as far as it is known, for a table's cell: 'June 2025', '2026' (a year whose
    month the publisher did not give)."""
    text = "" if released is None or is_missing(released) else str(released).strip()
    found = _NOT_RECORDED.fullmatch(text)
    return found.group(1) if found else text


def released_words(released) -> str:
    """When a release came out, as it reads after 'released': 'in June 2025', 'in 2026' (only the year
    is known), 'on 18 July 2024', 'after 10 November 2023 (…)' (as the register words it)."""
    text = released_cell(released)
    if not _WHEN.fullmatch(text):
        return text
    return f"on {text}" if text.count(" ") == 2 else f"in {text}"


def source_line(uses: list[SourceUse]) -> str:
    """'Source: Department for Education, Education, health and care plans, reporting year 2025,
    released June 2025: 2014 to 2024.' Every chart carries one: publisher, release and period."""
    if not uses:
        return "Source: no figures shown."
    return "Source: " + "; ".join(dict.fromkeys(u.words for u in uses)) + "."


def row_source_line(row, first_period: str | None = None) -> str:
    """The source line for a printed chart of one scorecard row (card.CardRow): its latest figure's
    release, with the periods the chart shows."""
    if row.period is None:
        return "Source: no figures shown."
    last = period_phrase(row.period)
    note = ILLUSTRATIVE_LABEL + " figures" if row.status == ILLUSTRATIVE else ""
    publisher = getattr(row, "source_publisher", None) or ""
    use = SourceUse(publisher, row.source or "local return", getattr(row, "source_released", None) or "",
                    period_phrase(first_period, row.period.kind) if first_period else last, last, note)
    return source_line([use])


# ---------------------------------------------------------------- ranks and bands

BAND_WORDS = {"A": "A (best quarter)", "B": "B (second quarter)", "C": "C (third quarter)", "D": "D (worst quarter)"}
CONTEXT_BAND_WORDS = {"A": "A (highest quarter)", "B": "B (second-highest quarter)",
                      "C": "C (second-lowest quarter)", "D": "D (lowest quarter)"}


def band_words(metric) -> dict[str, str]:
    return CONTEXT_BAND_WORDS if metric.polarity == "context" else BAND_WORDS


def band_key(metric) -> str:
    """The bands in one line, for a chart that shows only their letters."""
    words_for = band_words(metric)
    return "Bands: " + ", ".join(words_for[b] for b in "ABCD") + "."


def ordinal(n: int) -> str:
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_words(rank, rank_of, polarity: str = "higher") -> str:
    """'12th of 150' ('(1 = highest)' for a context measure), or 'not ranked'."""
    if is_missing(rank):
        return "not ranked"
    text = f"{ordinal(rank)} of {int(rank_of)}"
    return text + (" (1 = highest)" if polarity == "context" else "")


def sn_words(sn_count, sn_of) -> str:
    """'mean of 9 of 10'."""
    if is_missing(sn_of):
        return "no statistical neighbours"
    return f"mean of {int(sn_count or 0)} of {int(sn_of)}"


def rank_cell(metric, rank, rank_of, value, small_numbers: bool, uncertain: bool = False) -> str:
    """A table's rank cell: '145th of 149', or why there is none: 'not ranked: small numbers',
    'rank uncertain: small numbers', 'not ranked: a count (bigger areas have more)', 'not ranked'."""
    if not is_missing(rank):
        return rank_words(rank, rank_of, metric.polarity)
    why = not_ranked_reason(metric, small_numbers) if not is_missing(value) else ""
    if not why and uncertain and not is_missing(value):
        return RANK_UNCERTAIN
    return f"not ranked: {why}" if why else "not ranked"


def total_kind(metric) -> str:
    """'a count' or 'a sum of money': what a whole-area total is, in words."""
    return "a sum of money" if metric.unit == "£" else "a count"


def not_ranked_reason(metric, small_numbers: bool) -> str:
    """Why a figure gets no rank or band: '' when nothing stops it."""
    if metric.is_total:
        return f"{total_kind(metric)} (bigger areas have more)"
    if small_numbers:
        return SMALL_NUMBERS_SHORT
    return ""


def no_band_words(metric, value, small_numbers: bool, uncertain: bool = False) -> str:
    """Why a local authority has no band: no figure, small numbers (or a rank made uncertain by them),
    or a count (never compared)."""
    if is_missing(value):
        return "no band: no figure"
    if metric.is_total:
        return f"no band: {total_kind(metric)}, not compared across areas (bigger areas have more)"
    if small_numbers:
        return "no band: small numbers"
    if uncertain:
        return "no band: rank uncertain (small numbers)"
    return "no band"


# ---------------------------------------------------------------------------------------------
# Glossary (added with the pages: the words a page must explain when it uses them). The Data and
# sources page lists them all; other pages list those their text uses (terms_used).

GLOSSARY: dict[str, str] = {
    "alternative provision (AP)": "education arranged for a child outside a mainstream or special school, "
                                  "for example in a pupil referral unit",
    "amber margin": "how far off its target a figure can be and still be rated amber rather than red: by default "
                    "10% of the target",
    "baseline": "the figure progress is measured from, for example the term an improvement plan began",
    "batch": "the figures from one imported file, kept together: undoing a batch removes all of them and "
             "brings back whatever they replaced",
    "better direction (polarity)": "whether a higher or a lower figure is better for a measure; a context "
                                   "measure has neither",
    "context measure": "a measure of demand, such as requests received, where neither higher nor lower is "
                       "better; it is never rated",
    "EHC plan": "an education, health and care plan: the legal document that sets out a child's special "
                "educational needs and the support to meet them",
    "elective home education (EHE)": "children whose parents have chosen to educate them at home rather than "
                                     "at school",
    "educated otherwise than at school (EOTAS)": "education the council arranges for a child with an EHC plan "
                                                 "outside any school, because school would be unsuitable",
    "educational psychologist (EP)": "a psychologist who assesses children's learning needs, including for EHC "
                                     "needs assessments",
    "illustrative": "made-up sample figures that show how the scorecard works: never real data",
    "local (provisional)": "the council's own figure for a nationally published measure, for a period the "
                           "publisher has not released yet; the published figure replaces it when it comes out",
    "not directly comparable": "a national figure for a different kind of period or unit (for example a yearly "
                               "England total beside a termly local count): shown as context only, with no "
                               "better or worse",
    "quartile band": "A to D: which quarter of local authorities a figure falls in, A the best quarter",
    "rank": "the area's position among local authorities with a figure, 1st being the best",
    "RAG rating": "red, amber or green against the board's target, always shown with a shape and a word as "
                  "well as a colour",
    "SEN2": "the Department for Education's yearly data collection on EHC plans from every council; since 2023 "
            "it holds one record per child, so figures before and after 2023 are not strictly comparable",
    "small numbers": "a rate worked out from very few cases (fewer than 10, unless the board has set another "
                     "threshold): it can swing widely, so it is not ranked, banded or called better or worse",
    "statistical neighbours": "the 10 local authorities most like this one, as the Department for Education's "
                              "model chooses them; their mean is shown beside each figure",
    "suppressed (c)": "a figure held back to protect individuals because it is built on very few children",
    "tolerance": "how far short of its target a figure can be and still count as met (green), in the "
                 "measure's own units: points for a percentage",
    "trajectory point": "one step on a trajectory: the target for a single term or year, on a planned path "
                        "towards the final target",
}

# Jargon no page may use without explaining it (issue 9): a page that uses one shows its meaning.
MUST_EXPLAIN = ("batch", "better direction (polarity)", "tolerance", "trajectory point", "SEN2",
                "educated otherwise than at school (EOTAS)", "alternative provision (AP)",
                "elective home education (EHE)", "educational psychologist (EP)")

# The form of each term as it appears in a page's text (a word on its own, case as shown).
_TERM_PATTERNS: dict[str, str] = {
    "alternative provision (AP)": r"\bAP\b|\balternative provision\b",
    "amber margin": r"(?i)\bamber margin\b",
    "baseline": r"(?i)\bbaseline\b",
    "batch": r"(?i)\bbatch(es)?\b",
    "better direction (polarity)": r"(?i)\bpolarity\b",
    "context measure": r"(?i)\bcontext measure",
    "EHC plan": r"\bEHC\b|\bEHCP",
    "elective home education (EHE)": r"\bEHE\b",
    "educated otherwise than at school (EOTAS)": r"\bEOTAS\b",
    "educational psychologist (EP)": r"\bEPs?\b",
    "illustrative": r"(?i)\billustrative\b",
    "local (provisional)": r"(?i)\bprovisional\b",
    "not directly comparable": r"(?i)\bnot directly comparable\b",
    "quartile band": r"(?i)\bband [A-D]\b|\bquartile\b",
    "rank": r"(?i)\branks?\b|\branked\b",
    "RAG rating": r"\bRAG\b",
    "SEN2": r"\bSEN2\b",
    "small numbers": r"(?i)\bsmall numbers\b",
    "statistical neighbours": r"(?i)\bstatistical neighbours\b|\bneighbours' mean\b",
    "suppressed (c)": r"(?i)\bsuppressed\b",
    "tolerance": r"(?i)\btolerance\b",
    "trajectory point": r"(?i)\btrajector(y|ies)\b",
}


def terms_used(texts) -> list[tuple[str, str]]:
    """The glossary entries whose terms appear in `texts` (strings), in the glossary's order."""
    import re

    joined = "\n".join(str(t) for t in texts if t)
    return [(term, GLOSSARY[term]) for term, pattern in _TERM_PATTERNS.items() if re.search(pattern, joined)]
