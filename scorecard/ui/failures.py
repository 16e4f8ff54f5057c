"""The dashboard's one error boundary: whatever a page raises becomes a sentence on the page, with
a reference to the detail in the server log; nobody sees a traceback or a server path.

Streamlit's own control flow (st.rerun, st.stop, st.switch_page) raises BaseExceptions that are not
Exceptions, so it passes through untouched."""

from __future__ import annotations

import contextlib

import streamlit as st

from .. import access, config, errors, store
from ..problems import UserProblem
from ..text_safety import plain


@contextlib.contextmanager
def shown_on_page(where: str):
    try:
        yield
    except (store.StoreBusy, store.StoreMissing) as exc:
        st.error(exc.page_message, icon=":material/lock:")
    except store.StoreDamaged as exc:
        st.error(page_message(exc, where), icon=":material/error:")
    except store.StoreUnavailable as exc:  # a commit that kept conflicting, a lake out of reach
        st.error(exc.page_message, icon=":material/error:")
    except (access.AccessRefused, access.AccessFileError) as exc:  # said in a sentence that names no server path
        st.error(plain(str(exc)), icon=":material/block:")
    except UserProblem as exc:  # something the person can put right, said as it is: plain text, since
        # it may quote what a visitor typed (an ?as_at= in the address), which must never become a link
        st.error(plain(str(exc)), icon=":material/error:")
    except Exception as exc:  # the boundary: anything else is logged and told in one sentence
        st.error(page_message(exc, where), icon=":material/error:")


def page_message(exc: Exception, where: str) -> str:
    """Log the exception under a reference and say, in a sentence, what the person can do."""
    reference = errors.record_for_page(exc, where)
    if not isinstance(exc, store.StoreDamaged) and (reason := store.damage(exc)):
        exc = store.damaged(config.db_path(), reason)
    if isinstance(exc, store.StoreDamaged):
        return f"{exc.page_message} (Reference {reference}.)"
    return errors.page_sentence(reference)
