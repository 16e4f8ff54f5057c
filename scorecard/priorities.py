"""An improvement plan's priority areas (e.g. "1. Assessment timeliness") and the metrics mapped to
each. The scorecard groups rows by them; metrics not mapped fall back to their register theme."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import access, audit, plan_history, store
from .limits import MAX_PRIORITY_TITLE_CHARS
from .problems import UserProblem
from .text_safety import control_problem


class PriorityError(UserProblem, ValueError):
    pass


@dataclass
class Priority:
    number: int
    title: str
    metric_ids: list[str] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


def priorities_for(con, area_code: str) -> list[Priority]:
    rows = con.execute("SELECT number, title FROM priority WHERE area_code = ? ORDER BY number", [area_code]).fetchall()
    out = [Priority(n, t) for n, t in rows]
    by_number = {p.number: p for p in out}
    for number, metric_id in con.execute(
            "SELECT number, metric_id FROM priority_metric WHERE area_code = ? ORDER BY number, position",
            [area_code]).fetchall():
        if number in by_number:
            by_number[number].metric_ids.append(metric_id)
    return out


def save(con, area_code: str, priorities: list[Priority], known_metrics: set[str], *, actor: access.Actor) -> None:
    """Replace an area's priority areas and their metrics, in one transaction, if the actor may."""
    numbers = [p.number for p in priorities]
    if len(set(numbers)) != len(numbers):
        raise PriorityError("each priority area needs its own number")
    seen: dict[str, int] = {}
    for p in priorities:
        if not p.title.strip():
            raise PriorityError(f"priority area {p.number} needs a title")
        if len(p.title.strip()) > MAX_PRIORITY_TITLE_CHARS:
            raise PriorityError(f"the title of priority area {p.number} is {len(p.title.strip()):,} characters long; "
                                f"keep it to {MAX_PRIORITY_TITLE_CHARS:,} or fewer")
        if problem := control_problem(p.title, lines=False):
            raise PriorityError(f"the title of priority area {p.number} {problem}")
        for m in p.metric_ids:
            if m not in known_metrics:
                raise PriorityError(f"unknown metric {m!r} in priority area {p.number}")
            if m in seen:
                raise PriorityError(f"{m} is in priority areas {seen[m]} and {p.number}; a metric belongs to one")
            seen[m] = p.number
    audit.check(con, actor, access.PRIORITIES, area_code, subject="priority areas")

    def store_them(con) -> None:
        before = "; ".join(f"{p.heading}: {', '.join(p.metric_ids)}" for p in priorities_for(con, area_code))
        con.execute("DELETE FROM priority_metric WHERE area_code = ?", [area_code])
        con.execute("DELETE FROM priority WHERE area_code = ?", [area_code])
        for p in priorities:
            con.execute("INSERT INTO priority VALUES (?, ?, ?)", [area_code, p.number, p.title.strip()])
            for position, m in enumerate(p.metric_ids):
                con.execute("INSERT INTO priority_metric VALUES (?, ?, ?, ?)", [area_code, p.number, m, position])
        after = "; ".join(f"{p.number}. {p.title.strip()}: {', '.join(p.metric_ids)}" for p in priorities)
        audit.record(con, actor, audit.PRIORITY_AREAS, area_code=area_code, subject="priority areas",
                     old=before or None, new=after or None)
        plan_history.save_area(con, plan_history.PRIORITIES, area_code)  # so a pack --as-at shows them as then
        store.bump_data_version(con)

    store.retrying(con, store_them)
