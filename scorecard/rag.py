"""RAG ratings against a local target, with the reason in words.

The default rule is the one boards recognise (PRODUCT.md):
    Green  target met, or within tolerance of it
    Amber  off target but improving on the previous period
    Red    off target and not improving (or no previous figure to show improvement)
Without a target there is no rating: the scorecard compares with England instead. Context metrics
(demand) have no better direction, so they are never rated.

Each metric may use another rule (register field `rag_rule`):
    tolerance   Green met; Amber within tolerance; Red otherwise
    strict      Green met; Red otherwise
"""

from __future__ import annotations

from dataclasses import dataclass

from .published import is_missing

GREEN, AMBER, RED = "Green", "Amber", "Red"
ICONS = {GREEN: "●", AMBER: "▲", RED: "■"}  # distinct shapes, so RAG never relies on colour
# Analysis Function colours, never pure red and green; the label and icon always go with them.
COLOURS = {GREEN: "#28A197", AMBER: "#F46A25", RED: "#801650"}
RULES = {
    "default": "Green when the target is met or within tolerance; Amber when off target but improving on "
               "the previous period; Red when off target and not improving.",
    "tolerance": "Green when the target is met; Amber when within tolerance of it; Red otherwise.",
    "strict": "Green when the target is met; Red otherwise.",
}


@dataclass(frozen=True)
class Rating:
    rag: str | None
    reason: str

    @property
    def label(self) -> str:
        return f"{ICONS[self.rag]} {self.rag}" if self.rag else "Not rated"


def _fmt(v: float, decimals: int, unit: str) -> str:
    text = f"{v:,.{decimals}f}"
    return f"{text}%" if unit == "%" else text


def rate(value, target, tolerance, polarity: str, previous=None, rule: str = "default",
         decimals: int = 1, unit: str = "%") -> Rating:
    """Rate one figure. `tolerance` is in the metric's own units (e.g. 2.5 percentage points)."""
    if target is None or is_missing(target):
        return Rating(None, "No target set: compared with England instead.")
    if polarity == "context":
        return Rating(None, "A context measure (demand): neither higher nor lower is better, so it is not rated.")
    if is_missing(value):
        return Rating(None, "No figure for this period, so it cannot be rated.")
    tolerance = 0.0 if is_missing(tolerance) else float(tolerance)
    t = _fmt(target, decimals, unit)
    v = _fmt(value, decimals, unit)
    better = (lambda a, b: a > b) if polarity == "higher" else (lambda a, b: a < b)
    gap = abs(value - target)
    met = value == target or better(value, target)
    if met:
        return Rating(GREEN, f"{v} meets the target of {t}.")
    within = gap <= tolerance + 1e-9
    if rule == "strict":
        return Rating(RED, f"{v} misses the target of {t}.")
    if rule == "tolerance":
        if within:
            return Rating(AMBER, f"{v} misses the target of {t} but is within the tolerance of "
                                 f"{_fmt(tolerance, decimals, unit if unit != '%' else '')}"
                                 f"{' points' if unit == '%' else ''}.")
        return Rating(RED, f"{v} misses the target of {t} by more than the tolerance.")
    if within:
        return Rating(GREEN, f"{v} is within the tolerance of {_fmt(tolerance, decimals, '')}"
                             f"{' points' if unit == '%' else ''} of the target of {t}.")
    if previous is None or is_missing(previous):
        return Rating(RED, f"{v} misses the target of {t}, and there is no previous figure to show improvement.")
    p = _fmt(previous, decimals, unit)
    if better(value, previous):
        return Rating(AMBER, f"{v} misses the target of {t} but has improved from {p}.")
    return Rating(RED, f"{v} misses the target of {t} and has not improved on {p}.")
