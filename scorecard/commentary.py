"""Commentary on a metric for an area and term: text, author and date, kept with its history.
A red rating asks for an exception note: cause, action, owner and the term it is expected back on track.
Internal-only commentary is left out of public packs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from . import access, audit, limits, periods, store
from .problems import UserProblem
from .text_safety import control_problem

EXCEPTION_FIELDS = ("cause", "action", "owner", "recovery_period")
# The longest each typed field may be, in characters (scorecard.limits).
LENGTH_LIMITS = {"commentary": limits.MAX_COMMENTARY_CHARS, "cause": limits.MAX_EXCEPTION_FIELD_CHARS,
                 "action": limits.MAX_EXCEPTION_FIELD_CHARS, "owner": limits.MAX_EXCEPTION_FIELD_CHARS,
                 "author": limits.MAX_AUTHOR_CHARS}


class CommentaryError(UserProblem, ValueError):
    pass


@dataclass(frozen=True)
class Comment:
    text: str
    author: str
    written_at: datetime
    internal: bool
    cause: str | None = None
    action: str | None = None
    owner: str | None = None
    recovery_period: str | None = None

    @property
    def has_exception_note(self) -> bool:
        return all(getattr(self, f) for f in EXCEPTION_FIELDS)

    def exception_words(self) -> str:
        if not self.has_exception_note:
            return ""
        return (f"Cause: {self.cause}. Action: {self.action}. Owner: {self.owner}. "
                f"Expected back on track: {self.recovery_period}.")


def add(con, area_code: str, metric_id: str, period_label: str, text: str, *, actor: access.Actor,
        internal: bool = False, cause: str | None = None, action: str | None = None, owner: str | None = None,
        recovery_period: str | None = None) -> None:
    """Store commentary (and an exception note when its fields are given), written by the acting user:
    the author is who is signed in, never typed. Refused unless the actor may comment on the area."""
    text = (text or "").strip()
    fields = {"cause": cause, "action": action, "owner": owner, "recovery_period": recovery_period}
    fields = {k: (v or "").strip() or None for k, v in fields.items()}
    typed = {"commentary": text, **{k: v or "" for k, v in fields.items() if k in LENGTH_LIMITS}}
    too_long = [f"the {name} is {len(value):,} characters long; keep it to {LENGTH_LIMITS[name]:,} or fewer"
                for name, value in typed.items() if len(value) > LENGTH_LIMITS[name]]
    if too_long:
        raise CommentaryError("; ".join(too_long))
    controls = [f"the {name.replace('_', ' ')} {problem}" for name, value in typed.items()
                if (problem := control_problem(value))]
    if controls:
        raise CommentaryError("nothing was saved: " + "; ".join(controls))
    if not text and not any(fields.values()):
        raise CommentaryError("write a commentary or an exception note")
    if any(fields.values()) and not all(fields.values()):
        missing = [k.replace("_", " ") for k, v in fields.items() if not v]
        raise CommentaryError(f"an exception note needs all of cause, action, owner and recovery term; missing {', '.join(missing)}")
    if fields["recovery_period"]:
        fields["recovery_period"] = periods.parse(fields["recovery_period"]).label
    subject = f"{metric_id} {period_label}"
    audit.check(con, actor, access.COMMENTARY, area_code, subject=subject)
    author = actor.label[:limits.MAX_AUTHOR_CHARS]

    def store_it(con) -> None:
        before = latest(con, area_code, period_label).get(metric_id)
        con.execute(
            "INSERT INTO commentary (id, area_code, metric_id, period_label, text, author, written_at, internal, "
            "cause, action, owner, recovery_period) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [store.next_id(con, "commentary"), area_code, metric_id, period_label, text, author,
             datetime.now(), internal,
             fields["cause"], fields["action"], fields["owner"], fields["recovery_period"]])
        audience = "internal only" if internal else "public"
        if text:
            audit.record(con, actor, audit.COMMENTARY, area_code=area_code, subject=subject,
                         old=before.text if before and before.text else None, new=text, detail=audience)
        if all(fields.values()):
            note = Comment(text, author, datetime.now(), internal, **fields).exception_words()
            audit.record(con, actor, audit.EXCEPTION_NOTE, area_code=area_code, subject=subject,
                         old=before.exception_words() if before and before.has_exception_note else None, new=note,
                         detail=audience)
        store.bump_data_version(con)

    store.retrying(con, store_it)


def latest(con, area_code: str, period_label: str) -> dict[str, Comment]:
    """The newest commentary for each metric of an area's scorecard for one term."""
    rows = con.execute(
        "SELECT metric_id, text, author, written_at, internal, cause, action, owner, recovery_period FROM commentary "
        "WHERE area_code = ? AND period_label = ? "
        "QUALIFY row_number() OVER (PARTITION BY metric_id ORDER BY written_at DESC, id DESC) = 1",
        [area_code, period_label]).fetchall()
    return {r[0]: Comment(r[1] or "", r[2], r[3], bool(r[4]), *r[5:]) for r in rows}


def history(con, area_code: str, metric_id: str) -> pd.DataFrame:
    return con.execute(
        "SELECT period_label AS term, text, author, written_at, internal, cause, action, owner, recovery_period "
        "FROM commentary WHERE area_code = ? AND metric_id = ? ORDER BY written_at DESC, id DESC",
        [area_code, metric_id]).df()
