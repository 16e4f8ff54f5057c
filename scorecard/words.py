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
