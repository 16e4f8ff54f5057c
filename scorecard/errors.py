"""Unexpected failures, told to people without a traceback.

The full detail (the traceback) goes to the server log under a short reference; the person sees
one sentence with that reference, which the operator can find in the log. The command line and
the dashboard both use this module."""

from __future__ import annotations

import logging
import os
import secrets
import sys
import traceback
import warnings
from datetime import datetime
from pathlib import Path

from . import config
from .redaction import redact

LOG_ENV = "SCORECARD_LOG"
DEFAULT_LOG = config.DATA_DIR / "logs" / "scorecard.log"
PAGE_FAILURE = "Something went wrong on this page"

_logger = logging.getLogger("scorecard")


def log_path() -> Path:
    """The server log: $SCORECARD_LOG, else data/logs/scorecard.log."""
    return Path(os.environ.get(LOG_ENV) or DEFAULT_LOG)


def new_reference() -> str:
    """Six hex digits: short enough to read out, distinct enough to find in the log."""
    return secrets.token_hex(3).upper()


def _append(entry: str) -> bool:
    entry = redact(entry)  # DuckDB's errors repeat connection strings, passwords and all
    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as log:
            log.write(entry)
    except OSError:
        return False
    return True


def record(exc: BaseException, where: str) -> tuple[str, bool]:
    """Write the exception's traceback to the server log under a new reference.
    Returns (reference, written): written is False when the log could not be written."""
    reference = new_reference()
    detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    written = _append(f"--- {datetime.now():%Y-%m-%d %H:%M:%S} reference {reference} in {where}\n{detail}\n")
    return reference, written


def redact_every_log_record() -> None:
    """Every log record of the process, Streamlit's own included (a widget callback's failure, say),
    has its message and traceback redacted as it is made, before any handler writes it. Once per
    process."""
    make = logging.getLogRecordFactory()
    if getattr(make, "redacting", False):
        return

    def redacting(*args, **kwargs):
        record = make(*args, **kwargs)
        try:
            record.msg, record.args = redact(record.getMessage()), ()
            if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
                record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        except Exception:  # a record that cannot be formatted is left to logging's own handling
            pass
        return record

    redacting.redacting = True
    logging.setLogRecordFactory(redacting)


def warnings_to_log() -> None:
    """Python's warnings name source files on the server: send them to the log, not to the person."""

    def to_log(message, category, filename, lineno, file=None, line=None):
        _append(f"--- {datetime.now():%Y-%m-%d %H:%M:%S} warning\n"
                + warnings.formatwarning(message, category, filename, lineno, line))

    warnings.showwarning = to_log


def cli_sentence(reference: str, written: bool) -> str:
    where = "The details are in the server log." if written else "The details could not be written to the server log."
    return f"scorecard: something went wrong (reference {reference}). {where}"


def page_sentence(reference: str) -> str:
    return (f"{PAGE_FAILURE} (reference {reference}). The details are in the server log; "
            "please give the reference to whoever runs the dashboard.")


def record_for_page(exc: BaseException, where: str) -> str:
    """As record, for the dashboard: the server's console (its own log) gets the detail too."""
    reference, written = record(exc, where)
    detail = redact("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    _logger.error("reference %s in %s%s\n%s", reference, where,
                  "" if written else " (the log file could not be written)", detail)
    return reference


def shown_path(path: str | os.PathLike, typed: list[str] | tuple[str, ...] = ()) -> str:
    """A path fit for a message: as the person typed it, else relative to the checkout when it is
    inside it (data/scorecard.duckdb), else only its file name, so no server path leaks."""
    text = str(path)
    if text in typed:
        return text
    try:
        return Path(text).resolve().relative_to(config.PROJECT_ROOT).as_posix()
    except ValueError:
        return Path(text).name or text


def print_err(message: str) -> None:
    """One line to stderr; a closed stderr is not worth a second failure. A control character from a
    file name or a cell is shown as a symbol, never sent to the terminal to act on."""
    from .text_safety import visible_controls

    try:
        print(visible_controls(redact(message)), file=sys.stderr)
    except (OSError, ValueError):
        pass
