"""Area SEND inspections (Ofsted and CQC): the context every stocktake starts from.

Rows are written with their import batch (scorecard.ingest, from importers/ofsted_send.py or the
seed) and read here: an undone batch's inspections stop counting, and where two committed batches
hold the same visit the later one's row is the one shown. An area formed by a boundary change
(Cumberland, from Cumbria) is shown its predecessors' inspections too, named as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from .areas import AreaIndex

# What `scorecard inspections` prints, and the Data and sources page's CSV.
COLUMNS = ["framework", "visit", "area_code", "area", "start_date", "published", "outcome",
           "action_plan_required", "detail", "source"]
WRITTEN = ["framework", "visit", "area_code", "published_area", "start_date", "published", "outcome",
           "action_plan_required", "weaknesses", "progressed", "not_progressed", "note", "source_id",
           "source_file", "source_row"]
FRAMEWORK_WORDS = {"2016": "2016 framework", "2023": "2023 framework"}
PLAN_WORDS = {"2016": "written statement of action", "2023": "priority action plan"}

_CURRENT = """
    SELECT i.framework, i.visit, i.area_code, i.published_area, i.start_date, i.published, i.outcome,
           i.action_plan_required, i.weaknesses, i.progressed, i.not_progressed, i.note, i.source_id,
           r.title AS source_title, p.publisher
    FROM inspection i JOIN import_batch b ON b.id = i.batch_id AND b.status = 'committed'
    LEFT JOIN source_release r ON r.id = i.source_id
    LEFT JOIN publication p ON p.id = r.publication_id
    QUALIFY row_number() OVER (PARTITION BY i.framework, i.visit, i.area_code, i.start_date
                               ORDER BY i.batch_id DESC, i.source_row) = 1
"""


@dataclass(frozen=True)
class Inspection:
    framework: str
    visit: str
    area_code: str
    area_name: str
    start_date: date
    published: date | None
    outcome: str | None
    action_plan_required: bool | None
    weaknesses: int | None
    progressed: int | None
    not_progressed: int | None
    note: str | None
    source: str
    predecessor: bool = False  # an inspection of an area this one was formed from

    @property
    def detail(self) -> str:
        """The counts behind the outcome, in words: '5 significant weaknesses', 'progress on 1 of 13'."""
        parts = []
        if self.visit == "revisit":
            if self.progressed is not None and self.not_progressed is not None:
                parts.append(f"sufficient progress on {self.progressed} of "
                             f"{self.progressed + self.not_progressed} significant weaknesses")
        elif self.weaknesses:
            noun = "significant weakness" if self.framework == "2016" else "area for priority action"
            plural = "significant weaknesses" if self.framework == "2016" else "areas for priority action"
            parts.append(f"{self.weaknesses} {noun if self.weaknesses == 1 else plural}")
        if self.note:
            parts.append(self.note[:1].lower() + self.note[1:])
        if self.predecessor:
            parts.append(f"inspected as {self.area_name}")
        return "; ".join(parts)

    @property
    def plan_words(self) -> str:
        """'Yes', 'No', or 'not applicable' for a revisit."""
        if self.action_plan_required is None:
            return "not applicable"
        return "Yes" if self.action_plan_required else "No"

    @property
    def what(self) -> str:
        """'Area SEND inspection (2023 framework)' or 'Area SEND revisit (2016 framework)'."""
        return f"Area SEND {self.visit} ({FRAMEWORK_WORDS.get(self.framework, self.framework)})"

    def sentence(self, with_source: bool = True, data_to: date | None = None) -> str:
        """One plain-English line for a page's header or a pack's opening (a page prints the source
        under it, in small type, so the line stays short on a phone). With `data_to` (data_runs_to),
        it says first how far the store's inspection data runs, so an old line never reads as the
        area's current position."""
        when = f"started {_day(self.start_date)}"
        if self.published:
            when += f", published {_day(self.published)}"
        outcome = self.outcome or "outcome not yet published"
        runs = f" in the store ({data_to_words(data_to)})" if data_to else ""
        text = f"Latest {self.what[0].lower()}{self.what[1:]}{runs}: {when}. Outcome: {outcome}"
        if self.action_plan_required is not None:
            plan = PLAN_WORDS.get(self.framework, "action plan")
            text += f"; {plan} {'required' if self.action_plan_required else 'not required'}"
        if self.detail:
            text += f" ({self.detail})"
        return f"{text}. Source: {self.source}." if with_source else f"{text}."


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def data_to_words(data_to: date | None) -> str:
    """'Ofsted data to November 2023'."""
    return f"Ofsted data to {data_to:%B %Y}" if data_to else "no Ofsted data"


