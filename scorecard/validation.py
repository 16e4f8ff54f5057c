"""Unit and range checks shared by every importer: a percentage lies between 0 and 100, a count is
a whole number of 0 or more, a numerator is no bigger than its denominator."""

from __future__ import annotations

from .register import Metric


def _fmt(v: float) -> str:
    return f"{v:g}"


def value_problem(metric: Metric, value: float | None) -> str | None:
    """Why `value` cannot be a figure for `metric`, or None if it can."""
    if value is None:
        return None
    if value != value:  # NaN
        return "is not a number"
    if metric.unit == "%" and metric.signed and not -100 <= value <= 100:
        return f"{_fmt(value)} is outside -100–100, but {metric.id} is a percentage"
    if metric.unit == "%" and not metric.signed and not 0 <= value <= 100:
        return f"{_fmt(value)} is outside 0–100, but {metric.id} is a percentage"
    if metric.unit == "count":
        if value < 0:
            return f"{_fmt(value)} is negative, but {metric.id} is a count"
        if value != int(value) and not metric.estimate:
            return f"{_fmt(value)} is not a whole number, but {metric.id} is a count"
    if metric.unit in ("rate per 100", "per 10,000", "days", "£", "£ per head") and value < 0 and not metric.signed:
        return f"{_fmt(value)} is negative, but {metric.id} is a {_unit_words(metric.unit)}"
    return None


def _unit_words(unit: str) -> str:
    return {"£": "sum of money", "£ per head": "sum of money per head"}.get(unit, unit)


def parts_problem(metric: Metric, numerator: float | None, denominator: float | None) -> str | None:
    """Why a numerator and denominator cannot go together, or None."""
    for name, v in (("numerator", numerator), ("denominator", denominator)):
        if v is not None and (v < 0 or v != int(v)):
            return f"{name} {_fmt(v)} must be a whole number of 0 or more"
    if numerator is not None and denominator is not None and metric.unit == "%" and numerator > denominator:
        return f"numerator {_fmt(numerator)} is greater than denominator {_fmt(denominator)}"
    return None


def only_fractional(numerator: float | None, denominator: float | None) -> bool:
    """The parts are non-negative but not whole: a publisher's estimate, not an error in itself."""
    parts = [v for v in (numerator, denominator) if v is not None]
    return bool(parts) and all(v >= 0 for v in parts) and any(v != int(v) for v in parts)
