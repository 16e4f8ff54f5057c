"""The scorecard read aloud, for a committee:

    "Plymouth issued 6.0% (24 of 403) of new EHC plans within 20 weeks in 2024, down from 17.8% in
     2023 and below England (46.4%) and its statistical neighbours (48.5%, mean of 10 of 10). It
     ranks 145th of 149."

The sentences are written by scorecard.words, the one place that says how a figure reads; this
module keeps the names the command line, the home page and the packs call.
"""

from __future__ import annotations

from .words import period_phrase, sentence, summary

__all__ = ["period_phrase", "sentence", "summary"]
