"""Plain-English sentences from the data, for reading aloud at a committee:

    "Plymouth issued 6.0% of new EHC plans within 20 weeks in 2024, down from 17.8% in 2023 and
     below England (46.4%) and its statistical neighbours (48.5%, mean of 10 of 10). It ranks
     147th of 151."

Every number carries its period; comparators say theirs when it differs from the figure's.
"""

from __future__ import annotations

from .card import Card, CardRow
from .comparators import ordinal
from .formatting import fmt, is_missing
from .periods import Period
from .published import ILLUSTRATIVE, status_words


def period_phrase(p: Period) -> str:
    if p.kind in ("calendar_year", "academic_year"):
        return p.label
    if p.kind == "financial_year":
        return f"financial year {p.label[3:]}"
    if p.kind == "term":
        return p.describe()
    if p.kind == "census_date":
        return f"{p.label} census"
    return p.label


def _in(p: Period) -> str:
    return f"at the {period_phrase(p)}" if p.kind == "census_date" else f"in {period_phrase(p)}"


def _compare(value: float, other: float, metric, decimals: int) -> str:
    if round(value, decimals) == round(other, decimals):
        return "the same as"
    return "above" if value > other else "below"


def sentence(row: CardRow, area_name: str) -> str:
    m = row.metric
    if row.period is None:
        return f"{area_name} has no figure yet for {m.name.lower()}."
    if is_missing(row.value):
        return (f"There is no published figure for {m.name.lower()} in {area_name} for "
                f"{period_phrase(row.period)}: {status_words(row.status)}.")
    value = fmt(row.value, m)
    if m.summary:  # the register's own wording, e.g. "{area} issued {value} of new EHC plans ... in {period}"
        text = m.summary.format(area=area_name, value=value, period=period_phrase(row.period))
    else:
        text = f"{area_name}, {m.name[0].lower() + m.name[1:]}: {value} {_in(row.period)}"
    clauses = []
    if not is_missing(row.previous) and row.previous_period:
        prev = fmt(row.previous, m)
        if round(row.value, m.decimals) == round(row.previous, m.decimals):
            clauses.append(f"the same as {_in(row.previous_period)}")
        else:
            clauses.append(f"{'up' if row.value > row.previous else 'down'} from {prev} {_in(row.previous_period)}")
    comparisons = []
    same_measure = row.comparator_metric is not None and row.comparator_metric.id == m.id
    cp = row.comparator_period
    own_period = cp is not None and row.period is not None and cp.label == row.period.label
    suffix = "" if own_period or cp is None else f" {_in(cp)}"
    # England's figure for a count is a national total, not a comparison.
    if not is_missing(row.england) and same_measure and m.unit != "count":
        comparisons.append(f"{_compare(row.value, row.england, m, m.decimals)} England ({fmt(row.england, m)}{suffix})")
    if not is_missing(row.sn_mean) and same_measure:
        word = _compare(row.value, row.sn_mean, m, m.decimals)
        neighbours = f"its statistical neighbours ({fmt(row.sn_mean, m)}, mean of {row.sn_count} of {row.sn_of}{suffix})"
        if comparisons and word == comparisons[0].split(" England")[0]:
            comparisons[0] = comparisons[0] + f" and {neighbours}"
        else:
            comparisons.append(f"{word} {neighbours}")
    if comparisons:
        clauses.append(" and ".join(comparisons))
    text += (", " + " and ".join(clauses) if clauses else "") + "."
    if row.rank and same_measure:
        if m.polarity == "context":
            text += f" It is the {ordinal(row.rank)} highest of {row.rank_of} local authorities."
        else:
            text += f" It ranks {ordinal(row.rank)} of {row.rank_of}."
    if not same_measure and row.comparator_metric is not None and not is_missing(row.england) \
            and row.comparator_metric.unit != "count":
        cm = row.comparator_metric
        text += f" The nearest national measure ({cm.label}) was {fmt(row.england, cm)} for England {_in(cp)}."
    if row.rating.rag:
        text += f" Against the local target it is rated {row.rating.rag}: {row.rating.reason}"
    if row.status == ILLUSTRATIVE:
        text = f"Illustrative figures, not real data: {text}"
    return text


def summary(card: Card) -> list[str]:
    """A lead sentence, then one sentence per metric in scorecard order."""
    lead = f"This scorecard for {card.area_name} covers {len(card.rows)} measures for {card.term.describe()}."
    counts = card.rag_counts()
    if any(counts.values()):
        lead += " Against local targets: " + ", ".join(f"{n} {k}" for k, n in counts.items()) + "."
    compared = [r for r in card.rows if r.comparator_metric is not None and r.comparator_metric.id == r.metric.id
                and not is_missing(r.value) and not is_missing(r.england) and r.metric.polarity != "context"
                and r.metric.unit != "count"
                and r.comparator_period is not None and r.period is not None
                and r.comparator_period.label == r.period.label]
    if compared:
        better = sum(1 for r in compared if (r.value > r.england) == (r.metric.polarity == "higher")
                     and round(r.value, r.metric.decimals) != round(r.england, r.metric.decimals))
        lead += (f" Of {len(compared)} measures with an England figure for the same period, it does better than "
                 f"England on {better if better else 'none'}.")
    return [lead] + [sentence(r, card.area_name) for r in card.rows]
