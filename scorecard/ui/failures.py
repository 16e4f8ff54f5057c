"""The dashboard's one error boundary: whatever a page raises becomes a sentence on the page, with
a reference to the detail in the server log; nobody sees a traceback or a server path.

Streamlit's own control flow (st.rerun, st.stop, st.switch_page) raises BaseExceptions that are not
Exceptions, so it passes through untouched."""

from __future__ import annotations

import contextlib

import streamlit as st

from .. import access, config, errors, secrets_file, store
from ..problems import UserProblem
from ..redaction import redact
from ..text_safety import plain


ACCESS_SETTINGS_FAILURE = ("This dashboard's sign-in settings cannot be used just now, so it cannot be shown. "
                           "Please tell whoever runs the dashboard")


@contextlib.contextmanager
def shown_on_page(where: str):
    try:
        yield
    except (store.StoreBusy, store.StoreMissing) as exc:
        _error(exc.page_message, icon=":material/lock:")
    except store.StoreDamaged as exc:
        _error(page_message(exc, where), icon=":material/error:")
    except store.StoreUnavailable as exc:  # a commit that kept conflicting, a lake out of reach
        _error(exc.page_message, icon=":material/error:")
    except (access.AccessFileError, secrets_file.SecretsFileError) as exc:
        # The administrator's business: its detail (the file's name, its entries' emails) goes to the log.
        reference = errors.record_for_page(exc, where)
        _error(f"{ACCESS_SETTINGS_FAILURE} (reference {reference}).", icon=":material/block:")
    except access.AccessRefused as exc:  # said in a sentence that names no server path
        _error(plain(str(exc)), icon=":material/block:")
    except UserProblem as exc:  # something the person can put right, said as it is: plain text, since
        # it may quote what a visitor typed (an ?as_at= in the address), which must never become a link
        _error(plain(str(exc)), icon=":material/error:")
    except Exception as exc:  # the boundary: anything else is logged and told in one sentence
        _error(page_message(exc, where), icon=":material/error:")


def _error(message: str, icon: str) -> None:
    """An error box; whatever the message holds, no secret reaches the page."""
    st.error(redact(message), icon=icon)


def page_message(exc: Exception, where: str) -> str:
    """Log the exception under a reference and say, in a sentence, what the person can do."""
    reference = errors.record_for_page(exc, where)
    # A full disk, a damaged file, a lake missing its data files: the cause and what to do.
    problem = store.explained(exc, config.db_path())
    if problem is not None:
        return f"{problem.page_message} (Reference {reference}.)"
    return errors.page_sentence(reference)
