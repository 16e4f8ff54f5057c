"""The audit trail: every change to the store, and every change refused, with who made it, how they
reached the store, when, what, and the old and new values where a value changed.

Append-only from the application's side: this module only inserts (inside the writing transaction, so
a change and its record land together or not at all) and reads. No page or command edits or deletes a
row. A refusal is recorded in a transaction of its own, since the refused change writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from . import access, store
from .text_safety import visible_controls
from .redaction import redact

DONE, REFUSED = "done", "refused"

# The kinds of change, as the trail names them.
IMPORTED = "import"
UNDONE = "undo"
FIGURE_REVISED = "figure revised"
TARGET_SET = "target set"
TARGET_REMOVED = "target removed"
COMMENTARY = "commentary"
EXCEPTION_NOTE = "exception note"
PRIORITY_AREAS = "priority areas"
THEMES_AND_PARTNERS = "themes and partners"
BOARD_MEASURE = "board measure"
RESTORED = "restore"
REGISTER_CHANGED = "register changed"  # data/metrics.toml brought into the store with a measure changed
# A change asked for while the dashboard showed the store as it stood at an earlier point (?as_at=).
CHANGE_AT_AN_EARLIER_POINT = "change while viewing an earlier point"
# How many of a refused file's problems the trail keeps, and how long each may be.
REFUSED_FILE_ISSUES, REFUSED_FILE_ISSUE_CHARS = 5, 300

COLUMNS = ["id", "changed_at", "who", "how", "role", "action", "outcome", "area_code", "subject", "old_value",
           "new_value", "detail", "batch_id"]
# The trail for people: the columns the admin page and `scorecard audit` show, in their words.
SHOWN = {"changed_at": "When", "who": "Who", "how": "How", "role": "Role", "action": "What", "outcome": "Outcome",
         "area_code": "Area", "subject": "Item", "old_value": "Old value", "new_value": "New value",
         "detail": "Detail", "batch_id": "Batch"}


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float):
        return f"{value:,.10g}"
    return redact(str(value))


def record(con, actor: access.Actor, action: str, *, area_code: str | None = None, subject: str = "",
           old=None, new=None, detail: str = "", batch_id: int | None = None, outcome: str = DONE) -> None:
    """One row of the trail, inside the caller's writing transaction."""
    con.execute(
        "INSERT INTO audit_event (id, changed_at, who, how, role, action, outcome, area_code, subject, old_value, new_value, "
        "detail, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [store.next_id(con, "audit_event"), datetime.now(), actor.label, actor.how, actor.role, action, outcome,
         area_code, _text(subject) or None, _text(old), _text(new), _text(detail) or None, batch_id])


def record_many(con, actor: access.Actor, action: str, rows: pd.DataFrame, *, batch_id: int | None = None,
                outcome: str = DONE) -> int:
    """Many rows of the trail in one statement, inside the caller's writing transaction: `rows` has the
    columns area_code, subject, old_value and new_value (text the program wrote itself: measure ids,
    periods and figures), one row each, in order. A return that revises 20,000 figures is one insert,
    not 20,000. Returns how many were written."""
    if not len(rows):
        return 0
    frame = pd.DataFrame({"area_code": rows["area_code"].astype(object).to_numpy(),
                          "subject": rows["subject"].astype(object).to_numpy(),
                          "old_value": [_text(v) for v in rows["old_value"]],
                          "new_value": [_text(v) for v in rows["new_value"]]})
    frame["_order"] = range(len(frame))
    store.register_frame(con, "audit_rows", frame)
    try:
        con.execute(
            "INSERT INTO audit_event (id, changed_at, who, how, role, action, outcome, area_code, subject, old_value, "
            "new_value, detail, batch_id) SELECT ? + row_number() OVER (ORDER BY _order) - 1, ?, ?, ?, ?, ?, ?, "
            "area_code, subject, old_value, new_value, NULL, ? FROM audit_rows",
            [store.next_id(con, "audit_event"), datetime.now(), actor.label, actor.how, actor.role, action, outcome,
             batch_id])
    finally:
        con.unregister("audit_rows")
    return len(frame)


