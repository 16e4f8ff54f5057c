"""Undo, asked twice: the chooser starts empty, and before anything is undone the page says exactly
what will go ("batch 3: 14 targets for Plymouth, and every rating that rests on them, imported by …
on …") and asks once more. The words come from ingest.describe_batch; this module only places them."""

from __future__ import annotations

import streamlit as st

from .. import access, ingest
from ..text_safety import plain
from . import data

PENDING = "undo_pending"  # the batch whose undo is waiting for its second "yes", with the chooser's key


def ask(batch_id: int, key: str, message_key: str, viewer: access.Actor) -> None:
    """The second question for a batch chosen for undo: what it removes, then Undo or Keep it. On
    Undo the batch is undone, the message is left in st.session_state[message_key], and the page runs
    again."""
    try:
        described = ingest.describe_batch(data.cursor(), batch_id)
    except ingest.UndoError as exc:
        st.error(plain(str(exc)))
        st.session_state.pop(PENDING, None)
        return
    with st.container(border=True, key=f"{key}_confirm"):
        st.warning(f"Undo {plain(described)}? This removes them from the scorecard and brings back whatever "
                   "they replaced. It stays in the store's history.", icon=":material/warning:")
        yes, keep = st.columns(2)
        if yes.button(f"Yes, undo batch {batch_id}", key=f"{key}_yes", type="primary"):
            st.session_state.pop(PENDING, None)
            try:
                st.session_state[message_key] = data.write(ingest.undo, batch_id, actor=viewer)
            except (ingest.UndoError, access.AccessRefused) as exc:
                st.error(plain(str(exc)))
            else:
                st.rerun()
        if keep.button("No, keep it", key=f"{key}_keep"):
            st.session_state.pop(PENDING, None)
            st.rerun()


def pending(key: str) -> int | None:
    """The batch this chooser (key) is waiting to confirm, if any."""
    found = st.session_state.get(PENDING)
    return found[1] if found and found[0] == key else None


def start(key: str, batch_id: int) -> None:
    """Ask before undoing `batch_id`: the next run shows what it removes (ask)."""
    st.session_state[PENDING] = (key, int(batch_id))
    st.rerun()
