"""Words about figures: the one place that says how a figure, a change, a comparison, a rank or a
rating reads, for the pages, the charts and every pack alike.

The rules it keeps (PRODUCT.md, "Data honesty"):
* a rate shows its counts where they are known: "6.0%: 24 of 403";
* a figure on small numbers says so, and its change is never called better or worse;
* illustrative and provisional figures say so on the figure itself;
* a comparison is made only like with like (same unit, same kind of period, not a count); otherwise
  the national figure is context only, "not directly comparable", with no difference and no verdict;
* a count is never ranked or banded against other areas.
"""

from __future__ import annotations

from .formatting import arrow, change_words, fmt, number
from .published import ILLUSTRATIVE, PROVISIONAL, is_missing, status_words
from .rag import ICONS, Rating

SMALL_NUMBERS = "small numbers: treat with caution"
ILLUSTRATIVE_LABEL = "illustrative"
PROVISIONAL_LABEL = "local (provisional)"
NOT_COMPARABLE = "not directly comparable"
SUPPRESSED_MARK = "c"
RATE_UNITS = ("%", "rate per 100")


def value_with_counts(value, numerator, denominator, metric, status: str | None = None) -> str:
    """'6.0%: 24 of 403' for a rate whose counts are known; otherwise the figure as it reads."""
    text = fmt(value, metric, status)
    if is_missing(value) or metric.unit not in RATE_UNITS or is_missing(numerator) or is_missing(denominator):
        return text
    return f"{text}: {number(numerator)} of {number(denominator)}"


def figure_labels(row) -> list[str]:
    """The labels a figure carries on itself: illustrative, provisional, small numbers."""
    labels = []
    if row.status == ILLUSTRATIVE:
        labels.append(ILLUSTRATIVE_LABEL)
    elif row.status == PROVISIONAL:
        labels.append(PROVISIONAL_LABEL)
    if row.small_numbers and not is_missing(row.value):
        labels.append(SMALL_NUMBERS)
    return labels


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


def period(row) -> str:
    return row.period.describe() if row.period is not None else "no figure yet"