def refused(con, refusal: access.AccessRefused, subject: str = "") -> None:
    """Record a refused change in a transaction of its own (the change itself wrote nothing)."""
    def write_it(con) -> None:
        record(con, refusal.actor, refusal.action, area_code=refusal.area_code, subject=subject,
               detail=str(refusal), outcome=REFUSED)

    store.retrying(con, write_it)


def file_refused(con, actor: access.Actor, file_name: str, failure, action: str = IMPORTED) -> None:
    """Record a file refused because it failed its checks (an ImportFailure: every problem by row and
    column), in a transaction of its own, since nothing of the file was written. The trail keeps how
    many problems there were and the first few, as the person was shown them."""
    issues = list(getattr(failure, "issues", []))
    shown = [str(i)[:REFUSED_FILE_ISSUE_CHARS] for i in issues[:REFUSED_FILE_ISSUES]]
    more = f"; and {len(issues) - len(shown)} more" if len(issues) > len(shown) else ""
    detail = f"{len(issues)} problem(s), nothing written: " + "; ".join(shown) + more

    def write_it(con) -> None:
        record(con, actor, action, subject=file_name, detail=detail, outcome=REFUSED)

    store.retrying(con, write_it)


def change_refused(con, actor: access.Actor, action: str, subject: str, why: str) -> None:
    """Record a change refused for a reason other than the person's role (such as a change asked for
    while the page showed an earlier point), in a transaction of its own."""
    def write_it(con) -> None:
        record(con, actor, action, subject=subject, detail=why, outcome=REFUSED)

    store.retrying(con, write_it)


def check(con, actor: access.Actor, action: str, area_code: str | None = None, subject: str = "",
          area_name: str | None = None) -> None:
    """access.require, with a refusal recorded in the trail before it is raised."""
    try:
        access.require(actor, action, area_code, area_name)
    except access.AccessRefused as refusal:
        refused(con, refusal, subject)
        raise


def events(con, since: date | datetime | None = None, user: str | None = None, action: str | None = None,
           area_code: str | None = None, outcome: str | None = None) -> pd.DataFrame:
    """The trail, newest first, filtered by date (on or after `since`), user (email or account, any case),
    kind of change, area and outcome."""
    clauses, params = [], []
    if since is not None:
        clauses.append("changed_at >= ?")
        params.append(datetime.combine(since, datetime.min.time()) if not isinstance(since, datetime) else since)
    if user:
        clauses.append("lower(who) = lower(?)")
        params.append(user.strip())
    if action:
        clauses.append("action = ?")
        params.append(action)
    if area_code:
        clauses.append("area_code = ?")
        params.append(area_code)
    if outcome:
        clauses.append("outcome = ?")
        params.append(outcome)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return con.execute("SELECT " + ", ".join(COLUMNS) + " FROM audit_event" + where + " ORDER BY changed_at DESC, id DESC",
                       params).df()


def events_for(con, actor: access.Actor, **filters) -> pd.DataFrame:
    """events(), for an admin only (the dashboard's audit trail page): anyone else is refused."""
    access.require(actor, access.VIEW_AUDIT)
    return events(con, **filters)


def people_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The trail with headings in words and blanks for missing values (for the page, CSV and the CLI)."""
    out = frame[list(SHOWN)].copy()
    out["changed_at"] = [f"{t:%Y-%m-%d %H:%M:%S}" if not pd.isna(t) else "" for t in out["changed_at"]]
    out["batch_id"] = ["" if pd.isna(b) else str(int(b)) for b in out["batch_id"]]
    out = out.astype(object).where(out.notna(), "")
    for column in out.columns:  # text typed by people or taken from files: no control character acts
        out[column] = [visible_controls(v) for v in out[column]]
    return out.rename(columns=SHOWN)


def kinds(con) -> list[str]:
    """Every kind of change in the trail, for a filter."""
    return [r[0] for r in con.execute("SELECT DISTINCT action FROM audit_event ORDER BY action").fetchall()]


def users(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT who FROM audit_event ORDER BY who").fetchall()]
