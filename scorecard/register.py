"""The metric register: metric definitions as data (data/metrics.toml), and the publications and
releases they come from (data/sources.toml). A board's own metrics are added to the same table."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from . import config, limits
from .problems import UserProblem
from .text_safety import text_problem

UNITS = ("%", "count", "rate per 100", "per 10,000", "days", "£", "£ per head")
# Rates per population must name the population they are per (shown beside the figure).
PER_POPULATION_UNITS = ("per 10,000", "£ per head")
MONEY_UNITS = ("£", "£ per head")
# Totals for a whole area (a count, a sum of money): bigger areas have more, so they are never ranked,
# banded or called better or worse than another area, and a region's figure is the sum of its LAs'.
TOTAL_UNITS = ("count", "£")
POLARITIES = ("higher", "lower", "context")
# Who answers to the board for a measure: the partners of a local area's SEND partnership.
PARTNERS = {
    "send_service": "Local authority SEND service",
    "health": "Health (ICB)",
    "social_care": "Social care",
    "education": "Education settings",
    "partnership": "Whole partnership",
}
DEFAULT_PARTNER = "partnership"


@dataclass(frozen=True)
class Theme:
    """A heading a scorecard groups measures under (outside the board's priority areas), and the
    partner accountable for its measures unless a measure names its own."""

    id: str
    title: str
    partner: str = DEFAULT_PARTNER


# Used only when the register file names no [[theme]] (an older register).
_DEFAULT_THEMES = (Theme("timeliness", "Timeliness", "send_service"), Theme("demand", "Demand", "partnership"),
                   Theme("disagreement", "Disagreement and redress", "send_service"),
                   Theme("inclusion", "Inclusion and elective home education", "education"),
                   Theme("workforce", "Workforce", "send_service"),
                   Theme("resources", "Money and places", "partnership"))
_ID = re.compile(r"[a-z][a-z0-9_]{1,60}")
# A metric's words are shown on every page and written into packs and officers' templates, so each
# is checked as words: its length, and no formula start, control character, link or markup.
TEXT_FIELDS = {"name": (limits.MAX_METRIC_NAME_CHARS, False),
               "short_name": (limits.MAX_METRIC_SHORT_NAME_CHARS, False),
               "description": (limits.MAX_METRIC_DESCRIPTION_CHARS, True),
               "cadence": (limits.MAX_METRIC_TEXT_CHARS, False),
               "summary": (limits.MAX_METRIC_TEXT_CHARS, False)}
LICENCE_ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
# A local return is the council's own, not published under any licence: whoever reuses it asks first.
LOCAL_ATTRIBUTION = "Local figures: check with the council before publishing."


class RegisterError(UserProblem, ValueError):
    """The register file is not valid."""


def themes_from_list(entries: list, where: str) -> tuple[Theme, ...]:
    """The [[theme]] entries of a register, checked: an id, a title in words, a known partner."""
    out, seen = [], set()
    for entry in entries:
        tid = str(entry.get("id", "")).strip()
        if not _ID.fullmatch(tid):
            raise RegisterError(f"{where}: theme {tid or '(no id)'}: id must be lower-case letters, digits and "
                                "underscores")
        if tid in seen:
            raise RegisterError(f"{where}: theme {tid} is defined twice")
        seen.add(tid)
        title = str(entry.get("title", "")).strip()
        message = "is required" if not title else text_problem(title, limits.MAX_PRIORITY_TITLE_CHARS)
        if message:
            raise RegisterError(f"{where}: theme {tid}: title {message}")
        partner = str(entry.get("partner", DEFAULT_PARTNER))
        if partner not in PARTNERS:
            raise RegisterError(f"{where}: theme {tid}: partner {partner!r} must be one of {', '.join(PARTNERS)}")
        out.append(Theme(tid, title, partner))
    return tuple(out)


def load_themes(path: Path | str | None = None) -> tuple[Theme, ...]:
    """The register's themes, in order ([[theme]] in data/metrics.toml)."""
    path = Path(path or config.REGISTER_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RegisterError(f"{path.name}: not valid TOML ({exc})") from None
    return themes_from_list(data.get("theme", []), path.name) or _DEFAULT_THEMES


THEME_LIST = load_themes()
THEMES = tuple(t.id for t in THEME_LIST)
THEME_TITLES = {t.id: t.title for t in THEME_LIST}


@dataclass(frozen=True)
class Read:
    """How to read one metric from one kind of published file."""

    publication: str
    value: str
    file: str = ""
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    period_kind: str | None = None
    compute_missing: bool = False
    # Periods for which the publisher printed estimated (fractional) counts: their rates are kept,
    # without the counts, and a warning says so. Any other fractional count refuses the file.
    estimated_count_periods: tuple[str, ...] = ()
    # The release publishes the counts but not this percentage: it is always calculated (status
    # "computed", with a note), never passed off as published. `value` is then empty.
    calculate: bool = False
    # A column whose categories make up the headline row (e.g. setting_type): each area's mix of them
    # is kept in the figure's note, and shown in its detail.
    mix: str = ""
    # Columns that tell this file from another with much the same columns (caseload.csv has ehcplans;
    # newplans.csv, otherwise alike, has not): the file must have them, and they are not read.
    requires: tuple[str, ...] = ()

    @property
    def columns(self) -> set[str]:
        return {c for c in (self.value, self.mix, *self.numerator, *self.denominator, *self.requires,
                            *(c for c, _ in self.filters)) if c}


@dataclass(frozen=True)
class Metric:
    id: str
    name: str
    unit: str
    polarity: str
    decimals: int
    short_name: str = ""
    description: str = ""
    theme: str = "demand"
    national: bool = False
    national_equivalent: str | None = None
    cadence: str = ""
    breaks: tuple[tuple[str, str], ...] = ()
    reads: tuple[Read, ...] = ()
    origin: str = "register"
    rag_rule: str = "distance"
    amber_margin: float | None = None  # per cent of the target value (distance rule); None means the default
    summary: str = ""  # a sentence template for the plain-English summary; see words.statement
    numerator_label: str = ""  # for a percentage: what its numerator counts, for the template
    denominator_label: str = ""
    on_scorecard: bool = True  # False for supporting measures (denominators, experimental rates)
    population: str = ""  # for a rate per population ("per 10,000", "£ per head"): who it is per
    signed: bool = False  # a balance: below zero is allowed (a deficit), for a % between -100 and 100
    estimate: bool = False  # an estimate or projection (a population): a count need not be whole
    # Other measures read beside this one wherever it appears (the refusal rate beside the other
    # request outcomes): their figures for the same period are shown in its row.
    shown_with: tuple[str, ...] = ()
    # A measure calculated from two others (numerator metric, denominator metric), for each area and
    # period where both are published: a money total per head of a population.
    derived_from: tuple[str, ...] = ()
    partner: str = ""  # who is accountable to the board for it (PARTNERS); "" in a definition stored before partners
    # When another measure of the same area and period is far above England's, this one's rank is not
    # comparable (a refusal rate beside a withdrawn share of 38%): (measure id, points above England,
    # words for the sentence, "of its requests were withdrawn").
    rank_caveat: tuple = ()

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"

    @property
    def is_count(self) -> bool:
        return self.unit == "count"

    @property
    def is_total(self) -> bool:
        """A count or a sum of money for the whole area: never ranked or compared across areas."""
        return self.unit in TOTAL_UNITS


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def metric_from_dict(d: dict, where: str = "register", origin: str = "register",
                     themes: tuple[Theme, ...] | None = None) -> Metric:
    """Build and check one metric definition against the register's themes. Errors name the file and
    the metric."""
    themes = THEME_LIST if themes is None else themes
    mid = str(d.get("id", "")).strip()
    prefix = f"{where}: metric {mid or '(no id)'}"
    if not _ID.fullmatch(mid):
        raise RegisterError(f"{prefix}: id must be lower-case letters, digits and underscores")
    for key in ("name", "unit", "polarity"):
        if not str(d.get(key, "")).strip():
            raise RegisterError(f"{prefix}: '{key}' is required")
    for key, (limit, lines) in TEXT_FIELDS.items():
        message = text_problem(str(d.get(key, "") or "").strip(), limit, lines)
        if message:
            raise RegisterError(f"{prefix}: {key.replace('_', ' ')} {message}")
    if d["unit"] not in UNITS:
        raise RegisterError(f"{prefix}: unit {d['unit']!r} must be one of {', '.join(UNITS)}")
    if d["polarity"] not in POLARITIES:
        raise RegisterError(f"{prefix}: polarity {d['polarity']!r} must be one of {', '.join(POLARITIES)}")
    by_id = {t.id: t for t in themes}
    theme = d.get("theme", "demand" if "demand" in by_id else themes[0].id)
    if theme not in by_id:
        raise RegisterError(f"{prefix}: theme {theme!r} must be one of {', '.join(by_id)}")
    partner = d.get("partner") or by_id[theme].partner
    if partner not in PARTNERS:
        raise RegisterError(f"{prefix}: partner {partner!r} must be one of {', '.join(PARTNERS)}")
    try:
        decimals = int(d.get("decimals", 0 if d["unit"] == "count" else 1))
    except (TypeError, ValueError):
        raise RegisterError(f"{prefix}: decimals must be a whole number") from None
    if not 0 <= decimals <= 4:
        raise RegisterError(f"{prefix}: decimals must be between 0 and 4")
    reads = []
    for r in d.get("read", []):
        calculate = bool(r.get("calculate", False))
        if not r.get("publication") or not (r.get("value") or calculate):
            raise RegisterError(f"{prefix}: each read needs 'publication' and 'value'")
        if calculate and (not r.get("numerator") or not r.get("denominator") or d["unit"] != "%"):
            raise RegisterError(f"{prefix}: a read with calculate = true is a percentage and needs a numerator "
                                "and a denominator")
        filters = tuple((str(k), _as_tuple(v)) for k, v in (r.get("filters") or {}).items())
        reads.append(
            Read(
                publication=r["publication"],
                value=r.get("value", ""),
                file=r.get("file", ""),
                numerator=_as_tuple(r.get("numerator")),
                denominator=_as_tuple(r.get("denominator")),
                filters=filters,
                period_kind=r.get("period_kind"),
                compute_missing=bool(r.get("compute_missing", False)),
                estimated_count_periods=_as_tuple(r.get("estimated_count_periods")),
                calculate=calculate,
                mix=str(r.get("mix", "") or ""),
                requires=_as_tuple(r.get("requires")),
            )
        )
    population = str(d.get("population", "") or "").strip()
    if d["unit"] in PER_POPULATION_UNITS and not population:
        raise RegisterError(f"{prefix}: a rate {d['unit']} must name its population (population = \"...\")")
    message = text_problem(population, limits.MAX_METRIC_TEXT_CHARS)
    if message:
        raise RegisterError(f"{prefix}: population {message}")
    rank_caveat = _rank_caveat(d.get("rank_caveat"), prefix)
    derived_from = _as_tuple(d.get("derived_from"))
    if derived_from and len(derived_from) != 2:
        raise RegisterError(f"{prefix}: derived_from names two measures: the numerator and the denominator")
    breaks = tuple((str(b["period"]), str(b.get("note", ""))) for b in d.get("breaks", []))
    for period, note in breaks:
        message = text_problem(note, limits.MAX_METRIC_TEXT_CHARS)
        if message:
            raise RegisterError(f"{prefix}: the note on the series break in {period} {message}")
    from .rag import RULES, rule_name

    rag_rule = rule_name(d.get("rag_rule"))
    if rag_rule not in RULES:
        raise RegisterError(f"{prefix}: rag_rule {d.get('rag_rule')!r} must be one of {', '.join(RULES)}")
    amber_margin = d.get("amber_margin")
    if amber_margin is not None:
        try:
            amber_margin = float(amber_margin)
        except (TypeError, ValueError):
            raise RegisterError(f"{prefix}: amber_margin must be a number (a percentage of the target)") from None
        if not 0 <= amber_margin <= 100:
            raise RegisterError(f"{prefix}: amber_margin must be between 0 and 100 (a percentage of the target)")
    return Metric(
        id=mid,
        name=str(d["name"]).strip(),
        unit=d["unit"],
        polarity=d["polarity"],
        decimals=decimals,
        short_name=str(d.get("short_name", "")).strip(),
        description=str(d.get("description", "")).strip(),
        theme=theme,
        national=bool(d.get("national", False)),
        national_equivalent=d.get("national_equivalent"),
        cadence=str(d.get("cadence", "")),
        breaks=breaks,
        reads=tuple(reads),
        origin=origin,
        rag_rule=rag_rule,
        amber_margin=amber_margin,
        summary=str(d.get("summary", "")).strip(),
        on_scorecard=bool(d.get("on_scorecard", True)),
        numerator_label=str(d.get("numerator_label", "")).strip(),
        denominator_label=str(d.get("denominator_label", "")).strip(),
        population=population,
        signed=bool(d.get("signed", False)),
        estimate=bool(d.get("estimate", False)),
        shown_with=_as_tuple(d.get("shown_with")),
        derived_from=derived_from,
        partner=partner,
        rank_caveat=rank_caveat,
    )


def _rank_caveat(entry, prefix: str) -> tuple:
    """The register's rank_caveat = { measure, points_above_england, words }, checked, as a tuple."""
    if not entry:
        return ()
    if not isinstance(entry, dict) or not str(entry.get("measure", "")).strip():
        raise RegisterError(f"{prefix}: rank_caveat needs measure, points_above_england and words")
    try:
        points = float(entry.get("points_above_england"))
    except (TypeError, ValueError):
        raise RegisterError(f"{prefix}: rank_caveat's points_above_england must be a number of points") from None
    if points <= 0:
        raise RegisterError(f"{prefix}: rank_caveat's points_above_england must be above zero")
    said = str(entry.get("words", "")).strip()
    message = text_problem(said, limits.MAX_METRIC_TEXT_CHARS) if said else "is required"
    if message:
        raise RegisterError(f"{prefix}: rank_caveat's words {message}")
    return (str(entry["measure"]).strip(), points, said)


def load_register(path: Path | str | None = None, origin: str = "register") -> list[Metric]:
    path = Path(path or config.REGISTER_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RegisterError(f"{path.name}: not valid TOML ({exc})") from None
    themes = themes_from_list(data.get("theme", []), path.name) or _DEFAULT_THEMES
    metrics = [metric_from_dict(m, where=path.name, origin=origin, themes=themes) for m in data.get("metric", [])]
    seen = set()
    for m in metrics:
        if m.id in seen:
            raise RegisterError(f"{path.name}: metric {m.id} is defined twice")
        seen.add(m.id)
    for m in metrics:
        unknown = [i for i in (*m.shown_with, *m.derived_from, *m.rank_caveat[:1]) if i not in seen]
        if unknown:
            raise RegisterError(f"{path.name}: metric {m.id} names {', '.join(unknown)}, which the register "
                                "does not define")
    return metrics


@dataclass(frozen=True)
class Settings:
    """The register's [settings]: how the scorecard treats figures, for every measure."""

    # A rate on a denominator below this is "small numbers: treat with caution": never ranked,
    # banded, mapped or called better or worse.
    small_number_threshold: int = 10


_SETTINGS: dict[Path, tuple[float, Settings]] = {}


def settings(path: Path | str | None = None) -> Settings:
    """The [settings] table of the register (re-read when the file changes)."""
    path = Path(path or config.REGISTER_FILE)
    mtime = path.stat().st_mtime if path.exists() else 0.0
    cached = _SETTINGS.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("settings", {}) if path.exists() else {}
    threshold = raw.get("small_number_threshold", Settings.small_number_threshold)
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        raise RegisterError(f"{path.name}: settings.small_number_threshold must be a whole number of 1 or more")
    value = Settings(small_number_threshold=threshold)
    _SETTINGS[path] = (mtime, value)
    return value


def load_sources(path: Path | str = config.SOURCES_FILE) -> tuple[list[dict], list[dict]]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return data.get("publication", []), data.get("release", [])


def attribution(publisher: str, title: str, licence: str = "Open Government Licence v3.0") -> str:
    """The attribution a release's figures carry: the Open Government Licence for a published release,
    and for a local return (any other licence) that the figures are the council's own."""
    opening = LICENCE_ATTRIBUTION if "Open Government" in (licence or "") else LOCAL_ATTRIBUTION
    return f"{opening} Source: {publisher}, {title}."


def sync_to_store(con, metrics: list[Metric] | None = None, sources_path: Path | str = config.SOURCES_FILE) -> None:
    """Write the register (its measures and its own themes) and the known sources into the store (inside
    the caller's transaction), keeping the register as it now stands in its history (plan_history)."""
    from . import plan_history

    metrics = load_register() if metrics is None else metrics
    ids = [m.id for m in metrics]
    con.execute("DELETE FROM series_break WHERE metric_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    for order, m in enumerate(metrics):
        con.execute("DELETE FROM metric WHERE id = ?", [m.id])
        insert_metric(con, m, order)
        for period_label, note in m.breaks:
            con.execute("INSERT INTO series_break VALUES (?, ?, ?)", [m.id, period_label, note])
    con.execute("DELETE FROM register_theme")
    for position, theme in enumerate(load_themes()):
        con.execute("INSERT INTO register_theme VALUES (?, ?, ?, ?)", [theme.id, theme.title, theme.partner, position])
    plan_history.save_register(con, settings().small_number_threshold)
    publications, releases = load_sources(sources_path)
    pubs = {p["id"]: p for p in publications}
    for p in publications:
        con.execute("DELETE FROM publication WHERE id = ?", [p["id"]])
        con.execute("INSERT INTO publication VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [p["id"], p["publisher"], p["title"], p.get("url", ""), p.get("licence", ""),
                     p.get("cadence", ""), p.get("cadence_month")])
    for r in releases:
        pub = pubs[r["publication"]]
        con.execute("DELETE FROM source_release WHERE id = ?", [r["id"]])
        con.execute(
            "INSERT INTO source_release VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE)",
            [r["id"], r["publication"], r["title"], r.get("released", ""), r.get("release_date"),
             json.dumps(r.get("covers_to", [])), r.get("url", pub.get("url", "")),
             pub.get("licence", ""), attribution(pub["publisher"], r["title"], pub.get("licence", ""))],
        )


def insert_metric(con, m: Metric, order: int) -> None:
    """Store a metric: the columns queries filter on, and the whole definition as JSON (so a new
    register field needs no migration)."""
    con.execute(
        "INSERT INTO metric (id, name, short_name, description, unit, polarity, decimals, theme, national, "
        "national_equivalent, cadence, origin, reads_json, sort_order, rag_rule, summary, on_scorecard, amber_margin, "
        "definition_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [m.id, m.name, m.short_name, m.description, m.unit, m.polarity, m.decimals, m.theme,
         m.national, m.national_equivalent, m.cadence, m.origin,
         json.dumps([asdict(r) for r in m.reads]), order, m.rag_rule, m.summary, m.on_scorecard, m.amber_margin,
         json.dumps(asdict(m))],
    )


def _metric_from_json(text: str) -> Metric:
    d = json.loads(text)
    d["reads"] = tuple(Read(**{**r, "numerator": tuple(r["numerator"]), "denominator": tuple(r["denominator"]),
                               "filters": tuple((k, tuple(v)) for k, v in r["filters"]),
                               "estimated_count_periods": tuple(r.get("estimated_count_periods", ())),
                               "requires": tuple(r.get("requires", ()))})
                       for r in d.get("reads", []))
    for key in ("shown_with", "derived_from", "rank_caveat"):
        d[key] = tuple(d.get(key, ()))
    d["breaks"] = tuple(tuple(b) for b in d.get("breaks", []))
    known = set(Metric.__dataclass_fields__)
    return Metric(**{k: v for k, v in d.items() if k in known})


def metrics_from_store(con) -> dict[str, Metric]:
    """Every metric in the store (register and board-defined), keyed by id, in register order."""
    from .rag import rule_name

    rows = con.execute(
        "SELECT id, definition_json, name, short_name, description, unit, polarity, decimals, theme, national, "
        "national_equivalent, cadence, origin, reads_json, rag_rule, summary, on_scorecard "
        "FROM metric ORDER BY sort_order, id").fetchall()
    breaks: dict[str, list] = {}
    for mid, label, note in con.execute("SELECT metric_id, period_label, note FROM series_break").fetchall():
        breaks.setdefault(mid, []).append((label, note))
    out = {}
    for mid, definition, *columns in rows:
        metric = _metric_from_json(definition) if definition else _metric_from_columns(mid, columns, breaks)
        out[mid] = replace(metric, rag_rule=rule_name(metric.rag_rule))
    return out


def _metric_from_columns(mid: str, columns: list, breaks: dict[str, list]) -> Metric:
    """A metric stored before definitions were kept whole (a board metric from an older store)."""
    (name, short, desc, unit, pol, dec, theme, national, equiv, cadence, origin, reads_json, rag_rule, summary,
     on_scorecard) = columns
    return _metric_from_json(json.dumps({
        "id": mid, "name": name, "unit": unit, "polarity": pol, "decimals": dec, "short_name": short or "",
        "description": desc or "", "theme": theme, "national": bool(national), "national_equivalent": equiv,
        "cadence": cadence or "", "breaks": breaks.get(mid, []), "reads": json.loads(reads_json or "[]"),
        "origin": origin, "rag_rule": rag_rule or "distance", "summary": summary or "",
        "on_scorecard": on_scorecard is not False}))
