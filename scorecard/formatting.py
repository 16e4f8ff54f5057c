"""Numbers as people read them: units, decimals, thousands separators, and words for no figure."""

from __future__ import annotations


from .published import is_missing, status_words
from .register import Metric


MINUS = "\u2212"  # a true minus sign: reads as a number, and never as a spreadsheet formula


def number(value, decimals: int = 0) -> str:
    return f"{float(value):,.{decimals}f}".replace("-", MINUS, 1)


def money(value, decimals: int = 0) -> str:
    """'£45,123,456', '−£1,200': a sum of money in a table, to the pound."""
    text = f"£{abs(float(value)):,.{decimals}f}"
    return f"{MINUS}{text}" if float(value) < 0 else text


def money_words(value, decimals: int = 0) -> str:
    """A sum of money in a sentence: '£45.1m' from a million up, otherwise to the pound ('£950,000')."""
    amount = abs(float(value))
    if amount >= 1_000_000:
        millions = amount / 1_000_000
        text = f"£{millions:,.0f}m" if millions >= 1000 else f"£{millions:,.1f}m"
    else:
        text = f"£{amount:,.{decimals}f}"
    return f"{MINUS}{text}" if float(value) < 0 else text


def fmt(value, metric: Metric, status: str | None = None, unit: bool = True, in_words: bool = False) -> str:
    """'46.4%', '1,234', '3.08 per 100', '12.5 per 10,000', '£2,000', '£712 per head'; or the reason there
    is no figure. `in_words` is for a sentence: a sum of money reads '£45.1m'."""
    if is_missing(value):
        return f"no figure: {status_words(status)}" if status else "no figure"
    text = number(value, metric.decimals)
    if not unit:
        return text
    if metric.unit == "%":
        return f"{text}%"
    if metric.unit == "rate per 100":
        return f"{text} per 100"
    if metric.unit == "per 10,000":
        return f"{text} per 10,000"
    if metric.unit == "days":
        return f"{text} days"
    if metric.unit == "£":
        return money_words(value, metric.decimals) if in_words else money(value, metric.decimals)
    if metric.unit == "£ per head":
        return f"{money(value, metric.decimals)} per head"
    return text


def change_words(change, metric: Metric) -> str:
    """'up 3.2 points', 'down 12', 'no change'. Percentages change in points, not per cent."""
    if is_missing(change):
        return "no earlier figure to compare"
    rounded = round(float(change), metric.decimals)
    if rounded == 0:
        return "no change"
    size = number(abs(change), metric.decimals)
    if metric.unit == "%":
        size += " point" + ("" if abs(rounded) == 1 else "s")
    elif metric.unit == "rate per 100":
        size += " per 100"
    elif metric.unit == "per 10,000":
        size += " per 10,000"
    elif metric.unit == "£":
        size = money_words(abs(change), metric.decimals)
    elif metric.unit == "£ per head":
        size = money(abs(change), metric.decimals) + " per head"
    return f"{'up' if change > 0 else 'down'} {size}"


def direction(change, metric: Metric) -> str:
    """'better', 'worse', 'no change' or 'changed' (context metrics have no better direction)."""
    if is_missing(change) or round(float(change), metric.decimals) == 0:
        return "no change" if not is_missing(change) else "unknown"
    if metric.polarity == "context":
        return "changed"
    better = change > 0 if metric.polarity == "higher" else change < 0
    return "better" if better else "worse"


def arrow(change, metric: Metric) -> str:
    if is_missing(change) or round(float(change), metric.decimals) == 0:
        return "→"
    return "↑" if change > 0 else "↓"
