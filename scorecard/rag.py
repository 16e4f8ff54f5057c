"""RAG ratings against a local target, with the reason in words.

The default rule is distance to target, as most council scorecards use it (PRODUCT.md):
    Green  the target is met, or the figure is within the target's tolerance of it
    Amber  off target, but within the amber margin (by default 10% of the target value)
    Red    beyond the amber margin
Direction of travel is shown beside the rating, never inside it: 7% against a 60% target is red,
however fast it is rising. Without a target there is no rating (the scorecard compares with England
instead). Context measures (demand) have no better direction, so they are never rated.

A measure may use another rule (register field `rag_rule`):
    improvement  Green met or within tolerance; Amber off target but improving on the previous
                 period; Red off target and not improving. Some boards rate "off target but
                 improving" as amber; it is offered by name, never by default.
    tolerance    Green met; Amber within the tolerance; Red otherwise
    strict       Green met; Red otherwise
"""

from __future__ import annotations

from dataclasses import dataclass

from .published import is_missing

GREEN, AMBER, RED = "Green", "Amber", "Red"
ICONS = {GREEN: "●", AMBER: "▲", RED: "■"}  # distinct shapes, so RAG never relies on colour
# A conventional red, amber and green, dark enough for white or black text at 4.5:1 (WCAG 2.2 AA),
# and never the colours of the chart series; the word and the shape always go with them.
COLOURS = {GREEN: "#00703C", AMBER: "#FFBF47", RED: "#D4351C"}
TEXT_ON = {GREEN: "#FFFFFF", AMBER: "#0B0C0C", RED: "#FFFFFF"}
DEFAULT_RULE = "distance"
DEFAULT_AMBER_MARGIN = 10.0  # per cent of the target value
RULES = {
    "distance": "Green when the target is met or the figure is within its tolerance; Amber when off target but "
                "within the amber margin (by default 10% of the target value); Red beyond it. Whether the "
                "figure improved is shown beside the rating, not inside it.",
    "improvement": "Green when the target is met or the figure is within its tolerance; Amber when off target but "
                   "improving on the previous period; Red when off target and not improving.",
    "tolerance": "Green when the target is met; Amber when within the tolerance of it; Red otherwise.",
    "strict": "Green when the target is met; Red otherwise.",
}
ALIASES = {"default": DEFAULT_RULE}  # stores made before the distance rule call it "default"


def rule_name(rule: str | None) -> str:
    """The rule a register or store names, with old names mapped to today's."""
    rule = (rule or DEFAULT_RULE).strip()
    return ALIASES.get(rule, rule)


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


def _gap(v: float, decimals: int, unit: str) -> str:
    """A difference in the measure's units: '6.0 points' for a percentage, '6' for a count."""
    return f"{v:,.{decimals}f} points" if unit == "%" else f"{v:,.{decimals}f}"


def rate(value, target, tolerance, polarity: str, previous=None, rule: str = DEFAULT_RULE,
         decimals: int = 1, unit: str = "%", amber_margin: float | None = None) -> Rating:
    """Rate one figure. `tolerance` is in the measure's own units (e.g. 2.5 percentage points);
    `amber_margin` is a percentage of the target value (distance rule only)."""
    if target is None or is_missing(target):
        return Rating(None, "No target set: compared with England instead.")
    if polarity == "context":
        return Rating(None, "A context measure (demand): neither higher nor lower is better, so it is not rated.")
    if is_missing(value):
        return Rating(None, "No figure for this period, so it cannot be rated.")
    rule = rule_name(rule)
    tolerance = 0.0 if is_missing(tolerance) else float(tolerance)
    t, v = _fmt(target, decimals, unit), _fmt(value, decimals, unit)
    better = (lambda a, b: a > b) if polarity == "higher" else (lambda a, b: a < b)
    gap = abs(value - target)
    if value == target or better(value, target):
        return Rating(GREEN, f"{v} meets the target of {t}.")
    within_tolerance = gap <= tolerance + 1e-9
    if rule == "strict":
        return Rating(RED, f"{v} misses the target of {t}.")
    if rule == "tolerance":
        if within_tolerance:
            return Rating(AMBER, f"{v} misses the target of {t} but is within the tolerance of "
                                 f"{_gap(tolerance, decimals, unit)}.")
        return Rating(RED, f"{v} misses the target of {t} by more than the tolerance.")
    if within_tolerance:
        return Rating(GREEN, f"{v} is within the tolerance of {_gap(tolerance, decimals, unit)} of the target of {t}.")
    if rule == "improvement":
        if previous is None or is_missing(previous):
            return Rating(RED, f"{v} misses the target of {t}, and there is no previous figure to show improvement.")
        p = _fmt(previous, decimals, unit)
        if better(value, previous):
            return Rating(AMBER, f"{v} misses the target of {t} but has improved from {p}.")
        return Rating(RED, f"{v} misses the target of {t} and has not improved on {p}.")
    margin_pct = DEFAULT_AMBER_MARGIN if amber_margin is None or is_missing(amber_margin) else float(amber_margin)
    margin = abs(target) * margin_pct / 100
    margin_words = f"{_gap(margin, decimals, unit)} ({margin_pct:g}% of the target)"
    if gap <= margin + 1e-9:
        return Rating(AMBER, f"{v} misses the target of {t} by {_gap(gap, decimals, unit)}, within the amber margin "
                             f"of {margin_words}.")
    return Rating(RED, f"{v} misses the target of {t} by {_gap(gap, decimals, unit)}, more than the amber margin "
                       f"of {margin_words}.")