def data_runs_to(con) -> date | None:
    """How far the store's inspection data runs: the newest publication date (or, where none is
    given, start date) among the current inspections and revisits. None when there are none."""
    found = con.execute("SELECT max(coalesce(published, start_date)) FROM (" + _CURRENT + ")").fetchone()[0]
    return found if isinstance(found, date) else None


def _frame(con) -> pd.DataFrame:
    df = con.execute(_CURRENT + " ORDER BY i.area_code, i.start_date").df()
    for col in ("start_date", "published"):
        df[col] = pd.to_datetime(df[col]).dt.date
    return df


def _inspection(r, areas: AreaIndex, predecessor: bool) -> Inspection:
    def whole(v):
        return None if pd.isna(v) else int(v)

    area = areas.areas.get(r.area_code)
    source = ", ".join(s for s in (r.publisher, r.source_title) if isinstance(s, str) and s) or "Ofsted"
    published = r.published if isinstance(r.published, date) else None
    return Inspection(
        framework=r.framework, visit=r.visit, area_code=r.area_code,
        area_name=area.name if area else r.published_area, start_date=r.start_date, published=published,
        outcome=r.outcome if isinstance(r.outcome, str) else None,
        action_plan_required=None if pd.isna(r.action_plan_required) else bool(r.action_plan_required),
        weaknesses=whole(r.weaknesses), progressed=whole(r.progressed), not_progressed=whole(r.not_progressed),
        note=r.note if isinstance(r.note, str) else None, source=source, predecessor=predecessor)


def history(con, area_codes: list[str] | None = None, areas: AreaIndex | None = None) -> list[Inspection]:
    """Every current inspection and revisit, oldest first; for the areas named, with the inspections
    of the areas they were formed from. None means every area."""
    areas = areas or AreaIndex.from_store(con)
    df = _frame(con)
    if area_codes is None:
        return [_inspection(r, areas, False) for r in df.itertuples(index=False)]
    wanted: dict[str, bool] = {}
    for code in area_codes:
        wanted[code] = False
        for predecessor, kind in areas.lineage(code):
            if kind != "code change":
                wanted.setdefault(predecessor, True)
            else:
                wanted.setdefault(predecessor, False)
    kept = df[df["area_code"].isin(list(wanted))].sort_values(["start_date", "area_code"], kind="stable")
    return [_inspection(r, areas, wanted[r.area_code]) for r in kept.itertuples(index=False)]


def latest(con, area_code: str, areas: AreaIndex | None = None) -> Inspection | None:
    """The area's most recent inspection or revisit (by start date), or None."""
    found = history(con, [area_code], areas)
    return found[-1] if found else None


def latest_line(con, area_code: str, areas: AreaIndex | None = None) -> str:
    """The header's line: the latest inspection in words, with how far the data runs, or that none
    is recorded."""
    found = latest(con, area_code, areas)
    runs = data_runs_to(con)
    if found is not None:
        return found.sentence(data_to=runs)
    return f"No area SEND inspection of this area is recorded in the store ({data_to_words(runs)})."


def table(rows: list[Inspection]) -> pd.DataFrame:
    """The history as a table (for the CLI, the Data and sources page and its CSV)."""
    return pd.DataFrame([{
        "framework": r.framework, "visit": r.visit, "area_code": r.area_code, "area": r.area_name,
        "start_date": r.start_date.isoformat(), "published": r.published.isoformat() if r.published else None,
        "outcome": r.outcome, "action_plan_required": r.action_plan_required, "detail": r.detail,
        "source": r.source} for r in rows], columns=COLUMNS)


def words_table(rows: list[Inspection]) -> pd.DataFrame:
    """The history as people read it, newest first (the Data and sources page, the packs)."""
    return pd.DataFrame([{
        "Visit": r.what, "Area": r.area_name, "Started": _day(r.start_date),
        "Published": _day(r.published) if r.published else "not yet", "Outcome": r.outcome or "not yet published",
        "Action plan required": r.plan_words, "Detail": r.detail or "—"} for r in reversed(rows)],
        columns=["Visit", "Area", "Started", "Published", "Outcome", "Action plan required", "Detail"])


def write(con, frame: pd.DataFrame, batch_id: int) -> int:
    """Insert a plan's inspections as part of a batch (inside the caller's transaction)."""
    from . import store

    rows = frame[WRITTEN].assign(batch_id=batch_id)
    store.register_frame(con, "incoming_inspections", rows)
    con.execute("INSERT INTO inspection BY NAME SELECT * FROM incoming_inspections")
    con.unregister("incoming_inspections")
    return len(rows)
