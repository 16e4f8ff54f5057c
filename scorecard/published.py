"""Read a published cell: a number, a percentage in text, or a symbol that says why there is none.

A missing value is never turned into 0. Each symbol maps to a status that is stored with the
(empty) value, so the dashboard can say "suppressed" rather than show a blank or a zero.
"""

from __future__ import annotations

import math
import re

# Status of a stored value. Values present carry one of the first three.
PUBLISHED = "published"
COMPUTED = "computed"  # worked out from a published numerator and denominator
LOCAL = "local"  # a local return, for a local measure
PROVISIONAL = "provisional"  # a board's own figure for a national measure, before the publisher's release
ILLUSTRATIVE = "illustrative"  # sample figures, never real data
SUPPRESSED = "suppressed"
NOT_APPLICABLE = "not_applicable"
NOT_AVAILABLE = "not_available"
LOW = "low"
LOW_RELIABILITY = "low_reliability"

VALUE_STATUSES = (PUBLISHED, COMPUTED, LOCAL, PROVISIONAL, ILLUSTRATIVE)
# Figures a board supplied: never ranked, averaged or summed with the publisher's, and always giving
# way to the publisher's figure for the same measure, area and period.
BOARD_STATUSES = (LOCAL, PROVISIONAL, ILLUSTRATIVE)
MISSING_STATUSES = (SUPPRESSED, NOT_APPLICABLE, NOT_AVAILABLE, LOW, LOW_RELIABILITY)
ALL_STATUSES = VALUE_STATUSES + MISSING_STATUSES

LOCAL_PUBLICATION = "local-return"  # the publication every local return's source release belongs to
INSPECTIONS_PUBLICATION = "ofsted-area-send"  # Ofsted's area SEND inspections: judgements, not figures

# Which of a measure's figures for an area and period counts: a committed batch's before an undone
# one's; a publisher's before a board's own; a printed rate before one calculated from its counts;
# then the newest release and the latest batch. (ingest.recompute_current keeps the store by this
# rule; as_at.py shows the store as it stood by the same rule.) Over metric_value v, its
# import_batch b and source_release s.
CURRENT_ORDER = ("coalesce(b.status = 'committed', FALSE) DESC, "
                 "(s.publication_id IS NOT DISTINCT FROM '" + LOCAL_PUBLICATION + "'), (v.status = 'computed'), "
                 "s.release_date DESC NULLS LAST, v.batch_id DESC, v.id DESC")

STATUS_WORDS = {
    PUBLISHED: "published",
    COMPUTED: "calculated from published counts",
    LOCAL: "local return",
    PROVISIONAL: "local (provisional)",
    ILLUSTRATIVE: "illustrative figure",
    SUPPRESSED: "suppressed",
    NOT_APPLICABLE: "not applicable",
    NOT_AVAILABLE: "not available",
    LOW: "rounds to zero",
    LOW_RELIABILITY: "low reliability",
}

# The DfE open-data standard's symbols, and the older forms found in MoJ tables.
EES_SYMBOLS = {
    "c": SUPPRESSED,
    "~": SUPPRESSED,
    "z": NOT_APPLICABLE,
    "x": NOT_AVAILABLE,
    ":": NOT_AVAILABLE,
    "..": NOT_AVAILABLE,
    "": NOT_AVAILABLE,
    "low": LOW,
    "u": LOW_RELIABILITY,
}
# In the MoJ appeal-rate table " - " means nil.
MOJ_SYMBOLS = {**EES_SYMBOLS, "-": "zero"}

_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?")


class CellError(ValueError):
    """A cell that is neither a number nor a known symbol."""


def parse_cell(raw, symbols: dict[str, str] = EES_SYMBOLS, percent_text: bool = False) -> tuple[float | None, str]:
    """Return (value, status) for one published cell.

    Accepts thousands separators ("2,533") and, when percent_text is set, "1.30%".
    Raises CellError for anything else, so a bad file is refused, never guessed at.
    """
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None, symbols.get("", NOT_AVAILABLE)
    if isinstance(raw, (int, float)):
        return float(raw), PUBLISHED
    text = str(raw).strip()
    lowered = text.lower()
    if lowered in symbols:
        status = symbols[lowered]
        if status == "zero":
            return 0.0, PUBLISHED
        return None, status
    is_percent = text.endswith("%")
    if is_percent:
        if not percent_text:
            raise CellError(f"{text!r} is a percentage in text where a number was expected")
        text = text[:-1].strip()
    if not _NUMBER.fullmatch(text):
        raise CellError(f"{str(raw).strip()!r} is not a number or a known symbol")
    return float(text.replace(",", "")), PUBLISHED


def is_missing(value) -> bool:
    """No figure: None, NaN or pandas' NA (a missing value is never read as 0)."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan")


def status_words(status: str | None) -> str:
    return STATUS_WORDS.get(status or "", status or "")