def direction(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """The direction of travel as an arrow and a word: '↓ worse', '↑ better', '→ no change', or for a
    measure with no better direction (or on small numbers) '↑ up' and '↓ down'."""
    if "change" in hidden:
        return SUPPRESSED_MARK
    if row.previous_period is None or is_missing(row.change):
        return "no earlier figure"
    how = row.direction
    mark = arrow(row.change, row.metric)
    if how in ("better", "worse", "no change"):
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
    if how == "changed" and (row.small_numbers or row.previous_small_numbers):
        return f"{text} ({SMALL_NUMBERS})"
    return text


def target(row) -> str:
    return fmt(row.target.target, row.metric) if row.target is not None else "No target"


def rating(value: Rating) -> str:
    """'■ Red', '▲ Amber', '● Green' or 'Not rated': a shape and a word, never colour alone."""
    return value.label


def _comparator(row, value, hidden_name: str, hidden: frozenset[str] | set[str], suffix: str = "") -> str:
    cm = row.comparator_metric
    if cm is None:
        return "not published nationally"
    when = f" ({row.comparator_period.label})" if row.comparator_period is not None else ""
    if hidden_name in hidden:
        return SUPPRESSED_MARK + when
    if is_missing(value):
        return "—"
    text = f"{fmt(value, cm)}{suffix}{when}"
    return text if row.comparable else f"{text}: context only, {NOT_COMPARABLE}"


def england(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """'46.4% (calendar year 2024)', or the national figure as context where it is not like with like."""
    return _comparator(row, row.england, "england", hidden)


def neighbours(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """'48.5%, mean of 10 of 10 (calendar year 2024)'."""
    if row.comparator_metric is not None and is_missing(row.sn_mean) and row.sn_of:
        return f"none of {row.sn_of} has a figure"
    suffix = f", mean of {int(row.sn_count or 0)} of {int(row.sn_of)}" if row.sn_of else ""
    return _comparator(row, row.sn_mean, "sn_mean", hidden, suffix)


def position(row, area_level: str = "la") -> str:
    """'145th of 149, band D (worst quarter)', or why the figure is not ranked."""
    from .comparators import BAND_WORDS, ordinal

    m = row.metric
    if area_level != "la":
        return "not ranked: only local authorities are ranked"
    if row.comparator_metric is not None and row.comparator_metric.id != m.id:
        return "not ranked: a local measure"
    if not m.national:
        return "not ranked: a local measure"
    if is_missing(row.value):
        return "not ranked: no figure"
    if m.unit == "count":
        return "not ranked: a count (bigger areas have more)"
    if row.small_numbers:
        return f"not ranked: {SMALL_NUMBERS.split(':')[0]}"
    if not row.rank:
        return "not ranked"
    text = f"{ordinal(row.rank)} of {row.rank_of}"
    if m.polarity == "context":
        return f"{text} (1 = highest)"
    return f"{text}, band {BAND_WORDS[row.quartile]}" if row.quartile else text


def rag_counts(counts: dict[str, int], not_rated: int) -> str:
    """'3 red, 2 amber, 5 green, 4 not rated' (in that order, zeros included)."""
    parts = [f"{counts.get(k, 0)} {k.lower()}" for k in ("Red", "Amber", "Green")]
    return ", ".join(parts + [f"{not_rated} not rated"])


def rag_counts_with_shapes(counts: dict[str, int], not_rated: int) -> str:
    """'■ 3 red, ▲ 2 amber, ● 5 green, 4 not rated'."""
    parts = [f"{ICONS[k]} {counts.get(k, 0)} {k.lower()}" for k in ("Red", "Amber", "Green")]
    return ", ".join(parts + [f"{not_rated} not rated"])


# --- Words for the packs: findings, a trend point, the baseline and progress ---------------------
# (Added for the committee packs, scorecard/reports; the pages and charts may use them too.)


def period_phrase(p) -> str:
    """A period as it reads inside a sentence: '2024', 'Autumn term 2026/27', 'January 2025 census'."""
    if p.kind in ("calendar_year", "academic_year"):
        return p.label
    if p.kind == "financial_year":
        return f"financial year {p.label[3:]}"
    if p.kind == "census_date":
        return f"{p.label} census"
    return p.describe() if p.kind == "term" else p.label


def period_in(p) -> str:
    """'in 2024', 'in Autumn term 2026/27', 'at the January 2025 census'."""
    phrase = period_phrase(p)
    return f"at the {phrase}" if p.kind == "census_date" else f"in {phrase}"


def lower_first(text: str) -> str:
    """'EHC plans' stays; 'Mediation cases' becomes 'mediation cases'."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def status_labels(status: str | None, small_numbers: bool = False) -> list[str]:
    """The labels a figure carries on itself, from its status: illustrative or local (provisional),
    and small numbers."""
    labels = [ILLUSTRATIVE_LABEL] if status == ILLUSTRATIVE else [PROVISIONAL_LABEL] if status == PROVISIONAL else []
    return labels + ([SMALL_NUMBERS] if small_numbers else [])


def point(value, metric, status: str | None = None, numerator=None, denominator=None,
          small_numbers: bool = False) -> str:
    """One figure of a trend table, labelled as the latest figure is: '66.7%: 86 of 129 (illustrative)',
    '100.0%: 1 of 1 (small numbers: treat with caution)', or why there is none."""
    if is_missing(value):
        return status_words(status) if status else "no figure"
    text = value_with_counts(value, numerator, denominator, metric, status)
    labels = status_labels(status, small_numbers)
    return f"{text} ({'; '.join(labels)})" if labels else text


def finding(row, area_name: str, hidden: frozenset[str] | set[str] = frozenset(), threshold: int | None = None) -> str:
    """A chart title that states the finding: 'Plymouth issued 6.0% of new EHC plans within 20 weeks in
    2024, below England (46.4%)'. England is compared only like with like (same measure, same period,
    not a count) and never on small numbers; illustrative figures say so first."""
    m = row.metric
    if row.period is None:
        return f"{area_name} has no figure yet for {lower_first(m.label)}"
    if "value" in hidden:
        fewer = f" (fewer than {threshold})" if threshold else ""
        return f"{m.label}: the {area_name} figure {period_in(row.period)} is suppressed in the public version{fewer}"
    if is_missing(row.value):
        return f"{m.label}: no figure for {area_name} {period_in(row.period)} ({status_words(row.status)})"
    value = fmt(row.value, m)
    if m.summary:
        text = m.summary.format(area=area_name, value=value, period=period_phrase(row.period))
    else:
        text = f"{area_name}: {lower_first(m.label)} {value} {period_in(row.period)}"
    cp = row.comparator_period
    same_period = cp is not None and cp.label == row.period.label
    if row.small_numbers:
        counts = value_with_counts(row.value, row.numerator, row.denominator, m).partition(": ")[2]
        text += f" ({counts + ', ' if counts else ''}{SMALL_NUMBERS})"
    elif row.comparable and same_period and row.comparator_metric.id == m.id and not is_missing(row.england):
        if round(row.value, m.decimals) == round(row.england, m.decimals):
            text += f", the same as England ({fmt(row.england, m)})"
        else:
            text += f", {'above' if row.value > row.england else 'below'} England ({fmt(row.england, m)})"
    elif not is_missing(row.previous) and row.previous_period is not None:
        if round(row.value, m.decimals) == round(row.previous, m.decimals):
            text += f", the same as {period_in(row.previous_period)}"
        else:
            text += (f", {'up' if row.value > row.previous else 'down'} from {fmt(row.previous, m)} "
                     f"{period_in(row.previous_period)}")
    return f"Illustrative figures: {text}" if row.status == ILLUSTRATIVE else text


def region(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """'28.5% (2024)', with the same like-with-like rule as England."""
    return _comparator(row, row.region, "region", hidden)


def baseline(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """The figure at a stocktake's baseline: '50.1% (2022)'."""
    if not row.baseline_period:
        return "no figure at the baseline"
    if "baseline" in hidden:
        return SUPPRESSED_MARK
    return f"{fmt(row.baseline, row.metric)} ({row.baseline_period})"


def change_since_baseline(row, hidden: frozenset[str] | set[str] = frozenset()) -> str:
    """'down 44.1 points'."""
    if "change_since_baseline" in hidden:
        return SUPPRESSED_MARK
    if is_missing(row.change_since_baseline):
        return "—"
    return change_words(row.change_since_baseline, row.metric)


def _meets(value, target, polarity: str) -> bool:
    return value >= target if polarity == "higher" else value <= target


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


def trend_alt_text(metric, area_name: str, periods: list[str], values: list, others: list[str],
                   breaks: list[str]) -> str:
    """A line chart's description: 'Line chart of ... from 2017 to 2024. Plymouth went from 58.2% in
    2017 to 6.0% in 2024. Also shown: England. The figures are in the table below the chart.'"""
    shown = [(p, v) for p, v in zip(periods, values) if not is_missing(v)]
    if not shown:
        return f"No figures to chart for {metric.label}."
    (first, a), (last, b) = shown[0], shown[-1]
    described = (f"{area_name} went from {fmt(a, metric)} in {first} to {fmt(b, metric)} in {last}."
                 if first != last else f"{area_name}: {fmt(b, metric)} in {last}.")
    return (f"Line chart of {lower_first(metric.name)} from {periods[0]} to {periods[-1]}. {described}"
            + (f" Also shown: {', '.join(others)}." if others else "")
            + (f" Series break at {', '.join(breaks)}." if breaks else "")
            + " The figures are in the table below the chart.")
